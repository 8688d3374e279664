/* Worker threads that own the explorer's models; see trainer.h. */
#define _GNU_SOURCE /* syscall(SYS_gettid): lower the workers' priority, not the process's */
#include "trainer.h"
#include "host/thread.h"
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CURVE_CAP 1024
#define PUBLISH_INTERVAL 0.1 /* seconds between snapshots while training */

static const float SPEEDS[TR_SPEED_LEVELS] = {1, 2, 5, 10, 20, 50, 100, 300, 0};

float tr_speed_value(int level) {
  if (level < 0) level = 0;
  if (level >= TR_SPEED_LEVELS) level = TR_SPEED_LEVELS - 1;
  return SPEEDS[level];
}

tr_config tr_config_default(void) {
  tr_config c;
  memset(&c, 0, sizeof c);
  c.models[0].used = 1;
  c.models[0].cell = RL_CELL_RNN;
  c.models[0].nonlin = RL_ACT_TANH;
  c.models[1].used = 1;
  c.models[1].cell = RL_CELL_LSTM;
  c.task = rl_task_default(RL_TASK_RECALL);
  c.task.length = 35; /* measured with forget bias 3: the LSTM solves it in ~300-500 steps (a few
                        * seconds), the RNN stays near 30-50% */
  c.task.distractors = 8;
  c.hidden = 32;
  c.embed = 16;
  c.batch = 32;
  c.opt = RL_OPT_ADAM;
  c.lr = 0.01f;
  c.clip = 1.0f;
  c.init = RL_INIT_PYTORCH;
  c.radius = 0.0f;
  c.forget_bias = 3.0f; /* with 1 the LSTM sat on a plateau for ~7000 steps while the RNN led */
  c.seed = 1;
  c.example_seed = 7;
  return c;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static rl_clamps clamps_free(void) {
  rl_clamps c;
  for (int i = 0; i < 4; i++) c.value[i] = NAN;
  c.from_t = 0;
  return c;
}

/* ---- snapshot memory ------------------------------------------------------------------------ */

void tr_snapshot_init(tr_snapshot *s) { memset(s, 0, sizeof *s); }

static void free_strings(char **v, size_t n) {
  if (!v) return;
  for (size_t i = 0; i < n; i++) free(v[i]);
  free(v);
}

void tr_snapshot_free(tr_snapshot *s) {
  if (!s) return;
  for (int k = 0; k < TR_MAX_SLOTS; k++) {
    tr_slot_snap *q = &s->slot[k];
    free(q->gates); free(q->c); free(q->h); free(q->probs);
    free(q->dh_norm); free(q->dc_norm); free(q->dhT_norm); free(q->dwhh_norm); free(q->dwhh_cum);
    free(q->curve_step); free(q->curve_loss); free(q->curve_acc);
    free(q->curve_gnorm); free(q->emb); free(q->xproj);
  }
  free(s->tokens);
  free(s->targets);
  free_strings(s->labels, s->cap_T);
  free_strings(s->class_names, s->cap_C);
  memset(s, 0, sizeof *s);
}

static int grow(float **p, size_t *cap, size_t n) {
  if (n <= *cap && *p) return 0;
  size_t c = n < 16 ? 16 : n;
  float *q = realloc(*p, c * sizeof(float));
  if (!q) return -1;
  *p = q;
  *cap = c;
  return 0;
}

/* Copies slot data; sizes come from src. Each array keeps its own capacity in d->cap[]. */
static int slot_copy(tr_slot_snap *d, const tr_slot_snap *s) {
  size_t ld = (size_t)s->L * (size_t)s->D;
  size_t ntr = s->have_trace ? ld * (size_t)s->T * (size_t)s->G * (size_t)s->H : 0;
  size_t nst = s->have_trace ? ld * (size_t)s->T * (size_t)s->H : 0;
  size_t npr = s->have_trace ? (size_t)s->T * (size_t)s->C : 0;
  size_t nno = s->have_trace ? ld * (size_t)s->T : 0;
  size_t ncv = (size_t)s->ncurve;
  size_t nemb = s->have_trace && s->emb ? (size_t)s->T * (size_t)s->E : 0;
  size_t nxp = s->have_trace && s->xproj ? (size_t)s->T * (size_t)s->G * (size_t)s->H : 0;
  float **dst[TR_SNAP_ARRAYS] = {&d->gates, &d->c, &d->h, &d->probs, &d->dh_norm, &d->dc_norm,
                                 &d->dhT_norm, &d->dwhh_norm, &d->curve_step, &d->curve_loss,
                                 &d->curve_acc, &d->dwhh_cum, &d->curve_gnorm, &d->emb, &d->xproj};
  float *const src[TR_SNAP_ARRAYS] = {s->gates, s->c, s->h, s->probs, s->dh_norm, s->dc_norm,
                                      s->dhT_norm, s->dwhh_norm, s->curve_step, s->curve_loss,
                                      s->curve_acc, s->dwhh_cum, s->curve_gnorm, s->emb, s->xproj};
  const size_t n[TR_SNAP_ARRAYS] = {ntr, nst, nst, npr, nno, nno, nno, nno, ncv, ncv, ncv, nno, ncv, nemb, nxp};
  float *keep[TR_SNAP_ARRAYS];
  size_t cap[TR_SNAP_ARRAYS];
  for (int i = 0; i < TR_SNAP_ARRAYS; i++) {
    cap[i] = d->cap[i];
    if (grow(dst[i], &cap[i], n[i])) return -1;
    keep[i] = *dst[i];
  }
  *d = *s;
  for (int i = 0; i < TR_SNAP_ARRAYS; i++) {
    *dst[i] = keep[i];
    d->cap[i] = cap[i];
    if (n[i]) memcpy(keep[i], src[i], n[i] * sizeof(float));
  }
  return 0;
}

static int strings_set(char ***dst, size_t *cap, size_t n, const char *const *src) {
  if (n > *cap || !*dst) {
    char **v = calloc(n ? n : 1, sizeof(char *));
    if (!v) return -1;
    free_strings(*dst, *cap);
    *dst = v;
    *cap = n ? n : 1;
  }
  for (size_t i = 0; i < n; i++) {
    const char *s = src && src[i] ? src[i] : "?";
    if ((*dst)[i] && !strcmp((*dst)[i], s)) continue;
    free((*dst)[i]);
    size_t len = strlen(s);
    (*dst)[i] = malloc(len + 1);
    if (!(*dst)[i]) return -1;
    memcpy((*dst)[i], s, len + 1);
  }
  return 0;
}

/* Example fields (tokens, labels, classes) of src into dst. */
static int example_copy(tr_snapshot *d, const tr_snapshot *s) {
  if ((size_t)s->T > d->cap_T || !d->tokens) {
    int *tk = realloc(d->tokens, (size_t)(s->T ? s->T : 1) * sizeof(int));
    if (!tk) return -1;
    d->tokens = tk;
    int *tg = realloc(d->targets, (size_t)(s->T ? s->T : 1) * sizeof(int));
    if (!tg) return -1;
    d->targets = tg;
    /* labels are grown by strings_set, keyed on cap_T: grow them together */
    char **lb = calloc((size_t)(s->T ? s->T : 1), sizeof(char *));
    if (!lb) return -1;
    for (size_t i = 0; i < d->cap_T && d->labels; i++) lb[i] = d->labels[i];
    free(d->labels);
    d->labels = lb;
    d->cap_T = (size_t)(s->T ? s->T : 1);
  }
  size_t capT = d->cap_T;
  if (s->T) {
    memcpy(d->tokens, s->tokens, (size_t)s->T * sizeof(int));
    memcpy(d->targets, s->targets, (size_t)s->T * sizeof(int));
    if (strings_set(&d->labels, &capT, (size_t)s->T, (const char *const *)s->labels)) return -1;
  }
  if (strings_set(&d->class_names, &d->cap_C, (size_t)s->C, (const char *const *)s->class_names))
    return -1;
  d->T = s->T;
  d->V = s->V;
  d->C = s->C;
  d->head = s->head;
  memcpy(d->task_name, s->task_name, sizeof d->task_name);
  d->distance = s->distance;
  d->foil = s->foil;
  memcpy(d->example_text, s->example_text, sizeof d->example_text);
  return 0;
}

int tr_snapshot_copy(tr_snapshot *d, const tr_snapshot *s) {
  for (int k = 0; k < TR_MAX_SLOTS; k++)
    if (slot_copy(&d->slot[k], &s->slot[k])) return -1;
  if (example_copy(d, s)) return -1;
  d->version = s->version;
  d->generation = s->generation;
  d->running = s->running;
  d->speed_level = s->speed_level;
  d->target_step = s->target_step;
  d->static_mode = s->static_mode;
  return 0;
}

/* ---- workers -------------------------------------------------------------------------------- */

typedef struct {
  struct trainer *tr;
  int idx;
  host_thread *th;
  int started;
  rl_model *m;
  rl_optimizer opt;
  rl_task *task;
  rl_rng rng;
  int B, T, ntargets;
  int *tok, *tgt;
  rl_task_meta *meta;
  /* shared with the control thread under tr->mu */
  long step;
  int dirty, publish_req, failed, publishing;
  double last_pub, next_step_time;
  long last_pub_step;
  double rate;
  char error[512];
  /* private */
  double win_loss, win_acc, win_gmax;
  int win_n, window;
  int ncurve;
  float curve_step[CURVE_CAP], curve_loss[CURVE_CAP], curve_acc[CURVE_CAP], curve_gnorm[CURVE_CAP];
  float *emb, *xproj;     /* the display example's embedding rows and W_ih e(t) (publish) */
  size_t emb_cap, xproj_cap;
  float last_loss, last_acc, grad_norm;
  tr_slot_snap pub; /* scratch for publishing (points into the model's trace) */
} worker;

struct trainer {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  pthread_mutex_t snap_mu;
  tr_snapshot snap;
  tr_config cfg;
  int static_mode;
  /* control, under mu */
  int quit;
  int running;
  long target;
  int speed;
  float lr, clip;
  rl_clamps clamps[TR_MAX_SLOTS];
  /* display example, under mu */
  int T, V, C;
  rl_head head;
  int *ex_tokens, *ex_targets;
  char **ex_labels;
  char **class_names;
  char ex_text[512];
  int ex_foil;              /* see tr_snapshot.foil */
  worker w[TR_MAX_SLOTS];
};

typedef struct {
  rl_model *m;
} probs_ctx;

static const float *probs_fn(void *ctx, int b, int t) {
  return rl_model_probs(((probs_ctx *)ctx)->m, b, t);
}

static void curve_add(worker *w, float loss, float acc, float gnorm) {
  w->win_loss += loss;
  w->win_acc += acc;
  if (!(gnorm <= w->win_gmax)) w->win_gmax = gnorm; /* the window's largest (NaN wins) */
  w->win_n++;
  if (w->win_n < w->window) return;
  if (w->ncurve == CURVE_CAP) { /* halve the resolution */
    int n = 0;
    for (int i = 0; i + 1 < CURVE_CAP; i += 2, n++) {
      w->curve_step[n] = w->curve_step[i + 1];
      w->curve_loss[n] = 0.5f * (w->curve_loss[i] + w->curve_loss[i + 1]);
      w->curve_acc[n] = 0.5f * (w->curve_acc[i] + w->curve_acc[i + 1]);
      w->curve_gnorm[n] = fmaxf(w->curve_gnorm[i], w->curve_gnorm[i + 1]);
    }
    w->ncurve = n;
    w->window *= 2;
  }
  w->curve_step[w->ncurve] = (float)(w->step + 1);
  w->curve_loss[w->ncurve] = (float)(w->win_loss / w->win_n);
  w->curve_acc[w->ncurve] = (float)(w->win_acc / w->win_n);
  w->curve_gnorm[w->ncurve] = (float)w->win_gmax;
  w->ncurve++;
  w->win_loss = w->win_acc = w->win_gmax = 0;
  w->win_n = 0;
}

/* One training step. 0 ok, -1 failed (w->error set). */
static int train_step(worker *w, float lr, float clip) {
  rl_error err = {{0}};
  if (rl_task_batch(w->task, &w->rng, w->B, w->tok, w->tgt, w->meta, &err)) goto fail;
  rl_batch b = {w->B, w->T, w->tok, w->tgt, NULL, NULL};
  float loss = 0;
  w->m->trace_example = -1;
  w->m->clamps = clamps_free();
  if (rl_model_forward(w->m, &b, &loss, &err)) goto fail;
  if (!isfinite(loss)) {
    snprintf(w->error, sizeof w->error,
             "loss became %s at step %ld: lower the learning rate or turn on clipping",
             isnan(loss) ? "NaN" : "infinite", w->step + 1);
    return -1;
  }
  int64_t correct = 0, total = 0;
  probs_ctx pc = {w->m};
  if (rl_task_score(w->task, w->B, w->tgt, w->meta, probs_fn, &pc, &correct, &total, NULL, NULL,
                    &err))
    goto fail;
  if (rl_model_backward(w->m, &err)) goto fail;
  w->grad_norm = rl_clip_grad_norm(w->m->grads, w->m->nparams, clip);
  w->opt.lr = lr;
  rl_optimizer_step(&w->opt, w->m->params, w->m->grads);
  w->last_loss = loss;
  w->last_acc = total ? (float)correct / (float)total : 0.0f;
  curve_add(w, loss, w->last_acc, w->grad_norm);
  return 0;
fail:
  snprintf(w->error, sizeof w->error, "%s", err.msg);
  return -1;
}

/* The example's embedding rows e(t) = E x(t) and what they add to layer 1's pre-activations,
 * W_ih e(t) (forward direction): small (T x E and T x G*H), computed at each publish. */
static int embed_rows(worker *w, const int *tokens, int T) {
  rl_model *m = w->m;
  int E = m->cfg.embed, GH = m->G * m->cfg.hidden, V = m->cfg.vocab;
  size_t ne = (size_t)T * (size_t)E, nx = (size_t)T * (size_t)GH;
  if (grow(&w->emb, &w->emb_cap, ne) || grow(&w->xproj, &w->xproj_cap, nx)) return -1;
  const float *W = m->rnn[0].w_ih; /* [G*H][E] */
  for (int t = 0; t < T; t++) {
    int tok = tokens[t] >= 0 && tokens[t] < V ? tokens[t] : 0;
    const float *e = m->embedding + (size_t)tok * (size_t)E;
    memcpy(w->emb + (size_t)t * E, e, sizeof(float) * (size_t)E);
    for (int r = 0; r < GH; r++) {
      double acc = 0;
      for (int k = 0; k < E; k++) acc += (double)W[(size_t)r * E + k] * e[k];
      w->xproj[(size_t)t * GH + r] = (float)acc;
    }
  }
  return 0;
}

/* Traced forward+backward of the display example, then publish. */
static void own_predictions(rl_model *m, const int *tokens, int *targets, int T);

static void publish(worker *w, const int *tokens, int *targets, int T, const rl_clamps *cl,
                    double rate) {
  struct trainer *tr = w->tr;
  rl_model *m = w->m;
  rl_error err = {{0}};
  int have_trace = 0;
  if (m && T > 0) {
    own_predictions(m, tokens, targets, T); /* -2 targets: the model's own prediction */
    rl_batch b = {1, T, tokens, targets, NULL, NULL};
    float loss = 0;
    m->trace_example = 0;
    m->clamps = m->cfg.cell == RL_CELL_LSTM ? *cl : clamps_free();
    if (rl_model_forward(m, &b, &loss, &err) == 0 && rl_model_backward(m, &err) == 0 &&
        m->trace.valid)
      have_trace = 1;
    m->trace_example = -1;
    m->clamps = clamps_free();
  }
  tr_slot_snap *p = &w->pub;
  memset(p, 0, sizeof *p);
  p->used = 1;
  p->spec = tr->cfg.models[w->idx];
  if (m) {
    p->spec.cell = m->cfg.cell;
    p->spec.nonlin = m->cfg.nonlin;
    p->L = m->cfg.layers;
    p->D = m->D;
    p->H = m->cfg.hidden;
    p->G = m->G;
    p->C = m->cfg.classes;
    p->nparams = m->nparams;
  }
  p->T = T;
  p->step = w->step;
  p->steps_per_s = rate;
  p->clamps = *cl;
  if (have_trace) {
    rl_trace *t = &m->trace;
    p->have_trace = 1;
    p->gates = t->gates; p->c = t->c; p->h = t->h; p->probs = t->probs;
    p->dh_norm = t->dh_norm; p->dc_norm = t->dc_norm; p->dhT_norm = t->dhT_norm;
    p->dwhh_norm = t->dwhh_norm;
    p->dwhh_cum = t->dwhh_cum_norm;
    p->last_scored = t->last_scored;
    p->trace_loss = t->loss;
    if (embed_rows(w, tokens, T) == 0) {
      p->E = m->cfg.embed;
      p->emb = w->emb;
      p->xproj = w->xproj;
    }
  } else {
    p->last_scored = -1;
  }
  p->ncurve = w->ncurve;
  p->curve_step = w->curve_step; p->curve_loss = w->curve_loss; p->curve_acc = w->curve_acc;
  p->curve_gnorm = w->curve_gnorm;
  p->last_loss = w->last_loss; p->last_acc = w->last_acc; p->grad_norm = w->grad_norm;
  p->failed = w->failed;
  if (w->failed) snprintf(p->error, sizeof p->error, "%s", w->error);
  else if (!have_trace && err.msg[0]) snprintf(p->error, sizeof p->error, "%s", err.msg);
  pthread_mutex_lock(&tr->snap_mu);
  if (slot_copy(&tr->snap.slot[w->idx], p) == 0) tr->snap.version++;
  pthread_mutex_unlock(&tr->snap_mu);
}

static long min_step(struct trainer *tr) {
  long mn = LONG_MAX;
  for (int k = 0; k < TR_MAX_SLOTS; k++)
    if (tr->w[k].started && !tr->w[k].failed && tr->w[k].step < mn) mn = tr->w[k].step;
  return mn;
}

static void timed_wait(struct trainer *tr, double seconds) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  long ns = (long)(seconds * 1e9);
  ts.tv_sec += ns / 1000000000L;
  ts.tv_nsec += ns % 1000000000L;
  if (ts.tv_nsec >= 1000000000L) { ts.tv_sec++; ts.tv_nsec -= 1000000000L; }
  pthread_cond_timedwait(&tr->cv, &tr->mu, &ts);
}

