/* rnnlab experiment gradients: how fast ||dJ(T)/dh(t)|| shrinks going back from the scored position.
 *
 *   cells     RNN, LSTM, GRU at initialisation and after a curriculum toward the distance, over
 *             seeds: per-step decay factor (slope of log norm against T - t) per seed, reported as
 *             median [IQR]; for the LSTM also ||dJ(T)/dc(t)||, the cell state that carries its memory
 *   radius    vanilla RNN at initialisation with W_hh scaled to spectral radius r (orthogonal and
 *             PyTorch's uniform matrix): the measured factor beside the Pascanu et al. (2013) bound
 *   clipping  RNN at r = 1.5 trained with SGD, with and without clipping: gradient norms seen */
#include "experiment_common.h"
#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define GR_MAXK 256
#define GR_CELLS 3
#define GR_NR 7
static const rl_cell GR_CELL[GR_CELLS] = {RL_CELL_RNN, RL_CELL_LSTM, RL_CELL_GRU};
static const float GR_RADII[GR_NR] = {0.5f, 0.9f, 1.0f, 1.1f, 1.5f, 2.0f, 3.0f};
static const char *const GR_STATE[2] = {"init", "trained"};
static const char *const GR_QTY[2] = {"h", "c"};

typedef enum { GR_CELLS_PART = 0, GR_RADIUS = 1, GR_CLIP = 2 } gr_part;

typedef struct {
  int distance, hidden, nex, train_steps, seeds, clip_steps;
  float lr;
} gr_protocol;

typedef struct {
  const gr_protocol *p;
  ex_share share;
  gr_part part;
  rl_cell cell;
  rl_init_kind w_init; /* GR_RADIUS */
  float radius;        /* GR_RADIUS, GR_CLIP */
  float clip;          /* GR_CLIP */
  uint64_t seed;
  /* results: [state init/trained][quantity h/c] */
  float curve[2][2][GR_MAXK];
  int K[2];
  double factor[2][2], r2[2][2];
  float sigma; /* largest singular value of W_hh at initialisation */
  int reached; /* the curriculum's last distance passed */
  /* clipping */
  float gn_first, gn_median, gn_max, clipped_frac, final_acc;
  int failed;
  char note[sizeof(rl_error)];
} gr_job;

/* ---- measuring -------------------------------------------------------------------------------- */

/* Geometric mean over nex examples of ||dJ/dh(t)|| (and for the LSTM ||dJ/dc(t)||) for
 * k = T - t = 0..K-1, T the example's scored position (layer 0, forward direction). With one
 * example and one scored position, J is that position's loss alone. */
static int measure(rl_trainer *t, int nex, uint64_t seed, float curve[2][GR_MAXK], int *K, rl_error *err) {
  rl_model *m = t->m;
  int T = t->T, per = t->per, lstm = m->cfg.cell == RL_CELL_LSTM;
  int *tok = malloc(sizeof(int) * (size_t)T), *tgt = malloc(sizeof(int) * (size_t)per);
  double(*acc)[GR_MAXK] = calloc(2, sizeof *acc);
  int(*cnt)[GR_MAXK] = calloc(2, sizeof *cnt);
  int rc = -1;
  *K = 0;
  if (!tok || !tgt || !acc || !cnt) {
    rl_fail(err, "out of memory");
    goto done;
  }
  rl_rng rng;
  rl_rng_seed(&rng, seed);
  for (int e = 0; e < nex; e++) {
    if (rl_task_batch(t->task, &rng, 1, tok, tgt, NULL, err)) goto done;
    rl_batch b = {1, T, tok, tgt, NULL, NULL};
    float loss;
    m->trace_example = 0;
    int bad = rl_model_forward(m, &b, &loss, err) || rl_model_backward(m, err);
    m->trace_example = -1;
    if (bad) goto done;
    int last = m->trace.last_scored;
    for (int tt = 0; tt <= last; tt++) {
      int k = last - tt;
      if (k >= GR_MAXK) continue;
      float v[2] = {m->trace.dhT_norm[tt], lstm ? m->trace.dc_norm[tt] : 0};
      for (int q = 0; q < 2; q++)
        if (v[q] > 0 && isfinite(v[q])) {
          acc[q][k] += log((double)v[q]);
          cnt[q][k]++;
        }
      if (k + 1 > *K) *K = k + 1;
    }
  }
  for (int q = 0; q < 2; q++)
    for (int k = 0; k < *K; k++) curve[q][k] = cnt[q][k] ? (float)exp(acc[q][k] / cnt[q][k]) : NAN;
  rc = 0;
done:
  m->trace_example = -1;
  free(tok);
  free(tgt);
  free(acc);
  free(cnt);
  return rc;
}

