/* What the experiments share (see experiment_common.h). */
#define _POSIX_C_SOURCE 200809L
#include "experiment_common.h"

#include "fileio.h"
#include "draw/theme.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *ex_cell_label(rl_cell c) { return c == RL_CELL_RNN ? "RNN" : c == RL_CELL_LSTM ? "LSTM" : "GRU"; }

gfx_color ex_color(int i) { return theme_series(theme_get(THEME_LIGHT), i); }

/* ---- files ------------------------------------------------------------------------------------- */

int ex_make_dir(const char *dir, rl_error *err) {
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

/* CSV files are written atomically (engine/fileio.h): a failed write keeps the previous result. */
FILE *ex_csv_open(const experiment_opts *eo, const char *file, char *path, size_t n, rl_error *err) {
  join(path, n, eo->out_dir, file);
  return rl_fopen_atomic(path, err);
}

int ex_csv_close(FILE *f, const char *path, rl_error *err) {
  int bad = ferror(f);
  if (fclose(f) != 0 || bad) return rl_fail(err, "%s: cannot write: %s", path, strerror(errno));
  return 0;
}

/* ---- figures ----------------------------------------------------------------------------------- */

/* Splits text into lines that fit max_w at px (at most maxl lines of up to 255 bytes each). */
static int wrap_lines(gfx *g, const char *text, int px, int max_w, char lines[][256], int maxl) {
  int nl = 0;
  const char *p = text;
  while (*p && nl < maxl) {
    char cur[256] = "";
    size_t len = 0;
    while (*p) {
      const char *w = p;
      while (*w == ' ') w++;
      const char *e = w;
      while (*e && *e != ' ') e++;
      char trial[256];
      int tl = snprintf(trial, sizeof trial, "%s%s%.*s", cur, len ? " " : "", (int)(e - w), w);
      int tw;
      gfx_text_size(g, trial, GFX_SANS, px, &tw, NULL);
      if (len && (tw > max_w || tl >= (int)sizeof trial)) break;
      memcpy(cur, trial, sizeof cur);
      len = strlen(cur);
      p = e;
    }
    memcpy(lines[nl++], cur, sizeof cur);
    while (*p == ' ') p++;
  }
  return nl;
}

int ex_figure_png(const experiment_opts *eo, const char *file, const ex_panel *p, int np, int cols,
                  const plot_series *leg, int nleg, const char *caption, rl_error *err) {
  const int W = EXPERIMENT_PNG_W, H = EXPERIMENT_PNG_H;
  char path[1200];
  join(path, sizeof path, eo->out_dir, file);
  gfx *g = gfx_create_headless(W, H, err);
  if (!g) return -1;
  gfx_set_theme(g, theme_get(THEME_LIGHT));
  gfx_set_zoom(g, EXPERIMENT_PNG_ZOOM);
  gfx_begin_frame(g);
  const theme *th = gfx_theme(g);
  gfx_clear(g, th->bg);
  int pad = gfx_px(g, 12), px = gfx_font_px(g, THEME_TEXT_SMALL), lh = gfx_line_height(g, GFX_SANS, px);
  char lines[6][256];
  int nl = caption ? wrap_lines(g, caption, px, W - 2 * pad, lines, 6) : 0;
  int caph = nl ? nl * lh + pad : 0;
  int legh = nleg ? plot_legend_flow(g, gfx_r(pad, 0, W - 2 * pad, H), leg, nleg, 0) : 0;
  int bottom = H - caph - (legh ? legh + pad : 0);
  if (cols < 1 || cols > np) cols = np;
  int rows = (np + cols - 1) / cols;
  for (int i = 0; i < np; i++) {
    int c = i % cols, r = i / cols;
    int x0 = W * c / cols, x1 = W * (c + 1) / cols, y0 = bottom * r / rows, y1 = bottom * (r + 1) / rows;
    plot_lines(g, gfx_r(x0, y0, x1 - x0, y1 - y0), p[i].o, p[i].s, p[i].ns, NULL);
  }
  if (legh) plot_legend_flow(g, gfx_r(pad, bottom + pad / 2, W - 2 * pad, legh), leg, nleg, 1);
  for (int i = 0; i < nl; i++)
    gfx_text(g, (float)pad, (float)(H - caph + pad / 2 + i * lh), lines[i], GFX_SANS, px, th->text_dim,
             GFX_LEFT | GFX_TOP);
  int rc = gfx_save_png(g, path, err);
  gfx_destroy(g);
  return rc;
}

/* ---- jobs and progress ------------------------------------------------------------------------- */

void ex_meter_start(ex_meter *m, const char *name, double total) {
  pthread_mutex_init(&m->mu, NULL);
  progress_start(&m->bar, stderr, -1, 0, 0);
  m->bar.interval = m->bar.tty ? 0.5 : 15.0; /* logs get a line every 15 s */
  m->done = 0;
  m->total = total;
  m->name = name;
  progress_work(&m->bar, 0, total, name, 1);
}

void ex_meter_add(ex_meter *m, double units) {
  if (!m) return;
  pthread_mutex_lock(&m->mu);
  m->done += units;
  progress_work(&m->bar, m->done, m->total, m->name, 0);
  pthread_mutex_unlock(&m->mu);
}

void ex_meter_finish(ex_meter *m) {
  m->done = m->total;
  progress_work(&m->bar, m->done, m->total, m->name, 1);
  progress_break(&m->bar);
  pthread_mutex_destroy(&m->mu);
}

void ex_share_add(ex_share *s, double units) {
  if (!s) return;
  double room = s->weight - s->spent;
  if (units > room) units = room;
  if (units <= 0) return;
  s->spent += units;
  ex_meter_add(s->m, units);
}

void ex_share_close(ex_share *s) {
  if (s) ex_share_add(s, s->weight - s->spent);
}

typedef struct {
  pthread_mutex_t mu;
  char *jobs;
  size_t size;
  int n, next;
  void (*fn)(void *);
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

void ex_run_jobs(void *jobs, size_t size, int n, void (*fn)(void *job), int workers) {
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

/* ---- training ---------------------------------------------------------------------------------- */

rl_train_opts ex_recall_opts(rl_cell cell, int hidden, uint64_t seed, int distance, int distractors, float lr,
                             int val_size) {
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
  o.eval_size = val_size;
  o.seed = seed;
  o.threads = 1;
  return o;
}

/* splitmix64 of a combination: distinct (seed, index, split) give unrelated streams */
uint64_t ex_stream_seed(uint64_t seed, uint64_t index, uint64_t split) {
  uint64_t z = seed * 0x9e3779b97f4a7c15ull + index * 0xbf58476d1ce4e5b9ull + split * 0x94d049bb133111ebull + 1;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

int ex_train_early_stop(rl_trainer *t, long budget, int eval_every, float target, ex_share *share, ex_fit *out,
                        rl_error *err) {
  long start = t->step;
  double auc = 0;
  int nev = 0;
  memset(out, 0, sizeof *out);
  while (t->step - start < budget) {
    if (rl_trainer_step(t, NULL, err)) return -1;
    long done = t->step - start;
    if (done % eval_every && done != budget) continue;
    ex_share_add(share, (double)eval_every * t->T);
    rl_eval_stats e;
    if (rl_trainer_eval(t, &e, err)) return -1;
    out->val_acc = e.accuracy;
    auc += e.accuracy;
    nev++;
    if (e.accuracy >= target) {
      out->stopped = 1;
      break;
    }
  }
  out->steps = t->step - start;
  /* the evaluations a stopped run did not need count with the accuracy it stopped at */
  long all = (budget + eval_every - 1) / eval_every;
  out->val_auc = all > 0 ? (float)((auc + (double)(all - nev) * out->val_acc) / (double)all) : 0.0f;
  return 0;
}

int ex_curriculum(rl_trainer *t, const int *dist, int nd, long budget, int eval_every, float target,
                  ex_share *share, ex_stage_fn on_pass, void *ctx, rl_error *err) {
  int i = 0;
  long t0 = t->step;
  if (rl_trainer_set_length(t, dist[0], err)) return -1;
  while (t->step - t0 < budget && i < nd) {
    if (rl_trainer_step(t, NULL, err)) return -1;
    if ((t->step - t0) % eval_every) continue;
    ex_share_add(share, (double)eval_every * t->T);
    rl_eval_stats e;
    if (rl_trainer_eval(t, &e, err)) return -1;
    if (e.accuracy < target) continue;
    if (on_pass && on_pass(ctx, t, i, t->step - t0, e.accuracy, err)) return -1;
    if (++i < nd && rl_trainer_set_length(t, dist[i], err)) return -1;
  }
  return i;
}

int ex_distance_list(int cap, int *out, int max) {
  static const int STEPS[] = {2, 3, 5, 7, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750, 1000};
  int n = 0;
  for (size_t k = 0; k < sizeof STEPS / sizeof *STEPS && n < max - 1 && STEPS[k] < cap; k++) out[n++] = STEPS[k];
  out[n++] = cap;
  return n;
}

static const float *probs_of(void *ctx, int b, int t) { return rl_model_probs((const rl_model *)ctx, b, t); }

int ex_test_accuracy(rl_trainer *t, const rl_task_opts *task, int n, uint64_t stream_seed, ex_example_fn each,
                     void *ctx, float *acc, rl_error *err) {
  rl_task_opts to = task ? *task : *rl_task_options(t->task);
  to.data_path = NULL;
  rl_task *tt;
  if (rl_task_create(&to, &tt, err)) return -1;
  enum { B = 100 };
  int rc = -1, T = rl_task_seq_len(tt), per = rl_task_targets_per_row(tt);
  int *tok = malloc(sizeof(int) * (size_t)B * T), *tgt = malloc(sizeof(int) * (size_t)B * per);
  int exc[B], ext[B];
  rl_task_meta meta[B];
  int64_t cor = 0, tot = 0;
  if (!tok || !tgt) {
    rl_fail(err, "out of memory");
    goto out;
  }
  if (rl_task_vocab_size(tt) != t->m->cfg.vocab) {
    rl_fail(err, "the test examples use another vocabulary (%d tokens, model %d)", rl_task_vocab_size(tt),
            t->m->cfg.vocab);
    goto out;
  }
  rl_rng rng;
  rl_rng_seed(&rng, stream_seed);
  t->m->trace_example = -1;
  for (int done = 0; done < n; done += B) {
    int nb = n - done < B ? n - done : B;
    if (rl_task_batch(tt, &rng, nb, tok, tgt, meta, err)) goto out;
    rl_batch b = {nb, T, tok, tgt, NULL, NULL};
    float loss;
    if (rl_model_forward(t->m, &b, &loss, err) ||
        rl_task_score(tt, nb, tgt, meta, probs_of, t->m, &cor, &tot, exc, ext, err))
      goto out;
    for (int r = 0; r < nb && each; r++) each(ctx, &meta[r], exc[r], ext[r]);
  }
  *acc = tot > 0 ? (float)((double)cor / (double)tot) : 0.0f;
  rc = 0;
out:
  free(tok);
  free(tgt);
  rl_task_free(tt);
  return rc;
}
