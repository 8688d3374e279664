/* Finite-difference gradient checks of the whole model: every parameter tensor and the embedded
 * inputs, for every cell (RNN tanh/relu/sigmoid, LSTM, GRU) x layers {1,2} x uni/bidirectional x
 * head {step, final}, residual on/off (2 layers), LSTM gate clamps, and truncated BPTT (a second
 * chunk that starts from the first chunk's carried state).
 *
 * Tolerance: central differences in float32 with eps = 1e-2. The truncation error is O(eps^2)
 * (about 1e-4 relative for these smooth functions) and the loss is computed with ~1e-7 relative
 * rounding, which after dividing by 2*eps gives ~1e-5 absolute noise. We accept
 * |fd - analytic| <= 3e-4 + 2e-2 * max(|fd|, |analytic|): any wrong formula (a missing term, a wrong
 * gate, a transposed product) shows up as an O(1) relative error, far outside that band.
 * ReLU has kinks: an element whose perturbation crosses a kink is re-checked with eps = 1e-3 and
 * only counts as failed if both disagree; its whole-tensor directional checks use eps = 1e-4 and
 * accept 5e-2 relative / 2e-3 absolute (float noise grows as eps shrinks). */
#include "model.h"
#include "testutil.h"
#include <stdlib.h>
#include <string.h>

typedef struct {
  rl_config cfg;
  int B, T;
  int *tokens, *targets;
  float *h0, *c0;
} problem;

static float loss_of(rl_model *m, const problem *p) {
  rl_batch b = {p->B, p->T, p->tokens, p->targets, p->h0, p->c0};
  float loss = NAN;
  rl_error err;
  if (rl_model_forward(m, &b, &loss, &err)) fprintf(stderr, "forward failed: %s\n", err.msg);
  return loss;
}

static int agree(double fd, double an) { return test_close(fd, an, 2e-2, 3e-4); }

static double central(rl_model *m, const problem *p, float *x, double eps) {
  float keep = *x;
  *x = keep + (float)eps;
  double jp = loss_of(m, p);
  *x = keep - (float)eps;
  double jm = loss_of(m, p);
  *x = keep;
  return (jp - jm) / (2.0 * eps);
}

static int check_element(rl_model *m, const problem *p, float *x, double analytic) {
  double fd = central(m, p, x, 1e-2);
  if (agree(fd, analytic)) return 1;
  if (m->cfg.cell == RL_CELL_RNN && m->cfg.nonlin == RL_ACT_RELU) {
    double fd2 = central(m, p, x, 1e-3);
    if (test_close(fd2, analytic, 2e-2, 2e-3)) return 1;
  }
  fprintf(stderr, "    fd %.6g analytic %.6g\n", fd, analytic);
  return 0;
}

static const char *describe(const rl_config *c, const char *extra) {
  static char buf[160];
  snprintf(buf, sizeof buf, "%s%s%s L=%d %s head=%s%s%s", rl_cell_name(c->cell), c->cell == RL_CELL_RNN ? "-" : "",
           c->cell == RL_CELL_RNN ? rl_nonlin_name(c->nonlin) : "", c->layers, c->bidirectional ? "bi" : "uni",
           rl_head_name(c->head), c->residual ? " residual" : "", extra);
  return buf;
}