/* Per-step factor exp(slope) of log curve[k] against k = 1..K-1, and the fit's R^2. */
static double fit_factor(const float *curve, int K, double *r2) {
  double x[GR_MAXK], y[GR_MAXK];
  int n = 0;
  for (int k = 1; k < K; k++) {
    x[n] = k;
    y[n++] = curve[k] > 0 ? log((double)curve[k]) : NAN;
  }
  return exp(stats_slope(x, y, n, r2));
}

static void gr_measure(gr_job *j, rl_trainer *t, int state, rl_error *err) {
  if (measure(t, j->p->nex, 777, j->curve[state], &j->K[state], err)) {
    snprintf(j->note, sizeof j->note, "%s", err->msg);
    return;
  }
  for (int q = 0; q < 2; q++) j->factor[state][q] = fit_factor(j->curve[state][q], j->K[state], &j->r2[state][q]);
}

static void gr_run_clip(gr_job *j, rl_trainer *t) {
  int n = j->p->clip_steps, done = 0, clipped = 0;
  float *gn = malloc(sizeof(float) * (size_t)n);
  rl_error err;
  for (int s = 0; gn && s < n; s++) {
    rl_step_stats st;
    if (rl_trainer_step(t, &st, &err)) {
      j->failed = 1;
      break;
    }
    gn[done++] = st.grad_norm;
    clipped += st.clipped;
  }
  ex_share_add(&j->share, (double)done * t->T);
  if (gn && done > 0) {
    double v[4096];
    int m = done < 4096 ? done : 4096;
    for (int i = 0; i < m; i++) v[i] = gn[i];
    j->gn_first = gn[0];
    j->gn_median = (float)stats_quantile(v, m, 0.5);
    j->gn_max = (float)stats_quantile(v, m, 1.0);
    j->clipped_frac = (float)clipped / done;
  }
  free(gn);
  rl_eval_stats e;
  j->final_acc = !j->failed && rl_trainer_eval(t, &e, &err) == 0 ? e.accuracy : 0.0f;
}

static void gr_run(void *arg) {
  gr_job *j = arg;
  const gr_protocol *p = j->p;
  rl_error err;
  j->note[0] = 0;
  j->K[0] = j->K[1] = 0;
  for (int s = 0; s < 2; s++)
    for (int q = 0; q < 2; q++) j->factor[s][q] = j->r2[s][q] = NAN;
  rl_train_opts o = ex_recall_opts(j->cell, p->hidden, j->seed, p->distance, 8, p->lr, 128);
  if (j->part != GR_CELLS_PART) o.init.spectral_radius = j->radius;
  if (j->part == GR_RADIUS) o.init.recurrent = j->w_init;
  if (j->part == GR_CLIP) {
    o.task.length = 10;
    o.optimizer = RL_OPT_SGD;
    o.lr = 0.1f;
    o.clip = j->clip;
  }
  rl_trainer *t;
  if (rl_trainer_create(&o, &t, &err)) {
    snprintf(j->note, sizeof j->note, "%s", err.msg);
    ex_share_close(&j->share);
    return;
  }
  if (j->part == GR_CLIP) {
    gr_run_clip(j, t);
  } else {
    j->sigma = rl_largest_singular_value(t->m->rnn[0].w_hh, t->m->G * p->hidden, p->hidden);
    gr_measure(j, t, 0, &err);
    if (j->part == GR_CELLS_PART && !j->note[0]) {
      int dist[24], nd = ex_distance_list(p->distance, dist, 24);
      int passed = ex_curriculum(t, dist, nd, p->train_steps, 25, 0.95f, &j->share, NULL, NULL, &err);
      if (passed < 0) snprintf(j->note, sizeof j->note, "training: %.480s", err.msg);
      j->reached = passed > 0 ? dist[passed - 1] : 0;
      if (rl_trainer_set_length(t, p->distance, &err) == 0) gr_measure(j, t, 1, &err);
    }
  }
  rl_trainer_free(t);
  ex_share_close(&j->share);
}

