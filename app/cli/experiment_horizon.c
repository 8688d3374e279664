/* rnnlab experiment horizon: the probability that each cell solves recall at each distance.
 *
 * One protocol, two ways of training:
 *   scratch     a fresh model trained at the distance itself
 *   curriculum  one model per seed trained at 2, 3, then the distances of the grid in turn,
 *               moving on each time the validation accuracy reaches the target
 * Both get the same learning rate per cell and the same budget of examples (steps x batch).
 * Learning rates come from a sweep on the validation split with seeds of their own; the early
 * stopping uses the validation split; "solved" is read on a test split drawn from its own stream:
 * the model the protocol keeps for a distance (the one that stopped early, else the last) scores
 * >= 95% on it. The solve rate over seeds gets a Wilson 95% interval, and the distance where it
 * falls below one half an interval from those. */
#include "experiment_common.h"
#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define HZ_MAXGRID 16
#define HZ_CELLS 3
#define HZ_MAXLR 4
#define HZ_MAXSWEEP 4
static const rl_cell HZ_CELL[HZ_CELLS] = {RL_CELL_RNN, RL_CELL_LSTM, RL_CELL_GRU};
static const char *const HZ_PROTOCOL[2] = {"scratch", "curriculum"};

typedef struct {
  int hidden, keys, distractors, val_size, test_size, eval_every, seeds, sweep_seeds;
  float forget_bias, target;
  long budget;                   /* steps per run, both protocols */
  int grid[HZ_MAXGRID], ngrid;   /* distances tested */
  int cur[HZ_MAXGRID + 2], ncur; /* curriculum stages: a few short distances, then the grid */
  float lrs[HZ_MAXLR];           /* the sweep's learning rates */
  int nlr;
  int sweep[HZ_MAXSWEEP], nsweep; /* the sweep's distances */
  float lr[HZ_CELLS];            /* chosen per cell */
  int ran[HZ_CELLS];             /* scratch: grid distances run per cell (the rest: see hz_main) */
} hz_protocol;

typedef struct {
  long steps;   /* steps trained when the model was kept */
  int stopped;  /* the validation accuracy reached the target (scratch), the stage passed (curriculum) */
  float val, test;
} hz_outcome;

typedef struct {
  const hz_protocol *p;
  ex_share share;
  int c;          /* index into HZ_CELL */
  int curriculum; /* 1: one curriculum run over the whole grid */
  int sweep;      /* 1: a learning-rate sweep run (lrs[lr_i] at sweep[g]) */
  int g, lr_i;    /* scratch: grid index; sweep: sweep-distance index and lr index */
  uint64_t seed;
  hz_outcome out[HZ_MAXGRID]; /* scratch and sweep: out[0]; curriculum: every grid distance */
  float val_auc;              /* sweep: the criterion */
  char note[sizeof(rl_error)]; /* a training failure */
} hz_job;

static int hz_distance(const hz_job *j) { return j->sweep ? j->p->sweep[j->g] : j->p->grid[j->g]; }
static float hz_lr(const hz_job *j) { return j->sweep ? j->p->lrs[j->lr_i] : j->p->lr[j->c]; }

static int hz_trainer(const hz_job *j, int distance, rl_trainer **t, rl_error *err) {
  const hz_protocol *p = j->p;
  rl_train_opts o = ex_recall_opts(HZ_CELL[j->c], p->hidden, j->seed, distance, p->distractors, hz_lr(j), p->val_size);
  o.task.keys = p->keys;
  o.init.forget_bias = p->forget_bias;
  return rl_trainer_create(&o, t, err);
}

/* accuracy on the test split at distance d: the same examples for both protocols */
static int hz_test(const hz_job *j, rl_trainer *t, int d, float *acc, rl_error *err) {
  return ex_test_accuracy(t, NULL, j->p->test_size, ex_stream_seed(j->seed, (uint64_t)d, EX_SPLIT_TEST), NULL, NULL,
                          acc, err);
}

