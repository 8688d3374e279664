/* rnnlab training loop and checkpoints (see train.h). */
#include "train.h"

#include "modelfile.h"
#include "safetensors.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Rows of the held-out set are stored as int ids: keep that bounded (256 MiB of ids). */
#define EVAL_MAX_IDS ((size_t)1 << 26)
/* The held-out rng is the data seed mixed with this constant, so it never meets the training stream. */
#define EVAL_SEED_MIX 0x5eed0e7a1ULL

rl_train_opts rl_train_default(void) {
  rl_train_opts o;
  memset(&o, 0, sizeof o);
  o.task = rl_task_default(RL_TASK_RECALL);
  o.model = rl_config_default();
  o.init = rl_init_default(1);
  o.optimizer = RL_OPT_ADAM;
  o.lr = 0.01f;
  o.clip = 1.0f;
  o.batch = 32;
  o.eval_size = 256;
  o.seed = 1;
  o.threads = 1;
  return o;
}

void rl_trainer_free(rl_trainer *t) {
  if (!t) return;
  rl_model_free(t->m);
  rl_optimizer_free(&t->opt);
  rl_task_free(t->task);
  free(t->data_path);
  free(t->tok);
  free(t->tgt);
  free(t->meta);
  free(t->h_carry);
  free(t->c_carry);
  free(t->eval_tok);
  free(t->eval_tgt);
  free(t->eval_meta);
  free(t);
}

static int check_opts(const rl_train_opts *o, rl_error *err) {
  if (!(o->lr > 0.0f) || !isfinite(o->lr)) return rl_fail(err, "the learning rate must be a positive number, not %g", o->lr);
  if (!isfinite(o->clip)) return rl_fail(err, "the clipping threshold must be a finite number (0 = off)");
  if (o->batch < 1 || o->batch > RL_MAX_BATCH)
    return rl_fail(err, "the batch size must be between 1 and %d, not %d", RL_MAX_BATCH, o->batch);
  if (o->eval_size < 1 || o->eval_size > RL_MAX_EVAL)
    return rl_fail(err, "the evaluation size must be between 1 and %d, not %d", RL_MAX_EVAL, o->eval_size);
  if (o->threads < 1 || o->threads > 64) return rl_fail(err, "threads must be between 1 and 64, not %d", o->threads);
  if ((unsigned)o->optimizer > RL_OPT_ADAM) return rl_fail(err, "unknown optimizer %d", (int)o->optimizer);
  return 0;
}

/* Batch buffers for the current sequence length. */
static int alloc_batch(rl_trainer *t, rl_error *err) {
  free(t->tok);
  free(t->tgt);
  free(t->meta);
  t->T = rl_task_seq_len(t->task);
  t->per = rl_task_targets_per_row(t->task);
  size_t ntok, ntgt;
  if (rl_mul_size((size_t)t->B, (size_t)t->T, &ntok) || rl_mul_size((size_t)t->B, (size_t)t->per, &ntgt))
    return rl_fail(err, "batch too large");
  t->tok = malloc(ntok * sizeof(int));
  t->tgt = malloc(ntgt * sizeof(int));
  t->meta = calloc((size_t)t->B, sizeof(rl_task_meta));
  if (!t->tok || !t->tgt || !t->meta) return rl_fail(err, "out of memory for a batch of %d x %d", t->B, t->T);
  return 0;
}

/* The fixed held-out set of a synthetic task (lm evaluates on its held-out text instead). */
static int make_eval_set(rl_trainer *t, rl_error *err) {
  free(t->eval_tok);
  free(t->eval_tgt);
  free(t->eval_meta);
  t->eval_tok = t->eval_tgt = NULL;
  t->eval_meta = NULL;
  t->eval_n = 0;
  if (t->o.task.kind == RL_TASK_LM) return 0;
  int n = t->o.eval_size;
  size_t ntok, ntgt;
  if (rl_mul_size((size_t)n, (size_t)t->T, &ntok) || ntok > EVAL_MAX_IDS || rl_mul_size((size_t)n, (size_t)t->per, &ntgt))
    return rl_fail(err, "the evaluation set (%d examples of %d tokens) is too large; use a smaller --eval-size", n, t->T);
  t->eval_tok = malloc(ntok * sizeof(int));
  t->eval_tgt = malloc(ntgt * sizeof(int));
  t->eval_meta = calloc((size_t)n, sizeof(rl_task_meta));
  if (!t->eval_tok || !t->eval_tgt || !t->eval_meta) return rl_fail(err, "out of memory for the evaluation set");
  rl_rng r;
  rl_rng_seed(&r, t->o.seed ^ EVAL_SEED_MIX);
  for (int b0 = 0; b0 < n; b0 += RL_MAX_BATCH) {
    int nb = n - b0 < RL_MAX_BATCH ? n - b0 : RL_MAX_BATCH;
    if (rl_task_batch_split(t->task, RL_SPLIT_EVAL, &r, nb, t->eval_tok + (size_t)b0 * t->T,
                            t->eval_tgt + (size_t)b0 * t->per, t->eval_meta + b0, err))
      return -1;
  }
  t->eval_n = n;
  return 0;
}

