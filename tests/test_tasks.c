/* tasks: determinism per seed, label correctness checked by independent rules (token strings, not
 * the generator's internals), scoring, text descriptions, and the lm stream (contiguity, state
 * save/restore, epochs, held-out split). */
#include "tasks.h"
#include "testutil.h"
#include <stdlib.h>
#include <string.h>

#define NB 256 /* examples per label-correctness batch */

typedef struct {
  rl_task *t;
  int T, per, V, C;
  int *tok, *tgt;
  rl_task_meta *meta;
} batch;

static int make(const rl_task_opts *o, batch *b, int B) {
  rl_error e = {{0}};
  memset(b, 0, sizeof *b);
  if (rl_task_create(o, &b->t, &e) != 0) {
    CHECKF(0, "create %s: %s", rl_task_kind_name(o->kind), e.msg);
    return -1;
  }
  b->T = rl_task_seq_len(b->t);
  b->per = rl_task_targets_per_row(b->t);
  b->V = rl_task_vocab_size(b->t);
  b->C = rl_task_classes(b->t);
  b->tok = malloc(sizeof(int) * (size_t)B * b->T);
  b->tgt = malloc(sizeof(int) * (size_t)B * b->per);
  b->meta = malloc(sizeof(rl_task_meta) * (size_t)B);
  return 0;
}

static void drop(batch *b) {
  rl_task_free(b->t);
  free(b->tok);
  free(b->tgt);
  free(b->meta);
}

static int fill(batch *b, rl_rng *r, int B) {
  rl_error e = {{0}};
  int rc = rl_task_batch(b->t, r, B, b->tok, b->tgt, b->meta, &e);
  CHECKF(rc == 0, "%s batch: %s", rl_task_kind_name(rl_task_options(b->t)->kind), e.msg);
  return rc;
}

static const char *S(batch *b, int id) { return rl_task_token(b->t, id); }
static int is(batch *b, int id, const char *s) { return strcmp(S(b, id), s) == 0; }

/* Every id in range, every target in range or -1 (STEP) / in range (FINAL). */
static void check_ranges(batch *b, int B) {
  int bad = 0;
  for (int i = 0; i < B * b->T; i++) bad += b->tok[i] < 0 || b->tok[i] >= b->V;
  for (int i = 0; i < B * b->per; i++) {
    int y = b->tgt[i];
    bad += rl_task_head(b->t) == RL_HEAD_STEP ? (y < -1 || y >= b->C) : (y < 0 || y >= b->C);
  }
  CHECKF(bad == 0, "%s: %d ids or targets out of range", rl_task_kind_name(rl_task_options(b->t)->kind), bad);
}

/* Same seed -> identical batches (tokens, targets, metadata); different seed -> different. */
static void check_determinism(const rl_task_opts *o) {
  batch a, b, c;
  if (make(o, &a, 16) || make(o, &b, 16) || make(o, &c, 16)) return;
  rl_rng r1, r2, r3;
  rl_rng_seed(&r1, 42);
  rl_rng_seed(&r2, 42);
  rl_rng_seed(&r3, 43);
  int same = 1, differ = 0;
  for (int rep = 0; rep < 3; rep++) {
    fill(&a, &r1, 16);
    fill(&b, &r2, 16);
    fill(&c, &r3, 16);
    same &= memcmp(a.tok, b.tok, sizeof(int) * 16 * a.T) == 0;
    same &= memcmp(a.tgt, b.tgt, sizeof(int) * 16 * a.per) == 0;
    same &= memcmp(a.meta, b.meta, sizeof(rl_task_meta) * 16) == 0;
    differ |= memcmp(a.tok, c.tok, sizeof(int) * 16 * a.T) != 0;
  }
  CHECKF(same, "%s: same seed gave different batches", rl_task_kind_name(o->kind));
  CHECKF(differ, "%s: different seeds gave identical batches", rl_task_kind_name(o->kind));
  drop(&a);
  drop(&b);
  drop(&c);
}

