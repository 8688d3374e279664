/* What the explorer's commands share -- `rnnlab` (the window, cmd_explorer.c), `rnnlab render`
 * (cmd_render.c) and `rnnlab view` (cmd_view.c): their options, the explorer in a window
 * (explorer_window.c) and the explorer drawn to a PNG. */
#ifndef RNNLAB_EXPLORER_CLI_H
#define RNNLAB_EXPLORER_CLI_H
#include "explorer/explorer.h"
#include "model.h"
#include <stdio.h>

/* The longest distance / sequence the explorer, render and view accept: the traced pass is linear in
 * it, and `render --train-steps 0 --distance 5000` draws in 0.8 s (16000: 2 s; 99998: 8 s, 0.8 GB),
 * while the columns of a 1920-pixel heatmap stopped being readable long before. */
#define VIEW_MAX_LENGTH 5000

typedef struct {
  explorer_opts ex;
  int w, h;
  theme_id theme;
  const char *out;
  const char *panel;
  long train_steps;
  int select_t;
  const char *clamp;
  const char *script;
  double bench_s;
  int fullscreen;
  const char *text;
  const char *model_path;
  const char *show;
  int scale;            /* render: 1 or 2 (twice the pixels, the same layout) */
  int grad_raw;
} view_args;

void view_args_default(view_args *a);
/* If argv[*i] is an option every explorer command takes, consumes it (and its value) and returns
 * 1; 0 if it is not one; -1 (message printed) on a bad value. */
int view_args_parse(view_args *a, const char *cmd, int argc, char **argv, int *i);
void view_args_help(FILE *f, const char *cmd);
/* Applies the view options once the explorer exists. 0, or -1 (message printed). */
int view_args_apply(explorer *e, const view_args *a, const char *cmd);

/* Seconds on a monotonic clock, and CPU seconds of the calling thread. */
double cli_now_s(void);
double cli_thread_cpu_s(void);

/* The explorer (or a loaded model, taking ownership of view_model) in a window until it is
 * closed; --script and --bench-fps run there. Returns the exit code. */
int explorer_window(view_args *a, rl_model *view_model, const char *cmd);
/* Draws the view or a->panel into g as a figure and writes a->out. Returns the exit code. */
int explorer_png(explorer *e, gfx *g, const view_args *a, const char *cmd);

#endif
