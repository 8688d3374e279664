/* rnnlab experiment agreement: subject-verb agreement across distance and attractors, RNN vs LSTM.
 *
 * Sentences of the agreement task with filler words (0..F adjectives before every noun, 0..F
 * adverbs before the verb) so subject and verb lie far apart, in two grammars:
 *   other  every intervening noun has the other number (the task's default): distance and the
 *          number of attractors grow together
 *   mixed  every intervening noun is singular or plural at random: at a fixed number of
 *          intervening nouns, more attractors test attraction itself
 * Each seed trains for a fixed budget; the held-out (validation) accuracy every eval_every steps
 * gives the steps to learn (the first check at >= 90%). A test split from its own stream, with more
 * attractors than in training, is binned by distance, nouns and attractors twice: when the seed
 * first reached 90% (where errors remain, so what is hard shows) and after the whole budget. */
#include "experiment_common.h"
#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define AG_MAXK 9   /* nouns / attractors 0..8 */
#define AG_DBIN 5   /* distance bins of 5 words: 0-4, 5-9, ... */
#define AG_ND 10    /* the last bin holds 45 and more */
#define AG_MAXEV 512
#define AG_MIN_PER_SEED 20 /* bins with fewer test sentences per seed are not shown */
#define AG_CELLS 2
static const rl_cell AG_CELL[AG_CELLS] = {RL_CELL_RNN, RL_CELL_LSTM};
static const char *const AG_GRAMMAR[2] = {"other", "mixed"};
enum { AG_AT_LEARNED = 0, AG_AT_END = 1 };
static const char *const AG_SNAP[2] = {"learned", "end"};

typedef struct {
  int hidden, embed, batch, val_size, test_size, eval_every, seeds, train_attr, test_attr, filler;
  long budget;
  float lr, target;
} ag_protocol;

typedef struct {
  const ag_protocol *p;
  ex_share share;
  int c, mixed;
  uint64_t seed;
  float val[AG_MAXEV]; /* validation accuracy after (i + 1) * eval_every steps */
  int nev;
  long learned_at;     /* first step with validation accuracy >= target; -1 = not within the budget */
  float test_acc;
  /* test counts [snapshot][nouns][attractors][distance bin] */
  int64_t cor[2][AG_MAXK][AG_MAXK][AG_ND], tot[2][AG_MAXK][AG_MAXK][AG_ND];
  char note[sizeof(rl_error)];
} ag_job;

static rl_task_opts ag_task(const ag_protocol *p, int mixed, int max_attr) {
  rl_task_opts o = rl_task_default(RL_TASK_AGREEMENT);
  o.max_attractors = max_attr;
  o.filler = p->filler;
  o.mixed = mixed;
  return o;
}

typedef struct {
  ag_job *j;
  int snap;
} ag_binner;

static void ag_bin(void *ctx, const rl_task_meta *m, int correct, int total) {
  ag_binner *b = ctx;
  int d = m->distance / AG_DBIN;
  d = d < 0 ? 0 : d >= AG_ND ? AG_ND - 1 : d;
  if (m->nouns < 0 || m->nouns >= AG_MAXK || m->attractors < 0 || m->attractors >= AG_MAXK) return;
  b->j->cor[b->snap][m->nouns][m->attractors][d] += correct;
  b->j->tot[b->snap][m->nouns][m->attractors][d] += total;
}

/* the test split (the same sentences at both snapshots) */
static int ag_test(ag_job *j, rl_trainer *t, int snap, rl_error *err) {
  rl_task_opts test = ag_task(j->p, j->mixed, j->p->test_attr);
  ag_binner b = {j, snap};
  float acc;
  if (ex_test_accuracy(t, &test, j->p->test_size, ex_stream_seed(j->seed, 0, EX_SPLIT_TEST), ag_bin, &b, &acc, err))
    return -1;
  if (snap == AG_AT_END) j->test_acc = acc;
  return 0;
}

static int ag_train(ag_job *j, rl_trainer *t, rl_error *err) {
  const ag_protocol *p = j->p;
  while (t->step < p->budget) {
    if (rl_trainer_step(t, NULL, err)) return -1;
    if (t->step % p->eval_every) continue;
    ex_share_add(&j->share, (double)p->eval_every * t->T);
    rl_eval_stats e;
    if (rl_trainer_eval(t, &e, err)) return -1;
    if (j->nev < AG_MAXEV) j->val[j->nev++] = e.accuracy;
    if (j->learned_at >= 0 || e.accuracy < p->target) continue;
    j->learned_at = t->step;
    if (ag_test(j, t, AG_AT_LEARNED, err)) return -1;
  }
  return ag_test(j, t, AG_AT_END, err);
}