static int alloc_carry(rl_trainer *t, rl_error *err) {
  free(t->h_carry);
  free(t->c_carry);
  t->h_carry = t->c_carry = NULL;
  t->have_carry = 0;
  t->carry = t->o.task.kind == RL_TASK_LM && !t->m->cfg.bidirectional;
  if (!t->carry) return 0;
  size_t n = (size_t)t->m->cfg.layers * (size_t)t->m->D * (size_t)t->B * (size_t)t->m->cfg.hidden;
  t->h_carry = calloc(n, sizeof(float));
  t->c_carry = calloc(n, sizeof(float));
  if (!t->h_carry || !t->c_carry) return rl_fail(err, "out of memory for the carried hidden state");
  return 0;
}

static size_t carry_numel(const rl_trainer *t) {
  return (size_t)t->m->cfg.layers * (size_t)t->m->D * (size_t)t->B * (size_t)t->m->cfg.hidden;
}

/* What a checkpoint says about its text file (rl_task_data_id). */
typedef struct {
  int check;
  int64_t size;
  uint64_t hash;
} data_id;

static int same_data(const rl_task *task, const data_id *want, rl_error *err) {
  int64_t size;
  uint64_t hash;
  if (!want || !want->check || rl_task_data_id(task, &size, &hash) != 0) return 0;
  if (size == want->size && hash == want->hash) return 0;
  return rl_fail(err, "the text file %s has changed since this checkpoint was written (it was %lld bytes, hash "
                 "%016llx; now %lld bytes, hash %016llx): resuming would train on other text. Put the original file "
                 "back, or start a new run without --resume", rl_task_options(task)->data_path, (long long)want->size,
                 (unsigned long long)want->hash, (long long)size, (unsigned long long)hash);
}

/* Everything except the model: task, buffers, optimizer, rng. model may be NULL (fresh init);
 * data, if given, is the text file the task must find. */
static int build(const rl_train_opts *opts, rl_model *model, const data_id *data, rl_trainer **out, rl_error *err) {
  *out = NULL;
  if (check_opts(opts, err)) {
    rl_model_free(model);
    return -1;
  }
  rl_trainer *t = calloc(1, sizeof *t);
  if (!t) {
    rl_model_free(model);
    return rl_fail(err, "out of memory");
  }
  t->o = *opts;
  t->m = model;
  if (opts->task.data_path) {
    t->data_path = rl_strdup(opts->task.data_path);
    if (!t->data_path) goto oom;
  }
  t->o.task.data_path = t->data_path;
  if (rl_task_create(&t->o.task, &t->task, err) || same_data(t->task, data, err)) goto fail;

  rl_config cfg = opts->model;
  cfg.vocab = rl_task_vocab_size(t->task);
  cfg.head = rl_task_head(t->task);
  cfg.classes = rl_task_classes(t->task);
  if (t->m) {
    const rl_config *c = &t->m->cfg;
    if (c->vocab != cfg.vocab || c->head != cfg.head || c->classes != cfg.classes) {
      rl_fail(err, "the model (vocabulary %d, %s head, %d classes) does not fit the %s task "
              "(vocabulary %d, %s head, %d classes)", c->vocab, rl_head_name(c->head), c->classes,
              rl_task_kind_name(opts->task.kind), cfg.vocab, rl_head_name(cfg.head), cfg.classes);
      goto fail;
    }
  } else {
    if (rl_config_check(&cfg, err) || rl_model_create(&cfg, &t->m, err)) goto fail;
    if (rl_model_init_params(t->m, &opts->init, err)) goto fail;
  }
  t->o.model = t->m->cfg;
  rl_model_set_threads(t->m, opts->threads);
  t->m->trace_example = -1;
  if (t->m->vocab.level == RL_VOCAB_NONE &&
      rl_vocab_set(&t->m->vocab, rl_task_vocab_level(t->task), cfg.vocab, rl_task_tokens(t->task), err))
    goto fail;
  if (rl_optimizer_init(&t->opt, opts->optimizer, opts->lr, t->m->nparams, err)) goto fail;
  rl_rng_seed(&t->rng, opts->seed);
  t->B = opts->batch;
  if (alloc_batch(t, err) || alloc_carry(t, err) || make_eval_set(t, err)) goto fail;
  *out = t;
  return 0;
oom:
  rl_fail(err, "out of memory");
fail:
  rl_trainer_free(t);
  return -1;
}

