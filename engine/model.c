/* Forward and backward passes of the model in model.h, with backpropagation through time.
 *
 * Layout: a batch is split into contiguous shards of rows, one per thread. Inside a shard every
 * activation is time-major, [T][Bs][width], so
 *   - the input projection of all timesteps is one product over T*Bs rows,
 *   - the recurrent product of step t is one product over the Bs rows of that step, all gates fused,
 *   - the weight gradients are one product over all T*Bs rows,
 *   - one example's rows across time sit at a fixed stride (used by the J_last probe pass).
 * Each shard has its own gradient buffer; the model sums them in shard order, so results are
 * bit-identical for a given thread count. */
#include "model.h"
#include "cells.h"
#include "sgemm.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  float *pre; /* [T][Bs][G*H] input projection + biases, replaced in place by gate activations */
  float *c;   /* [T][Bs][H] LSTM cell state */
  float *aux; /* [T][Bs][H] LSTM tanh(c); GRU W_hn h(t-1) + b_hn */
  float *h;   /* [T][Bs][H] hidden state */
} rl_acts;

typedef struct rl_shard {
  int b0, Bs;          /* batch rows [b0, b0+Bs) */
  size_t cap_rows;     /* T*Bs the buffers were sized for */
  int capT;
  float *emb;          /* [T][Bs][E] */
  float **y;           /* [L] of [T][Bs][D*H] layer outputs (after residual) */
  rl_acts *acts;       /* [L*D] */
  float *feat;         /* FINAL head: [Bs][D*H] */
  float *dfeat;        /* FINAL head: [Bs][D*H] its gradient */
  float *row_loss;     /* STEP: [T][Bs]; FINAL: [Bs] -log p(target) per row (0 if not scored) */
  float *probs;        /* STEP: [T][Bs][C]; FINAL: [Bs][C] */
  float *dlogits;      /* same shape as probs */
  float **dy;          /* [L] of [T][Bs][D*H] dJ/d(layer output) */
  float *demb;         /* [T][Bs][E] dJ/d(embedded input) */
  /* Layer 0 reads embedding rows, so its input projection commutes with the lookup: when the
   * vocabulary is small next to T*Bs, project the V embedding rows once per forward (m->in_table,
   * shared by the shards) and gather, and in backward sum dG rows per token first (S, [V][G*H]) so
   * dW_ih and the embedding gradient are products over V rows instead of T*Bs. Exact up to float
   * summation order. */
  int use_table;
  float *tok_grad;     /* [V][G*H] S */
  float *dg_ih;        /* [T][Bs][G*H] dJ/d(input-side pre-activation) */
  float *dg_hh;        /* [T][Bs][G*H] dJ/d(recurrent-side pre-activation) (differs for GRU's n) */
  float *dh, *dc;      /* [Bs][H] running gradients into h(t), c(t) */
  float *hh;           /* [Bs][G*H] GRU recurrent product */
  rl_sgemm_b w_hh_pk;  /* the current layer-direction's W_hh packed for its per-step products:
                          W_hh^T in forward, W_hh in backward (packed once per pass, used T times) */
  float *h0, *c0;      /* [L*D][Bs][H] initial states */
  int *tokens;         /* [Bs][T] */
  int *targets;        /* STEP: [Bs][T]; FINAL: [Bs] */
  float *grads;        /* [nparams]; shard 0 uses the model's buffer */
  int own_grads;
  rl_profile prof;     /* this shard's phases (when timed), added into the model's after each pass */
  rl_phase_clock clk;
  double loss_sum;
  int nscored;
  int status;
} rl_shard;

static void shard_free_buffers(rl_shard *s, int L, int LD) {
  free(s->emb);
  free(s->feat);
  free(s->dfeat);
  free(s->row_loss);
  free(s->probs);
  free(s->dlogits);
  free(s->demb);
  free(s->tok_grad);
  free(s->dg_ih);
  free(s->dg_hh);
  free(s->dh);
  free(s->dc);
  free(s->hh);
  free(s->h0);
  free(s->c0);
  free(s->tokens);
  free(s->targets);
  if (s->y)
    for (int l = 0; l < L; l++) free(s->y[l]);
  if (s->dy)
    for (int l = 0; l < L; l++) free(s->dy[l]);
  free(s->y);
  free(s->dy);
  if (s->acts)
    for (int i = 0; i < LD; i++) {
      free(s->acts[i].pre);
      free(s->acts[i].c);
      free(s->acts[i].aux);
      free(s->acts[i].h);
    }
  free(s->acts);
  if (s->own_grads) free(s->grads);
  rl_sgemm_b_free(&s->w_hh_pk);
  memset(s, 0, sizeof *s);
}

static void free_shards(rl_model *m) {
  for (int i = 0; i < m->nshards; i++) shard_free_buffers(&m->shards[i], m->cfg.layers, m->cfg.layers * m->D);
  free(m->shards);
  m->shards = NULL;
  m->nshards = 0;
}

static void trace_free(rl_trace *t) {
  free(t->gates);
  free(t->c);
  free(t->h);
  free(t->probs);
  free(t->dh_norm);
  free(t->dc_norm);
  free(t->dhT_norm);
  free(t->dwhh_norm);
  free(t->dwhh_cum_norm);
  memset(t, 0, sizeof *t);
}

void rl_model_free(rl_model *m) {
  if (!m) return;
  free_shards(m);
  trace_free(&m->trace);
  free(m->params);
  free(m->grads);
  free(m->tensors);
  free(m->rnn);
  free(m->h_n);
  free(m->c_n);
  free(m->in_table);
  rl_vocab_free(&m->vocab);
  free(m);
}

void rl_model_set_threads(rl_model *m, int nthreads) {
  if (nthreads < 1) nthreads = 1;
  if (nthreads > 64) nthreads = 64;
  m->nthreads = nthreads;
}

static float *falloc(size_t n) { return malloc((n ? n : 1) * sizeof(float)); }

