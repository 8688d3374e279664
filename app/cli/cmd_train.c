/* `rnnlab train`: the command-line face of engine/train.h (options, progress, logs, checkpoints,
 * Ctrl-C and SIGTERM). */
#define _POSIX_C_SOURCE 200809L
#include "cli_args.h"
#include "commands.h"
#include "experiments.h"
#include "fileio.h"
#include "modelfile.h"
#include "progress.h"
#include "train.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- SIGINT (Ctrl-C) and SIGTERM (timeout, systemd, batch schedulers): finish the current step,
 * write a checkpoint, exit 128 + the signal's number ------------------------------------------- */

static volatile sig_atomic_t g_interrupted = 0; /* the signal received, 0 = none */

static void on_stop_signal(int sig) { g_interrupted = sig; }

/* ---- options -------------------------------------------------------------------------------- */

static void train_help(FILE *f) {
  fprintf(f,
          "usage: rnnlab train [OPTIONS]\n\n"
          "Trains a model on a task, with evaluation, logging and checkpoints.\n"
          "Example: rnnlab train --task recall --distance 40 --cell lstm --hidden 64 --steps 3000 --save m.safetensors\n\n"
          "Task options:\n"
          "  --task recall|agreement|order|sentiment|lm   (default recall)\n"
          "  --distance N                recall: distractors between key and query (default 10)\n"
          "  --length N                  order: sequence length; lm: BPTT chunk length; recall: = --distance\n"
          "  --keys K --distractors D    recall: key tokens (default 8), distinct distractors (default 1)\n"
          "  --max-attractors K          agreement: at most K attractor nouns (default 3)\n"
          "  --attractors K              agreement: always exactly K attractors\n"
          "  --per-token                 sentiment: label every token (step head)\n"
          "  --sentiment-classes 2|3     sentiment: with or without neutral\n"
          "  --data FILE --level char|word   lm: a UTF-8 text file (default: built-in sentences), split into\n"
          "                              words or characters (default word)\n"
          "  --max-vocab N --max-tokens N --holdout F   lm: vocabulary (default 8000), tokens read\n"
          "                              (default 16M = 16777216), held-out fraction (default 0.1)\n"
          "Training options:\n"
          "  --steps N                   train until step N (total, also when resuming; default 1000)\n"
          "  --batch B                   sequences per step (default 32)\n"
          "  --optimizer sgd|momentum|adam   (default adam)\n"
          "  --lr X                      learning rate (default 0.01)\n"
          "  --clip X                    global gradient-norm clipping, 0 = off (default 1)\n"
          "  --eval-size N               held-out examples (lm: sequences of the held-out text; default 256)\n"
          "  --eval-every N              evaluate every N steps (default: 20 evaluations per run)\n"
          "  --threads N                 threads per step (default 1; a resumed run is bit-identical\n"
          "                              to an uninterrupted one with the same thread count)\n"
          "  --log FILE.csv              write every evaluation as a CSV row\n"
          "  --save FILE                 write the trained model (safetensors)\n"
          "  --checkpoint FILE           write model + optimizer + data position here (at the end, every\n"
          "                              --checkpoint-every N steps, and on Ctrl-C or SIGTERM)\n"
          "  --resume FILE               continue a checkpoint bit-identically (model, task and optimizer\n"
          "                              options come from the checkpoint; --lr and --clip may change)\n"
          "  --quiet                     no progress output\n\n");
  model_opts_help(f);
  fprintf(f, "\nWithout --checkpoint, Ctrl-C or SIGTERM writes the checkpoint next to --save\n"
             "(NAME.ckpt.safetensors) or to rnnlab-checkpoint.safetensors. Exit codes: 0 done, 1 failure,\n"
             "2 bad usage, 130 interrupted (Ctrl-C), 143 terminated (SIGTERM).\n");
}

/* Options whose value a checkpoint fixes: with --resume they must agree with it. */
#define MAX_GIVEN 64

typedef struct {
  model_opts mo;
  rl_train_opts to;
  int task_given, length_given;
  const char *given[MAX_GIVEN];
  const char *given_val[MAX_GIVEN];
  int ngiven;
  long steps;
  int eval_every;
  const char *log, *save, *checkpoint, *resume;
  int checkpoint_every;
  int quiet;
  int lr_given, clip_given, threads_given;
} train_args;