static int hz_run_scratch(hz_job *j, rl_error *err) {
  rl_trainer *t;
  if (hz_trainer(j, hz_distance(j), &t, err)) return -1;
  ex_fit fit;
  int rc = ex_train_early_stop(t, j->p->budget, j->p->eval_every, j->p->target, &j->share, &fit, err);
  if (rc == 0) {
    j->out[0] = (hz_outcome){fit.steps, fit.stopped, fit.val_acc, NAN};
    j->val_auc = fit.val_auc;
    if (!j->sweep) rc = hz_test(j, t, hz_distance(j), &j->out[0].test, err);
  }
  rl_trainer_free(t);
  return rc;
}

/* the curriculum passed stage i: if that is a distance of the grid, keep its outcome */
static int hz_on_pass(void *ctx, rl_trainer *t, int stage, long steps, float val, rl_error *err) {
  hz_job *j = ctx;
  int g = stage - (j->p->ncur - j->p->ngrid);
  if (g < 0) return 0;
  j->out[g] = (hz_outcome){steps, 1, val, NAN};
  return hz_test(j, t, j->p->grid[g], &j->out[g].test, err);
}

static int hz_run_curriculum(hz_job *j, rl_error *err) {
  const hz_protocol *p = j->p;
  rl_trainer *t;
  if (hz_trainer(j, p->cur[0], &t, err)) return -1;
  int passed = ex_curriculum(t, p->cur, p->ncur, p->budget, p->eval_every, p->target, &j->share, hz_on_pass, j, err);
  int rc = passed < 0 ? -1 : 0;
  /* distances the budget did not reach: the last model, on both splits */
  for (int g = passed - (p->ncur - p->ngrid); rc == 0 && g < p->ngrid; g++) {
    if (g < 0) g = 0;
    rl_eval_stats e;
    rc = rl_trainer_set_length(t, p->grid[g], err) || rl_trainer_eval(t, &e, err) ||
         hz_test(j, t, p->grid[g], &j->out[g].test, err);
    j->out[g].steps = p->budget;
    j->out[g].stopped = 0;
    j->out[g].val = rc ? NAN : e.accuracy;
  }
  rl_trainer_free(t);
  return rc ? -1 : 0;
}

static void hz_run(void *arg) {
  hz_job *j = arg;
  rl_error err;
  j->note[0] = 0;
  for (int g = 0; g < HZ_MAXGRID; g++) j->out[g] = (hz_outcome){0, 0, NAN, NAN};
  j->val_auc = NAN;
  if ((j->curriculum ? hz_run_curriculum(j, &err) : hz_run_scratch(j, &err)) != 0)
    snprintf(j->note, sizeof j->note, "%s", err.msg);
  ex_share_close(&j->share);
}

/* ---- protocol ---------------------------------------------------------------------------------- */

/* The defaults (about 4 minutes on 2 cores) and --quick (a second, for the tests). */
static const hz_protocol HZ_DEFAULT = {
    .hidden = 32, .budget = 2000, .val_size = 256, .test_size = 1000, .seeds = 10, .sweep_seeds = 2,
    .grid = {3, 5, 7, 10, 15, 20, 30, 50, 75, 100, 150, 200}, .ngrid = 12, .sweep = {10, 30, 100}, .nsweep = 3,
    .lrs = {0.001f, 0.003f, 0.01f, 0.03f}, .nlr = 4};
static const hz_protocol HZ_QUICK = {
    .hidden = 16, .budget = 100, .val_size = 64, .test_size = 200, .seeds = 2, .sweep_seeds = 1,
    .grid = {3, 6, 12, 24}, .ngrid = 4, .sweep = {6}, .nsweep = 1, .lrs = {0.003f, 0.01f}, .nlr = 2};

static void hz_setup(const experiment_opts *eo, hz_protocol *p) {
  *p = eo->quick ? HZ_QUICK : HZ_DEFAULT;
  p->keys = 8;
  p->distractors = 8;
  p->forget_bias = 3.0f; /* LSTM only (Gers et al. 2000; Jozefowicz et al. 2015), as in the explorer */
  p->target = 0.95f;
  p->eval_every = 25;
  if (eo->seeds > 0) p->seeds = eo->seeds;
  p->ncur = 0;
  for (int d = 2; d < p->grid[0] && d <= 3; d++) p->cur[p->ncur++] = d;
  memcpy(p->cur + p->ncur, p->grid, sizeof(int) * (size_t)p->ngrid);
  p->ncur += p->ngrid;
}

