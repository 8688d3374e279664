/* `rnnlab sample MODEL --prompt TEXT`: the next-token distribution after a prompt and a sampled
 * continuation. */
#define _POSIX_C_SOURCE 200809L
#include "cli_args.h"
#include "commands.h"
#include "modelfile.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A token as the top-k list shows it: a space as '␣', a newline as '\n', a tab as '\t', other control
 * characters as \xNN, so a blank line never stands for a token. */
static void visible_token(const char *tok, char *out, size_t cap) {
  size_t n = 0;
  out[0] = 0;
  for (const unsigned char *c = (const unsigned char *)tok; *c && n + 8 < cap; c++) {
    if (*c == ' ') n += (size_t)snprintf(out + n, cap - n, "\xe2\x90\xa3");
    else if (*c == '\n') n += (size_t)snprintf(out + n, cap - n, "\\n");
    else if (*c == '\t') n += (size_t)snprintf(out + n, cap - n, "\\t");
    else if (*c == '\r') n += (size_t)snprintf(out + n, cap - n, "\\r");
    else if (*c < 0x20 || *c == 0x7f) n += (size_t)snprintf(out + n, cap - n, "\\x%02x", *c);
    else out[n++] = (char)*c, out[n] = 0;
  }
}

static void sample_help(FILE *f) {
  fprintf(f, "usage: rnnlab sample MODEL --prompt TEXT [--top K] [--temperature T] [--length N] [--seed S]\n\n"
             "Runs the prompt through a model with a vocabulary (one written by rnnlab train), prints the\n"
             "distribution of the next token (the K most likely, default 5) and a sampled continuation of N\n"
             "tokens (default 20; 0 = none) at temperature T (default 1; 0 = always the most likely token).\n"
             "Example: rnnlab sample lm.safetensors --prompt \"the students opened their\" --top 5\n");
}

typedef struct {
  float p;
  int id;
} scored_token;

static int by_prob_desc(const void *x, const void *y) {
  const scored_token *a = x, *b = y;
  if (a->p != b->p) return a->p < b->p ? 1 : -1;
  return a->id - b->id;
}

/* Draws from p^(1/temperature) (temperature 0: argmax). */
static int draw(const float *p, int C, float temperature, rl_rng *rng) {
  int best = 0;
  for (int i = 1; i < C; i++)
    if (p[i] > p[best]) best = i;
  if (temperature <= 0) return best;
  double sum = 0;
  for (int i = 0; i < C; i++) sum += p[i] > 0 ? pow(p[i], 1.0 / temperature) : 0.0;
  if (!(sum > 0) || !isfinite(sum)) return best;
  double u = rl_rng_uniform(rng) * sum, acc = 0;
  for (int i = 0; i < C; i++) {
    acc += p[i] > 0 ? pow(p[i], 1.0 / temperature) : 0.0;
    if (u < acc) return i;
  }
  return best;
}

typedef struct {
  const char *path, *prompt;
  int top, length;
  float temperature;
  uint64_t seed;
} sample_args;

/* Returns 0 to go on, -1 after printing the help, 2 on a usage error (message printed). */
static int parse_sample_args(sample_args *a, int argc, char **argv) {
  const char *C = "sample";
  for (int i = 1; i < argc; i++) {
    const char *o = argv[i], *v;
    if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
      sample_help(stdout);
      return -1;
    }
    if (o[0] != '-') {
      if (a->path) {
        fprintf(stderr, "rnnlab sample: one model file, not '%s' as well\n", o);
        return 2;
      }
      a->path = o;
      continue;
    }
    if (strcmp(o, "--prompt") && strcmp(o, "--top") && strcmp(o, "--temperature") && strcmp(o, "--length") &&
        strcmp(o, "--seed")) {
      fprintf(stderr, "rnnlab sample: unknown option '%s' (see rnnlab sample --help)\n", o);
      return 2;
    }
    if (!(v = arg_value(C, argc, argv, &i))) return 2;
    if (!strcmp(o, "--prompt")) a->prompt = v;
    else if (!strcmp(o, "--top")) {
      if (arg_int(C, o, v, 1, 1000, &a->top)) return 2;
    } else if (!strcmp(o, "--temperature")) {
      if (arg_float(C, o, v, 0.0, 100.0, &a->temperature)) return 2;
    } else if (!strcmp(o, "--length")) {
      if (arg_int(C, o, v, 0, 10000, &a->length)) return 2;
    } else if (arg_u64(C, o, v, &a->seed))
      return 2;
  }
  if (!a->path) {
    fprintf(stderr, "rnnlab sample: which model? (rnnlab sample MODEL --prompt TEXT)\n");
    return 2;
  }
  if (!a->prompt) {
    fprintf(stderr, "rnnlab sample: --prompt TEXT is required\n");
    return 2;
  }
  return 0;
}

