/* rnnlab init: a freshly initialised model file. */
#include "cli_args.h"
#include "commands.h"
#include "modelfile.h"
#include <string.h>

static void init_help(FILE *f) {
  fprintf(f, "usage: rnnlab init [MODEL OPTIONS] --save FILE\n\nWrites a freshly initialised model.\n\n");
  model_opts_help(f);
}

int cmd_init(int argc, char **argv) {
  model_opts o;
  model_opts_default(&o);
  const char *save = NULL;
  for (int i = 1; i < argc; i++) {
    int r = model_opts_parse(&o, "init", argc, argv, &i);
    if (r < 0) return 2;
    if (r > 0) continue;
    if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      init_help(stdout);
      return 0;
    } else if (!strcmp(argv[i], "--save")) {
      if (!(save = arg_value("init", argc, argv, &i))) return 2;
    } else {
      fprintf(stderr, "rnnlab init: unknown option '%s' (see rnnlab init --help)\n", argv[i]);
      return 2;
    }
  }
  if (!save) {
    fprintf(stderr, "rnnlab init: --save FILE is required\n");
    return 2;
  }
  if (model_opts_finish(&o, "init")) return 2;
  rl_model *m;
  rl_error err;
  if (rl_model_create(&o.cfg, &m, &err) || rl_model_init_params(m, &o.init, &err)) {
    fprintf(stderr, "rnnlab init: %s\n", err.msg);
    rl_model_free(m);
    return 1;
  }
  int rc = 0;
  if (rl_model_save(m, save, &err)) {
    fprintf(stderr, "rnnlab init: %s\n", err.msg);
    rc = 1;
  } else {
    printf("wrote %s: %s, %d layer%s%s, hidden %d, vocabulary %d, %s head, %zu parameters\n", save,
           rl_cell_name(o.cfg.cell), o.cfg.layers, o.cfg.layers > 1 ? "s" : "",
           o.cfg.bidirectional ? " (bidirectional)" : "", o.cfg.hidden, o.cfg.vocab, rl_head_name(o.cfg.head),
           m->nparams);
  }
  rl_model_free(m);
  return rc;
}