/* ---- summaries -------------------------------------------------------------------------------- */

/* The jobs of one series: part, cell, and (radius part) w_init and radius. */
static int gr_same(const gr_job *a, const gr_job *b) {
  return a->part == b->part && a->cell == b->cell && a->w_init == b->w_init && a->radius == b->radius &&
         a->clip == b->clip;
}

/* Quartiles over the series' seeds of the per-seed factor (what = 0) or R^2 (1) or sigma (2). */
static stats_quartiles gr_over_seeds(const gr_job *jobs, int n, const gr_job *like, int state, int q, int what) {
  double v[128];
  int m = 0;
  for (int i = 0; i < n && m < 128; i++)
    if (gr_same(&jobs[i], like) && !jobs[i].note[0])
      v[m++] = what == 0 ? jobs[i].factor[state][q] : what == 1 ? jobs[i].r2[state][q] : jobs[i].sigma;
  return stats_quartiles_of(v, m);
}

/* Per-k quartiles of the series' curves (lo/mid/hi get K values). */
static int gr_curve_band(const gr_job *jobs, int n, const gr_job *like, int state, int q, float *lo, float *mid,
                         float *hi) {
  int K = GR_MAXK;
  for (int i = 0; i < n; i++)
    if (gr_same(&jobs[i], like) && jobs[i].K[state] < K) K = jobs[i].K[state];
  if (K == GR_MAXK) K = 0;
  for (int k = 0; k < K; k++) {
    double v[128];
    int m = 0;
    for (int i = 0; i < n && m < 128; i++)
      if (gr_same(&jobs[i], like) && !jobs[i].note[0]) v[m++] = jobs[i].curve[state][q][k];
    stats_quartiles s = stats_quartiles_of(v, m);
    lo[k] = (float)s.q1;
    mid[k] = (float)s.median;
    hi[k] = (float)s.q3;
  }
  return K;
}

static double half_life(double f) { return f < 1 && f > 0 ? log(0.5) / log(f) : INFINITY; }

/* "0.52 [0.50, 0.55]" with as many decimals as the spread shows (fallback if there is none) */
static void fmt_quartiles_d(const stats_quartiles *s, int fallback, char *buf, size_t n) {
  if (s->n == 0) {
    snprintf(buf, n, "n/a");
    return;
  }
  int d = stats_decimals(s->q3 - s->q1, fallback);
  snprintf(buf, n, "%.*f [%.*f, %.*f]", d, s->median, d, s->q1, d, s->q3);
}

static void fmt_quartiles(const stats_quartiles *s, char *buf, size_t n) { fmt_quartiles_d(s, 3, buf, n); }

static void fmt_half_life(double f, char *buf, size_t n) {
  if (!isfinite(f)) snprintf(buf, n, "n/a");
  else if (f < 1) snprintf(buf, n, "%.*f", half_life(f) < 10 ? 1 : 0, half_life(f));
  else snprintf(buf, n, "none");
}

/* ---- output ----------------------------------------------------------------------------------- */

static void gr_series_name(const gr_job *j, char *buf, size_t n) {
  if (j->part == GR_CELLS_PART) snprintf(buf, n, "cells");
  else if (j->part == GR_RADIUS) snprintf(buf, n, "radius");
  else snprintf(buf, n, "clip");
}

