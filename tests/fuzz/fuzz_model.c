/* libFuzzer target: model files (safetensors + rnnlab metadata), from bytes and from a file.
 * Invariants beyond "no crash" (ASan + UBSan):
 *   - reading the bytes as a file (rl_st_read: header first, then tensors) agrees with parsing them
 *     in memory (rl_st_parse): both fail, or both give the same tensors, data and metadata;
 *   - loading the model from the file agrees with loading it from the parsed image;
 *   - every error names the file;
 *   - a loaded vocabulary holds distinct, non-empty, valid UTF-8 tokens of at most 255 bytes;
 *   - a model that loads saves and loads again to the same bytes and the same parameters. */
#include "fuzz_common.h"
#include "modelfile.h"
#include "safetensors.h"

static const char *NAME = "fuzz.safetensors";

static void same_files(const rl_st_file *a, const rl_st_file *b) {
  REQUIRE(a->ntensors == b->ntensors && a->nmeta == b->nmeta, "%d/%d tensors, %d/%d metadata", a->ntensors,
          b->ntensors, a->nmeta, b->nmeta);
  for (int i = 0; i < a->ntensors; i++) {
    const rl_st_tensor *x = &a->tensors[i], *y = &b->tensors[i];
    REQUIRE(!strcmp(x->name, y->name) && x->ndim == y->ndim && x->numel == y->numel, "tensor %d differs", i);
    REQUIRE(!memcmp(x->shape, y->shape, sizeof x->shape) && !memcmp(x->data, y->data, x->numel * sizeof(float)),
            "tensor '%s' differs", x->name);
  }
  for (int i = 0; i < a->nmeta; i++)
    REQUIRE(!strcmp(a->meta_keys[i], b->meta_keys[i]) && !strcmp(a->meta_values[i], b->meta_values[i]),
            "metadata %d differs", i);
}

/* model -> bytes */
static unsigned char *save_bytes(const rl_model *m, size_t *len) {
  rl_st_file f;
  rl_error err;
  unsigned char *b = NULL;
  REQUIRE(rl_model_to_st(m, &f, &err) == 0, "a loaded model cannot be turned back into a file: %s", err.msg);
  REQUIRE(rl_st_serialize(&f, &b, len, &err) == 0, "a loaded model cannot be serialised: %s", err.msg);
  rl_st_free(&f);
  return b;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  rl_st_file f, g;
  rl_error e1 = {{0}}, e2 = {{0}};
  int parsed = rl_st_parse(data, size, NAME, &f, &e1) == 0;
  const char *path = fuzz_as_file(data, size);
  int read = rl_st_read(path, &g, &e2) == 0;
  REQUIRE(parsed == read, "parse %s (%s) but read %s (%s)", parsed ? "ok" : "failed", e1.msg, read ? "ok" : "failed",
          e2.msg);
  if (!parsed) {
    REQUIRE(strstr(e1.msg, NAME) != NULL, "the message does not name the file: %s", e1.msg);
    return 0;
  }
  same_files(&f, &g);
  rl_st_free(&g);

  rl_model *m = NULL, *mf = NULL;
  int loaded = rl_model_from_st(&f, NAME, &m, &e1) == 0;
  int loaded_file = rl_model_load(path, &mf, &e2) == 0;
  rl_st_free(&f);
  REQUIRE(loaded == loaded_file, "from_st %d (%s), load %d (%s)", loaded, e1.msg, loaded_file, e2.msg);
  rl_model_free(mf);
  if (!loaded) {
    REQUIRE(strstr(e1.msg, NAME) != NULL, "the message does not name the file: %s", e1.msg);
    return 0;
  }
  if (m->vocab.level != RL_VOCAB_NONE) {
    REQUIRE(m->vocab.size == m->cfg.vocab, "vocabulary of %d tokens for vocab %d", m->vocab.size, m->cfg.vocab);
    fuzz_check_tokens(m->vocab.tokens, m->vocab.size);
  }
  /* save, load, save: the same bytes and parameters */
  size_t n1, n2;
  unsigned char *b1 = save_bytes(m, &n1);
  rl_model *m2 = NULL;
  REQUIRE(rl_st_parse(b1, n1, "saved", &f, &e1) == 0, "a saved model does not parse: %s", e1.msg);
  REQUIRE(rl_model_from_st(&f, "saved", &m2, &e1) == 0, "a saved model does not load: %s", e1.msg);
  rl_st_free(&f);
  unsigned char *b2 = save_bytes(m2, &n2);
  REQUIRE(n1 == n2 && memcmp(b1, b2, n1) == 0, "saving again gives other bytes (%zu vs %zu)", n1, n2);
  REQUIRE(m->nparams == m2->nparams && !memcmp(m->params, m2->params, m->nparams * sizeof(float)),
          "the parameters changed in a save/load round trip");
  free(b1);
  free(b2);
  rl_model_free(m);
  rl_model_free(m2);
  return 0;
}
