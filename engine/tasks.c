/* rnnlab tasks: the seeded generators and the lm stream (see tasks.h). */
#include "tasks.h"
#include "textgen.h"
#include "corpus.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define PAD_TOKEN "\xC2\xB7" /* "·" */
#define BUILTIN_SENTENCES 20000

/* ---- word lists ---- */
typedef struct {
  const char *sing, *plur;
} pair;

static const pair agr_nouns[] = {
    {"writer", "writers"},   {"book", "books"},       {"author", "authors"},
    {"key", "keys"},         {"cabinet", "cabinets"}, {"teacher", "teachers"},
    {"student", "students"}, {"dog", "dogs"},         {"table", "tables"},
    {"picture", "pictures"}, {"painter", "painters"}, {"friend", "friends"},
};
/* nouns that can be the subject of a relative clause ("that the writers like") */
static const int agr_animate[] = {1, 0, 1, 0, 0, 1, 1, 1, 0, 0, 1, 1};
_Static_assert(sizeof agr_animate / sizeof agr_animate[0] == sizeof agr_nouns / sizeof agr_nouns[0],
               "one animacy flag per noun pair");
static const char *agr_preps[] = {"of", "near", "behind", "beside", "with", "for"};
static const pair agr_rc_verbs[] = {{"likes", "like"}, {"sees", "see"}, {"knows", "know"},
                                    {"admires", "admire"}};
/* filler (only with the filler option): number-neutral words that lengthen the sentence */
static const char *agr_adjs[] = {"old", "new", "big", "small", "red", "green", "famous", "quiet"};
static const char *agr_advs[] = {"really", "surely", "still", "often", "always", "also"};
static const pair agr_verbs[] = {{"is", "are"}, {"has", "have"}, {"was", "were"}};

static const char *sen_subjects[] = {"movie", "film", "show", "book", "plot", "acting", "music", "ending"};
static const char *sen_verbs[] = {"was", "is", "seemed"};
static const char *sen_intens[] = {"terribly", "really", "very", "incredibly", "awfully", "pretty"};
static const char *sen_adj[3][6] = {
    {"boring", "bad", "awful", "dull", "terrible", "slow"},         /* 0 negative */
    {"exciting", "good", "wonderful", "funny", "great", "brilliant"}, /* 1 positive */
    {"long", "short", "new", "old", "loud", "quiet"},               /* 2 neutral */
};
static const char *sen_class_names[] = {"negative", "positive", "neutral"};
static const char *sen_class_marks[] = {"-", "+", "0"};
static const char *order_class_names[] = {"XX", "XY", "YX", "YY"};

#define SEN_MAX_CLAUSE 6
#define SEN_T (2 * SEN_MAX_CLAUSE + 2)
#define SEN_LABEL_MAX 512 /* rl_task_label: positions labelled in a chosen sentence */

struct rl_task {
  rl_task_opts o;
  char *data_path; /* owned copy of o.data_path */
  rl_head head;
  rl_vocab_level level;
  int V, C, T;
  char **tok;       /* [V] */
  int own_tokens;   /* 1: tok[i] are owned strings; 0: they point into the corpus */
  int cap;
  /* recall */
  int r_q, r_key0, r_dist0;
  /* order */
  int o_b, o_e, o_x, o_y, o_dist0;
  /* agreement */
  int a_the, a_that;
  int a_noun[NELEM(agr_nouns)][2];
  int a_prep[NELEM(agr_preps)];
  int a_rcv[NELEM(agr_rc_verbs)][2];
  int a_verb[NELEM(agr_verbs)][2];
  int a_adj[NELEM(agr_adjs)], a_adv[NELEM(agr_advs)];
  /* sentiment */
  int s_the, s_not, s_but, s_bang, s_dot;
  int s_subj[NELEM(sen_subjects)], s_verb[NELEM(sen_verbs)], s_int[NELEM(sen_intens)];
  int s_adj[3][6];
  /* lm */
  rl_corpus *corpus;
  rl_task_state st;
};

const char *rl_task_kind_name(rl_task_kind k) {
  switch (k) {
  case RL_TASK_RECALL: return "recall";
  case RL_TASK_AGREEMENT: return "agreement";
  case RL_TASK_ORDER: return "order";
  case RL_TASK_SENTIMENT: return "sentiment";
  case RL_TASK_LM: return "lm";
  }
  return "?";
}

int rl_task_kind_parse(const char *s, rl_task_kind *out) {
  for (int k = 0; k < RL_TASK_NKINDS; k++)
    if (s && strcmp(s, rl_task_kind_name((rl_task_kind)k)) == 0) {
      *out = (rl_task_kind)k;
      return 0;
    }
  return -1;
}

rl_task_opts rl_task_default(rl_task_kind kind) {
  rl_task_opts o;
  memset(&o, 0, sizeof o);
  o.kind = kind;
  o.length = kind == RL_TASK_ORDER ? 100 : kind == RL_TASK_LM ? 32 : 10;
  o.keys = 8;
  o.distractors = kind == RL_TASK_ORDER ? 4 : 1;
  o.max_attractors = 3;
  o.attractors = -1;
  o.per_token = 0;
  o.classes = 2;
  o.data_path = NULL;
  o.level = RL_VOCAB_WORD;
  o.max_vocab = 10000;
  o.max_tokens = 0;
  o.holdout = 0.1f;
  o.seed = 1;
  return o;
}

