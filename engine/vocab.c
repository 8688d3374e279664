/* Vocabularies: token strings, so text can be encoded and outputs named. A model keeps one
 * (rl_model.vocab); a model file stores it; the text reader (corpus.h) builds one. */
#include "vocab.h"
#include "model.h" /* RL_MAX_VOCAB */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void rl_vocab_free(rl_vocab *v) {
  if (v->tokens)
    for (int i = 0; i < v->size; i++) free(v->tokens[i]);
  free(v->tokens);
  memset(v, 0, sizeof *v);
}

/* Length of the well-formed UTF-8 sequence at s (shortest form, no surrogates, at most U+10FFFF),
 * 0 if there is none. */
static size_t utf8_valid_len(const unsigned char *s) {
  unsigned c = s[0];
  size_t n = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
  if (n <= 1) return n;
  uint32_t cp = c & (0x7F >> n);
  for (size_t i = 1; i < n; i++) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    cp = cp << 6 | (s[i] & 0x3F);
  }
  static const uint32_t min_cp[5] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < min_cp[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

static int by_token(const void *a, const void *b) {
  return strcmp(**(const char *const *const *)a, **(const char *const *const *)b);
}

/* The tokens a text reader would produce (corpus.h): non-empty, at most RL_MAX_TOKEN_BYTES bytes of
 * valid UTF-8, all different. A model file's vocabulary comes from strangers. */
static int check_tokens(int size, const char *const *tokens, rl_error *err) {
  for (int i = 0; i < size; i++) {
    const char *t = tokens[i] ? tokens[i] : "";
    size_t len = strlen(t);
    if (len == 0) return rl_fail(err, "token %d is empty", i);
    if (len > RL_MAX_TOKEN_BYTES)
      return rl_fail(err, "token %d ('%.20s...') is %zu bytes long (at most %d)", i, t, len, RL_MAX_TOKEN_BYTES);
    for (size_t k = 0, n; k < len; k += n)
      if ((n = utf8_valid_len((const unsigned char *)t + k)) == 0)
        return rl_fail(err, "token %d is not valid UTF-8 (byte %zu)", i, k);
  }
  const char *const **order = malloc((size_t)size * sizeof *order);
  if (!order) return rl_fail(err, "out of memory for the vocabulary");
  for (int i = 0; i < size; i++) order[i] = &tokens[i];
  qsort(order, (size_t)size, sizeof *order, by_token);
  int rc = 0;
  for (int i = 1; i < size && !rc; i++)
    if (strcmp(*order[i - 1], *order[i]) == 0) {
      long a = order[i - 1] - tokens, b = order[i] - tokens;
      rc = rl_fail(err, "token %ld ('%.40s') is the same as token %ld", a > b ? a : b, *order[i], a < b ? a : b);
    }
  free(order);
  return rc;
}

int rl_vocab_set(rl_vocab *v, rl_vocab_level level, int size, const char *const *tokens, rl_error *err) {
  rl_vocab_free(v);
  if (level == RL_VOCAB_NONE) return 0;
  if (size < 1 || size > RL_MAX_VOCAB) return rl_fail(err, "vocabulary size %d out of range", size);
  if (check_tokens(size, tokens, err)) return -1;
  v->tokens = calloc((size_t)size, sizeof(char *));
  if (!v->tokens) return rl_fail(err, "out of memory for the vocabulary");
  v->size = size;
  v->level = level;
  for (int i = 0; i < size; i++) {
    v->tokens[i] = rl_strdup(tokens[i] ? tokens[i] : "");
    if (!v->tokens[i]) {
      rl_vocab_free(v);
      return rl_fail(err, "out of memory for the vocabulary");
    }
  }
  return 0;
}

static int vocab_lookup(const rl_vocab *v, const char *s, size_t len) {
  for (int i = 0; i < v->size; i++)
    if (strlen(v->tokens[i]) == len && !memcmp(v->tokens[i], s, len)) return i;
  return -1;
}

/* Length of the UTF-8 sequence starting at s (1 for invalid bytes, so encoding always advances). */
static size_t utf8_len(const unsigned char *s) {
  if (s[0] < 0x80) return 1;
  size_t n = (s[0] & 0xE0) == 0xC0 ? 2 : (s[0] & 0xF0) == 0xE0 ? 3 : (s[0] & 0xF8) == 0xF0 ? 4 : 1;
  for (size_t i = 1; i < n; i++)
    if ((s[i] & 0xC0) != 0x80) return 1;
  return n;
}

int rl_vocab_encode(const rl_vocab *v, const char *text, int *out, int max, int *n, rl_error *err) {
  *n = 0;
  if (v->level == RL_VOCAB_NONE || v->size == 0)
    return rl_fail(err, "this model has no vocabulary; give token ids instead of text");
  const char *p = text;
  while (*p) {
    size_t len;
    if (v->level == RL_VOCAB_WORD) {
      while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
      if (!*p) break;
      len = 0;
      while (p[len] && p[len] != ' ' && p[len] != '\t' && p[len] != '\n' && p[len] != '\r') len++;
    } else {
      len = utf8_len((const unsigned char *)p);
    }
    int id = vocab_lookup(v, p, len);
    if (id < 0) {
      int unk = vocab_lookup(v, "<unk>", 5);
      if (unk < 0) return rl_fail(err, "'%.*s' is not in the model's vocabulary", (int)(len > 40 ? 40 : len), p);
      id = unk;
    }
    if (*n >= max) return rl_fail(err, "text is longer than %d tokens", max);
    out[(*n)++] = id;
    p += len;
  }
  if (*n == 0) return rl_fail(err, "the text is empty");
  return 0;
}