/* gradients.csv: every curve point; gradients_fit.csv: every fit (one row per seed and series) */
static int gr_write_csv(const experiment_opts *eo, const gr_job *jobs, int n, rl_error *err) {
  char path[1200], fpath[1200], part[16], key[160];
  FILE *f = ex_csv_open(eo, "gradients.csv", path, sizeof path, err), *ff = NULL;
  if (!f || !(ff = ex_csv_open(eo, "gradients_fit.csv", fpath, sizeof fpath, err))) {
    if (f) fclose(f);
    return -1;
  }
  fprintf(f, "part,cell,w_init,radius,state,quantity,seed,k,norm\n");
  fprintf(ff, "part,cell,w_init,radius,state,quantity,seed,decay_factor,half_life_steps,r2,sigma_max,reached\n");
  for (int i = 0; i < n; i++) {
    const gr_job *j = &jobs[i];
    gr_series_name(j, part, sizeof part);
    for (int s = 0; s < 2; s++)
      for (int q = 0; q < (j->cell == RL_CELL_LSTM ? 2 : 1); q++) {
        snprintf(key, sizeof key, "%s,%s,%s,%g,%s,%s,%llu", part, rl_cell_name(j->cell), rl_init_name(j->w_init),
                 j->radius, GR_STATE[s], GR_QTY[q], (unsigned long long)j->seed);
        for (int k = 0; k < j->K[s]; k++)
          if (isfinite(j->curve[s][q][k])) fprintf(f, "%s,%d,%.6g\n", key, k, j->curve[s][q][k]);
        if (j->K[s] > 0 && isfinite(j->factor[s][q]))
          fprintf(ff, "%s,%.6g,%.6g,%.4f,%.6g,%d\n", key, j->factor[s][q], half_life(j->factor[s][q]), j->r2[s][q],
                  j->sigma, j->reached);
      }
  }
  int bad = ex_csv_close(f, path, err);
  if (ex_csv_close(ff, fpath, err) || bad) return -1;
  if (!(f = ex_csv_open(eo, "gradients_clip.csv", path, sizeof path, err))) return -1;
  fprintf(f, "clip,seed,first_norm,median_norm,max_norm,clipped_fraction,accuracy,diverged\n");
  for (int i = 0; i < n; i++) {
    const gr_job *j = &jobs[i];
    if (j->part == GR_CLIP)
      fprintf(f, "%g,%llu,%.6g,%.6g,%.6g,%.4f,%.4f,%d\n", j->clip, (unsigned long long)j->seed, j->gn_first,
              j->gn_median, j->gn_max, j->clipped_frac, j->final_acc, j->failed);
  }
  return ex_csv_close(f, path, err);
}

static void gr_print_cells(FILE *out, const gr_protocol *p, const gr_job *jobs, int n) {
  fprintf(out, "\nper-step decay factor of the gradient norm, median [interquartile range] over %d seeds (fit of log\n"
               "norm against T-t = 1..%d); half-life = steps for the norm to halve at the median factor; R^2 = how\n"
               "well one exponential fits (median):\n",
          p->seeds, p->distance);
  fprintf(out, "  %-8s %-22s %-9s %-6s %-22s %-9s %-6s %s\n", "series", "init", "half-life", "R^2", "trained",
          "half-life", "R^2", "curriculum reached");
  for (int c = 0; c < GR_CELLS; c++)
    for (int q = 0; q < (GR_CELL[c] == RL_CELL_LSTM ? 2 : 1); q++) {
      gr_job like = {.part = GR_CELLS_PART, .cell = GR_CELL[c]};
      char name[16], f[2][48], h[2][16];
      double r2[2];
      for (int s = 0; s < 2; s++) {
        stats_quartiles fq = gr_over_seeds(jobs, n, &like, s, q, 0);
        fmt_quartiles(&fq, f[s], sizeof f[s]);
        fmt_half_life(fq.median, h[s], sizeof h[s]);
        r2[s] = gr_over_seeds(jobs, n, &like, s, q, 1).median;
      }
      char reached[96] = "";
      for (int i = 0; i < n && q == 0; i++)
        if (gr_same(&jobs[i], &like)) {
          size_t l = strlen(reached);
          snprintf(reached + l, sizeof reached - l, "%s%d", l ? " " : "", jobs[i].reached);
        }
      snprintf(name, sizeof name, "%s %s", ex_cell_label(GR_CELL[c]), GR_QTY[q]);
      fprintf(out, "  %-8s %-22s %-9s %-6.2f %-22s %-9s %-6.2f %s\n", name, f[0], h[0], r2[0], f[1], h[1], r2[1], reached);
    }
  fprintf(out, "  (LSTM c: ||dJ(T)/dc(t)||, the cell state through which the LSTM's memory runs. After training the\n"
               "   norm measures how sensitive a model that already solved the task still is, not how far it\n"
               "   remembers: a curriculum that reached %d recalls over %d steps whatever the factor. R^2 well\n"
               "   below 1: one exponential describes the curve poorly; read its factor as an average rate only)\n",
          p->distance, p->distance);
}

