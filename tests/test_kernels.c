/* The kernel sets of kernels.h forced one at a time: the portable C path (vector kernels off) and
 * every vector set this build and CPU have (on).
 *   - selection: RNNLAB_KERNELS is honoured on first use; rl_kernels_select takes every available
 *     set and refuses an unknown or unavailable one, naming what is available.
 *   - cells: every step function of cells.h gives bit-identical outputs in every set (the same
 *     operations in the same order: the engine is built with -ffp-contract=off and fuses only
 *     where the code says fmaf).
 *   - model: forward and backward passes of small 2-layer bidirectional LSTM, GRU and RNN models
 *     (batch 40: the packed product paths with W_hh packed once per pass; batch 3: the small-batch
 *     paths; a vocabulary small enough for the embedding-table shortcut and one too large) give the
 *     same loss and gradients in every set up to the order of float summation inside the products:
 *     each gradient tensor within 1e-5 of its largest entry (the parity tolerance of test_parity;
 *     the sets differ by about 1e-7), the loss within 1e-6 relative. A wrong kernel (a dropped
 *     column, a stale packed weight) is off by O(1).
 *   - reference: in every set, the forward step of each cell (LSTM, GRU, RNN with each nonlinearity)
 *     against the formulas of model.h written out naively in double precision with libm, within
 *     2e-6 absolute (states are O(1): fastmath's sigmoid and tanh are within 4e-7 relative of libm,
 *     see test_fastmath, and a state is a few such terms added in float; a wrong gate order or a
 *     missing term is off by O(0.1)).
 * test_sgemm checks every product path of every set against a double-precision reference. */
#define _POSIX_C_SOURCE 200809L
#include "cells.h"
#include "kernels.h"
#include "model.h"
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void fill(rl_rng *r, float *x, size_t n, float lo, float hi) {
  for (size_t i = 0; i < n; i++) x[i] = rl_rng_uniform_range(r, lo, hi);
}

static int select_set(rl_kernels k) {
  rl_error err;
  return rl_kernels_select(rl_kernels_name(k), &err) == 0;
}

/* ---- cells: bit-identical in every set ---- */

enum { CB = 3, CH = 37 }; /* rows, hidden (not a multiple of any vector width: tails run too) */

typedef struct {
  float pre[CB * 4 * CH], c[CB * CH], tc[CB * CH], h[CB * CH], aux[CB * CH];
  float dh[CB * CH], dc[CB * CH], dgi[CB * 4 * CH], dgh[CB * 4 * CH], rnn_dg[3 * CB * CH];
} cell_out;

/* Runs every step function on fixed random inputs with the active set. */
static void run_cells(cell_out *o) {
  rl_rng r;
  rl_rng_seed(&r, 77);
  float pre0[CB * 4 * CH], hh[CB * 3 * CH], prev[CB * CH], cprev[CB * CH], dh0[CB * CH], dc0[CB * CH];
  float fnext[CB * 4 * CH];
  fill(&r, pre0, CB * 4 * CH, -6, 6);
  fill(&r, hh, CB * 3 * CH, -3, 3);
  fill(&r, prev, CB * CH, -1, 1);
  fill(&r, cprev, CB * CH, -2, 2);
  fill(&r, dh0, CB * CH, -1, 1);
  fill(&r, dc0, CB * CH, -1, 1);
  fill(&r, fnext, CB * 4 * CH, 0, 1);
  memset(o, 0, sizeof *o);
  rl_clamps keep = {{NAN, 1.0f, NAN, NAN}, 0};
  memcpy(o->pre, pre0, sizeof pre0);
  rl_lstm_step_forward(&keep, CB, CH, o->pre, cprev, o->c, o->tc, o->h);
  memcpy(o->dh, dh0, sizeof dh0);
  memcpy(o->dc, dc0, sizeof dc0);
  rl_lstm_step_backward(NULL, CB, CH, o->pre, o->tc, cprev, fnext, o->dh, o->dc, o->dgi);
  float pre_g[CB * 3 * CH];
  memcpy(pre_g, pre0, sizeof pre_g);
  rl_gru_step_forward(CB, CH, pre_g, hh, prev, o->aux, o->h);
  rl_gru_step_backward(CB, CH, pre_g, o->aux, prev, o->dh, o->dgi + CB * CH, o->dgh);
  for (int a = 0; a < 3; a++) {
    float pre_r[CB * CH], hr[CB * CH];
    memcpy(pre_r, pre0, sizeof pre_r);
    rl_rnn_step_forward((rl_nonlin)a, CB, CH, pre_r, hr);
    rl_rnn_step_backward((rl_nonlin)a, CB, CH, pre_r, dh0, o->rnn_dg + (size_t)a * CB * CH);
    for (int i = 0; i < CB * CH; i++) o->aux[i] += hr[i];
  }
}