/* Sizes one shard's buffers for (T, Bs). */
static int shard_alloc(rl_model *m, rl_shard *s, int T, int Bs, int shard_index) {
  const rl_config *c = &m->cfg;
  int L = c->layers, D = m->D, H = c->hidden, G = m->G, E = c->embed, C = c->classes, LD = L * D;
  size_t rows = (size_t)T * Bs;
  int final = c->head == RL_HEAD_FINAL;
  if (s->cap_rows >= rows && s->capT == T && s->Bs == Bs) return 0;
  shard_free_buffers(s, L, LD);
  s->cap_rows = rows;
  s->capT = T;
  s->Bs = Bs;
  int ok = 1;
#define A(ptr, n) ok &= ((ptr) = falloc(n)) != NULL
  A(s->emb, rows * E);
  A(s->feat, (size_t)Bs * D * H);
  A(s->dfeat, (size_t)Bs * D * H);
  A(s->row_loss, final ? (size_t)Bs : rows);
  A(s->probs, (final ? (size_t)Bs : rows) * C);
  A(s->dlogits, (final ? (size_t)Bs : rows) * C);
  A(s->demb, rows * E);
  s->use_table = !m->no_input_table && (size_t)c->vocab <= rows;
  A(s->tok_grad, s->use_table ? (size_t)c->vocab * G * H : 1);
  A(s->dg_ih, rows * G * H);
  A(s->dg_hh, c->cell == RL_CELL_GRU ? rows * G * H : 1); /* other cells reuse dg_ih */
  A(s->dh, (size_t)Bs * H);
  A(s->dc, (size_t)Bs * H);
  A(s->hh, (size_t)Bs * G * H);
  A(s->h0, (size_t)LD * Bs * H);
  A(s->c0, (size_t)LD * Bs * H);
  ok &= (s->tokens = malloc(rows * sizeof(int))) != NULL;
  ok &= (s->targets = malloc((final ? (size_t)Bs : rows) * sizeof(int))) != NULL;
  ok &= (s->y = calloc((size_t)L, sizeof(float *))) != NULL;
  ok &= (s->dy = calloc((size_t)L, sizeof(float *))) != NULL;
  ok &= (s->acts = calloc((size_t)LD, sizeof(rl_acts))) != NULL;
  if (ok) {
    for (int l = 0; l < L; l++) {
      A(s->y[l], rows * D * H);
      A(s->dy[l], rows * D * H);
    }
    for (int i = 0; i < LD; i++) {
      A(s->acts[i].pre, rows * G * H);
      A(s->acts[i].c, c->cell == RL_CELL_LSTM ? rows * H : 1);
      A(s->acts[i].aux, c->cell != RL_CELL_RNN ? rows * H : 1);
      A(s->acts[i].h, rows * H);
    }
  }
  if (shard_index == 0) {
    s->grads = m->grads; /* shard 0 writes the model's gradient directly */
    s->own_grads = 0;
  } else {
    s->own_grads = 1;
    A(s->grads, m->nparams);
  }
#undef A
  if (!ok) {
    shard_free_buffers(s, L, LD);
    return -1;
  }
  return 0;
}

static int trace_alloc(rl_model *m, int T) {
  rl_trace *t = &m->trace;
  int L = m->cfg.layers, D = m->D, H = m->cfg.hidden, G = m->G, C = m->cfg.classes;
  if (t->gates && t->T == T) return 0;
  trace_free(t);
  size_t LD = (size_t)L * D;
  t->gates = calloc(LD * T * G * H, sizeof(float));
  t->c = calloc(LD * T * H, sizeof(float));
  t->h = calloc(LD * T * H, sizeof(float));
  t->probs = calloc((size_t)T * C, sizeof(float));
  t->dh_norm = calloc(LD * T, sizeof(float));
  t->dc_norm = calloc(LD * T, sizeof(float));
  t->dhT_norm = calloc(LD * T, sizeof(float));
  t->dwhh_norm = calloc(LD * T, sizeof(float));
  t->dwhh_cum_norm = calloc(LD * T, sizeof(float));
  if (!t->gates || !t->c || !t->h || !t->probs || !t->dh_norm || !t->dc_norm || !t->dhT_norm || !t->dwhh_norm ||
      !t->dwhh_cum_norm) {
    trace_free(t);
    return -1;
  }
  t->T = T;
  t->L = L;
  t->D = D;
  t->H = H;
  t->G = G;
  t->C = C;
  t->cell = m->cfg.cell;
  return 0;
}

/* Splits B rows into shards and sizes every buffer. */
static int prepare(rl_model *m, int B, int T, rl_error *err) {
  int want = m->nthreads < B ? m->nthreads : B;
  if (want != m->nshards) {
    free_shards(m);
    m->shards = calloc((size_t)want, sizeof(rl_shard));
    if (!m->shards) return rl_fail(err, "out of memory");
    m->nshards = want;
  }
  for (int i = 0, b0 = 0; i < want; i++) {
    int Bs = B / want + (i < B % want ? 1 : 0);
    if (shard_alloc(m, &m->shards[i], T, Bs, i))
      return rl_fail(err, "out of memory for activations (batch %d, sequence %d)", B, T);
    m->shards[i].b0 = b0;
    b0 += Bs;
  }
  if (m->B != B || !m->h_n) { /* depends on B only: callers may carry state through h_n */
    free(m->h_n);
    free(m->c_n);
    size_t n = (size_t)m->cfg.layers * m->D * B * m->cfg.hidden;
    m->h_n = calloc(n, sizeof(float));
    m->c_n = calloc(n, sizeof(float));
    if (!m->h_n || !m->c_n) return rl_fail(err, "out of memory");
  }
  m->B = B;
  m->T = T;
  return 0;
}

/* ---- forward ---- */

static void add_bias_rows(float *x, const float *b1, const float *b2, size_t rows, int n) {
  for (size_t r = 0; r < rows; r++) {
    float *xr = x + r * n;
    if (b2)
      for (int j = 0; j < n; j++) xr[j] += b1[j] + b2[j];
    else
      for (int j = 0; j < n; j++) xr[j] += b1[j];
  }
}

/* Softmax in place over rows of n; returns -log p(target) summed over scored rows and writes
 * each row's term (0 when not scored) into row_loss. */
static double softmax_loss(float *x, const int *targets, size_t rows, int n, int *nscored, float *row_loss) {
  double loss = 0;
  for (size_t r = 0; r < rows; r++) {
    float *xr = x + r * n;
    float mx = xr[0];
    for (int j = 1; j < n; j++) mx = xr[j] > mx ? xr[j] : mx;
    int tgt = targets[r];
    float logit_t = tgt >= 0 ? xr[tgt] : 0.0f;
    double sum = 0;
    for (int j = 0; j < n; j++) {
      xr[j] = expf(xr[j] - mx);
      sum += xr[j];
    }
    float inv = (float)(1.0 / sum);
    for (int j = 0; j < n; j++) xr[j] *= inv;
    row_loss[r] = 0.0f;
    if (tgt >= 0) {
      double l = log(sum) + (double)mx - (double)logit_t;
      row_loss[r] = (float)l;
      loss += l;
      (*nscored)++;
    }
  }
  return loss;
}

/* Pointer to the initial state of layer-direction ld in a shard. */
static inline float *init_state(float *base, int ld, int Bs, int H) { return base + (size_t)ld * Bs * H; }

