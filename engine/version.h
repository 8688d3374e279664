/* The version of rnnlab that this engine was built as: project(rnnlab VERSION ...) in
 * CMakeLists.txt, followed by "(git DESCRIBE)" when built from a git checkout, e.g.
 * "0.1.0 (git 35a49b8-dirty)". The definition is generated at build time (cmake/version.cmake),
 * so the engine needs nothing from app/ to stamp the files it writes: model files, gradient files
 * and checkpoints carry it as the metadata key "rnnlab_version". */
#ifndef RNNLAB_VERSION_H
#define RNNLAB_VERSION_H

const char *rl_version(void);

#endif
