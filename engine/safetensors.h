/* The safetensors file format: 8-byte little-endian header length N, N bytes of JSON header
 * {"name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, ...,
 *  "__metadata__": {"key": "string value", ...}}, then the raw little-endian data.
 * Only F32 tensors are read into memory; other dtypes are reported as an error naming them.
 * Files come from strangers: every size is bounded before allocating and every offset is checked. */
#ifndef RNNLAB_SAFETENSORS_H
#define RNNLAB_SAFETENSORS_H
#include "rl_base.h"

#define RL_ST_MAX_DIMS 8
#define RL_ST_MAX_HEADER (100u << 20) /* 100 MB, the reference implementation's limit */

typedef struct {
  char *name;
  int ndim;
  int64_t shape[RL_ST_MAX_DIMS];
  size_t numel;
  float *data; /* [numel], owned */
} rl_st_tensor;

typedef struct {
  int ntensors;
  rl_st_tensor *tensors;
  int nmeta;
  char **meta_keys; /* owned */
  char **meta_values;
} rl_st_file;

/* Reads a whole file. On error *out is left empty and err names the file and the problem. */
int rl_st_read(const char *path, rl_st_file *out, rl_error *err);
/* Parses an in-memory image (what rl_st_read does after reading); `what` names it in messages. */
int rl_st_parse(const unsigned char *bytes, size_t len, const char *what, rl_st_file *out, rl_error *err);
/* Writes atomically (rl_write_file, fileio.h): a temporary in the same folder, fsync, rename. */
/* The file's bytes in memory (what rl_st_write writes): *out is malloc'd. */
int rl_st_serialize(const rl_st_file *f, unsigned char **out, size_t *len, rl_error *err);
int rl_st_write(const char *path, const rl_st_file *f, rl_error *err);
void rl_st_free(rl_st_file *f);

/* Building a file: these copy name/data. */
int rl_st_add_tensor(rl_st_file *f, const char *name, int ndim, const int64_t *shape, const float *data,
                     rl_error *err);
int rl_st_add_meta(rl_st_file *f, const char *key, const char *value, rl_error *err);
const rl_st_tensor *rl_st_find(const rl_st_file *f, const char *name);
const char *rl_st_meta(const rl_st_file *f, const char *key); /* NULL if absent */

#endif