static void shard_forward(rl_model *m, rl_shard *s, int T) {
  const rl_config *c = &m->cfg;
  int L = c->layers, D = m->D, H = c->hidden, G = m->G, E = c->embed, C = c->classes, Bs = s->Bs;
  int GH = G * H, DH = D * H;
  size_t rows = (size_t)T * Bs;
  /* embedding lookup, time-major (not needed when layer 0 gathers from its projected table) */
  if (!s->use_table)
    for (int t = 0; t < T; t++)
      for (int b = 0; b < Bs; b++)
        memcpy(s->emb + ((size_t)t * Bs + b) * E, m->embedding + (size_t)s->tokens[(size_t)b * T + t] * E,
               sizeof(float) * (size_t)E);
  const float *x = s->emb;
  int in = E;
  for (int l = 0; l < L; l++) {
    float *y = s->y[l];
    for (int d = 0; d < D; d++) {
      int ld = l * D + d;
      const rl_rnn_params *p = &m->rnn[ld];
      rl_acts *a = &s->acts[ld];
      const float *b_hh_in = c->cell == RL_CELL_GRU ? NULL : p->b_hh; /* GRU keeps b_hh on the h side */
      rl_phase_mark(&s->clk, RL_PHASE_INPUT);
      if (l == 0 && s->use_table) {
        const float *table = m->in_table + (size_t)d * c->vocab * GH; /* already holds both biases */
        for (int t = 0; t < T; t++)
          for (int b = 0; b < Bs; b++)
            memcpy(a->pre + ((size_t)t * Bs + b) * GH, table + (size_t)s->tokens[(size_t)b * T + t] * GH,
                   sizeof(float) * (size_t)GH);
      } else {
        rl_sgemm(0, 1, (int)rows, GH, in, 1.0f, x, in, p->w_ih, in, 0.0f, a->pre, GH);
        add_bias_rows(a->pre, p->b_ih, b_hh_in, rows, GH);
      }
      const float *h_prev = init_state(s->h0, ld, Bs, H);
      const float *c_prev = init_state(s->c0, ld, Bs, H);
      rl_phase_mark(&s->clk, RL_PHASE_RECURRENT);
      rl_sgemm_pack_b(&s->w_hh_pk, Bs, 1, H, GH, p->w_hh, H); /* W_hh^T [H][GH] */
      for (int step = 0; step < T; step++) {
        int t = d ? T - 1 - step : step;
        size_t o = (size_t)t * Bs;
        float *pre = a->pre + o * GH, *h = a->h + o * H;
        rl_phase_mark(&s->clk, RL_PHASE_RECURRENT);
        if (c->cell == RL_CELL_GRU) {
          rl_sgemm_packed(0, Bs, 1.0f, h_prev, H, &s->w_hh_pk, 0.0f, s->hh, GH);
          rl_phase_mark(&s->clk, RL_PHASE_GATES);
          add_bias_rows(s->hh, p->b_hh, NULL, (size_t)Bs, GH);
          rl_gru_step_forward(Bs, H, pre, s->hh, h_prev, a->aux + o * H, h);
        } else {
          rl_sgemm_packed(0, Bs, 1.0f, h_prev, H, &s->w_hh_pk, 1.0f, pre, GH);
          rl_phase_mark(&s->clk, RL_PHASE_GATES);
          if (c->cell == RL_CELL_LSTM) {
            rl_lstm_step_forward(t >= m->clamps.from_t ? &m->clamps : NULL, Bs, H, pre, c_prev, a->c + o * H,
                                 a->aux + o * H, h);
            c_prev = a->c + o * H;
          } else {
            rl_rnn_step_forward(c->nonlin, Bs, H, pre, h);
          }
        }
        for (int b = 0; b < Bs; b++)
          memcpy(y + (o + b) * DH + d * H, h + (size_t)b * H, sizeof(float) * (size_t)H);
        h_prev = h;
      }
    }
    rl_phase_mark(&s->clk, RL_PHASE_OTHER);
    if (c->residual && l > 0)
      for (size_t i = 0; i < rows * DH; i++) y[i] += x[i];
    x = y;
    in = DH;
  }
  /* head */
  rl_phase_mark(&s->clk, RL_PHASE_HEAD);
  s->loss_sum = 0;
  s->nscored = 0;
  if (c->head == RL_HEAD_STEP) {
    /* targets are [Bs][T] batch-major; reorder to time-major rows on the fly */
    rl_sgemm(0, 1, (int)rows, C, DH, 1.0f, x, DH, m->head_w, DH, 0.0f, s->probs, C);
    add_bias_rows(s->probs, m->head_b, NULL, rows, C);
    int *tm = (int *)s->dlogits; /* scratch: time-major targets (dlogits is rewritten in backward) */
    for (int t = 0; t < T; t++)
      for (int b = 0; b < Bs; b++) tm[(size_t)t * Bs + b] = s->targets[(size_t)b * T + t];
    s->loss_sum = softmax_loss(s->probs, tm, rows, C, &s->nscored, s->row_loss);
  } else {
    for (int b = 0; b < Bs; b++) {
      float *f = s->feat + (size_t)b * DH;
      memcpy(f, x + ((size_t)(T - 1) * Bs + b) * DH, sizeof(float) * (size_t)H);
      if (D == 2) memcpy(f + H, x + (size_t)b * DH + H, sizeof(float) * (size_t)H);
    }
    rl_sgemm(0, 1, Bs, C, DH, 1.0f, s->feat, DH, m->head_w, DH, 0.0f, s->probs, C);
    add_bias_rows(s->probs, m->head_b, NULL, (size_t)Bs, C);
    s->loss_sum = softmax_loss(s->probs, s->targets, (size_t)Bs, C, &s->nscored, s->row_loss);
  }
}

/* ---- backward ---- */

/* Arguments of one BPTT pass over one layer-direction. Rows are the n examples starting at row r0
 * of the shard; every per-example array advances by `stride` floats-per-width between examples. */
typedef struct {
  int T, Bs, H, G, d, r0, n;
  rl_cell cell;
  rl_nonlin nonlin;
  const rl_clamps *clamps;
  const rl_acts *a;
  const float *h0, *c0; /* [Bs][H] */
  const rl_sgemm_b *w_hh; /* W_hh [G*H][H], packed */
  rl_phase_clock *clk;  /* the shard's profile clock */
  const float *dy;      /* [T][Bs][D*H] gradient arriving at this layer's output */
  int DH;
  float *dg_ih, *dg_hh; /* [T][Bs][G*H] out; the same buffer except for the GRU, whose n block differs */
  float *dh, *dc;       /* [Bs][H] scratch */
  /* trace (NULL when not traced): per-t norms for row `trace_row` */
  int trace_row;
  float *dh_norm, *dc_norm, *dwhh_norm, *dwhh_cum_norm;
} bptt_args;