static void gr_print_radius(FILE *out, const gr_job *jobs, int n) {
  fprintf(out, "\nvanilla RNN (tanh) at initialisation, W_hh rescaled to spectral radius r. Pascanu, Mikolov & Bengio\n"
               "2013: ||dh(t)/dh(t-1)|| <= sigma_max(W_hh) max|tanh'| <= sigma_max, so the factor per step is at most\n"
               "sigma_max and vanishing is certain when sigma_max < 1. Median [IQR] over seeds:\n");
  fprintf(out, "  %-11s %-5s %-20s %-24s %s\n", "W_hh init", "r", "sigma_max (bound)", "measured factor", "half-life");
  for (int w = 0; w < 2; w++)
    for (int r = 0; r < GR_NR; r++) {
      gr_job like = {.part = GR_RADIUS, .cell = RL_CELL_RNN, .w_init = w ? RL_INIT_PYTORCH : RL_INIT_ORTHOGONAL,
                     .radius = GR_RADII[r]};
      stats_quartiles sg = gr_over_seeds(jobs, n, &like, 0, 0, 2), fq = gr_over_seeds(jobs, n, &like, 0, 0, 0);
      char a[48], b[48], h[16];
      fmt_quartiles(&sg, a, sizeof a);
      fmt_quartiles(&fq, b, sizeof b);
      fmt_half_life(fq.median, h, sizeof h);
      fprintf(out, "  %-11s %-5.2f %-20s %-24s %s\n", rl_init_name(like.w_init), like.radius, a, b, h);
    }
  fprintf(out, "  (orthogonal W_hh scaled to radius r has sigma_max = r exactly; PyTorch's uniform matrix is not\n"
               "   normal, so its sigma_max exceeds its radius and the bound promises less. tanh' < 1 away from 0,\n"
               "   so the measured factor stays below the bound)\n");
}

static void gr_print_clip(FILE *out, const gr_protocol *p, const gr_job *jobs, int n) {
  fprintf(out, "\ngradient clipping (RNN, r = 1.5, SGD lr 0.1, recall distance 10, %d steps), median [IQR] over %d seeds:\n",
          p->clip_steps, p->seeds);
  fprintf(out, "  %-5s %-24s %-24s %-24s %-20s %s\n", "clip", "first norm", "median norm", "max norm", "% steps clipped",
          "diverged");
  for (int c = 0; c < 2; c++) {
    double v[5][128];
    int m = 0, diverged = 0;
    for (int i = 0; i < n && m < 128; i++)
      if (jobs[i].part == GR_CLIP && (jobs[i].clip > 0) == c) {
        v[0][m] = jobs[i].gn_first;
        v[1][m] = jobs[i].gn_median;
        v[2][m] = jobs[i].gn_max;
        v[3][m] = 100 * jobs[i].clipped_frac;
        diverged += jobs[i].failed;
        m++;
      }
    char s[4][48];
    for (int k = 0; k < 4; k++) {
      stats_quartiles q = stats_quartiles_of(v[k], m);
      fmt_quartiles_d(&q, k == 3 ? 0 : 3, s[k], sizeof s[k]); /* a percentage: whole numbers */
    }
    fprintf(out, "  %-5s %-24s %-24s %-24s %-20s %d of %d\n", c ? "1" : "off", s[0], s[1], s[2], s[3], diverged, m);
  }
  fprintf(out, "  clipping rescales the whole gradient by one factor, so the shape of ||dJ(T)/dh(t)|| against T-t\n"
               "  (the decay factor) is unchanged: it tames exploding updates, it does not bring back vanished ones.\n");
}

/* ---- figures ---------------------------------------------------------------------------------- */

typedef struct {
  float lo[GR_MAXK], mid[GR_MAXK], hi[GR_MAXK];
} gr_band;

/* Clears values outside [lo, hi] (they would stretch a log axis to nothing); returns the range. */
static void gr_range(const plot_series *s, int ns, double *lo, double *hi) {
  for (int i = 0; i < ns; i++)
    for (int k = 0; k < s[i].n; k++) {
      float v[3] = {s[i].y[k], s[i].lo ? s[i].lo[k] : NAN, s[i].hi ? s[i].hi[k] : NAN};
      for (int q = 0; q < 3; q++)
        if (v[q] > 0 && isfinite(v[q])) *lo = fmin(*lo, v[q]), *hi = fmax(*hi, v[q]);
    }
}

