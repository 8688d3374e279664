/* Engine API traps found in review, each pinned by a regression check (run under ASan in CI):
 * stale traces after a non-finite forward, trace_example changed between forward and backward,
 * backward called twice, carrying state through h_n while T changes, input gradients before any
 * backward, exact per-example trace loss, and model files that claim more than they hold. */
#include "modelfile.h"
#include "testutil.h"
#include <stdlib.h>
#include <string.h>

static rl_model *make(rl_cell cell, rl_head head, int bidir, int classes) {
  rl_config c = rl_config_default();
  c.cell = cell;
  c.head = head;
  c.bidirectional = bidir;
  c.vocab = 9;
  c.embed = 4;
  c.hidden = 5;
  c.classes = classes;
  rl_model *m;
  rl_error err;
  if (rl_model_create(&c, &m, &err)) {
    fprintf(stderr, "%s\n", err.msg);
    exit(1);
  }
  rl_init_opts o = rl_init_default(3);
  rl_model_init_params(m, &o, &err);
  return m;
}

int main(void) {
  rl_error err;
  float dx[12 * 4], dx_probe[12 * 4];
  int tokens[12] = {1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4};
  float loss;

  /* a fresh model has no trace and no last scored position */
  rl_model *m = make(RL_CELL_LSTM, RL_HEAD_STEP, 0, 9);
  CHECK(m->trace.last_scored == -1 && !m->trace.valid);
  CHECK(rl_model_input_grad(m, NULL, &err) == -1);

  /* traced forward, then a forward whose loss is infinite and whose traced row scores nothing:
   * backward must use this forward's trace (no stale last_scored, no out-of-bounds probe) */
  int tg1[12] = {2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5};
  rl_batch b1 = {2, 6, tokens, tg1, NULL, NULL};
  m->trace_example = 1;
  CHECK(rl_model_forward(m, &b1, &loss, &err) == 0 && isfinite(loss));
  CHECK(rl_model_backward(m, &err) == 0 && m->trace.valid && m->trace.last_scored == 5);
  float keep = m->head_b[1];
  m->head_b[1] = INFINITY;
  int tg2[12] = {1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1, -1};
  rl_batch b2 = {2, 6, tokens, tg2, NULL, NULL};
  CHECK(rl_model_forward(m, &b2, &loss, &err) == 0);
  CHECK(!isfinite(loss));
  CHECK(m->trace.last_scored == -1); /* this forward's trace: row 1 scores nothing */
  CHECK(rl_model_backward(m, &err) == 0);
  m->head_b[1] = keep;

  /* trace_example changed between forward and backward: backward keeps the traced row */
  CHECK(rl_model_forward(m, &b1, &loss, &err) == 0);
  m->trace_example = 0;
  CHECK(rl_model_backward(m, &err) == 0);
  CHECK(m->trace.example == 1 && m->trace.valid);
  m->trace_example = -1;

  /* input gradients exist only after a backward of the same forward that kept them */
  CHECK(rl_model_forward(m, &b1, &loss, &err) == 0);
  CHECK(rl_model_backward(m, &err) == 0);
  CHECK(rl_model_input_grad(m, dx_probe, &err) == -1 && strstr(err.msg, "keep_input_grad"));
  m->keep_input_grad = 1;
  CHECK(rl_model_forward(m, &b1, &loss, &err) == 0);
  CHECK(rl_model_input_grad(m, dx, &err) == -1);
  CHECK(rl_model_backward(m, &err) == 0);
  CHECK(rl_model_input_grad(m, dx, &err) == 0);

  /* carrying state through h_n while the chunk length changes (truncated BPTT's last chunk) */
  float *h_before = m->h_n;
  rl_batch carry = {2, 4, tokens, tg1, m->h_n, m->c_n};
  CHECK(rl_model_forward(m, &carry, &loss, &err) == 0);
  carry.T = 3;
  CHECK(rl_model_forward(m, &carry, &loss, &err) == 0 && isfinite(loss));
  CHECK(m->h_n == h_before);
  rl_model_free(m);

  /* final head: a second backward of the same forward gives the same gradient */
  for (int bi = 0; bi <= 1; bi++) {
    m = make(RL_CELL_GRU, RL_HEAD_FINAL, bi, 3);
    int tf[2] = {2, 0};
    rl_batch bf = {2, 6, tokens, tf, NULL, NULL};
    CHECK(rl_model_forward(m, &bf, &loss, &err) == 0);
    CHECK(rl_model_backward(m, &err) == 0);
    float *g1 = malloc(sizeof(float) * m->nparams);
    memcpy(g1, m->grads, sizeof(float) * m->nparams);
    CHECK(rl_model_backward(m, &err) == 0);
    CHECKF(memcmp(g1, m->grads, sizeof(float) * m->nparams) == 0, "final head%s: backward twice differs",
           bi ? " (bidirectional)" : "");
    free(g1);
    rl_model_free(m);
  }

  /* the trace's loss is exact even when p(target) underflows to 0 in float */
  m = make(RL_CELL_RNN, RL_HEAD_STEP, 0, 9);
  for (int j = 0; j < m->cfg.classes * m->D * m->cfg.hidden; j++) m->head_w[j] = 0;
  m->head_b[0] = 500.0f;
  int t1[1] = {3}, y1[1] = {4};
  rl_batch one = {1, 1, t1, y1, NULL, NULL};
  m->trace_example = 0;
  CHECK(rl_model_forward(m, &one, &loss, &err) == 0);
  CHECKF(test_close(m->trace.loss, loss, 1e-6, 0) && loss > 400, "trace loss %g vs batch loss %g", m->trace.loss, loss);
  rl_model_free(m);

  /* more classes than RL_MAX_WIDTH (a word-level language model) saves and loads */
  {
    rl_config c = rl_config_default();
    c.vocab = c.classes = 10000;
    c.embed = c.hidden = 2;
    CHECK(rl_model_create(&c, &m, &err) == 0);
    char path[512];
    snprintf(path, sizeof path, "%s/big.safetensors", test_tmpdir());
    CHECK(rl_model_save(m, path, &err) == 0);
    rl_model *back = NULL;
    CHECKF(rl_model_load(path, &back, &err) == 0, "%s", err.msg);
    CHECK(back && back->cfg.classes == 10000);
    rl_model_free(back);
    rl_model_free(m);
  }

  /* a tiny file whose metadata claims a huge model is refused before allocating it */
  {
    m = make(RL_CELL_LSTM, RL_HEAD_STEP, 0, 9);
    rl_st_file f;
    CHECK(rl_model_to_st(m, &f, &err) == 0);
    for (int i = 0; i < f.nmeta; i++)
      if (!strcmp(f.meta_keys[i], "hidden")) {
        free(f.meta_values[i]);
        f.meta_values[i] = rl_strdup("8192");
      } else if (!strcmp(f.meta_keys[i], "layers")) {
        free(f.meta_values[i]);
        f.meta_values[i] = rl_strdup("16");
      }
    rl_model *back = NULL;
    CHECK(rl_model_from_st(&f, "claims.safetensors", &back, &err) == -1);
    CHECKF(strstr(err.msg, "claims.safetensors") && strstr(err.msg, "file holds only"), "%s", err.msg);
    rl_st_free(&f);

    /* a vocabulary string of millions of tiny values is counted, not parsed */
    CHECK(rl_model_to_st(m, &f, &err) == 0);
    size_t n = 4000000;
    char *bomb = malloc(2 * n + 2);
    bomb[0] = '[';
    for (size_t i = 0; i < n; i++) bomb[1 + 2 * i] = '0', bomb[2 + 2 * i] = ',';
    bomb[2 * n] = ']';
    bomb[2 * n + 1] = 0;
    CHECK(rl_st_add_meta(&f, "vocab_level", "word", &err) == 0);
    CHECK(rl_st_add_meta(&f, "vocab", bomb, &err) == 0);
    free(bomb);
    CHECK(rl_model_from_st(&f, "bomb.safetensors", &back, &err) == -1);
    CHECKF(strstr(err.msg, "4000000 tokens"), "%s", err.msg);
    rl_st_free(&f);
    rl_model_free(m);
  }
  return test_summary("test_engine_api");
}
