/* rnnlab tasks: seeded data generators (and the text-file language model) shared by the explorer,
 * `rnnlab train` and the experiments. Each task fills rl_batch-shaped buffers:
 *   tokens  [B,T] ids in [0,V)
 *   targets STEP head: [B,T] class ids, -1 = not scored;  FINAL head: [B] class ids
 * Batches are a pure function of the caller's rl_rng (the caller stores the rng to checkpoint the
 * data stream); the lm task additionally keeps its stream cursor in a plain rl_task_state.
 *
 * Variable-length tasks (agreement, sentiment) are LEFT-padded with the pad token "·" (id 0), so
 * every example ends at t = T-1; pads are never scored. T is fixed for given options.
 *
 *   recall    k3 · · · · q          target k3 at q (STEP, C = V). length = N distractors, T = N+2.
 *   agreement the writer of the books  target "is" at the last word (STEP, C = V); accuracy = the
 *             correct verb form gets more probability than the wrong one ("are"). Between subject and
 *             verb: prepositional phrases and at most one object relative clause ("that the critics
 *             like") holding k attractors (nouns of the other number), k in 0..max_attractors.
 *             With filler F > 0: 0..F adjectives before each noun and 0..F adverbs before the verb.
 *             With mixed = 1 every intervening noun takes a random number (attraction tested apart
 *             from distance).
 *   order     B a c X d b ... Y c E  class XX/XY/YX/YY (FINAL, C = 4). Hochreiter & Schmidhuber 1997,
 *             experiment 6a: X/Y at t1 in [T/10, T/5] and t2 in [T/2, 6T/10], T = length.
 *   sentiment the movie was terribly exciting !  FINAL: sentence label; per_token (STEP): every token
 *             carries the label of its clause, so "terribly" is labelled by the adjective after it.
 *             "not" flips polarity; "X but Y" takes the label of Y. C = 2 (negative, positive) or 3
 *             (+ neutral adjectives).
 *   lm        next-token prediction over a text file (engine/corpus.h) or, with no file, a built-in
 *             generator of simple English sentences ("the students opened their books ."), word
 *             level. Truncated BPTT: B parallel streams, chunks of T = length tokens, targets = next
 *             token at every position.
 */
#ifndef RNNLAB_TASKS_H
#define RNNLAB_TASKS_H
#include "model.h"
#include "rl_base.h"
#include <stdint.h>

typedef enum {
  RL_TASK_RECALL = 0,
  RL_TASK_AGREEMENT = 1,
  RL_TASK_ORDER = 2,
  RL_TASK_SENTIMENT = 3,
  RL_TASK_LM = 4
} rl_task_kind;

#define RL_TASK_NKINDS 5

typedef struct {
  rl_task_kind kind;
  int length;          /* recall: distance N (distractors between key and query), default 10;
                          order: sequence length T (>= 8), default 100;
                          lm: BPTT chunk length T, default 32; unused otherwise */
  int keys;            /* recall: number of key tokens K (2..1000), default 8 */
  int distractors;     /* recall: distinct distractor tokens (1 = the single token "·"), default 1;
                          order: distinct distractor symbols (1..26), default 4 (a b c d) */
  int max_attractors;  /* agreement: kmax (0..8), default 3 */
  int attractors;      /* agreement: -1 = k uniform in 0..kmax (default); >= 0 = always exactly k */
  int filler;          /* agreement: 0 (default) = none; F > 0 = before every noun 0..F number-neutral
                          adjectives ("the old red writers") and 0..F adverbs before the verb, so the
                          subject-verb distance grows (0..8; adds filler words to the vocabulary) */
  int mixed;           /* agreement: 0 (default) = the k attractors all have the other number, plus at
                          most one noun of the subject's number; 1 = 0..kmax intervening nouns, each
                          singular or plural at random, so the number of attractors, the number of
                          intervening nouns and whether the noun nearest the verb agrees all vary
                          separately (needs attractors = -1) */
  int per_token;       /* sentiment: 0 = FINAL head sentence label (default), 1 = STEP per-token */
  int classes;         /* sentiment: 2 (default) or 3 (with neutral) */
  const char *data_path;    /* lm: UTF-8 text file; NULL = built-in sentences */
  rl_vocab_level level;     /* lm: RL_VOCAB_WORD (default) or RL_VOCAB_CHAR; built-in is word level */
  int max_vocab;            /* lm: keep the most frequent max_vocab tokens (+ "<unk>"), default 10000 */
  int64_t max_tokens;       /* lm: token ids held in memory (bounded; 0 = default 16M = 64 MiB) */
  float holdout;            /* lm: held-out fraction at the end of the stream, default 0.1 */
  uint64_t seed;            /* lm built-in generator: which sentences (default 1) */
  int generated;            /* lm without a file: 0 = the built-in sentences (default); 1 + an
                               rl_text_kind (textgen.h) = that generated text, RL_TASK_GEN_CHARS
                               characters from `seed`, read at the level asked for */
} rl_task_opts;
#define RL_TASK_GEN_CHARS 200000

