/* safetensors reader and writer (see safetensors.h for the format).
 *
 * Reading trusts nothing: the header length is bounded by the image and by RL_ST_MAX_HEADER, the
 * JSON is parsed by cJSON with an explicit length (no terminator needed), every entry's fields are
 * type-checked, shapes are bounded and multiplied with overflow checks, and the data offsets must
 * tile the data region exactly (sorted by offset: no gap, no overlap, nothing left over), as the
 * reference implementation requires. Only then is memory for the tensors allocated, and its total
 * is at most the size of the image. A file is read the same way: its header is read and checked in
 * full before any tensor data is read. Data is little-endian on disk; bytes are assembled explicitly,
 * so the code is correct on any host byte order. */
#define _POSIX_C_SOURCE 200809L
#include "safetensors.h"
#include "fileio.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

/* A file larger than this is refused before reading (a classroom model is a few MB). */
#define RL_ST_MAX_FILE ((uint64_t)4 << 30)
/* cJSON allocates a node (~64 bytes) per JSON value: a header may hold at most this many values,
 * so a 100 MB header of "[0,0,0,...]" cannot make the parser allocate gigabytes. A model file
 * needs about 10 values per tensor. */
#define RL_ST_MAX_JSON_VALUES (1 << 20)
/* Integers in the header are JSON numbers (doubles): beyond 2^53 they are not exact. */
#define RL_ST_MAX_INT 9007199254740992.0

static const char *sys_error(int e, char *buf, size_t n) {
  if (strerror_r(e, buf, n) != 0) snprintf(buf, n, "error %d", e);
  return buf;
}

static char *dup_string(const char *s) {
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d) memcpy(d, s, n);
  return d;
}

void rl_st_free(rl_st_file *f) {
  if (!f) return;
  for (int i = 0; i < f->ntensors; i++) {
    free(f->tensors[i].name);
    free(f->tensors[i].data);
  }
  free(f->tensors);
  for (int i = 0; i < f->nmeta; i++) {
    free(f->meta_keys[i]);
    free(f->meta_values[i]);
  }
  free(f->meta_keys);
  free(f->meta_values);
  memset(f, 0, sizeof *f);
}

const rl_st_tensor *rl_st_find(const rl_st_file *f, const char *name) {
  for (int i = 0; i < f->ntensors; i++)
    if (strcmp(f->tensors[i].name, name) == 0) return &f->tensors[i];
  return NULL;
}

const char *rl_st_meta(const rl_st_file *f, const char *key) {
  for (int i = 0; i < f->nmeta; i++)
    if (strcmp(f->meta_keys[i], key) == 0) return f->meta_values[i];
  return NULL;
}

/* numel of a shape, 0 if ok, -1 on a negative dimension or overflow of numel * 4 bytes. */
static int shape_numel(int ndim, const int64_t *shape, size_t *out) {
  size_t n = 1;
  for (int d = 0; d < ndim; d++) {
    if (shape[d] < 0 || (uint64_t)shape[d] > SIZE_MAX) return -1;
    if (rl_mul_size(n, (size_t)shape[d], &n) != 0) return -1;
  }
  size_t bytes;
  if (rl_mul_size(n, 4, &bytes) != 0) return -1;
  *out = n;
  return 0;
}