static void remember(train_args *a, const char *opt, const char *val) {
  if (a->ngiven < MAX_GIVEN) {
    a->given[a->ngiven] = opt;
    a->given_val[a->ngiven++] = val;
  }
}

static int parse_level(const char *v, rl_vocab_level *out) {
  if (!strcmp(v, "char")) *out = RL_VOCAB_CHAR;
  else if (!strcmp(v, "word")) *out = RL_VOCAB_WORD;
  else return -1;
  return 0;
}

/* The task options as given (-1, -2 or NULL: not given); finish_task turns them into the task. */
typedef struct {
  int distance, length, keys, distractors, maxattr, attr, per_token, sclasses, max_vocab;
  const char *data;
  int level_given;
  rl_vocab_level level;
  int64_t max_tokens;
  float holdout;
} task_args;

/* A task option o with its value v: 1 taken, 0 not a task option, -1 bad value (message printed). */
static int parse_task_opt(train_args *a, task_args *t, const char *o, const char *v) {
  const char *C = "train";
  int iv;
  if (!strcmp(o, "--task")) {
    if (rl_task_kind_parse(v, &a->to.task.kind)) {
      fprintf(stderr, "rnnlab train: unknown task '%s' (expected recall, agreement, order, sentiment or lm)\n", v);
      return -1;
    }
    a->task_given = 1;
  } else if (!strcmp(o, "--distance") || !strcmp(o, "--length")) {
    if (arg_int(C, o, v, 0, RL_MAX_TIME - 2, &iv)) return -1;
    if (!strcmp(o, "--distance")) t->distance = iv;
    else t->length = iv;
    a->length_given = 1;
    o = "--distance";
  } else if (!strcmp(o, "--keys")) {
    if (arg_int(C, o, v, 2, 1000, &t->keys)) return -1;
  } else if (!strcmp(o, "--distractors")) {
    if (arg_int(C, o, v, 1, 1000, &t->distractors)) return -1;
  } else if (!strcmp(o, "--max-attractors")) {
    if (arg_int(C, o, v, 0, 8, &t->maxattr)) return -1;
  } else if (!strcmp(o, "--attractors")) {
    if (arg_int(C, o, v, 0, 8, &t->attr)) return -1;
  } else if (!strcmp(o, "--sentiment-classes")) {
    if (arg_int(C, o, v, 2, 3, &t->sclasses)) return -1;
  } else if (!strcmp(o, "--data")) {
    t->data = v;
  } else if (!strcmp(o, "--level")) {
    if (parse_level(v, &t->level)) {
      fprintf(stderr, "rnnlab train: unknown --level '%s' (expected char or word)\n", v);
      return -1;
    }
    t->level_given = 1;
  } else if (!strcmp(o, "--max-vocab")) {
    if (arg_int(C, o, v, 1, RL_MAX_WIDTH - 1, &t->max_vocab)) return -1;
  } else if (!strcmp(o, "--max-tokens")) {
    if (arg_int(C, o, v, 1, 1 << 28, &iv)) return -1;
    t->max_tokens = iv;
  } else if (!strcmp(o, "--holdout")) {
    if (arg_float(C, o, v, 0.0, 0.5, &t->holdout)) return -1;
  } else {
    return 0;
  }
  remember(a, o, v);
  return 1;
}