int rl_trainer_create(const rl_train_opts *opts, rl_trainer **out, rl_error *err) {
  if (!opts || !out) return rl_fail(err, "rl_trainer_create: missing arguments");
  return build(opts, NULL, NULL, out, err);
}

/* ---- one step ------------------------------------------------------------------------------- */

static const float *probs_fn(void *ctx, int b, int t) { return rl_model_probs((const rl_model *)ctx, b, t); }

static int nonfinite_fail(const rl_trainer *t, const char *what, float v, rl_error *err) {
  /* a sensible next try: a hundredth of the rate, but never above the default 0.01 */
  double lr = t->opt.lr / 100 < 0.01 ? t->opt.lr / 100 : 0.01;
  return rl_fail(err,
                 "step %ld: the %s became %s; training stopped before updating the weights, which stay "
                 "those of step %ld. The gradients exploded or the learning rate (%g) is too high: use "
                 "gradient clipping (for example --clip 1) or a lower learning rate (for example --lr %g)",
                 t->step + 1, what, isnan(v) ? "NaN (not a number)" : "infinite", t->step, t->opt.lr, lr);
}

int rl_trainer_step(rl_trainer *t, rl_step_stats *out, rl_error *err) {
  rl_model *m = t->m;
  if (rl_task_batch_split(t->task, RL_SPLIT_TRAIN, &t->rng, t->B, t->tok, t->tgt, t->meta, err)) return -1;
  rl_batch b = {t->B, t->T, t->tok, t->tgt, NULL, NULL};
  if (t->carry && t->have_carry && !t->meta[0].stream_start) {
    b.h0 = t->h_carry;
    b.c0 = m->cfg.cell == RL_CELL_LSTM ? t->c_carry : NULL;
  }
  float loss;
  m->trace_example = -1;
  if (rl_model_forward(m, &b, &loss, err)) return -1;
  if (!isfinite(loss)) return nonfinite_fail(t, "loss", loss, err);
  int64_t correct = 0, total = 0;
  if (rl_task_score(t->task, t->B, t->tgt, t->meta, probs_fn, m, &correct, &total, NULL, NULL, err)) return -1;
  if (rl_model_backward(m, err)) return -1;
  float gn = rl_clip_grad_norm(m->grads, m->nparams, t->o.clip);
  if (!isfinite(gn)) return nonfinite_fail(t, "gradient norm", gn, err);
  rl_optimizer_step(&t->opt, m->params, m->grads);
  for (size_t i = 0; i < m->nparams; i++)
    if (!isfinite(m->params[i]))
      return rl_fail(err, "step %ld: a weight became infinite or NaN after the update (learning rate %g); "
                     "use gradient clipping (for example --clip 1) or a lower learning rate",
                     t->step + 1, t->opt.lr);
  t->step++;
  if (t->carry) {
    size_t n = carry_numel(t);
    memcpy(t->h_carry, m->h_n, n * sizeof(float));
    if (m->cfg.cell == RL_CELL_LSTM) memcpy(t->c_carry, m->c_n, n * sizeof(float));
    t->have_carry = 1;
  }
  rl_step_stats s;
  s.step = t->step;
  s.loss = loss;
  s.accuracy = total > 0 ? (float)((double)correct / (double)total) : 0.0f;
  s.grad_norm = gn;
  s.clipped = t->o.clip > 0 && gn > t->o.clip;
  s.tokens = (long)t->B * t->T;
  t->last = s;
  if (out) *out = s;
  return 0;
}