int rl_st_add_tensor(rl_st_file *f, const char *name, int ndim, const int64_t *shape, const float *data,
                     rl_error *err) {
  if (!name || !*name) return rl_fail(err, "safetensors: a tensor needs a non-empty name");
  if (strcmp(name, "__metadata__") == 0) return rl_fail(err, "safetensors: '__metadata__' is reserved, not a tensor name");
  if (ndim < 0 || ndim > RL_ST_MAX_DIMS)
    return rl_fail(err, "safetensors: tensor '%s' has %d dimensions (at most %d)", name, ndim, RL_ST_MAX_DIMS);
  size_t numel;
  if (shape_numel(ndim, shape, &numel) != 0)
    return rl_fail(err, "safetensors: tensor '%s' has a negative or too large shape", name);
  if (numel > 0 && !data) return rl_fail(err, "safetensors: tensor '%s' has no data", name);
  if (rl_st_find(f, name)) return rl_fail(err, "safetensors: tensor '%s' added twice", name);
  if (f->ntensors >= INT32_MAX - 1) return rl_fail(err, "safetensors: too many tensors");

  rl_st_tensor t;
  memset(&t, 0, sizeof t);
  t.name = dup_string(name);
  t.data = malloc(numel ? numel * sizeof(float) : sizeof(float));
  rl_st_tensor *grown = realloc(f->tensors, (size_t)(f->ntensors + 1) * sizeof *grown);
  if (!t.name || !t.data || !grown) {
    free(t.name);
    free(t.data);
    if (grown) f->tensors = grown;
    return rl_fail(err, "safetensors: out of memory adding tensor '%s'", name);
  }
  f->tensors = grown;
  t.ndim = ndim;
  for (int d = 0; d < ndim; d++) t.shape[d] = shape[d];
  t.numel = numel;
  if (numel) memcpy(t.data, data, numel * sizeof(float));
  f->tensors[f->ntensors++] = t;
  return 0;
}

int rl_st_add_meta(rl_st_file *f, const char *key, const char *value, rl_error *err) {
  if (!key || !value) return rl_fail(err, "safetensors: metadata key and value must not be NULL");
  for (int i = 0; i < f->nmeta; i++) {
    if (strcmp(f->meta_keys[i], key) == 0) { /* replace */
      char *v = dup_string(value);
      if (!v) return rl_fail(err, "safetensors: out of memory adding metadata '%s'", key);
      free(f->meta_values[i]);
      f->meta_values[i] = v;
      return 0;
    }
  }
  if (f->nmeta >= INT32_MAX - 1) return rl_fail(err, "safetensors: too many metadata entries");
  char *k = dup_string(key), *v = dup_string(value);
  char **keys = realloc(f->meta_keys, (size_t)(f->nmeta + 1) * sizeof *keys);
  if (keys) f->meta_keys = keys;
  char **values = keys ? realloc(f->meta_values, (size_t)(f->nmeta + 1) * sizeof *values) : NULL;
  if (values) f->meta_values = values;
  if (!k || !v || !keys || !values) {
    free(k);
    free(v);
    return rl_fail(err, "safetensors: out of memory adding metadata '%s'", key);
  }
  f->meta_keys[f->nmeta] = k;
  f->meta_values[f->nmeta] = v;
  f->nmeta++;
  return 0;
}

/* ---------------------------------------------------------------------------------------------- */
/* Parsing */

static uint64_t load_le64(const unsigned char *b) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--) v = (v << 8) | b[i];
  return v;
}

static float load_le_f32(const unsigned char *b) {
  uint32_t u = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
  float x;
  memcpy(&x, &u, sizeof x);
  return x;
}

static void store_le_f32(unsigned char *b, float x) {
  uint32_t u;
  memcpy(&u, &x, sizeof u);
  b[0] = (unsigned char)u;
  b[1] = (unsigned char)(u >> 8);
  b[2] = (unsigned char)(u >> 16);
  b[3] = (unsigned char)(u >> 24);
}

/* A JSON number that is a non-negative integer below 2^53. */
static int json_uint(const cJSON *j, uint64_t *out) {
  if (!cJSON_IsNumber(j)) return -1;
  double d = j->valuedouble;
  if (!isfinite(d) || d < 0 || d > RL_ST_MAX_INT || d != floor(d)) return -1;
  *out = (uint64_t)d;
  return 0;
}

static const char *const known_dtypes[] = {"F64", "F32", "F16", "BF16", "F8_E4M3", "F8_E5M2", "I64", "I32",
                                           "I16", "I8",  "U64", "U32", "U16",  "U8",      "BOOL",    NULL};