static void hz_describe(char *buf, size_t n, const hz_protocol *p) {
  snprintf(buf, n,
           "recall with %d keys and %d distractor tokens; hidden %d, embed 16, Adam, clip 1, batch 32, LSTM forget "
           "bias %g; lr per cell from a sweep on the validation split (RNN %g, LSTM %g, GRU %g); budget %ld steps "
           "(%ld examples) per run for both protocols; early stopping when validation accuracy (%d examples, every "
           "%d steps) reaches %.0f%%; solved = the kept model scores >= %.0f%% on %d test examples from a separate "
           "stream; %d seeds per point; from scratch, a cell's longer distances are not run once its Wilson "
           "interval lies below 1/2",
           p->keys, p->distractors, p->hidden, p->forget_bias, p->lr[0], p->lr[1], p->lr[2], p->budget,
           p->budget * 32, p->val_size, p->eval_every, 100 * p->target, 100 * p->target, p->test_size, p->seeds);
}

/* Jobs sorted by weight, heaviest first, so both workers stay busy to the end. */
static int hz_cmp_weight(const void *a, const void *b) {
  double x = ((const hz_job *)a)->share.weight, y = ((const hz_job *)b)->share.weight;
  return x > y ? -1 : x < y;
}

static void hz_add(hz_job *jobs, int *n, const hz_protocol *p, ex_meter *m, hz_job j) {
  j.p = p;
  int d = j.curriculum ? p->grid[p->ngrid - 1] / 2 : hz_distance(&j); /* a curriculum's mean length, roughly */
  j.share = (ex_share){m, (double)p->budget * (d + 2), 0};
  jobs[(*n)++] = j;
}

/* ---- the learning-rate sweep ------------------------------------------------------------------- */

static int hz_sweep(const experiment_opts *eo, hz_protocol *p, ex_meter *m, rl_error *err) {
  int n = 0, max = HZ_CELLS * p->nlr * p->nsweep * p->sweep_seeds;
  hz_job *jobs = calloc((size_t)max, sizeof *jobs);
  if (!jobs) return rl_fail(err, "out of memory");
  for (int c = 0; c < HZ_CELLS; c++)
    for (int l = 0; l < p->nlr; l++)
      for (int g = 0; g < p->nsweep; g++)
        for (int s = 0; s < p->sweep_seeds; s++)
          hz_add(jobs, &n, p, m, (hz_job){.c = c, .sweep = 1, .g = g, .lr_i = l, .seed = 1001 + (uint64_t)s});
  qsort(jobs, (size_t)n, sizeof *jobs, hz_cmp_weight);
  ex_run_jobs(jobs, sizeof *jobs, n, hz_run, eo->workers > 0 ? eo->workers : 2);
  char path[1200];
  FILE *f = ex_csv_open(eo, "horizon_lr_sweep.csv", path, sizeof path, err);
  int rc = f ? 0 : -1;
  double score[HZ_CELLS][HZ_MAXLR] = {{0}};
  for (int i = 0; i < n; i++) score[jobs[i].c][jobs[i].lr_i] += jobs[i].val_auc / (p->nsweep * p->sweep_seeds);
  for (int c = 0; c < HZ_CELLS; c++) {
    int best = 0;
    for (int l = 1; l < p->nlr; l++)
      if (score[c][l] > score[c][best]) best = l;
    p->lr[c] = p->lrs[best];
  }
  if (f) {
    fprintf(f, "cell,lr,distance,seed,steps,stopped,val_acc,val_auc,mean_val_auc,chosen\n");
    for (int i = 0; i < n; i++) {
      const hz_job *j = &jobs[i];
      fprintf(f, "%s,%g,%d,%llu,%ld,%d,%.4f,%.4f,%.4f,%d\n", rl_cell_name(HZ_CELL[j->c]), hz_lr(j), hz_distance(j),
              (unsigned long long)j->seed, j->out[0].steps, j->out[0].stopped, j->out[0].val, j->val_auc,
              score[j->c][j->lr_i], hz_lr(j) == p->lr[j->c]);
    }
    rc = ex_csv_close(f, path, err);
  }
  FILE *out = eo->out;
  fprintf(out, "\nlearning rate per cell: mean validation accuracy over the budget (area under the learning curve)\n"
               "at distances");
  for (int g = 0; g < p->nsweep; g++) fprintf(out, "%s %d", g ? "," : "", p->sweep[g]);
  fprintf(out, ", %d sweep seed%s each (not the reported seeds):\n  %-6s", p->sweep_seeds,
          p->sweep_seeds > 1 ? "s" : "", "cell");
  for (int l = 0; l < p->nlr; l++) fprintf(out, " %9g", p->lrs[l]);
  fprintf(out, "   chosen\n");
  for (int c = 0; c < HZ_CELLS; c++) {
    fprintf(out, "  %-6s", ex_cell_label(HZ_CELL[c]));
    for (int l = 0; l < p->nlr; l++) fprintf(out, " %8.1f%%", 100 * score[c][l]);
    fprintf(out, "   %g%s\n", p->lr[c],
            p->lr[c] == p->lrs[0] || p->lr[c] == p->lrs[p->nlr - 1] ? " (at the edge of the sweep)" : "");
  }
  for (int i = 0; i < n; i++)
    if (jobs[i].note[0]) fprintf(out, "  note (sweep, %s): %s\n", ex_cell_label(HZ_CELL[jobs[i].c]), jobs[i].note);
  free(jobs);
  return rc;
}