static void ag_run(void *arg) {
  ag_job *j = arg;
  const ag_protocol *p = j->p;
  rl_error err;
  j->note[0] = 0;
  j->nev = 0;
  j->learned_at = -1;
  j->test_acc = NAN;
  rl_train_opts o = rl_train_default();
  o.task = ag_task(p, j->mixed, p->train_attr);
  o.model.cell = AG_CELL[j->c];
  o.model.hidden = p->hidden;
  o.model.embed = p->embed;
  o.init = rl_init_default(j->seed);
  o.seed = j->seed;
  o.lr = p->lr;
  o.clip = 1.0f;
  o.batch = p->batch;
  o.eval_size = p->val_size;
  o.threads = 1;
  rl_trainer *t;
  if (rl_trainer_create(&o, &t, &err)) {
    snprintf(j->note, sizeof j->note, "%s", err.msg);
  } else {
    if (ag_train(j, t, &err)) snprintf(j->note, sizeof j->note, "%s", err.msg);
    rl_trainer_free(t);
  }
  ex_share_close(&j->share);
}

/* ---- summaries -------------------------------------------------------------------------------- */

/* Which test sentences a summary counts: snapshot, nouns n (-1 any), attractors k (-1 any), distance
 * bin d (-1 any). Per-seed accuracy over them goes to acc[]; returns the number of seeds with data
 * (at the learned snapshot only the seeds that learned have any). */
static int ag_seed_acc(const ag_job *jobs, int nj, int snap, int c, int mixed, int n, int k, int d, double *acc,
                       int64_t *pooled_total) {
  int m = 0;
  if (pooled_total) *pooled_total = 0;
  for (int i = 0; i < nj; i++) {
    const ag_job *j = &jobs[i];
    if (j->c != c || j->mixed != mixed || j->note[0]) continue;
    int64_t cor = 0, tot = 0;
    for (int a = 0; a < AG_MAXK; a++)
      for (int b = 0; b < AG_MAXK; b++)
        for (int e = 0; e < AG_ND; e++)
          if ((n < 0 || a == n) && (k < 0 || b == k) && (d < 0 || e == d)) {
            cor += j->cor[snap][a][b][e];
            tot += j->tot[snap][a][b][e];
          }
    if (pooled_total) *pooled_total += tot;
    if (tot > 0) acc[m++] = (double)cor / (double)tot;
  }
  return m;
}

/* Steps to learn over seeds; a seed that never learned counts as later than any that did. */
static stats_quartiles ag_steps_quartiles(const ag_job *jobs, int nj, int c, int mixed, int *learned, int *seeds) {
  double v[256];
  int m = 0;
  *learned = 0;
  for (int i = 0; i < nj && m < 256; i++)
    if (jobs[i].c == c && jobs[i].mixed == mixed && !jobs[i].note[0]) {
      v[m++] = jobs[i].learned_at >= 0 ? (double)jobs[i].learned_at : 1e12;
      *learned += jobs[i].learned_at >= 0;
    }
  *seeds = m;
  return stats_quartiles_of(v, m);
}

static void ag_fmt_steps(double s, long budget, char *buf, size_t n) {
  if (!isfinite(s)) snprintf(buf, n, "n/a");
  else if (s > budget) snprintf(buf, n, ">%ld", budget);
  else snprintf(buf, n, "%.0f", s);
}

/* median [IQR] of the per-seed accuracies over a bin that holds total test sentences in all */
static void ag_fmt_acc(const double *acc, int m, int64_t total, char *buf, size_t n) {
  stats_quartiles q = stats_quartiles_of(acc, m);
  if (!q.n || total < AG_MIN_PER_SEED * m) snprintf(buf, n, "-");
  else snprintf(buf, n, "%.0f [%.0f-%.0f]", 100 * q.median, 100 * q.q1, 100 * q.q3);
}

/* ---- output ----------------------------------------------------------------------------------- */