static void *worker_main(void *arg) {
  worker *w = arg;
  /* Training yields to drawing: the window stays responsive while both cores train. Best effort. */
  (void)setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 8);
  struct trainer *tr = w->tr;
  int *tok = NULL, *tgt = NULL;
  int cap = 0;
  pthread_mutex_lock(&tr->mu);
  while (!tr->quit) {
    double now = now_s();
    float sps = tr_speed_value(tr->speed);
    int want_step = !tr->static_mode && !w->failed && w->step < tr->target && w->step <= min_step(tr);
    double wait = 0.05;
    if (want_step && sps > 0 && now < w->next_step_time) {
      wait = w->next_step_time - now;
      want_step = 0;
    }
    int reached = tr->static_mode || w->failed || w->step >= tr->target;
    int want_pub = w->publish_req || (w->dirty && (reached || now - w->last_pub >= PUBLISH_INTERVAL));
    if (!want_step && !want_pub) {
      timed_wait(tr, wait < 0.05 ? wait : 0.05);
      continue;
    }
    float lr = tr->lr, clip = tr->cfg.models[w->idx].own_clip ? tr->cfg.models[w->idx].clip : tr->clip;
    rl_clamps cl = tr->clamps[w->idx];
    int T = tr->T;
    if (want_pub && T > cap) {
      int *a = realloc(tok, (size_t)T * sizeof(int)), *b = a ? realloc(tgt, (size_t)T * sizeof(int)) : NULL;
      if (a) tok = a;
      if (b) { tgt = b; cap = T; }
    }
    if (want_pub && T <= cap) {
      memcpy(tok, tr->ex_tokens, (size_t)T * sizeof(int));
      memcpy(tgt, tr->ex_targets, (size_t)(tr->head == RL_HEAD_STEP ? T : 1) * sizeof(int));
    } else if (want_pub) {
      T = 0;
    }
    if (want_pub) {
      w->publish_req = 0;
      w->dirty = 0;
      w->publishing = 1;
    }
    pthread_mutex_unlock(&tr->mu);
    if (want_step) {
      int fail = train_step(w, lr, clip);
      pthread_mutex_lock(&tr->mu);
      if (fail) {
        w->failed = 1;
        want_pub = 1;
      } else {
        w->step++;
        if (sps > 0)
          w->next_step_time = (w->next_step_time > now - 1.0 / sps ? w->next_step_time : now) + 1.0 / sps;
        if (!want_pub) w->dirty = 1;
      }
      pthread_cond_broadcast(&tr->cv);
      pthread_mutex_unlock(&tr->mu);
    }
    if (want_pub) {
      double t1 = now_s();
      if (t1 > w->last_pub && w->last_pub > 0) {
        double r = (double)(w->step - w->last_pub_step) / (t1 - w->last_pub);
        w->rate = w->rate > 0 ? 0.5 * w->rate + 0.5 * r : r;
      }
      w->last_pub = t1;
      w->last_pub_step = w->step;
      publish(w, tok, tgt, T, &cl, w->rate);
    }
    pthread_mutex_lock(&tr->mu);
    w->publishing = 0;
    pthread_cond_broadcast(&tr->cv);
  }
  pthread_mutex_unlock(&tr->mu);
  free(tok);
  free(tgt);
  return NULL;
}