/* ---- vocabulary building for the synthetic tasks ---- */
static int add_tok(rl_task *t, const char *s) {
  if (t->V == t->cap) {
    int nc = t->cap ? 2 * t->cap : 64;
    char **n = realloc(t->tok, (size_t)nc * sizeof *n);
    if (!n) return -1;
    t->tok = n;
    t->cap = nc;
  }
  size_t len = strlen(s);
  char *c = malloc(len + 1);
  if (!c) return -1;
  memcpy(c, s, len + 1);
  t->tok[t->V] = c;
  return t->V++;
}

/* Adds every string; any failure leaves a negative id in *ok. */
#define ADD(dst, s) do { if (((dst) = add_tok(t, (s))) < 0) return -1; } while (0)

static int build_recall(rl_task *t) {
  char name[32];
  t->r_key0 = t->V;
  for (int k = 0; k < t->o.keys; k++) {
    int id;
    snprintf(name, sizeof name, "k%d", k);
    ADD(id, name);
  }
  ADD(t->r_q, "q");
  t->r_dist0 = t->V;
  for (int d = 0; d < t->o.distractors; d++) {
    int id;
    if (t->o.distractors == 1) snprintf(name, sizeof name, "%s", PAD_TOKEN);
    else snprintf(name, sizeof name, "d%d", d);
    ADD(id, name);
  }
  return 0;
}

static int build_order(rl_task *t) {
  ADD(t->o_b, "B");
  ADD(t->o_e, "E");
  ADD(t->o_x, "X");
  ADD(t->o_y, "Y");
  t->o_dist0 = t->V;
  for (int d = 0; d < t->o.distractors; d++) {
    char name[2] = {(char)('a' + d), 0};
    int id;
    ADD(id, name);
  }
  return 0;
}

static int build_agreement(rl_task *t) {
  int pad;
  ADD(pad, PAD_TOKEN);
  ADD(t->a_the, "the");
  ADD(t->a_that, "that");
  for (int i = 0; i < NELEM(agr_nouns); i++) {
    ADD(t->a_noun[i][0], agr_nouns[i].sing);
    ADD(t->a_noun[i][1], agr_nouns[i].plur);
  }
  for (int i = 0; i < NELEM(agr_preps); i++) ADD(t->a_prep[i], agr_preps[i]);
  for (int i = 0; i < NELEM(agr_rc_verbs); i++) {
    ADD(t->a_rcv[i][0], agr_rc_verbs[i].sing);
    ADD(t->a_rcv[i][1], agr_rc_verbs[i].plur);
  }
  for (int i = 0; i < NELEM(agr_verbs); i++) {
    ADD(t->a_verb[i][0], agr_verbs[i].sing);
    ADD(t->a_verb[i][1], agr_verbs[i].plur);
  }
  if (t->o.filler > 0) {
    for (int i = 0; i < NELEM(agr_adjs); i++) ADD(t->a_adj[i], agr_adjs[i]);
    for (int i = 0; i < NELEM(agr_advs); i++) ADD(t->a_adv[i], agr_advs[i]);
  }
  return 0;
}

static int build_sentiment(rl_task *t) {
  int pad;
  ADD(pad, PAD_TOKEN);
  ADD(t->s_the, "the");
  for (int i = 0; i < NELEM(sen_subjects); i++) ADD(t->s_subj[i], sen_subjects[i]);
  for (int i = 0; i < NELEM(sen_verbs); i++) ADD(t->s_verb[i], sen_verbs[i]);
  ADD(t->s_not, "not");
  for (int i = 0; i < NELEM(sen_intens); i++) ADD(t->s_int[i], sen_intens[i]);
  for (int c = 0; c < 3; c++)
    for (int i = 0; i < 6; i++) ADD(t->s_adj[c][i], sen_adj[c][i]);
  ADD(t->s_but, "but");
  ADD(t->s_bang, "!");
  ADD(t->s_dot, ".");
  return 0;
}

/* the longest sentence: subject, kmax + 1 phrases (the last may be a 4-word relative clause), and
 * with filler F up to F adjectives before each of the kmax + 2 nouns and F adverbs before the verb */
static int agreement_T(int kmax, int filler) { return 2 + 3 * (kmax + 1) + 1 + filler * (kmax + 3); }

static int order_windows(int T, int *lo1, int *hi1, int *lo2, int *hi2) {
  *lo1 = T / 10 > 1 ? T / 10 : 1;
  *hi1 = T / 5 > *lo1 ? T / 5 : *lo1;
  *lo2 = T / 2 > *hi1 + 1 ? T / 2 : *hi1 + 1;
  *hi2 = 6 * T / 10 > *lo2 ? 6 * T / 10 : *lo2;
  return *hi2 <= T - 2 ? 0 : -1;
}

