/* rnnlab model files: safetensors with PyTorch's names (see model.h) and metadata:
 *   "format": "rnnlab-model-1", "rnnlab_version" (the version that wrote it: version.h), "cell",
 *   "nonlinearity", "head", "classes", "residual",
 *   "vocab_level" ("char" | "word"), "vocab" (JSON array of token strings).
 * Without metadata (a file saved from PyTorch with save_file(model.state_dict())), the cell,
 * sizes, layer count and directions are inferred from the names and shapes. The names of
 * PyTorch's word_language_model example (encoder.weight, rnn.*, decoder.weight/bias) are accepted. */
#ifndef RNNLAB_MODELFILE_H
#define RNNLAB_MODELFILE_H
#include "model.h"
#include "safetensors.h"

int rl_model_save(const rl_model *m, const char *path, rl_error *err);
/* Loads and creates a model (one thread). Non-finite weights are rejected, naming the tensor. */
int rl_model_load(const char *path, rl_model **out, rl_error *err);
/* The same from an already parsed file (used by checkpoints, which add optimizer tensors). */
int rl_model_from_st(const rl_st_file *f, const char *what, rl_model **out, rl_error *err);
int rl_model_to_st(const rl_model *m, rl_st_file *f, rl_error *err);
/* Writes m->grads under the parameter names (inspect --grads). */
int rl_model_save_grads(const rl_model *m, const char *path, rl_error *err);

#endif