/* ---- building and tearing down --------------------------------------------------------------- */

static void stop_workers(struct trainer *tr) {
  pthread_mutex_lock(&tr->mu);
  tr->quit = 1;
  pthread_cond_broadcast(&tr->cv);
  pthread_mutex_unlock(&tr->mu);
  for (int k = 0; k < TR_MAX_SLOTS; k++)
    if (tr->w[k].started) host_thread_join(tr->w[k].th); /* w is cleared below */
  for (int k = 0; k < TR_MAX_SLOTS; k++) {
    worker *w = &tr->w[k];
    rl_model_free(w->m);
    rl_optimizer_free(&w->opt);
    rl_task_free(w->task);
    free(w->tok);
    free(w->tgt);
    free(w->meta);
    free(w->emb);
    free(w->xproj);
    memset(w, 0, sizeof *w);
  }
  tr->quit = 0;
}

static void free_example(struct trainer *tr) {
  free(tr->ex_tokens);
  free(tr->ex_targets);
  free_strings(tr->ex_labels, (size_t)tr->T);
  free_strings(tr->class_names, (size_t)tr->C);
  tr->ex_tokens = tr->ex_targets = NULL;
  tr->ex_labels = tr->class_names = NULL;
  tr->T = tr->C = 0;
}

/* Fills the display example (under mu or before workers start) and the snapshot's copy. */
static int make_example(struct trainer *tr, rl_task *task, uint64_t seed, rl_error *err) {
  int T = rl_task_seq_len(task);
  int C = rl_task_classes(task);
  int *tok = calloc((size_t)T, sizeof(int)), *tgt = calloc((size_t)T, sizeof(int));
  char **lab = calloc((size_t)T, sizeof(char *)), **cls = calloc((size_t)C, sizeof(char *));
  if (!tok || !tgt || !lab || !cls) {
    free(tok); free(tgt); free(lab); free(cls);
    return rl_fail(err, "out of memory for the display example");
  }
  rl_rng rng;
  rl_rng_seed(&rng, seed);
  rl_task_meta meta;
  if (rl_task_batch(task, &rng, 1, tok, tgt, &meta, err)) {
    free(tok); free(tgt); free(lab); free(cls);
    return -1;
  }
  for (int t = 0; t < T; t++) lab[t] = strdup(rl_task_token(task, tok[t]));
  for (int c = 0; c < C; c++) cls[c] = strdup(rl_task_class_name(task, c));
  free_example(tr);
  tr->T = T;
  tr->V = rl_task_vocab_size(task);
  tr->C = C;
  tr->head = rl_task_head(task);
  tr->ex_tokens = tok;
  tr->ex_targets = tgt;
  tr->ex_labels = lab;
  tr->class_names = cls;
  tr->ex_foil = meta.foil;
  rl_task_describe(task, tok, tgt, tr->ex_text, sizeof tr->ex_text);
  return 0;
}