typedef struct {
  const cJSON *json;
  const char *name;
  int ndim;
  int64_t shape[RL_ST_MAX_DIMS];
  size_t numel;
  uint64_t begin, end;
} entry;

static int cmp_entry_offset(const void *a, const void *b) {
  const entry *x = *(const entry *const *)a, *y = *(const entry *const *)b;
  if (x->begin != y->begin) return x->begin < y->begin ? -1 : 1;
  if (x->end != y->end) return x->end < y->end ? -1 : 1;
  return 0;
}

static int cmp_name(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Checks one tensor entry's fields (not yet the offsets against each other). */
static int check_entry(const char *what, const cJSON *item, uint64_t data_len, entry *e, rl_error *err) {
  const char *name = item->string;
  e->json = item;
  e->name = name;
  if (!cJSON_IsObject(item)) return rl_fail(err, "%s: header entry '%s' is not an object", what, name);
  const cJSON *dtype = cJSON_GetObjectItemCaseSensitive(item, "dtype");
  const cJSON *shape = cJSON_GetObjectItemCaseSensitive(item, "shape");
  const cJSON *offs = cJSON_GetObjectItemCaseSensitive(item, "data_offsets");
  if (!dtype) return rl_fail(err, "%s: tensor '%s' has no dtype", what, name);
  if (!shape) return rl_fail(err, "%s: tensor '%s' has no shape", what, name);
  if (!offs) return rl_fail(err, "%s: tensor '%s' has no data_offsets", what, name);
  if (!cJSON_IsString(dtype)) return rl_fail(err, "%s: tensor '%s': dtype is not a string", what, name);
  if (!cJSON_IsArray(shape)) return rl_fail(err, "%s: tensor '%s': shape is not an array", what, name);
  if (!cJSON_IsArray(offs)) return rl_fail(err, "%s: tensor '%s': data_offsets is not an array", what, name);

  if (strcmp(dtype->valuestring, "F32") != 0) {
    for (int i = 0; known_dtypes[i]; i++)
      if (strcmp(dtype->valuestring, known_dtypes[i]) == 0)
        return rl_fail(err, "%s: tensor '%s' has dtype %s; rnnlab reads only F32", what, name, known_dtypes[i]);
    return rl_fail(err, "%s: tensor '%s' has unknown dtype '%.40s'; rnnlab reads only F32", what, name,
                   dtype->valuestring);
  }

  int ndim = cJSON_GetArraySize(shape);
  if (ndim > RL_ST_MAX_DIMS)
    return rl_fail(err, "%s: tensor '%s' has too many dimensions (%d, at most %d)", what, name, ndim, RL_ST_MAX_DIMS);
  e->ndim = ndim;
  int d = 0;
  const cJSON *dim;
  cJSON_ArrayForEach(dim, shape) {
    uint64_t v;
    if (json_uint(dim, &v) != 0)
      return rl_fail(err, "%s: tensor '%s': shape dimension %d is not a non-negative integer", what, name, d);
    e->shape[d++] = (int64_t)v;
  }
  if (shape_numel(ndim, e->shape, &e->numel) != 0)
    return rl_fail(err, "%s: tensor '%s': the product of its shape overflows", what, name);

  if (cJSON_GetArraySize(offs) != 2)
    return rl_fail(err, "%s: tensor '%s': data_offsets must be [begin, end]", what, name);
  if (json_uint(cJSON_GetArrayItem(offs, 0), &e->begin) != 0 || json_uint(cJSON_GetArrayItem(offs, 1), &e->end) != 0)
    return rl_fail(err, "%s: tensor '%s': data_offsets are not non-negative integers", what, name);
  if (e->begin > e->end)
    return rl_fail(err, "%s: tensor '%s': data_offsets begin %llu > end %llu", what, name,
                   (unsigned long long)e->begin, (unsigned long long)e->end);
  if (e->end > data_len)
    return rl_fail(err, "%s: tensor '%s': data_offsets [%llu, %llu] out of range (data region is %llu bytes)", what,
                   name, (unsigned long long)e->begin, (unsigned long long)e->end, (unsigned long long)data_len);
  if (e->end - e->begin != (uint64_t)e->numel * 4)
    return rl_fail(err, "%s: tensor '%s': data_offsets span %llu bytes but its shape needs %llu (numel %zu x 4)",
                   what, name, (unsigned long long)(e->end - e->begin), (unsigned long long)e->numel * 4, e->numel);
  return 0;
}

static int parse_metadata(const char *what, const cJSON *meta, rl_st_file *out, rl_error *err) {
  if (!cJSON_IsObject(meta)) return rl_fail(err, "%s: __metadata__ is not an object", what);
  const cJSON *kv;
  cJSON_ArrayForEach(kv, meta) {
    if (!cJSON_IsString(kv))
      return rl_fail(err, "%s: __metadata__ value for '%s' is not a string", what, kv->string);
    if (rl_st_meta(out, kv->string))
      return rl_fail(err, "%s: __metadata__ key '%s' appears twice", what, kv->string);
    if (rl_st_add_meta(out, kv->string, kv->valuestring, err) != 0) return -1;
  }
  return 0;
}

/* Where the tensors' bytes come from: the data region of an image in memory, or of an open file
 * (read only after the whole header has been validated). */
typedef struct {
  const unsigned char *mem; /* the data region, or NULL */
  FILE *fp;                 /* otherwise: the file, whose data region starts at byte `base` */
  uint64_t base;
} data_source;

static int read_data(const data_source *src, uint64_t off, void *dst, size_t n) {
  if (n == 0) return 0;
  if (src->mem) {
    memcpy(dst, src->mem + off, n);
    return 0;
  }
  if (src->base + off > (uint64_t)INT64_MAX || fseeko(src->fp, (off_t)(src->base + off), SEEK_SET) != 0) return -1;
  return fread(dst, 1, n, src->fp) == n ? 0 : -1;
}

static int parse_json(const data_source *src, const char *what, const cJSON *root, uint64_t data_len, rl_st_file *out,
                      rl_error *err) {
  if (!cJSON_IsObject(root)) return rl_fail(err, "%s: header is not a JSON object", what);
  int n = cJSON_GetArraySize(root);
  const cJSON *meta = NULL;
  entry *entries = calloc((size_t)n + 1, sizeof *entries);
  entry **order = calloc((size_t)n + 1, sizeof *order);
  const char **names = calloc((size_t)n + 1, sizeof *names);
  int rc = -1, ne = 0;
  if (!entries || !order || !names) {
    rl_fail(err, "%s: out of memory reading the header", what);
    goto done;
  }
  const cJSON *item;
  cJSON_ArrayForEach(item, root) {
    if (strcmp(item->string, "__metadata__") == 0) {
      if (meta) {
        rl_fail(err, "%s: __metadata__ appears twice", what);
        goto done;
      }
      meta = item;
      continue;
    }
    if (item->string[0] == '\0') {
      rl_fail(err, "%s: a tensor has an empty name", what);
      goto done;
    }
    if (check_entry(what, item, data_len, &entries[ne], err) != 0) goto done;
    names[ne] = item->string;
    order[ne] = &entries[ne];
    ne++;
  }
  qsort(names, (size_t)ne, sizeof *names, cmp_name);
  for (int i = 1; i < ne; i++)
    if (strcmp(names[i - 1], names[i]) == 0) {
      rl_fail(err, "%s: tensor name '%s' appears twice", what, names[i]);
      goto done;
    }
  /* The tensors must tile [0, data_len) exactly. */
  qsort(order, (size_t)ne, sizeof *order, cmp_entry_offset);
  uint64_t pos = 0;
  for (int i = 0; i < ne; i++) {
    if (order[i]->begin < pos) {
      rl_fail(err, "%s: tensors '%s' and '%s' have overlapping data_offsets", what, order[i - 1]->name,
              order[i]->name);
      goto done;
    }
    if (order[i]->begin > pos) {
      rl_fail(err, "%s: data offsets are not contiguous: a gap of %llu bytes before tensor '%s'", what,
              (unsigned long long)(order[i]->begin - pos), order[i]->name);
      goto done;
    }
    pos = order[i]->end;
  }
  if (pos != data_len) {
    rl_fail(err, "%s: data offsets are not contiguous: %llu bytes after the last tensor are not used", what,
            (unsigned long long)(data_len - pos));
    goto done;
  }

  if (meta && parse_metadata(what, meta, out, err) != 0) goto done;
  out->tensors = calloc((size_t)ne + 1, sizeof *out->tensors);
  if (!out->tensors) {
    rl_fail(err, "%s: out of memory", what);
    goto done;
  }
  for (int i = 0; i < ne; i++) { /* header order */
    const entry *e = &entries[i];
    rl_st_tensor *t = &out->tensors[out->ntensors];
    t->name = dup_string(e->name);
    t->data = malloc(e->numel ? e->numel * sizeof(float) : sizeof(float));
    if (!t->name || !t->data) {
      free(t->name);
      free(t->data);
      rl_fail(err, "%s: out of memory for tensor '%s' (%zu floats)", what, e->name, e->numel);
      goto done;
    }
    t->ndim = e->ndim;
    memcpy(t->shape, e->shape, sizeof t->shape);
    t->numel = e->numel;
    out->ntensors++;
    if (read_data(src, e->begin, t->data, e->numel * 4) != 0) {
      rl_fail(err, "%s: read error in the data of tensor '%s'", what, e->name);
      goto done;
    }
    /* little-endian bytes to floats, in place */
    for (size_t k = 0; k < e->numel; k++) t->data[k] = load_le_f32((const unsigned char *)t->data + 4 * k);
  }
  rc = 0;
done:
  free(entries);
  free(order);
  free(names);
  return rc;
}

/* An upper bound on the number of values cJSON would create: one per '{' '[' ',' outside strings. */
static size_t count_json_values(const char *s, size_t n) {
  size_t count = 1;
  int in_string = 0;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (in_string) {
      if (c == '\\') i++;
      else if (c == '"') in_string = 0;
    } else if (c == '"') in_string = 1;
    else if (c == '{' || c == '[' || c == ',') count++;
  }
  return count;
}

