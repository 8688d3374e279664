/* rnnlab experiments (see experiments.h). */
#define _POSIX_C_SOURCE 200809L
#include "experiments.h"
#include "fileio.h"

#include "plot.h"
#include "progress.h"
#include "theme.h"
#include "train.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *const NAMES[] = {"horizon", "gradients", "agreement"};
#define NNAMES 3

const char *const *experiment_names(int *n) {
  if (n) *n = NNAMES;
  return NAMES;
}

const char *experiment_help(const char *name) {
  if (!strcmp(name, "horizon"))
    return "largest recall distance each cell solves to >= 95% (direct and curriculum)";
  if (!strcmp(name, "gradients"))
    return "||dJ(T)/dh(t)|| vs T-t: decay, half-life, radius sweep and bound, clipping";
  if (!strcmp(name, "agreement"))
    return "subject-verb agreement accuracy vs attractors and distance, RNN vs LSTM";
  return NULL;
}

/* ---- small helpers ---------------------------------------------------------------------------- */

static int make_dir(const char *dir, rl_error *err) {
  char buf[1024];
  size_t n = strlen(dir);
  if (n == 0 || n >= sizeof buf) return rl_fail(err, "output folder name '%.200s' is empty or too long", dir);
  memcpy(buf, dir, n + 1);
  for (size_t i = 1; i <= n; i++) {
    if (buf[i] == '/' || buf[i] == 0) {
      char c = buf[i];
      buf[i] = 0;
      if (mkdir(buf, 0777) != 0 && errno != EEXIST) return rl_fail(err, "cannot create folder %s: %s", buf, strerror(errno));
      buf[i] = c;
    }
  }
  struct stat st;
  if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) return rl_fail(err, "%s is not a folder", dir);
  return 0;
}

static void join(char *buf, size_t n, const char *dir, const char *file) { snprintf(buf, n, "%s/%s", dir, file); }

/* CSV files are formatted in memory and written atomically (engine/fileio.h): a failed write keeps
 * the previous result. */
static FILE *open_csv(rl_memfile *mf, const char *dir, const char *file, char *path, size_t n, rl_error *err) {
  join(path, n, dir, file);
  FILE *f = rl_memfile_open(mf);
  if (!f) rl_fail(err, "cannot write %s: out of memory", path);
  return f;
}

static int close_csv(rl_memfile *mf, const char *path, rl_error *err) { return rl_memfile_commit(mf, path, err); }

static const char *cell_label(rl_cell c) { return c == RL_CELL_RNN ? "RNN" : c == RL_CELL_LSTM ? "LSTM" : "GRU"; }

static SDL_Color series_color(int i) { return theme_series(theme_get(THEME_LIGHT), i); }

/* One figure of EXPERIMENT_PNG_W x EXPERIMENT_PNG_H: np line plots side by side (small multiples
 * that share a y range), and, if nleg > 0, one legend strip below them, outside every data area.
 * Text is drawn EXPERIMENT_PNG_ZOOM times larger than a 1000-pixel screen would get, for a projector. */
typedef struct {
  const plot_opts *o;
  const plot_series *s;
  int ns;
} fig_panel;

static int figure_png(const char *path, const fig_panel *p, int np, const plot_series *leg, int nleg,
                      rl_error *err) {
  const int W = EXPERIMENT_PNG_W, H = EXPERIMENT_PNG_H;
  gfx *g = gfx_create_headless(W, H, err);
  if (!g) return -1;
  gfx_set_theme(g, theme_get(THEME_LIGHT));
  gfx_set_zoom(g, EXPERIMENT_PNG_ZOOM);
  gfx_begin_frame(g);
  const theme *th = gfx_theme(g);
  gfx_clear(g, th->bg);
  int px = gfx_font_px(g, THEME_TEXT_SMALL), lh = gfx_line_height(g, GFX_SANS, px) * 5 / 4;
  int pad = gfx_px(g, 10), sw = gfx_px(g, 40), gap = gfx_px(g, 8), colgap = gfx_px(g, 28);
  /* legend entries flow left to right in rows */
  int rows = 0, x = pad;
  for (int k = 0; k < nleg; k++) {
    int tw;
    gfx_text_size(g, leg[k].label, GFX_SANS, px, &tw, NULL);
    int ew = sw + gap + tw + colgap;
    if (rows == 0 || x + ew > W - pad) rows++, x = pad;
    x += ew;
  }
  int legh = rows ? rows * lh + 2 * pad : 0;
  for (int i = 0; i < np; i++) {
    int x0 = W * i / np, x1 = W * (i + 1) / np;
    plot_lines(g, gfx_r(x0, 0, x1 - x0, H - legh), p[i].o, p[i].s, p[i].ns, NULL);
  }
  int row = -1;
  x = pad;
  for (int k = 0; k < nleg; k++) {
    int tw;
    gfx_text_size(g, leg[k].label, GFX_SANS, px, &tw, NULL);
    int ew = sw + gap + tw + colgap;
    if (row < 0 || x + ew > W - pad) row++, x = pad;
    float cy = (float)(H - legh + pad + row * lh) + lh * 0.5f;
    float w = (leg[k].width > 0 ? leg[k].width : 3) * gfx_scale(g);
    if (w < 1.5f) w = 1.5f;
    if (leg[k].dashed) gfx_dashed_line(g, (float)x, cy, (float)(x + sw), cy, w, (float)gfx_px(g, 6), leg[k].color);
    else gfx_line(g, (float)x, cy, (float)(x + sw), cy, w, leg[k].color);
    if (leg[k].markers) gfx_fill_circle(g, x + sw * 0.5f, cy, w * 1.4f, leg[k].color);
    gfx_text(g, (float)(x + sw + gap), cy, leg[k].label, GFX_SANS, px, th->text, GFX_LEFT | GFX_MIDDLE);
    x += ew;
  }
  int rc = gfx_save_png(g, path, err);
  gfx_destroy(g);
  return rc;
}

/* A single plot with its own legend (inside, in the emptiest corner). */
static int figure1_png(const char *path, const plot_opts *o, const plot_series *s, int ns, rl_error *err) {
  fig_panel p = {o, s, ns};
  return figure_png(path, &p, 1, NULL, 0, err);
}

/* Independent jobs on worker threads: each job is a pure function of its inputs, so results do not
 * depend on which worker runs it or when. */
typedef void (*job_fn)(void *job);
typedef struct {
  pthread_mutex_t mu;
  char *jobs;
  size_t size;
  int n, next;
  job_fn fn;
} job_pool;

static void *pool_worker(void *arg) {
  job_pool *p = arg;
  for (;;) {
    pthread_mutex_lock(&p->mu);
    int i = p->next < p->n ? p->next++ : -1;
    pthread_mutex_unlock(&p->mu);
    if (i < 0) return NULL;
    p->fn(p->jobs + (size_t)i * p->size);
  }
}

static void run_jobs(void *jobs, size_t size, int n, job_fn fn, int workers) {
  job_pool p;
  pthread_mutex_init(&p.mu, NULL);
  p.jobs = jobs;
  p.size = size;
  p.n = n;
  p.next = 0;
  p.fn = fn;
  if (workers < 1) workers = 1;
  if (workers > 8) workers = 8;
  if (workers > n) workers = n;
  pthread_t th[8];
  int started = 0;
  for (int i = 1; i < workers; i++)
    if (pthread_create(&th[i], NULL, pool_worker, &p) == 0) started = i;
    else break;
  pool_worker(&p);
  for (int i = 1; i <= started; i++) pthread_join(th[i], NULL);
  pthread_mutex_destroy(&p.mu);
}

static rl_train_opts recall_opts(rl_cell cell, int hidden, uint64_t seed, int distance, int distractors, float lr) {
  rl_train_opts o = rl_train_default();
  o.task = rl_task_default(RL_TASK_RECALL);
  o.task.length = distance;
  o.task.distractors = distractors;
  o.model.cell = cell;
  o.model.hidden = hidden;
  o.model.embed = 16;
  o.init = rl_init_default(seed);
  o.optimizer = RL_OPT_ADAM;
  o.lr = lr;
  o.clip = 1.0f;
  o.batch = 32;
  o.eval_size = 128;
  o.seed = seed;
  o.threads = 1;
  return o;
}

/* Progress lines on stderr while a long experiment runs (the table comes at the end, on stdout):
 * "  [  12 s] horizon: LSTM seed 2 curriculum: solved distance 50 at step 1234". Each line is one
 * fprintf, so lines from the two workers never interleave mid-line. */