/* ---- reference: the forward formulas of model.h in double precision ---- */

static double sig(double x) { return 1.0 / (1.0 + exp(-x)); }

/* Largest |got - want| of the forward step of every cell with the active set. */
static double forward_vs_reference(void) {
  rl_rng r;
  rl_rng_seed(&r, 5);
  float pre[CB * 4 * CH], hh[CB * 3 * CH], prev[CB * CH], cprev[CB * CH];
  float act[CB * 4 * CH], c[CB * CH], tc[CB * CH], h[CB * CH], aux[CB * CH];
  fill(&r, pre, CB * 4 * CH, -6, 6);
  fill(&r, hh, CB * 3 * CH, -3, 3);
  fill(&r, prev, CB * CH, -1, 1);
  fill(&r, cprev, CB * CH, -2, 2);
  double worst = 0;
  memcpy(act, pre, sizeof pre); /* LSTM: gates i f g o */
  rl_lstm_step_forward(NULL, CB, CH, act, cprev, c, tc, h);
  for (int b = 0; b < CB; b++)
    for (int j = 0; j < CH; j++) {
      const float *p = pre + (size_t)b * 4 * CH;
      double cc = sig(p[CH + j]) * cprev[b * CH + j] + sig(p[j]) * tanh(p[2 * CH + j]);
      worst = fmax(worst, fabs(c[b * CH + j] - cc));
      worst = fmax(worst, fabs(h[b * CH + j] - sig(p[3 * CH + j]) * tanh(cc)));
    }
  memcpy(act, pre, sizeof(float) * CB * 3 * CH); /* GRU: r z n, n = tanh(x_n + r * hh_n) */
  rl_gru_step_forward(CB, CH, act, hh, prev, aux, h);
  for (int b = 0; b < CB; b++)
    for (int j = 0; j < CH; j++) {
      const float *p = pre + (size_t)b * 3 * CH, *q = hh + (size_t)b * 3 * CH;
      double rr = sig(p[j] + q[j]), z = sig(p[CH + j] + q[CH + j]);
      double n = tanh(p[2 * CH + j] + rr * q[2 * CH + j]);
      worst = fmax(worst, fabs(h[b * CH + j] - ((1 - z) * n + z * prev[b * CH + j])));
    }
  for (int a = 0; a < 3; a++) { /* RNN: tanh, relu, sigmoid */
    memcpy(act, pre, sizeof(float) * CB * CH);
    rl_rnn_step_forward((rl_nonlin)a, CB, CH, act, h);
    for (int i = 0; i < CB * CH; i++) {
      double want = a == RL_ACT_TANH ? tanh(pre[i]) : a == RL_ACT_RELU ? fmax(pre[i], 0.0) : sig(pre[i]);
      worst = fmax(worst, fabs(h[i] - want));
    }
  }
  return worst;
}

/* ---- model: the same passes in every set ---- */

typedef struct {
  float loss;
  float *grads;
  size_t n;
} pass_out;

static void run_model(rl_cell cell, int B, int vocab, pass_out *out, rl_model **keep) {
  rl_config c = rl_config_default();
  c.cell = cell;
  c.layers = 2;
  c.bidirectional = 1;
  c.vocab = c.classes = vocab;
  c.embed = 24;
  c.hidden = 40;
  rl_model *m;
  rl_error err;
  CHECK(rl_model_create(&c, &m, &err) == 0);
  rl_init_opts io = rl_init_default(3);
  CHECK(rl_model_init_params(m, &io, &err) == 0);
  int T = 7, tokens[40 * 7], targets[40 * 7];
  rl_rng r;
  rl_rng_seed(&r, 11);
  for (int i = 0; i < B * T; i++) tokens[i] = rl_rng_int(&r, vocab), targets[i] = rl_rng_int(&r, vocab);
  float h0[2 * 2 * 40 * 40], c0[2 * 2 * 40 * 40];
  fill(&r, h0, (size_t)4 * B * 40, -0.5f, 0.5f);
  fill(&r, c0, (size_t)4 * B * 40, -0.5f, 0.5f);
  rl_batch b = {B, T, tokens, targets, h0, c0};
  CHECK(rl_model_forward(m, &b, &out->loss, &err) == 0);
  CHECK(rl_model_backward(m, &err) == 0);
  out->n = m->nparams;
  out->grads = malloc(sizeof(float) * m->nparams);
  memcpy(out->grads, m->grads, sizeof(float) * m->nparams);
  *keep = m;
}

/* Largest |a - ref| over one tensor, relative to the tensor's largest |ref|. */
static double tensor_err(const float *a, const float *ref, size_t n) {
  double d = 0, mx = 0;
  for (size_t i = 0; i < n; i++) {
    if (!isfinite(a[i])) return INFINITY;
    d = fmax(d, fabs((double)a[i] - ref[i]));
    mx = fmax(mx, fabs((double)ref[i]));
  }
  return mx > 0 ? d / mx : d;
}

