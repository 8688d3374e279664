/* libFuzzer target: text files for the language-model task (rl_corpus_from_text).
 * The first byte chooses the options: bit 0 the level (char / word), bits 1-3 a read size of 1-8
 * bytes, so that chunk edges split characters, words and the byte-order mark; bits 4-5 the vocabulary
 * cap (2, 5, 50, 10000); bits 6-7 max_tokens (8, 100, 1000, default). The rest is the text.
 * Invariants beyond "no crash" (ASan + UBSan):
 *   - the tiny read size gives exactly what 64 KiB reads give: the same error, or the same vocabulary,
 *     ids, counts and hash;
 *   - the vocabulary holds distinct, non-empty, valid UTF-8 tokens of at most 255 bytes ("<unk>" once,
 *     at id 0 for words); at char level every other token is one character;
 *   - ids lie in [0, V), n <= max_tokens, ntrain <= n, and unk_count matches the ids;
 *   - errors name the file. */
#include "corpus.h"
#include "fuzz_common.h"

static const char *NAME = "fuzz.txt";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  unsigned o = data[0];
  rl_corpus_opts opts = rl_corpus_default_opts();
  opts.level = o & 1 ? RL_VOCAB_CHAR : RL_VOCAB_WORD;
  opts.chunk = 1 + (int)((o >> 1) & 7);
  static const int caps[4] = {2, 5, 50, 10000};
  static const int64_t maxtok[4] = {8, 100, 1000, 0};
  opts.max_vocab = caps[(o >> 4) & 3];
  opts.max_tokens = maxtok[(o >> 6) & 3];
  const char *text = (const char *)data + 1;
  size_t len = size - 1;

  rl_corpus *c = NULL, *d = NULL;
  rl_error e1 = {{0}}, e2 = {{0}};
  int r1 = rl_corpus_from_text(text, len, NAME, &opts, &c, &e1);
  opts.chunk = 0;
  int r2 = rl_corpus_from_text(text, len, NAME, &opts, &d, &e2);
  REQUIRE(r1 == r2 && !strcmp(e1.msg, e2.msg), "small reads: %d '%s'; 64 KiB reads: %d '%s'", r1, e1.msg, r2, e2.msg);
  if (r1 != 0) {
    REQUIRE(strstr(e1.msg, NAME) != NULL, "the message does not name the file: %s", e1.msg);
    return 0;
  }
  REQUIRE(c->vocab == d->vocab && c->n == d->n && c->ntrain == d->ntrain && c->unk == d->unk &&
              c->unk_count == d->unk_count && c->truncated == d->truncated && c->bytes_read == d->bytes_read &&
              c->hash == d->hash,
          "small and large reads disagree (V %d/%d, n %lld/%lld)", c->vocab, d->vocab, (long long)c->n,
          (long long)d->n);
  for (int i = 0; i < c->vocab; i++) REQUIRE(!strcmp(c->tokens[i], d->tokens[i]), "token %d differs", i);
  REQUIRE(!memcmp(c->ids, d->ids, (size_t)c->n * sizeof *c->ids), "ids differ");

  fuzz_check_tokens(c->tokens, c->vocab);
  int limit = opts.max_tokens ? (int)opts.max_tokens : 1 << 24;
  REQUIRE(c->n >= 1 && c->n <= limit && c->ntrain <= c->n && c->ntrain >= 0, "n %lld, ntrain %lld",
          (long long)c->n, (long long)c->ntrain);
  REQUIRE(c->vocab <= opts.max_vocab + 1, "vocabulary %d over the cap %d + <unk>", c->vocab, opts.max_vocab);
  if (opts.level == RL_VOCAB_WORD) REQUIRE(c->unk == 0 && !strcmp(c->tokens[0], "<unk>"), "word level: <unk> first");
  for (int i = 0; i < c->vocab; i++)
    if (opts.level == RL_VOCAB_CHAR && i != c->unk)
      REQUIRE(fuzz_utf8_len((const unsigned char *)c->tokens[i]) == strlen(c->tokens[i]), "char token %d: '%s'", i,
              c->tokens[i]);
  int64_t unk = 0;
  for (int64_t k = 0; k < c->n; k++) {
    REQUIRE(c->ids[k] >= 0 && c->ids[k] < c->vocab, "id %d at %lld", c->ids[k], (long long)k);
    unk += c->ids[k] == c->unk;
  }
  REQUIRE(unk == c->unk_count, "%lld <unk> ids, unk_count %lld", (long long)unk, (long long)c->unk_count);
  rl_corpus_free(c);
  rl_corpus_free(d);
  return 0;
}
