/* Shared by the libFuzzer targets in tests/fuzz (see run.sh there): a failed invariant prints what
 * broke and aborts, which libFuzzer reports as a crash with the input that caused it. */
#ifndef RNNLAB_FUZZ_COMMON_H
#define RNNLAB_FUZZ_COMMON_H
/* built with _GNU_SOURCE (memfd_create): tests/fuzz/CMakeLists.txt */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* A target that silences stderr sets this to bring it back before a failure is reported. */
static void (*fuzz_before_failure)(void);

#define REQUIRE(cond, ...)                                                                   \
  do {                                                                                       \
    if (!(cond)) {                                                                           \
      if (fuzz_before_failure) fuzz_before_failure();                                        \
      fprintf(stderr, "\n%s:%d: invariant broken: %s: ", __FILE__, __LINE__, #cond);         \
      fprintf(stderr, __VA_ARGS__);                                                          \
      fputc('\n', stderr);                                                                   \
      abort();                                                                               \
    }                                                                                        \
  } while (0)

/* Length of the well-formed UTF-8 sequence at s, 0 if none: Unicode's table of well-formed byte
 * sequences (Table 3-7), written independently of the engine's decoders on purpose. */
static inline size_t fuzz_utf8_len(const unsigned char *s) {
  static const struct { unsigned char lo0, hi0, lo1, hi1; int n; } rows[] = {
      {0x00, 0x7F, 0, 0, 1},       {0xC2, 0xDF, 0x80, 0xBF, 2}, {0xE0, 0xE0, 0xA0, 0xBF, 3},
      {0xE1, 0xEC, 0x80, 0xBF, 3}, {0xED, 0xED, 0x80, 0x9F, 3}, {0xEE, 0xEF, 0x80, 0xBF, 3},
      {0xF0, 0xF0, 0x90, 0xBF, 4}, {0xF1, 0xF3, 0x80, 0xBF, 4}, {0xF4, 0xF4, 0x80, 0x8F, 4}};
  for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
    if (s[0] < rows[r].lo0 || s[0] > rows[r].hi0) continue;
    if (rows[r].n == 1) return 1;
    if (s[1] < rows[r].lo1 || s[1] > rows[r].hi1) return 0;
    for (int k = 2; k < rows[r].n; k++)
      if (s[k] < 0x80 || s[k] > 0xBF) return 0;
    return (size_t)rows[r].n;
  }
  return 0;
}

/* What every vocabulary must be (the text reader's rules): tokens non-empty, at most 255 bytes of
 * valid UTF-8, all different. Quadratic: fuzzed vocabularies are small. */
static inline void fuzz_check_tokens(char *const *tok, int n) {
  for (int i = 0; i < n; i++) {
    size_t len = strlen(tok[i]);
    REQUIRE(len > 0 && len <= 255, "token %d has %zu bytes", i, len);
    for (size_t k = 0, m; k < len; k += m) REQUIRE((m = fuzz_utf8_len((const unsigned char *)tok[i] + k)) > 0, "token %d: bad UTF-8", i);
    for (int j = 0; j < i && n <= 4096; j++) REQUIRE(strcmp(tok[i], tok[j]) != 0, "tokens %d and %d are both '%s'", j, i, tok[i]);
  }
}

/* The input as a file: a memfd, reached by the path "/proc/self/fd/N" (rewritten per input). */
static inline const char *fuzz_as_file(const uint8_t *data, size_t size) {
  static int fd = -1;
  static char path[64];
  if (fd < 0) {
    fd = memfd_create("rnnlab-fuzz", 0);
    REQUIRE(fd >= 0, "memfd_create failed");
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
  }
  REQUIRE(ftruncate(fd, 0) == 0 && (size == 0 || pwrite(fd, data, size, 0) == (ssize_t)size), "memfd write");
  return path;
}

/* A private folder for files a target writes (it removes them; the folder goes at exit). */
static char fuzz_dir[64];
static void fuzz_remove_dir(void) { rmdir(fuzz_dir); }
static inline const char *fuzz_tmpdir(void) {
  if (!fuzz_dir[0]) {
    snprintf(fuzz_dir, sizeof fuzz_dir, "/tmp/rnnlab-fuzz-XXXXXX");
    REQUIRE(mkdtemp(fuzz_dir) != NULL, "mkdtemp");
    atexit(fuzz_remove_dir);
  }
  return fuzz_dir;
}

/* Bytes of a whole file (malloc'd), NULL if unreadable. */
static inline unsigned char *fuzz_slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  unsigned char *b = malloc(n > 0 ? (size_t)n : 1);
  *len = b && n >= 0 ? fread(b, 1, (size_t)n, f) : 0;
  fclose(f);
  return b;
}

#endif