/* Checks every tensor: its 3 largest-gradient elements, 3 random ones, and one random direction. */
static void check_model(rl_model *m, const problem *p, const char *extra) {
  rl_rng rng;
  rl_rng_seed(&rng, 99);
  float *g = malloc(sizeof(float) * m->nparams);
  float *dir = malloc(sizeof(float) * m->nparams);
  loss_of(m, p);
  rl_error err;
  CHECK(rl_model_backward(m, &err) == 0);
  memcpy(g, m->grads, sizeof(float) * m->nparams);
  for (int ti = 0; ti < m->ntensors; ti++) {
    const rl_tensor_info *t = &m->tensors[ti];
    float *x = m->params + t->offset;
    const float *gx = g + t->offset;
    size_t pick[6];
    int npick = 0;
    for (int k = 0; k < 3; k++) { /* largest |g| not already picked */
      size_t best = 0;
      float bv = -1;
      for (size_t i = 0; i < t->numel; i++) {
        int used = 0;
        for (int q = 0; q < npick; q++) used |= pick[q] == i;
        if (!used && fabsf(gx[i]) > bv) bv = fabsf(gx[i]), best = i;
      }
      if (bv >= 0) pick[npick++] = best;
    }
    for (int k = 0; k < 3; k++) pick[npick++] = (size_t)rl_rng_int(&rng, (int)t->numel);
    for (int k = 0; k < npick; k++) {
      int ok = check_element(m, p, x + pick[k], gx[pick[k]]);
      CHECKF(ok, "%s: %s[%zu]", describe(&m->cfg, extra), t->name, pick[k]);
    }
    /* directional derivative along a random unit-ish direction over the whole tensor */
    double gv = 0;
    for (size_t i = 0; i < t->numel; i++) {
      dir[i] = rl_rng_uniform_range(&rng, -1.0f, 1.0f);
      gv += (double)dir[i] * gx[i];
    }
    int relu = m->cfg.cell == RL_CELL_RNN && m->cfg.nonlin == RL_ACT_RELU;
    const double eps = relu ? 1e-4 : 1e-2; /* a whole-tensor step crosses ReLU kinks unless tiny */
    for (size_t i = 0; i < t->numel; i++) x[i] += (float)eps * dir[i];
    double jp = loss_of(m, p);
    for (size_t i = 0; i < t->numel; i++) x[i] -= 2.0f * (float)eps * dir[i];
    double jm = loss_of(m, p);
    for (size_t i = 0; i < t->numel; i++) x[i] += (float)eps * dir[i];
    double fd = (jp - jm) / (2 * eps);
    int ok = agree(fd, gv) || (relu && test_close(fd, gv, 5e-2, 2e-3));
    CHECKF(ok, "%s: %s direction: fd %.6g analytic %.6g", describe(&m->cfg, extra), t->name, fd, gv);
  }
  /* embedded inputs: perturb the embedding row of a token that occurs exactly once */
  int V = m->cfg.vocab, E = m->cfg.embed, n = p->B * p->T;
  float *dx = malloc(sizeof(float) * (size_t)n * E);
  loss_of(m, p);
  CHECK(rl_model_backward(m, &err) == 0);
  CHECK(rl_model_input_grad(m, dx, &err) == 0);
  int found = 0;
  for (int v = 0; v < V && !found; v++) {
    int count = 0, where = -1;
    for (int i = 0; i < n; i++)
      if (p->tokens[i] == v) count++, where = i;
    if (count != 1) continue;
    found = 1;
    for (int j = 0; j < E; j++) {
      int ok = check_element(m, p, m->embedding + (size_t)v * E + j, dx[(size_t)where * E + j]);
      CHECKF(ok, "%s: input gradient at position %d unit %d", describe(&m->cfg, extra), where, j);
    }
  }
  CHECKF(found, "%s: test data has no token that occurs exactly once", describe(&m->cfg, extra));
  free(dx);
  free(g);
  free(dir);
}

static void make_problem(problem *p, const rl_config *c, int B, int T, uint64_t seed) {
  rl_rng rng;
  rl_rng_seed(&rng, seed);
  p->cfg = *c;
  p->B = B;
  p->T = T;
  p->tokens = malloc(sizeof(int) * B * T);
  p->targets = malloc(sizeof(int) * B * T);
  for (int i = 0; i < B * T; i++) p->tokens[i] = rl_rng_int(&rng, c->vocab - 1); /* id V-1 never used ... */
  p->tokens[B * T / 2] = c->vocab - 1;                                          /* ... but here, once */
  if (c->head == RL_HEAD_STEP)
    for (int i = 0; i < B * T; i++) p->targets[i] = rl_rng_int(&rng, 4) == 0 ? -1 : rl_rng_int(&rng, c->classes);
  else
    for (int b = 0; b < B; b++) p->targets[b] = rl_rng_int(&rng, c->classes);
  p->h0 = p->c0 = NULL;
}

static void free_problem(problem *p) {
  free(p->tokens);
  free(p->targets);
  free(p->h0);
  free(p->c0);
}