/* ---- results ----------------------------------------------------------------------------------- */

typedef struct {
  int solved[2][HZ_CELLS][HZ_MAXGRID], seeds[2][HZ_CELLS][HZ_MAXGRID];
  double p[2][HZ_CELLS][HZ_MAXGRID], lo[2][HZ_CELLS][HZ_MAXGRID], hi[2][HZ_CELLS][HZ_MAXGRID];
  stats_crossing cross[2][HZ_CELLS];
} hz_table;

static int hz_solved(const hz_protocol *p, const hz_outcome *o) { return isfinite(o->test) && o->test >= p->target; }

static void hz_tabulate(const hz_protocol *p, const hz_job *jobs, int n, hz_table *tb) {
  memset(tb, 0, sizeof *tb);
  for (int i = 0; i < n; i++) {
    const hz_job *j = &jobs[i];
    for (int g = 0; g < p->ngrid; g++) {
      const hz_outcome *o = j->curriculum ? &j->out[g] : g == j->g ? &j->out[0] : NULL;
      if (!o || j->note[0]) continue; /* a failed run is reported, not counted */
      tb->seeds[j->curriculum][j->c][g]++;
      tb->solved[j->curriculum][j->c][g] += hz_solved(p, o);
    }
  }
  double x[HZ_MAXGRID];
  for (int g = 0; g < p->ngrid; g++) x[g] = p->grid[g];
  for (int pr = 0; pr < 2; pr++)
    for (int c = 0; c < HZ_CELLS; c++) {
      for (int g = 0; g < p->ngrid; g++) {
        int k = tb->solved[pr][c][g], s = tb->seeds[pr][c][g];
        tb->p[pr][c][g] = s ? (double)k / s : NAN;
        stats_wilson(k, s, STATS_Z95, &tb->lo[pr][c][g], &tb->hi[pr][c][g]);
        if (!s) tb->lo[pr][c][g] = tb->hi[pr][c][g] = NAN; /* not run */
      }
      tb->cross[pr][c] = stats_half_crossing(x, tb->p[pr][c], tb->lo[pr][c], tb->hi[pr][c], p->ngrid);
    }
}