static void test_recall(void) {
  rl_task_opts o = rl_task_default(RL_TASK_RECALL);
  o.length = 6;
  batch b;
  if (make(&o, &b, NB)) return;
  CHECK(b.T == 8);
  CHECK(b.V == 8 + 1 + 1 && b.C == b.V); /* k0..k7, q, · */
  CHECK(rl_task_head(b.t) == RL_HEAD_STEP);
  rl_rng r;
  rl_rng_seed(&r, 1);
  fill(&b, &r, NB);
  check_ranges(&b, NB);
  int ok = 1, seen[8] = {0};
  for (int e = 0; e < NB; e++) {
    const int *tok = b.tok + e * b.T, *tgt = b.tgt + e * b.T;
    const char *key = S(&b, tok[0]);
    ok &= key[0] == 'k';
    if (key[0] == 'k') seen[atoi(key + 1) & 7] = 1;
    for (int t = 1; t <= 6; t++) ok &= is(&b, tok[t], "\xC2\xB7");
    ok &= is(&b, tok[7], "q");
    for (int t = 0; t < 7; t++) ok &= tgt[t] == -1;
    ok &= tgt[7] == tok[0];
    ok &= b.meta[e].scored_t == 7 && b.meta[e].target == tok[0] && b.meta[e].length == 8;
  }
  CHECK(ok);
  int all = 1;
  for (int k = 0; k < 8; k++) all &= seen[k];
  CHECK(all); /* P(some key never drawn in 256) < 8 * (7/8)^256 ~ 1e-14 */

  /* distance 0 and a curriculum step keep the vocabulary */
  rl_error e = {{0}};
  CHECK(rl_task_set_length(b.t, 0, &e) == 0 && rl_task_seq_len(b.t) == 2 && rl_task_vocab_size(b.t) == 10);
  fill(&b, &r, 4);
  CHECK(is(&b, b.tok[1], "q") && b.tgt[1] == b.tok[0] && b.tgt[0] == -1);
  CHECK(rl_task_set_length(b.t, 40, &e) == 0 && rl_task_seq_len(b.t) == 42);
  CHECK(rl_task_set_length(b.t, -1, &e) == -1 && strstr(e.msg, "distance"));
  drop(&b);

  /* several distractor tokens */
  o.distractors = 3;
  o.keys = 2;
  if (make(&o, &b, NB)) return;
  CHECK(b.V == 2 + 1 + 3);
  CHECK(rl_task_token(b.t, 0)[0] == 'k' && strcmp(rl_task_token(b.t, b.V - 1), "d2") == 0);
  fill(&b, &r, NB);
  int dseen[3] = {0};
  for (int e2 = 0; e2 < NB; e2++)
    for (int t = 1; t <= 6; t++) {
      const char *s = S(&b, b.tok[e2 * b.T + t]);
      if (s[0] == 'd') dseen[(s[1] - '0') % 3] = 1;
    }
  CHECK(dseen[0] && dseen[1] && dseen[2]);
  drop(&b);

  /* bad options name themselves */
  rl_task *t = NULL;
  o = rl_task_default(RL_TASK_RECALL);
  o.keys = 1;
  CHECK(rl_task_create(&o, &t, &e) == -1 && t == NULL && strstr(e.msg, "keys"));
}

static int noun_plural(const char *w) { return w[strlen(w) - 1] == 's'; }

static void test_agreement(void) {
  rl_task_opts o = rl_task_default(RL_TASK_AGREEMENT);
  batch b;
  if (make(&o, &b, NB)) return;
  CHECK(b.C == b.V && rl_task_head(b.t) == RL_HEAD_STEP);
  CHECK(is(&b, 0, "\xC2\xB7"));
  rl_rng r;
  rl_rng_seed(&r, 5);
  int counts[4] = {0}, rc_seen = 0, bad = 0;
  for (int rep = 0; rep < 4; rep++) {
    fill(&b, &r, NB);
    check_ranges(&b, NB);
    for (int e = 0; e < NB; e++) {
      const int *tok = b.tok + e * b.T, *tgt = b.tgt + e * b.T;
      const rl_task_meta *m = &b.meta[e];
      int start = b.T - m->length;
      int ok = start >= 0;
      for (int t = 0; t < start; t++) ok &= tok[t] == 0; /* left padding */
      for (int t = start; t < b.T; t++) ok &= tok[t] != 0;
      for (int t = 0; t < b.T - 1; t++) ok &= tgt[t] == -1;
      ok &= m->scored_t == b.T - 1 && tgt[b.T - 1] == m->target;
      /* subject: "the NOUN"; its number decides the verb */
      ok &= is(&b, tok[start], "the");
      int pl = noun_plural(S(&b, tok[start + 1]));
      const char *v = S(&b, tgt[b.T - 1]), *f = S(&b, m->foil);
      const char *sing[] = {"is", "has", "was"}, *plur[] = {"are", "have", "were"};
      int pair_ok = 0;
      for (int k = 0; k < 3; k++)
        pair_ok |= pl ? (!strcmp(v, plur[k]) && !strcmp(f, sing[k])) : (!strcmp(v, sing[k]) && !strcmp(f, plur[k]));
      ok &= pair_ok && m->cls == pl;
      /* attractors: nouns (after "the") of the other number; a relative-clause verb agrees with its noun */
      int att = 0;
      for (int t = start + 2; t < b.T; t++) {
        if (is(&b, tok[t - 1], "the")) att += noun_plural(S(&b, tok[t])) != pl;
        if (t >= start + 4 && is(&b, tok[t - 3], "that")) {
          rc_seen = 1;
          const char *rv = S(&b, tok[t]);
          int rv_plural = rv[strlen(rv) - 1] != 's'; /* "likes" singular, "like" plural */
          ok &= rv_plural == noun_plural(S(&b, tok[t - 1])) && t == b.T - 1;
        }
      }
      ok &= att == m->attractors && att >= 0 && att <= 3;
      if (att >= 0 && att <= 3) counts[att]++;
      if (!ok) {
        char buf[512];
        rl_task_describe(b.t, tok, tgt, buf, sizeof buf);
        if (bad++ < 3) fprintf(stderr, "bad agreement example: %s (attractors %d)\n", buf, m->attractors);
      }
    }
  }
  CHECKF(bad == 0, "%d bad agreement examples", bad);
  CHECK(counts[0] > 0 && counts[1] > 0 && counts[2] > 0 && counts[3] > 0);
  CHECK(rc_seen);
  drop(&b);

  /* a fixed number of attractors */
  o.max_attractors = 5;
  o.attractors = 4;
  if (make(&o, &b, NB)) return;
  CHECK(b.T == 2 + 3 * 6 + 1);
  fill(&b, &r, NB);
  int all4 = 1;
  for (int e = 0; e < NB; e++) all4 &= b.meta[e].attractors == 4;
  CHECK(all4);
  drop(&b);
  rl_error e = {{0}};
  rl_task *t = NULL;
  o.attractors = 6;
  CHECK(rl_task_create(&o, &t, &e) == -1 && strstr(e.msg, "attractors"));
}