#define TEXT_MAX_TOKENS 512

static int find_token(const rl_task *task, const char *s, size_t len) {
  int V = rl_task_vocab_size(task);
  for (int i = 0; i < V; i++) {
    const char *tk = rl_task_token(task, i);
    if (strlen(tk) == len && !memcmp(tk, s, len)) return i;
  }
  return -1;
}

static size_t utf8_char_len(const unsigned char *p) {
  size_t n = *p < 0x80 ? 1 : (*p >> 5) == 6 ? 2 : (*p >> 4) == 14 ? 3 : (*p >> 3) == 30 ? 4 : 1;
  for (size_t i = 1; i < n; i++)
    if ((p[i] & 0xC0) != 0x80) return 1;
  return n;
}

int tr_encode_text(const rl_task *task, const char *text, int **ids, int *n, rl_error *err) {
  *ids = NULL;
  *n = 0;
  int word = rl_task_vocab_level(task) != RL_VOCAB_CHAR;
  const char *kind = rl_task_kind_name(rl_task_options(task)->kind);
  int *out = malloc(TEXT_MAX_TOKENS * sizeof(int));
  if (!out) return rl_fail(err, "out of memory");
  const char *p = text ? text : "";
  int k = 0;
  while (*p) {
    size_t len;
    if (word) {
      while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
      if (!*p) break;
      len = 0;
      while (p[len] && p[len] != ' ' && p[len] != '\t' && p[len] != '\n' && p[len] != '\r') len++;
    } else {
      len = utf8_char_len((const unsigned char *)p);
    }
    int id = find_token(task, p, len);
    if (id < 0) {
      char known[200] = "";
      size_t o = 0;
      int V = rl_task_vocab_size(task), shown = 0;
      for (int i = 0; i < V && shown < 10 && o + 40 < sizeof known; i++) {
        const char *tk = rl_task_token(task, i);
        if (!strcmp(tk, "\xC2\xB7") || !*tk) continue;
        o += (size_t)snprintf(known + o, sizeof known - o, "%s%s", shown ? ", " : "", tk);
        shown++;
      }
      free(out);
      return rl_fail(err, "'%.*s' is not a %s of the %s task (it knows %d%s: %s%s)", (int)(len > 40 ? 40 : len), p,
                     word ? "word" : "character", kind, V, word ? " words" : " characters", known,
                     V > shown ? ", ..." : "");
    }
    if (k == TEXT_MAX_TOKENS) {
      free(out);
      return rl_fail(err, "the sentence is longer than %d tokens", TEXT_MAX_TOKENS);
    }
    out[k++] = id;
    p += len;
  }
  if (k == 0) {
    free(out);
    return rl_fail(err, "the sentence is empty");
  }
  *ids = out;
  *n = k;
  return 0;
}

