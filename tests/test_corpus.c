/* corpus: vocabulary and ids of a known file, every kind of bad input, chunk boundaries, and a
 * 50 MB file streamed with bounded memory. */
#define _POSIX_C_SOURCE 200809L
#include "corpus.h"
#include "testutil.h"
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static long peak_rss_kb(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss; /* kilobytes on Linux */
}

static int has(const char *msg, const char *needle) { return strstr(msg, needle) != NULL; }

static void test_small_word(void) {
  rl_corpus_opts o = rl_corpus_default_opts();
  rl_corpus *c = NULL;
  rl_error e = {{0}};
  /* "the cat sat on the mat\nthe dog sat\n": the 3, sat 2, then cat dog mat on (1 each, byte order) */
  CHECKF(rl_corpus_load(fixture_path("corpus/small.txt"), &o, &c, &e) == 0, "%s", e.msg);
  if (!c) return;
  const char *want_vocab[] = {"<unk>", "the", "sat", "cat", "dog", "mat", "on"};
  CHECK(c->vocab == 7);
  CHECK(c->unk == 0);
  for (int i = 0; i < 7 && i < c->vocab; i++) CHECKF(strcmp(c->tokens[i], want_vocab[i]) == 0, "token %d = %s", i, c->tokens[i]);
  const int want_ids[] = {1, 3, 2, 6, 1, 5, 1, 4, 2};
  CHECK(c->n == 9);
  for (int i = 0; i < 9 && i < c->n; i++) CHECKF(c->ids[i] == want_ids[i], "id %d = %d", i, c->ids[i]);
  CHECK(c->ntrain == 9); /* floor(9 * 0.1) = 0 held out */
  CHECK(c->unk_count == 0);
  CHECK(c->truncated == 0);
  CHECK(c->level == RL_VOCAB_WORD);
  CHECK(rl_corpus_find(c, "mat") == 5);
  CHECK(rl_corpus_find(c, "zebra") == -1);
  rl_corpus_free(c);

  /* capped vocabulary: the 3 most frequent words, the rest become <unk> */
  o.max_vocab = 3;
  o.holdout = 0.34f; /* floor(9 * 0.34) = 3 held out */
  CHECKF(rl_corpus_load(fixture_path("corpus/small.txt"), &o, &c, &e) == 0, "%s", e.msg);
  if (!c) return;
  CHECK(c->vocab == 4);
  const int want_capped[] = {1, 3, 2, 0, 1, 0, 1, 0, 2};
  for (int i = 0; i < 9 && i < c->n; i++) CHECKF(c->ids[i] == want_capped[i], "capped id %d = %d", i, c->ids[i]);
  CHECK(c->unk_count == 3);
  CHECK(c->ntrain == 6);
  rl_corpus_free(c);

  /* max_tokens: only the first 4 words are read */
  o = rl_corpus_default_opts();
  o.max_tokens = 4;
  CHECKF(rl_corpus_load(fixture_path("corpus/small.txt"), &o, &c, &e) == 0, "%s", e.msg);
  if (!c) return;
  CHECK(c->n == 4);
  CHECK(c->truncated == 1);
  CHECK(c->vocab == 5); /* <unk> the cat on sat */
  rl_corpus_free(c);
}

static void test_char_level(void) {
  rl_corpus_opts o = rl_corpus_default_opts();
  o.level = RL_VOCAB_CHAR;
  rl_corpus *c = NULL;
  rl_error e = {{0}};
  /* BOM + "naïve café naïve\r\n": BOM and CR dropped; code points sorted; no <unk> needed */
  CHECKF(rl_corpus_load(fixture_path("corpus/bom_crlf.txt"), &o, &c, &e) == 0, "%s", e.msg);
  if (!c) return;
  const char *want[] = {"\n", " ", "a", "c", "e", "f", "n", "v", "\xC3\xA9", "\xC3\xAF"};
  CHECK(c->vocab == 10);
  CHECK(c->unk == -1);
  for (int i = 0; i < 10 && i < c->vocab; i++) CHECKF(strcmp(c->tokens[i], want[i]) == 0, "char token %d = '%s'", i, c->tokens[i]);
  CHECK(c->n == 17); /* naïve(5) sp café(4) sp naïve(5) \n */
  if (c->n == 17) {
    const int want_ids[] = {6, 2, 9, 7, 4, 1, 3, 2, 5, 8, 1, 6, 2, 9, 7, 4, 0};
    for (int i = 0; i < 17; i++) CHECKF(c->ids[i] == want_ids[i], "char id %d = %d", i, c->ids[i]);
  }
  rl_corpus_free(c);

  /* word level of the same file: the BOM is not part of the first word, CR is whitespace */
  o.level = RL_VOCAB_WORD;
  CHECKF(rl_corpus_load(fixture_path("corpus/bom_crlf.txt"), &o, &c, &e) == 0, "%s", e.msg);
  if (!c) return;
  CHECK(c->vocab == 3);
  CHECK(rl_corpus_find(c, "na\xC3\xAFve") == 1);
  CHECK(rl_corpus_find(c, "caf\xC3\xA9") == 2);
  rl_corpus_free(c);

  /* char level with a capped vocabulary: "<unk>" comes last */
  o.level = RL_VOCAB_CHAR;
  o.max_vocab = 2;
  CHECKF(rl_corpus_from_text("aaabbc", 6, "mem", &o, &c, &e) == 0, "%s", e.msg);
  if (!c) return;
  CHECK(c->vocab == 3 && c->unk == 2);
  CHECK(c->n == 6 && c->ids[5] == 2 && c->ids[3] == 1 && c->unk_count == 1);
  rl_corpus_free(c);
}