static int in_list(const char *w, const char *const *list, int n) {
  for (int i = 0; i < n; i++)
    if (!strcmp(w, list[i])) return 1;
  return 0;
}

/* One agreement example parsed from its tokens: "the ADJ* NOUN", phrases "PREP the ADJ* NOUN" or
 * "that the ADJ* NOUN VERB", then ADV*. 1 if the verb agrees with the subject, the relative
 * clause's verb with its noun, and the metadata counts attractors, intervening nouns and the
 * subject-verb distance right; the counts of 3-word filler runs and the parsed counts go out. */
typedef struct {
  int adj3, adv3, att, nouns;
} agr_parse;

static int agreement_example_ok(batch *b, int e, agr_parse *out) {
  static const char *const adjs[] = {"old", "new", "big", "small", "red", "green", "famous", "quiet"};
  static const char *const advs[] = {"really", "surely", "still", "often", "always", "also"};
  const int *tok = b->tok + e * b->T, *tgt = b->tgt + e * b->T;
  const rl_task_meta *m = &b->meta[e];
  int start = b->T - m->length, ok = start >= 0, t = start;
  for (int i = 0; i < start; i++) ok &= tok[i] == 0;
  ok &= is(b, tok[t++], "the");
  int nadj = 0;
  while (t < b->T && in_list(S(b, tok[t]), adjs, 8)) nadj++, t++;
  ok &= nadj <= 3 && t < b->T;
  out->adj3 += nadj == 3;
  if (!ok) return 0;
  int subj = t, pl = noun_plural(S(b, tok[t]));
  ok &= !in_list(S(b, tok[t]), advs, 6);
  t++;
  out->att = out->nouns = 0;
  while (t < b->T && !in_list(S(b, tok[t]), advs, 6)) {
    int rc = is(b, tok[t], "that");
    t++;
    if (t >= b->T || !is(b, tok[t], "the")) return 0;
    t++;
    int na = 0;
    while (t < b->T && in_list(S(b, tok[t]), adjs, 8)) na++, t++;
    out->adj3 += na == 3;
    if (t >= b->T || na > 3) return 0;
    int np = noun_plural(S(b, tok[t]));
    out->att += np != pl;
    out->nouns++;
    t++;
    if (rc) {
      const char *rv = t < b->T ? S(b, tok[t]) : "";
      ok &= t < b->T && (rv[strlen(rv) - 1] != 's') == np; /* "likes" singular, "like" plural */
      t++;
    }
  }
  int nadv = 0;
  while (t < b->T && in_list(S(b, tok[t]), advs, 6)) nadv++, t++;
  out->adv3 += nadv == 3;
  ok &= t == b->T && nadv <= 3;
  ok &= m->attractors == out->att && m->nouns == out->nouns && m->distance == b->T - 1 - subj;
  const char *v = S(b, tgt[b->T - 1]), *f = S(b, m->foil);
  const char *sing[] = {"is", "has", "was"}, *plur[] = {"are", "have", "were"};
  int pair_ok = 0;
  for (int k = 0; k < 3; k++)
    pair_ok |= pl ? (!strcmp(v, plur[k]) && !strcmp(f, sing[k])) : (!strcmp(v, sing[k]) && !strcmp(f, plur[k]));
  ok &= pair_ok && m->cls == pl;
  /* the rule-based labeller (the explorer's) skips the adjectives too */
  int *lab = malloc(sizeof(int) * (size_t)b->T);
  if (!lab) return 0;
  for (int i = 0; i < b->T; i++) lab[i] = -2;
  ok &= rl_task_label(b->t, tok, b->T, lab) == 0 && !strcmp(S(b, lab[b->T - 1]), pl ? "are" : "is");
  free(lab);
  return ok;
}

static int report_bad(batch *b, int e, const char *what, int *bad) {
  char buf[1024];
  rl_task_describe(b->t, b->tok + e * b->T, b->tgt + e * b->T, buf, sizeof buf);
  if ((*bad)++ < 3)
    fprintf(stderr, "bad %s agreement example: %s (attractors %d, nouns %d, distance %d)\n", what, buf,
            b->meta[e].attractors, b->meta[e].nouns, b->meta[e].distance);
  return 0;
}

/* the filler option: 0..F adjectives before every noun and 0..F adverbs before the verb; the verb
 * still agrees with the subject, attractors and the subject-verb distance are counted right */