static int check_length(const rl_task_opts *o, int length, rl_error *err) {
  switch (o->kind) {
  case RL_TASK_RECALL:
    if (length < 0 || length > RL_MAX_TIME - 2)
      return rl_fail(err, "recall distance %d out of range (0..%d)", length, RL_MAX_TIME - 2);
    return 0;
  case RL_TASK_ORDER:
    if (length < 8 || length > RL_MAX_TIME)
      return rl_fail(err, "order length %d out of range (8..%d)", length, RL_MAX_TIME);
    return 0;
  case RL_TASK_LM:
    if (length < 1 || length > RL_MAX_TIME)
      return rl_fail(err, "lm chunk length %d out of range (1..%d)", length, RL_MAX_TIME);
    return 0;
  default:
    return rl_fail(err, "the %s task has no length setting", rl_task_kind_name(o->kind));
  }
}

static int check_opts(const rl_task_opts *o, rl_error *err) {
  switch (o->kind) {
  case RL_TASK_RECALL:
    if (o->keys < 2 || o->keys > 1000) return rl_fail(err, "recall keys %d out of range (2..1000)", o->keys);
    if (o->distractors < 1 || o->distractors > 1000)
      return rl_fail(err, "recall distractors %d out of range (1..1000)", o->distractors);
    return check_length(o, o->length, err);
  case RL_TASK_ORDER:
    if (o->distractors < 1 || o->distractors > 26)
      return rl_fail(err, "order distractors %d out of range (1..26)", o->distractors);
    return check_length(o, o->length, err);
  case RL_TASK_AGREEMENT:
    if (o->max_attractors < 0 || o->max_attractors > 8)
      return rl_fail(err, "agreement max attractors %d out of range (0..8)", o->max_attractors);
    if (o->attractors < -1 || o->attractors > o->max_attractors)
      return rl_fail(err, "agreement attractors %d out of range (-1 = random, 0..%d)", o->attractors,
                     o->max_attractors);
    if (o->filler < 0 || o->filler > 8) return rl_fail(err, "agreement filler %d out of range (0..8)", o->filler);
    if (o->mixed != 0 && o->mixed != 1) return rl_fail(err, "agreement mixed must be 0 or 1 (got %d)", o->mixed);
    if (o->mixed && o->attractors >= 0)
      return rl_fail(err, "agreement with mixed numbers draws the attractors at random: attractors must be -1, not %d",
                     o->attractors);
    return 0;
  case RL_TASK_SENTIMENT:
    if (o->per_token != 0 && o->per_token != 1)
      return rl_fail(err, "sentiment per-token must be 0 or 1 (got %d)", o->per_token);
    if (o->classes != 2 && o->classes != 3)
      return rl_fail(err, "sentiment classes must be 2 or 3 (got %d)", o->classes);
    return 0;
  case RL_TASK_LM:
    if (o->level != RL_VOCAB_WORD && o->level != RL_VOCAB_CHAR)
      return rl_fail(err, "lm level must be char or word");
    if (o->generated < 0 || o->generated > 2)
      return rl_fail(err, "lm generated text %d unknown (0 none, 1 code, 2 dialogue)", o->generated);
    if (o->max_vocab < 1 || o->max_vocab >= RL_MAX_VOCAB)
      return rl_fail(err, "lm max vocabulary %d out of range (1..%d)", o->max_vocab, RL_MAX_VOCAB - 1);
    return check_length(o, o->length, err);
  }
  return rl_fail(err, "unknown task kind %d", (int)o->kind);
}

void rl_task_free(rl_task *t) {
  if (!t) return;
  if (t->own_tokens)
    for (int i = 0; i < t->V; i++) free(t->tok[i]);
  free(t->tok);
  free(t->data_path);
  rl_corpus_free(t->corpus);
  free(t);
}

static int create_lm(rl_task *t, rl_error *err) {
  rl_corpus_opts co = rl_corpus_default_opts();
  co.level = t->o.level;
  co.max_vocab = t->o.max_vocab;
  co.max_tokens = t->o.max_tokens;
  co.holdout = t->o.holdout;
  if (t->data_path) {
    if (rl_corpus_load(t->data_path, &co, &t->corpus, err) != 0) return -1;
  } else if (t->o.generated > 0) {
    size_t len = 0;
    rl_text_kind kind = (rl_text_kind)(t->o.generated - 1);
    char *text = rl_text_generate(kind, t->o.seed, RL_TASK_GEN_CHARS, &len, err);
    if (!text) return -1;
    char name[64];
    snprintf(name, sizeof name, "generated %s text", rl_text_kind_name(kind));
    int rc = rl_corpus_from_text(text, len, name, &co, &t->corpus, err);
    free(text);
    if (rc != 0) return -1;
  } else {
    size_t len = 0;
    char *text = rl_corpus_builtin_text(t->o.seed, BUILTIN_SENTENCES, &len);
    if (!text) return rl_fail(err, "out of memory generating the built-in sentences");
    co.level = RL_VOCAB_WORD; /* the built-in text is word level */
    t->o.level = RL_VOCAB_WORD;
    int rc = rl_corpus_from_text(text, len, "built-in sentences", &co, &t->corpus, err);
    free(text);
    if (rc != 0) return -1;
  }
  if (t->corpus->vocab > RL_MAX_VOCAB)
    return rl_fail(err, "%s: vocabulary of %d tokens is too large", t->corpus->source, t->corpus->vocab);
  t->V = t->corpus->vocab;
  t->tok = malloc((size_t)t->V * sizeof *t->tok);
  if (!t->tok) return rl_fail(err, "out of memory");
  for (int i = 0; i < t->V; i++) t->tok[i] = t->corpus->tokens[i];
  t->own_tokens = 0;
  t->level = t->corpus->level;
  return 0;
}