static float norm2(const float *x, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) s += (double)x[i] * x[i];
  return (float)sqrt(s);
}

static double dot(const float *a, const float *b, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) s += (double)a[i] * b[i];
  return s;
}

/* The v-th term the backward pass visits (v = 0 is the last step for the forward direction, the
 * first for the reverse one): dg(t) [GH] and the state h_prev(t) [H] it multiplies. */
static void bptt_term(const bptt_args *A, int row, int v, const float **g, const float **hp) {
  int T = A->T, t = A->d ? v : T - 1 - v, first = A->d ? t == T - 1 : t == 0, tp = A->d ? t + 1 : t - 1;
  *g = A->dg_hh + ((size_t)t * A->Bs + row) * (size_t)(A->G * A->H);
  *hp = first ? A->h0 + (size_t)row * A->H : A->a->h + ((size_t)tp * A->Bs + row) * A->H;
}

/* S [GH][H] += g hp^T, returning g^T S hp as it was before (one pass over S). */
static double cum_update(double *S, const float *g, const float *hp, int GH, int H) {
  double cross = 0;
  for (int i = 0; i < GH; i++) {
    double *r = S + (size_t)i * H, acc = 0, gi = g[i];
    for (int j = 0; j < H; j++) acc += r[j] * hp[j];
    for (int j = 0; j < H; j++) r[j] += gi * hp[j];
    cross += gi * acc;
  }
  return cross;
}

/* Beyond this many entries the running-sum matrix is not kept (a hidden size above about 2000). */
#define CUM_MATRIX_MAX ((size_t)1 << 24)

/* Trace: the norm of the running sum S of the W_hh terms each time the backward pass has added one
 * more step (in the order it visits them). Term v is the outer product g(v) h(v)^T, so
 * ||S + g h^T||^2 = ||S||^2 + 2 g^T S h + |g|^2 |h|^2, and g^T S h = sum_{u<v} (g(v).g(u)) (h(v).h(u)).
 * That sum over earlier terms costs v (GH + H) at step v; keeping S as a GH x H matrix costs 2 GH H
 * per step instead, so the pass switches to S once the pairs would cost more (T > about 2H): the
 * classroom's short sequences need no extra memory, and long ones cost time linear in T. */
static void bptt_cum_norms(const bptt_args *A, int tr) {
  int T = A->T, H = A->H, GH = A->G * H, row = A->r0 + tr;
  size_t cells = (size_t)GH * (size_t)H;
  int switch_at = T;
  if (cells <= CUM_MATRIX_MAX) {
    double v0 = 2.0 * (double)cells / (double)(GH + H) + 1.0;
    if (v0 < T) switch_at = (int)v0;
  }
  double *S = NULL;
  double s2 = 0;
  for (int v = 0; v < T; v++) {
    const float *g, *hp;
    bptt_term(A, row, v, &g, &hp);
    if (v == switch_at && (S = calloc(cells, sizeof *S)) != NULL)
      for (int u = 0; u < v; u++) {
        const float *gu, *hu;
        bptt_term(A, row, u, &gu, &hu);
        cum_update(S, gu, hu, GH, H);
      }
    double cross = 0;
    if (S) {
      cross = cum_update(S, g, hp, GH, H);
    } else {
      for (int u = 0; u < v; u++) {
        const float *gu, *hu;
        bptt_term(A, row, u, &gu, &hu);
        cross += dot(g, gu, GH) * dot(hp, hu, H);
      }
    }
    s2 += 2.0 * cross + dot(g, g, GH) * dot(hp, hp, H);
    A->dwhh_cum_norm[A->d ? v : T - 1 - v] = (float)sqrt(s2 > 0 ? s2 : 0);
  }
  free(S);
}

/* Walks time backwards for one direction, producing dg_ih / dg_hh for every step. */
static void bptt(const bptt_args *A) {
  int T = A->T, Bs = A->Bs, H = A->H, G = A->G, GH = G * H, n = A->n, r0 = A->r0;
  memset(A->dh + (size_t)r0 * H, 0, sizeof(float) * (size_t)n * H);
  memset(A->dc + (size_t)r0 * H, 0, sizeof(float) * (size_t)n * H);
  for (int step = T - 1; step >= 0; step--) {
    int t = A->d ? T - 1 - step : step;
    int tp = A->d ? t + 1 : t - 1; /* the step whose state fed this one (-1 or T: initial state) */
    int first = step == 0;
    size_t o = (size_t)t * Bs + r0, op = (size_t)tp * Bs + r0;
    float *dh = A->dh + (size_t)r0 * H, *dc = A->dc + (size_t)r0 * H;
    rl_phase_mark(A->clk, RL_PHASE_GATES);
    /* dh(t) = from the output + from step t+1 (already in dh) */
    for (int b = 0; b < n; b++) {
      const float *g = A->dy + (o + b) * A->DH + (size_t)A->d * H;
      float *db = dh + (size_t)b * H;
      for (int j = 0; j < H; j++) db[j] += g[j];
    }
    const float *h_prev = first ? A->h0 + (size_t)r0 * H : A->a->h + op * H;
    float *dgi = A->dg_ih + o * GH, *dgh = A->dg_hh + o * GH;
    int tr = A->trace_row >= r0 && A->trace_row < r0 + n ? A->trace_row - r0 : -1;
    if (tr >= 0 && A->dh_norm) A->dh_norm[t] = norm2(dh + (size_t)tr * H, H);
    if (A->cell == RL_CELL_RNN) {
      rl_rnn_step_backward(A->nonlin, n, H, A->a->pre + o * GH, dh, dgi);
      /* dh(t-1) = dg W_hh */
      rl_phase_mark(A->clk, RL_PHASE_RECURRENT);
      rl_sgemm_packed(0, n, 1.0f, dgi, GH, A->w_hh, 0.0f, dh, H);
    } else if (A->cell == RL_CELL_LSTM) {
      const float *c_prev = first ? A->c0 + (size_t)r0 * H : A->a->c + op * H;
      /* the step that used c(t), processed just before this one: its forget gate carries dc back */
      int tn = A->d ? t - 1 : t + 1;
      const float *f_next = step == T - 1 ? NULL : A->a->pre + ((size_t)tn * Bs + r0) * GH + H;
      rl_lstm_step_backward(t >= A->clamps->from_t ? A->clamps : NULL, n, H, A->a->pre + o * GH, A->a->aux + o * H,
                            c_prev, f_next, dh, dc, dgi);
      if (tr >= 0 && A->dc_norm) A->dc_norm[t] = norm2(dc + (size_t)tr * H, H);
      rl_phase_mark(A->clk, RL_PHASE_RECURRENT);
      rl_sgemm_packed(0, n, 1.0f, dgi, GH, A->w_hh, 0.0f, dh, H);
    } else { /* GRU */
      rl_gru_step_backward(n, H, A->a->pre + o * GH, A->a->aux + o * H, h_prev, dh, dgi, dgh);
      rl_phase_mark(A->clk, RL_PHASE_RECURRENT);
      rl_sgemm_packed(0, n, 1.0f, dgh, GH, A->w_hh, 1.0f, dh, H);
    }
    if (tr >= 0 && A->dwhh_norm) A->dwhh_norm[t] = norm2(dgh + (size_t)tr * GH, GH) * norm2(h_prev + (size_t)tr * H, H);
  }
  int tr = A->trace_row >= r0 && A->trace_row < r0 + n ? A->trace_row - r0 : -1;
  rl_phase_mark(A->clk, RL_PHASE_OTHER);
  if (tr >= 0 && A->dwhh_cum_norm) bptt_cum_norms(A, tr);
}