/* Makes text the display example (under mu or before workers start); class names stay. */
static int text_example(struct trainer *tr, const rl_task *task, const char *text, rl_error *err) {
  int *tok = NULL, n = 0;
  if (tr_encode_text(task, text, &tok, &n, err)) return -1;
  int *tgt = calloc((size_t)n, sizeof(int));
  char **lab = calloc((size_t)n, sizeof(char *));
  if (!tgt || !lab) {
    free(tok); free(tgt); free(lab);
    return rl_fail(err, "out of memory");
  }
  rl_task_label(task, tok, n, tgt);
  rl_head head = rl_task_head(task);
  int nt = head == RL_HEAD_STEP ? n : 1, any = 0;
  tr->ex_foil = -1;
  for (int t = 0; t < nt; t++)
    if (tgt[t] >= 0 && rl_task_foil(task, tgt[t]) >= 0) tr->ex_foil = rl_task_foil(task, tgt[t]);
  for (int t = 0; t < nt; t++) any |= tgt[t] >= 0;
  /* an unlabelled end (a language model's next word, a sentence without a label) is scored on
   * the model's own prediction, so the gradient plot reaches the last word */
  if (tgt[nt - 1] < 0 && (head == RL_HEAD_FINAL || rl_task_classes(task) == rl_task_vocab_size(task) || !any))
    tgt[nt - 1] = -2;
  for (int t = 0; t < n; t++) lab[t] = strdup(rl_task_token(task, tok[t]));
  free(tr->ex_tokens);
  free(tr->ex_targets);
  free_strings(tr->ex_labels, (size_t)tr->T);
  tr->ex_tokens = tok;
  tr->ex_targets = tgt;
  tr->ex_labels = lab;
  tr->T = n;
  size_t o = 0;
  tr->ex_text[0] = 0;
  const char *sep = rl_task_vocab_level(task) == RL_VOCAB_CHAR ? "" : " ";
  for (int t = 0; t < n && o + 2 < sizeof tr->ex_text; t++) {
    int w = snprintf(tr->ex_text + o, sizeof tr->ex_text - o, "%s%s", t ? sep : "", lab[t] ? lab[t] : "?");
    if (w < 0) break;
    o += (size_t)w;
  }
  if (o >= sizeof tr->ex_text) tr->ex_text[sizeof tr->ex_text - 1] = 0;
  return 0;
}

static void snap_example(struct trainer *tr) {
  tr_snapshot tmp;
  memset(&tmp, 0, sizeof tmp);
  tmp.T = tr->T;
  tmp.V = tr->V;
  tmp.C = tr->C;
  tmp.head = tr->head;
  tmp.tokens = tr->ex_tokens;
  tmp.targets = tr->ex_targets;
  tmp.labels = tr->ex_labels;
  tmp.class_names = tr->class_names;
  snprintf(tmp.task_name, sizeof tmp.task_name, "%s",
           tr->static_mode ? "text" : rl_task_kind_name(tr->cfg.task.kind));
  tmp.distance = tr->cfg.task.length;
  tmp.foil = tr->ex_foil;
  snprintf(tmp.example_text, sizeof tmp.example_text, "%s", tr->ex_text);
  pthread_mutex_lock(&tr->snap_mu);
  example_copy(&tr->snap, &tmp);
  tr->snap.version++;
  pthread_mutex_unlock(&tr->snap_mu);
}

static void snap_control(struct trainer *tr) {
  pthread_mutex_lock(&tr->mu);
  int running = tr->running, speed = tr->speed;
  long target = tr->target;
  pthread_mutex_unlock(&tr->mu);
  pthread_mutex_lock(&tr->snap_mu);
  tr->snap.running = running;
  tr->snap.speed_level = speed;
  tr->snap.target_step = target;
  tr->snap.static_mode = tr->static_mode;
  tr->snap.version++;
  pthread_mutex_unlock(&tr->snap_mu);
}

