/* rnnlab training loop: one model + one optimizer + one task + the data rng + a step counter.
 * The command line (`rnnlab train`), the experiments and any other caller drive training with the
 * same calls:
 *
 *   rl_trainer_create(&opts)            task -> model sized for it (vocab, head, classes) -> init
 *   rl_trainer_step()                   batch -> forward -> backward -> clip -> optimizer step
 *   rl_trainer_eval()                   loss / accuracy on a fixed held-out set
 *   rl_trainer_save() / _load()         checkpoints (bit-identical resume)
 *
 * Determinism: a run is a pure function of its options (including the thread count: gradients
 * are summed in shard order). A checkpoint holds everything the next step depends on -- parameters,
 * optimizer moments and step count, the data rng, the lm stream cursors and the hidden state
 * carried between lm chunks, the learning rate and clipping threshold -- so training N steps,
 * saving and resuming for M more steps gives bit for bit the parameters of N + M steps straight.
 *
 * Checkpoint file = an rnnlab model file (so any checkpoint also opens as a model) plus:
 *   tensors   "optim.m", "optim.v" [nparams] (when the optimizer has them),
 *             "optim.h_carry", "optim.c_carry" [L*D*B*H] (lm task: the hidden state carried
 *             between chunks; under the "optim." prefix that model loading skips)
 *   metadata  "checkpoint": "rnnlab-checkpoint-1", "train.step", "train.rng.0".."train.rng.3"
 *             (16 hex digits each), "train.seed", "train.batch", "train.eval_size",
 *             "train.threads", "train.lr", "train.clip", "train.optimizer", "train.momentum",
 *             "train.beta1", "train.beta2", "train.eps", "train.opt_step", "train.init",
 *             "train.spectral_radius", "train.forget_bias", "train.init_seed",
 *             "task", "task.length", "task.keys", "task.distractors", "task.max_attractors",
 *             "task.attractors", "task.per_token", "task.classes", "task.data", "task.level",
 *             "task.max_vocab", "task.max_tokens", "task.holdout", "task.seed",
 *             "task.cursor.0/1", "task.B.0/1", "task.epoch.0/1", "train.have_carry", and with a text
 *             file "task.data_size" and "task.data_hash" (corpus.h): loading refuses a checkpoint
 *             whose text file has changed since.
 * Floats are written with 9 significant digits (exact for float). Written atomically (rl_st_write).
 */
#ifndef RNNLAB_TRAIN_H
#define RNNLAB_TRAIN_H
#include "model.h"
#include "optim.h"
#include "rl_base.h"
#include "tasks.h"

#define RL_CHECKPOINT_FORMAT "rnnlab-checkpoint-1"
#define RL_MAX_EVAL 1000000
#define RL_TRAIN_ATTR_BINS 9 /* agreement: attractors 0..8 */

typedef struct {
  rl_task_opts task;       /* data_path is copied by rl_trainer_create */
  rl_config model;         /* vocab, head and classes are taken from the task */
  rl_init_opts init;
  rl_opt_kind optimizer;
  float lr;                /* > 0 */
  float clip;              /* global-norm clipping threshold; <= 0: off */
  int batch;               /* 1..RL_MAX_BATCH */
  int eval_size;           /* held-out examples (synthetic tasks) or rows of chunks (lm), 1..RL_MAX_EVAL */
  uint64_t seed;           /* data stream and held-out set (the init seed is init.seed) */
  int threads;             /* >= 1 */
} rl_train_opts;

/* Defaults: recall, LSTM H=32 E=16, Adam lr 0.01, clip 1, batch 32, eval 256, seed 1, 1 thread. */
rl_train_opts rl_train_default(void);

typedef struct {
  long step;          /* steps done after this one */
  float loss;         /* training batch loss */
  float accuracy;     /* training batch accuracy on scored positions (0..1) */
  float grad_norm;    /* before clipping */
  int clipped;        /* 1 if the gradient was rescaled */
  long tokens;        /* tokens in this batch (B*T) */
} rl_step_stats;

typedef struct {
  float loss;              /* mean over scored positions */
  float accuracy;          /* 0..1 */
  float perplexity;        /* exp(loss) */
  int64_t correct, total;
  /* agreement: per number of attractors (by example) */
  int64_t attr_correct[RL_TRAIN_ATTR_BINS], attr_total[RL_TRAIN_ATTR_BINS];
} rl_eval_stats;

typedef struct rl_trainer {
  rl_train_opts o;
  char *data_path;         /* owned copy (o.task.data_path points here) */
  rl_task *task;
  rl_model *m;
  rl_optimizer opt;
  rl_rng rng;              /* the training data stream */
  long step;
  int B, T, per;           /* batch, sequence length, targets per row */
  int *tok, *tgt;          /* [B*T], [B*per] */
  rl_task_meta *meta;      /* [B] */
  /* lm: hidden state carried between chunks (truncated BPTT) */
  int carry;               /* 1 if the task carries state (lm, unidirectional) */
  int have_carry;
  float *h_carry, *c_carry;/* [L*D*B*H] */
  /* held-out set (synthetic tasks): generated once from the seed */
  int eval_n;
  int *eval_tok, *eval_tgt;
  rl_task_meta *eval_meta;
  rl_step_stats last;
} rl_trainer;

int rl_trainer_create(const rl_train_opts *opts, rl_trainer **out, rl_error *err);
void rl_trainer_free(rl_trainer *t);

/* One training step. On a non-finite loss or gradient, nothing is updated (the parameters stay
 * those after the last good step) and the message names the step and suggests clipping or a
 * lower learning rate. */
int rl_trainer_step(rl_trainer *t, rl_step_stats *out, rl_error *err);
/* Evaluates the model on the held-out set (synthetic: a fixed set drawn from the seed; lm: the
 * held-out tail from its start). Touches neither the training stream nor the optimizer. */
int rl_trainer_eval(rl_trainer *t, rl_eval_stats *out, rl_error *err);

/* Live settings (kept in checkpoints). */
int rl_trainer_set_lr(rl_trainer *t, float lr, rl_error *err);
int rl_trainer_set_clip(rl_trainer *t, float clip, rl_error *err);
/* Changes the task's length (recall distance: a curriculum) keeping model and optimizer; the
 * held-out set is redrawn at the new length. */
int rl_trainer_set_length(rl_trainer *t, int length, rl_error *err);
/* Thread count (changes the summation order: resume with the same count to be bit-identical). */
void rl_trainer_set_threads(rl_trainer *t, int threads);

int rl_trainer_save(const rl_trainer *t, const char *path, rl_error *err);
/* Rebuilds the trainer a checkpoint describes (task, model, optimizer, rng, stream, step). */
int rl_trainer_load(const char *path, rl_trainer **out, rl_error *err);

#endif
