/* Training loop (engine/train.h): learning, bit-identical resume, NaN detection, checkpoint checks. */
#include "modelfile.h"
#include "safetensors.h"
#include "testutil.h"
#include "train.h"
#include "version.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static rl_train_opts small_opts(rl_cell cell, int distance) {
  rl_train_opts o = rl_train_default();
  o.task = rl_task_default(RL_TASK_RECALL);
  o.task.length = distance;
  o.model.cell = cell;
  o.model.hidden = 16;
  o.model.embed = 8;
  o.init = rl_init_default(3);
  o.seed = 3;
  o.eval_size = 128;
  o.lr = 0.01f;
  return o;
}

/* Each cell learns recall at distance 5 (8 keys: chance 12.5%) to >= 95% held-out accuracy within
 * 300 Adam steps of batch 32 (measured: all three reach 100% by step ~100). */
static void test_learns_recall(void) {
  const rl_cell cells[3] = {RL_CELL_RNN, RL_CELL_LSTM, RL_CELL_GRU};
  for (int c = 0; c < 3; c++) {
    rl_train_opts o = small_opts(cells[c], 5);
    rl_trainer *t;
    rl_error err;
    CHECKF(rl_trainer_create(&o, &t, &err) == 0, "%s", err.msg);
    if (!t) continue;
    rl_eval_stats e0, e1;
    CHECK(rl_trainer_eval(t, &e0, &err) == 0);
    CHECKF(e0.accuracy < 0.5f, "%s: untrained accuracy %.3f should be near chance", rl_cell_name(cells[c]), e0.accuracy);
    float first_loss = 0;
    for (int s = 0; s < 300; s++) {
      rl_step_stats st;
      if (rl_trainer_step(t, &st, &err)) {
        CHECKF(0, "%s step %d: %s", rl_cell_name(cells[c]), s, err.msg);
        break;
      }
      if (s == 0) first_loss = st.loss;
    }
    CHECK(t->step == 300);
    CHECK(rl_trainer_eval(t, &e1, &err) == 0);
    CHECKF(e1.accuracy >= 0.95f, "%s: held-out accuracy %.3f after 300 steps (want >= 0.95)", rl_cell_name(cells[c]),
           e1.accuracy);
    CHECKF(e1.loss < 0.25f * first_loss, "%s: loss %.3f vs first %.3f", rl_cell_name(cells[c]), e1.loss, first_loss);
    CHECK(e1.total == 128); /* one scored position per example */
    rl_trainer_free(t);
  }
}

static int same_state(const rl_trainer *a, const rl_trainer *b) {
  if (a->m->nparams != b->m->nparams || a->step != b->step) return 0;
  if (memcmp(a->m->params, b->m->params, a->m->nparams * sizeof(float))) return 0;
  if ((a->opt.m == NULL) != (b->opt.m == NULL) || (a->opt.v == NULL) != (b->opt.v == NULL)) return 0;
  if (a->opt.m && memcmp(a->opt.m, b->opt.m, a->m->nparams * sizeof(float))) return 0;
  if (a->opt.v && memcmp(a->opt.v, b->opt.v, a->m->nparams * sizeof(float))) return 0;
  return memcmp(&a->rng, &b->rng, sizeof a->rng) == 0 && a->opt.step == b->opt.step;
}

static int run_steps(rl_trainer *t, int n) {
  rl_error err;
  for (int i = 0; i < n; i++)
    if (rl_trainer_step(t, NULL, &err)) {
      fprintf(stderr, "step failed: %s\n", err.msg);
      return -1;
    }
  return 0;
}

/* 40 steps straight == 20 steps, checkpoint, load, 20 steps: bit for bit. */
static void resume_case(const char *name, rl_train_opts o) {
  char path[1024];
  snprintf(path, sizeof path, "%s/resume_%s.safetensors", test_tmpdir(), name);
  rl_error err;
  rl_trainer *a = NULL, *b = NULL, *c = NULL;
  CHECKF(rl_trainer_create(&o, &a, &err) == 0, "%s: %s", name, err.msg);
  CHECKF(rl_trainer_create(&o, &b, &err) == 0, "%s: %s", name, err.msg);
  if (!a || !b) goto out;
  CHECK(run_steps(a, 40) == 0);
  CHECK(run_steps(b, 20) == 0);
  /* an evaluation in between must not disturb the training stream */
  rl_eval_stats e;
  CHECK(rl_trainer_eval(b, &e, &err) == 0);
  CHECKF(rl_trainer_save(b, path, &err) == 0, "%s", err.msg);
  CHECKF(!same_state(a, b), "%s: 20 and 40 steps should differ (the test would be vacuous)", name);
  CHECKF(rl_trainer_load(path, &c, &err) == 0, "%s: %s", name, err.msg);
  if (!c) goto out;
  CHECK(c->step == 20);
  CHECK(c->m->cfg.cell == o.model.cell && c->o.task.kind == o.task.kind && c->B == o.batch);
  CHECK(c->opt.kind == o.optimizer && c->opt.lr == o.lr && c->o.clip == o.clip);
  CHECK(same_state(b, c));
  CHECK(run_steps(c, 20) == 0);
  CHECKF(same_state(a, c), "%s: resumed run differs from the uninterrupted one", name);
  /* a checkpoint also opens as a plain model */
  rl_model *m = NULL;
  CHECKF(rl_model_load(path, &m, &err) == 0, "%s: %s", name, err.msg);
  if (m) CHECK(memcmp(m->params, b->m->params, m->nparams * sizeof(float)) == 0);
  rl_model_free(m);
out:
  rl_trainer_free(a);
  rl_trainer_free(b);
  rl_trainer_free(c);
}