/* A table of median [IQR] accuracies: a row per (cell, grammar, intervening nouns n or -1), a
 * column per (attractors k or -1, distance bin d or -1). */
typedef struct {
  int c, mixed, n;
} ag_row;
typedef struct {
  int k, d;
  char label[24];
} ag_col;

static void ag_table(FILE *out, const ag_job *jobs, int nj, int snap, const ag_row *rows, int nr, const ag_col *cols,
                     int nc) {
  double acc[256];
  fprintf(out, "  %-5s %-8s %-2s", "cell", "grammar", rows[0].n >= 0 ? "n" : "");
  for (int j = 0; j < nc; j++) fprintf(out, " %-13s", cols[j].label);
  fprintf(out, "\n");
  for (int i = 0; i < nr; i++) {
    char n[16] = "";
    if (rows[i].n >= 0) snprintf(n, sizeof n, "%d", rows[i].n);
    fprintf(out, "  %-5s %-8s %-2s", ex_cell_label(AG_CELL[rows[i].c]), AG_GRAMMAR[rows[i].mixed], n);
    for (int j = 0; j < nc; j++) {
      char b[32];
      int64_t tot;
      int m = ag_seed_acc(jobs, nj, snap, rows[i].c, rows[i].mixed, rows[i].n, cols[j].k, cols[j].d, acc, &tot);
      ag_fmt_acc(acc, m, tot, b, sizeof b);
      fprintf(out, " %-13s", b);
    }
    fprintf(out, "\n");
  }
}

/* by distance, by attractors, and attraction itself (mixed grammar at a fixed number of nouns) */
static void ag_tables(FILE *out, const ag_protocol *p, const ag_job *jobs, int nj, int snap) {
  ag_row rows[2 * AG_CELLS], arows[2 * AG_CELLS];
  ag_col cols[AG_ND > AG_MAXK ? AG_ND : AG_MAXK];
  int nr = 0, nc = 0;
  for (int mx = 0; mx < 2; mx++)
    for (int c = 0; c < AG_CELLS; c++) rows[nr++] = (ag_row){c, mx, -1};
  for (int d = 0; d < AG_ND; d++) {
    int64_t tot = 0;
    double acc[256];
    for (int i = 0; i < nr; i++) {
      int64_t t;
      ag_seed_acc(jobs, nj, AG_AT_END, rows[i].c, rows[i].mixed, -1, -1, d, acc, &t);
      tot += t;
    }
    if (!tot) continue;
    cols[nc] = (ag_col){-1, d, ""};
    if (d == AG_ND - 1) snprintf(cols[nc].label, sizeof cols[nc].label, "%d+ words", d * AG_DBIN);
    else snprintf(cols[nc].label, sizeof cols[nc].label, "%d-%d words", d * AG_DBIN, d * AG_DBIN + AG_DBIN - 1);
    nc++;
  }
  fprintf(out, " by subject-verb distance:\n");
  ag_table(out, jobs, nj, snap, rows, nr, cols, nc);
  for (nc = 0; nc <= p->test_attr; nc++) {
    cols[nc] = (ag_col){nc, -1, ""};
    snprintf(cols[nc].label, sizeof cols[nc].label, "%d attr.", nc);
  }
  fprintf(out, " by attractors (nouns of the other number between subject and verb; trained on 0..%d):\n",
          p->train_attr);
  ag_table(out, jobs, nj, snap, rows, nr, cols, nc);
  int n = p->train_attr, n2 = p->train_attr + 2 <= p->test_attr ? p->train_attr + 2 : p->test_attr;
  for (int c = 0; c < AG_CELLS; c++) {
    arows[2 * c] = (ag_row){c, 1, n};
    arows[2 * c + 1] = (ag_row){c, 1, n2};
  }
  fprintf(out, " attraction itself: mixed grammar, sentences with exactly n intervening nouns (n = %d as in\n"
               " training, %d beyond), by how many of them are attractors:\n",
          n, n2);
  ag_table(out, jobs, nj, snap, arows, 2 * AG_CELLS, cols, n2 + 1);
}