static void test_bad_inputs(void) {
  rl_corpus_opts o = rl_corpus_default_opts();
  rl_corpus *c = NULL;
  rl_error e = {{0}};
  const char *p = fixture_path("corpus/invalid_utf8.txt");
  CHECK(rl_corpus_load(p, &o, &c, &e) == -1 && c == NULL);
  /* "line one\nline two\nbad \xff": 0xFF at byte offset 22 on line 3 */
  CHECKF(has(e.msg, "invalid_utf8.txt") && has(e.msg, "byte offset 22") && has(e.msg, "line 3") &&
         has(e.msg, "UTF-8") && has(e.msg, "0xFF"), "%s", e.msg);

  p = fixture_path("corpus/binary.bin");
  CHECK(rl_corpus_load(p, &o, &c, &e) == -1 && c == NULL);
  CHECKF(has(e.msg, "binary.bin") && has(e.msg, "binary") && has(e.msg, "byte offset 3"), "%s", e.msg);

  p = fixture_path("corpus/empty.txt");
  CHECK(rl_corpus_load(p, &o, &c, &e) == -1 && c == NULL);
  CHECKF(has(e.msg, "empty.txt") && has(e.msg, "is empty"), "%s", e.msg);

  p = fixture_path("corpus/does-not-exist.txt");
  CHECK(rl_corpus_load(p, &o, &c, &e) == -1 && c == NULL);
  CHECKF(has(e.msg, "cannot open") && has(e.msg, "does-not-exist.txt"), "%s", e.msg);

  CHECK(rl_corpus_load(fixture_path("corpus"), &o, &c, &e) == -1 && c == NULL); /* a directory */
  CHECKF(has(e.msg, "corpus"), "%s", e.msg);

  CHECK(rl_corpus_from_text(" \n\t ", 4, "blank", &o, &c, &e) == -1);
  CHECKF(has(e.msg, "blank") && has(e.msg, "no words"), "%s", e.msg);

  /* malformed sequences, each with the offset of the sequence's first byte */
  struct {
    const char *text;
    const char *where;
  } bad[] = {
      {"ab\xC0\xAF", "byte offset 2 (line 1)"},       /* overlong '/' (invalid lead byte) */
      {"abc\xE0\x80\xAF", "byte offset 3 (line 1)"},  /* overlong '/' in three bytes */
      {"a\nb\xED\xA0\x80", "byte offset 3 (line 2)"}, /* UTF-16 surrogate */
      {"\xF4\x90\x80\x80", "byte offset 0"},          /* above U+10FFFF */
      {"x\xE2\x82", "byte offset 1"},                 /* truncated at the end */
      {"x\xE2\x82y", "byte offset 1"},                /* continuation missing */
      {"\x80", "byte offset 0"},                      /* stray continuation byte */
  };
  for (int i = 0; i < (int)(sizeof bad / sizeof bad[0]); i++) {
    e.msg[0] = 0;
    CHECK(rl_corpus_from_text(bad[i].text, strlen(bad[i].text), "mem.txt", &o, &c, &e) == -1);
    CHECKF(has(e.msg, "UTF-8") && has(e.msg, bad[i].where) && has(e.msg, "mem.txt"), "case %d: %s", i, e.msg);
  }

  /* options */
  o.max_vocab = 0;
  CHECK(rl_corpus_from_text("a b", 3, "m", &o, &c, &e) == -1 && has(e.msg, "vocabulary"));
  o = rl_corpus_default_opts();
  o.holdout = 0.9f;
  CHECK(rl_corpus_from_text("a b", 3, "m", &o, &c, &e) == -1 && has(e.msg, "held-out"));
}