/* A training or output option o with its value v: 1 taken, 0 not one, -1 bad value. */
static int parse_run_opt(train_args *a, const char *o, const char *v) {
  const char *C = "train";
  int iv;
  if (!strcmp(o, "--steps")) {
    if (arg_int(C, o, v, 0, 2000000000, &iv)) return -1;
    a->steps = iv;
  } else if (!strcmp(o, "--batch")) {
    if (arg_int(C, o, v, 1, RL_MAX_BATCH, &a->to.batch)) return -1;
    remember(a, o, v);
  } else if (!strcmp(o, "--optimizer")) {
    if (rl_opt_parse(v, &a->to.optimizer)) {
      fprintf(stderr, "rnnlab train: unknown optimizer '%s' (expected sgd, momentum or adam)\n", v);
      return -1;
    }
    remember(a, o, v);
  } else if (!strcmp(o, "--lr")) {
    if (arg_float(C, o, v, 0.0, 1e30, &a->to.lr)) return -1;
    if (!(a->to.lr > 0)) {
      fprintf(stderr, "rnnlab train: --lr must be greater than 0, not %s\n", v);
      return -1;
    }
    a->lr_given = 1;
  } else if (!strcmp(o, "--clip")) {
    if (arg_float(C, o, v, 0.0, 1e30, &a->to.clip)) return -1;
    a->clip_given = 1;
  } else if (!strcmp(o, "--eval-size")) {
    if (arg_int(C, o, v, 1, RL_MAX_EVAL, &a->to.eval_size)) return -1;
    remember(a, o, v);
  } else if (!strcmp(o, "--eval-every")) {
    if (arg_int(C, o, v, 1, 2000000000, &a->eval_every)) return -1;
  } else if (!strcmp(o, "--threads")) {
    if (arg_int(C, o, v, 1, 64, &a->to.threads)) return -1;
    a->threads_given = 1;
  } else if (!strcmp(o, "--checkpoint-every")) {
    if (arg_int(C, o, v, 1, 2000000000, &a->checkpoint_every)) return -1;
  } else if (!strcmp(o, "--log")) {
    a->log = v;
  } else if (!strcmp(o, "--save")) {
    a->save = v;
  } else if (!strcmp(o, "--checkpoint")) {
    a->checkpoint = v;
  } else if (!strcmp(o, "--resume")) {
    a->resume = v;
  } else {
    return 0;
  }
  return 1;
}

/* The task from its kind's defaults and the options given. 0, or 2 (message printed). */
static int finish_task(train_args *a, const task_args *t) {
  rl_task_opts *k = &a->to.task;
  rl_task_kind kind = k->kind;
  *k = rl_task_default(kind);
  if (kind == RL_TASK_LM) k->max_vocab = 8000; /* classes = V must stay within what model files hold */
  if (t->distance >= 0 && t->length >= 0 && t->distance != t->length) {
    fprintf(stderr, "rnnlab train: --distance and --length disagree\n");
    return 2;
  }
  int length = t->distance >= 0 ? t->distance : t->length;
  if (length >= 0) k->length = length;
  if (t->keys >= 0) k->keys = t->keys;
  if (t->distractors >= 0) k->distractors = t->distractors;
  if (t->maxattr >= 0) k->max_attractors = t->maxattr;
  if (t->attr >= -1) k->attractors = t->attr;
  if (t->attr >= 0 && t->maxattr < 0 && t->attr > k->max_attractors) k->max_attractors = t->attr;
  k->per_token = t->per_token;
  if (t->sclasses >= 0) k->classes = t->sclasses;
  if (t->data) k->data_path = t->data;
  if (t->level_given) k->level = t->level;
  if (t->max_vocab >= 0) k->max_vocab = t->max_vocab;
  if (t->max_tokens >= 0) k->max_tokens = t->max_tokens;
  if (t->holdout >= 0) k->holdout = t->holdout;
  if ((t->data || t->level_given || t->max_vocab >= 0 || t->max_tokens >= 0 || t->holdout >= 0) && kind != RL_TASK_LM) {
    fprintf(stderr, "rnnlab train: --data, --level, --max-vocab, --max-tokens and --holdout belong to --task lm\n");
    return 2;
  }
  if (!t->data && t->level_given && t->level == RL_VOCAB_CHAR) {
    fprintf(stderr, "rnnlab train: --level char needs --data FILE (the built-in sentences are word level)\n");
    return 2;
  }
  return 0;
}