int rl_task_create(const rl_task_opts *opts, rl_task **out, rl_error *err) {
  if (!out) return rl_fail(err, "rl_task_create: no output");
  *out = NULL;
  if (!opts) return rl_fail(err, "rl_task_create: no options");
  if (check_opts(opts, err) != 0) return -1;
  rl_task *t = calloc(1, sizeof *t);
  if (!t) return rl_fail(err, "out of memory");
  t->o = *opts;
  t->own_tokens = 1;
  t->level = RL_VOCAB_WORD;
  t->o.data_path = NULL;
  if (opts->kind == RL_TASK_LM && opts->data_path) {
    size_t n = strlen(opts->data_path);
    t->data_path = malloc(n + 1);
    if (!t->data_path) { rl_task_free(t); return rl_fail(err, "out of memory"); }
    memcpy(t->data_path, opts->data_path, n + 1);
    t->o.data_path = t->data_path;
  }
  int rc = 0;
  switch (opts->kind) {
  case RL_TASK_RECALL:
    rc = build_recall(t);
    t->head = RL_HEAD_STEP;
    t->T = opts->length + 2;
    break;
  case RL_TASK_ORDER:
    rc = build_order(t);
    t->head = RL_HEAD_FINAL;
    t->T = opts->length;
    t->C = 4;
    break;
  case RL_TASK_AGREEMENT:
    rc = build_agreement(t);
    t->head = RL_HEAD_STEP;
    t->T = agreement_T(opts->max_attractors, opts->filler);
    break;
  case RL_TASK_SENTIMENT:
    rc = build_sentiment(t);
    t->head = opts->per_token ? RL_HEAD_STEP : RL_HEAD_FINAL;
    t->T = SEN_T;
    t->C = opts->classes;
    break;
  case RL_TASK_LM:
    if (create_lm(t, err) != 0) { rl_task_free(t); return -1; }
    t->head = RL_HEAD_STEP;
    t->T = opts->length;
    break;
  }
  if (rc != 0) { rl_task_free(t); return rl_fail(err, "out of memory building the vocabulary"); }
  if (t->head == RL_HEAD_STEP && !(opts->kind == RL_TASK_SENTIMENT)) t->C = t->V;
  *out = t;
  return 0;
}

const rl_task_opts *rl_task_options(const rl_task *t) { return &t->o; }
int rl_task_data_id(const rl_task *t, int64_t *size, uint64_t *hash) {
  if (!t->corpus || !t->data_path) return -1;
  *size = t->corpus->file_size;
  *hash = t->corpus->hash;
  return 0;
}
int rl_task_vocab_size(const rl_task *t) { return t->V; }
const char *rl_task_token(const rl_task *t, int id) { return id >= 0 && id < t->V ? t->tok[id] : "?"; }
const char *const *rl_task_tokens(const rl_task *t) { return (const char *const *)t->tok; }
rl_vocab_level rl_task_vocab_level(const rl_task *t) { return t->level; }
rl_head rl_task_head(const rl_task *t) { return t->head; }
int rl_task_classes(const rl_task *t) { return t->C; }
int rl_task_seq_len(const rl_task *t) { return t->T; }
int rl_task_targets_per_row(const rl_task *t) { return t->head == RL_HEAD_STEP ? t->T : 1; }

const char *rl_task_class_name(const rl_task *t, int c) {
  if (c < 0 || c >= t->C) return "?";
  if (t->o.kind == RL_TASK_ORDER) return order_class_names[c];
  if (t->o.kind == RL_TASK_SENTIMENT) return sen_class_names[c];
  return rl_task_token(t, c);
}

int rl_task_set_length(rl_task *t, int length, rl_error *err) {
  if (check_length(&t->o, length, err) != 0) return -1;
  t->o.length = length;
  t->T = t->o.kind == RL_TASK_RECALL ? length + 2 : length;
  memset(&t->st, 0, sizeof t->st);
  return 0;
}

/* ---- generators: one row each, tokens [T], targets [T] (STEP) or [1] (FINAL) ---- */
static void meta_clear(rl_task_meta *m) {
  m->length = 0;
  m->scored_t = -1;
  m->target = -1;
  m->foil = -1;
  m->cls = -1;
  m->attractors = 0;
  m->nouns = 0;
  m->distance = 0;
  m->stream_start = 0;
}

