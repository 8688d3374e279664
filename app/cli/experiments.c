/* rnnlab experiments (see experiments.h): the registry. Each experiment lives in its own file
 * (experiment_horizon.c, experiment_gradients.c, experiment_agreement.c) on top of
 * experiment_common.c (files, figures, jobs, progress, training protocol) and stats.c. */
#define _POSIX_C_SOURCE 200809L
#include "experiment_common.h"

#include <string.h>

static const struct {
  const char *name, *help;
  int (*run)(const experiment_opts *eo, rl_error *err);
} EXPERIMENTS[] = {
    {"horizon", "probability of solving recall vs distance (Wilson 95% CI), from scratch and by curriculum", run_horizon},
    {"gradients", "||dJ(T)/dh(t)|| vs T-t over seeds: decay factors, radius sweep beside the bound, clipping",
     run_gradients},
    {"agreement", "subject-verb agreement vs distance and attractors, two grammars, steps to learn; RNN vs LSTM",
     run_agreement},
};
#define NNAMES ((int)(sizeof EXPERIMENTS / sizeof *EXPERIMENTS))

const char *const *experiment_names(int *n) {
  static const char *names[NNAMES];
  for (int i = 0; i < NNAMES; i++) names[i] = EXPERIMENTS[i].name;
  if (n) *n = NNAMES;
  return names;
}

static int find(const char *name) {
  for (int i = 0; name && i < NNAMES; i++)
    if (!strcmp(name, EXPERIMENTS[i].name)) return i;
  return -1;
}

const char *experiment_help(const char *name) {
  int i = find(name);
  return i < 0 ? NULL : EXPERIMENTS[i].help;
}

int experiment_run(const char *name, const experiment_opts *o, rl_error *err) {
  if (!name || !o || !o->out_dir) return rl_fail(err, "experiment: missing arguments");
  int which = find(name);
  if (which < 0) return rl_fail(err, "unknown experiment '%.60s' (expected horizon, gradients or agreement)", name);
  if (ex_make_dir(o->out_dir, err)) return -1;
  experiment_opts eo = *o;
  if (!eo.out) eo.out = stdout;
  double t0 = progress_now();
  int rc = EXPERIMENTS[which].run(&eo, err);
  if (rc == 0) {
    fprintf(eo.out, "reproduce with: rnnlab experiment %s --out %s%s", name, o->out_dir, o->quick ? " --quick" : "");
    if (o->seeds > 0) fprintf(eo.out, " --seeds %d", o->seeds);
    if (o->workers > 0) fprintf(eo.out, " --workers %d", o->workers);
    fprintf(eo.out, "   (total %.0f s)\n", progress_now() - t0);
  }
  return rc;
}