static void ag_print(FILE *out, const ag_protocol *p, const ag_job *jobs, int nj) {
  fprintf(out, "\nsteps to learn: the first check (every %d steps) at which validation accuracy reaches %.0f%%;\n"
               "seeds that never did within %ld steps count as later than all that did:\n",
          p->eval_every, 100 * p->target, p->budget);
  fprintf(out, "  %-5s %-8s %-8s %-26s %s\n", "cell", "grammar", "learned", "median [IQR] steps", "per seed");
  for (int mx = 0; mx < 2; mx++)
    for (int c = 0; c < AG_CELLS; c++) {
      int learned, seeds;
      stats_quartiles q = ag_steps_quartiles(jobs, nj, c, mx, &learned, &seeds);
      char a[24], b[24], d[24], frac[16], iqr[96], each[512] = "";
      ag_fmt_steps(q.median, p->budget, a, sizeof a);
      ag_fmt_steps(q.q1, p->budget, b, sizeof b);
      ag_fmt_steps(q.q3, p->budget, d, sizeof d);
      snprintf(frac, sizeof frac, "%d/%d", learned, seeds);
      snprintf(iqr, sizeof iqr, "%s [%s, %s]", a, b, d);
      for (int i = 0; i < nj; i++)
        if (jobs[i].c == c && jobs[i].mixed == mx && !jobs[i].note[0]) {
          size_t l = strlen(each);
          if (jobs[i].learned_at >= 0) snprintf(each + l, sizeof each - l, "%s%ld", l ? " " : "", jobs[i].learned_at);
          else snprintf(each + l, sizeof each - l, "%s-", l ? " " : "");
        }
      fprintf(out, "  %-5s %-8s %-8s %-26s %s\n", ex_cell_label(AG_CELL[c]), AG_GRAMMAR[mx], frac, iqr, each);
    }
  fprintf(out, "  (- = not within the budget)\n");

  for (int snap = AG_AT_END; snap >= AG_AT_LEARNED; snap--) {
    if (snap == AG_AT_END) fprintf(out, "\ntest accuracy after the whole budget (%ld steps)", p->budget);
    else fprintf(out, "\ntest accuracy when each seed first reached %.0f%% on validation (seeds that did)", 100 * p->target);
    fprintf(out, ", median [IQR] over seeds (%%):\n");
    ag_tables(out, p, jobs, nj, snap);
  }
  fprintf(out, "  (- in the accuracy tables: fewer than %d test sentences per seed in that bin)\n", AG_MIN_PER_SEED);
  for (int i = 0; i < nj; i++)
    if (jobs[i].note[0])
      fprintf(out, "  note (%s, %s, seed %llu): %s\n", ex_cell_label(AG_CELL[jobs[i].c]), AG_GRAMMAR[jobs[i].mixed],
              (unsigned long long)jobs[i].seed, jobs[i].note);
}

static int ag_write_csv(const experiment_opts *eo, const ag_protocol *p, const ag_job *jobs, int nj, rl_error *err) {
  char path[1200];
  FILE *f = ex_csv_open(eo, "agreement.csv", path, sizeof path, err);
  if (!f) return -1;
  fprintf(f, "cell,grammar,seed,snapshot,steps,nouns,attractors,distance_min,distance_max,correct,total\n");
  for (int i = 0; i < nj; i++)
    for (int sn = 0; sn < 2; sn++)
      for (int a = 0; a < AG_MAXK; a++)
        for (int b = 0; b < AG_MAXK; b++)
          for (int d = 0; d < AG_ND; d++)
            if (jobs[i].tot[sn][a][b][d] > 0)
              fprintf(f, "%s,%s,%llu,%s,%ld,%d,%d,%d,%d,%lld,%lld\n", rl_cell_name(AG_CELL[jobs[i].c]),
                      AG_GRAMMAR[jobs[i].mixed], (unsigned long long)jobs[i].seed, AG_SNAP[sn],
                      sn == AG_AT_END ? p->budget : jobs[i].learned_at, a, b, d * AG_DBIN,
                      d == AG_ND - 1 ? 999 : d * AG_DBIN + AG_DBIN - 1, (long long)jobs[i].cor[sn][a][b][d],
                      (long long)jobs[i].tot[sn][a][b][d]);
  if (ex_csv_close(f, path, err)) return -1;
  if (!(f = ex_csv_open(eo, "agreement_learning.csv", path, sizeof path, err))) return -1;
  fprintf(f, "cell,grammar,seed,step,val_acc\n");
  for (int i = 0; i < nj; i++)
    for (int e = 0; e < jobs[i].nev; e++)
      fprintf(f, "%s,%s,%llu,%ld,%.4f\n", rl_cell_name(AG_CELL[jobs[i].c]), AG_GRAMMAR[jobs[i].mixed],
              (unsigned long long)jobs[i].seed, (long)(e + 1) * p->eval_every, jobs[i].val[e]);
  if (ex_csv_close(f, path, err)) return -1;
  if (!(f = ex_csv_open(eo, "agreement_steps.csv", path, sizeof path, err))) return -1;
  fprintf(f, "cell,grammar,seed,learned,steps_to_learn,budget,final_val_acc,test_acc\n");
  for (int i = 0; i < nj; i++) {
    const ag_job *j = &jobs[i];
    if (j->note[0]) continue;
    fprintf(f, "%s,%s,%llu,%d,", rl_cell_name(AG_CELL[j->c]), AG_GRAMMAR[j->mixed], (unsigned long long)j->seed,
            j->learned_at >= 0);
    if (j->learned_at >= 0) fprintf(f, "%ld", j->learned_at);
    fprintf(f, ",%ld,%.4f,%.4f\n", p->budget, j->nev ? j->val[j->nev - 1] : 0.0f, j->test_acc);
  }
  return ex_csv_close(f, path, err);
}