static void gen_recall(rl_task *t, rl_rng *r, int *tok, int *tgt, rl_task_meta *m) {
  int T = t->T, N = t->o.length;
  int key = rl_rng_int(r, t->o.keys);
  tok[0] = t->r_key0 + key;
  for (int i = 1; i <= N; i++) tok[i] = t->r_dist0 + rl_rng_int(r, t->o.distractors);
  tok[N + 1] = t->r_q;
  for (int i = 0; i < T; i++) tgt[i] = -1;
  tgt[N + 1] = t->r_key0 + key;
  m->length = T;
  m->scored_t = N + 1;
  m->target = t->r_key0 + key;
  m->cls = key;
}

static void gen_order(rl_task *t, rl_rng *r, int *tok, int *tgt, rl_task_meta *m) {
  int T = t->T, lo1, hi1, lo2, hi2;
  order_windows(T, &lo1, &hi1, &lo2, &hi2);
  for (int i = 1; i < T - 1; i++) tok[i] = t->o_dist0 + rl_rng_int(r, t->o.distractors);
  tok[0] = t->o_b;
  tok[T - 1] = t->o_e;
  int t1 = lo1 + rl_rng_int(r, hi1 - lo1 + 1);
  int t2 = lo2 + rl_rng_int(r, hi2 - lo2 + 1);
  int y1 = rl_rng_int(r, 2), y2 = rl_rng_int(r, 2);
  tok[t1] = y1 ? t->o_y : t->o_x;
  tok[t2] = y2 ? t->o_y : t->o_x;
  int cls = 2 * y1 + y2;
  tgt[0] = cls;
  m->length = T;
  m->target = cls;
  m->cls = cls;
}

/* filler: 0..F words drawn from ids (no rng draws at all when F = 0, so F = 0 streams are unchanged) */
static int agr_fill(rl_rng *r, int F, const int *ids, int nids, int *seq) {
  if (F <= 0) return 0;
  int n = rl_rng_int(r, F + 1);
  for (int i = 0; i < n; i++) seq[i] = ids[rl_rng_int(r, nids)];
  return n;
}

static void gen_agreement(rl_task *t, rl_rng *r, int *tok, int *tgt, rl_task_meta *m) {
  int T = t->T, nn = NELEM(agr_nouns), F = t->o.filler;
  int seq[160], len = 0;
  int num = rl_rng_int(r, 2);
  int subj = rl_rng_int(r, nn);
  int k = 0, P, extra_at = -1;
  if (t->o.mixed) {
    P = rl_rng_int(r, t->o.max_attractors + 1); /* each phrase's number drawn below */
  } else {
    k = t->o.attractors >= 0 ? t->o.attractors : rl_rng_int(r, t->o.max_attractors + 1);
    int extra = rl_rng_int(r, 2); /* one more phrase whose noun has the subject's number */
    P = k + extra;
    extra_at = extra ? rl_rng_int(r, P) : -1;
  }
  int rc_last = P > 0 && rl_rng_int(r, 3) == 0; /* the last phrase is an object relative clause */
  seq[len++] = t->a_the;
  len += agr_fill(r, F, t->a_adj, NELEM(agr_adjs), seq + len);
  int subj_at = len;
  seq[len++] = t->a_noun[subj][num];
  for (int p = 0; p < P; p++) {
    int pnum = t->o.mixed ? rl_rng_int(r, 2) : p == extra_at ? num : 1 - num;
    if (t->o.mixed) k += pnum != num;
    int is_rc = p == P - 1 && rc_last;
    int noun;
    do {
      noun = rl_rng_int(r, nn - 1);
      if (noun >= subj) noun++; /* never the subject's own noun */
    } while (is_rc && !agr_animate[noun]);
    if (is_rc) {
      seq[len++] = t->a_that;
      seq[len++] = t->a_the;
      len += agr_fill(r, F, t->a_adj, NELEM(agr_adjs), seq + len);
      seq[len++] = t->a_noun[noun][pnum];
      seq[len++] = t->a_rcv[rl_rng_int(r, NELEM(agr_rc_verbs))][pnum];
    } else {
      seq[len++] = t->a_prep[rl_rng_int(r, NELEM(agr_preps))];
      seq[len++] = t->a_the;
      len += agr_fill(r, F, t->a_adj, NELEM(agr_adjs), seq + len);
      seq[len++] = t->a_noun[noun][pnum];
    }
  }
  len += agr_fill(r, F, t->a_adv, NELEM(agr_advs), seq + len);
  int verb = rl_rng_int(r, NELEM(agr_verbs));
  int pad0 = T - len;
  for (int i = 0; i < pad0; i++) tok[i] = 0;
  for (int i = 0; i < len; i++) tok[pad0 + i] = seq[i];
  for (int i = 0; i < T; i++) tgt[i] = -1;
  tgt[T - 1] = t->a_verb[verb][num];
  m->length = len;
  m->scored_t = T - 1;
  m->target = t->a_verb[verb][num];
  m->foil = t->a_verb[verb][1 - num];
  m->cls = num;
  m->attractors = k;
  m->nouns = P;
  m->distance = len - 1 - subj_at;
}