static int gr_figure_cells(const experiment_opts *eo, const gr_protocol *p, const gr_job *jobs, int n,
                           rl_error *err) {
  static float xs[GR_MAXK];
  static gr_band band[2][GR_CELLS + 1];
  for (int k = 0; k < GR_MAXK; k++) xs[k] = (float)k;
  plot_series s[2][GR_CELLS + 1];
  memset(s, 0, sizeof s);
  static const char *const NAME[GR_CELLS + 1] = {"RNN ||dJ/dh||", "LSTM ||dJ/dh||", "GRU ||dJ/dh||",
                                                 "LSTM ||dJ/dc|| (cell state)"};
  double lo = INFINITY, hi = 0;
  char caption[1200];
  int len = snprintf(caption, sizeof caption,
                     "Recall at distance %d (8 keys, 8 distractor tokens), hidden %d; geometric mean over %d examples "
                     "per seed; lines = median over %d seeds, bands = interquartile range. Trained = curriculum toward "
                     "distance %d, Adam lr %g, up to %d steps of batch 32. Per-step factor median [IQR], init -> trained:",
                     p->distance, p->hidden, p->nex, p->seeds, p->distance, p->lr, p->train_steps);
  for (int i = 0; i <= GR_CELLS; i++) {
    int c = i < GR_CELLS ? i : 1, q = i == GR_CELLS;
    gr_job like = {.part = GR_CELLS_PART, .cell = GR_CELL[c]};
    for (int st = 0; st < 2; st++) {
      gr_band *b = &band[st][i];
      int K = gr_curve_band(jobs, n, &like, st, q, b->lo, b->mid, b->hi);
      s[st][i] = (plot_series){.label = NAME[i], .x = xs, .y = b->mid, .n = K, .color = ex_color(c), .width = 3.0f,
                               .dashed = q, .lo = b->lo, .hi = b->hi, .band = 1};
    }
    char f[2][48];
    for (int st = 0; st < 2; st++) {
      stats_quartiles fq = gr_over_seeds(jobs, n, &like, st, q, 0);
      fmt_quartiles(&fq, f[st], sizeof f[st]);
    }
    if (len < (int)sizeof caption)
      len += snprintf(caption + len, sizeof caption - (size_t)len, "%s %s %s -> %s", i ? ";" : "",
                      i < GR_CELLS ? ex_cell_label(GR_CELL[c]) : "LSTM c", f[0], f[1]);
  }
  gr_range(s[0], GR_CELLS + 1, &lo, &hi);
  gr_range(s[1], GR_CELLS + 1, &lo, &hi);
  plot_opts po[2];
  ex_panel fp[2];
  static const char *const TITLE[2] = {"At initialisation", "After training"};
  char title[2][96];
  for (int st = 0; st < 2; st++) {
    snprintf(title[st], sizeof title[st], "%s (%d seeds per curve)", TITLE[st], p->seeds);
    po[st] = plot_opts_default();
    po[st].title = title[st];
    po[st].xlabel = "T - t (timesteps back from the scored position)";
    po[st].ylabel = "gradient norm (log scale)";
    po[st].log_y = 1;
    po[st].integer_x = 1;
    if (hi > 0) {
      po[st].ymin = pow(10, floor(log10(lo)));
      po[st].ymax = pow(10, ceil(log10(hi)));
    }
    po[st].legend = PLOT_LEGEND_NONE;
    fp[st] = (ex_panel){&po[st], s[st], GR_CELLS + 1};
  }
  return ex_figure_png(eo, "gradients.png", fp, 2, 2, s[0], GR_CELLS + 1, caption, err);
}

/* The radius sweep's factors against r (median, IQR) for both W_hh inits, beside each init's bound
 * sigma_max (median) and the line of factor 1: five series into s. */
typedef struct {
  float rx[GR_NR], fac[2][GR_NR], flo[2][GR_NR], fhi[2][GR_NR], sig[2][GR_NR], one[GR_NR];
} gr_factors;