/* Column sums of x [rows][n] added into out [n]. */
static void add_colsum(float *out, const float *x, size_t rows, int n) {
  for (size_t r = 0; r < rows; r++)
    for (int j = 0; j < n; j++) out[j] += x[r * n + j];
}

typedef struct {
  int probe;          /* 1: J_last pass for the traced row only, no weight gradients */
  int row;            /* probe / trace row inside the shard (-1 none) */
  int probe_t;        /* probe: the scored position */
  float inv_count;    /* 1 / total scored positions of the batch */
} backward_mode;

static void shard_backward(rl_model *m, rl_shard *s, int T, const backward_mode *mode) {
  const rl_config *c = &m->cfg;
  int L = c->layers, D = m->D, H = c->hidden, G = m->G, E = c->embed, C = c->classes, Bs = s->Bs;
  int GH = G * H, DH = D * H, final = c->head == RL_HEAD_FINAL;
  size_t rows = (size_t)T * Bs;
  float *gr = s->grads;
  int r0 = mode->probe ? mode->row : 0, n = mode->probe ? 1 : Bs;
  rl_trace *tr = &m->trace;
  int traced = mode->row >= 0;
  /* dlogits = (p - onehot(target)) / count  (probe: unscaled, one position) */
  rl_phase_mark(&s->clk, RL_PHASE_HEAD);
  size_t lrows = final ? (size_t)Bs : rows;
  memset(s->dlogits, 0, sizeof(float) * lrows * C);
  if (mode->probe) {
    size_t r = final ? (size_t)mode->row : (size_t)mode->probe_t * Bs + mode->row;
    int tgt = final ? s->targets[mode->row] : s->targets[(size_t)mode->row * T + mode->probe_t];
    float *dl = s->dlogits + r * C;
    memcpy(dl, s->probs + r * C, sizeof(float) * (size_t)C);
    if (tgt >= 0) dl[tgt] -= 1.0f; /* always true: the probe runs at a scored position */
  } else {
    for (size_t r = 0; r < lrows; r++) {
      int tgt = final ? s->targets[r] : s->targets[(r % Bs) * T + r / Bs];
      if (tgt < 0) continue;
      float *dl = s->dlogits + r * C;
      const float *p = s->probs + r * C;
      for (int j = 0; j < C; j++) dl[j] = p[j] * mode->inv_count;
      dl[tgt] -= mode->inv_count;
    }
  }
  /* head: logits = x W^T + b */
  const float *x_top = s->y[L - 1];
  float *dy = s->dy[L - 1];
  const rl_tensor_info *tw = &m->tensors[m->ntensors - 2], *tb = &m->tensors[m->ntensors - 1];
  if (final) {
    if (!mode->probe) {
      rl_sgemm(1, 0, C, DH, Bs, 1.0f, s->dlogits, C, s->feat, DH, 1.0f, gr + tw->offset, DH);
      add_colsum(gr + tb->offset, s->dlogits, (size_t)Bs, C);
    }
    memset(dy, 0, sizeof(float) * rows * DH);
    rl_sgemm(0, 0, Bs, DH, C, 1.0f, s->dlogits, C, m->head_w, DH, 0.0f, s->dfeat, DH);
    for (int b = 0; b < Bs; b++) {
      const float *f = s->dfeat + (size_t)b * DH;
      float *last = dy + ((size_t)(T - 1) * Bs + b) * DH, *firstrow = dy + (size_t)b * DH;
      for (int j = 0; j < H; j++) last[j] += f[j];
      if (D == 2)
        for (int j = 0; j < H; j++) firstrow[H + j] += f[H + j];
    }
  } else {
    if (!mode->probe) {
      rl_sgemm(1, 0, C, DH, (int)rows, 1.0f, s->dlogits, C, x_top, DH, 1.0f, gr + tw->offset, DH);
      add_colsum(gr + tb->offset, s->dlogits, rows, C);
      rl_sgemm(0, 0, (int)rows, DH, C, 1.0f, s->dlogits, C, m->head_w, DH, 0.0f, dy, DH);
    } else {
      /* only the traced row's positions: stride Bs rows between timesteps */
      memset(dy, 0, sizeof(float) * rows * DH);
      rl_sgemm(0, 0, T, DH, C, 1.0f, s->dlogits + (size_t)r0 * C, Bs * C, m->head_w, DH, 0.0f,
               dy + (size_t)r0 * DH, Bs * DH);
    }
  }
  /* recurrent stack, top to bottom */
  for (int l = L - 1; l >= 0; l--) {
    const float *x = l == 0 ? s->emb : s->y[l - 1];
    int in = l == 0 ? E : DH;
    int table = l == 0 && s->use_table;
    float *dx = l == 0 ? (mode->probe || (table && !m->keep_input_grad) ? NULL : s->demb) : s->dy[l - 1];
    dy = s->dy[l];
    for (int d = 0; d < D; d++) {
      int ld = l * D + d;
      const rl_rnn_params *p = &m->rnn[ld];
      const rl_tensor_info *ti = &m->tensors[1 + 4 * ld];
      bptt_args A = {0};
      A.T = T;
      A.Bs = Bs;
      A.H = H;
      A.G = G;
      A.d = d;
      A.r0 = r0;
      A.n = n;
      A.cell = c->cell;
      A.nonlin = c->nonlin;
      A.clamps = &m->clamps;
      A.a = &s->acts[ld];
      A.h0 = init_state(s->h0, ld, Bs, H);
      A.c0 = init_state(s->c0, ld, Bs, H);
      rl_phase_mark(&s->clk, RL_PHASE_RECURRENT);
      rl_sgemm_pack_b(&s->w_hh_pk, n, 0, GH, H, p->w_hh, H);
      A.w_hh = &s->w_hh_pk;
      A.clk = &s->clk;
      A.dy = dy;
      A.DH = DH;
      A.dg_ih = s->dg_ih;
      A.dg_hh = c->cell == RL_CELL_GRU ? s->dg_hh : s->dg_ih;
      A.dh = s->dh;
      A.dc = s->dc;
      A.trace_row = mode->row;
      if (traced) {
        size_t off = (size_t)ld * T;
        if (mode->probe) {
          A.dh_norm = tr->dhT_norm + off;
        } else {
          A.dh_norm = tr->dh_norm + off;
          A.dc_norm = tr->dc_norm + off;
          A.dwhh_norm = tr->dwhh_norm + off;
          A.dwhh_cum_norm = tr->dwhh_cum_norm + off;
        }
      }
      bptt(&A);
      rl_phase_mark(&s->clk, RL_PHASE_WGRAD);
      if (!mode->probe) {
        /* weight gradients: one product over all timesteps; bias gradients: column sums of dG */
        float *db = s->hh; /* [GH] scratch: the column sums of dg_ih */
        memset(db, 0, sizeof(float) * (size_t)GH);
        if (table) {
          /* S[v] = sum of dG rows whose token is v; then dW_ih += S^T E and dE += S W_ih */
          float *S = s->tok_grad;
          memset(S, 0, sizeof(float) * (size_t)c->vocab * GH);
          for (int t = 0; t < T; t++)
            for (int b = 0; b < Bs; b++) {
              const float *g = s->dg_ih + ((size_t)t * Bs + b) * GH;
              float *dst = S + (size_t)s->tokens[(size_t)b * T + t] * GH;
              for (int j = 0; j < GH; j++) dst[j] += g[j];
            }
          rl_sgemm(1, 0, GH, E, c->vocab, 1.0f, S, GH, m->embedding, E, 1.0f, gr + ti[0].offset, E);
          rl_sgemm(0, 0, c->vocab, E, GH, 1.0f, S, GH, p->w_ih, E, 1.0f, gr + m->tensors[0].offset, E);
          add_colsum(db, S, (size_t)c->vocab, GH); /* S's V rows hold the same column sums */
        } else {
          rl_sgemm(1, 0, GH, in, (int)rows, 1.0f, s->dg_ih, GH, x, in, 1.0f, gr + ti[0].offset, in);
          add_colsum(db, s->dg_ih, rows, GH);
        }
        const float *h = s->acts[ld].h;
        size_t rest = rows - Bs; /* steps whose previous state is a computed h */
        if (rest > 0) {
          if (d == 0) /* step t uses h(t-1): dg rows t=1..T-1 with h rows 0..T-2 */
            rl_sgemm(1, 0, GH, H, (int)rest, 1.0f, A.dg_hh + (size_t)Bs * GH, GH, h, H, 1.0f, gr + ti[1].offset, H);
          else /* reverse: step t uses h(t+1) */
            rl_sgemm(1, 0, GH, H, (int)rest, 1.0f, A.dg_hh, GH, h + (size_t)Bs * H, H, 1.0f, gr + ti[1].offset, H);
        }
        const float *dg_first = A.dg_hh + (d == 0 ? 0 : rest * GH); /* the step fed by h0 */
        rl_sgemm(1, 0, GH, H, Bs, 1.0f, dg_first, GH, A.h0, H, 1.0f, gr + ti[1].offset, H);
        add_colsum(gr + ti[2].offset, db, 1, GH);
        if (A.dg_hh == s->dg_ih) /* LSTM, RNN: the same dG on both sides */
          add_colsum(gr + ti[3].offset, db, 1, GH);
        else
          add_colsum(gr + ti[3].offset, A.dg_hh, rows, GH);
      }
      /* gradient into this layer's input */
      if (dx) {
        if (!mode->probe)
          rl_sgemm(0, 0, (int)rows, in, GH, 1.0f, s->dg_ih, GH, p->w_ih, in, d ? 1.0f : 0.0f, dx, in);
        else
          rl_sgemm(0, 0, T, in, GH, 1.0f, s->dg_ih + (size_t)r0 * GH, Bs * GH, p->w_ih, in, d ? 1.0f : 0.0f,
                   dx + (size_t)r0 * in, Bs * in);
      }
    }
    rl_phase_mark(&s->clk, RL_PHASE_OTHER);
    if (c->residual && l > 0 && dx) {
      if (!mode->probe)
        for (size_t i = 0; i < rows * DH; i++) dx[i] += dy[i];
      else
        for (int t = 0; t < T; t++)
          for (int j = 0; j < DH; j++) dx[((size_t)t * Bs + r0) * DH + j] += dy[((size_t)t * Bs + r0) * DH + j];
    }
  }
  if (!mode->probe && !s->use_table) {
    /* embedding: scatter-add the input gradient */
    float *ge = gr + m->tensors[0].offset;
    for (int t = 0; t < T; t++)
      for (int b = 0; b < Bs; b++) {
        const float *g = s->demb + ((size_t)t * Bs + b) * E;
        float *dst = ge + (size_t)s->tokens[(size_t)b * T + t] * E;
        for (int j = 0; j < E; j++) dst[j] += g[j];
      }
  }
}