/* "about 14 (10 to 20)", "beyond 200 (above 1/2 up to 150)", "below 5" */
static void hz_format_crossing(const hz_protocol *p, const stats_crossing *c, char *buf, size_t n) {
  char lo[32], hi[32];
  if (c->lo > 0) snprintf(lo, sizeof lo, "%g", c->lo);
  else snprintf(lo, sizeof lo, "<%d", p->grid[0]);
  if (isfinite(c->hi)) snprintf(hi, sizeof hi, "%g", c->hi);
  else snprintf(hi, sizeof hi, ">%d", p->grid[p->ngrid - 1]);
  if (c->beyond_last && c->lo >= p->grid[p->ngrid - 1])
    snprintf(buf, n, "beyond %d (the interval lies above 1/2 at every distance)", p->grid[p->ngrid - 1]);
  else if (c->beyond_last) snprintf(buf, n, "beyond %d (95%% interval %s to %s)", p->grid[p->ngrid - 1], lo, hi);
  else if (c->below_first) snprintf(buf, n, "below %d (95%% interval %s to %s)", p->grid[0], lo, hi);
  else snprintf(buf, n, "about %.0f (95%% interval %s to %s)", c->at, lo, hi);
}

static int hz_write_csv(const experiment_opts *eo, const hz_protocol *p, const hz_job *jobs, int n,
                        const hz_table *tb, rl_error *err) {
  char path[1200];
  FILE *f = ex_csv_open(eo, "horizon.csv", path, sizeof path, err);
  if (!f) return -1;
  fprintf(f, "cell,protocol,distance,lr,seeds,solved,p,ci_low,ci_high\n");
  for (int pr = 0; pr < 2; pr++)
    for (int c = 0; c < HZ_CELLS; c++)
      for (int g = 0; g < p->ngrid; g++) {
        fprintf(f, "%s,%s,%d,%g,%d,%d", rl_cell_name(HZ_CELL[c]), HZ_PROTOCOL[pr], p->grid[g], p->lr[c],
                tb->seeds[pr][c][g], tb->solved[pr][c][g]);
        if (tb->seeds[pr][c][g]) fprintf(f, ",%.4f,%.4f,%.4f\n", tb->p[pr][c][g], tb->lo[pr][c][g], tb->hi[pr][c][g]);
        else fprintf(f, ",,,\n"); /* not run: see scratch_stop_rule in horizon_protocol.csv */
      }
  if (ex_csv_close(f, path, err)) return -1;

  if (!(f = ex_csv_open(eo, "horizon_runs.csv", path, sizeof path, err))) return -1;
  fprintf(f, "cell,protocol,distance,lr,seed,steps,examples,stopped,val_acc,test_acc,solved\n");
  for (int i = 0; i < n; i++) {
    const hz_job *j = &jobs[i];
    for (int g = 0; g < p->ngrid; g++) {
      const hz_outcome *o = j->curriculum ? &j->out[g] : g == j->g ? &j->out[0] : NULL;
      if (!o || j->note[0]) continue;
      fprintf(f, "%s,%s,%d,%g,%llu,%ld,%ld,%d,%.4f,%.4f,%d\n", rl_cell_name(HZ_CELL[j->c]), HZ_PROTOCOL[j->curriculum],
              p->grid[g], p->lr[j->c], (unsigned long long)j->seed, o->steps, o->steps * 32, o->stopped, o->val, o->test,
              hz_solved(p, o));
    }
  }
  if (ex_csv_close(f, path, err)) return -1;

  if (!(f = ex_csv_open(eo, "horizon_crossing.csv", path, sizeof path, err))) return -1;
  fprintf(f, "cell,protocol,lr,seeds,d50,d50_low,d50_high,note\n");
  for (int pr = 0; pr < 2; pr++)
    for (int c = 0; c < HZ_CELLS; c++) {
      const stats_crossing *x = &tb->cross[pr][c];
      char at[32] = "", hi[32] = "";
      if (!x->beyond_last) snprintf(at, sizeof at, "%.1f", x->at);
      if (isfinite(x->hi)) snprintf(hi, sizeof hi, "%g", x->hi);
      fprintf(f, "%s,%s,%g,%d,%s,%g,%s,%s\n", rl_cell_name(HZ_CELL[c]), HZ_PROTOCOL[pr], p->lr[c], p->seeds, at, x->lo,
              hi,
              x->beyond_last ? "p stays >= 1/2 on the whole grid"
              : x->below_first ? "p < 1/2 already at the first distance"
                               : "log-linear interpolation; low/high from the Wilson intervals (0 / empty = none)");
    }
  if (ex_csv_close(f, path, err)) return -1;

  if (!(f = ex_csv_open(eo, "horizon_protocol.csv", path, sizeof path, err))) return -1;
  fprintf(f, "key,value\n");
  fprintf(f, "task,recall\nkeys,%d\ndistractor_tokens,%d\nhidden,%d\nembed,16\noptimizer,adam\nclip,1\nbatch,32\n"
             "lstm_forget_bias,%g\nbudget_steps,%ld\nbudget_examples,%ld\neval_every,%d\nvalidation_examples,%d\n"
             "test_examples,%d\ntarget_accuracy,%g\nseeds,%d\nseed_first,1\nsweep_seeds,%d\nsweep_seed_first,1001\n",
          p->keys, p->distractors, p->hidden, p->forget_bias, p->budget, p->budget * 32, p->eval_every, p->val_size,
          p->test_size, p->target, p->seeds, p->sweep_seeds);
  fprintf(f, "scratch_stop_rule,longer distances not run once a distance's Wilson interval lies below 1/2\n");
  for (int l = 0; l < p->nlr; l++) fprintf(f, "sweep_lr,%g\n", p->lrs[l]);
  for (int g = 0; g < p->nsweep; g++) fprintf(f, "sweep_distance,%d\n", p->sweep[g]);
  for (int c = 0; c < HZ_CELLS; c++) fprintf(f, "lr_%s,%g\n", rl_cell_name(HZ_CELL[c]), p->lr[c]);
  for (int k = 0; k < p->ncur; k++) fprintf(f, "curriculum_stage,%d\n", p->cur[k]);
  fprintf(f, "interval,Wilson score 95%%\n");
  return ex_csv_close(f, path, err);
}

