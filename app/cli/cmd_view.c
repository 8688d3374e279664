/* `rnnlab view MODEL --text "..."`: a model file's gates, states and gradient norms on a sentence,
 * in a window or (--out) as a PNG. */
#include "commands.h"
#include "cli_args.h"
#include "explorer_cli.h"
#include "modelfile.h"
#include <stdio.h>
#include <string.h>

static void view_help(void) {
  printf("usage: rnnlab view MODEL.safetensors --text \"...\" [--out fig.png] [--size WxH] [--theme light|dark]\n\n"
         "Shows a model's gates, states and gradient norms on a sentence (rnnlab's own model files or\n"
         "a PyTorch state_dict saved with safetensors and rnnlab vocabulary metadata). With --out the\n"
         "view is drawn to a PNG with no display; otherwise a window opens.\n");
}

/* Returns 0 to go on, -1 after printing the help, 2 on a usage error (message printed). */
static int parse_view_args(view_args *a, int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      view_help();
      return -1;
    }
    int r = view_args_parse(a, "view", argc, argv, &i);
    if (r < 0) return 2;
    if (r > 0) continue;
    if (!strcmp(argv[i], "--out") || !strcmp(argv[i], "--panel")) {
      const char **dst = !strcmp(argv[i], "--out") ? &a->out : &a->panel;
      if (!(*dst = arg_value("view", argc, argv, &i))) return 2;
    } else if (argv[i][0] != '-' && !a->model_path) {
      a->model_path = argv[i];
    } else {
      fprintf(stderr, "rnnlab view: unknown option '%s' (see rnnlab view --help)\n", argv[i]);
      return 2;
    }
  }
  if (!a->model_path || !a->text) {
    fprintf(stderr, "rnnlab view: usage: rnnlab view MODEL.safetensors --text \"...\"\n");
    return 2;
  }
  return 0;
}

int cmd_view(int argc, char **argv) {
  view_args a;
  view_args_default(&a);
  a.w = 1600;
  a.h = 900;
  int rc = parse_view_args(&a, argc, argv);
  if (rc) return rc < 0 ? 0 : rc;
  rl_error err;
  rl_model *m = NULL;
  if (rl_model_load(a.model_path, &m, &err)) {
    fprintf(stderr, "rnnlab view: %s\n", err.msg);
    return 1;
  }
  cli_load_colormaps();
  if (!a.out) return explorer_window(&a, m, "view");
  gfx *g = gfx_create_headless(a.w, a.h, &err);
  if (!g) {
    fprintf(stderr, "rnnlab view: %s\n", err.msg);
    rl_model_free(m);
    return 1;
  }
  gfx_set_theme(g, theme_get(a.theme));
  explorer *e = NULL;
  if (explorer_create_view(g, m, a.text, &e, &err)) {
    fprintf(stderr, "rnnlab view: %s\n", err.msg);
    gfx_destroy(g);
    return 1;
  }
  rc = view_args_apply(e, &a, "view") ? 2 : 0; /* a bad --show: a usage error, as in render */
  explorer_wait(e, 30.0);
  if (!rc) rc = explorer_png(e, g, &a, "view");
  if (!rc) printf("wrote %s\n", a.out);
  explorer_destroy(e);
  gfx_destroy(g);
  return rc;
}