/* One clause "the SUBJ VERB [not] [INTENS] ADJ" with the given polarity (0 neg, 1 pos, 2 neutral). */
static int sen_clause(rl_task *t, rl_rng *r, int pol, int *out) {
  int n = 0;
  out[n++] = t->s_the;
  out[n++] = t->s_subj[rl_rng_int(r, NELEM(sen_subjects))];
  out[n++] = t->s_verb[rl_rng_int(r, NELEM(sen_verbs))];
  int neg = rl_rng_int(r, 4) == 0;
  int intens = rl_rng_int(r, 5) < 3;
  if (neg) out[n++] = t->s_not;
  if (intens) out[n++] = t->s_int[rl_rng_int(r, NELEM(sen_intens))];
  int adj_class = pol == 2 ? 2 : (neg ? 1 - pol : pol); /* "not" flips positive and negative */
  out[n++] = t->s_adj[adj_class][rl_rng_int(r, 6)];
  return n;
}

static void gen_sentiment(rl_task *t, rl_rng *r, int *tok, int *tgt, rl_task_meta *m) {
  int T = t->T;
  int seq[SEN_T], lab[SEN_T], len = 0, label;
  if (rl_rng_int(r, 20) < 7) { /* "X but Y": opposite polarities, the sentence takes Y's */
    label = rl_rng_int(r, 2);
    int n1 = sen_clause(t, r, 1 - label, seq);
    for (int i = 0; i < n1; i++) lab[i] = 1 - label;
    len = n1;
    lab[len] = label;
    seq[len++] = t->s_but;
    int n2 = sen_clause(t, r, label, seq + len);
    for (int i = 0; i < n2; i++) lab[len + i] = label;
    len += n2;
  } else {
    label = rl_rng_int(r, t->o.classes);
    len = sen_clause(t, r, label, seq);
    for (int i = 0; i < len; i++) lab[i] = label;
  }
  lab[len] = label;
  seq[len++] = rl_rng_int(r, 2) ? t->s_bang : t->s_dot;
  int pad0 = T - len;
  for (int i = 0; i < pad0; i++) tok[i] = 0;
  for (int i = 0; i < len; i++) tok[pad0 + i] = seq[i];
  if (t->head == RL_HEAD_STEP) {
    for (int i = 0; i < pad0; i++) tgt[i] = -1;
    for (int i = 0; i < len; i++) tgt[pad0 + i] = lab[i];
  } else {
    tgt[0] = label;
  }
  m->length = len;
  m->target = label;
  m->cls = label;
}

/* ---- lm stream ---- */
static int lm_batch(rl_task *t, rl_split split, int B, int *tokens, int *targets, rl_task_meta *meta,
                    rl_error *err) {
  const rl_corpus *c = t->corpus;
  int T = t->T;
  int64_t start = split == RL_SPLIT_TRAIN ? 0 : c->ntrain;
  int64_t len = split == RL_SPLIT_TRAIN ? c->ntrain : c->n - c->ntrain;
  int64_t seg = len / B;
  if (seg < (int64_t)T + 1)
    return rl_fail(err, "the %s split of %s has %lld token%s: too few for %d streams of %d+1 tokens "
                   "(use a smaller batch or chunk length, or a longer text)",
                   split == RL_SPLIT_TRAIN ? "training" : "held-out", c->source, (long long)len, len == 1 ? "" : "s",
                   B, T);
  rl_task_state *st = &t->st;
  if (st->B[split] != B) {
    st->B[split] = B;
    st->cursor[split] = 0;
  }
  int64_t cur = st->cursor[split];
  if (cur < 0 || cur + T + 1 > seg) {
    cur = 0;
    st->epoch[split]++;
  }
  for (int b = 0; b < B; b++) {
    const int32_t *p = c->ids + start + (int64_t)b * seg + cur;
    for (int i = 0; i < T; i++) {
      tokens[(size_t)b * T + i] = p[i];
      targets[(size_t)b * T + i] = p[i + 1];
    }
    if (meta) {
      meta_clear(&meta[b]);
      meta[b].length = T;
      meta[b].stream_start = cur == 0;
    }
  }
  st->cursor[split] = cur + T;
  return 0;
}

int rl_task_batch_split(rl_task *t, rl_split split, rl_rng *rng, int B, int *tokens, int *targets,
                        rl_task_meta *meta, rl_error *err) {
  if (!t || !tokens || !targets) return rl_fail(err, "rl_task_batch: missing buffers");
  if (B < 1 || B > RL_MAX_BATCH) return rl_fail(err, "batch size %d out of range (1..%d)", B, RL_MAX_BATCH);
  if (split != RL_SPLIT_TRAIN && split != RL_SPLIT_EVAL) return rl_fail(err, "unknown split %d", (int)split);
  if (t->o.kind == RL_TASK_LM) return lm_batch(t, split, B, tokens, targets, meta, err);
  if (!rng) return rl_fail(err, "the %s task needs a random number generator", rl_task_kind_name(t->o.kind));
  int T = t->T, per = rl_task_targets_per_row(t);
  for (int b = 0; b < B; b++) {
    int *tok = tokens + (size_t)b * T, *tgt = targets + (size_t)b * per;
    rl_task_meta m;
    meta_clear(&m);
    switch (t->o.kind) {
    case RL_TASK_RECALL: gen_recall(t, rng, tok, tgt, &m); break;
    case RL_TASK_ORDER: gen_order(t, rng, tok, tgt, &m); break;
    case RL_TASK_AGREEMENT: gen_agreement(t, rng, tok, tgt, &m); break;
    case RL_TASK_SENTIMENT: gen_sentiment(t, rng, tok, tgt, &m); break;
    case RL_TASK_LM: break;
    }
    if (meta) meta[b] = m;
  }
  return 0;
}

