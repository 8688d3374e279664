/* The trace's running-sum norms of dJ/dW_hh and the cost of a traced pass.
 *
 * Values: for a batch of one, the running sum after the backward pass has visited every step is the
 * whole dJ/dW_hh, so its norm must equal the norm of the W_hh gradient (relative 1e-4: float
 * gradients summed in another order); the first value is that step's own term; every value obeys
 * the triangle inequality against the previous one and the new term (relative 1e-4 slack). Checked
 * for every cell, both directions, a short sequence (T < 2H: sums over pairs of terms) and a long
 * one (T > 2H: the running-sum matrix), so both ways of computing it are covered.
 *
 * Cost: a traced pass used to cost time quadratic in T (render --distance 16000: 32 s). The CPU
 * time of a traced forward+backward at T = 16000 against T = 2000 (best of 5 each) must grow by
 * less than 24x: 8x is linear, 64x quadratic; the margin absorbs timer noise and a loaded machine. */
#define _POSIX_C_SOURCE 200809L
#include "model.h"
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static rl_model *make(rl_cell cell, int bidir, int H) {
  rl_config c = rl_config_default();
  c.cell = cell;
  c.vocab = 7;
  c.embed = 4;
  c.hidden = H;
  c.classes = 7;
  c.bidirectional = bidir;
  rl_model *m = NULL;
  rl_error err = {{0}};
  CHECKF(rl_model_create(&c, &m, &err) == 0, "%s", err.msg);
  rl_init_opts io = rl_init_default(5);
  if (m) CHECK(rl_model_init_params(m, &io, &err) == 0);
  return m;
}

static int traced_pass(rl_model *m, int T) {
  int *tok = malloc(sizeof(int) * (size_t)T), *tgt = malloc(sizeof(int) * (size_t)T);
  for (int t = 0; t < T; t++) tok[t] = (t * 5 + 1) % 7, tgt[t] = (t * 3 + 2) % 7;
  rl_batch b = {1, T, tok, tgt, NULL, NULL};
  rl_error err = {{0}};
  float loss;
  m->trace_example = 0;
  int rc = rl_model_forward(m, &b, &loss, &err) || rl_model_backward(m, &err);
  if (rc) fprintf(stderr, "%s\n", err.msg);
  free(tok);
  free(tgt);
  return rc;
}

static void check_cum(rl_cell cell, int bidir, int T) {
  int H = 5;
  rl_model *m = make(cell, bidir, H);
  if (!m || traced_pass(m, T) != 0) {
    CHECK(0);
    rl_model_free(m);
    return;
  }
  const rl_trace *tr = &m->trace;
  for (int d = 0; d < m->D; d++) {
    const float *cum = tr->dwhh_cum_norm + (size_t)d * T, *term = tr->dwhh_norm + (size_t)d * T;
    const rl_tensor_info *ti = rl_model_find_tensor(m, d ? "rnn.weight_hh_l0_reverse" : "rnn.weight_hh_l0");
    double s = 0;
    for (size_t i = 0; ti && i < ti->numel; i++) s += (double)m->grads[ti->offset + i] * m->grads[ti->offset + i];
    int first = d ? 0 : T - 1, last = d ? T - 1 : 0; /* the steps the pass visits first and last */
    CHECKF(test_close(cum[last], sqrt(s), 1e-4, 1e-9), "%s d%d T%d: last %g vs ||dJ/dW_hh|| %g", rl_cell_name(cell),
           d, T, (double)cum[last], sqrt(s));
    CHECKF(test_close(cum[first], term[first], 1e-5, 1e-12), "%s d%d T%d: first %g vs its term %g", rl_cell_name(cell),
           d, T, (double)cum[first], (double)term[first]);
    int bad = 0;
    for (int v = 1; v < T; v++) {
      int t = d ? v : T - 1 - v, tp = d ? v - 1 : T - v;
      double hi = (double)cum[tp] + term[t], lo = fabs((double)cum[tp] - term[t]);
      if (!(cum[t] <= hi * (1 + 1e-4) + 1e-12 && cum[t] >= lo * (1 - 1e-4) - 1e-12)) bad++;
    }
    CHECKF(bad == 0, "%s d%d T%d: %d steps break the triangle inequality", rl_cell_name(cell), d, T, bad);
  }
  rl_model_free(m);
}

static double cpu_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double best_of_5(rl_model *m, int T) {
  double best = 1e30;
  for (int r = 0; r < 5; r++) {
    double t0 = cpu_s();
    if (traced_pass(m, T) != 0) return -1;
    double dt = cpu_s() - t0;
    if (dt < best) best = dt;
  }
  return best;
}

static void check_cost(void) {
  rl_model *m = make(RL_CELL_GRU, 0, 8);
  if (!m) return;
  double a = best_of_5(m, 2000), b = best_of_5(m, 16000);
  printf("traced pass, GRU H=8: T=2000 %.4f s, T=16000 %.4f s, ratio %.1f (linear 8, quadratic 64)\n", a, b, b / a);
  CHECKF(a > 0 && b > 0 && b / a < 24.0, "T x8 made the traced pass %.1fx slower", b / a);
  rl_model_free(m);
}

int main(void) {
  const rl_cell cells[] = {RL_CELL_RNN, RL_CELL_LSTM, RL_CELL_GRU};
  for (int c = 0; c < 3; c++)
    for (int bidir = 0; bidir < 2; bidir++) {
      check_cum(cells[c], bidir, 6);   /* T < 2H: pairs of terms */
      check_cum(cells[c], bidir, 80);  /* T > 2H: the running-sum matrix */
    }
  check_cost();
  return test_summary("test_trace");
}
