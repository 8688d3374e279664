/* safetensors: round trip (bit-exact, metadata included), one check per malformed case (each
 * asserts the error AND a phrase of its message, and that the message names the file), every
 * prefix of a valid image and random byte flips (must fail or succeed cleanly: run under ASan),
 * and files written the way PyTorch users write them. */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
#define _POSIX_C_SOURCE 200809L
#include "fileio.h"
#include "safetensors.h"
#include "testutil.h"

#include <dirent.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

/* An image: 8-byte little-endian length (hlen_override if nonzero, else strlen(json)), json, data. */
static unsigned char *image(const char *json, const unsigned char *data, size_t dlen, uint64_t hlen_override,
                            size_t *len) {
  size_t j = strlen(json);
  uint64_t h = hlen_override ? hlen_override : j;
  unsigned char *b = malloc(8 + j + dlen + 1);
  for (int i = 0; i < 8; i++) b[i] = (unsigned char)(h >> (8 * i));
  memcpy(b + 8, json, j);
  if (dlen) memcpy(b + 8 + j, data, dlen);
  *len = 8 + j + dlen;
  return b;
}

static int is_empty(const rl_st_file *f) {
  return f->ntensors == 0 && f->tensors == NULL && f->nmeta == 0 && f->meta_keys == NULL && f->meta_values == NULL;
}

/* Parses json + dlen zero bytes; expects failure with `phrase` in the message (and the name). */
static void expect_bad(int line, const char *json, size_t dlen, uint64_t hlen_override, const char *phrase) {
  unsigned char zeros[256] = {0};
  size_t len;
  unsigned char *b = image(json, zeros, dlen, hlen_override, &len);
  rl_st_file f;
  rl_error err = {{0}};
  int rc = rl_st_parse(b, len, "bad.safetensors", &f, &err);
  CHECKF(rc == -1, "line %d: parse of %s should fail", line, json);
  CHECKF(strstr(err.msg, phrase) != NULL, "line %d: message '%s' lacks '%s'", line, err.msg, phrase);
  CHECKF(strstr(err.msg, "bad.safetensors") != NULL, "line %d: message '%s' does not name the file", line, err.msg);
  CHECKF(is_empty(&f), "line %d: output not left empty", line);
  if (rc == 0) rl_st_free(&f);
  free(b);
}
#define BAD(json, dlen, phrase) expect_bad(__LINE__, json, dlen, 0, phrase)