/* ---- evaluation ----------------------------------------------------------------------------- */

static void eval_bin(rl_eval_stats *e, const rl_task_meta *meta, const int *exc, const int *ext, int n) {
  for (int b = 0; b < n; b++) {
    int k = meta[b].attractors;
    if (k < 0) k = 0;
    if (k >= RL_TRAIN_ATTR_BINS) k = RL_TRAIN_ATTR_BINS - 1;
    e->attr_correct[k] += exc[b];
    e->attr_total[k] += ext[b];
  }
}

static int eval_lm(rl_trainer *t, rl_eval_stats *e, double *loss_sum, int64_t *scored, rl_error *err) {
  rl_model *m = t->m;
  int T = t->T;
  int64_t held = rl_task_split_tokens(t->task, RL_SPLIT_EVAL);
  int B = t->B;
  while (B > 1 && held / B < (int64_t)T + 1) B /= 2;
  int64_t chunks = rl_task_chunks_per_epoch(t->task, RL_SPLIT_EVAL, B);
  if (chunks <= 0)
    return rl_fail(err, "the held-out text has %lld token%s: too few for one chunk of %d+1 tokens "
                   "(use a shorter --length or a larger --holdout)", (long long)held, held == 1 ? "" : "s", T);
  int64_t want = (t->o.eval_size + B - 1) / B;
  if (want > chunks) want = chunks;
  size_t n = (size_t)B * T, nh = (size_t)m->cfg.layers * m->D * (size_t)B * m->cfg.hidden;
  int *tok = malloc(n * sizeof(int)), *tgt = malloc(n * sizeof(int));
  float *h = calloc(nh, sizeof(float)), *c = calloc(nh, sizeof(float));
  int rc = -1;
  if (!tok || !tgt || !h || !c) {
    rl_fail(err, "out of memory for the evaluation");
    goto done;
  }
  rl_task_rewind(t->task, RL_SPLIT_EVAL);
  int carry = !m->cfg.bidirectional;
  for (int64_t k = 0; k < want; k++) {
    if (rl_task_batch_split(t->task, RL_SPLIT_EVAL, NULL, B, tok, tgt, NULL, err)) goto done;
    rl_batch b = {B, T, tok, tgt, carry && k > 0 ? h : NULL, carry && k > 0 && m->cfg.cell == RL_CELL_LSTM ? c : NULL};
    float loss;
    if (rl_model_forward(m, &b, &loss, err)) goto done;
    int64_t cor = 0, tot = 0;
    if (rl_task_score(t->task, B, tgt, NULL, probs_fn, m, &cor, &tot, NULL, NULL, err)) goto done;
    *loss_sum += (double)loss * (double)tot;
    *scored += tot;
    e->correct += cor;
    e->total += tot;
    if (carry) {
      memcpy(h, m->h_n, nh * sizeof(float));
      if (m->cfg.cell == RL_CELL_LSTM) memcpy(c, m->c_n, nh * sizeof(float));
    }
  }
  rc = 0;
done:
  free(tok);
  free(tgt);
  free(h);
  free(c);
  return rc;
}

int rl_trainer_eval(rl_trainer *t, rl_eval_stats *out, rl_error *err) {
  rl_eval_stats e;
  memset(&e, 0, sizeof e);
  rl_model *m = t->m;
  m->trace_example = -1;
  double loss_sum = 0;
  int64_t scored = 0;
  if (t->o.task.kind == RL_TASK_LM) {
    if (eval_lm(t, &e, &loss_sum, &scored, err)) return -1;
  } else {
    int chunk = t->B > 64 ? t->B : 64;
    int exc[RL_MAX_BATCH], ext[RL_MAX_BATCH];
    if (chunk > RL_MAX_BATCH) chunk = RL_MAX_BATCH;
    for (int b0 = 0; b0 < t->eval_n; b0 += chunk) {
      int nb = t->eval_n - b0 < chunk ? t->eval_n - b0 : chunk;
      const int *tgt = t->eval_tgt + (size_t)b0 * t->per;
      rl_batch b = {nb, t->T, t->eval_tok + (size_t)b0 * t->T, tgt, NULL, NULL};
      float loss;
      if (rl_model_forward(m, &b, &loss, err)) return -1;
      int64_t cor = 0, tot = 0;
      if (rl_task_score(t->task, nb, tgt, t->eval_meta + b0, probs_fn, m, &cor, &tot, exc, ext, err)) return -1;
      eval_bin(&e, t->eval_meta + b0, exc, ext, nb);
      loss_sum += (double)loss * (double)tot;
      scored += tot;
      e.correct += cor;
      e.total += tot;
    }
  }
  e.loss = scored > 0 ? (float)(loss_sum / (double)scored) : 0.0f;
  e.accuracy = e.total > 0 ? (float)((double)e.correct / (double)e.total) : 0.0f;
  e.perplexity = expf(e.loss);
  if (out) *out = e;
  return 0;
}