static void hz_print(FILE *out, const hz_protocol *p, const hz_job *jobs, int n, const hz_table *tb) {
  for (int pr = 0; pr < 2; pr++) {
    if (pr == 0) fprintf(out, "\nseeds solved, trained from scratch at each distance:\n");
    else
      fprintf(out, "\nseeds solved, curriculum through the distances from %d (the model kept for each distance: the\n"
                   "one that passed it, or the last one if the budget ran out first):\n", p->cur[0]);
    fprintf(out, "  %-16s", "distance");
    for (int g = 0; g < p->ngrid; g++) fprintf(out, " %6d", p->grid[g]);
    fprintf(out, "\n");
    for (int c = 0; c < HZ_CELLS; c++) {
      char name[32];
      snprintf(name, sizeof name, "%s (lr %g)", ex_cell_label(HZ_CELL[c]), p->lr[c]);
      fprintf(out, "  %-16s", name);
      for (int g = 0; g < p->ngrid; g++) {
        char k[16] = "-";
        if (tb->seeds[pr][c][g]) snprintf(k, sizeof k, "%d/%d", tb->solved[pr][c][g], tb->seeds[pr][c][g]);
        fprintf(out, " %6s", k);
      }
      fprintf(out, "\n");
    }
  }
  fprintf(out, "  (- = not run: from scratch, a cell's longer distances are skipped once the Wilson interval at a\n"
               "   distance lies wholly below 1/2)\n");
  fprintf(out, "\nwhere the probability of solving falls below 1/2 (interpolated on a log scale; the interval runs\n"
               "from the last distance whose Wilson interval lies above 1/2 to the first whose interval lies below):\n");
  for (int c = 0; c < HZ_CELLS; c++)
    for (int pr = 0; pr < 2; pr++) {
      char buf[128];
      hz_format_crossing(p, &tb->cross[pr][c], buf, sizeof buf);
      fprintf(out, "  %-5s %-11s %s\n", ex_cell_label(HZ_CELL[c]), HZ_PROTOCOL[pr], buf);
    }
  fprintf(out, "  (the slides: about 7 timesteps for a vanilla RNN, about 100 for an LSTM; chance is %.1f%%)\n",
          100.0 / p->keys);
  for (int i = 0; i < n; i++)
    if (jobs[i].note[0])
      fprintf(out, "  note (%s, seed %llu, %s): %s\n", ex_cell_label(HZ_CELL[jobs[i].c]),
              (unsigned long long)jobs[i].seed, HZ_PROTOCOL[jobs[i].curriculum], jobs[i].note);
}