/* A 2-byte character straddling the 64 KiB read-chunk boundary, and a 300-byte word. */
static void test_chunk_boundary(void) {
  char path[512];
  snprintf(path, sizeof path, "%s/boundary.txt", test_tmpdir());
  FILE *f = fopen(path, "wb");
  CHECK(f != NULL);
  if (!f) return;
  for (int i = 0; i < 65535; i++) fputc(i % 64 == 63 || i == 65534 ? ' ' : 'a', f);
  fputs("\xC3\xA9 ", f); /* bytes 65535 and 65536 */
  for (int i = 0; i < 300; i++) fputc('z', f);
  fputs(" end\n", f);
  fclose(f);
  rl_corpus_opts o = rl_corpus_default_opts();
  o.level = RL_VOCAB_CHAR;
  rl_corpus *c = NULL;
  rl_error e = {{0}};
  CHECKF(rl_corpus_load(path, &o, &c, &e) == 0, "%s", e.msg);
  if (c) {
    int eid = rl_corpus_find(c, "\xC3\xA9");
    CHECK(eid >= 0 && c->n > 65535 && c->ids[65535] == eid);
    rl_corpus_free(c);
  }
  o.level = RL_VOCAB_WORD;
  CHECKF(rl_corpus_load(path, &o, &c, &e) == 0, "%s", e.msg);
  if (c) {
    /* words of "a"s, then é (starting at byte 65535), the 300-byte word, "end" */
    CHECK(c->n >= 4);
    if (c->n >= 3) {
      CHECK(strcmp(c->tokens[c->ids[c->n - 3]], "\xC3\xA9") == 0);
      CHECK(c->ids[c->n - 2] == c->unk); /* longer than RL_CORPUS_MAX_WORD bytes */
      CHECK(strcmp(c->tokens[c->ids[c->n - 1]], "end") == 0);
    }
    rl_corpus_free(c);
  }
}

static void test_builtin(void) {
  size_t n1 = 0, n2 = 0, n3 = 0;
  char *a = rl_corpus_builtin_text(1, 2000, &n1);
  char *b = rl_corpus_builtin_text(1, 2000, &n2);
  char *d = rl_corpus_builtin_text(2, 2000, &n3);
  CHECK(a && b && d);
  if (a && b && d) {
    CHECK(n1 == n2 && memcmp(a, b, n1) == 0);
    CHECK(n1 != n3 || memcmp(a, d, n1) != 0);
    CHECK(strlen(a) == n1);
    int lines = 0;
    for (size_t i = 0; i < n1; i++) lines += a[i] == '\n';
    CHECK(lines == 2000);
    CHECK(strncmp(a, "the ", 4) == 0);
    rl_corpus *c = NULL;
    rl_error e = {{0}};
    rl_corpus_opts o = rl_corpus_default_opts();
    CHECKF(rl_corpus_from_text(a, n1, "built-in", &o, &c, &e) == 0, "%s", e.msg);
    if (c) {
      CHECK(c->vocab > 40 && c->vocab < 100); /* a small grammar */
      CHECK(c->unk_count == 0);
      CHECK(rl_corpus_find(c, "students") > 0 && rl_corpus_find(c, "opened") > 0 &&
            rl_corpus_find(c, "their") > 0 && rl_corpus_find(c, ".") > 0);
      rl_corpus_free(c);
    }
  }
  free(a);
  free(b);
  free(d);
}