static int build(struct trainer *tr, const tr_config *cfg, rl_error *err) {
  tr->cfg = *cfg;
  rl_task *task = NULL;
  if (rl_task_create(&cfg->task, &task, err)) return -1;
  if (make_example(tr, task, cfg->example_seed, err)) {
    rl_task_free(task);
    return -1;
  }
  if (cfg->text[0]) {
    rl_error terr;
    if (text_example(tr, task, cfg->text, &terr)) tr->cfg.text[0] = 0; /* the task's own example */
  }
  rl_task_free(task);
  int any = 0;
  for (int k = 0; k < TR_MAX_SLOTS; k++) {
    worker *w = &tr->w[k];
    memset(w, 0, sizeof *w);
    w->tr = tr;
    w->idx = k;
    w->window = 5;
    if (!cfg->models[k].used) continue;
    any = 1;
    const tr_model_spec *s = &cfg->models[k];
    if (rl_task_create(&cfg->task, &w->task, err)) return -1;
    rl_config mc = rl_config_default();
    mc.cell = s->cell;
    mc.nonlin = s->nonlin;
    mc.vocab = rl_task_vocab_size(w->task);
    mc.embed = cfg->embed > 0 ? cfg->embed : 16;
    mc.hidden = s->hidden > 0 ? s->hidden : cfg->hidden;
    mc.layers = s->layers > 0 ? s->layers : 1;
    mc.bidirectional = s->bidirectional;
    mc.residual = s->residual;
    mc.head = rl_task_head(w->task);
    mc.classes = rl_task_classes(w->task);
    if (rl_model_create(&mc, &w->m, err)) return -1;
    rl_model_set_threads(w->m, 1);
    rl_vocab_set(&w->m->vocab, rl_task_vocab_level(w->task), mc.vocab, rl_task_tokens(w->task), NULL);
    rl_init_opts io = rl_init_default(cfg->seed);
    io.recurrent = cfg->init;
    io.spectral_radius = cfg->radius > 0 ? cfg->radius : 0.0f;
    io.forget_bias = cfg->forget_bias;
    if (rl_model_init_params(w->m, &io, err)) return -1;
    if (rl_optimizer_init(&w->opt, cfg->opt, cfg->lr, w->m->nparams, err)) return -1;
    w->B = cfg->batch > 0 ? cfg->batch : 32;
    w->T = rl_task_seq_len(w->task);
    w->ntargets = rl_task_targets_per_row(w->task);
    w->tok = calloc((size_t)w->B * (size_t)w->T, sizeof(int));
    w->tgt = calloc((size_t)w->B * (size_t)w->ntargets, sizeof(int));
    w->meta = calloc((size_t)w->B, sizeof(rl_task_meta));
    if (!w->tok || !w->tgt || !w->meta) return rl_fail(err, "out of memory for the training batch");
    rl_rng_seed(&w->rng, cfg->seed * 7919u + 17u); /* same data for every slot */
    w->publish_req = 1;
  }
  if (!any) return rl_fail(err, "no model slot is in use: choose a cell for at least one slot");
  tr->lr = cfg->lr;
  tr->clip = cfg->clip;
  return 0;
}

static int start_workers(struct trainer *tr, rl_error *err) {
  pthread_mutex_lock(&tr->snap_mu);
  for (int k = 0; k < TR_MAX_SLOTS; k++) {
    tr->snap.slot[k].used = 0;
    tr->snap.slot[k].have_trace = 0;
    tr->snap.slot[k].ncurve = 0;
  }
  tr->snap.generation++;
  pthread_mutex_unlock(&tr->snap_mu);
  snap_example(tr);
  for (int k = 0; k < TR_MAX_SLOTS; k++) {
    worker *w = &tr->w[k];
    if (!w->m) continue;
    pthread_mutex_lock(&tr->mu);
    w->started = 1;
    pthread_mutex_unlock(&tr->mu);
    if (!(w->th = host_thread_start(worker_main, w))) {
      w->started = 0;
      return rl_fail(err, "cannot start a training thread");
    }
  }
  snap_control(tr);
  return 0;
}

static struct trainer *alloc_trainer(void) {
  struct trainer *tr = calloc(1, sizeof *tr);
  if (!tr) return NULL;
  pthread_mutex_init(&tr->mu, NULL);
  pthread_cond_init(&tr->cv, NULL);
  pthread_mutex_init(&tr->snap_mu, NULL);
  for (int k = 0; k < TR_MAX_SLOTS; k++) tr->clamps[k] = clamps_free();
  tr->speed = TR_SPEED_LEVELS - 1;
  tr->ex_foil = -1;
  return tr;
}

int trainer_create(const tr_config *cfg, trainer **out, rl_error *err) {
  *out = NULL;
  struct trainer *tr = alloc_trainer();
  if (!tr) return rl_fail(err, "out of memory");
  if (build(tr, cfg, err) || start_workers(tr, err)) {
    trainer_destroy(tr);
    return -1;
  }
  *out = tr;
  return 0;
}

/* Display targets of a loaded model: the next token for a language model; otherwise -2, which the
 * worker replaces by the model's own prediction (the gradient plot then shows how the chosen output
 * depends on earlier states). */
static void static_targets(struct trainer *tr, const rl_model *m) {
  int n = tr->T;
  int lm = m->cfg.head == RL_HEAD_STEP && m->cfg.classes == m->cfg.vocab && n > 1;
  /* a language model is scored on the next token, and at the last token on its own top prediction,
   * so the gradient plot shows how that prediction depends on every earlier word */
  for (int t = 0; t < n; t++) tr->ex_targets[t] = lm ? (t + 1 < n ? tr->ex_tokens[t + 1] : -2) : -2;
  if (m->cfg.head == RL_HEAD_FINAL) tr->ex_targets[0] = -2;
}

/* Replaces -2 targets by the model's argmax (one untraced forward). */
static void own_predictions(rl_model *m, const int *tokens, int *targets, int T) {
  int need = 0, nt = m->cfg.head == RL_HEAD_STEP ? T : 1;
  for (int t = 0; t < nt; t++) need |= targets[t] == -2;
  if (!need) return;
  int *none = malloc((size_t)T * sizeof(int));
  if (!none) return;
  for (int t = 0; t < T; t++) none[t] = -1;
  rl_batch b = {1, T, tokens, none, NULL, NULL};
  float loss;
  rl_error err;
  m->trace_example = -1;
  if (rl_model_forward(m, &b, &loss, &err) == 0) {
    for (int t = 0; t < nt; t++) {
      if (targets[t] != -2) continue;
      const float *p = rl_model_probs(m, 0, t);
      int best = 0;
      for (int c = 1; c < m->cfg.classes; c++)
        if (p[c] > p[best]) best = c;
      targets[t] = best;
    }
  }
  free(none);
}