/* Solve probability against distance (log scale), one panel per protocol, Wilson bars; the cells
 * are nudged apart sideways so their bars do not hide one another. */
static int hz_figure(const experiment_opts *eo, const hz_protocol *p, const hz_table *tb, rl_error *err) {
  static const float NUDGE[HZ_CELLS] = {-0.018f, 0.0f, 0.018f};
  static const int DASHED[HZ_CELLS] = {0, 0, 1};
  float xs[HZ_CELLS][HZ_MAXGRID], ys[2][HZ_CELLS][HZ_MAXGRID], lo[2][HZ_CELLS][HZ_MAXGRID], hi[2][HZ_CELLS][HZ_MAXGRID];
  float xh[2], half[2] = {0.5f, 0.5f};
  double at[HZ_MAXGRID];
  char labels[HZ_MAXGRID][16], names[HZ_CELLS][48];
  const char *lab[HZ_MAXGRID];
  for (int g = 0; g < p->ngrid; g++) {
    at[g] = log10((double)p->grid[g]);
    snprintf(labels[g], sizeof labels[g], "%d", p->grid[g]);
    lab[g] = labels[g];
    for (int c = 0; c < HZ_CELLS; c++) xs[c][g] = (float)at[g] + NUDGE[c];
  }
  xh[0] = (float)at[0] - 0.06f;
  xh[1] = (float)at[p->ngrid - 1] + 0.06f;
  plot_series s[2][HZ_CELLS + 1], leg[HZ_CELLS + 1];
  memset(s, 0, sizeof s);
  for (int pr = 0; pr < 2; pr++) {
    for (int c = 0; c < HZ_CELLS; c++) {
      for (int g = 0; g < p->ngrid; g++) {
        ys[pr][c][g] = (float)tb->p[pr][c][g];
        lo[pr][c][g] = (float)tb->lo[pr][c][g];
        hi[pr][c][g] = (float)tb->hi[pr][c][g];
      }
      snprintf(names[c], sizeof names[c], "%s (lr %g)", ex_cell_label(HZ_CELL[c]), p->lr[c]);
      s[pr][c] = (plot_series){.label = names[c], .x = xs[c], .y = ys[pr][c], .n = p->ngrid, .color = ex_color(c),
                               .width = 3.0f, .markers = 1, .dashed = DASHED[c], .lo = lo[pr][c], .hi = hi[pr][c]};
    }
    s[pr][HZ_CELLS] = (plot_series){.label = "p = 1/2 (where the horizon is read)", .x = xh, .y = half, .n = 2,
                                    .color = {120, 120, 120, 255}, .width = 1.5f, .dashed = 1};
  }
  memcpy(leg, s[0], sizeof leg);
  char title[2][160], caption[1024], proto[900];
  snprintf(title[0], sizeof title[0], "From scratch (%d seeds a point)", p->seeds);
  snprintf(title[1], sizeof title[1], "Curriculum (%d seeds a point)", p->seeds);
  hz_describe(proto, sizeof proto, p);
  snprintf(caption, sizeof caption, "Protocol: %s. Error bars: Wilson 95%% intervals.", proto);
  plot_opts po[2];
  ex_panel fp[2];
  for (int pr = 0; pr < 2; pr++) {
    po[pr] = plot_opts_default();
    po[pr].title = title[pr];
    po[pr].xlabel = "distance between key and query (timesteps, log scale)";
    po[pr].ylabel = "P(solved): test accuracy \u2265 95%";
    po[pr].ymin = -0.02;
    po[pr].ymax = 1.02;
    po[pr].xmin = xh[0];
    po[pr].xmax = xh[1];
    po[pr].xtick_labels = lab;
    po[pr].xtick_at = at;
    po[pr].n_xtick_labels = p->ngrid;
    po[pr].legend = PLOT_LEGEND_NONE;
    fp[pr] = (ex_panel){&po[pr], s[pr], HZ_CELLS + 1};
  }
  return ex_figure_png(eo, "horizon.png", fp, 2, 2, leg, HZ_CELLS + 1, caption, err);
}