/* ---- live settings -------------------------------------------------------------------------- */

int rl_trainer_set_lr(rl_trainer *t, float lr, rl_error *err) {
  if (!(lr > 0.0f) || !isfinite(lr)) return rl_fail(err, "the learning rate must be a positive number, not %g", lr);
  t->opt.lr = t->o.lr = lr;
  return 0;
}

int rl_trainer_set_clip(rl_trainer *t, float clip, rl_error *err) {
  if (!isfinite(clip)) return rl_fail(err, "the clipping threshold must be a finite number (0 = off)");
  t->o.clip = clip;
  return 0;
}

void rl_trainer_set_threads(rl_trainer *t, int threads) {
  if (threads < 1) threads = 1;
  if (threads > 64) threads = 64;
  t->o.threads = threads;
  rl_model_set_threads(t->m, threads);
}

int rl_trainer_set_length(rl_trainer *t, int length, rl_error *err) {
  if (rl_task_set_length(t->task, length, err)) return -1;
  t->o.task.length = length;
  t->have_carry = 0;
  if (alloc_batch(t, err) || make_eval_set(t, err)) return -1;
  return 0;
}

/* ---- checkpoints ---------------------------------------------------------------------------- */

static int meta_i64(rl_st_file *f, const char *key, long long v, rl_error *err) {
  char buf[32];
  snprintf(buf, sizeof buf, "%lld", v);
  return rl_st_add_meta(f, key, buf, err);
}

static int meta_f(rl_st_file *f, const char *key, float v, rl_error *err) {
  char buf[48];
  if (isnan(v)) snprintf(buf, sizeof buf, "nan");
  else snprintf(buf, sizeof buf, "%.9g", (double)v);
  return rl_st_add_meta(f, key, buf, err);
}

static int meta_hex(rl_st_file *f, const char *key, uint64_t v, rl_error *err) {
  char buf[24];
  snprintf(buf, sizeof buf, "%016" PRIx64, v);
  return rl_st_add_meta(f, key, buf, err);
}

static const char *level_name(rl_vocab_level l) { return l == RL_VOCAB_CHAR ? "char" : "word"; }