int trainer_create_static(rl_model *m, const int *tokens, int n, const char *const *labels,
                          trainer **out, rl_error *err) {
  *out = NULL;
  if (n < 1) {
    rl_model_free(m);
    return rl_fail(err, "the text has no tokens");
  }
  struct trainer *tr = alloc_trainer();
  if (!tr) {
    rl_model_free(m);
    return rl_fail(err, "out of memory");
  }
  tr->static_mode = 1;
  tr->cfg = tr_config_default();
  memset(tr->cfg.models, 0, sizeof tr->cfg.models);
  tr->cfg.models[0].used = 1;
  tr->cfg.models[0].cell = m->cfg.cell;
  tr->cfg.models[0].nonlin = m->cfg.nonlin;
  tr->cfg.models[0].hidden = m->cfg.hidden;
  tr->cfg.models[0].layers = m->cfg.layers;
  tr->cfg.models[0].bidirectional = m->cfg.bidirectional;
  tr->cfg.models[0].residual = m->cfg.residual;
  tr->cfg.task.length = n;
  worker *w = &tr->w[0];
  w->tr = tr;
  w->m = m;
  w->publish_req = 1;
  rl_model_set_threads(m, 1);
  int C = m->cfg.classes;
  tr->T = n;
  tr->V = m->cfg.vocab;
  tr->C = C;
  tr->head = m->cfg.head;
  tr->ex_tokens = calloc((size_t)n, sizeof(int));
  tr->ex_targets = calloc((size_t)n, sizeof(int));
  tr->ex_labels = calloc((size_t)n, sizeof(char *));
  tr->class_names = calloc((size_t)C, sizeof(char *));
  if (!tr->ex_tokens || !tr->ex_targets || !tr->ex_labels || !tr->class_names) {
    trainer_destroy(tr);
    return rl_fail(err, "out of memory");
  }
  memcpy(tr->ex_tokens, tokens, (size_t)n * sizeof(int));
  for (int t = 0; t < n; t++) tr->ex_labels[t] = strdup(labels && labels[t] ? labels[t] : "?");
  for (int c = 0; c < C; c++) {
    char buf[32];
    const char *name = buf;
    if (m->vocab.tokens && C == m->vocab.size) name = m->vocab.tokens[c];
    else snprintf(buf, sizeof buf, "%d", c);
    tr->class_names[c] = strdup(name);
  }
  static_targets(tr, m);
  size_t o = 0;
  for (int t = 0; t < n && o + 2 < sizeof tr->ex_text; t++)
    o += (size_t)snprintf(tr->ex_text + o, sizeof tr->ex_text - o, "%s%s",
                          t && m->vocab.level != RL_VOCAB_CHAR ? " " : "", tr->ex_labels[t]);
  if (start_workers(tr, err)) {
    trainer_destroy(tr);
    return -1;
  }
  *out = tr;
  return 0;
}

void trainer_destroy(trainer *tr) {
  if (!tr) return;
  stop_workers(tr);
  free_example(tr);
  tr_snapshot_free(&tr->snap);
  pthread_mutex_destroy(&tr->mu);
  pthread_cond_destroy(&tr->cv);
  pthread_mutex_destroy(&tr->snap_mu);
  free(tr);
}

int trainer_reset(trainer *tr, const tr_config *cfg, rl_error *err) {
  if (tr->static_mode) return rl_fail(err, "a loaded model cannot be reset");
  stop_workers(tr);
  pthread_mutex_lock(&tr->mu);
  tr->running = 0;
  tr->target = 0;
  pthread_mutex_unlock(&tr->mu);
  if (build(tr, cfg, err) || start_workers(tr, err)) {
    stop_workers(tr);
    return -1;
  }
  return 0;
}

void trainer_get_config(trainer *tr, tr_config *out) {
  pthread_mutex_lock(&tr->mu);
  *out = tr->cfg;
  out->lr = tr->lr;
  out->clip = tr->clip;
  pthread_mutex_unlock(&tr->mu);
}

static long max_step(struct trainer *tr) {
  long mx = 0;
  for (int k = 0; k < TR_MAX_SLOTS; k++)
    if (tr->w[k].started && tr->w[k].step > mx) mx = tr->w[k].step;
  return mx;
}

void trainer_set_running(trainer *tr, int on) {
  if (tr->static_mode) return;
  pthread_mutex_lock(&tr->mu);
  tr->running = on != 0;
  tr->target = on ? LONG_MAX : max_step(tr);
  pthread_cond_broadcast(&tr->cv);
  pthread_mutex_unlock(&tr->mu);
  snap_control(tr);
}

int trainer_running(trainer *tr) {
  pthread_mutex_lock(&tr->mu);
  int r = tr->running;
  pthread_mutex_unlock(&tr->mu);
  return r;
}

void trainer_step(trainer *tr, long n) {
  if (tr->static_mode || n <= 0) return;
  pthread_mutex_lock(&tr->mu);
  long base = max_step(tr);
  if (!tr->running && tr->target > base) base = tr->target;
  tr->running = 0;
  tr->target = base > LONG_MAX - n ? LONG_MAX : base + n;
  pthread_cond_broadcast(&tr->cv);
  pthread_mutex_unlock(&tr->mu);
  snap_control(tr);
}

void trainer_set_speed(trainer *tr, int level) {
  if (level < 0) level = 0;
  if (level >= TR_SPEED_LEVELS) level = TR_SPEED_LEVELS - 1;
  pthread_mutex_lock(&tr->mu);
  tr->speed = level;
  for (int k = 0; k < TR_MAX_SLOTS; k++) tr->w[k].next_step_time = 0;
  pthread_cond_broadcast(&tr->cv);
  pthread_mutex_unlock(&tr->mu);
  snap_control(tr);
}

int trainer_speed(trainer *tr) {
  pthread_mutex_lock(&tr->mu);
  int s = tr->speed;
  pthread_mutex_unlock(&tr->mu);
  return s;
}