/* 0 ok, 1 help printed, 2 usage error (message printed). */
static int parse_train_args(train_args *a, int argc, char **argv) {
  memset(a, 0, sizeof *a);
  model_opts_default(&a->mo);
  a->to = rl_train_default();
  a->steps = 1000;
  task_args t = {-1, -1, -1, -1, -1, -2, 0, -1, -1, NULL, 0, RL_VOCAB_WORD, -1, -1};
  for (int i = 1; i < argc; i++) {
    const char *o = argv[i], *v;
    int r = model_opts_parse(&a->mo, "train", argc, argv, &i);
    if (r < 0) return 2;
    if (r > 0) {
      remember(a, o, i < argc && argv[i] != o ? argv[i] : "");
      continue;
    }
    if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
      train_help(stdout);
      return 1;
    }
    if (!strcmp(o, "--per-token")) {
      t.per_token = 1;
      remember(a, o, "");
      continue;
    }
    if (!strcmp(o, "--quiet")) {
      a->quiet = 1;
      continue;
    }
    static const char *const VAL[] = {"--task", "--distance", "--length", "--keys", "--distractors",
                                      "--max-attractors", "--attractors", "--sentiment-classes", "--data",
                                      "--level", "--max-vocab", "--max-tokens", "--holdout", "--steps", "--batch",
                                      "--optimizer", "--lr", "--clip", "--eval-size", "--eval-every", "--threads",
                                      "--log", "--save", "--checkpoint", "--checkpoint-every", "--resume"};
    int known = 0;
    for (size_t j = 0; j < sizeof VAL / sizeof *VAL; j++) known |= !strcmp(o, VAL[j]);
    if (!known) {
      fprintf(stderr, "rnnlab train: unknown option '%s' (see rnnlab train --help)\n", o);
      return 2;
    }
    if (!(v = arg_value("train", argc, argv, &i))) return 2;
    r = parse_task_opt(a, &t, o, v);
    if (r == 0) r = parse_run_opt(a, o, v);
    if (r < 0) return 2;
  }
  if (finish_task(a, &t)) return 2;
  a->to.model = a->mo.cfg;
  a->to.init = a->mo.init;
  return 0;
}

/* With --resume: the first given option that disagrees with the checkpoint, or NULL. */
static const char *resume_conflict(const train_args *a, const rl_trainer *t, char *why, size_t n) {
  const rl_config *p = &a->to.model, *c = &t->m->cfg;
  const rl_task_opts *pk = &a->to.task, *ck = &t->o.task;
  for (int i = 0; i < a->ngiven; i++) {
    const char *o = a->given[i];
    int differs = 0;
    if (!strcmp(o, "--cell")) differs = p->cell != c->cell;
    else if (!strcmp(o, "--nonlinearity")) differs = p->nonlin != c->nonlin;
    else if (!strcmp(o, "--embed")) differs = p->embed != c->embed;
    else if (!strcmp(o, "--hidden")) differs = p->hidden != c->hidden;
    else if (!strcmp(o, "--layers")) differs = p->layers != c->layers;
    else if (!strcmp(o, "--bidirectional")) differs = p->bidirectional != c->bidirectional;
    else if (!strcmp(o, "--residual")) differs = p->residual != c->residual;
    else if (!strcmp(o, "--vocab")) differs = p->vocab != c->vocab;
    else if (!strcmp(o, "--head")) differs = p->head != c->head;
    else if (!strcmp(o, "--classes")) differs = p->classes != c->classes;
    else if (!strcmp(o, "--seed")) differs = a->to.init.seed != t->o.init.seed;
    else if (!strcmp(o, "--init")) differs = a->to.init.recurrent != t->o.init.recurrent;
    else if (!strcmp(o, "--spectral-radius")) differs = a->to.init.spectral_radius != t->o.init.spectral_radius;
    else if (!strcmp(o, "--forget-bias")) differs = !(a->to.init.forget_bias == t->o.init.forget_bias);
    else if (!strcmp(o, "--task")) differs = pk->kind != ck->kind;
    else if (!strcmp(o, "--distance")) differs = pk->length != ck->length;
    else if (!strcmp(o, "--keys")) differs = pk->keys != ck->keys;
    else if (!strcmp(o, "--distractors")) differs = pk->distractors != ck->distractors;
    else if (!strcmp(o, "--max-attractors")) differs = pk->max_attractors != ck->max_attractors;
    else if (!strcmp(o, "--attractors")) differs = pk->attractors != ck->attractors;
    else if (!strcmp(o, "--per-token")) differs = pk->per_token != ck->per_token;
    else if (!strcmp(o, "--sentiment-classes")) differs = pk->classes != ck->classes;
    else if (!strcmp(o, "--data")) differs = !ck->data_path || strcmp(pk->data_path, ck->data_path) != 0;
    else if (!strcmp(o, "--level")) differs = pk->level != ck->level;
    else if (!strcmp(o, "--max-vocab")) differs = pk->max_vocab != ck->max_vocab;
    else if (!strcmp(o, "--max-tokens")) differs = pk->max_tokens != ck->max_tokens;
    else if (!strcmp(o, "--holdout")) differs = pk->holdout != ck->holdout;
    else if (!strcmp(o, "--batch")) differs = a->to.batch != t->o.batch;
    else if (!strcmp(o, "--optimizer")) differs = a->to.optimizer != t->o.optimizer;
    else if (!strcmp(o, "--eval-size")) differs = a->to.eval_size != t->o.eval_size;
    if (differs) {
      snprintf(why, n, "%s %s", o, a->given_val[i]);
      return o;
    }
  }
  return NULL;
}

