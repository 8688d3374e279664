/* rnnlab export: figures and their data from the explorer (PNG + CSV).
 *
 * Files go to a folder (default rnnlab-figures/, created if missing) with names that say lesson,
 * panel and training step: "<lesson>-<panel>-step<N>.png" (".csv" beside it), and "-2", "-3" ...
 * instead of overwriting. Exports re-render headlessly, so they never disturb the window and work
 * the same in `rnnlab render`. The explorer-level calls are declared in explorer.h. */
#ifndef RNNLAB_EXPORT_H
#define RNNLAB_EXPORT_H
#include "rl_base.h"
#include <stddef.h>

/* A panel exported alone is a slide-sized figure: this many pixels at 1x (twice at 2x), laid out
 * with the text sizes of a 1920x1080 projector, whatever its size in the window. */
#define EXPORT_PANEL_W 1920
#define EXPORT_PANEL_H 1080

/* Creates dir and its parents (like mkdir -p). 0 ok, -1 with a message naming the folder. */
int export_mkdir(const char *dir, rl_error *err);
/* dir/stem.ext, or dir/stem-2.ext ... if taken. 0 ok, -1 if the name does not fit. */
int export_unique_path(const char *dir, const char *stem, const char *ext, char *out, size_t cap,
                       rl_error *err);
/* A file-name-safe copy of s: letters, digits, '-', '_' and '.'; others become '-'. */
void export_sanitize(const char *s, char *out, size_t cap);

#endif