static rl_model *make_model(const rl_config *c, uint64_t seed, int threads) {
  rl_model *m;
  rl_error err;
  if (rl_model_create(c, &m, &err)) {
    fprintf(stderr, "create: %s\n", err.msg);
    exit(1);
  }
  rl_init_opts o = rl_init_default(seed);
  if (rl_model_init_params(m, &o, &err)) {
    fprintf(stderr, "init: %s\n", err.msg);
    exit(1);
  }
  /* embeddings N(0,1) saturate small models; scale down so gradients are not vanishingly small */
  for (size_t i = 0; i < (size_t)c->vocab * c->embed; i++) m->embedding[i] *= 0.5f;
  rl_model_set_threads(m, threads);
  m->keep_input_grad = 1;
  return m;
}

int main(void) {
  const rl_cell cells[] = {RL_CELL_RNN, RL_CELL_RNN, RL_CELL_RNN, RL_CELL_LSTM, RL_CELL_GRU};
  const rl_nonlin acts[] = {RL_ACT_TANH, RL_ACT_RELU, RL_ACT_SIGMOID, RL_ACT_TANH, RL_ACT_TANH};
  int configs = 0;
  for (int ci = 0; ci < 5; ci++)
    for (int layers = 1; layers <= 2; layers++)
      for (int bi = 0; bi <= 1; bi++)
        for (int head = 0; head <= 1; head++)
          for (int res = 0; res <= (layers == 2); res++) {
            rl_config c = {0};
            c.cell = cells[ci];
            c.nonlin = acts[ci];
            c.vocab = 7;
            c.embed = 5;
            c.hidden = 4;
            c.layers = layers;
            c.bidirectional = bi;
            c.residual = res;
            c.head = head ? RL_HEAD_FINAL : RL_HEAD_STEP;
            c.classes = head ? 3 : 7;
            problem p;
            make_problem(&p, &c, 3, 6, 1000 + configs);
            /* two threads split the batch: the shard reduction is exercised too */
            rl_model *m = make_model(&c, 7 + configs, configs % 2 ? 2 : 1);
            check_model(m, &p, "");
            rl_model_free(m);
            free_problem(&p);
            configs++;
          }
  /* LSTM with gate clamps: clamped gates are constants in forward and backward */
  {
    rl_config c = rl_config_default();
    c.vocab = 7, c.embed = 5, c.hidden = 4, c.classes = 7;
    problem p;
    make_problem(&p, &c, 2, 5, 77);
    rl_model *m = make_model(&c, 5, 1);
    m->clamps.value[0] = 0.0f; /* input gate closed */
    m->clamps.value[1] = 1.0f; /* forget gate open: "keep" */
    check_model(m, &p, " clamp keep");
    m->clamps.from_t = 2; /* free for the first two steps, then held */
    check_model(m, &p, " clamp keep from step 2");
    rl_model_free(m);
    free_problem(&p);
    configs++;
  }
  /* truncated BPTT: the second chunk starts from the first chunk's final state */
  for (int ci = 3; ci < 5; ci++) {
    rl_config c = rl_config_default();
    c.cell = cells[ci];
    c.vocab = 7, c.embed = 5, c.hidden = 4, c.classes = 7, c.layers = 2;
    problem p;
    make_problem(&p, &c, 2, 5, 4242 + ci);
    rl_model *m = make_model(&c, 11, 1);
    loss_of(m, &p); /* chunk 1 */
    size_t n = (size_t)c.layers * 2 * c.hidden;
    p.h0 = malloc(sizeof(float) * n);
    p.c0 = malloc(sizeof(float) * n);
    memcpy(p.h0, m->h_n, sizeof(float) * n);
    memcpy(p.c0, m->c_n, sizeof(float) * n);
    for (int i = 0; i < 2 * 5; i++) p.tokens[i] = (p.tokens[i] + 3) % (c.vocab - 1);
    p.tokens[4] = c.vocab - 1;
    float maxh = 0;
    for (size_t i = 0; i < n; i++) maxh = fmaxf(maxh, fabsf(p.h0[i]));
    CHECKF(maxh > 1e-3f, "carried state is not trivially zero (max |h| = %g)", maxh);
    check_model(m, &p, " truncated-BPTT chunk 2");
    rl_model_free(m);
    free_problem(&p);
    configs++;
  }
  printf("gradient checks over %d configurations\n", configs);
  return test_summary("test_gradcheck");
}