/* ---- threads ---- */

typedef struct {
  rl_model *m;
  rl_shard *s;
  int T;
  int backward;
  backward_mode mode;
  double busy, flops; /* out: CPU seconds the job ran (when timed), FLOPs it executed */
} job;

static void *run_job(void *arg) {
  job *j = arg;
  rl_shard *s = j->s;
  rl_phase_start(&s->clk, j->m->prof.timed ? &s->prof : NULL, RL_PHASE_OTHER);
  double t0 = s->clk.t, f0 = s->clk.f;
  if (j->backward) {
    memset(s->grads, 0, sizeof(float) * j->m->nparams);
    shard_backward(j->m, s, j->T, &j->mode);
  } else {
    shard_forward(j->m, s, j->T);
  }
  rl_phase_mark(&s->clk, RL_PHASE_OTHER);
  j->busy = s->clk.t - t0;
  j->flops = rl_sgemm_flops() - f0;
  s->clk.p = NULL;
  return NULL;
}

/* Runs every shard's job, one thread each (shard 0 on the calling thread). When timed, each shard's
 * phases go into the model's profile, and what its thread ran less than the busiest one to idle. */
static int run_shards(rl_model *m, job *jobs, rl_error *err) {
  pthread_t th[64];
  int started = 0, fail = 0;
  for (int i = 1; i < m->nshards; i++) {
    if (pthread_create(&th[i], NULL, run_job, &jobs[i]) != 0) {
      fail = 1;
      break;
    }
    started = i;
  }
  run_job(&jobs[0]);
  for (int i = 1; i <= started; i++) pthread_join(th[i], NULL);
  if (fail) { /* run what could not be started here, so the result is still complete */
    for (int i = started + 1; i < m->nshards; i++) run_job(&jobs[i]);
  }
  double busiest = 0;
  for (int i = 0; i < m->nshards; i++) busiest = jobs[i].busy > busiest ? jobs[i].busy : busiest;
  for (int i = 0; i < m->nshards; i++) {
    rl_shard *s = &m->shards[i];
    m->prof.flops_executed += jobs[i].flops;
    if (!m->prof.timed) continue;
    rl_profile_add(&m->prof, &s->prof);
    m->prof.seconds[RL_PHASE_IDLE] += busiest - jobs[i].busy;
    memset(&s->prof, 0, sizeof s->prof);
  }
  (void)err;
  return 0;
}