int rl_task_batch(rl_task *t, rl_rng *rng, int B, int *tokens, int *targets, rl_task_meta *meta,
                  rl_error *err) {
  return rl_task_batch_split(t, RL_SPLIT_TRAIN, rng, B, tokens, targets, meta, err);
}

void rl_task_get_state(const rl_task *t, rl_task_state *out) { *out = t->st; }

int rl_task_set_state(rl_task *t, const rl_task_state *s, rl_error *err) {
  for (int i = 0; i < 2; i++)
    if (s->cursor[i] < 0 || s->B[i] < 0 || s->B[i] > RL_MAX_BATCH || s->epoch[i] < 0)
      return rl_fail(err, "invalid data-stream position (cursor %lld, batch %d, epoch %lld)",
                     (long long)s->cursor[i], s->B[i], (long long)s->epoch[i]);
  t->st = *s;
  return 0;
}

void rl_task_rewind(rl_task *t, rl_split split) {
  if (split != RL_SPLIT_TRAIN && split != RL_SPLIT_EVAL) return;
  t->st.cursor[split] = 0;
  t->st.B[split] = 0;
}

int64_t rl_task_split_tokens(const rl_task *t, rl_split split) {
  if (t->o.kind != RL_TASK_LM) return 0;
  return split == RL_SPLIT_TRAIN ? t->corpus->ntrain : t->corpus->n - t->corpus->ntrain;
}

int64_t rl_task_chunks_per_epoch(const rl_task *t, rl_split split, int B) {
  if (t->o.kind != RL_TASK_LM || B < 1) return 0;
  int64_t seg = rl_task_split_tokens(t, split) / B;
  if (seg < (int64_t)t->T + 1) return 0;
  return (seg - 1) / t->T;
}

/* ---- scoring ---- */
static int argmax(const float *p, int C) {
  int best = 0;
  for (int i = 1; i < C; i++)
    if (p[i] > p[best]) best = i;
  return best;
}

int rl_task_score(const rl_task *t, int B, const int *targets, const rl_task_meta *meta,
                  rl_probs_fn probs, void *ctx, int64_t *correct, int64_t *total, int *ex_correct,
                  int *ex_total, rl_error *err) {
  if (!t || !targets || !probs || B < 1) return rl_fail(err, "rl_task_score: bad arguments");
  if (t->o.kind == RL_TASK_AGREEMENT && !meta)
    return rl_fail(err, "rl_task_score: the agreement task needs the batch metadata");
  int per = rl_task_targets_per_row(t), C = t->C;
  for (int b = 0; b < B; b++) {
    int nc = 0, nt = 0;
    for (int i = 0; i < per; i++) {
      int y = targets[(size_t)b * per + i];
      if (y < 0) continue;
      if (y >= C) return rl_fail(err, "target %d out of range (C = %d)", y, C);
      const float *p = probs(ctx, b, i);
      if (!p) return rl_fail(err, "rl_task_score: no probabilities for row %d step %d", b, i);
      int ok;
      if (t->o.kind == RL_TASK_AGREEMENT && meta[b].foil >= 0 && meta[b].foil < C)
        ok = p[y] > p[meta[b].foil];
      else
        ok = argmax(p, C) == y;
      nc += ok;
      nt++;
    }
    if (correct) *correct += nc;
    if (total) *total += nt;
    if (ex_correct) ex_correct[b] = nc;
    if (ex_total) ex_total[b] = nt;
  }
  return 0;
}

int rl_task_foil(const rl_task *t, int target) {
  if (!t || t->o.kind != RL_TASK_AGREEMENT) return -1;
  for (int i = 0; i < NELEM(agr_verbs); i++)
    for (int n = 0; n < 2; n++)
      if (t->a_verb[i][n] == target) return t->a_verb[i][1 - n];
  return -1;
}

/* ---- labelling a chosen sentence ---- */
static int find_id(const int *ids, int n, int id) {
  for (int i = 0; i < n; i++)
    if (ids[i] == id) return i;
  return -1;
}

/* Sentiment polarity of the clause tok[a..b): its adjective's class, flipped by "not"; -1 if none. */
static int sen_clause_label(const rl_task *t, const int *tok, int a, int b) {
  int neg = 0, pol = -1;
  for (int i = a; i < b; i++) {
    if (tok[i] == t->s_not) neg = !neg;
    for (int c = 0; c < 3; c++)
      if (find_id(t->s_adj[c], 6, tok[i]) >= 0) pol = c;
  }
  if (pol < 0) return -1;
  if (pol == 2) return t->o.classes == 3 ? 2 : -1;
  return neg ? 1 - pol : pol;
}