static void test_resume(void) {
  rl_train_opts o = small_opts(RL_CELL_LSTM, 6);
  resume_case("lstm_adam", o);
  o = small_opts(RL_CELL_GRU, 4);
  o.optimizer = RL_OPT_MOMENTUM;
  o.lr = 0.05f;
  o.threads = 2;
  resume_case("gru_momentum_2threads", o);
  /* lm: the stream cursor and the hidden state carried between chunks are part of the state */
  o = small_opts(RL_CELL_LSTM, 0);
  o.task = rl_task_default(RL_TASK_LM);
  o.task.length = 8;
  o.eval_size = 32;
  o.batch = 8;
  resume_case("lm_lstm", o);
  o.model.cell = RL_CELL_RNN;
  o.optimizer = RL_OPT_SGD;
  o.lr = 0.5f;
  resume_case("lm_rnn_sgd", o);
}

/* The lm resume case must actually carry state: a run whose carry is dropped differs. */
static void test_lm_carry_matters(void) {
  rl_train_opts o = small_opts(RL_CELL_LSTM, 0);
  o.task = rl_task_default(RL_TASK_LM);
  o.task.length = 8;
  o.eval_size = 32;
  o.batch = 8;
  rl_error err;
  rl_trainer *a = NULL, *b = NULL;
  CHECK(rl_trainer_create(&o, &a, &err) == 0);
  CHECK(rl_trainer_create(&o, &b, &err) == 0);
  if (!a || !b) goto out;
  CHECK(a->carry == 1);
  CHECK(run_steps(a, 10) == 0 && run_steps(b, 9) == 0);
  b->have_carry = 0; /* as if the carried state were not checkpointed */
  CHECK(run_steps(b, 1) == 0);
  CHECK(!same_state(a, b));
out:
  rl_trainer_free(a);
  rl_trainer_free(b);
}

/* A learning rate absurdly high: the step that produces a non-finite loss is named, nothing is
 * updated, and the message suggests clipping and a lower learning rate. */
static void test_nan_detection(void) {
  rl_train_opts o = small_opts(RL_CELL_RNN, 5);
  o.model.nonlin = RL_ACT_RELU;
  o.optimizer = RL_OPT_SGD;
  o.lr = 1e30f; /* large enough that overflow does not depend on rounding details */
  o.clip = 0;
  rl_trainer *t;
  rl_error err;
  CHECK(rl_trainer_create(&o, &t, &err) == 0);
  if (!t) return;
  int failed_at = -1;
  float *before = malloc(t->m->nparams * sizeof(float));
  for (int s = 0; s < 50 && before; s++) {
    memcpy(before, t->m->params, t->m->nparams * sizeof(float));
    if (rl_trainer_step(t, NULL, &err)) {
      failed_at = s + 1;
      break;
    }
  }
  CHECKF(failed_at > 0, "lr 1e30 without clipping should blow up within 50 steps");
  if (failed_at > 0) {
    char want[32];
    snprintf(want, sizeof want, "step %d:", failed_at);
    CHECKF(strstr(err.msg, want) != NULL, "message should name the step (%s): %s", want, err.msg);
    CHECKF(strstr(err.msg, "clip") && strstr(err.msg, "learning rate"), "message: %s", err.msg);
    CHECK(t->step == failed_at - 1);
    if (strstr(err.msg, "loss became") || strstr(err.msg, "gradient norm became"))
      CHECK(memcmp(before, t->m->params, t->m->nparams * sizeof(float)) == 0);
  }
  free(before);
  rl_trainer_free(t);
}