/* The 8-byte header length n against what follows it (avail bytes). */
static int check_header_len(uint64_t n, uint64_t avail, const char *what, rl_error *err) {
  if (n > RL_ST_MAX_HEADER)
    return rl_fail(err, "%s: header length %llu is larger than the limit of %u bytes (not a safetensors file?)", what,
                   (unsigned long long)n, RL_ST_MAX_HEADER);
  if (n > avail)
    return rl_fail(err, "%s: header length %llu is larger than the file (%llu bytes after the length): truncated?",
                   what, (unsigned long long)n, (unsigned long long)avail);
  if (n < 2) return rl_fail(err, "%s: header is empty (invalid JSON)", what);
  return 0;
}

/* Parses and checks the n-byte JSON header completely, then reads the tensors from src. */
static int parse_header(const char *hdr, size_t n, uint64_t data_len, const data_source *src, const char *what,
                        rl_st_file *out, rl_error *err) {
  const char *end = NULL;
  size_t values = count_json_values(hdr, n);
  if (values > RL_ST_MAX_JSON_VALUES)
    return rl_fail(err, "%s: header has too many JSON values (about %zu, at most %d)", what, values,
                   RL_ST_MAX_JSON_VALUES);
  cJSON *root = cJSON_ParseWithLengthOpts(hdr, n, &end, 0);
  if (!root) {
    long at = end && end >= hdr && end <= hdr + n ? (long)(end - hdr) : -1;
    return rl_fail(err, "%s: header is invalid JSON (near byte %ld of %zu)", what, at, n);
  }
  /* Only whitespace may follow the JSON value (writers pad with spaces to a multiple of 8). */
  for (const char *p = end; p && p < hdr + n; p++) {
    if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r') {
      cJSON_Delete(root);
      return rl_fail(err, "%s: header is invalid JSON: unexpected bytes after the header object (byte %ld)", what,
                     (long)(p - hdr));
    }
  }
  int rc = parse_json(src, what, root, data_len, out, err);
  cJSON_Delete(root);
  if (rc != 0) rl_st_free(out);
  return rc;
}