/* Scratch runs distance by distance (all cells and seeds of one distance at a time, with the
 * curriculum runs in the first round). A cell's longer distances are not run once the Wilson
 * interval at one distance lies wholly below 1/2: the crossing is then bracketed, and recall only
 * gets harder with distance. */
static int hz_main(const experiment_opts *eo, hz_protocol *p, ex_meter *m, hz_job *jobs, int *n) {
  int active[HZ_CELLS] = {1, 1, 1};
  for (int g = 0; g < p->ngrid; g++) {
    int start = *n;
    for (int c = 0; c < HZ_CELLS; c++)
      for (int s = 0; s < p->seeds; s++) {
        if (g == 0) hz_add(jobs, n, p, m, (hz_job){.c = c, .curriculum = 1, .seed = 1 + (uint64_t)s});
        if (active[c]) hz_add(jobs, n, p, m, (hz_job){.c = c, .g = g, .seed = 1 + (uint64_t)s});
      }
    qsort(jobs + start, (size_t)(*n - start), sizeof *jobs, hz_cmp_weight);
    ex_run_jobs(jobs + start, sizeof *jobs, *n - start, hz_run, eo->workers > 0 ? eo->workers : 2);
    for (int c = 0; c < HZ_CELLS; c++) {
      if (!active[c]) continue;
      int solved = 0, runs = 0;
      for (int i = start; i < *n; i++)
        if (jobs[i].c == c && !jobs[i].curriculum && !jobs[i].note[0]) {
          runs++;
          solved += hz_solved(p, &jobs[i].out[0]);
        }
      double lo, hi;
      stats_wilson(solved, runs, STATS_Z95, &lo, &hi);
      p->ran[c] = g + 1;
      if (!(hi < 0.5)) continue;
      active[c] = 0; /* the runs not made count as done on the progress bar */
      for (int h = g + 1; h < p->ngrid; h++) ex_meter_add(m, (double)p->seeds * p->budget * (p->grid[h] + 2));
    }
  }
  return 0;
}

int run_horizon(const experiment_opts *eo, rl_error *err) {
  FILE *out = eo->out;
  hz_protocol p;
  hz_setup(eo, &p);
  fprintf(out, "horizon: the probability of solving recall at each distance, from scratch and with a curriculum;\n"
               "first a learning-rate sweep per cell, then %d seeds per point (progress on stderr)\n", p.seeds);
  fflush(out);
  int max = HZ_CELLS * p.seeds * (p.ngrid + 1);
  hz_job *jobs = calloc((size_t)max, sizeof *jobs);
  if (!jobs) return rl_fail(err, "out of memory");
  ex_meter m;
  double total = 0;
  for (int c = 0; c < HZ_CELLS; c++)
    for (int g = 0; g < p.nsweep; g++) total += (double)p.nlr * p.sweep_seeds * p.budget * (p.sweep[g] + 2);
  for (int g = 0; g < p.ngrid; g++) total += (double)HZ_CELLS * p.seeds * p.budget * (p.grid[g] + 2);
  total += (double)HZ_CELLS * p.seeds * p.budget * (p.grid[p.ngrid - 1] / 2 + 2);
  ex_meter_start(&m, "horizon", total);
  int rc = -1, n = 0;
  int bad = hz_sweep(eo, &p, &m, err) || hz_main(eo, &p, &m, jobs, &n);
  ex_meter_finish(&m);
  if (bad) goto done;
  hz_table tb;
  hz_tabulate(&p, jobs, n, &tb);
  char proto[900];
  hz_describe(proto, sizeof proto, &p);
  fprintf(out, "\nprotocol: %s\n", proto);
  hz_print(out, &p, jobs, n, &tb);
  if (hz_write_csv(eo, &p, jobs, n, &tb, err) || hz_figure(eo, &p, &tb, err)) goto done;
  fprintf(out, "\nwrote %s/horizon.csv (solve rates), horizon_runs.csv (every run), horizon_crossing.csv, "
               "horizon_lr_sweep.csv, horizon_protocol.csv, horizon.png\n",
          eo->out_dir);
  rc = 0;
done:
  free(jobs);
  return rc;
}