static void test_bad_inputs(void) {
  rl_error err;
  rl_trainer *t = NULL;
  rl_train_opts o = small_opts(RL_CELL_LSTM, 5);
  o.lr = 0;
  CHECK(rl_trainer_create(&o, &t, &err) == -1 && strstr(err.msg, "learning rate"));
  o = small_opts(RL_CELL_LSTM, 5);
  o.batch = -1;
  CHECK(rl_trainer_create(&o, &t, &err) == -1 && strstr(err.msg, "batch"));
  o = small_opts(RL_CELL_LSTM, 5);
  o.model.hidden = 0;
  CHECK(rl_trainer_create(&o, &t, &err) == -1);
  o = small_opts(RL_CELL_LSTM, 5);
  o.eval_size = 0;
  CHECK(rl_trainer_create(&o, &t, &err) == -1 && strstr(err.msg, "evaluation"));
  CHECK(t == NULL);

  /* a plain model file is not a checkpoint */
  char path[1024], bad[1024];
  snprintf(path, sizeof path, "%s/plain.safetensors", test_tmpdir());
  o = small_opts(RL_CELL_GRU, 5);
  CHECK(rl_trainer_create(&o, &t, &err) == 0);
  if (!t) return;
  CHECK(rl_model_save(t->m, path, &err) == 0);
  rl_trainer *u = NULL;
  CHECK(rl_trainer_load(path, &u, &err) == -1 && strstr(err.msg, "not a training checkpoint"));
  CHECK(rl_trainer_load("/nonexistent/x.safetensors", &u, &err) == -1 && strstr(err.msg, "x.safetensors"));

  /* checkpoints with damaged metadata or tensors are refused with the key named */
  snprintf(path, sizeof path, "%s/ck.safetensors", test_tmpdir());
  snprintf(bad, sizeof bad, "%s/bad.safetensors", test_tmpdir());
  CHECK(run_steps(t, 3) == 0);
  CHECK(rl_trainer_save(t, path, &err) == 0);
  {
    rl_st_file f; /* a checkpoint records the version that wrote it */
    CHECK(rl_st_read(path, &f, &err) == 0);
    const char *v = rl_st_meta(&f, "rnnlab_version");
    CHECKF(v && !strcmp(v, rl_version()), "checkpoint rnnlab_version '%s', want '%s'", v ? v : "(none)", rl_version());
    rl_st_free(&f);
  }
  static const char *const KEYS[] = {"train.step", "train.rng.2", "task.length", "train.lr", "train.optimizer"};
  static const char *const VALUES[] = {"-4", "xyz", "99999999", "nan", "rmsprop"};
  for (int k = 0; k < 5; k++) {
    rl_st_file f;
    CHECK(rl_st_read(path, &f, &err) == 0);
    for (int i = 0; i < f.nmeta; i++)
      if (!strcmp(f.meta_keys[i], KEYS[k])) {
        free(f.meta_values[i]);
        f.meta_values[i] = malloc(strlen(VALUES[k]) + 1);
        strcpy(f.meta_values[i], VALUES[k]);
      }
    CHECK(rl_st_write(bad, &f, &err) == 0);
    rl_st_free(&f);
    int rc = rl_trainer_load(bad, &u, &err);
    CHECKF(rc == -1, "damaged %s was accepted", KEYS[k]);
    if (rc == 0) rl_trainer_free(u);
    else if (k != 4) CHECKF(strstr(err.msg, KEYS[k]) != NULL, "message should name %s: %s", KEYS[k], err.msg);
  }
  {
    rl_st_file f;
    CHECK(rl_st_read(path, &f, &err) == 0);
    for (int i = 0; i < f.ntensors; i++)
      if (!strcmp(f.tensors[i].name, "optim.v")) f.tensors[i].data[7] = NAN;
    CHECK(rl_st_write(bad, &f, &err) == 0);
    rl_st_free(&f);
    CHECK(rl_trainer_load(bad, &u, &err) == -1 && strstr(err.msg, "optim.v"));
  }
  rl_trainer_free(t);
}

/* The curriculum call: the held-out set follows the new length, the model keeps its weights. */
static void test_set_length(void) {
  rl_train_opts o = small_opts(RL_CELL_LSTM, 3);
  rl_trainer *t;
  rl_error err;
  CHECK(rl_trainer_create(&o, &t, &err) == 0);
  if (!t) return;
  CHECK(t->T == 5);
  CHECK(run_steps(t, 5) == 0);
  float p0 = t->m->params[0];
  CHECK(rl_trainer_set_length(t, 12, &err) == 0);
  CHECK(t->T == 14 && t->o.task.length == 12 && t->m->params[0] == p0);
  CHECK(run_steps(t, 2) == 0);
  rl_eval_stats e;
  CHECK(rl_trainer_eval(t, &e, &err) == 0 && e.total == 128);
  CHECK(rl_trainer_set_length(t, -1, &err) == -1);
  rl_trainer_free(t);
}

int main(void) {
  test_learns_recall();
  test_resume();
  test_lm_carry_matters();
  test_nan_detection();
  test_bad_inputs();
  test_set_length();
  return test_summary("test_train");
}