/* The `top` most likely classes of p, largest first. 0, or 1 on out-of-memory (message printed). */
static int print_top(const rl_model *m, const float *p, const char *prompt, int top) {
  const rl_config *cfg = &m->cfg;
  int K = cfg->classes;
  scored_token *st = malloc(sizeof *st * (size_t)K);
  if (!st) {
    fprintf(stderr, "rnnlab sample: out of memory\n");
    return 1;
  }
  for (int i = 0; i < K; i++) st[i] = (scored_token){p[i], i};
  qsort(st, (size_t)K, sizeof *st, by_prob_desc);
  int head_is_vocab = cfg->classes == cfg->vocab;
  printf("%s after \"%s\":\n", cfg->head == RL_HEAD_STEP ? "next token" : "class", prompt);
  for (int i = 0; i < top && i < K; i++) {
    if (head_is_vocab) {
      char vis[256];
      visible_token(m->vocab.tokens[st[i].id], vis, sizeof vis);
      printf("  %6.2f%%  %s\n", 100.0 * st[i].p, vis);
    }
    else printf("  %6.2f%%  class %d\n", 100.0 * st[i].p, st[i].id);
  }
  free(st);
  return 0;
}

/* Draws a->length tokens after the prompt's n (ids has room for cap), printing them. A
 * unidirectional step model is fed one new token at a time, carrying its state; others read the
 * whole text again for each token. 0, or 1 on out-of-memory (message printed). */
static int continuation(rl_model *m, const sample_args *a, int *ids, const int *tgt, int n, int cap, const float *p) {
  const rl_config *cfg = &m->cfg;
  int stepwise = !cfg->bidirectional && cfg->head == RL_HEAD_STEP;
  size_t ns = (size_t)cfg->layers * m->D * cfg->hidden;
  float *h = malloc(ns * sizeof(float)), *c = malloc(ns * sizeof(float));
  if (!h || !c) {
    fprintf(stderr, "rnnlab sample: out of memory\n");
    free(h);
    free(c);
    return 1;
  }
  const char *sep = m->vocab.level == RL_VOCAB_CHAR ? "" : " ";
  rl_rng rng;
  rl_rng_seed(&rng, a->seed);
  rl_error err;
  float loss;
  printf("sample (temperature %g, seed %llu):\n%s", a->temperature, (unsigned long long)a->seed, a->prompt);
  int len = n;
  for (int k = 0; k < a->length && len < cap; k++) {
    int next = draw(p, cfg->classes, a->temperature, &rng);
    printf("%s%s", sep, m->vocab.tokens[next]);
    ids[len++] = next;
    if (stepwise) {
      /* feed only the new token, carrying the state */
      memcpy(h, m->h_n, ns * sizeof(float));
      memcpy(c, m->c_n, ns * sizeof(float));
      rl_batch one = {1, 1, ids + len - 1, tgt, h, cfg->cell == RL_CELL_LSTM ? c : NULL};
      if (rl_model_forward(m, &one, &loss, &err)) break;
      p = rl_model_probs(m, 0, 0);
    } else {
      rl_batch all = {1, len, ids, tgt, NULL, NULL};
      if (rl_model_forward(m, &all, &loss, &err)) break;
      p = rl_model_probs(m, 0, len - 1);
    }
  }
  printf("\n");
  free(h);
  free(c);
  return 0;
}

/* Encodes the prompt, prints the distribution after it and the continuation. The exit code. */
static int sample(rl_model *m, const sample_args *a) {
  const rl_config *cfg = &m->cfg;
  if (m->vocab.level == RL_VOCAB_NONE) {
    fprintf(stderr, "rnnlab sample: %s has no vocabulary, so text cannot be encoded (train it with rnnlab train, or "
            "use rnnlab inspect --tokens)\n", a->path);
    return 1;
  }
  int cap = (int)strlen(a->prompt) + a->length + 1, n = 0, rc = 1;
  if (cap > RL_MAX_TIME) cap = RL_MAX_TIME;
  int *ids = malloc(sizeof(int) * (size_t)cap), *tgt = malloc(sizeof(int) * (size_t)cap);
  rl_error err;
  float loss;
  if (!ids || !tgt) {
    fprintf(stderr, "rnnlab sample: out of memory\n");
  } else if (rl_vocab_encode(&m->vocab, a->prompt, ids, cap, &n, &err)) {
    fprintf(stderr, "rnnlab sample: %s\n", err.msg);
    rc = 2;
  } else if (n < 1) {
    fprintf(stderr, "rnnlab sample: the prompt holds no tokens\n");
    rc = 2;
  } else {
    for (int i = 0; i < cap; i++) tgt[i] = -1;
    rl_batch b = {1, n, ids, tgt, NULL, NULL};
    if (rl_model_forward(m, &b, &loss, &err)) {
      fprintf(stderr, "rnnlab sample: %s\n", err.msg);
    } else {
      const float *p = rl_model_probs(m, 0, n - 1);
      rc = print_top(m, p, a->prompt, a->top);
      if (!rc && cfg->head == RL_HEAD_STEP && cfg->classes == cfg->vocab && a->length > 0)
        rc = continuation(m, a, ids, tgt, n, cap, p);
    }
  }
  free(ids);
  free(tgt);
  return rc;
}

int cmd_sample(int argc, char **argv) {
  sample_args a = {NULL, NULL, 5, 20, 1.0f, 1};
  int rc = parse_sample_args(&a, argc, argv);
  if (rc) return rc < 0 ? 0 : rc;
  rl_error err;
  rl_model *m;
  if (rl_model_load(a.path, &m, &err)) {
    fprintf(stderr, "rnnlab sample: %s\n", err.msg);
    return 1;
  }
  rc = sample(m, &a);
  rl_model_free(m);
  return rc;
}