static void test_agreement_filler(void) {
  rl_task_opts o = rl_task_default(RL_TASK_AGREEMENT);
  batch b0, b;
  if (make(&o, &b0, NB)) return;
  o.filler = 3;
  o.max_attractors = 4;
  if (make(&o, &b, NB)) {
    drop(&b0);
    return;
  }
  CHECK(b.V == b0.V + 8 + 6); /* the filler words join the vocabulary only with the option */
  for (int i = 0; i < b0.V; i++) CHECK(!strcmp(S(&b0, i), S(&b, i)));
  CHECK(b.T == 2 + 3 * 5 + 1 + 3 * (4 + 2 + 1)); /* 6 nouns and the adverbs, 0..3 words each */
  rl_rng r;
  rl_rng_seed(&r, 11);
  int bad = 0, att_seen[5] = {0}, maxdist = 0;
  agr_parse ps = {0};
  for (int rep = 0; rep < 4; rep++) {
    fill(&b, &r, NB);
    check_ranges(&b, NB);
    for (int e = 0; e < NB; e++) {
      if (!agreement_example_ok(&b, e, &ps)) report_bad(&b, e, "filler", &bad);
      if (ps.att >= 0 && ps.att <= 4) att_seen[ps.att]++;
      if (b.meta[e].distance > maxdist) maxdist = b.meta[e].distance;
    }
  }
  CHECKF(bad == 0, "%d bad filler agreement examples", bad);
  CHECK(ps.adj3 > 0 && ps.adv3 > 0 && att_seen[0] > 0 && att_seen[4] > 0);
  CHECKF(maxdist >= 20, "longest subject-verb distance %d", maxdist);
  drop(&b);
  drop(&b0);
  /* out of range */
  rl_error e = {{0}};
  rl_task *bt = NULL;
  o.filler = 9;
  CHECK(rl_task_create(&o, &bt, &e) == -1 && strstr(e.msg, "filler"));
}

/* the mixed option: every intervening noun singular or plural at random. With 3 intervening nouns
 * every attractor count 0..3 occurs (so the noun nearest the verb both agrees and disagrees), and
 * every number of intervening nouns 0..3; the verb still agrees with the subject; the vocabulary
 * and T are those of the default grammar. */
static void test_agreement_mixed(void) {
  rl_task_opts o = rl_task_default(RL_TASK_AGREEMENT);
  o.max_attractors = 3;
  batch b0, b;
  if (make(&o, &b0, NB)) return;
  o.mixed = 1;
  if (make(&o, &b, NB)) {
    drop(&b0);
    return;
  }
  CHECK(b.V == b0.V && b.T == b0.T);
  rl_rng r;
  rl_rng_seed(&r, 12);
  int bad = 0, seen3[4] = {0}, nouns_seen[4] = {0};
  agr_parse ps = {0};
  for (int rep = 0; rep < 4; rep++) {
    fill(&b, &r, NB);
    check_ranges(&b, NB);
    for (int e = 0; e < NB; e++) {
      if (!agreement_example_ok(&b, e, &ps)) report_bad(&b, e, "mixed", &bad);
      if (ps.nouns >= 0 && ps.nouns <= 3) nouns_seen[ps.nouns]++;
      if (ps.nouns == 3 && ps.att >= 0 && ps.att <= 3) seen3[ps.att]++;
    }
  }
  CHECKF(bad == 0, "%d bad mixed agreement examples", bad);
  for (int k = 0; k <= 3; k++) CHECKF(seen3[k] > 0 && nouns_seen[k] > 0, "k %d: %d with 3 nouns, %d with k nouns", k, seen3[k], nouns_seen[k]);
  /* a fixed attractor count contradicts random numbers; 2 is no flag value */
  rl_error e = {{0}};
  rl_task *bt = NULL;
  o.attractors = 1;
  CHECK(rl_task_create(&o, &bt, &e) == -1 && strstr(e.msg, "mixed"));
  o.attractors = -1;
  o.mixed = 2;
  CHECK(rl_task_create(&o, &bt, &e) == -1 && strstr(e.msg, "mixed"));
  drop(&b);
  drop(&b0);
}

static void test_order(void) {
  rl_task_opts o = rl_task_default(RL_TASK_ORDER);
  batch b;
  if (make(&o, &b, NB)) return;
  CHECK(b.T == 100 && b.C == 4 && b.per == 1 && rl_task_head(b.t) == RL_HEAD_FINAL);
  CHECK(b.V == 8);
  rl_rng r;
  rl_rng_seed(&r, 9);
  fill(&b, &r, NB);
  check_ranges(&b, NB);
  int ok = 1, cls_seen[4] = {0};
  for (int e = 0; e < NB; e++) {
    const int *tok = b.tok + e * b.T;
    int pos[3], sym[3], n = 0;
    for (int t = 0; t < b.T; t++)
      if (is(&b, tok[t], "X") || is(&b, tok[t], "Y")) {
        if (n < 3) { pos[n] = t; sym[n] = is(&b, tok[t], "Y"); }
        n++;
      }
    ok &= n == 2;
    if (n != 2) continue;
    /* Hochreiter & Schmidhuber 6a at T = 100: t1 in [10, 20], t2 in [50, 60] */
    ok &= pos[0] >= 10 && pos[0] <= 20 && pos[1] >= 50 && pos[1] <= 60;
    ok &= is(&b, tok[0], "B") && is(&b, tok[b.T - 1], "E");
    int want = 2 * sym[0] + sym[1];
    ok &= b.tgt[e] == want && b.meta[e].cls == want;
    cls_seen[want] = 1;
    ok &= !strcmp(rl_task_class_name(b.t, want), (const char *[]){"XX", "XY", "YX", "YY"}[want]);
  }
  CHECK(ok);
  CHECK(cls_seen[0] && cls_seen[1] && cls_seen[2] && cls_seen[3]);
  rl_error e = {{0}};
  CHECK(rl_task_set_length(b.t, 8, &e) == 0 && rl_task_seq_len(b.t) == 8);
  fill(&b, &r, 8);
  CHECK(is(&b, b.tok[0], "B") && is(&b, b.tok[7], "E"));
  CHECK(rl_task_set_length(b.t, 7, &e) == -1 && strstr(e.msg, "order length"));
  drop(&b);
}

