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

/* 0 ok, 1 help printed, 2 usage error (message printed). */
static int parse_train_args(train_args *a, int argc, char **argv) {
  memset(a, 0, sizeof *a);
  model_opts_default(&a->mo);
  a->to = rl_train_default();
  a->steps = 1000;
  const char *C = "train";
  rl_task_opts *k = &a->to.task;
  int distance = -1, length = -1, keys = -1, distractors = -1, maxattr = -1, attr = -2, per_token = 0, sclasses = -1,
      max_vocab = -1;
  const char *data = NULL;
  int level_given = 0;
  rl_vocab_level level = RL_VOCAB_WORD;
  int64_t max_tokens = -1;
  float holdout = -1;
  for (int i = 1; i < argc; i++) {
    const char *o = argv[i], *v;
    int r = model_opts_parse(&a->mo, C, argc, argv, &i);
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
      per_token = 1;
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
    if (!(v = arg_value(C, argc, argv, &i))) return 2;
    int iv;
    if (!strcmp(o, "--task")) {
      if (rl_task_kind_parse(v, &k->kind)) {
        fprintf(stderr, "rnnlab train: unknown task '%s' (expected recall, agreement, order, sentiment or lm)\n", v);
        return 2;
      }
      a->task_given = 1;
      remember(a, o, v);
    } else if (!strcmp(o, "--distance") || !strcmp(o, "--length")) {
      if (arg_int(C, o, v, 0, RL_MAX_TIME - 2, &iv)) return 2;
      if (!strcmp(o, "--distance")) distance = iv;
      else length = iv;
      a->length_given = 1;
      remember(a, "--distance", v);
    } else if (!strcmp(o, "--keys")) {
      if (arg_int(C, o, v, 2, 1000, &keys)) return 2;
      remember(a, o, v);
    } else if (!strcmp(o, "--distractors")) {
      if (arg_int(C, o, v, 1, 1000, &distractors)) return 2;
      remember(a, o, v);
    } else if (!strcmp(o, "--max-attractors")) {
      if (arg_int(C, o, v, 0, 8, &maxattr)) return 2;
      remember(a, o, v);
    } else if (!strcmp(o, "--attractors")) {
      if (arg_int(C, o, v, 0, 8, &attr)) return 2;
      remember(a, o, v);
    } else if (!strcmp(o, "--sentiment-classes")) {
      if (arg_int(C, o, v, 2, 3, &sclasses)) return 2;
      remember(a, o, v);
    } else if (!strcmp(o, "--data")) {
      data = v;
      remember(a, o, v);
    } else if (!strcmp(o, "--level")) {
      if (parse_level(v, &level)) {
        fprintf(stderr, "rnnlab train: unknown --level '%s' (expected char or word)\n", v);
        return 2;
      }
      level_given = 1;
      remember(a, o, v);
    } else if (!strcmp(o, "--max-vocab")) {
      if (arg_int(C, o, v, 1, RL_MAX_WIDTH - 1, &max_vocab)) return 2;
      remember(a, o, v);
    } else if (!strcmp(o, "--max-tokens")) {
      if (arg_int(C, o, v, 1, 1 << 28, &iv)) return 2;
      max_tokens = iv;
      remember(a, o, v);
    } else if (!strcmp(o, "--holdout")) {
      if (arg_float(C, o, v, 0.0, 0.5, &holdout)) return 2;
      remember(a, o, v);
    } else if (!strcmp(o, "--steps")) {
      if (arg_int(C, o, v, 0, 2000000000, &iv)) return 2;
      a->steps = iv;
    } else if (!strcmp(o, "--batch")) {
      if (arg_int(C, o, v, 1, RL_MAX_BATCH, &a->to.batch)) return 2;
      remember(a, o, v);
    } else if (!strcmp(o, "--optimizer")) {
      if (rl_opt_parse(v, &a->to.optimizer)) {
        fprintf(stderr, "rnnlab train: unknown optimizer '%s' (expected sgd, momentum or adam)\n", v);
        return 2;
      }
      remember(a, o, v);
    } else if (!strcmp(o, "--lr")) {
      if (arg_float(C, o, v, 0.0, 1e30, &a->to.lr)) return 2;
      if (!(a->to.lr > 0)) {
        fprintf(stderr, "rnnlab train: --lr must be greater than 0, not %s\n", v);
        return 2;
      }
      a->lr_given = 1;
    } else if (!strcmp(o, "--clip")) {
      if (arg_float(C, o, v, 0.0, 1e30, &a->to.clip)) return 2;
      a->clip_given = 1;
    } else if (!strcmp(o, "--eval-size")) {
      if (arg_int(C, o, v, 1, RL_MAX_EVAL, &a->to.eval_size)) return 2;
      remember(a, o, v);
    } else if (!strcmp(o, "--eval-every")) {
      if (arg_int(C, o, v, 1, 2000000000, &a->eval_every)) return 2;
    } else if (!strcmp(o, "--threads")) {
      if (arg_int(C, o, v, 1, 64, &a->to.threads)) return 2;
      a->threads_given = 1;
    } else if (!strcmp(o, "--log")) {
      a->log = v;
    } else if (!strcmp(o, "--save")) {
      a->save = v;
    } else if (!strcmp(o, "--checkpoint")) {
      a->checkpoint = v;
    } else if (!strcmp(o, "--checkpoint-every")) {
      if (arg_int(C, o, v, 1, 2000000000, &a->checkpoint_every)) return 2;
    } else if (!strcmp(o, "--resume")) {
      a->resume = v;
    }
  }
  /* the task */
  rl_task_kind kind = k->kind;
  *k = rl_task_default(kind);
  if (kind == RL_TASK_LM) k->max_vocab = 8000; /* classes = V must stay within what model files hold */
  if (distance >= 0 && length >= 0 && distance != length) {
    fprintf(stderr, "rnnlab train: --distance and --length disagree\n");
    return 2;
  }
  if (distance >= 0) length = distance;
  if (length >= 0) k->length = length;
  if (keys >= 0) k->keys = keys;
  if (distractors >= 0) k->distractors = distractors;
  if (maxattr >= 0) k->max_attractors = maxattr;
  if (attr >= -1) k->attractors = attr;
  if (attr >= 0 && maxattr < 0 && attr > k->max_attractors) k->max_attractors = attr;
  k->per_token = per_token;
  if (sclasses >= 0) k->classes = sclasses;
  if (data) k->data_path = data;
  if (level_given) k->level = level;
  if (max_vocab >= 0) k->max_vocab = max_vocab;
  if (max_tokens >= 0) k->max_tokens = max_tokens;
  if (holdout >= 0) k->holdout = holdout;
  if ((data || level_given || max_vocab >= 0 || max_tokens >= 0 || holdout >= 0) && kind != RL_TASK_LM) {
    fprintf(stderr, "rnnlab train: --data, --level, --max-vocab, --max-tokens and --holdout belong to --task lm\n");
    return 2;
  }
  if (!data && level_given && level == RL_VOCAB_CHAR) {
    fprintf(stderr, "rnnlab train: --level char needs --data FILE (the built-in sentences are word level)\n");
    return 2;
  }
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

static int run_train(train_args *a) {
  rl_error err;
  rl_trainer *t = NULL;
  int rc = 1;
  rl_wfile log = {.fd = -1};
  if (a->resume) {
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
    if (a->lr_given && rl_trainer_set_lr(t, a->to.lr, &err)) goto fail;
    if (a->clip_given && rl_trainer_set_clip(t, a->to.clip, &err)) goto fail;
    if (a->threads_given && a->to.threads != t->o.threads) {
      fprintf(stderr, "rnnlab train: note: the checkpoint was trained with %d thread%s; with %d the sums run in "
              "another order, so the run is not bit-identical to an uninterrupted one\n", t->o.threads,
              t->o.threads > 1 ? "s" : "", a->to.threads);
      rl_trainer_set_threads(t, a->to.threads);
    }
  } else {
    a->to.seed = a->to.init.seed; /* one --seed: initialisation, data stream and held-out set */
    if (rl_trainer_create(&a->to, &t, &err)) {
      fprintf(stderr, "rnnlab train: %s\n", err.msg);
      return a->to.task.data_path ? 1 : 2; /* an unreadable text file is not a usage error */
    }
    if (task_mismatch(a, t)) {
      rl_trainer_free(t);
      return 2;
    }
  }
  long steps = a->steps;
  if (steps < t->step) {
    fprintf(stderr, "rnnlab train: the checkpoint is already at step %ld, past --steps %ld (--steps is the total)\n",
            t->step, steps);
    rl_trainer_free(t);
    return 2;
  }
  int eval_every = a->eval_every > 0 ? a->eval_every : (int)(steps / 20 > 0 ? steps / 20 : 1);
  char ckpt[1024];
  default_checkpoint_path(a, ckpt, sizeof ckpt);
  int ckpt_written = 0;
  long ckpt_step = -1;
  if (a->resume) {
    ckpt_step = t->step;
    snprintf(ckpt, sizeof ckpt, "%s", a->checkpoint ? a->checkpoint : a->resume);
    ckpt_written = !a->checkpoint;
  }
  if (a->log && log_open(&log, a->log, a->resume ? t->step : -1, &err)) {
    fprintf(stderr, "rnnlab train: cannot write the log: %s\n", err.msg);
    goto done;
  }
  if (!a->quiet) {
    if (a->resume) printf("resuming %s at step %ld: ", a->resume, t->step);
    describe_run(t, steps, stdout);
    fflush(stdout);
  }

  struct sigaction sa, old_int, old_term;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, &old_int);
  sigaction(SIGTERM, &sa, &old_term);
  g_interrupted = 0;

  progress pr;
  progress_start(&pr, stdout, -1, t->step, steps);
  double win_loss = 0, win_acc = 0;
  int win_n = 0;
  rl_eval_stats ev;
  memset(&ev, 0, sizeof ev);
  int have_eval = 0;
  while (t->step < steps && !g_interrupted) {
    rl_step_stats s;
    if (rl_trainer_step(t, &s, &err)) {
      if (!a->quiet) progress_break(&pr);
      fprintf(stderr, "rnnlab train: %s\n", err.msg);
      if (ckpt_written)
        fprintf(stderr, "rnnlab train: the last good checkpoint, %s (step %ld), is kept\n", ckpt, ckpt_step);
      else if (a->checkpoint && a->checkpoint_every > 0 && t->step > 0)
        fprintf(stderr, "rnnlab train: no checkpoint was written yet (the first was due at step %ld)\n",
                (long)a->checkpoint_every);
      else if (t->step > 0)
        fprintf(stderr, "rnnlab train: no checkpoint was written (use --checkpoint FILE --checkpoint-every N)\n");
      goto restore;
    }
    win_loss += s.loss;
    win_acc += s.accuracy;
    win_n++;
    /* a progress bar on a terminal; otherwise the evaluation lines below are the only progress */
    if (!a->quiet && pr.tty) progress_update(&pr, t->step, s.loss, s.accuracy, s.tokens, 0);
    else pr.tokens += s.tokens;
    int last = t->step == steps;
    if (t->step % eval_every == 0 || last) {
      if (rl_trainer_eval(t, &ev, &err)) {
        if (!a->quiet) progress_break(&pr);
        fprintf(stderr, "rnnlab train: evaluation: %s\n", err.msg);
        goto restore;
      }
      have_eval = 1;
      double el = progress_now() - pr.t_start;
      if (a->log && rl_wfile_printf(&log, &err, "%ld,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.3f\n", t->step,
                                    win_loss / win_n, win_acc / win_n, ev.loss, ev.accuracy, ev.perplexity,
                                    s.grad_norm, t->opt.lr, progress_rate(&pr), el)) {
        if (!a->quiet) progress_break(&pr);
        fprintf(stderr, "rnnlab train: stopped at step %ld: cannot write the log: %s\n", t->step, err.msg);
        if (ckpt_written) fprintf(stderr, "rnnlab train: the last good checkpoint, %s (step %ld), is kept\n", ckpt, ckpt_step);
        goto restore;
      }
      if (!a->quiet && !pr.tty) {
        char els[32];
        progress_format_duration(el, els, sizeof els);
        printf("eval step %ld/%ld: loss %.4f, accuracy %.1f%%", t->step, steps, ev.loss, 100.0 * ev.accuracy);
        if (t->o.task.kind == RL_TASK_LM) printf(", perplexity %.2f", ev.perplexity);
        printf(" (%.0f tok/s, elapsed %s)\n", progress_rate(&pr), els);
        fflush(stdout);
      }
      win_loss = win_acc = 0;
      win_n = 0;
    }
    if (a->checkpoint && a->checkpoint_every > 0 && t->step % a->checkpoint_every == 0 && !last) {
      if (rl_trainer_save(t, a->checkpoint, &err) || (a->log && rl_wfile_sync(&log, &err))) {
        if (!a->quiet) progress_break(&pr);
        fprintf(stderr, "rnnlab train: %s\n", err.msg);
        goto restore;
      }
      ckpt_written = 1;
      ckpt_step = t->step;
    }
  }
  if (!a->quiet && pr.tty && t->step > pr.first_step) {
    progress_update(&pr, t->step, t->last.loss, t->last.accuracy, 0, 1);
    progress_break(&pr);
  }
  if (!have_eval && !g_interrupted) { /* nothing to train (a resumed run already at --steps): evaluate */
    if (rl_trainer_eval(t, &ev, &err)) {
      fprintf(stderr, "rnnlab train: evaluation: %s\n", err.msg);
      goto restore;
    }
    have_eval = 1;
  }
  if (g_interrupted) {
    const char *how = g_interrupted == SIGTERM ? "terminated (SIGTERM)" : "interrupted";
    if (rl_trainer_save(t, ckpt, &err)) {
      fprintf(stderr, "rnnlab train: %s at step %ld, and the checkpoint could not be written: %s\n", how, t->step,
              err.msg);
      goto restore;
    }
    if (a->log && rl_wfile_commit(&log, &err)) {
      fprintf(stderr, "rnnlab train: %s at step %ld; checkpoint written to %s, but the log: %s\n", how, t->step, ckpt,
              err.msg);
      goto restore;
    }
    fprintf(stderr, "rnnlab train: %s at step %ld; checkpoint written to %s\n"
                    "continue with: rnnlab train --resume %s --steps %ld%s%s\n",
            how, t->step, ckpt, ckpt, steps, a->save ? " --save " : "", a->save ? a->save : "");
    rc = 128 + g_interrupted;
    goto restore;
  }
  if (have_eval && !a->quiet) {
    printf("final: step %ld, held-out loss %.4f, accuracy %.1f%%", t->step, ev.loss, 100.0 * ev.accuracy);
    if (t->o.task.kind == RL_TASK_LM) printf(", perplexity %.2f", ev.perplexity);
    printf(" (%lld of %lld scored positions correct)\n", (long long)ev.correct, (long long)ev.total);
  }
  if (a->checkpoint) {
    if (rl_trainer_save(t, a->checkpoint, &err)) {
      fprintf(stderr, "rnnlab train: %s\n", err.msg);
      goto restore;
    }
    if (!a->quiet) printf("wrote checkpoint %s (step %ld)\n", a->checkpoint, t->step);
  }
  if (a->save) {
    if (rl_model_save(t->m, a->save, &err)) {
      fprintf(stderr, "rnnlab train: %s\n", err.msg);
      goto restore;
    }
    if (!a->quiet) printf("wrote model %s\n", a->save);
  }
  if (a->log && rl_wfile_commit(&log, &err)) {
    fprintf(stderr, "rnnlab train: %s\n", err.msg);
    goto restore;
  }
  rc = 0;
restore:
  sigaction(SIGINT, &old_int, NULL);
  sigaction(SIGTERM, &old_term, NULL);
  goto done;
fail:
  fprintf(stderr, "rnnlab train: %s\n", err.msg);
  rc = 2;
done:
  if (log.fd >= 0) rl_wfile_commit(&log, &err); /* after an error: what the log holds so far, synced */
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