int rl_st_parse(const unsigned char *bytes, size_t len, const char *what, rl_st_file *out, rl_error *err) {
  memset(out, 0, sizeof *out);
  if (!what) what = "safetensors";
  if (!bytes || len < 8)
    return rl_fail(err, "%s: file is %zu bytes, too short for a safetensors file (the header length alone is 8)", what,
                   bytes ? len : (size_t)0);
  uint64_t n = load_le64(bytes);
  if (check_header_len(n, len - 8, what, err) != 0) return -1;
  data_source src = {bytes + 8 + n, NULL, 0};
  return parse_header((const char *)bytes + 8, (size_t)n, (uint64_t)(len - 8) - n, &src, what, out, err);
}

/* Reads the length and the header first and checks all of it before reading any tensor, so a
 * large file with a broken header costs neither memory nor time. */
int rl_st_read(const char *path, rl_st_file *out, rl_error *err) {
  memset(out, 0, sizeof *out);
  char eb[128];
  FILE *fp = rl_open_regular(path, err);
  if (!fp) return -1;
  struct stat st;
  if (fstat(fileno(fp), &st) != 0) {
    int e = errno;
    fclose(fp);
    return rl_fail(err, "%s: cannot stat: %s", path, sys_error(e, eb, sizeof eb));
  }
  if (st.st_size < 0 || (uint64_t)st.st_size > RL_ST_MAX_FILE || (uint64_t)st.st_size > SIZE_MAX) {
    fclose(fp);
    return rl_fail(err, "%s: file is too large (%lld bytes; rnnlab reads model files up to 4 GiB)", path,
                   (long long)st.st_size);
  }
  uint64_t size = (uint64_t)st.st_size;
  unsigned char len8[8];
  if (size < 8) {
    fclose(fp);
    return rl_fail(err, "%s: file is %llu bytes, too short for a safetensors file (the header length alone is 8)",
                   path, (unsigned long long)size);
  }
  if (fread(len8, 1, 8, fp) != 8) {
    fclose(fp);
    return rl_fail(err, "%s: read error in the header length", path);
  }
  uint64_t n = load_le64(len8);
  if (check_header_len(n, size - 8, path, err) != 0) {
    fclose(fp);
    return -1;
  }
  char *hdr = malloc((size_t)n);
  if (!hdr) {
    fclose(fp);
    return rl_fail(err, "%s: out of memory reading a %llu-byte header", path, (unsigned long long)n);
  }
  int rc;
  if (fread(hdr, 1, (size_t)n, fp) != (size_t)n) {
    rc = rl_fail(err, "%s: read error in the header", path);
  } else {
    data_source src = {NULL, fp, 8 + n};
    rc = parse_header(hdr, (size_t)n, size - 8 - n, &src, path, out, err);
  }
  free(hdr);
  fclose(fp);
  return rc;
}