/* Start and end of work the calling thread does alone: its FLOPs are counted, and when timed its
 * time is charged to phase p and, for each other shard's thread, to idle. */
typedef struct {
  double t, f;
} serial_clock;

static serial_clock serial_start(const rl_model *m) {
  return (serial_clock){m->prof.timed ? rl_thread_seconds() : 0, rl_sgemm_flops()};
}

static void serial_done(rl_model *m, rl_phase p, serial_clock c) {
  double df = rl_sgemm_flops() - c.f;
  m->prof.flops_executed += df;
  if (!m->prof.timed) return;
  double dt = rl_thread_seconds() - c.t;
  m->prof.flops[p] += df;
  m->prof.seconds[p] += dt;
  m->prof.seconds[RL_PHASE_IDLE] += dt * (m->nshards - 1);
}

/* ---- public ---- */

/* Layer 0's input projection of every vocabulary row, W_ih e_v + biases, for each direction, once
 * per forward and before the shards start (they only read it). Only when some shard gathers. */
static int project_embedding_table(rl_model *m, rl_error *err) {
  int any = 0;
  for (int i = 0; i < m->nshards; i++) any |= m->shards[i].use_table;
  if (!any) return 0;
  const rl_config *c = &m->cfg;
  int GH = m->G * c->hidden, E = c->embed;
  if (!m->in_table) {
    m->in_table = falloc((size_t)m->D * c->vocab * GH); /* size fixed by the configuration */
    if (!m->in_table) return rl_fail(err, "out of memory for the embedding projection");
  }
  for (int d = 0; d < m->D; d++) {
    const rl_rnn_params *p = &m->rnn[d];
    float *table = m->in_table + (size_t)d * c->vocab * GH;
    rl_sgemm(0, 1, c->vocab, GH, E, 1.0f, m->embedding, E, p->w_ih, E, 0.0f, table, GH);
    add_bias_rows(table, p->b_ih, c->cell == RL_CELL_GRU ? NULL : p->b_hh, (size_t)c->vocab, GH);
  }
  return 0;
}

int rl_model_forward(rl_model *m, const rl_batch *bt, float *loss, rl_error *err) {
  const rl_config *c = &m->cfg;
  int B = bt->B, T = bt->T, H = c->hidden, LD = c->layers * m->D;
  serial_clock sc = serial_start(m);
  m->have_forward = 0;
  m->have_backward = 0;
  m->traced_row = -1;
  m->trace.valid = 0;
  if (B < 1 || B > RL_MAX_BATCH) return rl_fail(err, "batch size %d out of range (1..%d)", B, RL_MAX_BATCH);
  if (T < 1 || T > RL_MAX_TIME) return rl_fail(err, "sequence length %d out of range (1..%d)", T, RL_MAX_TIME);
  if (!bt->tokens || !bt->targets) return rl_fail(err, "batch has no tokens or targets");
  size_t bt_n = (size_t)B * T;
  for (size_t i = 0; i < bt_n; i++)
    if (bt->tokens[i] < 0 || bt->tokens[i] >= c->vocab)
      return rl_fail(err, "token id %d at position %zu is outside the vocabulary (0..%d)", bt->tokens[i], i,
                     c->vocab - 1);
  size_t nt = c->head == RL_HEAD_FINAL ? (size_t)B : bt_n;
  for (size_t i = 0; i < nt; i++)
    if (bt->targets[i] < -1 || bt->targets[i] >= c->classes)
      return rl_fail(err, "target %d at position %zu is outside the classes (-1 or 0..%d)", bt->targets[i], i,
                     c->classes - 1);
  if (m->trace_example >= B) return rl_fail(err, "trace example %d is outside the batch (%d rows)", m->trace_example, B);
  if (prepare(m, B, T, err)) return -1;
  serial_done(m, RL_PHASE_OTHER, sc);
  sc = serial_start(m);
  if (project_embedding_table(m, err)) return -1;
  serial_done(m, RL_PHASE_INPUT, sc);
  sc = serial_start(m);
  job jobs[64];
  for (int i = 0; i < m->nshards; i++) {
    rl_shard *s = &m->shards[i];
    int Bs = s->Bs;
    memcpy(s->tokens, bt->tokens + (size_t)s->b0 * T, sizeof(int) * (size_t)Bs * T);
    memcpy(s->targets, bt->targets + (c->head == RL_HEAD_FINAL ? (size_t)s->b0 : (size_t)s->b0 * T),
           sizeof(int) * (c->head == RL_HEAD_FINAL ? (size_t)Bs : (size_t)Bs * T));
    for (int ld = 0; ld < LD; ld++) {
      float *h0 = init_state(s->h0, ld, Bs, H), *c0 = init_state(s->c0, ld, Bs, H);
      size_t src = ((size_t)ld * B + s->b0) * H, n = (size_t)Bs * H;
      if (bt->h0) memcpy(h0, bt->h0 + src, n * sizeof(float));
      else memset(h0, 0, n * sizeof(float));
      if (bt->c0 && c->cell == RL_CELL_LSTM) memcpy(c0, bt->c0 + src, n * sizeof(float));
      else memset(c0, 0, n * sizeof(float));
    }
    jobs[i] = (job){m, s, T, 0, {0, -1, 0, 0.0f}, 0, 0};
  }
  serial_done(m, RL_PHASE_OTHER, sc);
  run_shards(m, jobs, err);
  sc = serial_start(m);
  double sum = 0;
  int count = 0;
  for (int i = 0; i < m->nshards; i++) {
    sum += m->shards[i].loss_sum;
    count += m->shards[i].nscored;
  }
  *loss = count ? (float)(sum / count) : 0.0f;
  /* final states (PyTorch h_n / c_n): forward direction at T-1, reverse at 0 */
  for (int i = 0; i < m->nshards; i++) {
    rl_shard *s = &m->shards[i];
    for (int ld = 0; ld < LD; ld++) {
      int t = (ld % m->D) ? 0 : T - 1;
      size_t n = (size_t)s->Bs * H, dst = ((size_t)ld * B + s->b0) * H;
      memcpy(m->h_n + dst, s->acts[ld].h + (size_t)t * s->Bs * H, n * sizeof(float));
      if (c->cell == RL_CELL_LSTM) memcpy(m->c_n + dst, s->acts[ld].c + (size_t)t * s->Bs * H, n * sizeof(float));
    }
  }
  m->have_forward = 1; /* a non-finite loss is returned as is: the caller decides what it means */
  if (m->trace_example >= 0) {
    if (trace_alloc(m, T)) return rl_fail(err, "out of memory for the trace");
    rl_trace *tr = &m->trace;
    int b = m->trace_example, G = m->G, C = c->classes;
    rl_shard *s = &m->shards[0];
    for (int i = 0; i < m->nshards; i++)
      if (b >= m->shards[i].b0 && b < m->shards[i].b0 + m->shards[i].Bs) s = &m->shards[i];
    int r = b - s->b0, Bs = s->Bs;
    tr->example = b;
    for (int ld = 0; ld < LD; ld++)
      for (int t = 0; t < T; t++) {
        size_t o = (size_t)t * Bs + r, dst = (size_t)ld * T + t;
        memcpy(tr->gates + dst * G * H, s->acts[ld].pre + o * G * H, sizeof(float) * (size_t)G * H);
        memcpy(tr->h + dst * H, s->acts[ld].h + o * H, sizeof(float) * (size_t)H);
        if (c->cell == RL_CELL_LSTM) memcpy(tr->c + dst * H, s->acts[ld].c + o * H, sizeof(float) * (size_t)H);
        else memset(tr->c + dst * H, 0, sizeof(float) * (size_t)H);
      }
    double ls = 0;
    int lc = 0;
    tr->last_scored = -1;
    if (c->head == RL_HEAD_FINAL) {
      memcpy(tr->probs, s->probs + (size_t)r * C, sizeof(float) * (size_t)C);
      int tgt = s->targets[r];
      if (tgt >= 0) {
        ls = s->row_loss[r];
        lc = 1;
        tr->last_scored = T - 1;
      }
    } else {
      for (int t = 0; t < T; t++) {
        const float *p = s->probs + ((size_t)t * Bs + r) * C;
        memcpy(tr->probs + (size_t)t * C, p, sizeof(float) * (size_t)C);
        int tgt = s->targets[(size_t)r * T + t];
        if (tgt >= 0) {
          ls += s->row_loss[(size_t)t * Bs + r];
          lc++;
          tr->last_scored = t;
        }
      }
    }
    tr->loss = lc ? (float)(ls / lc) : 0.0f;
    m->traced_row = b;
  }
  serial_done(m, RL_PHASE_OTHER, sc);
  return 0;
}

