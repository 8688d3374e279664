/* rnnlab corpus: a UTF-8 text turned into a bounded stream of token ids for the lm task.
 *
 * Loading streams the file in 64 KiB chunks (rl_corpus_opts.chunk), twice:
 *   pass 1  validates (NUL byte => "binary file"; malformed UTF-8 => message with byte offset and
 *           line), skips a leading BOM, counts tokens (char level: code points, "\r" dropped;
 *           word level: words separated by ASCII whitespace, the same split as rl_vocab_encode)
 *           until max_tokens tokens have been seen;
 *   pass 2  encodes those first max_tokens tokens into int32 ids.
 * Memory is bounded whatever the file size: at most max_tokens ids (default 16M = 64 MiB), a
 * counting table of at most RL_CORPUS_MAX_TYPES distinct tokens (later new ones count as unknown)
 * and one read buffer. Beyond max_tokens the file is not read at all (info->truncated = 1).
 * Vocabulary: char level = the max_vocab most frequent code points, sorted by code point, plus
 * "<unk>" last only if some were dropped; word level = "<unk>" (id 0) then the max_vocab most
 * frequent words by descending count (ties by byte order). Words longer than 255 bytes are <unk>,
 * and so is the word "<unk>" itself (Penn Treebank and WikiText mark unknown words with it): every
 * vocabulary holds distinct tokens.
 * Split: the last `holdout` fraction of the ids is held out for evaluation.
 * The file's size and a hash of the bytes read identify the text (train.h's checkpoints keep them).
 */
#ifndef RNNLAB_CORPUS_H
#define RNNLAB_CORPUS_H
#include "model.h"
#include "rl_base.h"
#include <stdint.h>

#define RL_CORPUS_DEFAULT_MAX_TOKENS ((int64_t)1 << 24)
#define RL_CORPUS_MAX_TYPES (1 << 18)
#define RL_CORPUS_MAX_WORD RL_MAX_TOKEN_BYTES

typedef struct {
  rl_vocab_level level;  /* RL_VOCAB_CHAR or RL_VOCAB_WORD */
  int max_vocab;         /* 1..RL_MAX_VOCAB-1 */
  int64_t max_tokens;    /* 0 = RL_CORPUS_DEFAULT_MAX_TOKENS; at most 2^28 */
  float holdout;         /* 0 .. 0.5 */
  int chunk;             /* bytes per read; 0 = 64 KiB (the fuzzer uses a few bytes, so that chunk
                            edges split characters and words: the result must not change) */
} rl_corpus_opts;

typedef struct {
  char source[256];      /* file name (or "built-in sentences") for messages */
  rl_vocab_level level;
  int vocab;             /* V */
  char **tokens;         /* [V] UTF-8 strings, owned */
  int unk;               /* id of "<unk>", -1 if none */
  int32_t *ids;          /* [n] the token stream */
  int64_t n;
  int64_t ntrain;        /* ids[0..ntrain) train, ids[ntrain..n) held out */
  int64_t unk_count;     /* tokens mapped to <unk> */
  int64_t bytes_read;    /* bytes of the source consumed */
  int64_t file_size;     /* size of the source (a file may hold more than was read) */
  uint64_t hash;         /* 64-bit FNV-1a of the bytes read: with file_size, checkpoints notice
                            that the text changed */
  int truncated;         /* 1 if the source holds more than max_tokens tokens */
} rl_corpus;

rl_corpus_opts rl_corpus_default_opts(void); /* word, 10000, default max_tokens, 0.1 */

/* Loads a text file. Errors name the file: cannot open, empty, binary (NUL byte at offset),
 * invalid UTF-8 (byte offset and line), no tokens. */
int rl_corpus_load(const char *path, const rl_corpus_opts *opts, rl_corpus **out, rl_error *err);
/* Same from memory; name is used in messages. */
int rl_corpus_from_text(const char *text, size_t len, const char *name, const rl_corpus_opts *opts,
                        rl_corpus **out, rl_error *err);
void rl_corpus_free(rl_corpus *c);
/* Id of a token string, -1 if absent. */
int rl_corpus_find(const rl_corpus *c, const char *token);

/* The built-in text: nsentences simple English sentences ("the students opened their books .")
 * from a small grammar, one per line, deterministic in seed. Returns a malloc'd NUL-terminated
 * string (caller frees) or NULL if out of memory; *len gets its length. */
char *rl_corpus_builtin_text(uint64_t seed, int nsentences, size_t *len);

#endif