static int add_train_meta(const rl_trainer *t, rl_st_file *f, rl_error *err) {
  const rl_task_opts *k = &t->o.task;
  rl_task_state st;
  rl_task_get_state(t->task, &st);
  char key[32];
  if (rl_st_add_meta(f, "checkpoint", RL_CHECKPOINT_FORMAT, err) || meta_i64(f, "train.step", t->step, err))
    return -1;
  for (int i = 0; i < 4; i++) {
    snprintf(key, sizeof key, "train.rng.%d", i);
    if (meta_hex(f, key, t->rng.s[i], err)) return -1;
  }
  if (meta_hex(f, "train.seed", t->o.seed, err) || meta_i64(f, "train.batch", t->B, err) ||
      meta_i64(f, "train.eval_size", t->o.eval_size, err) || meta_i64(f, "train.threads", t->o.threads, err) ||
      meta_f(f, "train.lr", t->opt.lr, err) || meta_f(f, "train.clip", t->o.clip, err) ||
      rl_st_add_meta(f, "train.optimizer", rl_opt_name(t->opt.kind), err) ||
      meta_f(f, "train.momentum", t->opt.momentum, err) || meta_f(f, "train.beta1", t->opt.beta1, err) ||
      meta_f(f, "train.beta2", t->opt.beta2, err) || meta_f(f, "train.eps", t->opt.eps, err) ||
      meta_i64(f, "train.opt_step", t->opt.step, err) || rl_st_add_meta(f, "train.init", rl_init_name(t->o.init.recurrent), err) ||
      meta_f(f, "train.spectral_radius", t->o.init.spectral_radius, err) ||
      meta_f(f, "train.forget_bias", t->o.init.forget_bias, err) || meta_hex(f, "train.init_seed", t->o.init.seed, err) ||
      meta_i64(f, "train.have_carry", t->have_carry, err))
    return -1;
  if (rl_st_add_meta(f, "task", rl_task_kind_name(k->kind), err) || meta_i64(f, "task.length", k->length, err) ||
      meta_i64(f, "task.keys", k->keys, err) || meta_i64(f, "task.distractors", k->distractors, err) ||
      meta_i64(f, "task.max_attractors", k->max_attractors, err) || meta_i64(f, "task.attractors", k->attractors, err) ||
      meta_i64(f, "task.per_token", k->per_token, err) || meta_i64(f, "task.classes", k->classes, err) ||
      rl_st_add_meta(f, "task.level", level_name(k->level), err) || meta_i64(f, "task.max_vocab", k->max_vocab, err) ||
      meta_i64(f, "task.max_tokens", k->max_tokens, err) || meta_f(f, "task.holdout", k->holdout, err) ||
      meta_hex(f, "task.seed", k->seed, err))
    return -1;
  if (k->data_path && rl_st_add_meta(f, "task.data", k->data_path, err)) return -1;
  int64_t size;
  uint64_t hash;
  if (rl_task_data_id(t->task, &size, &hash) == 0 &&
      (meta_i64(f, "task.data_size", size, err) || meta_hex(f, "task.data_hash", hash, err)))
    return -1;
  for (int i = 0; i < 2; i++) {
    snprintf(key, sizeof key, "task.cursor.%d", i);
    if (meta_i64(f, key, st.cursor[i], err)) return -1;
    snprintf(key, sizeof key, "task.B.%d", i);
    if (meta_i64(f, key, st.B[i], err)) return -1;
    snprintf(key, sizeof key, "task.epoch.%d", i);
    if (meta_i64(f, key, st.epoch[i], err)) return -1;
  }
  return 0;
}

int rl_trainer_save(const rl_trainer *t, const char *path, rl_error *err) {
  rl_st_file f;
  if (rl_model_to_st(t->m, &f, err)) return -1;
  int64_t shape[1] = {(int64_t)t->m->nparams};
  int rc = add_train_meta(t, &f, err);
  if (!rc && t->opt.m) rc = rl_st_add_tensor(&f, "optim.m", 1, shape, t->opt.m, err);
  if (!rc && t->opt.v) rc = rl_st_add_tensor(&f, "optim.v", 1, shape, t->opt.v, err);
  if (!rc && t->carry) {
    shape[0] = (int64_t)carry_numel(t);
    rc = rl_st_add_tensor(&f, "optim.h_carry", 1, shape, t->h_carry, err);
    if (!rc) rc = rl_st_add_tensor(&f, "optim.c_carry", 1, shape, t->c_carry, err);
  }
  if (rc) {
    char msg[sizeof err->msg];
    snprintf(msg, sizeof msg, "%.200s: %.300s", path, err ? err->msg : "");
    if (err) memcpy(err->msg, msg, sizeof msg);
  } else {
    rc = rl_st_write(path, &f, err);
  }
  rl_st_free(&f);
  return rc;
}

/* Strict readers of checkpoint metadata; messages name the file and the key. */
typedef struct {
  const rl_st_file *f;
  const char *path;
  rl_error *err;
  int failed;
} meta_reader;

static const char *get_str(meta_reader *r, const char *key) {
  if (r->failed) return NULL;
  const char *s = rl_st_meta(r->f, key);
  if (!s) {
    rl_fail(r->err, "%s: checkpoint metadata has no '%s'", r->path, key);
    r->failed = 1;
  }
  return s;
}

static long long get_i64(meta_reader *r, const char *key, long long lo, long long hi) {
  const char *s = get_str(r, key);
  if (!s) return lo;
  char *end;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (errno || end == s || *end || v < lo || v > hi) {
    rl_fail(r->err, "%s: checkpoint metadata '%s' is '%.40s', expected a whole number from %lld to %lld", r->path,
            key, s, lo, hi);
    r->failed = 1;
    return lo;
  }
  return v;
}