static double progress_t0;

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
static void say_progress(const char *fmt, ...) {
  char buf[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  fprintf(stderr, "  [%4.0f s] %s\n", progress_now() - progress_t0, buf);
}

/* Trains until the held-out accuracy reaches target (checked every eval_every steps) or max_steps.
 * Returns 1 solved, 0 not solved, -1 training failed (message in err). */
static int train_until(rl_trainer *t, long max_steps, int eval_every, float target, float *acc, long *used,
                       rl_error *err) {
  long start = t->step;
  *acc = 0;
  while (t->step - start < max_steps) {
    if (rl_trainer_step(t, NULL, err)) {
      *used = t->step - start;
      return -1;
    }
    long done = t->step - start;
    if (done % eval_every == 0 || done == max_steps) {
      rl_eval_stats e;
      if (rl_trainer_eval(t, &e, err)) return -1;
      *acc = e.accuracy;
      if (e.accuracy >= target) {
        *used = done;
        return 1;
      }
    }
  }
  *used = t->step - start;
  return 0;
}

/* Curriculum over the recall distance: trains at dist[0], and each time the held-out accuracy
 * reaches the target moves on to the next distance of the list, within a budget of steps.
 * stage_acc[i] (if non-NULL) gets the best held-out accuracy seen at dist[i] (NaN if never trained
 * there); best_params (if non-NULL) the parameters when the last stage was solved. Returns the
 * largest distance solved (0 if none), or -1 on a training failure. */
static int curriculum(rl_trainer *t, const int *dist, int nd, long budget, int eval_every, float target,
                      float *stage_acc, float *best_params, long *used, const char *who, rl_error *err) {
  int i = 0, reached = 0;
  long t0 = t->step;
  *used = 0;
  if (stage_acc)
    for (int k = 0; k < nd; k++) stage_acc[k] = NAN;
  if (rl_trainer_set_length(t, dist[0], err)) return -1;
  if (stage_acc) stage_acc[0] = 0;
  while (t->step - t0 < budget) {
    if (rl_trainer_step(t, NULL, err)) return -1;
    *used = t->step - t0;
    if ((t->step - t0) % eval_every) continue;
    rl_eval_stats e;
    if (rl_trainer_eval(t, &e, err)) return -1;
    if (stage_acc && e.accuracy > stage_acc[i]) stage_acc[i] = e.accuracy;
    if (e.accuracy < target) continue;
    reached = dist[i];
    if (who) say_progress("%s: solved distance %d at step %ld", who, dist[i], t->step - t0);
    if (best_params) memcpy(best_params, t->m->params, t->m->nparams * sizeof(float));
    if (++i >= nd) break;
    if (rl_trainer_set_length(t, dist[i], err)) return -1;
    if (stage_acc) stage_acc[i] = 0;
  }
  return reached;
}

/* 2, 3, 5, 7, 10, 15, 20, 30, 50, 75, 100, 150, 200, ... up to cap (cap itself last). */
static int curriculum_list(int cap, int *out, int max) {
  static const int STEPS[] = {2, 3, 5, 7, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750, 1000};
  int n = 0;
  for (size_t k = 0; k < sizeof STEPS / sizeof *STEPS && n < max - 1 && STEPS[k] < cap; k++) out[n++] = STEPS[k];
  out[n++] = cap;
  return n;
}

/* ================================================================================================
 * horizon
 * ============================================================================================== */

#define HZ_MAXGRID 16
#define HZ_CELLS 3
static const rl_cell HZ_CELL[HZ_CELLS] = {RL_CELL_RNN, RL_CELL_LSTM, RL_CELL_GRU};

typedef struct {
  int hidden, distractors, keys;
  float direct_lr, cur_lr, forget_bias;
  int grid[HZ_MAXGRID], ngrid;
  long direct_steps, cur_steps;
  int cur[HZ_MAXGRID + 4], ncur; /* curriculum distances: a few short ones, then the grid */
  int eval_every;
} hz_params;

typedef struct {
  const hz_params *p;
  rl_cell cell;
  uint64_t seed;
  int curriculum;
  float acc[HZ_MAXGRID];  /* NaN = not run; curriculum: best accuracy at that stage */
  float gen[HZ_MAXGRID];  /* curriculum: the model that solved the largest distance, at each distance */
  int solved[HZ_MAXGRID];
  long steps_at[HZ_MAXGRID];
  int reached;            /* largest distance solved */
  long steps;             /* training steps used in total */
  double secs;
  char note[640];         /* a training failure, if any */
} hz_job;

static void hz_run(void *arg) {
  hz_job *j = arg;
  const hz_params *p = j->p;
  double t0 = progress_now();
  rl_error err;
  for (int g = 0; g < HZ_MAXGRID; g++) {
    j->acc[g] = NAN;
    j->gen[g] = NAN;
    j->solved[g] = 0;
    j->steps_at[g] = 0;
  }
  j->reached = 0;
  j->steps = 0;
  j->note[0] = 0;
  char who[96];
  snprintf(who, sizeof who, "horizon: %s seed %llu %s", cell_label(j->cell), (unsigned long long)j->seed,
           j->curriculum ? "curriculum" : "direct");
  if (!j->curriculum) {
    int fails = 0;
    for (int g = 0; g < p->ngrid; g++) {
      if (fails >= 2) break; /* two distances in a row failed: longer ones will too */
      rl_train_opts o = recall_opts(j->cell, p->hidden, j->seed, p->grid[g], p->distractors, p->direct_lr);
      o.init.forget_bias = p->forget_bias;
      rl_trainer *t;
      if (rl_trainer_create(&o, &t, &err)) {
        snprintf(j->note, sizeof j->note, "%s", err.msg);
        break;
      }
      float acc;
      long used = 0;
      int r = train_until(t, p->direct_steps, p->eval_every, 0.95f, &acc, &used, &err);
      if (r < 0) snprintf(j->note, sizeof j->note, "distance %d: %s", p->grid[g], err.msg);
      j->acc[g] = r < 0 ? 0.0f : acc;
      j->solved[g] = r == 1;
      j->steps_at[g] = used;
      j->steps += used;
      say_progress("%s: distance %d %s, %.0f%% after %ld steps", who, p->grid[g], r == 1 ? "solved" : "not solved",
                   100.0 * j->acc[g], used);
      if (r == 1) {
        j->reached = p->grid[g];
        fails = 0;
      } else {
        fails++;
      }
      rl_trainer_free(t);
    }
  } else {
    rl_train_opts o = recall_opts(j->cell, p->hidden, j->seed, p->cur[0], p->distractors, p->cur_lr);
    o.init.forget_bias = p->forget_bias;
    rl_trainer *t;
    if (rl_trainer_create(&o, &t, &err)) {
      snprintf(j->note, sizeof j->note, "%s", err.msg);
    } else {
      long used = 0;
      float *best = malloc(t->m->nparams * sizeof(float));
      float stage[HZ_MAXGRID + 4];
      int r = best ? curriculum(t, p->cur, p->ncur, p->cur_steps, p->eval_every, 0.95f, stage, best, &used, who, &err)
                   : rl_fail(&err, "out of memory");
      int off = p->ncur - p->ngrid; /* the grid is the tail of the curriculum */
      for (int g = 0; g < p->ngrid; g++) {
        j->acc[g] = stage[off + g];
        j->solved[g] = stage[off + g] >= 0.95f;
        j->steps_at[g] = used;
      }
      j->steps = t->step;
      if (r < 0) snprintf(j->note, sizeof j->note, "curriculum at step %ld: %s", t->step, err.msg);
      else j->reached = r;
      /* the model that solved the largest distance, at every distance of the grid */
      if (r > 0) memcpy(t->m->params, best, t->m->nparams * sizeof(float));
      else r = -1; /* nothing solved: no model to evaluate */
      free(best);
      for (int g = 0; g < p->ngrid && r >= 0; g++) {
        rl_eval_stats e;
        if (rl_trainer_set_length(t, p->grid[g], &err) || rl_trainer_eval(t, &e, &err)) break;
        j->gen[g] = e.accuracy;
      }
      rl_trainer_free(t);
    }
  }
  j->secs = progress_now() - t0;
  say_progress("%s: finished, horizon %d (%ld steps, %.0f s)", who, j->reached, j->steps, j->secs);
}

/* which: 0 = direct, 1 = curriculum stages, 2 = curriculum model at every distance */
static float mean_over(const hz_job *jobs, int njobs, rl_cell cell, int which, int g, int *nrun) {
  double s = 0;
  int n = 0;
  for (int i = 0; i < njobs; i++) {
    if (jobs[i].cell != cell || jobs[i].curriculum != (which > 0)) continue;
    float v = which == 2 ? jobs[i].gen[g] : jobs[i].acc[g];
    if (isfinite(v)) {
      s += v;
      n++;
    }
  }
  if (nrun) *nrun = n;
  return n ? (float)(s / n) : NAN;
}

static int run_horizon(const experiment_opts *eo, rl_error *err) {
  FILE *out = eo->out;
  hz_params p;
  memset(&p, 0, sizeof p);
  int seeds = eo->seeds > 0 ? eo->seeds : (eo->quick ? 1 : 3);
  p.keys = 8;
  p.distractors = 8;
  p.direct_lr = 0.01f;
  p.cur_lr = 0.003f;
  p.forget_bias = 3.0f; /* LSTM only (Gers et al. 2000; Jozefowicz et al. 2015); with 1, the LSTM
                          * spends most of the budget on a plateau (the explorer's default uses 3 too) */
  p.eval_every = 25;
  if (eo->quick) {
    static const int G[] = {3, 6, 12, 24};
    p.hidden = 16;
    p.ngrid = 4;
    memcpy(p.grid, G, sizeof G);
    p.direct_steps = 100;
    p.cur_steps = 200;
    p.cur[0] = 2;
  } else {
    static const int G[] = {5, 7, 10, 15, 20, 30, 50, 75, 100, 150, 200};
    p.hidden = 32;
    p.ngrid = 11;
    memcpy(p.grid, G, sizeof G);
    p.direct_steps = 1500;
    p.cur_steps = 3000;
    p.cur[0] = 2;
    p.cur[1] = 3;
  }
  p.ncur = p.grid[0] == 3 ? 1 : 2;
  memcpy(p.cur + p.ncur, p.grid, sizeof(int) * (size_t)p.ngrid);
  p.ncur += p.ngrid;
  int cur_max = p.grid[p.ngrid - 1];
  int njobs = HZ_CELLS * seeds * 2;
  hz_job *jobs = calloc((size_t)njobs, sizeof *jobs);
  if (!jobs) return rl_fail(err, "out of memory");
  int k = 0;
  /* longest jobs first keeps both workers busy to the end */
  for (int cur = 1; cur >= 0; cur--)
    for (int c = 0; c < HZ_CELLS; c++)
      for (int s = 0; s < seeds; s++) {
        jobs[k].p = &p;
        jobs[k].cell = HZ_CELL[c];
        jobs[k].seed = (uint64_t)(s + 1);
        jobs[k].curriculum = cur;
        k++;
      }
  fprintf(out, "horizon: recall with %d keys and %d distractor tokens; hidden %d, Adam, clip 1, batch 32, LSTM "
               "forget-gate bias %g, %d seed%s\n  direct: trained from scratch at each distance, lr %g, up to %ld steps, "
               "stop at >= 95%%\n  curriculum: lr %g, from distance %d through the distances below (next one after each >= 95%% "
               "evaluation) up to %d, %ld steps in all\n",
          p.keys, p.distractors, p.hidden, p.forget_bias, seeds, seeds > 1 ? "s" : "", p.direct_lr, p.direct_steps,
          p.cur_lr, p.cur[0], cur_max, p.cur_steps);
  fflush(out);
  double t0 = progress_now();
  progress_t0 = t0;
  fprintf(stderr, "horizon: %d training runs on %d workers; progress below, the tables follow at the end\n", njobs,
          eo->workers > 0 ? eo->workers : 2);
  run_jobs(jobs, sizeof *jobs, njobs, hz_run, eo->workers > 0 ? eo->workers : 2);
  double secs = progress_now() - t0;

  /* CSV */
  char path[1200];
  int rc = -1;
  rl_memfile mf;
  FILE *f = open_csv(&mf, eo->out_dir, "horizon.csv", path, sizeof path, err);
  if (!f) goto done;
  fprintf(f, "cell,seed,protocol,distance,accuracy,solved,steps\n");
  for (int i = 0; i < njobs; i++)
    for (int g = 0; g < p.ngrid; g++) {
      if (isfinite(jobs[i].acc[g]))
        fprintf(f, "%s,%llu,%s,%d,%.4f,%d,%ld\n", rl_cell_name(jobs[i].cell), (unsigned long long)jobs[i].seed,
                jobs[i].curriculum ? "curriculum" : "direct", p.grid[g], jobs[i].acc[g], jobs[i].solved[g],
                jobs[i].steps_at[g]);
      if (isfinite(jobs[i].gen[g]))
        fprintf(f, "%s,%llu,curriculum_model,%d,%.4f,%d,%ld\n", rl_cell_name(jobs[i].cell),
                (unsigned long long)jobs[i].seed, p.grid[g], jobs[i].gen[g], jobs[i].gen[g] >= 0.95f, jobs[i].steps);
    }
  if (close_csv(&mf, path, err)) goto done;
  f = open_csv(&mf, eo->out_dir, "horizon_summary.csv", path, sizeof path, err);
  if (!f) goto done;
  fprintf(f, "cell,seed,protocol,horizon,steps,seconds\n");
  for (int i = 0; i < njobs; i++)
    fprintf(f, "%s,%llu,%s,%d,%ld,%.1f\n", rl_cell_name(jobs[i].cell), (unsigned long long)jobs[i].seed,
            jobs[i].curriculum ? "curriculum" : "direct", jobs[i].reached, jobs[i].steps, jobs[i].secs);
  if (close_csv(&mf, path, err)) goto done;

  /* table */
  static const char *const TABLE[3] = {
      "trained directly at each distance (- = not run after two failed distances)",
      "curriculum: best accuracy while training at each distance (- = not reached)",
      "curriculum: the model that solved the largest distance, tested at every distance"};
  for (int cur = 0; cur <= 2; cur++) {
    fprintf(out, "\n%s, mean over seeds:\n", TABLE[cur]);
    fprintf(out, "  %-9s", "distance");
    for (int g = 0; g < p.ngrid; g++) fprintf(out, " %5d", p.grid[g]);
    fprintf(out, "\n");
    for (int c = 0; c < HZ_CELLS; c++) {
      fprintf(out, "  %-9s", cell_label(HZ_CELL[c]));
      for (int g = 0; g < p.ngrid; g++) {
        float a = mean_over(jobs, njobs, HZ_CELL[c], cur, g, NULL);
        if (isfinite(a)) fprintf(out, " %4.0f%%", 100.0 * a);
        else fprintf(out, " %5s", "-");
      }
      fprintf(out, "\n");
    }
  }
  fprintf(out, "\nmemory horizon = largest distance solved to >= 95%% held-out accuracy, per seed:\n");
  fprintf(out, "  %-6s %-22s %-22s\n", "cell", "direct", "curriculum");
  for (int c = 0; c < HZ_CELLS; c++) {
    char d[64] = "", cu[64] = "";
    for (int i = 0; i < njobs; i++) {
      if (jobs[i].cell != HZ_CELL[c]) continue;
      char *b = jobs[i].curriculum ? cu : d;
      size_t l = strlen(b);
      snprintf(b + l, 64 - l, "%s%d", l ? ", " : "", jobs[i].reached);
    }
    fprintf(out, "  %-6s %-22s %-22s\n", cell_label(HZ_CELL[c]), d, cu);
  }
  for (int i = 0; i < njobs; i++)
    if (jobs[i].note[0])
      fprintf(out, "  note (%s, seed %llu, %s): %s\n", cell_label(jobs[i].cell), (unsigned long long)jobs[i].seed,
              jobs[i].curriculum ? "curriculum" : "direct", jobs[i].note);
  fprintf(out, "  (the slides: about 7 timesteps for a vanilla RNN, about 100 for an LSTM; chance is %.1f%%;\n"
               "   the curriculum stops at distance %d, so %d means 'at least %d')\n",
          100.0 / p.keys, cur_max, cur_max, cur_max);

  /* figure: accuracy against distance, x = grid index labelled with the distance; one panel per
   * protocol. LSTM and GRU often coincide at 100%: the LSTM is a wide band with big dots, the GRU a
   * thin dashed line with small dots drawn on top of it, the RNN a solid line in between. */
  {
    static const float WIDTH[HZ_CELLS] = {3.5f, 8.0f, 2.5f}; /* RNN, LSTM, GRU */
    static const int DASHED[HZ_CELLS] = {0, 0, 1}, ORDER[HZ_CELLS] = {1, 0, 2}; /* widest first */
    float xs[HZ_MAXGRID], ys[2][HZ_CELLS][HZ_MAXGRID], thr[HZ_MAXGRID], chance[HZ_MAXGRID];
    char labels[HZ_MAXGRID][16];
    const char *lab[HZ_MAXGRID];
    plot_series s[2][HZ_CELLS + 2], leg[HZ_CELLS + 2];
    memset(s, 0, sizeof s);
    memset(leg, 0, sizeof leg);
    for (int g = 0; g < p.ngrid; g++) {
      xs[g] = (float)g;
      thr[g] = 0.95f;
      chance[g] = 1.0f / p.keys;
      snprintf(labels[g], sizeof labels[g], "%d", p.grid[g]);
      lab[g] = labels[g];
    }
    SDL_Color grey = {140, 140, 140, 255};
    for (int cur = 0; cur <= 1; cur++) {
      plot_series *ps = s[cur];
      for (int k = 0; k < HZ_CELLS; k++) {
        int c = ORDER[k];
        /* a curriculum never reaches the distances after the one it is stuck at: that one is a point */
        for (int g = 0; g < p.ngrid; g++) ys[cur][c][g] = mean_over(jobs, njobs, HZ_CELL[c], cur, g, NULL);
        ps[k].x = xs;
        ps[k].y = ys[cur][c];
        ps[k].n = p.ngrid;
        ps[k].color = series_color(c);
        if (c == 1) ps[k].color.a = 150; /* the LSTM band: the GRU's dashes stay visible on it */
        ps[k].markers = 1;
        ps[k].dashed = DASHED[c];
        ps[k].width = WIDTH[c];
        leg[c] = ps[k];
        leg[c].label = cell_label(HZ_CELL[c]);
      }
      ps[HZ_CELLS] = (plot_series){.x = xs, .y = thr, .n = p.ngrid, .color = grey, .width = 1.5f, .dashed = 1};
      ps[HZ_CELLS + 1] = (plot_series){.x = xs, .y = chance, .n = p.ngrid, .color = grey, .width = 1.0f};
    }
    leg[HZ_CELLS] = s[0][HZ_CELLS];
    leg[HZ_CELLS].label = "95% (solved)";
    leg[HZ_CELLS + 1] = s[0][HZ_CELLS + 1];
    leg[HZ_CELLS + 1].label = "chance";
    /* (no y-axis label: plot.c sizes the tick column before it knows the final ticks, and a
     * rotated label would then touch "0.65"; the titles say what y is) */
    char title[2][160], xlabel[2][160];
    snprintf(title[0], sizeof title[0], "Accuracy, trained from scratch at each distance");
    snprintf(title[1], sizeof title[1], "Accuracy, curriculum (best at each stage)");
    snprintf(xlabel[0], sizeof xlabel[0], "distance (distractors between key and query)");
    snprintf(xlabel[1], sizeof xlabel[1], "distance (hidden %d, %s%d seed%s)", p.hidden, seeds > 1 ? "mean of " : "",
             seeds, seeds > 1 ? "s" : "");
    plot_opts po[2];
    fig_panel fp[2];
    for (int cur = 0; cur <= 1; cur++) {
      po[cur] = plot_opts_default();
      po[cur].title = title[cur];
      po[cur].xlabel = xlabel[cur];
      po[cur].ymin = 0;
      po[cur].ymax = 1.02;
      po[cur].xmin = -0.3;
      po[cur].xmax = p.ngrid - 0.7;
      po[cur].integer_x = 1;
      po[cur].xtick_labels = lab;
      po[cur].n_xtick_labels = p.ngrid;
      po[cur].legend = PLOT_LEGEND_NONE;
      fp[cur] = (fig_panel){&po[cur], s[cur], HZ_CELLS + 2};
    }
    join(path, sizeof path, eo->out_dir, "horizon.png");
    if (figure_png(path, fp, 2, leg, HZ_CELLS + 2, err)) goto done;
  }
  fprintf(out, "\nwrote %s/horizon.csv, %s/horizon_summary.csv, %s/horizon.png (%.0f s)\n", eo->out_dir, eo->out_dir,
          eo->out_dir, secs);
  rc = 0;
done:
  free(jobs);
  return rc;
}

/* ================================================================================================
 * gradients
 * ============================================================================================== */

#define GR_MAXK 256

/* Geometric mean over nex examples of ||dJ_last/dh(t)|| for k = T_last - t = 0..kmax (layer 0,
 * forward direction), for the trainer's model on its task at its current length. */
static int measure_curve(rl_trainer *t, int nex, uint64_t seed, float *curve, int *kmax, rl_error *err) {
  rl_model *m = t->m;
  int T = t->T, per = t->per;
  int *tok = malloc(sizeof(int) * (size_t)T), *tgt = malloc(sizeof(int) * (size_t)per);
  double *acc = calloc((size_t)T, sizeof(double));
  int *cnt = calloc((size_t)T, sizeof(int));
  int rc = -1, K = 0;
  if (!tok || !tgt || !acc || !cnt) {
    rl_fail(err, "out of memory");
    goto done;
  }
  rl_rng rng;
  rl_rng_seed(&rng, seed);
  for (int e = 0; e < nex; e++) {
    rl_task_meta meta;
    if (rl_task_batch(t->task, &rng, 1, tok, tgt, &meta, err)) goto done;
    rl_batch b = {1, T, tok, tgt, NULL, NULL};
    float loss;
    m->trace_example = 0;
    int bad = rl_model_forward(m, &b, &loss, err) || rl_model_backward(m, err);
    m->trace_example = -1;
    if (bad) goto done;
    int last = m->trace.last_scored;
    if (last < 0) continue;
    for (int tt = 0; tt <= last; tt++) {
      float v = m->trace.dhT_norm[tt];
      int k = last - tt;
      if (k >= GR_MAXK) continue;
      if (v > 0 && isfinite(v)) {
        acc[k] += log((double)v);
        cnt[k]++;
      }
      if (k + 1 > K) K = k + 1;
    }
  }
  for (int k = 0; k < K; k++) curve[k] = cnt[k] ? (float)exp(acc[k] / cnt[k]) : 0.0f;
  *kmax = K;
  rc = 0;
done:
  m->trace_example = -1;
  free(tok);
  free(tgt);
  free(acc);
  free(cnt);
  return rc;
}

/* Least squares of ln(curve[k]) on k for k = 1..K-1: per-step factor exp(slope). */
static float fit_factor(const float *curve, int K) {
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  int n = 0;
  for (int k = 1; k < K; k++) {
    if (!(curve[k] > 0) || !isfinite(curve[k])) continue;
    double y = log((double)curve[k]);
    sx += k;
    sy += y;
    sxx += (double)k * k;
    sxy += k * y;
    n++;
  }
  if (n < 2) return NAN;
  double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
  return (float)exp(slope);
}

static void format_half_life(float factor, char *buf, size_t n) {
  if (!isfinite(factor)) snprintf(buf, n, "n/a");
  else if (factor < 1.0f) snprintf(buf, n, "%.1f steps", log(0.5) / log((double)factor));
  else if (factor > 1.0f) snprintf(buf, n, "none (doubles every %.1f)", log(2.0) / log((double)factor));
  else snprintf(buf, n, "none");
}

typedef enum { GR_CELL = 0, GR_RADIUS = 1, GR_CLIP = 2 } gr_kind;

typedef struct {
  gr_kind kind;
  rl_cell cell;
  float radius;           /* GR_RADIUS, GR_CLIP */
  rl_init_kind w_init;    /* GR_RADIUS: W_hh before rescaling */
  float clip;             /* GR_CLIP */
  int distance, hidden, nex, train_steps, train_cap;
  uint64_t seed;
  /* results */
  float init[GR_MAXK], trained[GR_MAXK];
  int K, K2;
  float f_init, f_trained, sigma;
  int reached;
  /* clipping run */
  float gn_first, gn_median, gn_max, clipped_frac, final_acc;
  long fail_step;
  char note[640];
} gr_job;

static int cmp_float(const void *a, const void *b) {
  float x = *(const float *)a, y = *(const float *)b;
  return x < y ? -1 : x > y;
}

static void gr_run(void *arg) {
  gr_job *j = arg;
  rl_error err;
  j->note[0] = 0;
  j->K = j->K2 = 0;
  j->f_init = j->f_trained = j->sigma = NAN;
  j->fail_step = -1;
  rl_train_opts o = recall_opts(j->cell, j->hidden, j->seed, j->distance, 8, 0.003f);
  if (j->kind != GR_CELL) o.init.spectral_radius = j->radius;
  if (j->kind == GR_RADIUS) o.init.recurrent = j->w_init;
  if (j->kind == GR_CLIP) {
    o.task.length = 10;
    o.optimizer = RL_OPT_SGD;
    o.lr = 0.1f;
    o.clip = j->clip;
  }
  rl_trainer *t;
  if (rl_trainer_create(&o, &t, &err)) {
    snprintf(j->note, sizeof j->note, "%s", err.msg);
    return;
  }
  if (j->kind == GR_CLIP) {
    int n = j->train_steps;
    float *gn = malloc(sizeof(float) * (size_t)n);
    int clipped = 0, done = 0;
    for (int s = 0; gn && s < n; s++) {
      rl_step_stats st;
      if (rl_trainer_step(t, &st, &err)) {
        j->fail_step = t->step + 1;
        snprintf(j->note, sizeof j->note, "%s", err.msg);
        break;
      }
      gn[done++] = st.grad_norm;
      clipped += st.clipped;
    }
    if (gn && done > 0) {
      j->gn_first = gn[0];
      qsort(gn, (size_t)done, sizeof *gn, cmp_float);
      j->gn_median = gn[done / 2];
      j->gn_max = gn[done - 1];
      j->clipped_frac = (float)clipped / done;
    }
    free(gn);
    rl_eval_stats e;
    j->final_acc = j->fail_step < 0 && rl_trainer_eval(t, &e, &err) == 0 ? e.accuracy : NAN;
    rl_trainer_free(t);
    return;
  }
  const rl_rnn_params *rp = &t->m->rnn[0];
  j->sigma = rl_largest_singular_value(rp->w_hh, t->m->G * j->hidden, j->hidden);
  if (measure_curve(t, j->nex, 777, j->init, &j->K, &err)) {
    snprintf(j->note, sizeof j->note, "%s", err.msg);
    rl_trainer_free(t);
    return;
  }
  j->f_init = fit_factor(j->init, j->K);
  if (j->kind == GR_CELL && j->train_steps > 0) {
    long used = 0;
    int dist[24];
    int nd = curriculum_list(j->train_cap, dist, 24);
    int r = curriculum(t, dist, nd, j->train_steps, 25, 0.95f, NULL, NULL, &used, NULL, &err);
    if (r < 0) snprintf(j->note, sizeof j->note, "training: %s", err.msg);
    j->reached = r < 0 ? 0 : r;
    if (rl_trainer_set_length(t, j->distance, &err) == 0 && measure_curve(t, j->nex, 777, j->trained, &j->K2, &err) == 0)
      j->f_trained = fit_factor(j->trained, j->K2);
  }
  rl_trainer_free(t);
}

/* Curves in [ymin, ymax] for a log plot: anything outside (or non-positive) breaks the line. */
static void clamp_for_log(float *y, int n, float lo, float hi) {
  for (int i = 0; i < n; i++)
    if (!(y[i] >= lo && y[i] <= hi)) y[i] = NAN;
}

static int run_gradients(const experiment_opts *eo, rl_error *err) {
  FILE *out = eo->out;
  int quick = eo->quick;
  int D = quick ? 30 : 60, H = quick ? 16 : 32, nex = quick ? 4 : 64;
  int train_steps = quick ? 150 : 1200, cap = D;
  static const float RADII[] = {0.5f, 0.9f, 1.0f, 1.1f, 1.5f, 2.0f, 3.0f};
  enum { NR = 7, R0 = 3, P0 = 3 + NR, C0 = 3 + 2 * NR }; /* cells, orthogonal sweep, PyTorch sweep, clipping */
  int nj = C0 + 2;
  gr_job *jobs = calloc((size_t)nj, sizeof *jobs);
  if (!jobs) return rl_fail(err, "out of memory");
  for (int i = 0; i < nj; i++) {
    gr_job *j = &jobs[i];
    j->distance = D;
    j->hidden = H;
    j->nex = nex;
    j->seed = 1;
    if (i < 3) {
      j->kind = GR_CELL;
      j->cell = HZ_CELL[i];
      j->train_steps = train_steps;
      j->train_cap = cap;
    } else if (i < C0) {
      j->kind = GR_RADIUS;
      j->cell = RL_CELL_RNN;
      j->radius = RADII[(i - R0) % NR];
      j->w_init = i < P0 ? RL_INIT_ORTHOGONAL : RL_INIT_PYTORCH;
    } else {
      j->kind = GR_CLIP;
      j->cell = RL_CELL_RNN;
      j->radius = 1.5f;
      j->clip = i == C0 ? 0.0f : 1.0f;
      j->train_steps = quick ? 60 : 300;
    }
  }
  fprintf(out, "gradients: ||dJ(T)/dh(t)|| of the loss at the query of recall (distance %d, %d keys, 8 distractor "
               "tokens), hidden %d,\n  geometric mean over %d examples; 'trained' = after a curriculum of up to %d "
               "Adam steps (lr 0.003) toward distance %d\n",
          D, 8, H, nex, train_steps, cap);
  fflush(out);
  double t0 = progress_now();
  run_jobs(jobs, sizeof *jobs, nj, gr_run, eo->workers > 0 ? eo->workers : 2);
  double secs = progress_now() - t0;
  int rc = -1;
  char path[1200];

  rl_memfile mf;
  FILE *f = open_csv(&mf, eo->out_dir, "gradients.csv", path, sizeof path, err);
  if (!f) goto done;
  fprintf(f, "series,cell,radius,state,k,norm\n");
  for (int i = 0; i < C0; i++) {
    gr_job *j = &jobs[i];
    char series[48];
    if (j->kind == GR_CELL) snprintf(series, sizeof series, "%s", rl_cell_name(j->cell));
    else snprintf(series, sizeof series, "rnn_%s_radius_%g", rl_init_name(j->w_init), j->radius);
    for (int k = 0; k < j->K; k++)
      fprintf(f, "%s,%s,%g,init,%d,%.6g\n", series, rl_cell_name(j->cell), j->kind == GR_RADIUS ? j->radius : 0.0, k,
              j->init[k]);
    for (int k = 0; k < j->K2; k++)
      fprintf(f, "%s,%s,0,trained,%d,%.6g\n", series, rl_cell_name(j->cell), k, j->trained[k]);
  }
  if (close_csv(&mf, path, err)) goto done;
  f = open_csv(&mf, eo->out_dir, "gradients_fit.csv", path, sizeof path, err);
  if (!f) goto done;
  fprintf(f, "series,cell,radius,state,decay_factor,half_life_steps,sigma_max,pascanu_factor\n");
  for (int i = 0; i < C0; i++) {
    gr_job *j = &jobs[i];
    double hl = j->f_init < 1 ? log(0.5) / log((double)j->f_init) : INFINITY;
    char pf[32] = "";
    if (j->cell == RL_CELL_RNN) snprintf(pf, sizeof pf, "%.6g", j->sigma);
    fprintf(f, "%s,%s,%g,init,%.6g,%.6g,%.6g,%s\n",
            j->kind == GR_CELL ? "cell" : j->w_init == RL_INIT_ORTHOGONAL ? "radius_orthogonal" : "radius_pytorch",
            rl_cell_name(j->cell),
            j->kind == GR_RADIUS ? j->radius : 0.0, j->f_init, hl, j->sigma, pf);
    if (j->kind == GR_CELL && j->K2 > 0) {
      hl = j->f_trained < 1 ? log(0.5) / log((double)j->f_trained) : INFINITY;
      fprintf(f, "cell,%s,0,trained,%.6g,%.6g,,\n", rl_cell_name(j->cell), j->f_trained, hl);
    }
  }
  if (close_csv(&mf, path, err)) goto done;

  /* tables */
  fprintf(out, "\nper-step decay factor of ||dJ(T)/dh(t)|| (fit of log norm against T-t) and half-life:\n");
  fprintf(out, "  %-6s %-10s %-26s %-10s %-26s %s\n", "cell", "init", "half-life", "trained", "half-life",
          "curriculum reached");
  for (int i = 0; i < 3; i++) {
    gr_job *j = &jobs[i];
    char h1[48], h2[48];
    format_half_life(j->f_init, h1, sizeof h1);
    format_half_life(j->f_trained, h2, sizeof h2);
    fprintf(out, "  %-6s %-10.3f %-26s %-10.3f %-26s %d\n", cell_label(j->cell), j->f_init, h1, j->f_trained, h2,
            j->reached);
  }
  fprintf(out, "  (LSTM: the long-range path runs through the cell state c, which h(t) reaches only through the\n"
               "   gates, so ||dJ(T)/dh(t)|| understates how far an LSTM's gradient travels)\n");
  fprintf(out, "\nvanilla RNN (tanh, gamma = max|tanh'| = 1) at initialisation, W_hh rescaled to spectral radius r:\n"
               "  Pascanu, Mikolov & Bengio 2013: ||dh(t)/dh(t-1)|| <= gamma * sigma_max(W_hh), so\n"
               "  ||dJ(T)/dh(t)|| <= ||dJ(T)/dh(T)|| * (gamma sigma_max)^(T-t): vanishing is certain when "
               "gamma sigma_max < 1\n");
  fprintf(out, "  %-11s %-6s %-10s %-18s %-10s %-26s %s\n", "W_hh init", "r", "sigma_max", "bound", "measured",
          "half-life", "||dJ/dh|| at T-t = 0 / max");
  for (int i = R0; i < C0; i++) {
    gr_job *j = &jobs[i];
    char h1[48];
    format_half_life(j->f_init, h1, sizeof h1);
    fprintf(out, "  %-11s %-6.2f %-10.3f %-18s %-10.3f %-26s %.3g / %.3g\n", rl_init_name(j->w_init), j->radius, j->sigma,
            j->sigma < 1 ? "<1: must vanish" : ">=1: no guarantee", j->f_init, h1, j->K ? j->init[0] : 0.0,
            j->K ? j->init[j->K - 1] : 0.0);
  }
  fprintf(out, "  (orthogonal W_hh scaled to radius r has sigma_max = r; PyTorch's uniform matrix is not normal, so its\n"
               "   sigma_max exceeds its spectral radius and the bound guarantees less. The bound is only an upper\n"
               "   bound: tanh' < 1 wherever the inputs drive units away from 0, so gradients shrink faster than it\n"
               "   and the edge of chaos (measured factor 1) lies above r = 1.)\n");
  fprintf(out, "\ngradient clipping (RNN, r = 1.5, SGD lr 0.1, recall distance 10, %d steps):\n",
          jobs[C0].train_steps);
  fprintf(out, "  %-8s %-12s %-12s %-12s %-10s %-10s %s\n", "clip", "first norm", "median norm", "max norm",
          "clipped", "accuracy", "");
  for (int i = C0; i < nj; i++) {
    gr_job *j = &jobs[i];
    char c[16];
    if (j->clip > 0) snprintf(c, sizeof c, "%g", j->clip);
    else snprintf(c, sizeof c, "off");
    char cl[16], ac[16];
    snprintf(cl, sizeof cl, "%.0f%%", 100.0 * j->clipped_frac);
    snprintf(ac, sizeof ac, "%.1f%%", 100.0 * j->final_acc);
    fprintf(out, "  %-8s %-12.3g %-12.3g %-12.3g %-10s %-10s %s\n", c, j->gn_first, j->gn_median, j->gn_max, cl, ac,
            j->fail_step >= 0 ? "stopped: non-finite loss" : "");
  }
  fprintf(out, "  clipping rescales the whole gradient by one factor, so the shape of ||dJ(T)/dh(t)|| against T-t\n"
               "  (the decay factor and half-life) is unchanged: it tames exploding updates, it does not bring back\n"
               "  vanished gradients.\n");
  for (int i = 0; i < nj; i++)
    if (jobs[i].note[0]) fprintf(out, "  note (job %d): %s\n", i, jobs[i].note);

  /* figure 1: cells, init (solid) and trained (dashed) */
  {
    static float xs[GR_MAXK];
    for (int k = 0; k < GR_MAXK; k++) xs[k] = (float)k;
    plot_series s[6];
    char names[6][112];
    static float ys[6][GR_MAXK];
    int ns = 0;
    float lo = INFINITY, hi = 0;
    for (int i = 0; i < 3; i++)
      for (int st = 0; st < 2; st++) {
        gr_job *j = &jobs[i];
        int K = st ? j->K2 : j->K;
        float fac = st ? j->f_trained : j->f_init;
        if (K <= 0) continue;
        memcpy(ys[ns], st ? j->trained : j->init, sizeof(float) * (size_t)K);
        for (int k = 0; k < K; k++)
          if (ys[ns][k] > 0 && isfinite(ys[ns][k])) {
            if (ys[ns][k] < lo) lo = ys[ns][k];
            if (ys[ns][k] > hi) hi = ys[ns][k];
          }
        char hl[48];
        format_half_life(fac, hl, sizeof hl);
        snprintf(names[ns], sizeof names[ns], "%s %s: x%.3f/step, half-life %s", cell_label(j->cell),
                 st ? "trained" : "init", fac, hl);
        memset(&s[ns], 0, sizeof s[ns]);
        s[ns].label = names[ns];
        s[ns].x = xs;
        s[ns].y = ys[ns];
        s[ns].n = K;
        s[ns].color = series_color(i);
        s[ns].dashed = st;
        s[ns].width = st ? 2.5f : 3.5f;
        ns++;
      }
    float ylo = lo > 1e-30f ? lo : 1e-30f;
    for (int i = 0; i < ns; i++) clamp_for_log((float *)s[i].y, s[i].n, ylo * 0.999f, hi * 1.001f);
    plot_opts po = plot_opts_default();
    char title[160];
    snprintf(title, sizeof title, "Vanishing gradients: ||dJ(T)/dh(t)|| vs T-t (recall, distance %d, hidden %d)", D, H);
    po.title = title;
    po.xlabel = "T - t (steps back from the scored position)";
    po.ylabel = "||dJ(T)/dh(t)|| (log scale)";
    po.log_y = 1;
    po.integer_x = 1;
    po.legend = PLOT_LEGEND_BOTTOM_LEFT;
    join(path, sizeof path, eo->out_dir, "gradients.png");
    if (ns && figure1_png(path, &po, s, ns, err)) goto done;
  }
  /* figure 2: RNN spectral-radius sweep with the bound */
  {
    static float xs[GR_MAXK];
    for (int k = 0; k < GR_MAXK; k++) xs[k] = (float)k;
    plot_series s[2 * NR];
    char names[NR][112];
    static float ys[NR][GR_MAXK], bs[NR][GR_MAXK];
    int ns = 0;
    float lo = INFINITY, hi = 0;
    for (int r = 0; r < NR; r++) {
      gr_job *j = &jobs[R0 + r];
      for (int k = 0; k < j->K; k++)
        if (j->init[k] > 0 && isfinite(j->init[k])) {
          if (j->init[k] < lo) lo = j->init[k];
          if (j->init[k] > hi) hi = j->init[k];
        }
    }
    if (!(lo < hi)) {
      lo = 1e-6f;
      hi = 1;
    }
    for (int r = 0; r < NR; r++) {
      gr_job *j = &jobs[R0 + r];
      if (j->K <= 0) continue;
      memcpy(ys[r], j->init, sizeof(float) * (size_t)j->K);
      clamp_for_log(ys[r], j->K, lo * 0.999f, hi * 1.001f);
      snprintf(names[r], sizeof names[r], "r=%.1f: sigma_max %.2f, bound x%.2f, measured x%.3f/step", j->radius,
               j->sigma, j->sigma, j->f_init);
      memset(&s[ns], 0, sizeof s[ns]);
      s[ns].label = names[r];
      s[ns].x = xs;
      s[ns].y = ys[r];
      s[ns].n = j->K;
      s[ns].color = series_color(r);
      s[ns].width = 3.5f;
      ns++;
      /* the bound (gamma = 1): norm at T-t=0 times sigma_max^k, drawn where it stays in range */
      for (int k = 0; k < j->K; k++) bs[r][k] = (float)(j->init[0] * pow((double)j->sigma, (double)k));
      clamp_for_log(bs[r], j->K, lo * 0.999f, hi * 1.001f);
      memset(&s[ns], 0, sizeof s[ns]);
      s[ns].label = NULL;
      s[ns].x = xs;
      s[ns].y = bs[r];
      s[ns].n = j->K;
      s[ns].color = series_color(r);
      s[ns].width = 1.5f;
      s[ns].dashed = 1;
      ns++;
    }
    plot_opts po = plot_opts_default();
    char title[200];
    snprintf(title, sizeof title, "Vanilla RNN, orthogonal W_hh scaled to radius r: ||dJ(T)/dh(t)|| vs T-t (dashed: Pascanu bound)");
    po.title = title;
    po.xlabel = "T - t (steps back from the scored position)";
    po.ylabel = "||dJ(T)/dh(t)|| (log scale)";
    po.log_y = 1;
    po.integer_x = 1;
    po.legend = PLOT_LEGEND_BOTTOM_LEFT;
    join(path, sizeof path, eo->out_dir, "gradients_radius.png");
    if (ns && figure1_png(path, &po, s, ns, err)) goto done;
  }
  fprintf(out, "\nwrote %s/gradients.csv, %s/gradients_fit.csv, %s/gradients.png, %s/gradients_radius.png (%.0f s)\n",
          eo->out_dir, eo->out_dir, eo->out_dir, eo->out_dir, secs);
  rc = 0;
done:
  free(jobs);
  return rc;
}

/* ================================================================================================
 * agreement
 * ============================================================================================== */

#define AG_MAXK 9
#define AG_PHASES 3
#define AG_DBIN 5  /* distance bins of 5 words: 0-4, 5-9, ... */
#define AG_ND 10   /* the last bin holds 45 and more */

typedef struct {
  rl_cell cell;
  uint64_t seed;
  int hidden, eval_size, max_attr, test_attr; /* trained on 0..max_attr, tested on 0..test_attr */
  int filler;                                 /* the task's filler option (0..F adjectives/adverbs) */
  int budget[AG_PHASES];                      /* tested after this many training steps */
  int64_t correct[AG_PHASES][AG_MAXK], total[AG_PHASES][AG_MAXK];
  int64_t dcorrect[AG_PHASES][AG_ND], dtotal[AG_PHASES][AG_ND]; /* by subject-verb distance */
  double secs;
  char note[640];
} ag_job;

static const float *ag_probs(void *ctx, int b, int t) { return rl_model_probs((const rl_model *)ctx, b, t); }

/* Sentences with 0..test_attr attractors (a test set drawn from its own seed, the same at every
 * phase), accuracy binned by the number of attractors. */
static int ag_test(rl_trainer *t, ag_job *j, int phase, rl_error *err) {
  rl_task_opts to = t->o.task;
  to.max_attractors = j->test_attr;
  to.data_path = NULL;
  rl_task *tt;
  if (rl_task_create(&to, &tt, err)) return -1;
  int rc = -1, B = 100, T = rl_task_seq_len(tt);
  int *tok = malloc(sizeof(int) * (size_t)B * T), *tgt = malloc(sizeof(int) * (size_t)B * T);
  int exc[100], ext[100];
  rl_task_meta meta[100];
  if (!tok || !tgt) {
    rl_fail(err, "out of memory");
    goto out;
  }
  if (rl_task_vocab_size(tt) != t->m->cfg.vocab) {
    rl_fail(err, "the test sentences use another vocabulary (%d tokens, model %d)", rl_task_vocab_size(tt),
            t->m->cfg.vocab);
    goto out;
  }
  rl_rng rng;
  rl_rng_seed(&rng, 0x7e57 + j->seed);
  for (int done = 0; done < j->eval_size; done += B) {
    if (rl_task_batch(tt, &rng, B, tok, tgt, meta, err)) goto out;
    rl_batch b = {B, T, tok, tgt, NULL, NULL};
    float loss;
    int64_t c = 0, n = 0;
    if (rl_model_forward(t->m, &b, &loss, err) ||
        rl_task_score(tt, B, tgt, meta, ag_probs, t->m, &c, &n, exc, ext, err))
      goto out;
    for (int r = 0; r < B; r++) {
      int k = meta[r].attractors;
      if (k < 0 || k >= AG_MAXK) continue;
      j->correct[phase][k] += exc[r];
      j->total[phase][k] += ext[r];
      int d = meta[r].distance / AG_DBIN;
      if (d >= AG_ND) d = AG_ND - 1;
      if (d < 0) d = 0;
      j->dcorrect[phase][d] += exc[r];
      j->dtotal[phase][d] += ext[r];
    }
  }
  rc = 0;
out:
  free(tok);
  free(tgt);
  rl_task_free(tt);
  return rc;
}

static void ag_run(void *arg) {
  ag_job *j = arg;
  double t0 = progress_now();
  rl_error err;
  j->note[0] = 0;
  rl_train_opts o = rl_train_default();
  o.task = rl_task_default(RL_TASK_AGREEMENT);
  o.task.max_attractors = j->max_attr;
  o.task.filler = j->filler;
  o.model.cell = j->cell;
  o.model.hidden = j->hidden;
  o.model.embed = 32;
  o.init = rl_init_default(j->seed);
  o.seed = j->seed;
  o.lr = 0.003f;
  o.clip = 1.0f;
  o.batch = 32;
  o.eval_size = 64;
  rl_trainer *t;
  if (rl_trainer_create(&o, &t, &err)) {
    snprintf(j->note, sizeof j->note, "%s", err.msg);
    return;
  }
  for (int ph = 0; ph < AG_PHASES && !j->note[0]; ph++) {
    while (t->step < j->budget[ph])
      if (rl_trainer_step(t, NULL, &err)) {
        snprintf(j->note, sizeof j->note, "%s", err.msg);
        break;
      }
    if (!j->note[0] && ag_test(t, j, ph, &err)) snprintf(j->note, sizeof j->note, "%s", err.msg);
  }
  rl_trainer_free(t);
  j->secs = progress_now() - t0;
}

static int run_agreement(const experiment_opts *eo, rl_error *err) {
  FILE *out = eo->out;
  int seeds = eo->seeds > 0 ? eo->seeds : (eo->quick ? 1 : 3);
  int H = eo->quick ? 16 : 32, eval_size = eo->quick ? 300 : 2000, K = eo->quick ? 4 : 6, Ktrain = 2;
  static const int BUDGET[AG_PHASES] = {400, 1200, 4000}, QBUDGET[AG_PHASES] = {50, 100, 150};
  /* filler words (0..3 adjectives before every noun, 0..3 adverbs before the verb) stretch the
   * subject-verb distance: trained on up to 22 words instead of 10, tested on up to 46 instead of
   * 22. Without them our small grammar is so easy that the vanilla RNN learns it as fast as (or
   * faster than) the LSTM; with them it shows what vanishing gradients cost over distance */
  const int filler = 3;
  const int *budget = eo->quick ? QBUDGET : BUDGET;
  static const rl_cell CELLS[2] = {RL_CELL_RNN, RL_CELL_LSTM};
  int nj = 2 * seeds;
  ag_job *jobs = calloc((size_t)nj, sizeof *jobs);
  if (!jobs) return rl_fail(err, "out of memory");
  for (int i = 0; i < nj; i++) {
    jobs[i].cell = CELLS[i % 2];
    jobs[i].seed = (uint64_t)(i / 2 + 1);
    jobs[i].hidden = H;
    jobs[i].eval_size = eval_size;
    jobs[i].max_attr = Ktrain;
    jobs[i].test_attr = K;
    jobs[i].filler = filler;
    memcpy(jobs[i].budget, budget, sizeof jobs[i].budget);
  }
  fprintf(out, "agreement: subject-verb agreement over a distance (\"the old writer of the big red books really ___\"):\n"
               "  0..%d filler adjectives before every noun and 0..%d adverbs before the verb, so subject and verb are up\n"
               "  to %d words apart in training; trained on sentences with 0..%d attractors, tested on %d new sentences\n"
               "  with 0..%d (up to %d words apart) after %d, %d and %d steps; hidden %d, Adam lr 0.003, batch 32,\n"
               "  %d seed%s; correct = the right verb form gets more probability than the wrong one\n",
          filler, filler, 3 * (Ktrain + 1) + 1 + filler * (Ktrain + 2), Ktrain, eval_size, K,
          3 * (K + 1) + 1 + filler * (K + 2), budget[0], budget[1], budget[2], H, seeds, seeds > 1 ? "s" : "");
  fflush(out);
  double t0 = progress_now();
  run_jobs(jobs, sizeof *jobs, nj, ag_run, eo->workers > 0 ? eo->workers : 2);
  double secs = progress_now() - t0;
  int rc = -1;
  char path[1200];
  rl_memfile mf;
  FILE *f = open_csv(&mf, eo->out_dir, "agreement.csv", path, sizeof path, err);
  if (!f) goto done;
  fprintf(f, "cell,seed,steps,attractors,correct,total,accuracy\n");
  for (int i = 0; i < nj; i++)
    for (int ph = 0; ph < AG_PHASES; ph++)
      for (int k = 0; k <= K; k++)
        if (jobs[i].total[ph][k] > 0)
          fprintf(f, "%s,%llu,%d,%d,%lld,%lld,%.4f\n", rl_cell_name(jobs[i].cell), (unsigned long long)jobs[i].seed,
                  budget[ph], k, (long long)jobs[i].correct[ph][k], (long long)jobs[i].total[ph][k],
                  (double)jobs[i].correct[ph][k] / (double)jobs[i].total[ph][k]);
  if (close_csv(&mf, path, err)) goto done;

  static float ys[2 * AG_PHASES][AG_MAXK];
  float xs[AG_MAXK], chance[AG_MAXK];
  fprintf(out, "\naccuracy by number of attractors (all seeds pooled):\n  %-6s %6s", "cell", "steps");
  for (int k = 0; k <= K; k++) fprintf(out, " %7d", k);
  fprintf(out, "   overall\n");
  for (int ph = 0; ph < AG_PHASES; ph++)
    for (int c = 0; c < 2; c++) {
      float *y = ys[ph * 2 + c];
      fprintf(out, "  %-6s %6d", cell_label(CELLS[c]), budget[ph]);
      int64_t ac = 0, at = 0;
      for (int k = 0; k <= K; k++) {
        int64_t cor = 0, tot = 0;
        for (int i = 0; i < nj; i++)
          if (jobs[i].cell == CELLS[c]) {
            cor += jobs[i].correct[ph][k];
            tot += jobs[i].total[ph][k];
          }
        ac += cor;
        at += tot;
        y[k] = tot ? (float)cor / (float)tot : NAN;
        if (tot) fprintf(out, " %6.1f%%", 100.0 * y[k]);
        else fprintf(out, " %7s", "-");
      }
      fprintf(out, "   %5.1f%%\n", at ? 100.0 * (double)ac / (double)at : 0.0);
    }
  fprintf(out, "  (attractors beyond %d never occur in training: those columns test generalisation)\n", Ktrain);
  {
    int dmax = 0; /* the last distance bin any test sentence reached */
    for (int i = 0; i < nj; i++)
      for (int d = 0; d < AG_ND; d++)
        if (jobs[i].dtotal[0][d] > 0 && d > dmax) dmax = d;
    fprintf(out, "\naccuracy by subject-verb distance in words (all seeds pooled):\n  %-6s %6s", "cell", "steps");
    for (int d = 0; d <= dmax; d++) {
      char lab[32];
      if (d == AG_ND - 1) snprintf(lab, sizeof lab, "%d+", d * AG_DBIN);
      else snprintf(lab, sizeof lab, "%d-%d", d * AG_DBIN, d * AG_DBIN + AG_DBIN - 1);
      fprintf(out, " %7s", lab);
    }
    fprintf(out, "\n");
    for (int ph = 0; ph < AG_PHASES; ph++)
      for (int c = 0; c < 2; c++) {
        fprintf(out, "  %-6s %6d", cell_label(CELLS[c]), budget[ph]);
        for (int d = 0; d <= dmax; d++) {
          int64_t cor = 0, tot = 0;
          for (int i = 0; i < nj; i++)
            if (jobs[i].cell == CELLS[c]) {
              cor += jobs[i].dcorrect[ph][d];
              tot += jobs[i].dtotal[ph][d];
            }
          if (tot >= 20) fprintf(out, " %6.1f%%", 100.0 * (double)cor / (double)tot);
          else fprintf(out, " %7s", "-");
        }
        fprintf(out, "\n");
      }
    fprintf(out, "  (bins with fewer than 20 test sentences per cell are shown as -)\n");
    fprintf(out, "\nfinal accuracy per seed (after %d steps):", budget[AG_PHASES - 1]);
    for (int i = 0; i < nj; i++) {
      int64_t cor = 0, tot = 0;
      for (int k = 0; k <= K; k++) {
        cor += jobs[i].correct[AG_PHASES - 1][k];
        tot += jobs[i].total[AG_PHASES - 1][k];
      }
      fprintf(out, "%s %s seed %llu %.1f%%", i ? "," : "", cell_label(jobs[i].cell), (unsigned long long)jobs[i].seed,
              tot ? 100.0 * (double)cor / (double)tot : 0.0);
    }
    fprintf(out, "\n");
  }
  for (int i = 0; i < nj; i++)
    if (jobs[i].note[0])
      fprintf(out, "  note (%s, seed %llu): %s\n", cell_label(jobs[i].cell), (unsigned long long)jobs[i].seed,
              jobs[i].note);
  for (int k = 0; k <= K; k++) {
    xs[k] = (float)k;
    chance[k] = 0.5f;
  }
  {
    /* the LSTM's lines are wider and drawn first, so where both cells reach 100% the RNN's line
     * runs inside the LSTM's band; the legend sits below the plot, outside the data */
    plot_series s[2 * AG_PHASES + 1];
    char names[2 * AG_PHASES][64];
    memset(s, 0, sizeof s);
    int ns = 0;
    for (int c = 1; c >= 0; c--)
      for (int ph = AG_PHASES - 1; ph >= 0; ph--) {
        snprintf(names[ns], sizeof names[ns], "%s after %d steps", cell_label(CELLS[c]), budget[ph]);
        s[ns].label = names[ns];
        s[ns].x = xs;
        s[ns].y = ys[ph * 2 + c];
        s[ns].n = K + 1;
        s[ns].color = series_color(c);
        if (c == 1) s[ns].color.a = 170;
        s[ns].markers = 1;
        s[ns].dashed = ph < AG_PHASES - 1;
        s[ns].width = (ph == AG_PHASES - 1 ? 3.5f : ph == 1 ? 2.5f : 1.5f) * (c == 1 ? 2.2f : 1.0f);
        ns++;
      }
    s[ns].label = "chance (50%)";
    s[ns].x = xs;
    s[ns].y = chance;
    s[ns].n = K + 1;
    s[ns].color = (SDL_Color){140, 140, 140, 255};
    s[ns].dashed = 1;
    s[ns].width = 1.5f;
    ns++;
    plot_opts po = plot_opts_default();
    char title[160];
    snprintf(title, sizeof title, "Agreement: held-out accuracy vs attractors (trained on 0..%d, 0..%d fillers per noun; "
             "hidden %d, %d seed%s)", Ktrain, filler, H, seeds, seeds > 1 ? "s" : "");
    po.title = title;
    po.xlabel = "attractors (nouns of the other number between subject and verb)";
    po.ymin = 0.3;
    po.ymax = 1.02;
    po.xmin = -0.2;
    po.xmax = K + 0.2;
    po.integer_x = 1;
    po.legend = PLOT_LEGEND_NONE;
    join(path, sizeof path, eo->out_dir, "agreement.png");
    fig_panel fp = {&po, s, ns};
    if (figure_png(path, &fp, 1, s, ns, err)) goto done;
  }
  fprintf(out, "\nwrote %s/agreement.csv, %s/agreement.png (%.0f s)\n", eo->out_dir, eo->out_dir, secs);
  rc = 0;
done:
  free(jobs);
  return rc;
}

/* ================================================================================================ */

int experiment_run(const char *name, const experiment_opts *o, rl_error *err) {
  if (!name || !o || !o->out_dir) return rl_fail(err, "experiment: missing arguments");
  int which = -1;
  for (int i = 0; i < NNAMES; i++)
    if (!strcmp(name, NAMES[i])) which = i;
  if (which < 0) return rl_fail(err, "unknown experiment '%.60s' (expected horizon, gradients or agreement)", name);
  if (make_dir(o->out_dir, err)) return -1;
  experiment_opts eo = *o;
  if (!eo.out) eo.out = stdout;
  double t0 = progress_now();
  int rc = which == 0 ? run_horizon(&eo, err) : which == 1 ? run_gradients(&eo, err) : run_agreement(&eo, err);
  if (rc == 0) {
    fprintf(eo.out, "reproduce with: rnnlab experiment %s --out %s%s", name, o->out_dir, o->quick ? " --quick" : "");
    if (o->seeds > 0) fprintf(eo.out, " --seeds %d", o->seeds);
    if (o->workers > 0) fprintf(eo.out, " --workers %d", o->workers);
    fprintf(eo.out, "   (total %.0f s)\n", progress_now() - t0);
  }
  return rc;
}