/* Defaults for a kind (as documented above). */
rl_task_opts rl_task_default(rl_task_kind kind);
const char *rl_task_kind_name(rl_task_kind k); /* "recall", "agreement", "order", "sentiment", "lm" */
int rl_task_kind_parse(const char *s, rl_task_kind *out); /* 0 ok, -1 unknown */

typedef struct rl_task rl_task; /* opaque */

/* Which part of the data a batch comes from. Synthetic tasks draw every split from the rng the
 * caller passes (use a separate rng for evaluation); the lm task reads the training stream or the
 * held-out tail of the text. */
typedef enum { RL_SPLIT_TRAIN = 0, RL_SPLIT_EVAL = 1 } rl_split;

/* The lm data-stream position, saved in checkpoints (plain integers). Synthetic tasks ignore it. */
typedef struct {
  int64_t cursor[2]; /* per split: offset of the next chunk inside each of the B parallel streams */
  int B[2];          /* per split: the B the cursor belongs to (0 = not started; a new B restarts) */
  int64_t epoch[2];  /* per split: completed passes */
} rl_task_state;

/* Per-example metadata (optional output of rl_task_batch). */
typedef struct {
  int length;      /* real tokens (the example occupies t = T-length .. T-1) */
  int scored_t;    /* recall/agreement: the scored position; -1 otherwise */
  int target;      /* recall/agreement: correct token; order/sentiment: sentence class; lm: -1 */
  int foil;        /* agreement: the wrong verb form's token id; -1 otherwise */
  int cls;         /* agreement: subject number 0 = singular, 1 = plural; recall: key index;
                      order: class; sentiment: sentence label; lm: -1 */
  int attractors;  /* agreement: nouns of the other number between subject and verb; else 0 */
  int nouns;       /* agreement: nouns between subject and verb, of either number; else 0 */
  int distance;    /* agreement: words between the subject noun and the verb (the verb would follow
                      the last word, so "the writer ___" is 0); else 0 */
  int stream_start;/* lm: 1 if this row starts a stream (caller should reset carried hidden state) */
} rl_task_meta;

/* Creates a task; the message names the offending option. The lm task loads its text here. */
int rl_task_create(const rl_task_opts *opts, rl_task **out, rl_error *err);
void rl_task_free(rl_task *t);
const rl_task_opts *rl_task_options(const rl_task *t); /* data_path points into the task */
/* lm with a text file: its size and the hash of the bytes read (corpus.h); 0 if read, -1 otherwise. */
int rl_task_data_id(const rl_task *t, int64_t *size, uint64_t *hash);

int rl_task_vocab_size(const rl_task *t);          /* V */
const char *rl_task_token(const rl_task *t, int id); /* token string ("?" if out of range) */
const char *const *rl_task_tokens(const rl_task *t); /* [V], for rl_vocab_set */
rl_vocab_level rl_task_vocab_level(const rl_task *t); /* WORD for synthetic tasks (space-joined) */
rl_head rl_task_head(const rl_task *t);
int rl_task_classes(const rl_task *t);             /* C (= V for STEP tasks except per-token sentiment) */
const char *rl_task_class_name(const rl_task *t, int c); /* "XY", "positive", or a token string */
int rl_task_seq_len(const rl_task *t);             /* T for the current settings */
/* Number of targets per batch row: T for STEP heads, 1 for FINAL heads. */
int rl_task_targets_per_row(const rl_task *t);

