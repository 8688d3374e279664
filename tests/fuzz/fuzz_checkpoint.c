/* libFuzzer target: training checkpoints (rl_trainer_load), read from a file.
 * Invariants beyond "no crash" (ASan + UBSan):
 *   - bytes that are not a safetensors image never load; every error names the file;
 *   - a loaded checkpoint's vocabulary holds distinct, valid tokens;
 *   - it trains one more step without crashing (a non-finite loss is a clean error);
 *   - saved, loaded and saved again, it gives the same bytes.
 * Inputs that would legitimately take long or a lot of memory (large batches or sequences, a
 * --data path to some file on this machine) are skipped: they test the machine, not the parser. */
#include "fuzz_common.h"
#include "safetensors.h"
#include "train.h"

static const char *NAME_PREFIX = "/proc/self/fd/";

static long meta_long(const rl_st_file *f, const char *key) {
  const char *s = rl_st_meta(f, key);
  return s ? strtol(s, NULL, 10) : 0;
}

static int too_costly(const rl_st_file *f) {
  if (rl_st_meta(f, "task.data")) return 1;
  if (meta_long(f, "train.batch") > 16 || meta_long(f, "train.eval_size") > 256 || meta_long(f, "task.length") > 64)
    return 1;
  size_t values = 0;
  for (int i = 0; i < f->ntensors; i++) values += f->tensors[i].numel;
  return values > 200000;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  rl_st_file f;
  rl_error err = {{0}};
  int parsed = rl_st_parse(data, size, "image", &f, &err) == 0;
  if (parsed && too_costly(&f)) {
    rl_st_free(&f);
    return 0;
  }
  if (parsed) rl_st_free(&f);
  const char *path = fuzz_as_file(data, size);
  rl_trainer *t = NULL;
  if (rl_trainer_load(path, &t, &err) != 0) {
    REQUIRE(t == NULL, "a failed load returned a trainer");
    REQUIRE(strstr(err.msg, NAME_PREFIX) != NULL, "the message does not name the file: %s", err.msg);
    return 0;
  }
  REQUIRE(parsed, "a checkpoint loaded from bytes that do not parse");
  if (t->m->vocab.level != RL_VOCAB_NONE) fuzz_check_tokens(t->m->vocab.tokens, t->m->vocab.size);
  REQUIRE(t->step >= 0, "step %ld", t->step);

  /* save, load, save: the same bytes */
  char p1[128], p2[128];
  snprintf(p1, sizeof p1, "%s/a.safetensors", fuzz_tmpdir());
  snprintf(p2, sizeof p2, "%s/b.safetensors", fuzz_tmpdir());
  REQUIRE(rl_trainer_save(t, p1, &err) == 0, "a loaded checkpoint cannot be saved: %s", err.msg);
  rl_trainer *t2 = NULL;
  REQUIRE(rl_trainer_load(p1, &t2, &err) == 0, "a saved checkpoint does not load: %s", err.msg);
  REQUIRE(rl_trainer_save(t2, p2, &err) == 0, "cannot save again: %s", err.msg);
  size_t n1, n2;
  unsigned char *b1 = fuzz_slurp(p1, &n1), *b2 = fuzz_slurp(p2, &n2);
  REQUIRE(b1 && b2 && n1 == n2 && memcmp(b1, b2, n1) == 0, "saving again gives other bytes (%zu vs %zu)", n1, n2);
  free(b1);
  free(b2);
  unlink(p1);
  unlink(p2);
  rl_trainer_free(t2);

  /* and it trains on */
  rl_step_stats s;
  long before = t->step;
  if (rl_trainer_step(t, &s, &err) == 0) REQUIRE(t->step == before + 1, "step %ld after %ld", t->step, before);
  rl_trainer_free(t);
  return 0;
}