static void gr_factor_series(const gr_job *jobs, int n, gr_factors *f, plot_series s[5]) {
  for (int w = 0; w < 2; w++)
    for (int r = 0; r < GR_NR; r++) {
      gr_job like = {.part = GR_RADIUS, .cell = RL_CELL_RNN, .w_init = w ? RL_INIT_PYTORCH : RL_INIT_ORTHOGONAL,
                     .radius = GR_RADII[r]};
      stats_quartiles fq = gr_over_seeds(jobs, n, &like, 0, 0, 0), sq = gr_over_seeds(jobs, n, &like, 0, 0, 2);
      f->rx[r] = GR_RADII[r];
      f->one[r] = 1;
      f->fac[w][r] = (float)fq.median;
      f->flo[w][r] = (float)fq.q1;
      f->fhi[w][r] = (float)fq.q3;
      f->sig[w][r] = (float)sq.median;
    }
  gfx_color orth = ex_color(0), pyt = ex_color(1), grey = {120, 120, 120, 255};
  s[0] = (plot_series){.label = "measured, orthogonal W_hh (median, IQR bars)", .x = f->rx, .y = f->fac[0],
                       .n = GR_NR, .color = orth, .width = 3.0f, .markers = 1, .lo = f->flo[0], .hi = f->fhi[0]};
  s[1] = (plot_series){.label = "measured, PyTorch uniform W_hh", .x = f->rx, .y = f->fac[1], .n = GR_NR,
                       .color = pyt, .width = 3.0f, .markers = 1, .lo = f->flo[1], .hi = f->fhi[1]};
  s[2] = (plot_series){.label = "bound sigma_max, orthogonal (= r)", .x = f->rx, .y = f->sig[0], .n = GR_NR,
                       .color = orth, .width = 2.0f, .dashed = 1};
  s[3] = (plot_series){.label = "bound sigma_max, PyTorch", .x = f->rx, .y = f->sig[1], .n = GR_NR, .color = pyt,
                       .width = 2.0f, .dashed = 1};
  s[4] = (plot_series){.label = "factor 1 (neither vanishing nor exploding)", .x = f->rx, .y = f->one, .n = GR_NR,
                       .color = grey, .width = 1.5f};
}

/* Left: the orthogonal sweep's curves; right: the measured factor against r beside the bound. */
static int gr_figure_radius(const experiment_opts *eo, const gr_protocol *p, const gr_job *jobs, int n,
                            rl_error *err) {
  static float xs[GR_MAXK];
  static gr_band band[GR_NR];
  for (int k = 0; k < GR_MAXK; k++) xs[k] = (float)k;
  plot_series left[GR_NR], right[5];
  char names[GR_NR][24];
  memset(left, 0, sizeof left);
  for (int r = 0; r < GR_NR; r++) {
    gr_job like = {.part = GR_RADIUS, .cell = RL_CELL_RNN, .w_init = RL_INIT_ORTHOGONAL, .radius = GR_RADII[r]};
    int K = gr_curve_band(jobs, n, &like, 0, 0, band[r].lo, band[r].mid, band[r].hi);
    snprintf(names[r], sizeof names[r], "r = %g", GR_RADII[r]);
    left[r] = (plot_series){.label = names[r], .x = xs, .y = band[r].mid, .n = K,
                            .color = colormap_at(COLORMAP_SEQUENTIAL, 0.85f * r / (GR_NR - 1)), .width = 3.0f,
                            .lo = band[r].lo, .hi = band[r].hi, .band = 1};
  }
  static gr_factors fs;
  gr_factor_series(jobs, n, &fs, right);
  plot_opts pl = plot_opts_default(), pr = plot_opts_default();
  char tl[96], tr[96];
  snprintf(tl, sizeof tl, "Orthogonal W_hh at radius r (%d seeds per curve)", p->seeds);
  snprintf(tr, sizeof tr, "Per-step factor against the bound (%d seeds per point)", p->seeds);
  pl.title = tl;
  pl.xlabel = "T - t (timesteps back from the scored position)";
  pl.ylabel = "||dJ(T)/dh(t)|| (log scale)";
  pl.log_y = 1;
  pl.integer_x = 1;
  pl.legend = PLOT_LEGEND_NONE;
  double lo = INFINITY, hi = 0;
  gr_range(left, GR_NR, &lo, &hi);
  if (hi > 0) {
    pl.ymin = fmax(pow(10, floor(log10(lo))), 1e-30);
    pl.ymax = pow(10, ceil(log10(hi)));
  }
  pr.title = tr;
  pr.xlabel = "spectral radius r of W_hh";
  pr.ylabel = "per-step factor of ||dJ/dh|| (ratio)";
  pr.ymin = 0;
  pr.ymax = GR_RADII[GR_NR - 1] + 0.2; /* the steeper PyTorch bound leaves through the top */
  pr.legend = PLOT_LEGEND_NONE;
  ex_panel fp[2] = {{&pl, left, GR_NR}, {&pr, right, 5}};
  plot_series leg[GR_NR + 5];
  memcpy(leg, left, sizeof left);
  memcpy(leg + GR_NR, right, sizeof right);
  char caption[600];
  snprintf(caption, sizeof caption,
           "Vanilla RNN (tanh) at initialisation, recall at distance %d, hidden %d; geometric mean over %d examples per "
           "seed; median over %d seeds, bands and bars = interquartile range. Factor = exp(slope) of log norm against "
           "T-t = 1..%d. Bound: Pascanu, Mikolov & Bengio (2013), factor <= sigma_max(W_hh) for tanh.",
           p->distance, p->hidden, p->nex, p->seeds, p->distance);
  return ex_figure_png(eo, "gradients_radius.png", fp, 2, 2, leg, GR_NR + 5, caption, err);
}