/* Changes the length option (recall distance, order length, lm chunk) keeping the vocabulary, so
 * a model can move along a curriculum. Resets the lm cursors. */
int rl_task_set_length(rl_task *t, int length, rl_error *err);

/* Fills one batch: tokens [B*T], targets [B*T] (STEP) or [B] (FINAL), meta [B] (may be NULL).
 * Synthetic tasks consume only rng; lm advances its cursor for the split (rng unused, may be NULL). */
int rl_task_batch(rl_task *t, rl_rng *rng, int B, int *tokens, int *targets, rl_task_meta *meta,
                  rl_error *err);
int rl_task_batch_split(rl_task *t, rl_split split, rl_rng *rng, int B, int *tokens, int *targets,
                        rl_task_meta *meta, rl_error *err);

/* lm stream position (for checkpoints) and rewinding (e.g. before a full held-out evaluation). */
void rl_task_get_state(const rl_task *t, rl_task_state *out);
int rl_task_set_state(rl_task *t, const rl_task_state *s, rl_error *err);
void rl_task_rewind(rl_task *t, rl_split split);
/* lm: chunks of B rows that make one full pass over a split (0 if the split is too short);
 * synthetic tasks: 0 (infinite). */
int64_t rl_task_chunks_per_epoch(const rl_task *t, rl_split split, int B);
/* lm: tokens in a split (training stream or held-out tail); synthetic tasks: 0. */
int64_t rl_task_split_tokens(const rl_task *t, rl_split split);

/* Accuracy on scored positions. probs(ctx, b, t) returns the model's [C] distribution for row b at
 * step t (FINAL heads: t ignored) -- e.g. a wrapper of rl_model_probs. A position is correct when
 * argmax = target, except agreement: p(target) > p(foil) (meta required for agreement).
 * Adds to *correct / *total; per-example counts go to ex_correct[B] / ex_total[B] if non-NULL
 * (overwritten), which the agreement experiment bins by meta[b].attractors. */
typedef const float *(*rl_probs_fn)(void *ctx, int b, int t);
int rl_task_score(const rl_task *t, int B, const int *targets, const rl_task_meta *meta,
                  rl_probs_fn probs, void *ctx, int64_t *correct, int64_t *total, int *ex_correct,
                  int *ex_total, rl_error *err);

/* Targets for a chosen token sequence (for example a sentence a teacher typed), by the task's own
 * rules: lm the next token (the last position -1); recall the latest key at each query; agreement
 * the form of "is"/"are" agreeing with the first noun, at the last position; order the class of the
 * first two X/Y symbols; sentiment the label of each clause ("not" flips it, "but" and the final
 * mark take the label of the clause after / before them). Positions the rules cannot label are -1.
 * targets: [T] (STEP) or [1] (FINAL). 0 ok, -1 on bad arguments or a token id out of range. */
int rl_task_label(const rl_task *t, const int *tokens, int T, int *targets);
/* The wrong form a target competes with, as the task scores it: agreement, the verb of the other
 * number ("are" for "is"); -1 for every other task and class (scored by the argmax). */
int rl_task_foil(const rl_task *t, int target);

/* One example as text: tokens joined (spaces for word-level vocabularies, nothing for char level),
 * pads skipped, and the answer marked: recall/agreement append " [target]" after the scored token,
 * per-token sentiment "/-", "/+" or "/0" after every token, lm nothing; FINAL tasks end with
 * " => class". row points at T tokens; targets at T (STEP) or 1 (FINAL) values (may be NULL).
 * Always NUL-terminates (a truncated text never ends inside a UTF-8 character); returns the length
 * it wanted (like snprintf). */
int rl_task_describe(const rl_task *t, const int *row, const int *targets, char *buf, size_t n);

#endif