/* 50 MB of text: loading keeps at most max_tokens ids (64 MiB by default) and one read buffer. */
static void test_large_file(void) {
  char path[512];
  snprintf(path, sizeof path, "%s/large.txt", test_tmpdir());
  FILE *f = fopen(path, "wb");
  CHECK(f != NULL);
  if (!f) return;
  const size_t total = (size_t)50 << 20;
  char line[64];
  size_t written = 0;
  int64_t words = 0;
  for (unsigned i = 0; written < total; i++) {
    int k = snprintf(line, sizeof line, "w%u w%u x%u\n", i % 1000, (i * 7) % 5000, i % 3);
    fwrite(line, 1, (size_t)k, f);
    written += (size_t)k;
    words += 3;
  }
  fclose(f);
  long rss0 = peak_rss_kb();
  clock_t t0 = clock();

  /* word level, everything fits under the default cap: ~8M ids (32 MiB) */
  rl_corpus_opts o = rl_corpus_default_opts();
  rl_corpus *c = NULL;
  rl_error e = {{0}};
  CHECKF(rl_corpus_load(path, &o, &c, &e) == 0, "%s", e.msg);
  if (c) {
    CHECK(c->n == words && !c->truncated);
    CHECK(c->vocab == 1 + 5000 + 3); /* <unk> + w0..w4999 + x0..x2 */
    CHECK(c->bytes_read == (int64_t)written);
    rl_corpus_free(c);
  }
  long rss1 = peak_rss_kb();
  /* the growth is the ids (4 bytes a word) plus small tables; the file itself is never held */
  CHECKF(rss1 - rss0 < (long)(words * 4 / 1024) + 24 * 1024, "word level peak RSS grew %ld KiB", rss1 - rss0);

  /* char level: 50M characters exceed a 4M-token cap; only the first 4M are read */
  o.level = RL_VOCAB_CHAR;
  o.max_tokens = (int64_t)4 << 20;
  CHECKF(rl_corpus_load(path, &o, &c, &e) == 0, "%s", e.msg);
  if (c) {
    CHECK(c->n == o.max_tokens && c->truncated == 1);
    CHECK(c->bytes_read < (int64_t)written / 10);
    CHECK(c->ntrain == c->n - (int64_t)((double)c->n * 0.1f));
    rl_corpus_free(c);
  }
  long rss2 = peak_rss_kb();
  /* at most its 16 MiB of ids + 8 MiB (peak RSS never falls, so this bounds the second load) */
  CHECKF(rss2 - rss1 < (long)(o.max_tokens * 4 / 1024) + 8 * 1024,
         "char level (capped) raised the peak RSS by %ld KiB", rss2 - rss1);
  double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
  printf("large file: %zu bytes, %lld words, peak RSS +%ld KiB, %.2f s CPU\n", written, (long long)words,
         rss1 - rss0, secs);
  remove(path);
}

/* A text that already contains the word "<unk>" (Penn Treebank, WikiText): it is the unknown token
 * itself, so the vocabulary holds "<unk>" once and the text's "<unk>" gets its id (it used to be
 * a second "<unk>" entry: training used one id, inspect/sample the other). */
static void test_literal_unk(void) {
  const char *text = "the <unk> sat on the <unk> .\n<unk> <unk> the cat\n";
  rl_corpus_opts o = rl_corpus_default_opts();
  rl_corpus *c = NULL;
  rl_error e = {{0}};
  CHECKF(rl_corpus_from_text(text, strlen(text), "ptb.txt", &o, &c, &e) == 0, "%s", e.msg);
  if (!c) return;
  int seen = 0;
  for (int i = 0; i < c->vocab; i++) seen += strcmp(c->tokens[i], "<unk>") == 0;
  CHECKF(seen == 1, "\"<unk>\" is in the vocabulary %d times", seen);
  CHECK(c->unk == 0 && rl_corpus_find(c, "<unk>") == c->unk);
  CHECK(c->vocab == 1 + 5); /* <unk> the sat on . cat */
  const int unk_at[] = {1, 5, 7, 8};
  for (int k = 0; k < 4; k++) CHECKF(c->ids[unk_at[k]] == c->unk, "position %d has id %d", unk_at[k], c->ids[unk_at[k]]);
  CHECK(c->unk_count == 4);
  /* all tokens distinct */
  for (int i = 0; i < c->vocab; i++)
    for (int j = 0; j < i; j++) CHECKF(strcmp(c->tokens[i], c->tokens[j]) != 0, "token '%s' twice", c->tokens[i]);
  rl_corpus_free(c);
  /* with a capped vocabulary "<unk>" is not one of the kept words either */
  o.max_vocab = 2;
  CHECKF(rl_corpus_from_text(text, strlen(text), "ptb.txt", &o, &c, &e) == 0, "%s", e.msg);
  if (!c) return;
  CHECK(c->vocab == 3 && strcmp(c->tokens[0], "<unk>") == 0 && strcmp(c->tokens[1], "the") == 0);
  for (int i = 1; i < c->vocab; i++) CHECK(strcmp(c->tokens[i], "<unk>") != 0);
  rl_corpus_free(c);
}

int main(void) {
  test_small_word();
  test_literal_unk();
  test_char_level();
  test_bad_inputs();
  test_chunk_boundary();
  test_builtin();
  test_large_file();
  return test_summary("test_corpus");
}