static void ag_caption(const ag_protocol *p, char *buf, size_t n) {
  snprintf(buf, n,
           "Agreement with 0..%d filler adjectives per noun and adverbs before the verb; trained on 0..%d attractors, "
           "tested on %d new sentences with 0..%d. Grammar 'other': every intervening noun has the other number; "
           "'mixed': each has a random number. Hidden %d, embed %d, Adam lr %g, clip 1, batch %d, %ld steps "
           "(%ld sentences); validation %d sentences every %d steps. Lines: median over %d seeds per point; bands: "
           "interquartile range.",
           p->filler, p->train_attr, p->test_size, p->test_attr, p->hidden, p->embed, p->lr, p->batch, p->budget,
           p->budget * p->batch, p->val_size, p->eval_every, p->seeds);
}

typedef struct {
  float x[AG_MAXEV], mid[AG_MAXEV], lo[AG_MAXEV], hi[AG_MAXEV];
  int n;
  char label[96];
} ag_curve;

static void ag_quart_into(ag_curve *cv, int i, const double *v, int m) {
  stats_quartiles q = stats_quartiles_of(v, m);
  cv->mid[i] = (float)q.median;
  cv->lo[i] = (float)q.q1;
  cv->hi[i] = (float)q.q3;
}

static plot_series ag_series(ag_curve *cv, int c, int mixed) {
  gfx_color col = ex_color(c);
  return (plot_series){.label = cv->label, .x = cv->x, .y = cv->mid, .n = cv->n, .color = col, .width = 3.0f,
                       .markers = cv->n < 20, .dashed = mixed, .lo = cv->lo, .hi = cv->hi, .band = 1};
}

/* median [IQR] over seeds of the accuracy in each bin of distance (by_k = 0) or attractors (1) */
static void ag_accuracy_curve(const ag_protocol *p, const ag_job *jobs, int nj, int snap, int c, int mx, int by_k,
                              ag_curve *cv) {
  double acc[256];
  cv->n = 0;
  for (int b = 0; b < (by_k ? p->test_attr + 1 : AG_ND); b++) {
    int64_t tot;
    int m = ag_seed_acc(jobs, nj, snap, c, mx, -1, by_k ? b : -1, by_k ? -1 : b, acc, &tot);
    if (!m || tot < AG_MIN_PER_SEED * m) continue;
    cv->x[cv->n] = by_k ? (float)b : b * AG_DBIN + 0.5f * (AG_DBIN - 1); /* a distance bin at its middle */
    ag_quart_into(cv, cv->n++, acc, m);
  }
}

/* accuracy against distance and against attractors, both grammars, after the budget (top) and
 * when each seed first reached the target (bottom) */