/* The test's own lexicon: polarity of a clause = its adjective, flipped by "not". */
static int lex_polarity(const char *w) {
  const char *neg[] = {"boring", "bad", "awful", "dull", "terrible", "slow"};
  const char *pos[] = {"exciting", "good", "wonderful", "funny", "great", "brilliant"};
  const char *neu[] = {"long", "short", "new", "old", "loud", "quiet"};
  for (int i = 0; i < 6; i++) {
    if (!strcmp(w, neg[i])) return 0;
    if (!strcmp(w, pos[i])) return 1;
    if (!strcmp(w, neu[i])) return 2;
  }
  return -1;
}

static void check_sentiment(int per_token, int classes) {
  rl_task_opts o = rl_task_default(RL_TASK_SENTIMENT);
  o.per_token = per_token;
  o.classes = classes;
  batch b;
  if (make(&o, &b, NB)) return;
  CHECK(b.C == classes);
  CHECK(rl_task_head(b.t) == (per_token ? RL_HEAD_STEP : RL_HEAD_FINAL));
  rl_rng r;
  rl_rng_seed(&r, 11 + per_token);
  fill(&b, &r, NB);
  check_ranges(&b, NB);
  int bad = 0, but_seen = 0, not_seen = 0, terribly_pos = 0, terribly_neg = 0, lab_seen[3] = {0};
  for (int e = 0; e < NB; e++) {
    const int *tok = b.tok + e * b.T;
    int start = b.T - b.meta[e].length, ok = 1;
    int clause_pol[2] = {-1, -1}, clause = 0, negated = 0, clause_of[32];
    for (int t = start; t < b.T; t++) {
      const char *w = S(&b, tok[t]);
      if (!strcmp(w, "but")) { clause = 1; negated = 0; but_seen = 1; }
      clause_of[t] = clause;
      if (!strcmp(w, "not")) { negated = 1; not_seen = 1; }
      int p = lex_polarity(w);
      if (p >= 0) clause_pol[clause] = (p < 2 && negated) ? 1 - p : p;
    }
    for (int t = start; t + 1 < b.T; t++)
      if (!strcmp(S(&b, tok[t]), "terribly")) {
        int p = clause_pol[clause_of[t]];
        terribly_pos += p == 1;
        terribly_neg += p == 0;
      }
    ok &= clause_pol[0] >= 0 && clause_pol[0] < classes;
    if (clause == 1) ok &= clause_pol[1] >= 0 && clause_pol[0] + clause_pol[1] == 1; /* opposite */
    int label = clause_pol[clause];
    ok &= b.meta[e].cls == label;
    if (label >= 0 && label < 3) lab_seen[label] = 1;
    const char *last = S(&b, tok[b.T - 1]);
    ok &= !strcmp(last, "!") || !strcmp(last, ".");
    if (per_token) {
      const int *tgt = b.tgt + e * b.T;
      for (int t = 0; t < start; t++) ok &= tgt[t] == -1;
      for (int t = start; t < b.T; t++) ok &= tgt[t] == clause_pol[clause_of[t]];
    } else {
      ok &= b.tgt[e] == label;
    }
    if (!ok && bad++ < 3) {
      char buf[512];
      rl_task_describe(b.t, tok, b.tgt + e * b.per, buf, sizeof buf);
      fprintf(stderr, "bad sentiment example: %s\n", buf);
    }
  }
  CHECKF(bad == 0, "%d bad sentiment examples (per_token %d)", bad, per_token);
  CHECK(but_seen && not_seen);
  /* "terribly" occurs in positive and in negative clauses: only what follows decides */
  CHECK(terribly_pos > 0 && terribly_neg > 0);
  CHECK(lab_seen[0] && lab_seen[1] && (classes == 2 ? !lab_seen[2] : lab_seen[2]));
  drop(&b);
}

/* ---- scoring ---- */
typedef struct {
  int C;
  const float *rows; /* [B][per][C] */
  int per;
} fake_probs;

static const float *fake(void *ctx, int b, int t) {
  fake_probs *f = ctx;
  return f->rows + ((size_t)b * f->per + t) * f->C;
}