/* --vocab / --head / --classes given for a fresh run must match what the task needs. */
static int task_mismatch(const train_args *a, const rl_trainer *t) {
  const rl_config *p = &a->to.model, *c = &t->m->cfg;
  for (int i = 0; i < a->ngiven; i++) {
    const char *o = a->given[i];
    int bad = (!strcmp(o, "--vocab") && p->vocab != c->vocab) || (!strcmp(o, "--head") && p->head != c->head) ||
              (!strcmp(o, "--classes") && p->classes != c->classes);
    if (bad) {
      fprintf(stderr,
              "rnnlab train: %s %s does not fit the %s task, which needs vocabulary %d, a %s head and %d classes "
              "(leave the option out: train sizes them from the task)\n",
              o, a->given_val[i], rl_task_kind_name(t->o.task.kind), c->vocab, rl_head_name(c->head), c->classes);
      return 1;
    }
  }
  return 0;
}

static void default_checkpoint_path(const train_args *a, char *buf, size_t n) {
  if (a->checkpoint) {
    snprintf(buf, n, "%s", a->checkpoint);
    return;
  }
  if (a->save) {
    size_t len = strlen(a->save);
    const char *ext = ".safetensors";
    size_t el = strlen(ext);
    if (len > el && !strcmp(a->save + len - el, ext)) snprintf(buf, n, "%.*s.ckpt.safetensors", (int)(len - el), a->save);
    else snprintf(buf, n, "%s.ckpt.safetensors", a->save);
    return;
  }
  snprintf(buf, n, "rnnlab-checkpoint.safetensors");
}

static void describe_run(const rl_trainer *t, long steps, FILE *f) {
  const rl_config *c = &t->m->cfg;
  fprintf(f, "%s task (T = %d", rl_task_kind_name(t->o.task.kind), t->T);
  if (t->o.task.kind == RL_TASK_RECALL) fprintf(f, ", distance %d", t->o.task.length);
  fprintf(f, "), %s%s%s, hidden %d, %d layer%s, %zu parameters; %s lr %g, clip %g, batch %d, %ld steps\n",
          rl_cell_name(c->cell), c->cell == RL_CELL_RNN ? "-" : "", c->cell == RL_CELL_RNN ? rl_nonlin_name(c->nonlin) : "",
          c->hidden, c->layers, c->layers > 1 ? "s" : "", t->m->nparams, rl_opt_name(t->opt.kind), t->opt.lr, t->o.clip,
          t->B, steps);
}

#define LOG_HEADER "step,train_loss,train_accuracy,eval_loss,eval_accuracy,eval_perplexity,grad_norm,lr,tokens_per_s,elapsed_s\n"

/* The training log (--log) is written through rl_wfile (engine/fileio.h): the new log replaces the
 * old file only once its header is on disk (a full disk keeps the old one), then rows are appended
 * as they come, every write checked. A resumed run keeps the rows up to the checkpoint's step (the
 * rows after it came from the interrupted run and are written again) and continues. */
static int log_open(rl_wfile *w, const char *path, long resume_step, rl_error *err) {
  if (rl_wfile_begin(w, path, err)) return -1;
  FILE *old = resume_step >= 0 && access(path, F_OK) == 0 ? rl_open_regular(path, err) : NULL;
  if (resume_step >= 0 && !old && access(path, F_OK) == 0) {
    rl_wfile_abort(w);
    return -1;
  }
  int rc = 0;
  if (old) {
    char *line = NULL;
    size_t cap = 0;
    int first = 1;
    while (!rc && getline(&line, &cap, old) > 0) {
      char *end;
      long step = strtol(line, &end, 10);
      int keep = first ? !strncmp(line, "step,", 5) : end != line && *end == ',' && step <= resume_step;
      if (first && !keep) rc = rl_wfile_printf(w, err, LOG_HEADER); /* not one of ours: start afresh */
      if (keep) rc = rl_wfile_printf(w, err, "%s%s", line, strchr(line, '\n') ? "" : "\n");
      first = 0;
    }
    if (first && !rc) rc = rl_wfile_printf(w, err, LOG_HEADER);
    free(line);
    fclose(old);
  } else {
    rc = rl_wfile_printf(w, err, LOG_HEADER);
  }
  return rc ? -1 : rl_wfile_publish(w, err); /* a failed write has already removed the temporary */
}