static void test_malformed(void) {
  /* shorter than the 8-byte length */
  {
    unsigned char b[5] = {1, 0, 0, 0, 0};
    rl_st_file f;
    rl_error err = {{0}};
    CHECK(rl_st_parse(b, 5, "bad.safetensors", &f, &err) == -1);
    CHECK(strstr(err.msg, "too short") && strstr(err.msg, "bad.safetensors"));
    CHECK(rl_st_parse(b, 0, "bad.safetensors", &f, &err) == -1);
    CHECK(strstr(err.msg, "too short") != NULL);
  }
  /* header length larger than the file, and larger than the limit */
  expect_bad(__LINE__, "{}", 0, 3, "larger than the file");
  expect_bad(__LINE__, "{}", 0, (uint64_t)RL_ST_MAX_HEADER + 1, "larger than the limit");
  expect_bad(__LINE__, "{}", 0, UINT64_MAX, "larger than the limit");
  /* JSON */
  {
    size_t n = 4u << 20; /* "[0,0,...,0]": 2M values in 4 MB, refused before cJSON builds them */
    char *big = malloc(n + 2);
    big[0] = '[';
    for (size_t i = 1; i + 1 < n; i += 2) big[i] = '0', big[i + 1] = ',';
    big[n - 1] = '0';
    big[n] = ']';
    big[n + 1] = '\0';
    expect_bad(__LINE__, big, 0, 0, "too many JSON values");
    free(big);
  }
  BAD("{\"a\": {", 0, "invalid JSON");
  BAD("", 0, "invalid JSON");
  BAD("{} x", 0, "invalid JSON");
  expect_bad(__LINE__, "{}", 6, 8, "invalid JSON"); /* padded with NUL bytes, not spaces */
  BAD("[1, 2]", 0, "not a JSON object");
  BAD("\"text\"", 0, "not a JSON object");
  /* entries: missing fields and wrong JSON types */
  BAD("{\"a\": 5}", 0, "'a' is not an object");
  BAD("{\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "'a' has no dtype");
  BAD("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4, "'a' has no shape");
  BAD("{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4, "'a' has no data_offsets");
  BAD("{\"a\":{\"dtype\":32,\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "dtype is not a string");
  BAD("{\"a\":{\"dtype\":\"F32\",\"shape\":\"1\",\"data_offsets\":[0,4]}}", 4, "shape is not an array");
  BAD("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":{}}}", 4, "data_offsets is not an array");
  BAD("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", 4, "must be [begin, end]");
  BAD("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", 8, "must be [begin, end]");
  BAD("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,\"4\"]}}", 4, "not non-negative integers");
  BAD("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}}", 4, "not non-negative integers");
  /* shapes */
  BAD("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4, "dimension 0 is not a non-negative integer");
  BAD("{\"a\":{\"dtype\":\"F32\",\"shape\":[1,1.5],\"data_offsets\":[0,4]}}", 4, "dimension 1 is not a non-negative integer");
  BAD("{\"a\":{\"dtype\":\"F32\",\"shape\":[1,\"2\"],\"data_offsets\":[0,8]}}", 8, "dimension 1 is not");
  BAD("{\"a\":{\"dtype\":\"F32\",\"shape\":[1e300],\"data_offsets\":[0,4]}}", 4, "dimension 0 is not");
  BAD("{\"a\":{\"dtype\":\"F32\",\"shape\":[1,1,1,1,1,1,1,1,1],\"data_offsets\":[0,4]}}", 4, "too many dimensions");
  BAD("{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296,4],\"data_offsets\":[0,4]}}", 4, "overflows");
  BAD("{\"a\":{\"dtype\":\"F32\",\"shape\":[4503599627370496,4503599627370496],\"data_offsets\":[0,4]}}", 4, "overflows");
  /* dtypes */
  BAD("{\"x\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4,
      "tensor 'x' has dtype F16; rnnlab reads only F32");
  BAD("{\"x\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4, "has dtype BF16");
  BAD("{\"x\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}", 8, "has dtype I64");
  BAD("{\"x\":{\"dtype\":\"Q7\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "unknown dtype 'Q7'");
  BAD("{\"x\":{\"dtype\":\"f32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "unknown dtype 'f32'");
  /* offsets */
  BAD("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4, "out of range");
  BAD("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}", 8, "begin 8 > end 4");
  BAD("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8, "its shape needs 12");
  BAD("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
      "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}",
      12, "overlapping");
  BAD("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
      "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
      4, "overlapping");
  BAD("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
      "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}",
      12, "gap of 4 bytes before tensor 'b'");
  BAD("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, "gap of 4 bytes before tensor 'a'");
  BAD("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 8, "4 bytes after the last tensor");
  BAD("{}", 4, "4 bytes after the last tensor");
  /* names */
  BAD("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
      "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}",
      8, "tensor name 'a' appears twice");
  BAD("{\"\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "empty name");
  /* metadata */
  BAD("{\"__metadata__\":{\"k\":1}}", 0, "value for 'k' is not a string");
  BAD("{\"__metadata__\":{\"k\":null}}", 0, "value for 'k' is not a string");
  BAD("{\"__metadata__\":{\"k\":[\"v\"]}}", 0, "value for 'k' is not a string");
  BAD("{\"__metadata__\":[\"v\"]}", 0, "__metadata__ is not an object");
  BAD("{\"__metadata__\":{\"k\":\"v\",\"k\":\"w\"}}", 0, "key 'k' appears twice");
  BAD("{\"__metadata__\":{},\"__metadata__\":{}}", 0, "__metadata__ appears twice");
}

/* Minimal valid images are accepted: empty header, scalar, zero-size tensor, padding. */
static void test_minimal_valid(void) {
  const char *ok[] = {
      "{}",
      "{}      ",
      "{\"__metadata__\":{}}",
      "{\"s\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}",
      "{\"z\":{\"dtype\":\"F32\",\"shape\":[0,3],\"data_offsets\":[0,0]},"
      "\"s\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
  };
  size_t dl[] = {0, 0, 0, 4, 4};
  unsigned char data[4] = {0, 0, 0x80, 0x3f}; /* 1.0f little-endian */
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
    size_t len;
    unsigned char *b = image(ok[i], data, dl[i], 0, &len);
    rl_st_file f;
    rl_error err = {{0}};
    int rc = rl_st_parse(b, len, "ok", &f, &err);
    CHECKF(rc == 0, "%s: %s", ok[i], err.msg);
    if (rc == 0 && dl[i] == 4) {
      const rl_st_tensor *s = rl_st_find(&f, "s");
      CHECK(s && s->numel == 1 && s->data[0] == 1.0f);
    }
    if (rc == 0 && i == 4) {
      const rl_st_tensor *z = rl_st_find(&f, "z");
      CHECK(z && z->numel == 0 && z->ndim == 2 && z->shape[1] == 3);
    }
    rl_st_free(&f);
    free(b);
  }
}

static void fill_file(rl_st_file *f) {
  rl_error err;
  float a[6] = {1.0f, -2.5f, 0.0f, -0.0f, 3.4028235e38f, 1e-45f /* denormal */};
  int64_t sa[2] = {2, 3};
  CHECK(rl_st_add_tensor(f, "rnn.weight_ih_l0", 2, sa, a, &err) == 0);
  float b[5];
  rl_rng rng;
  rl_rng_seed(&rng, 7);
  for (int i = 0; i < 5; i++) b[i] = rl_rng_normal(&rng);
  b[3] = INFINITY;
  uint32_t nan_bits = 0x7fc01234u; /* a NaN with a payload: must survive bit-exactly */
  memcpy(&b[4], &nan_bits, 4);
  int64_t sb[1] = {5};
  CHECK(rl_st_add_tensor(f, "b", 1, sb, b, &err) == 0);
  float s = 42.0f;
  CHECK(rl_st_add_tensor(f, "scalar", 0, NULL, &s, &err) == 0);
  int64_t sz[2] = {0, 4};
  CHECK(rl_st_add_tensor(f, "empty", 2, sz, NULL, &err) == 0);
  CHECK(rl_st_add_meta(f, "format", "rnnlab-model-1", &err) == 0);
  CHECK(rl_st_add_meta(f, "quote", "a \"b\" \\ c\n\xc3\xa9\xe2\x82\xac", &err) == 0);
  CHECK(rl_st_add_meta(f, "empty", "", &err) == 0);
}

static int same_file(const rl_st_file *a, const rl_st_file *b) {
  if (a->ntensors != b->ntensors || a->nmeta != b->nmeta) return 0;
  for (int i = 0; i < a->ntensors; i++) {
    const rl_st_tensor *x = &a->tensors[i], *y = rl_st_find(b, a->tensors[i].name);
    if (!y || x->ndim != y->ndim || x->numel != y->numel) return 0;
    for (int d = 0; d < x->ndim; d++)
      if (x->shape[d] != y->shape[d]) return 0;
    if (x->numel && memcmp(x->data, y->data, x->numel * 4) != 0) return 0;
  }
  for (int i = 0; i < a->nmeta; i++) {
    const char *v = rl_st_meta(b, a->meta_keys[i]);
    if (!v || strcmp(v, a->meta_values[i]) != 0) return 0;
  }
  return 1;
}

static unsigned char *slurp(const char *path, size_t *len) {
  FILE *fp = fopen(path, "rb");
  if (!fp) return NULL;
  fseek(fp, 0, SEEK_END);
  long n = ftell(fp);
  fseek(fp, 0, SEEK_SET);
  unsigned char *b = malloc((size_t)n + 1);
  *len = fread(b, 1, (size_t)n, fp);
  fclose(fp);
  return b;
}

static int count_tmp_files(const char *dir) {
  DIR *d = opendir(dir);
  int n = 0;
  if (!d) return -1;
  struct dirent *e;
  while ((e = readdir(d)))
    if (strstr(e->d_name, RL_TMP_INFIX)) n++;
  closedir(d);
  return n;
}

static void test_round_trip(void) {
  rl_st_file f = {0}, g;
  rl_error err = {{0}};
  fill_file(&f);
  /* adding a duplicate or a reserved name fails */
  float x = 1;
  int64_t one = 1;
  CHECK(rl_st_add_tensor(&f, "b", 1, &one, &x, &err) == -1 && strstr(err.msg, "twice"));
  CHECK(rl_st_add_tensor(&f, "__metadata__", 1, &one, &x, &err) == -1);
  int64_t neg = -1;
  CHECK(rl_st_add_tensor(&f, "neg", 1, &neg, &x, &err) == -1);

  char path[512];
  snprintf(path, sizeof path, "%s/rt.safetensors", test_tmpdir());
  CHECKF(rl_st_write(path, &f, &err) == 0, "%s", err.msg);
  CHECKF(rl_st_read(path, &g, &err) == 0, "%s", err.msg);
  CHECK(same_file(&f, &g));
  CHECK(same_file(&g, &f));
  const rl_st_tensor *t = rl_st_find(&g, "rnn.weight_ih_l0");
  CHECK(t && t->ndim == 2 && t->shape[0] == 2 && t->shape[1] == 3 && t->data[1] == -2.5f && signbit(t->data[3]));
  CHECK(rl_st_find(&g, "nope") == NULL && rl_st_meta(&g, "nope") == NULL);
  CHECK(rl_st_meta(&g, "format") && strcmp(rl_st_meta(&g, "format"), "rnnlab-model-1") == 0);
  rl_st_free(&g);
  CHECK(is_empty(&g));

  /* the image itself: header length a multiple of 8, padded with spaces, data little-endian */
  size_t len = 0;
  unsigned char *b = slurp(path, &len);
  CHECK(b && len > 8);
  if (b && len > 8) {
    uint64_t h = 0;
    for (int i = 7; i >= 0; i--) h = (h << 8) | b[i];
    CHECKF(h % 8 == 0, "header length %llu", (unsigned long long)h);
    CHECK(b[8] == '{');
    size_t data_len = (6 + 5 + 1 + 0) * 4;
    CHECK(len == 8 + h + data_len);
    /* the first tensor in insertion order is rnn.weight_ih_l0 = 1.0f first: 00 00 80 3f */
    if (len == 8 + h + data_len) {
      const unsigned char *d = b + 8 + h;
      CHECK(d[0] == 0 && d[1] == 0 && d[2] == 0x80 && d[3] == 0x3f);
    }
    CHECK(b[8 + h - 1] == ' ' || b[8 + h - 1] == '}');
  }
  free(b);

  /* overwriting an existing file, and no temporary file left behind */
  rl_st_file small = {0};
  CHECK(rl_st_add_tensor(&small, "only", 0, NULL, &x, &err) == 0);
  CHECKF(rl_st_write(path, &small, &err) == 0, "%s", err.msg);
  CHECK(rl_st_read(path, &g, &err) == 0 && g.ntensors == 1 && g.nmeta == 0);
  rl_st_free(&g);
  CHECK(count_tmp_files(test_tmpdir()) == 0);
  rl_st_free(&small);

  /* unwritable destinations */
  char bad[600];
  snprintf(bad, sizeof bad, "%s/no/such/dir/x.safetensors", test_tmpdir());
  CHECK(rl_st_write(bad, &f, &err) == -1 && strstr(err.msg, bad) && strstr(err.msg, "cannot create"));
  CHECK(rl_st_write(test_tmpdir(), &f, &err) == -1); /* a folder: rename over it fails */
  CHECK(count_tmp_files(test_tmpdir()) == 0);
  rl_st_free(&f);
}

static void test_read_errors(void) {
  rl_st_file f = {0}, g;
  rl_error err = {{0}};
  fill_file(&f);
  char path[512], cut[512];
  snprintf(path, sizeof path, "%s/whole.safetensors", test_tmpdir());
  snprintf(cut, sizeof cut, "%s/truncated.safetensors", test_tmpdir());
  CHECK(rl_st_write(path, &f, &err) == 0);
  size_t len = 0;
  unsigned char *b = slurp(path, &len);
  /* truncated in the data region */
  FILE *fp = fopen(cut, "wb");
  fwrite(b, 1, len - 3, fp);
  fclose(fp);
  CHECK(rl_st_read(cut, &g, &err) == -1);
  CHECKF(strstr(err.msg, cut) && strstr(err.msg, "out of range"), "%s", err.msg);
  CHECK(is_empty(&g));
  /* truncated inside the header */
  fp = fopen(cut, "wb");
  fwrite(b, 1, 20, fp);
  fclose(fp);
  CHECK(rl_st_read(cut, &g, &err) == -1);
  CHECKF(strstr(err.msg, cut) && strstr(err.msg, "larger than the file"), "%s", err.msg);
  /* truncated inside the length */
  fp = fopen(cut, "wb");
  fwrite(b, 1, 3, fp);
  fclose(fp);
  CHECK(rl_st_read(cut, &g, &err) == -1);
  CHECKF(strstr(err.msg, cut) && strstr(err.msg, "too short"), "%s", err.msg);
  /* missing file and a folder */
  char missing[600];
  snprintf(missing, sizeof missing, "%s/missing.safetensors", test_tmpdir());
  CHECK(rl_st_read(missing, &g, &err) == -1 && strstr(err.msg, missing) && strstr(err.msg, "cannot open"));
  CHECK(rl_st_read(test_tmpdir(), &g, &err) == -1);
  CHECK(is_empty(&g));
  free(b);
  rl_st_free(&f);
}

static long max_rss_kb(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

/* A 1 GiB sparse file whose header is broken must be refused from its header alone: the reader
 * used to read the whole file into memory first (2.1 GB of RAM and 4.5 s for a 2 GB file before
 * "header is empty"). Measured as the growth of the peak resident size, which reading the file
 * would raise by 1 GiB; 64 MB of slack covers the allocator and ASan's bookkeeping. */
static void test_header_first(void) {
  char path[512];
  snprintf(path, sizeof path, "%s/sparse.safetensors", test_tmpdir());
  const char *headers[] = {"", "{}", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", "{\"a\":"};
  const char *phrase[] = {"header is empty", "are not used", "are not used", "invalid JSON"};
  for (int k = 0; k < 4; k++) {
    FILE *fp = fopen(path, "wb");
    size_t n = strlen(headers[k]);
    unsigned char len8[8];
    for (int i = 0; i < 8; i++) len8[i] = (unsigned char)((uint64_t)n >> (8 * i));
    CHECK(fp && fwrite(len8, 1, 8, fp) == 8 && fwrite(headers[k], 1, n, fp) == n);
    fclose(fp);
    CHECK(truncate(path, (off_t)1 << 30) == 0);
    long before = max_rss_kb();
    rl_st_file g;
    rl_error err = {{0}};
    CHECK(rl_st_read(path, &g, &err) == -1);
    CHECKF(strstr(err.msg, phrase[k]) && strstr(err.msg, path), "%s", err.msg);
    long grew = max_rss_kb() - before;
    CHECKF(grew < 64 * 1024, "header %d: peak memory grew by %ld kB reading a broken 1 GiB file", k, grew);
  }
  unlink(path);
}

/* Every prefix must fail cleanly; random byte flips must fail or parse into something consistent.
 * Under ASan this proves there is no over-read. */
static void test_fuzz(void) {
  rl_st_file f = {0}, g;
  rl_error err = {{0}};
  fill_file(&f);
  char path[512];
  snprintf(path, sizeof path, "%s/fuzz.safetensors", test_tmpdir());
  CHECK(rl_st_write(path, &f, &err) == 0);
  size_t len = 0;
  unsigned char *b = slurp(path, &len);
  int prefix_ok = 1;
  for (size_t n = 0; n < len; n++) {
    unsigned char *p = malloc(n ? n : 1); /* exact-size copy so ASan sees any over-read */
    memcpy(p, b, n);
    if (rl_st_parse(p, n, "prefix", &g, &err) != -1 || !is_empty(&g)) prefix_ok = 0;
    free(p);
  }
  CHECKF(prefix_ok, "some prefix of a valid image parsed or left output behind");
  /* The JSON parser is a system library that ASan does not instrument: also place each prefix
   * right before an inaccessible page, so any read past the end crashes this test. */
  long page = sysconf(_SC_PAGESIZE);
  size_t span = ((len + (size_t)page - 1) / (size_t)page) * (size_t)page;
  unsigned char *area = mmap(NULL, span + (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(area != MAP_FAILED);
  if (area != MAP_FAILED) {
    CHECK(mprotect(area + span, (size_t)page, PROT_NONE) == 0);
    int guarded_ok = 1;
    for (size_t n = 0; n <= len; n++) {
      unsigned char *p = area + span - n;
      memcpy(p, b, n);
      int rc = rl_st_parse(p, n, "guarded", &g, &err);
      if ((n < len && rc != -1) || (n == len && rc != 0)) guarded_ok = 0;
      rl_st_free(&g);
    }
    CHECK(guarded_ok);
  }
  {
    unsigned char *p = malloc(len);
    memcpy(p, b, len);
    CHECK(rl_st_parse(p, len, "whole", &g, &err) == 0 && same_file(&f, &g));
    rl_st_free(&g);
    free(p);
  }
  rl_rng rng;
  rl_rng_seed(&rng, 12345);
  int consistent = 1, accepted = 0, rejected = 0;
  for (int it = 0; it < 2000; it++) {
    /* flipped images also end right before the inaccessible page when it exists */
    unsigned char *p = area != MAP_FAILED ? area + span - len : malloc(len);
    memcpy(p, b, len);
    int flips = 1 + rl_rng_int(&rng, 4);
    for (int k = 0; k < flips; k++) {
      size_t at = (size_t)rl_rng_int(&rng, it % 3 == 0 ? 8 + 16 : (int)len); /* a third hit the length */
      p[at] = it % 2 ? (unsigned char)rl_rng_int(&rng, 256) : (unsigned char)(p[at] ^ (1u << rl_rng_int(&rng, 8)));
    }
    int rc = rl_st_parse(p, len, "flipped", &g, &err);
    if (rc == 0) {
      accepted++;
      for (int i = 0; i < g.ntensors; i++) {
        size_t n = 1;
        for (int d = 0; d < g.tensors[i].ndim; d++) n *= (size_t)g.tensors[i].shape[d];
        if (n != g.tensors[i].numel || !g.tensors[i].name) consistent = 0;
      }
      rl_st_free(&g);
    } else {
      rejected++;
      if (!is_empty(&g) || !err.msg[0]) consistent = 0;
    }
    if (area == MAP_FAILED) free(p);
  }
  if (area != MAP_FAILED) munmap(area, span + (size_t)page);
  CHECK(consistent);
  CHECKF(rejected > 500 && accepted > 20, "accepted %d rejected %d", accepted, rejected);
  free(b);
  rl_st_free(&f);
}

/* Files written by tools/make_pytorch_files.py the way PyTorch's safetensors writer does. */
static void test_pytorch_files(void) {
  rl_st_file g;
  rl_error err = {{0}};
  const char *p = fixture_path("pytorch/lstm_named.safetensors");
  CHECKF(rl_st_read(p, &g, &err) == 0, "%s", err.msg);
  const rl_st_tensor *t = rl_st_find(&g, "rnn.weight_ih_l0");
  CHECK(t && t->ndim == 2 && t->shape[0] % 4 == 0);
  CHECK(rl_st_find(&g, "embedding.weight") && rl_st_find(&g, "head.bias"));
  rl_st_free(&g);
  p = fixture_path("pytorch/word_language_model.safetensors");
  CHECKF(rl_st_read(p, &g, &err) == 0, "%s", err.msg);
  CHECK(rl_st_find(&g, "encoder.weight") && rl_st_find(&g, "decoder.weight"));
  rl_st_free(&g);
}

int main(void) {
  test_malformed();
  test_minimal_valid();
  test_round_trip();
  test_read_errors();
  test_header_first();
  test_fuzz();
  test_pytorch_files();
  return test_summary("test_safetensors");
}