static void test_score(void) {
  /* recall: one-hot on the target everywhere -> 100%; mass on another token -> 0% */
  rl_task_opts o = rl_task_default(RL_TASK_RECALL);
  o.length = 3;
  batch b;
  if (make(&o, &b, 8)) return;
  rl_rng r;
  rl_rng_seed(&r, 3);
  fill(&b, &r, 8);
  float *rows = calloc((size_t)8 * b.T * b.C, sizeof(float));
  fake_probs f = {b.C, rows, b.T};
  for (int e = 0; e < 8; e++)
    for (int t = 0; t < b.T; t++) {
      int y = b.tgt[e * b.T + t];
      rows[((size_t)e * b.T + t) * b.C + (y >= 0 ? y : 0)] = 1.0f;
    }
  int64_t c = 0, n = 0;
  int exc[8], ext[8];
  rl_error e = {{0}};
  CHECK(rl_task_score(b.t, 8, b.tgt, b.meta, fake, &f, &c, &n, exc, ext, &e) == 0);
  CHECK(c == 8 && n == 8 && exc[0] == 1 && ext[0] == 1);
  for (int k = 0; k < 8; k++) { /* move the query row's mass to "q" */
    float *p = rows + ((size_t)k * b.T + b.T - 1) * b.C;
    memset(p, 0, sizeof(float) * b.C);
    p[b.tok[k * b.T + b.T - 1]] = 1.0f;
  }
  c = n = 0;
  CHECK(rl_task_score(b.t, 8, b.tgt, b.meta, fake, &f, &c, &n, NULL, NULL, &e) == 0);
  CHECK(c == 0 && n == 8);
  free(rows);
  drop(&b);

  /* agreement: correct when p(verb) > p(foil), even if some third token has more mass */
  o = rl_task_default(RL_TASK_AGREEMENT);
  if (make(&o, &b, 4)) return;
  fill(&b, &r, 4);
  rows = calloc((size_t)4 * b.T * b.C, sizeof(float));
  f = (fake_probs){b.C, rows, b.T};
  for (int k = 0; k < 4; k++) {
    float *p = rows + ((size_t)k * b.T + b.T - 1) * b.C;
    p[0] = 0.5f; /* the pad token: argmax, but irrelevant */
    p[b.meta[k].target] = k < 3 ? 0.3f : 0.2f;
    p[b.meta[k].foil] = k < 3 ? 0.2f : 0.3f;
  }
  c = n = 0;
  CHECK(rl_task_score(b.t, 4, b.tgt, b.meta, fake, &f, &c, &n, exc, ext, &e) == 0);
  CHECK(c == 3 && n == 4 && exc[3] == 0 && exc[0] == 1);
  CHECK(rl_task_score(b.t, 4, b.tgt, NULL, fake, &f, &c, &n, NULL, NULL, &e) == -1);
  free(rows);
  drop(&b);

  /* order (FINAL): one row per example */
  o = rl_task_default(RL_TASK_ORDER);
  o.length = 20;
  if (make(&o, &b, 4)) return;
  fill(&b, &r, 4);
  float prow[4][4] = {{0}};
  for (int k = 0; k < 4; k++) prow[k][k == 0 ? (b.tgt[0] + 1) % 4 : b.tgt[k]] = 0.9f;
  f = (fake_probs){4, &prow[0][0], 1};
  c = n = 0;
  CHECK(rl_task_score(b.t, 4, b.tgt, b.meta, fake, &f, &c, &n, exc, ext, &e) == 0);
  CHECK(c == 3 && n == 4 && exc[0] == 0 && ext[0] == 1);
  drop(&b);
}

static void test_describe(void) {
  rl_task_opts o = rl_task_default(RL_TASK_RECALL);
  o.length = 2;
  batch b;
  if (make(&o, &b, 1)) return;
  /* ids: k0..k7 = 0..7, q = 8, · = 9 */
  int row[4] = {3, 9, 9, 8}, tgt[4] = {-1, -1, -1, 3};
  char buf[128];
  int n = rl_task_describe(b.t, row, tgt, buf, sizeof buf);
  CHECKF(!strcmp(buf, "k3 \xC2\xB7 \xC2\xB7 q [k3]"), "'%s'", buf);
  CHECK(n == (int)strlen(buf));
  char small[6];
  CHECK(rl_task_describe(b.t, row, tgt, small, sizeof small) == n && !strcmp(small, "k3 \xC2\xB7"));
  CHECK(rl_task_describe(b.t, row, tgt, small, 5) == n && !strcmp(small, "k3 ")); /* "·" not cut */
  CHECK(rl_task_describe(b.t, row, NULL, buf, sizeof buf) > 0 && !strcmp(buf, "k3 \xC2\xB7 \xC2\xB7 q"));
  drop(&b);

  o = rl_task_default(RL_TASK_ORDER);
  o.length = 8;
  if (make(&o, &b, 1)) return;
  int orow[8] = {0, 4, 2, 5, 6, 3, 7, 1}, ocls = 1; /* B a X b c Y d E */
  rl_task_describe(b.t, orow, &ocls, buf, sizeof buf);
  CHECKF(!strcmp(buf, "B a X b c Y d E => XY"), "'%s'", buf);
  drop(&b);
}

