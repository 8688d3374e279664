/* `rnnlab experiment NAME --out DIR`: one of the experiments of experiments.h, from the command
 * line. */
#include "cli_args.h"
#include "commands.h"
#include "experiments.h"
#include <string.h>

static void experiment_usage(FILE *f) {
  int n;
  const char *const *names = experiment_names(&n);
  fprintf(f, "usage: rnnlab experiment NAME --out DIR [--quick] [--seeds N] [--workers N]\n\n"
             "Measures a claim of the slides: prints tables, writes CSV files and PNG figures into DIR and the\n"
             "command that reproduces them, with a progress bar and an estimate of the time left on stderr.\n"
             "Measured with the defaults on a 2-core machine that other work shared: horizon 5.5 min,\n"
             "agreement 5.5 min, gradients 12 s (CPU time 5, 4 and 0.1 min: with both cores free, about half\n"
             "the CPU time); --quick a few seconds each.\n\n");
  for (int i = 0; i < n; i++) fprintf(f, "  %-10s %s\n", names[i], experiment_help(names[i]));
  fprintf(f, "\n  --seeds N     training seeds per point (default 10, --quick 2)\n"
             "  --workers N   training runs in parallel (default 2; results do not depend on it)\n");
}

int cmd_experiment(int argc, char **argv) {
  const char *C = "experiment", *name = NULL;
  experiment_opts o;
  memset(&o, 0, sizeof o);
  o.out = stdout;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v;
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      experiment_usage(stdout);
      return 0;
    } else if (!strcmp(a, "--quick")) {
      o.quick = 1;
    } else if (!strcmp(a, "--out")) {
      if (!(v = arg_value(C, argc, argv, &i))) return 2;
      o.out_dir = v;
    } else if (!strcmp(a, "--seeds")) {
      if (!(v = arg_value(C, argc, argv, &i)) || arg_int(C, a, v, 1, 100, &o.seeds)) return 2;
    } else if (!strcmp(a, "--workers")) {
      if (!(v = arg_value(C, argc, argv, &i)) || arg_int(C, a, v, 1, 8, &o.workers)) return 2;
    } else if (a[0] == '-') {
      fprintf(stderr, "rnnlab experiment: unknown option '%s' (see rnnlab experiment --help)\n", a);
      return 2;
    } else if (name) {
      fprintf(stderr, "rnnlab experiment: one experiment at a time ('%s', then '%s')\n", name, a);
      return 2;
    } else {
      name = a;
    }
  }
  if (!name) {
    experiment_usage(stderr);
    return 2;
  }
  if (!experiment_help(name)) {
    fprintf(stderr, "rnnlab experiment: unknown experiment '%s' (expected horizon, gradients or agreement)\n", name);
    return 2;
  }
  if (!o.out_dir) {
    fprintf(stderr, "rnnlab experiment: --out DIR is required\n");
    return 2;
  }
  rl_error err;
  if (experiment_run(name, &o, &err)) {
    fprintf(stderr, "rnnlab experiment: %s\n", err.msg);
    return 1;
  }
  return 0;
}