int main(void) {
  /* the environment variable, read on first use */
  setenv("RNNLAB_KERNELS", "portable", 1);
  CHECKF(rl_kernels_active() == RL_KERNELS_PORTABLE, "RNNLAB_KERNELS=portable gave %s",
         rl_kernels_name(rl_kernels_active()));
  unsetenv("RNNLAB_KERNELS");

  rl_error err;
  CHECK(rl_kernels_available(RL_KERNELS_PORTABLE));
  CHECK(rl_kernels_select("sse9", &err) != 0 && strstr(err.msg, "sse9") && strstr(err.msg, "portable"));
  CHECK(rl_kernels_select("auto", &err) == 0);
  rl_kernels best = rl_kernels_active();
  printf("kernel sets in this build on this CPU:");
  for (int k = 0; k < RL_KERNELS_COUNT; k++) {
    int avail = rl_kernels_available((rl_kernels)k);
    if (avail) printf(" %s", rl_kernels_name((rl_kernels)k));
    CHECKF(select_set((rl_kernels)k) == avail, "selecting %s", rl_kernels_name((rl_kernels)k));
    if (avail) CHECK(rl_kernels_active() == (rl_kernels)k);
    if (avail) CHECK(best >= (rl_kernels)k); /* auto picks the best */
  }
  printf(" (auto: %s)\n", rl_kernels_name(best));
#if !RL_X86_KERNELS
  CHECK(!rl_kernels_available(RL_KERNELS_AVX2) && !rl_kernels_available(RL_KERNELS_AVX512));
#endif

  /* cells: each set against the double-precision formulas, then against each other */
  for (int k = 0; k < RL_KERNELS_COUNT; k++) {
    if (!select_set((rl_kernels)k)) continue;
    double e = forward_vs_reference();
    CHECKF(e <= 2e-6, "%s: a cell's forward step is %.3g from the reference", rl_kernels_name((rl_kernels)k), e);
    printf("%-8s cells' forward steps vs double-precision reference: largest difference %.2g\n",
           rl_kernels_name((rl_kernels)k), e);
  }
  static cell_out ref, got;
  select_set(RL_KERNELS_PORTABLE);
  run_cells(&ref);
  for (int k = 1; k < RL_KERNELS_COUNT; k++) {
    if (!select_set((rl_kernels)k)) continue;
    run_cells(&got);
    CHECKF(memcmp(&ref, &got, sizeof ref) == 0, "cells: %s differs from portable", rl_kernels_name((rl_kernels)k));
  }

  /* model */
  static const struct {
    int B, vocab;
  } shapes[] = {{40, 13}, {3, 13}, {40, 400}};
  for (int cell = 0; cell < 3; cell++)
    for (size_t si = 0; si < sizeof shapes / sizeof shapes[0]; si++) {
      pass_out base;
      rl_model *mref;
      select_set(RL_KERNELS_PORTABLE);
      run_model((rl_cell)cell, shapes[si].B, shapes[si].vocab, &base, &mref);
      for (int k = 1; k < RL_KERNELS_COUNT; k++) {
        if (!select_set((rl_kernels)k)) continue;
        pass_out o;
        rl_model *m;
        run_model((rl_cell)cell, shapes[si].B, shapes[si].vocab, &o, &m);
        double worst = 0;
        const char *where = "";
        for (int t = 0; t < m->ntensors; t++) {
          const rl_tensor_info *ti = &m->tensors[t];
          double e = tensor_err(o.grads + ti->offset, base.grads + ti->offset, ti->numel);
          if (e > worst) worst = e, where = ti->name;
        }
        CHECKF(worst <= 1e-5, "%s batch %d vocab %d, %s vs portable: gradient %s off by %.3g",
               rl_cell_name((rl_cell)cell), shapes[si].B, shapes[si].vocab, rl_kernels_name((rl_kernels)k), where,
               worst);
        CHECKF(test_close(o.loss, base.loss, 1e-6, 0), "%s batch %d: loss %.9g vs %.9g", rl_cell_name((rl_cell)cell),
               shapes[si].B, o.loss, base.loss);
        printf("%-4s batch %2d vocab %3d: %-6s vs portable: largest gradient difference %.2g (%s)\n",
               rl_cell_name((rl_cell)cell), shapes[si].B, shapes[si].vocab, rl_kernels_name((rl_kernels)k), worst,
               where);
        free(o.grads);
        rl_model_free(m);
      }
      free(base.grads);
      rl_model_free(mref);
    }
  select_set(best);
  return test_summary("test_kernels");
}