/* ---- lm ---- */
static void test_lm_builtin(void) {
  rl_task_opts o = rl_task_default(RL_TASK_LM);
  o.length = 16;
  batch a, b;
  if (make(&o, &a, 8) || make(&o, &b, 8)) return;
  CHECK(rl_task_head(a.t) == RL_HEAD_STEP && a.C == a.V && a.T == 16);
  CHECK(rl_task_vocab_level(a.t) == RL_VOCAB_WORD);
  int64_t ntr = rl_task_split_tokens(a.t, RL_SPLIT_TRAIN), nev = rl_task_split_tokens(a.t, RL_SPLIT_EVAL);
  CHECK(ntr > 100000 && nev > 0);
  CHECK(test_close((double)nev / (double)(ntr + nev), 0.1, 0, 1e-4)); /* floor(n * 0.1) */
  rl_error e = {{0}};
  /* the stream: targets are the next tokens; chunks continue each other */
  int *prev_tgt = malloc(sizeof(int) * 8 * 16);
  CHECK(rl_task_batch(a.t, NULL, 8, a.tok, a.tgt, a.meta, &e) == 0);
  check_ranges(&a, 8);
  int ok = a.meta[0].stream_start == 1 && a.meta[7].stream_start == 1;
  for (int k = 0; k < 8; k++)
    for (int t = 0; t + 1 < 16; t++) ok &= a.tgt[k * 16 + t] == a.tok[k * 16 + t + 1];
  memcpy(prev_tgt, a.tgt, sizeof(int) * 8 * 16);
  CHECK(rl_task_batch(a.t, NULL, 8, a.tok, a.tgt, a.meta, &e) == 0);
  ok &= a.meta[0].stream_start == 0;
  for (int k = 0; k < 8; k++) ok &= a.tok[k * 16] == prev_tgt[k * 16 + 15];
  CHECK(ok);
  /* the same seed gives the same text; another seed another text */
  CHECK(rl_task_batch(b.t, NULL, 8, b.tok, b.tgt, b.meta, &e) == 0);
  CHECK(memcmp(b.tgt, prev_tgt, sizeof(int) * 8 * 16) == 0);
  rl_task_opts o2 = o;
  o2.seed = 2;
  batch c;
  if (make(&o2, &c, 8) == 0) {
    CHECK(rl_task_batch(c.t, NULL, 8, c.tok, c.tgt, NULL, &e) == 0);
    CHECK(memcmp(c.tgt, prev_tgt, sizeof(int) * 8 * 16) != 0);
    drop(&c);
  }
  /* the sentences read as English and "students opened their" is in the vocabulary */
  char buf[1024];
  rl_task_describe(a.t, a.tok, a.tgt, buf, sizeof buf);
  CHECKF(strstr(buf, " the ") != NULL, "'%s'", buf);
  int has_st = 0, has_their = 0;
  for (int i = 0; i < a.V; i++) {
    has_st |= !strcmp(rl_task_token(a.t, i), "students");
    has_their |= !strcmp(rl_task_token(a.t, i), "their");
  }
  CHECK(has_st && has_their);

  /* checkpoint: save the stream position, draw, restore, draw again -> identical */
  rl_task_state st;
  rl_task_get_state(a.t, &st);
  CHECK(rl_task_batch(a.t, NULL, 8, a.tok, a.tgt, NULL, &e) == 0);
  memcpy(prev_tgt, a.tgt, sizeof(int) * 8 * 16);
  CHECK(rl_task_set_state(b.t, &st, &e) == 0); /* a different task object, same text */
  CHECK(rl_task_batch(b.t, NULL, 8, b.tok, b.tgt, NULL, &e) == 0);
  CHECK(memcmp(b.tgt, prev_tgt, sizeof(int) * 8 * 16) == 0);
  rl_task_state badst = st;
  badst.cursor[0] = -5;
  CHECK(rl_task_set_state(b.t, &badst, &e) == -1 && strstr(e.msg, "position"));

  /* an epoch: after chunks_per_epoch chunks the streams start over */
  int64_t cpe = rl_task_chunks_per_epoch(a.t, RL_SPLIT_EVAL, 8);
  CHECK(cpe == (nev / 8 - 1) / 16);
  int first[8], wrapped = 1, starts = 0;
  for (int64_t k = 0; k < cpe; k++) {
    CHECK(rl_task_batch_split(a.t, RL_SPLIT_EVAL, NULL, 8, a.tok, a.tgt, a.meta, &e) == 0);
    starts += a.meta[0].stream_start;
    if (k == 0)
      for (int i = 0; i < 8; i++) first[i] = a.tok[i * 16];
  }
  CHECK(starts == 1);
  CHECK(rl_task_batch_split(a.t, RL_SPLIT_EVAL, NULL, 8, a.tok, a.tgt, a.meta, &e) == 0);
  for (int i = 0; i < 8; i++) wrapped &= a.tok[i * 16] == first[i];
  CHECK(wrapped && a.meta[0].stream_start == 1);
  rl_task_get_state(a.t, &st);
  CHECK(st.epoch[RL_SPLIT_EVAL] == 1);
  /* rewinding restarts the held-out stream */
  rl_task_rewind(a.t, RL_SPLIT_EVAL);
  CHECK(rl_task_batch_split(a.t, RL_SPLIT_EVAL, NULL, 8, a.tok, a.tgt, a.meta, &e) == 0);
  CHECK(a.tok[0] == first[0] && a.meta[0].stream_start == 1);
  /* a batch too wide for the held-out split is an error that says so (and writes nothing) */
  int *wt = malloc(sizeof(int) * 1000 * 16), *wg = malloc(sizeof(int) * 1000 * 16);
  CHECK(rl_task_batch_split(a.t, RL_SPLIT_EVAL, NULL, 1000, wt, wg, NULL, &e) == -1);
  CHECKF(strstr(e.msg, "held-out") && strstr(e.msg, "too few"), "%s", e.msg);
  free(wt);
  free(wg);
  free(prev_tgt);
  drop(&a);
  drop(&b);
}