/* ---------------------------------------------------------------------------------------------- */
/* Writing */

/* Builds the whole image in memory: header length, padded JSON header, data. */
static int build_image(const char *path, const rl_st_file *f, unsigned char **out, size_t *out_len, rl_error *err) {
  cJSON *root = cJSON_CreateObject();
  if (!root) return rl_fail(err, "%s: out of memory", path);
  size_t offset = 0;
  int ok = 1;
  if (f->nmeta > 0) {
    cJSON *meta = cJSON_AddObjectToObject(root, "__metadata__");
    ok = meta != NULL;
    for (int i = 0; ok && i < f->nmeta; i++) ok = cJSON_AddStringToObject(meta, f->meta_keys[i], f->meta_values[i]) != NULL;
  }
  for (int i = 0; ok && i < f->ntensors; i++) {
    const rl_st_tensor *t = &f->tensors[i];
    size_t numel, bytes;
    if (t->ndim < 0 || t->ndim > RL_ST_MAX_DIMS || shape_numel(t->ndim, t->shape, &numel) != 0 || numel != t->numel ||
        rl_mul_size(numel, 4, &bytes) != 0) {
      cJSON_Delete(root);
      return rl_fail(err, "%s: tensor '%s' has an inconsistent shape", path, t->name);
    }
    cJSON *e = cJSON_AddObjectToObject(root, t->name);
    cJSON *shape = e ? cJSON_AddArrayToObject(e, "shape") : NULL;
    cJSON *offs = shape ? cJSON_AddArrayToObject(e, "data_offsets") : NULL;
    ok = offs && cJSON_AddStringToObject(e, "dtype", "F32");
    for (int d = 0; ok && d < t->ndim; d++) {
      cJSON *v = cJSON_CreateNumber((double)t->shape[d]);
      ok = v && cJSON_AddItemToArray(shape, v);
    }
    if (ok) {
      cJSON *b = cJSON_CreateNumber((double)offset), *en = cJSON_CreateNumber((double)(offset + bytes));
      ok = b && en && cJSON_AddItemToArray(offs, b) && cJSON_AddItemToArray(offs, en);
    }
    offset += bytes;
  }
  char *json = ok ? cJSON_PrintUnformatted(root) : NULL;
  cJSON_Delete(root);
  if (!json) return rl_fail(err, "%s: out of memory building the header", path);
  size_t jlen = strlen(json);
  size_t hlen = (jlen + 7) / 8 * 8;
  size_t total = 8 + hlen + offset;
  unsigned char *img = malloc(total);
  if (!img) {
    free(json);
    return rl_fail(err, "%s: out of memory (%zu bytes)", path, total);
  }
  for (int i = 0; i < 8; i++) img[i] = (unsigned char)((uint64_t)hlen >> (8 * i));
  memcpy(img + 8, json, jlen);
  memset(img + 8 + jlen, ' ', hlen - jlen);
  free(json);
  unsigned char *p = img + 8 + hlen;
  for (int i = 0; i < f->ntensors; i++) {
    const rl_st_tensor *t = &f->tensors[i];
    for (size_t k = 0; k < t->numel; k++, p += 4) store_le_f32(p, t->data[k]);
  }
  *out = img;
  *out_len = total;
  return 0;
}

/* The image of f; `what` names it in messages. */
static int serialize(const char *what, const rl_st_file *f, unsigned char **img, size_t *len, rl_error *err) {
  for (int i = 0; i < f->ntensors; i++)
    for (int j = 0; j < i; j++)
      if (strcmp(f->tensors[i].name, f->tensors[j].name) == 0)
        return rl_fail(err, "%s: tensor name '%s' appears twice", what, f->tensors[i].name);
  return build_image(what, f, img, len, err);
}

int rl_st_serialize(const rl_st_file *f, unsigned char **out, size_t *len, rl_error *err) {
  return serialize("safetensors", f, out, len, err);
}

int rl_st_write(const char *path, const rl_st_file *f, rl_error *err) {
  unsigned char *img = NULL;
  size_t len = 0;
  if (!path || !*path) return rl_fail(err, "safetensors: no file name given");
  if (serialize(path, f, &img, &len, err) != 0) return -1;
  int rc = rl_write_file(path, img, len, err);
  free(img);
  return rc;
}