static int ag_figure_accuracy(const experiment_opts *eo, const ag_protocol *p, const ag_job *jobs, int nj,
                              rl_error *err) {
  static ag_curve cv[2][2][2][AG_CELLS]; /* [snapshot][by][grammar][cell] */
  plot_series s[4][2 * AG_CELLS + 1], leg[2 * AG_CELLS + 1];
  float chx[2][2] = {{0, AG_ND * AG_DBIN}, {0, (float)p->test_attr}}, half[2] = {0.5f, 0.5f};
  char names[2][AG_CELLS][96], title[4][128], caption[900];
  plot_opts po[4];
  ex_panel fp[4];
  for (int panel = 0; panel < 4; panel++) {
    int snap = panel < 2 ? AG_AT_END : AG_AT_LEARNED, by = panel % 2, ns = 0;
    for (int mx = 0; mx < 2; mx++)
      for (int c = 0; c < AG_CELLS; c++) {
        ag_curve *a = &cv[snap][by][mx][c];
        ag_accuracy_curve(p, jobs, nj, snap, c, mx, by, a);
        s[panel][ns++] = ag_series(a, c, mx);
      }
    s[panel][ns] = (plot_series){.label = "chance (50%)", .x = chx[by], .y = half, .n = snap == AG_AT_END ? 2 : 0,
                                 .color = {120, 120, 120, 255}, .width = 1.5f, .dashed = 1};
    if (snap == AG_AT_END)
      snprintf(title[panel], sizeof title[panel], "After %ld steps, by %s (%d seeds per point)", p->budget,
               by ? "attractors" : "distance", p->seeds);
    else
      snprintf(title[panel], sizeof title[panel], "At %.0f%% on validation (learned seeds), by %s", 100 * p->target,
               by ? "attractors" : "distance");
    po[panel] = plot_opts_default();
    po[panel].title = title[panel];
    po[panel].xlabel = by ? "attractors (other-number nouns; > 2 not in training)" : "words between subject noun and verb";
    po[panel].ylabel = "test accuracy (fraction)";
    po[panel].ymin = snap == AG_AT_END ? 0.3 : 0.75; /* at 90% on validation the errors are few: zoom in */
    po[panel].ymax = 1.02;
    po[panel].xmin = by ? -0.2 : 0;
    po[panel].xmax = by ? p->test_attr + 0.2 : AG_ND * AG_DBIN;
    po[panel].integer_x = by;
    po[panel].legend = PLOT_LEGEND_NONE;
    fp[panel] = (ex_panel){&po[panel], s[panel], ns + 1};
  }
  int nl = 0;
  for (int mx = 0; mx < 2; mx++)
    for (int c = 0; c < AG_CELLS; c++) {
      int learned, seeds;
      ag_steps_quartiles(jobs, nj, c, mx, &learned, &seeds);
      leg[nl] = s[0][nl];
      snprintf(names[mx][c], sizeof names[mx][c], "%s, grammar '%s' (%d of %d seeds learned)", ex_cell_label(AG_CELL[c]),
               AG_GRAMMAR[mx], learned, seeds);
      leg[nl++].label = names[mx][c];
    }
  leg[nl++] = s[0][2 * AG_CELLS];
  ag_caption(p, caption, sizeof caption);
  return ex_figure_png(eo, "agreement.png", fp, 4, 2, leg, nl, caption, err);
}