static void test_lm_file(void) {
  rl_task_opts o = rl_task_default(RL_TASK_LM);
  o.data_path = fixture_path("corpus/small.txt"); /* the cat sat on the mat the dog sat (9 words) */
  o.length = 2;
  o.holdout = 0.0f;
  batch b;
  if (make(&o, &b, 2)) return;
  CHECK(b.V == 7 && strcmp(rl_task_token(b.t, 1), "the") == 0);
  CHECK(rl_task_options(b.t)->data_path != o.data_path); /* the task keeps its own copy */
  rl_error e = {{0}};
  /* 2 streams of 4 tokens ("the cat sat on" | "the mat the dog"), chunks of 2 */
  CHECK(rl_task_batch(b.t, NULL, 2, b.tok, b.tgt, b.meta, &e) == 0);
  char buf[128];
  rl_task_describe(b.t, b.tok, b.tgt, buf, sizeof buf);
  CHECKF(!strcmp(buf, "the cat"), "'%s'", buf);
  CHECK(is(&b, b.tgt[1], "sat") && is(&b, b.tok[2], "the") && is(&b, b.tok[3], "mat") && is(&b, b.tgt[3], "the"));
  CHECK(rl_task_chunks_per_epoch(b.t, RL_SPLIT_TRAIN, 2) == 1);
  CHECK(rl_task_batch(b.t, NULL, 2, b.tok, b.tgt, b.meta, &e) == 0 && b.meta[0].stream_start == 1);
  /* the held-out split is empty */
  CHECK(rl_task_batch_split(b.t, RL_SPLIT_EVAL, NULL, 2, b.tok, b.tgt, NULL, &e) == -1);
  CHECKF(strstr(e.msg, "held-out") && strstr(e.msg, "small.txt"), "%s", e.msg);
  /* too many streams for a 9-token text */
  int *tk = malloc(sizeof(int) * 8 * 2), *tg = malloc(sizeof(int) * 8 * 2);
  CHECK(rl_task_batch(b.t, NULL, 8, tk, tg, NULL, &e) == -1 && strstr(e.msg, "too few"));
  free(tk);
  free(tg);
  drop(&b);

  /* a bad file fails at creation with the corpus message */
  rl_task *t = NULL;
  o.data_path = fixture_path("corpus/binary.bin");
  CHECK(rl_task_create(&o, &t, &e) == -1 && t == NULL && strstr(e.msg, "binary"));

  /* char level */
  o.data_path = fixture_path("corpus/small.txt");
  o.level = RL_VOCAB_CHAR;
  o.length = 5;
  if (make(&o, &b, 1)) return;
  CHECK(rl_task_vocab_level(b.t) == RL_VOCAB_CHAR);
  CHECK(rl_task_batch(b.t, NULL, 1, b.tok, b.tgt, NULL, &e) == 0);
  rl_task_describe(b.t, b.tok, b.tgt, buf, sizeof buf);
  CHECKF(!strcmp(buf, "the c"), "'%s'", buf);
  drop(&b);
}

static void test_names(void) {
  for (int k = 0; k < RL_TASK_NKINDS; k++) {
    rl_task_kind back;
    CHECK(rl_task_kind_parse(rl_task_kind_name((rl_task_kind)k), &back) == 0 && back == (rl_task_kind)k);
  }
  rl_task_kind x;
  CHECK(rl_task_kind_parse("copy", &x) == -1);
  rl_task_opts o = rl_task_default(RL_TASK_SENTIMENT);
  o.classes = 4;
  rl_task *t = NULL;
  rl_error e = {{0}};
  CHECK(rl_task_create(&o, &t, &e) == -1 && strstr(e.msg, "classes"));
  o = rl_task_default(RL_TASK_AGREEMENT);
  CHECK(rl_task_create(&o, &t, &e) == 0);
  CHECK(rl_task_set_length(t, 5, &e) == -1 && strstr(e.msg, "agreement"));
  int tok[1], tgt[1];
  rl_rng r;
  rl_rng_seed(&r, 1);
  CHECK(rl_task_batch(t, &r, 0, tok, tgt, NULL, &e) == -1 && strstr(e.msg, "batch"));
  CHECK(rl_task_batch(t, NULL, 1, tok, tgt, NULL, &e) == -1);
  rl_task_free(t);
}

int main(void) {
  for (int k = 0; k < 4; k++) {
    rl_task_opts o = rl_task_default((rl_task_kind)k);
    check_determinism(&o);
  }
  rl_task_opts st = rl_task_default(RL_TASK_SENTIMENT);
  st.per_token = 1;
  check_determinism(&st);
  test_recall();
  test_agreement();
  test_agreement_filler();
  test_agreement_mixed();
  test_order();
  check_sentiment(0, 2);
  check_sentiment(1, 2);
  check_sentiment(0, 3);
  check_sentiment(1, 3);
  test_score();
  test_describe();
  test_lm_builtin();
  test_lm_file();
  test_names();
  return test_summary("test_tasks");
}
