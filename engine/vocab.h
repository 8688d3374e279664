/* rnnlab vocabularies: the token strings of a model (rl_model.vocab), so text can be encoded and
 * outputs named. Pure data and string handling; calls nothing else in the engine. */
#ifndef RNNLAB_VOCAB_H
#define RNNLAB_VOCAB_H
#include "rl_base.h"

typedef enum { RL_VOCAB_NONE = 0, RL_VOCAB_CHAR = 1, RL_VOCAB_WORD = 2 } rl_vocab_level;

typedef struct {
  rl_vocab_level level;
  int size;       /* == cfg.vocab when present */
  char **tokens;  /* [size], UTF-8, owned */
} rl_vocab;

/* rl_vocab_set copies the tokens after checking them: each non-empty, valid UTF-8 of at most
 * RL_MAX_TOKEN_BYTES bytes, all different (the message names the token); at most RL_MAX_VOCAB. */
#define RL_MAX_TOKEN_BYTES 255
int rl_vocab_set(rl_vocab *v, rl_vocab_level level, int size, const char *const *tokens, rl_error *err);
void rl_vocab_free(rl_vocab *v);
/* Encodes text with the vocabulary (char level: UTF-8 code points; word level: whitespace split).
 * Writes up to max ids into out, sets *n. Unknown tokens are an error naming the token. */
int rl_vocab_encode(const rl_vocab *v, const char *text, int *out, int max, int *n, rl_error *err);

#endif