static float get_f(meta_reader *r, const char *key, int allow_nan) {
  const char *s = get_str(r, key);
  if (!s) return 0;
  if (allow_nan && !strcmp(s, "nan")) return NAN;
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (errno || end == s || *end || !isfinite(v) || fabs(v) > 3.0e38) {
    rl_fail(r->err, "%s: checkpoint metadata '%s' is '%.40s', expected a finite number", r->path, key, s);
    r->failed = 1;
    return 0;
  }
  return (float)v;
}

static uint64_t get_hex(meta_reader *r, const char *key) {
  const char *s = get_str(r, key);
  if (!s) return 0;
  size_t n = strlen(s);
  int ok = n >= 1 && n <= 16;
  for (size_t i = 0; ok && i < n; i++) ok = (s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f');
  if (!ok) {
    rl_fail(r->err, "%s: checkpoint metadata '%s' is '%.40s', expected up to 16 lower-case hex digits", r->path, key, s);
    r->failed = 1;
    return 0;
  }
  return (uint64_t)strtoull(s, NULL, 16);
}

static int copy_tensor(const rl_st_file *f, const char *path, const char *name, float *dst, size_t n, rl_error *err) {
  const rl_st_tensor *t = rl_st_find(f, name);
  if (!t) return rl_fail(err, "%s: checkpoint has no tensor '%s'", path, name);
  if (t->ndim != 1 || t->numel != n)
    return rl_fail(err, "%s: checkpoint tensor '%s' has %zu values, expected %zu", path, name, t->numel, n);
  for (size_t i = 0; i < n; i++)
    if (!isfinite(t->data[i])) return rl_fail(err, "%s: checkpoint tensor '%s' holds a non-finite value at %zu", path, name, i);
  memcpy(dst, t->data, n * sizeof(float));
  return 0;
}

int rl_trainer_load(const char *path, rl_trainer **out, rl_error *err) {
  *out = NULL;
  rl_st_file f;
  if (rl_st_read(path, &f, err)) return -1;
  rl_model *m = NULL;
  rl_trainer *t = NULL;
  char *data = NULL;
  int rc = -1;
  const char *fmt = rl_st_meta(&f, "checkpoint");
  if (!fmt || strcmp(fmt, RL_CHECKPOINT_FORMAT) != 0) {
    rl_fail(err, "%s: not a training checkpoint (no \"checkpoint\": \"%s\" metadata); a model file can be "
            "trained further only from a checkpoint written by rnnlab train --checkpoint", path, RL_CHECKPOINT_FORMAT);
    goto done;
  }
  if (rl_model_from_st(&f, path, &m, err)) goto done;

  meta_reader r = {&f, path, err, 0};
  rl_train_opts o = rl_train_default();
  const char *kind = get_str(&r, "task");
  if (kind && rl_task_kind_parse(kind, &o.task.kind)) {
    rl_fail(err, "%s: checkpoint task '%.40s' is unknown", path, kind);
    goto done;
  }
  o.task = rl_task_default(o.task.kind);
  o.task.length = (int)get_i64(&r, "task.length", 0, RL_MAX_TIME);
  o.task.keys = (int)get_i64(&r, "task.keys", 0, 1000000);
  o.task.distractors = (int)get_i64(&r, "task.distractors", 0, 1000000);
  o.task.max_attractors = (int)get_i64(&r, "task.max_attractors", 0, 1000);
  o.task.attractors = (int)get_i64(&r, "task.attractors", -1, 1000);
  o.task.per_token = (int)get_i64(&r, "task.per_token", 0, 1);
  o.task.classes = (int)get_i64(&r, "task.classes", 0, 1000);
  const char *lvl = get_str(&r, "task.level");
  o.task.level = lvl && !strcmp(lvl, "char") ? RL_VOCAB_CHAR : RL_VOCAB_WORD;
  o.task.max_vocab = (int)get_i64(&r, "task.max_vocab", 0, RL_MAX_VOCAB);
  o.task.max_tokens = get_i64(&r, "task.max_tokens", 0, (long long)1 << 40);
  o.task.holdout = get_f(&r, "task.holdout", 0);
  o.task.seed = get_hex(&r, "task.seed");
  const char *dp = rl_st_meta(&f, "task.data");
  if (dp) {
    data = rl_strdup(dp);
    if (!data) {
      rl_fail(err, "out of memory");
      goto done;
    }
  }
  o.task.data_path = data;
  o.seed = get_hex(&r, "train.seed");
  o.batch = (int)get_i64(&r, "train.batch", 1, RL_MAX_BATCH);
  o.eval_size = (int)get_i64(&r, "train.eval_size", 1, RL_MAX_EVAL);
  o.threads = (int)get_i64(&r, "train.threads", 1, 64);
  o.lr = get_f(&r, "train.lr", 0);
  o.clip = get_f(&r, "train.clip", 0);
  const char *on = get_str(&r, "train.optimizer");
  if (on && rl_opt_parse(on, &o.optimizer)) {
    rl_fail(err, "%s: checkpoint optimizer '%.40s' is unknown", path, on);
    goto done;
  }
  const char *in = get_str(&r, "train.init");
  if (in && rl_init_parse(in, &o.init.recurrent)) {
    rl_fail(err, "%s: checkpoint initialisation '%.40s' is unknown", path, in);
    goto done;
  }
  o.init.spectral_radius = get_f(&r, "train.spectral_radius", 0);
  o.init.forget_bias = get_f(&r, "train.forget_bias", 1);
  o.init.seed = get_hex(&r, "train.init_seed");
  long long step = get_i64(&r, "train.step", 0, (long long)1 << 52);
  long long opt_step = get_i64(&r, "train.opt_step", 0, (long long)1 << 52);
  int have_carry = (int)get_i64(&r, "train.have_carry", 0, 1);
  float mom = get_f(&r, "train.momentum", 0), b1 = get_f(&r, "train.beta1", 0), b2 = get_f(&r, "train.beta2", 0),
        eps = get_f(&r, "train.eps", 0);
  rl_rng rng;
  char key[32];
  for (int i = 0; i < 4; i++) {
    snprintf(key, sizeof key, "train.rng.%d", i);
    rng.s[i] = get_hex(&r, key);
  }
  rl_task_state st;
  for (int i = 0; i < 2; i++) {
    snprintf(key, sizeof key, "task.cursor.%d", i);
    st.cursor[i] = get_i64(&r, key, 0, (long long)1 << 40);
    snprintf(key, sizeof key, "task.B.%d", i);
    st.B[i] = (int)get_i64(&r, key, 0, RL_MAX_BATCH);
    snprintf(key, sizeof key, "task.epoch.%d", i);
    st.epoch[i] = get_i64(&r, key, 0, (long long)1 << 40);
  }
  if (r.failed) goto done;
  if (rng.s[0] == 0 && rng.s[1] == 0 && rng.s[2] == 0 && rng.s[3] == 0) {
    rl_fail(err, "%s: checkpoint random state is all zero", path);
    goto done;
  }
  /* the text file must be the one the checkpoint was trained on (checkpoints written before these
   * keys existed are taken on trust) */
  data_id want = {0, 0, 0};
  if (rl_st_meta(&f, "task.data_size")) {
    want.check = 1;
    want.size = get_i64(&r, "task.data_size", 0, INT64_MAX);
    want.hash = get_hex(&r, "task.data_hash");
    if (r.failed) goto done;
  }
  o.model = m->cfg;
  if (build(&o, m, &want, &t, err)) {
    m = NULL; /* build owns it (freed on failure) */
    char msg[sizeof err->msg];
    snprintf(msg, sizeof msg, "%.200s: %.300s", path, err ? err->msg : "");
    if (err) memcpy(err->msg, msg, sizeof msg);
    goto done;
  }
  m = NULL;
  t->step = (long)step;
  t->rng = rng;
  t->opt.step = (long)opt_step;
  t->opt.momentum = mom;
  t->opt.beta1 = b1;
  t->opt.beta2 = b2;
  t->opt.eps = eps;
  if (t->opt.m && copy_tensor(&f, path, "optim.m", t->opt.m, t->m->nparams, err)) goto done;
  if (t->opt.v && copy_tensor(&f, path, "optim.v", t->opt.v, t->m->nparams, err)) goto done;
  if (rl_task_set_state(t->task, &st, err)) goto done;
  if (t->carry) {
    size_t n = carry_numel(t);
    if (copy_tensor(&f, path, "optim.h_carry", t->h_carry, n, err) ||
        copy_tensor(&f, path, "optim.c_carry", t->c_carry, n, err))
      goto done;
    t->have_carry = have_carry;
  }
  *out = t;
  t = NULL;
  rc = 0;
done:
  rl_trainer_free(t);
  rl_model_free(m);
  free(data);
  rl_st_free(&f);
  return rc;
}