/* validation accuracy against training steps, one panel per grammar */
static int ag_figure_learning(const experiment_opts *eo, const ag_protocol *p, const ag_job *jobs, int nj,
                              rl_error *err) {
  static ag_curve cv[2][AG_CELLS];
  plot_series s[2][AG_CELLS + 1];
  float thx[2] = {0, (float)p->budget}, thr[2] = {p->target, p->target};
  for (int mx = 0; mx < 2; mx++) {
    for (int c = 0; c < AG_CELLS; c++) {
      ag_curve *a = &cv[mx][c];
      a->n = (int)(p->budget / p->eval_every);
      if (a->n > AG_MAXEV) a->n = AG_MAXEV;
      for (int e = 0; e < a->n; e++) {
        double v[256];
        int m = 0;
        for (int i = 0; i < nj && m < 256; i++)
          if (jobs[i].c == c && jobs[i].mixed == mx && e < jobs[i].nev) v[m++] = jobs[i].val[e];
        a->x[e] = (float)((e + 1) * p->eval_every);
        ag_quart_into(a, e, v, m);
      }
      int learned, seeds;
      stats_quartiles q = ag_steps_quartiles(jobs, nj, c, mx, &learned, &seeds);
      char med[24];
      ag_fmt_steps(q.median, p->budget, med, sizeof med);
      snprintf(a->label, sizeof a->label, "%s: %d of %d seeds reached %.0f%%, median %s steps", ex_cell_label(AG_CELL[c]),
               learned, seeds, 100 * p->target, med);
      s[mx][c] = ag_series(a, c, 0);
    }
    s[mx][AG_CELLS] = (plot_series){.label = NULL, .x = thx, .y = thr, .n = 2, .color = {120, 120, 120, 255},
                                    .width = 1.5f, .dashed = 1};
  }
  plot_series leg[2 * AG_CELLS + 1];
  char names[2][AG_CELLS][120];
  int nl = 0;
  for (int mx = 0; mx < 2; mx++)
    for (int c = 0; c < AG_CELLS; c++) {
      leg[nl] = s[mx][c];
      snprintf(names[mx][c], sizeof names[mx][c], "grammar '%s', %s", AG_GRAMMAR[mx], cv[mx][c].label);
      leg[nl++].label = names[mx][c];
    }
  leg[nl] = s[0][AG_CELLS];
  leg[nl++].label = "90% (learned)";
  char title[2][128], caption[900];
  snprintf(title[0], sizeof title[0], "Grammar 'other' (%d seeds a point)", p->seeds);
  snprintf(title[1], sizeof title[1], "Grammar 'mixed' (%d seeds a point)", p->seeds);
  plot_opts po[2] = {plot_opts_default(), plot_opts_default()};
  for (int i = 0; i < 2; i++) {
    po[i].title = title[i];
    po[i].xlabel = "training steps (batch 32)";
    po[i].ylabel = "validation accuracy (fraction correct)";
    po[i].ymin = 0.3;
    po[i].ymax = 1.02;
    po[i].xmin = 0;
    po[i].xmax = (double)p->budget;
    po[i].legend = PLOT_LEGEND_NONE;
  }
  ag_caption(p, caption, sizeof caption);
  ex_panel fp[2] = {{&po[0], s[0], AG_CELLS + 1}, {&po[1], s[1], AG_CELLS + 1}};
  return ex_figure_png(eo, "agreement_learning.png", fp, 2, 2, leg, nl, caption, err);
}

int run_agreement(const experiment_opts *eo, rl_error *err) {
  FILE *out = eo->out;
  ag_protocol p = {.hidden = eo->quick ? 16 : 32, .embed = 32, .batch = 32, .val_size = eo->quick ? 64 : 256,
                   .test_size = eo->quick ? 300 : 2000, .eval_every = eo->quick ? 25 : 100, .seeds = eo->quick ? 2 : 10,
                   .train_attr = 2, .test_attr = eo->quick ? 4 : 6, .filler = 3, .budget = eo->quick ? 150 : 8000,
                   .lr = 0.003f, .target = 0.9f};
  if (eo->seeds > 0) p.seeds = eo->seeds;
  int nj = 2 * AG_CELLS * p.seeds;
  ag_job *jobs = calloc((size_t)nj, sizeof *jobs);
  if (!jobs) return rl_fail(err, "out of memory");
  ex_meter m;
  double total = 0;
  for (int i = 0; i < nj; i++) {
    ag_job *j = &jobs[i];
    j->p = &p;
    j->c = i % AG_CELLS;
    j->mixed = (i / AG_CELLS) % 2;
    j->seed = (uint64_t)(i / (2 * AG_CELLS) + 1);
    j->share = (ex_share){&m, (double)p.budget * 27, 0}; /* steps x timesteps (27 words at most) */
    total += j->share.weight;
  }
  char caption[900];
  ag_caption(&p, caption, sizeof caption);
  fprintf(out, "agreement: %s\n", caption);
  fflush(out);
  ex_meter_start(&m, "agreement", total);
  ex_run_jobs(jobs, sizeof *jobs, nj, ag_run, eo->workers > 0 ? eo->workers : 2);
  ex_meter_finish(&m);
  ag_print(out, &p, jobs, nj);
  int rc = -1;
  if (ag_write_csv(eo, &p, jobs, nj, err) || ag_figure_accuracy(eo, &p, jobs, nj, err) ||
      ag_figure_learning(eo, &p, jobs, nj, err))
    goto done;
  fprintf(out, "\nwrote %s/agreement.csv (test counts per seed and bin), agreement_learning.csv, agreement_steps.csv,\n"
               "agreement.png, agreement_learning.png\n",
          eo->out_dir);
  rc = 0;
done:
  free(jobs);
  return rc;
}