void trainer_set_lr(trainer *tr, float lr) {
  pthread_mutex_lock(&tr->mu);
  if (lr > 0 && isfinite(lr)) tr->lr = tr->cfg.lr = lr;
  pthread_mutex_unlock(&tr->mu);
}

void trainer_set_clip(trainer *tr, float clip) {
  pthread_mutex_lock(&tr->mu);
  if (isfinite(clip)) tr->clip = tr->cfg.clip = clip;
  pthread_mutex_unlock(&tr->mu);
}

void trainer_set_clamps(trainer *tr, int slot, const rl_clamps *c) {
  pthread_mutex_lock(&tr->mu);
  for (int k = 0; k < TR_MAX_SLOTS; k++) {
    if (slot >= 0 && k != slot) continue;
    tr->clamps[k] = *c;
    tr->w[k].publish_req = 1;
  }
  pthread_cond_broadcast(&tr->cv);
  pthread_mutex_unlock(&tr->mu);
}

void trainer_set_example(trainer *tr, uint64_t seed) {
  if (tr->static_mode) return;
  rl_task *task = NULL;
  rl_error err;
  if (rl_task_create(&tr->cfg.task, &task, &err)) return;
  pthread_mutex_lock(&tr->mu);
  tr->cfg.example_seed = seed;
  tr->cfg.text[0] = 0;
  int ok = make_example(tr, task, seed, &err) == 0;
  for (int k = 0; k < TR_MAX_SLOTS && ok; k++) tr->w[k].publish_req = 1;
  pthread_cond_broadcast(&tr->cv);
  pthread_mutex_unlock(&tr->mu);
  rl_task_free(task);
  if (ok) snap_example(tr);
}

int trainer_snapshot(trainer *tr, tr_snapshot *dst) {
  int copied = 0;
  pthread_mutex_lock(&tr->snap_mu);
  if (tr->snap.version != dst->version || tr->snap.generation != dst->generation) {
    if (tr_snapshot_copy(dst, &tr->snap) == 0) copied = 1;
  }
  pthread_mutex_unlock(&tr->snap_mu);
  return copied;
}

int trainer_wait_idle(trainer *tr, double timeout_s) {
  double end = now_s() + timeout_s;
  pthread_mutex_lock(&tr->mu);
  for (;;) {
    int idle = 1;
    for (int k = 0; k < TR_MAX_SLOTS; k++) {
      worker *w = &tr->w[k];
      if (!w->started) continue;
      int reached = tr->static_mode || w->failed || w->step >= tr->target;
      if (!reached || w->dirty || w->publish_req || w->publishing) idle = 0;
    }
    if (idle) break;
    double left = end - now_s();
    if (left <= 0) {
      pthread_mutex_unlock(&tr->mu);
      return -1;
    }
    timed_wait(tr, left < 0.05 ? left : 0.05);
  }
  pthread_mutex_unlock(&tr->mu);
  return 0;
}

long trainer_total_steps(trainer *tr) {
  pthread_mutex_lock(&tr->mu);
  long s = 0;
  for (int k = 0; k < TR_MAX_SLOTS; k++)
    if (tr->w[k].started) s += tr->w[k].step;
  pthread_mutex_unlock(&tr->mu);
  return s;
}

int trainer_set_text(trainer *tr, const int *tokens, int n, const char *const *labels, rl_error *err) {
  if (!tr->static_mode) return rl_fail(err, "only a loaded model takes typed text");
  if (n < 1) return rl_fail(err, "the text has no tokens");
  int *tk = malloc((size_t)n * sizeof(int)), *tg = malloc((size_t)n * sizeof(int));
  char **lb = calloc((size_t)n, sizeof(char *));
  if (!tk || !tg || !lb) {
    free(tk); free(tg); free(lb);
    return rl_fail(err, "out of memory");
  }
  for (int t = 0; t < n; t++) {
    tk[t] = tokens[t];
    lb[t] = strdup(labels && labels[t] ? labels[t] : "?");
  }
  pthread_mutex_lock(&tr->mu);
  free(tr->ex_tokens);
  free(tr->ex_targets);
  free_strings(tr->ex_labels, (size_t)tr->T);
  tr->ex_tokens = tk;
  tr->ex_targets = tg;
  tr->ex_labels = lb;
  tr->T = n;
  tr->cfg.task.length = n;
  static_targets(tr, tr->w[0].m);
  size_t o = 0;
  tr->ex_text[0] = 0;
  for (int t = 0; t < n && o + 2 < sizeof tr->ex_text; t++)
    o += (size_t)snprintf(tr->ex_text + o, sizeof tr->ex_text - o, "%s%s",
                          t && tr->w[0].m->vocab.level != RL_VOCAB_CHAR ? " " : "", lb[t]);
  tr->w[0].publish_req = 1;
  pthread_cond_broadcast(&tr->cv);
  pthread_mutex_unlock(&tr->mu);
  snap_example(tr);
  return 0;
}

const rl_vocab *trainer_vocab(trainer *tr) {
  return tr->static_mode && tr->w[0].m ? &tr->w[0].m->vocab : NULL;
}

int trainer_show_text(trainer *tr, const char *text, rl_error *err) {
  if (tr->static_mode) return rl_fail(err, "a loaded model takes typed text through trainer_set_text");
  tr_config cfg;
  trainer_get_config(tr, &cfg);
  if (text && strlen(text) >= sizeof cfg.text)
    return rl_fail(err, "the sentence is longer than %zu bytes", sizeof cfg.text - 1);
  rl_task *task = NULL;
  if (rl_task_create(&cfg.task, &task, err)) return -1;
  pthread_mutex_lock(&tr->mu);
  int rc;
  if (text && *text) {
    rc = text_example(tr, task, text, err);
    if (rc == 0) snprintf(tr->cfg.text, sizeof tr->cfg.text, "%s", text);
  } else {
    rc = make_example(tr, task, tr->cfg.example_seed, err);
    if (rc == 0) tr->cfg.text[0] = 0;
  }
  if (rc == 0)
    for (int k = 0; k < TR_MAX_SLOTS; k++) tr->w[k].publish_req = 1;
  pthread_cond_broadcast(&tr->cv);
  pthread_mutex_unlock(&tr->mu);
  rl_task_free(task);
  if (rc == 0) snap_example(tr);
  return rc;
}