/* The trainer: loaded from --resume (whose options must agree with the checkpoint's) or created
 * fresh. 0, or the exit code (message printed). */
static int open_trainer(train_args *a, rl_trainer **out) {
  rl_error err;
  rl_trainer *t = NULL;
  *out = NULL;
  if (!a->resume) {
    a->to.seed = a->to.init.seed; /* one --seed: initialisation, data stream and held-out set */
    if (rl_trainer_create(&a->to, &t, &err)) {
      fprintf(stderr, "rnnlab train: %s\n", err.msg);
      return a->to.task.data_path ? 1 : 2; /* an unreadable text file is not a usage error */
    }
    if (task_mismatch(a, t)) {
      rl_trainer_free(t);
      return 2;
    }
    *out = t;
    return 0;
  }
  if (rl_trainer_load(a->resume, &t, &err)) {
    fprintf(stderr, "rnnlab train: %s\n", err.msg);
    return 1;
  }
  char why[160];
  if (resume_conflict(a, t, why, sizeof why)) {
    fprintf(stderr, "rnnlab train: %s differs from the checkpoint %s; model, task and optimizer options come "
            "from the checkpoint (leave them out, or start a new run without --resume)\n", why, a->resume);
    rl_trainer_free(t);
    return 2;
  }
  if ((a->lr_given && rl_trainer_set_lr(t, a->to.lr, &err)) || (a->clip_given && rl_trainer_set_clip(t, a->to.clip, &err))) {
    fprintf(stderr, "rnnlab train: %s\n", err.msg);
    rl_trainer_free(t);
    return 2;
  }
  if (a->threads_given && a->to.threads != t->o.threads) {
    fprintf(stderr, "rnnlab train: note: the checkpoint was trained with %d thread%s; with %d the sums run in "
            "another order, so the run is not bit-identical to an uninterrupted one\n", t->o.threads,
            t->o.threads > 1 ? "s" : "", a->to.threads);
    rl_trainer_set_threads(t, a->to.threads);
  }
  *out = t;
  return 0;
}

/* A run in progress: what the loop and its end share. */
typedef struct {
  train_args *a;
  rl_trainer *t;
  long steps;
  int eval_every;
  rl_wfile log;
  char ckpt[1024];          /* where Ctrl-C writes */
  int ckpt_written;         /* a good checkpoint exists (ckpt, at ckpt_step) */
  long ckpt_step;
  progress pr;
  double win_loss, win_acc; /* training loss and accuracy since the last evaluation */
  int win_n;
  rl_eval_stats ev;
  int have_eval;
} train_run;

/* Evaluates, logs the row and (not on a terminal) prints it. 0, or -1 (message printed). */
static int evaluate(train_run *r, const rl_step_stats *s) {
  train_args *a = r->a;
  rl_trainer *t = r->t;
  rl_error err;
  if (rl_trainer_eval(t, &r->ev, &err)) {
    if (!a->quiet) progress_break(&r->pr);
    fprintf(stderr, "rnnlab train: evaluation: %s\n", err.msg);
    return -1;
  }
  r->have_eval = 1;
  double el = progress_now() - r->pr.t_start;
  if (a->log && rl_wfile_printf(&r->log, &err, "%ld,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.3f\n", t->step,
                                r->win_loss / r->win_n, r->win_acc / r->win_n, r->ev.loss, r->ev.accuracy,
                                r->ev.perplexity, s->grad_norm, t->opt.lr, progress_rate(&r->pr), el)) {
    if (!a->quiet) progress_break(&r->pr);
    fprintf(stderr, "rnnlab train: stopped at step %ld: cannot write the log: %s\n", t->step, err.msg);
    if (r->ckpt_written)
      fprintf(stderr, "rnnlab train: the last good checkpoint, %s (step %ld), is kept\n", r->ckpt, r->ckpt_step);
    return -1;
  }
  if (!a->quiet && !r->pr.tty) {
    char els[32];
    progress_format_duration(el, els, sizeof els);
    printf("eval step %ld/%ld: loss %.4f, accuracy %.1f%%", t->step, r->steps, r->ev.loss, 100.0 * r->ev.accuracy);
    if (t->o.task.kind == RL_TASK_LM) printf(", perplexity %.2f", r->ev.perplexity);
    printf(" (%.0f tok/s, elapsed %s)\n", progress_rate(&r->pr), els);
    fflush(stdout);
  }
  r->win_loss = r->win_acc = 0;
  r->win_n = 0;
  return 0;
}

