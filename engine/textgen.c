/* Text generators (textgen.h): a small grammar per kind written into a growing buffer. */
#include "textgen.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  char *s;
  size_t n, cap;
  int oom;
  rl_rng rng;
} sbuf;

static void put(sbuf *b, const char *s) {
  size_t k = strlen(s);
  if (b->oom) return;
  if (b->n + k + 1 > b->cap) {
    size_t c = b->cap ? b->cap : 256;
    while (c < b->n + k + 1) c *= 2;
    char *q = realloc(b->s, c);
    if (!q) {
      b->oom = 1;
      return;
    }
    b->s = q;
    b->cap = c;
  }
  memcpy(b->s + b->n, s, k + 1);
  b->n += k;
}

static const char *pick(sbuf *b, const char *const *list, int n) { return list[rl_rng_int(&b->rng, n)]; }
#define PICK(b, list) pick(b, list, (int)(sizeof list / sizeof list[0]))

/* ---- code ------------------------------------------------------------------------------------ */

static const char *const NAMES[] = {"x", "y", "n", "k", "name", "size", "total", "item", "key", "data"};
static const char *const FUNCS[] = {"f", "g", "len", "max", "get", "load", "sum"};
static const char *const WORDS[] = {"a", "b c", "ok", "no", "hello", "the end", "x y", "error", "done"};
static const char *const OPS[] = {" + ", " - ", " * ", " > ", " < ", " == "};

static void code_expr(sbuf *b, int depth) {
  int r = rl_rng_int(&b->rng, depth >= 4 ? 3 : 8);
  char num[16];
  switch (r) {
  case 0: put(b, PICK(b, NAMES)); break;
  case 1: snprintf(num, sizeof num, "%d", rl_rng_int(&b->rng, 100)); put(b, num); break;
  case 2: put(b, "\""); put(b, PICK(b, WORDS)); put(b, "\""); break;
  case 3: case 4: { /* call */
    put(b, PICK(b, FUNCS));
    put(b, "(");
    int n = 1 + rl_rng_int(&b->rng, 3);
    for (int i = 0; i < n; i++) {
      if (i) put(b, ", ");
      code_expr(b, depth + 1);
    }
    put(b, ")");
    break;
  }
  case 5: { /* list */
    put(b, "[");
    int n = 1 + rl_rng_int(&b->rng, 3);
    for (int i = 0; i < n; i++) {
      if (i) put(b, ", ");
      code_expr(b, depth + 1);
    }
    put(b, "]");
    break;
  }
  case 6: /* dict */
    put(b, "{");
    put(b, PICK(b, NAMES));
    put(b, ": ");
    code_expr(b, depth + 1);
    put(b, "}");
    break;
  default: /* index or binary operation */
    if (rl_rng_int(&b->rng, 2)) {
      put(b, PICK(b, NAMES));
      put(b, "[");
      code_expr(b, depth + 1);
      put(b, "]");
    } else {
      code_expr(b, depth + 1);
      put(b, PICK(b, OPS));
      code_expr(b, depth + 1);
    }
  }
}

static void indent(sbuf *b, int level) {
  for (int i = 0; i < level; i++) put(b, "  ");
}

static void code_statement(sbuf *b, int level) {
  int r = rl_rng_int(&b->rng, level >= 2 ? 3 : 4);
  indent(b, level);
  if (r == 3) {
    put(b, "if (");
    code_expr(b, 1);
    put(b, ") {\n");
    int n = 1 + rl_rng_int(&b->rng, 3);
    for (int i = 0; i < n; i++) code_statement(b, level + 1);
    indent(b, level);
    put(b, "}\n");
    return;
  }
  if (r == 2) {
    put(b, PICK(b, FUNCS));
    put(b, "(");
    code_expr(b, 1);
    put(b, ");\n");
    return;
  }
  put(b, PICK(b, NAMES));
  put(b, " = ");
  code_expr(b, 0);
  put(b, ";\n");
}

/* ---- dialogue -------------------------------------------------------------------------------- */

static const char *const SPEAKERS[] = {"ann", "bob", "eve", "tom", "mia"};
static const char *const SENTENCES[] = {
    "where is the box", "the door is open", "i found the keys", "it is late", "look at the sky",
    "we should go home", "the train was slow", "can you hear me", "the cat is asleep",
    "nobody came to the party", "she wrote a letter", "is it raining"};
static const char *const VERBS[] = {"said", "asked", "replied", "whispered"};
static const char *const PRONOUNS[] = {"she", "he", "they"};

static void dialogue_line(sbuf *b) {
  put(b, PICK(b, SPEAKERS));
  put(b, ": \"");
  const char *s = PICK(b, SENTENCES);
  put(b, s);
  int more = rl_rng_int(&b->rng, 3);
  if (!more) {
    put(b, rl_rng_int(&b->rng, 3) ? ".\"\n" : "!\"\n");
    return;
  }
  put(b, ",\" ");
  if (rl_rng_int(&b->rng, 2)) {
    put(b, PICK(b, PRONOUNS));
    put(b, " ");
    put(b, PICK(b, VERBS));
  } else {
    put(b, PICK(b, VERBS));
    put(b, " ");
    put(b, PICK(b, SPEAKERS));
  }
  put(b, ". \"");
  put(b, PICK(b, SENTENCES));
  put(b, rl_rng_int(&b->rng, 2) ? ".\"\n" : "?\"\n");
}

/* ---- the public call ------------------------------------------------------------------------- */

const char *rl_text_kind_name(rl_text_kind k) { return k == RL_TEXT_DIALOGUE ? "dialogue" : "code"; }

int rl_text_kind_parse(const char *s, rl_text_kind *out) {
  if (!s) return -1;
  if (!strcmp(s, "code")) *out = RL_TEXT_CODE;
  else if (!strcmp(s, "dialogue")) *out = RL_TEXT_DIALOGUE;
  else return -1;
  return 0;
}

char *rl_text_generate(rl_text_kind kind, uint64_t seed, size_t nchars, size_t *len, rl_error *err) {
  if (len) *len = 0;
  if (nchars < 1 || nchars > ((size_t)1 << 28)) {
    rl_fail(err, "text length %zu out of range (1 to %zu characters)", nchars, (size_t)1 << 28);
    return NULL;
  }
  if (kind != RL_TEXT_CODE && kind != RL_TEXT_DIALOGUE) {
    rl_fail(err, "unknown text kind %d (expected code or dialogue)", (int)kind);
    return NULL;
  }
  sbuf b = {NULL, 0, 0, 0, {{0}}};
  rl_rng_seed(&b.rng, seed);
  size_t good = 0; /* the end of the last complete line within nchars */
  while (!b.oom && b.n < nchars) {
    if (kind == RL_TEXT_CODE) code_statement(&b, 0);
    else dialogue_line(&b);
    if (b.n <= nchars || good == 0) good = b.n;
  }
  if (b.oom) {
    free(b.s);
    rl_fail(err, "out of memory generating %zu characters", nchars);
    return NULL;
  }
  b.s[good] = '\0';
  if (len) *len = good;
  return b.s;
}