int rl_model_backward(rl_model *m, rl_error *err) {
  if (!m->have_forward) return rl_fail(err, "backward needs a forward pass of the same batch first");
  int T = m->T, count = 0;
  for (int i = 0; i < m->nshards; i++) count += m->shards[i].nscored;
  int b = m->traced_row; /* the row the forward traced, whatever trace_example says now */
  int trace = b >= 0 && m->trace.gates != NULL && m->trace.T == T;
  job jobs[64];
  for (int i = 0; i < m->nshards; i++) {
    rl_shard *s = &m->shards[i];
    int row = trace && b >= s->b0 && b < s->b0 + s->Bs ? b - s->b0 : -1;
    jobs[i] = (job){m, s, T, 1, {0, row, 0, count ? 1.0f / (float)count : 0.0f}, 0, 0};
  }
  if (trace) {
    size_t n = (size_t)m->trace.L * m->trace.D * T;
    memset(m->trace.dh_norm, 0, n * sizeof(float));
    memset(m->trace.dc_norm, 0, n * sizeof(float));
    memset(m->trace.dhT_norm, 0, n * sizeof(float));
    memset(m->trace.dwhh_norm, 0, n * sizeof(float));
    memset(m->trace.dwhh_cum_norm, 0, n * sizeof(float));
  }
  run_shards(m, jobs, err);
  /* sum shard gradients in order (shard 0 wrote into m->grads) */
  serial_clock sc = serial_start(m);
  for (int i = 1; i < m->nshards; i++) {
    const float *g = m->shards[i].grads;
    for (size_t k = 0; k < m->nparams; k++) m->grads[k] += g[k];
  }
  serial_done(m, RL_PHASE_REDUCE, sc);
  sc = serial_start(m);
  if (trace && m->trace.last_scored >= 0) {
    /* J_last probe: the traced row alone, its last scored position, weight gradients untouched */
    for (int i = 0; i < m->nshards; i++) {
      rl_shard *s = &m->shards[i];
      if (b < s->b0 || b >= s->b0 + s->Bs) continue;
      backward_mode mode = {1, b - s->b0, m->trace.last_scored, 1.0f};
      shard_backward(m, s, T, &mode);
    }
  }
  serial_done(m, RL_PHASE_OTHER, sc);
  if (trace) m->trace.valid = 1;
  m->have_backward = 1;
  return 0;
}

int rl_model_input_grad(const rl_model *m, float *out, rl_error *err) {
  if (!m->have_backward || !m->shards) return rl_fail(err, "no backward pass to read");
  for (int i = 0; i < m->nshards; i++)
    if (m->shards[i].use_table && !m->keep_input_grad)
      return rl_fail(err, "input gradients were not kept: set keep_input_grad before the backward pass");
  int T = m->T, E = m->cfg.embed;
  for (int i = 0; i < m->nshards; i++) {
    const rl_shard *s = &m->shards[i];
    for (int b = 0; b < s->Bs; b++)
      for (int t = 0; t < T; t++)
        memcpy(out + ((size_t)(s->b0 + b) * T + t) * E, s->demb + ((size_t)t * s->Bs + b) * E, sizeof(float) * (size_t)E);
  }
  return 0;
}

const float *rl_model_probs(const rl_model *m, int b, int t) {
  if (!m->have_forward || b < 0 || b >= m->B || t < 0 || t >= m->T) return NULL;
  int C = m->cfg.classes;
  for (int i = 0; i < m->nshards; i++) {
    const rl_shard *s = &m->shards[i];
    if (b < s->b0 || b >= s->b0 + s->Bs) continue;
    int r = b - s->b0;
    if (m->cfg.head == RL_HEAD_FINAL) return s->probs + (size_t)r * C;
    return s->probs + ((size_t)t * s->Bs + r) * C;
  }
  return NULL;
}