/* ---- the experiment --------------------------------------------------------------------------- */

int run_gradients(const experiment_opts *eo, rl_error *err) {
  FILE *out = eo->out;
  gr_protocol p = {.distance = eo->quick ? 30 : 60, .hidden = eo->quick ? 16 : 32, .nex = eo->quick ? 4 : 64,
                   .train_steps = eo->quick ? 150 : 1200, .seeds = eo->quick ? 2 : 10,
                   .clip_steps = eo->quick ? 60 : 300, .lr = 0.003f};
  if (eo->seeds > 0) p.seeds = eo->seeds;
  int per_seed = GR_CELLS + 2 * GR_NR + 2, nj = per_seed * p.seeds;
  gr_job *jobs = calloc((size_t)nj, sizeof *jobs);
  if (!jobs) return rl_fail(err, "out of memory");
  ex_meter m;
  double total = 0;
  for (int i = 0; i < nj; i++) {
    gr_job *j = &jobs[i];
    int k = i % per_seed;
    j->p = &p;
    j->seed = (uint64_t)(i / per_seed + 1);
    if (k < GR_CELLS) {
      j->part = GR_CELLS_PART;
      j->cell = GR_CELL[k];
      j->w_init = rl_init_default(1).recurrent;
      j->share.weight = (double)p.train_steps * p.distance / 2;
    } else if (k < GR_CELLS + 2 * GR_NR) {
      j->part = GR_RADIUS;
      j->cell = RL_CELL_RNN;
      j->w_init = k < GR_CELLS + GR_NR ? RL_INIT_ORTHOGONAL : RL_INIT_PYTORCH;
      j->radius = GR_RADII[(k - GR_CELLS) % GR_NR];
      j->share.weight = (double)p.nex * p.distance;
    } else {
      j->part = GR_CLIP;
      j->cell = RL_CELL_RNN;
      j->radius = 1.5f;
      j->clip = k == per_seed - 2 ? 0.0f : 1.0f;
      j->share.weight = (double)p.clip_steps * 12;
    }
    j->share.m = &m;
    total += j->share.weight;
  }
  fprintf(out, "gradients: ||dJ(T)/dh(t)|| of the loss at the query of recall (distance %d, 8 keys, 8 distractor tokens),\n"
               "  hidden %d, geometric mean over %d examples, %d seeds; 'trained' = after a curriculum of up to %d Adam\n"
               "  steps (lr %g, batch 32) toward distance %d\n",
          p.distance, p.hidden, p.nex, p.seeds, p.train_steps, p.lr, p.distance);
  fflush(out);
  ex_meter_start(&m, "gradients", total);
  ex_run_jobs(jobs, sizeof *jobs, nj, gr_run, eo->workers > 0 ? eo->workers : 2);
  ex_meter_finish(&m);
  gr_print_cells(out, &p, jobs, nj);
  gr_print_radius(out, jobs, nj);
  gr_print_clip(out, &p, jobs, nj);
  for (int i = 0; i < nj; i++)
    if (jobs[i].note[0]) fprintf(out, "  note (%s, seed %llu): %s\n", ex_cell_label(jobs[i].cell), (unsigned long long)jobs[i].seed, jobs[i].note);
  int rc = -1;
  if (gr_write_csv(eo, jobs, nj, err) || gr_figure_cells(eo, &p, jobs, nj, err) ||
      gr_figure_radius(eo, &p, jobs, nj, err))
    goto done;
  fprintf(out, "\nwrote %s/gradients.csv (every curve), gradients_fit.csv (every fit), gradients_clip.csv, "
               "gradients.png, gradients_radius.png\n",
          eo->out_dir);
  rc = 0;
done:
  free(jobs);
  return rc;
}