/* A training step failed (a loss that is not finite, ...): says which checkpoint is left. */
static void step_failed(train_run *r, const rl_error *err) {
  train_args *a = r->a;
  if (!a->quiet) progress_break(&r->pr);
  fprintf(stderr, "rnnlab train: %s\n", err->msg);
  if (r->ckpt_written)
    fprintf(stderr, "rnnlab train: the last good checkpoint, %s (step %ld), is kept\n", r->ckpt, r->ckpt_step);
  else if (a->checkpoint && a->checkpoint_every > 0 && r->t->step > 0)
    fprintf(stderr, "rnnlab train: no checkpoint was written yet (the first was due at step %ld)\n",
            (long)a->checkpoint_every);
  else if (r->t->step > 0)
    fprintf(stderr, "rnnlab train: no checkpoint was written (use --checkpoint FILE --checkpoint-every N)\n");
}

/* Trains until --steps or a signal, evaluating and checkpointing on the way. 0, or -1 (message
 * printed). */
static int train_loop(train_run *r) {
  train_args *a = r->a;
  rl_trainer *t = r->t;
  rl_error err;
  while (t->step < r->steps && !g_interrupted) {
    rl_step_stats s;
    if (rl_trainer_step(t, &s, &err)) {
      step_failed(r, &err);
      return -1;
    }
    r->win_loss += s.loss;
    r->win_acc += s.accuracy;
    r->win_n++;
    /* a progress bar on a terminal; otherwise the evaluation lines below are the only progress */
    if (!a->quiet && r->pr.tty) progress_update(&r->pr, t->step, s.loss, s.accuracy, s.tokens, 0);
    else r->pr.tokens += s.tokens;
    int last = t->step == r->steps;
    if ((t->step % r->eval_every == 0 || last) && evaluate(r, &s)) return -1;
    if (a->checkpoint && a->checkpoint_every > 0 && t->step % a->checkpoint_every == 0 && !last) {
      if (rl_trainer_save(t, a->checkpoint, &err) || (a->log && rl_wfile_sync(&r->log, &err))) {
        if (!a->quiet) progress_break(&r->pr);
        fprintf(stderr, "rnnlab train: %s\n", err.msg);
        return -1;
      }
      r->ckpt_written = 1;
      r->ckpt_step = t->step;
    }
  }
  return 0;
}

/* Interrupted: writes the checkpoint and says how to continue. The exit code (128 + the signal). */
static int interrupted(train_run *r) {
  rl_error err;
  rl_trainer *t = r->t;
  const char *how = g_interrupted == SIGTERM ? "terminated (SIGTERM)" : "interrupted";
  if (rl_trainer_save(t, r->ckpt, &err)) {
    fprintf(stderr, "rnnlab train: %s at step %ld, and the checkpoint could not be written: %s\n", how, t->step,
            err.msg);
    return 1;
  }
  if (r->a->log && rl_wfile_commit(&r->log, &err)) {
    fprintf(stderr, "rnnlab train: %s at step %ld; checkpoint written to %s, but the log: %s\n", how, t->step,
            r->ckpt, err.msg);
    return 1;
  }
  fprintf(stderr, "rnnlab train: %s at step %ld; checkpoint written to %s\n"
                  "continue with: rnnlab train --resume %s --steps %ld%s%s\n",
          how, t->step, r->ckpt, r->ckpt, r->steps, r->a->save ? " --save " : "", r->a->save ? r->a->save : "");
  return 128 + g_interrupted;
}