int rl_task_label(const rl_task *t, const int *tok, int T, int *targets) {
  if (!t || !tok || !targets || T < 1) return -1;
  int per = t->head == RL_HEAD_STEP ? T : 1;
  for (int i = 0; i < per; i++) targets[i] = -1;
  for (int i = 0; i < T; i++)
    if (tok[i] < 0 || tok[i] >= t->V) return -1;
  switch (t->o.kind) {
  case RL_TASK_LM:
    for (int i = 0; i + 1 < T; i++) targets[i] = tok[i + 1];
    break;
  case RL_TASK_RECALL: /* at every query: the most recent key before it */
    for (int i = 0, key = -1; i < T; i++) {
      if (tok[i] >= t->r_key0 && tok[i] < t->r_key0 + t->o.keys) key = tok[i];
      else if (tok[i] == t->r_q && key >= 0) targets[i] = key;
    }
    break;
  case RL_TASK_AGREEMENT: { /* the verb after the last word agrees with the first noun */
    for (int i = 0; i < T; i++)
      for (int k = 0; k < NELEM(agr_nouns); k++)
        for (int num = 0; num < 2; num++)
          if (tok[i] == t->a_noun[k][num]) {
            targets[T - 1] = t->a_verb[0][num];
            return 0;
          }
    break;
  }
  case RL_TASK_ORDER: { /* the first two X/Y symbols */
    int sym[2], n = 0;
    for (int i = 0; i < T && n < 2; i++)
      if (tok[i] == t->o_x || tok[i] == t->o_y) sym[n++] = tok[i] == t->o_y;
    if (n == 2) targets[0] = 2 * sym[0] + sym[1];
    break;
  }
  case RL_TASK_SENTIMENT: { /* clauses split at "but"; "but" and the end take the last clause's label */
    int lab[SEN_LABEL_MAX];
    int n = T < SEN_LABEL_MAX ? T : SEN_LABEL_MAX;
    int start = 0, last = -1;
    for (int i = 0; i <= n; i++) {
      if (i < n && tok[i] != t->s_but && tok[i] != t->s_bang && tok[i] != t->s_dot) continue;
      int l = sen_clause_label(t, tok, start, i);
      for (int j = start; j < i; j++) lab[j] = l;
      if (l >= 0) last = l;
      if (i < n) lab[i] = -2; /* "but", "!" or ".": filled below */
      start = i + 1;
    }
    for (int i = 0; i < n; i++) {
      if (lab[i] != -2) continue;
      int next = -1; /* "but" takes the label of the clause after it */
      for (int j = i + 1; j < n && next < 0; j++) next = lab[j] >= 0 ? lab[j] : next;
      lab[i] = tok[i] == t->s_but ? (next >= 0 ? next : last) : last;
    }
    if (t->head == RL_HEAD_STEP)
      for (int i = 0; i < n; i++) targets[i] = tok[i] == 0 ? -1 : lab[i];
    else
      targets[0] = last;
    break;
  }
  }
  return 0;
}

/* ---- text ---- */
typedef struct {
  char *buf;
  size_t n, len;
} appender;

static void put(appender *a, const char *s) {
  size_t k = strlen(s);
  if (a->n > 0 && a->len < a->n - 1) {
    size_t room = a->n - 1 - a->len, c = k < room ? k : room;
    if (c < k) /* never cut a UTF-8 character in half */
      while (c > 0 && ((unsigned char)s[c] & 0xC0) == 0x80) c--;
    memcpy(a->buf + a->len, s, c);
    if (c < k) a->buf[a->len + c] = 0;
  }
  a->len += k;
}

int rl_task_describe(const rl_task *t, const int *row, const int *targets, char *buf, size_t n) {
  appender a = {buf, n, 0};
  int T = t->T;
  int padded = t->o.kind == RL_TASK_AGREEMENT || t->o.kind == RL_TASK_SENTIMENT;
  const char *sep = t->level == RL_VOCAB_CHAR ? "" : " ";
  int first = 1;
  for (int i = 0; i < T; i++) {
    if (padded && row[i] == 0) continue;
    if (!first) put(&a, sep);
    first = 0;
    put(&a, rl_task_token(t, row[i]));
    if (t->head == RL_HEAD_STEP && targets && t->o.kind != RL_TASK_LM && targets[i] >= 0) {
      if (t->o.kind == RL_TASK_SENTIMENT) {
        put(&a, "/");
        put(&a, targets[i] < 3 ? sen_class_marks[targets[i]] : "?");
      } else {
        put(&a, " [");
        put(&a, rl_task_token(t, targets[i]));
        put(&a, "]");
      }
    }
  }
  if (t->head == RL_HEAD_FINAL && targets) {
    put(&a, " => ");
    put(&a, rl_task_class_name(t, targets[0]));
  }
  if (n > 0) buf[a.len < n ? a.len : n - 1] = 0;
  return a.len > (size_t)0x7fffffff ? 0x7fffffff : (int)a.len;
}
