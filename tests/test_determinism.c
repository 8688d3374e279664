/* Determinism: the same seed, settings and thread count give bit-identical losses and parameters
 * after a few training steps; a different seed gives different ones; and splitting the batch over
 * 1 or 2 threads changes only the order of the gradient sums (equal to float rounding). */
#include "model.h"
#include "optim.h"
#include "testutil.h"
#include <stdlib.h>
#include <string.h>

#define STEPS 15
#define B 6
#define T 9

static void train(rl_cell cell, uint64_t seed, int threads, float *losses, float **params_out, size_t *n) {
  rl_config c = rl_config_default();
  c.cell = cell;
  c.layers = 2;
  c.bidirectional = 1;
  c.vocab = c.classes = 11;
  c.hidden = 12;
  rl_model *m;
  rl_error err;
  CHECK(rl_model_create(&c, &m, &err) == 0);
  rl_init_opts o = rl_init_default(seed);
  CHECK(rl_model_init_params(m, &o, &err) == 0);
  rl_model_set_threads(m, threads);
  rl_optimizer opt;
  CHECK(rl_optimizer_init(&opt, RL_OPT_ADAM, 0.01f, m->nparams, &err) == 0);
  rl_rng rng;
  rl_rng_seed(&rng, seed + 100);
  int tokens[B * T], targets[B * T];
  for (int s = 0; s < STEPS; s++) {
    for (int i = 0; i < B * T; i++) tokens[i] = rl_rng_int(&rng, 11), targets[i] = rl_rng_int(&rng, 11);
    rl_batch b = {B, T, tokens, targets, NULL, NULL};
    CHECK(rl_model_forward(m, &b, &losses[s], &err) == 0);
    CHECK(rl_model_backward(m, &err) == 0);
    rl_clip_grad_norm(m->grads, m->nparams, 1.0f);
    rl_optimizer_step(&opt, m->params, m->grads);
  }
  *n = m->nparams;
  *params_out = malloc(sizeof(float) * m->nparams);
  memcpy(*params_out, m->params, sizeof(float) * m->nparams);
  rl_optimizer_free(&opt);
  rl_model_free(m);
}

int main(void) {
  for (int cell = 0; cell < 3; cell++) {
    float l1[STEPS], l2[STEPS], l3[STEPS], l4[STEPS];
    float *p1, *p2, *p3, *p4;
    size_t n;
    train((rl_cell)cell, 5, 2, l1, &p1, &n);
    train((rl_cell)cell, 5, 2, l2, &p2, &n);
    train((rl_cell)cell, 6, 2, l3, &p3, &n);
    train((rl_cell)cell, 5, 1, l4, &p4, &n);
    CHECKF(memcmp(l1, l2, sizeof l1) == 0, "%s: same seed, same threads: losses differ", rl_cell_name(cell));
    CHECKF(memcmp(p1, p2, sizeof(float) * n) == 0, "%s: same seed: parameters differ", rl_cell_name(cell));
    CHECKF(memcmp(l1, l3, sizeof l1) != 0, "%s: a different seed gave identical losses", rl_cell_name(cell));
    /* 1 vs 2 threads: same mathematics, different summation order. 15 Adam steps amplify rounding
     * a little; 1e-4 relative on the loss is far below any real difference (which is O(1)). */
    for (int s = 0; s < STEPS; s++)
      CHECKF(test_close(l1[s], l4[s], 1e-4, 0), "%s step %d: 2 threads %.9g vs 1 thread %.9g", rl_cell_name(cell), s,
             l1[s], l4[s]);
    free(p1);
    free(p2);
    free(p3);
    free(p4);
  }
  return test_summary("test_determinism");
}