/* After the loop: the final evaluation line, checkpoint, model and log. The exit code. */
static int finish_run(train_run *r) {
  train_args *a = r->a;
  rl_trainer *t = r->t;
  rl_error err;
  if (!a->quiet && r->pr.tty && t->step > r->pr.first_step) {
    progress_update(&r->pr, t->step, t->last.loss, t->last.accuracy, 0, 1);
    progress_break(&r->pr);
  }
  if (!r->have_eval && !g_interrupted) { /* nothing to train (a resumed run already at --steps): evaluate */
    if (rl_trainer_eval(t, &r->ev, &err)) {
      fprintf(stderr, "rnnlab train: evaluation: %s\n", err.msg);
      return 1;
    }
    r->have_eval = 1;
  }
  if (g_interrupted) return interrupted(r);
  if (r->have_eval && !a->quiet) {
    printf("final: step %ld, held-out loss %.4f, accuracy %.1f%%", t->step, r->ev.loss, 100.0 * r->ev.accuracy);
    if (t->o.task.kind == RL_TASK_LM) printf(", perplexity %.2f", r->ev.perplexity);
    printf(" (%lld of %lld scored positions correct)\n", (long long)r->ev.correct, (long long)r->ev.total);
  }
  if (a->checkpoint) {
    if (rl_trainer_save(t, a->checkpoint, &err)) {
      fprintf(stderr, "rnnlab train: %s\n", err.msg);
      return 1;
    }
    if (!a->quiet) printf("wrote checkpoint %s (step %ld)\n", a->checkpoint, t->step);
  }
  if (a->save) {
    if (rl_model_save(t->m, a->save, &err)) {
      fprintf(stderr, "rnnlab train: %s\n", err.msg);
      return 1;
    }
    if (!a->quiet) printf("wrote model %s\n", a->save);
  }
  if (a->log && rl_wfile_commit(&r->log, &err)) {
    fprintf(stderr, "rnnlab train: %s\n", err.msg);
    return 1;
  }
  return 0;
}

/* Sets up the run (checkpoint path, log, description), trains with Ctrl-C and SIGTERM caught,
 * and finishes it. The exit code. */
static int run_train(train_args *a) {
  train_run r;
  memset(&r, 0, sizeof r);
  r.a = a;
  r.log.fd = -1;
  int rc = open_trainer(a, &r.t);
  if (rc) return rc;
  rl_trainer *t = r.t;
  rl_error err;
  r.steps = a->steps;
  if (r.steps < t->step) {
    fprintf(stderr, "rnnlab train: the checkpoint is already at step %ld, past --steps %ld (--steps is the total)\n",
            t->step, r.steps);
    rl_trainer_free(t);
    return 2;
  }
  r.eval_every = a->eval_every > 0 ? a->eval_every : (int)(r.steps / 20 > 0 ? r.steps / 20 : 1);
  default_checkpoint_path(a, r.ckpt, sizeof r.ckpt);
  r.ckpt_step = -1;
  if (a->resume) {
    r.ckpt_step = t->step;
    snprintf(r.ckpt, sizeof r.ckpt, "%s", a->checkpoint ? a->checkpoint : a->resume);
    r.ckpt_written = !a->checkpoint;
  }
  rc = 1;
  if (a->log && log_open(&r.log, a->log, a->resume ? t->step : -1, &err)) {
    fprintf(stderr, "rnnlab train: cannot write the log: %s\n", err.msg);
  } else {
    if (!a->quiet) {
      if (a->resume) printf("resuming %s at step %ld: ", a->resume, t->step);
      describe_run(t, r.steps, stdout);
      fflush(stdout);
    }
    struct sigaction sa, old_int, old_term;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    g_interrupted = 0;
    progress_start(&r.pr, stdout, -1, t->step, r.steps);
    rc = train_loop(&r) ? 1 : finish_run(&r);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
  }
  if (r.log.fd >= 0) rl_wfile_commit(&r.log, &err); /* after an error: what the log holds so far, synced */
  rl_trainer_free(t);
  return rc;
}

int cmd_train_parse(int argc, char **argv, rl_train_opts *out, long *steps) {
  train_args a;
  int r = parse_train_args(&a, argc, argv);
  if (r == 0) *out = a.to, *steps = a.steps;
  return r;
}

int cmd_train(int argc, char **argv) {
  train_args a;
  int r = parse_train_args(&a, argc, argv);
  if (r == 1) return 0;
  if (r) return r;
  return run_train(&a);
}
