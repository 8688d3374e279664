/* rnnlab model files on top of safetensors (see modelfile.h).
 *
 * Saving writes every tensor of m->tensors under its PyTorch name, and metadata with everything
 * needed to rebuild the model ("format": "rnnlab-model-1", cell, sizes, head, vocabulary), and
 * "rnnlab_version": the version that wrote it (version.h; informative, never checked on load).
 *
 * Loading checks the file against the model it describes: every tensor of the model's table must
 * be present with exactly its shape, nothing else may be present, and every value must be finite.
 * Choice: non-finite weights (NaN, +-inf) are rejected with a message naming the tensor and the
 * index, not loaded with a warning: such a model computes NaN everywhere, and a teaching tool should
 * say so at the door rather than draw empty plots.
 *
 * Tensors whose names begin with "optim." are skipped: checkpoints store optimizer state under that
 * prefix next to the model, so a checkpoint also opens as a model. */
#define _POSIX_C_SOURCE 200809L
#include "modelfile.h"
#include "version.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RL_MODEL_FORMAT "rnnlab-model-1"
#define RL_GRADS_FORMAT "rnnlab-grads-1"
#define RL_IGNORED_PREFIX "optim."

/* Puts "what: extra" in front of an error message. */
static void prefix_error(rl_error *err, const char *what, const char *extra) {
  if (!err) return;
  char msg[sizeof err->msg];
  snprintf(msg, sizeof msg, "%.200s: %s%.290s", what, extra, err->msg);
  memcpy(err->msg, msg, sizeof msg);
}

/* ---------------------------------------------------------------------------------------------- */
/* Saving */

static int add_int_meta(rl_st_file *f, const char *key, int v, rl_error *err) {
  char buf[32];
  snprintf(buf, sizeof buf, "%d", v);
  return rl_st_add_meta(f, key, buf, err);
}

static int add_vocab_meta(const rl_model *m, rl_st_file *f, rl_error *err) {
  const rl_vocab *v = &m->vocab;
  if (v->level == RL_VOCAB_NONE) return 0;
  if (v->level != RL_VOCAB_CHAR && v->level != RL_VOCAB_WORD) return rl_fail(err, "model has an unknown vocabulary level");
  if (v->size != m->cfg.vocab || !v->tokens)
    return rl_fail(err, "model's vocabulary has %d tokens but its vocab size is %d", v->size, m->cfg.vocab);
  cJSON *arr = cJSON_CreateArray();
  int ok = arr != NULL;
  for (int i = 0; ok && i < v->size; i++) {
    cJSON *s = v->tokens[i] ? cJSON_CreateString(v->tokens[i]) : NULL;
    ok = s && cJSON_AddItemToArray(arr, s);
  }
  char *json = ok ? cJSON_PrintUnformatted(arr) : NULL;
  cJSON_Delete(arr);
  if (!json) return rl_fail(err, "out of memory writing the vocabulary");
  int rc = rl_st_add_meta(f, "vocab_level", v->level == RL_VOCAB_CHAR ? "char" : "word", err);
  if (rc == 0) rc = rl_st_add_meta(f, "vocab", json, err);
  free(json);
  return rc;
}

static int add_config_meta(const rl_model *m, rl_st_file *f, const char *format, rl_error *err) {
  const rl_config *c = &m->cfg;
  if (rl_st_add_meta(f, "format", format, err) || rl_st_add_meta(f, "rnnlab_version", rl_version(), err) ||
      rl_st_add_meta(f, "cell", rl_cell_name(c->cell), err) ||
      rl_st_add_meta(f, "nonlinearity", rl_nonlin_name(c->nonlin), err) ||
      rl_st_add_meta(f, "head", rl_head_name(c->head), err) || add_int_meta(f, "classes", c->classes, err) ||
      add_int_meta(f, "residual", c->residual ? 1 : 0, err) ||
      add_int_meta(f, "bidirectional", c->bidirectional ? 1 : 0, err) || add_int_meta(f, "layers", c->layers, err) ||
      add_int_meta(f, "hidden", c->hidden, err) || add_int_meta(f, "embed", c->embed, err) ||
      add_int_meta(f, "vocab_size", c->vocab, err))
    return -1;
  return add_vocab_meta(m, f, err);
}

/* Every tensor of the table with data from buf (params or grads). */
static int model_tensors_to_st(const rl_model *m, const float *buf, const char *format, rl_st_file *f,
                               rl_error *err) {
  memset(f, 0, sizeof *f);
  if (!m || !buf || !m->tensors) return rl_fail(err, "no model to save");
  if (add_config_meta(m, f, format, err) != 0) goto fail;
  for (int i = 0; i < m->ntensors; i++) {
    const rl_tensor_info *t = &m->tensors[i];
    int64_t shape[2] = {t->shape[0], t->ndim == 2 ? t->shape[1] : 0};
    if (t->offset > m->nparams || t->numel > m->nparams - t->offset) {
      rl_fail(err, "tensor %s lies outside the parameter buffer", t->name);
      goto fail;
    }
    if (rl_st_add_tensor(f, t->name, t->ndim, shape, buf + t->offset, err) != 0) goto fail;
  }
  return 0;
fail:
  rl_st_free(f);
  return -1;
}

int rl_model_to_st(const rl_model *m, rl_st_file *f, rl_error *err) {
  return model_tensors_to_st(m, m ? m->params : NULL, RL_MODEL_FORMAT, f, err);
}

static int save_buffer(const rl_model *m, const float *buf, const char *format, const char *path, rl_error *err) {
  rl_st_file f;
  if (model_tensors_to_st(m, buf, format, &f, err) != 0) {
    prefix_error(err, path, "");
    return -1;
  }
  int rc = rl_st_write(path, &f, err);
  rl_st_free(&f);
  return rc;
}

int rl_model_save(const rl_model *m, const char *path, rl_error *err) {
  return save_buffer(m, m ? m->params : NULL, RL_MODEL_FORMAT, path, err);
}

int rl_model_save_grads(const rl_model *m, const char *path, rl_error *err) {
  return save_buffer(m, m ? m->grads : NULL, RL_GRADS_FORMAT, path, err);
}

/* ---------------------------------------------------------------------------------------------- */
/* Loading: the configuration */

/* Strict integer: optional '-', digits only, no spaces, in [lo, hi]. */
static int parse_int(const char *s, long lo, long hi, int *out) {
  if (!s || !*s || isspace((unsigned char)s[0]) || s[0] == '+') return -1;
  char *end = NULL;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi) return -1;
  *out = (int)v;
  return 0;
}

static int meta_int(const rl_st_file *f, const char *what, const char *key, long lo, long hi, int *out,
                    rl_error *err) {
  const char *s = rl_st_meta(f, key);
  if (!s) return rl_fail(err, "%s: metadata has no '%s' (every rnnlab-model-1 file records it)", what, key);
  if (parse_int(s, lo, hi, out) != 0)
    return rl_fail(err, "%s: metadata '%s' is '%.40s', expected an integer from %ld to %ld", what, key, s, lo, hi);
  return 0;
}

static int config_from_meta(const rl_st_file *f, const char *what, rl_config *c, rl_error *err) {
  memset(c, 0, sizeof *c);
  const char *cell = rl_st_meta(f, "cell"), *nl = rl_st_meta(f, "nonlinearity"), *head = rl_st_meta(f, "head");
  if (!cell) return rl_fail(err, "%s: metadata has no 'cell'", what);
  if (rl_cell_parse(cell, &c->cell) != 0)
    return rl_fail(err, "%s: metadata 'cell' is '%.40s', expected rnn, lstm or gru", what, cell);
  if (!nl) return rl_fail(err, "%s: metadata has no 'nonlinearity'", what);
  if (rl_nonlin_parse(nl, &c->nonlin) != 0)
    return rl_fail(err, "%s: metadata 'nonlinearity' is '%.40s', expected tanh, relu or sigmoid", what, nl);
  if (!head) return rl_fail(err, "%s: metadata has no 'head'", what);
  if (rl_head_parse(head, &c->head) != 0)
    return rl_fail(err, "%s: metadata 'head' is '%.40s', expected step or final", what, head);
  if (meta_int(f, what, "vocab_size", 1, RL_MAX_VOCAB, &c->vocab, err) ||
      meta_int(f, what, "embed", 1, RL_MAX_WIDTH, &c->embed, err) ||
      meta_int(f, what, "hidden", 1, RL_MAX_WIDTH, &c->hidden, err) ||
      meta_int(f, what, "layers", 1, RL_MAX_LAYERS, &c->layers, err) ||
      meta_int(f, what, "bidirectional", 0, 1, &c->bidirectional, err) ||
      meta_int(f, what, "residual", 0, 1, &c->residual, err) ||
      meta_int(f, what, "classes", 1, RL_MAX_VOCAB, &c->classes, err))
    return -1;
  return 0;
}

/* word_language_model's names -> rnnlab's. */
static const char *canonical_name(const char *name) {
  if (strcmp(name, "encoder.weight") == 0) return "embedding.weight";
  if (strcmp(name, "decoder.weight") == 0) return "head.weight";
  if (strcmp(name, "decoder.bias") == 0) return "head.bias";
  return name;
}

static const rl_st_tensor *find_canonical(const rl_st_file *f, const char *name) {
  for (int i = 0; i < f->ntensors; i++)
    if (strcmp(canonical_name(f->tensors[i].name), name) == 0) return &f->tensors[i];
  return NULL;
}

/* "rnn.weight_ih_l{k}" or "rnn.weight_ih_l{k}_reverse": returns k (bounded), or -1. */
static int layer_index(const char *name, int *reverse) {
  static const char prefix[] = "rnn.weight_ih_l";
  if (strncmp(name, prefix, sizeof prefix - 1) != 0) return -1;
  const char *p = name + sizeof prefix - 1;
  long k = 0;
  int digits = 0;
  while (isdigit((unsigned char)*p)) {
    if (k > 100000) return -1;
    k = k * 10 + (*p++ - '0');
    digits++;
  }
  if (!digits || (digits > 1 && p[-digits] == '0')) return -1;
  if (*p == '\0') *reverse = 0;
  else if (strcmp(p, "_reverse") == 0) *reverse = 1;
  else return -1;
  return (int)k;
}

static int has_suffix(const char *s, const char *suffix) {
  size_t n = strlen(s), k = strlen(suffix);
  return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* Without metadata, a PyTorch state_dict: read the configuration off the names and shapes.
 * What a state_dict cannot tell is given PyTorch's defaults: the RNN nonlinearity is tanh
 * (nn.RNN's default; the state_dict does not record it), the head is per-timestep, there are no
 * residual connections (PyTorch's stacked RNNs have none). */
static int config_infer(const rl_st_file *f, const char *what, rl_config *c, rl_error *err) {
  memset(c, 0, sizeof *c);
  c->nonlin = RL_ACT_TANH;
  c->head = RL_HEAD_STEP;
  c->residual = 0;
  const rl_st_tensor *emb = find_canonical(f, "embedding.weight");
  const rl_st_tensor *ih = find_canonical(f, "rnn.weight_ih_l0");
  const rl_st_tensor *hh = find_canonical(f, "rnn.weight_hh_l0");
  const rl_st_tensor *hw = find_canonical(f, "head.weight");
  if (!emb) return rl_fail(err, "%s: no embedding.weight (or encoder.weight): not an rnnlab or PyTorch RNN model file", what);
  if (!ih || !hh) return rl_fail(err, "%s: no rnn.weight_ih_l0 / rnn.weight_hh_l0: not an rnnlab or PyTorch RNN model file", what);
  if (!hw) return rl_fail(err, "%s: no head.weight (or decoder.weight)", what);
  if (emb->ndim != 2 || hh->ndim != 2 || ih->ndim != 2 || hw->ndim != 2)
    return rl_fail(err, "%s: embedding.weight, rnn.weight_ih_l0, rnn.weight_hh_l0 and head.weight must be matrices",
                   what);
  int64_t rows = hh->shape[0], H = hh->shape[1];
  if (H < 1 || H > RL_MAX_WIDTH)
    return rl_fail(err, "%s: rnn.weight_hh_l0 has %lld columns: the hidden size must be 1..%d", what, (long long)H,
                   RL_MAX_WIDTH);
  if (rows == H) c->cell = RL_CELL_RNN;
  else if (rows == 4 * H) c->cell = RL_CELL_LSTM;
  else if (rows == 3 * H) c->cell = RL_CELL_GRU;
  else
    return rl_fail(err, "%s: rnn.weight_hh_l0 has shape [%lld,%lld]: its rows must be 1, 3 or 4 times the hidden "
                        "size %lld (RNN, GRU, LSTM)", what, (long long)rows, (long long)H, (long long)H);
  if (ih->shape[0] != rows)
    return rl_fail(err, "%s: rnn.weight_ih_l0 has %lld rows but rnn.weight_hh_l0 has %lld", what,
                   (long long)ih->shape[0], (long long)rows);
  int layers = 0, bidir = 0;
  for (int i = 0; i < f->ntensors; i++) {
    const char *name = f->tensors[i].name;
    int rev = 0, k = layer_index(name, &rev);
    if (k >= 0 && k + 1 > layers) layers = k + 1;
    if (strncmp(name, "rnn.", 4) == 0 && has_suffix(name, "_reverse")) bidir = 1;
  }
  if (layers > RL_MAX_LAYERS)
    return rl_fail(err, "%s: the file has %d recurrent layers; rnnlab handles up to %d", what, layers, RL_MAX_LAYERS);
  int64_t V = emb->shape[0], E = emb->shape[1], C = hw->shape[0];
  if (V < 1 || V > RL_MAX_VOCAB || E < 1 || E > RL_MAX_WIDTH)
    return rl_fail(err, "%s: embedding.weight has shape [%lld,%lld], outside rnnlab's limits (vocabulary 1..%d, width 1..%d)",
                   what, (long long)V, (long long)E, RL_MAX_VOCAB, RL_MAX_WIDTH);
  if (C < 1 || C > RL_MAX_VOCAB)
    return rl_fail(err, "%s: head.weight has %lld rows: classes must be 1..%d", what, (long long)C, RL_MAX_VOCAB);
  c->vocab = (int)V;
  c->embed = (int)E;
  c->hidden = (int)H;
  c->layers = layers;
  c->bidirectional = bidir;
  c->classes = (int)C;
  return 0;
}

/* Number of items of a flat JSON array, counted without building it (so a 100 MB string of tiny
 * values cannot make cJSON allocate gigabytes); -1 if it is not a flat array. */
static long json_flat_array_items(const char *s) {
  while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') s++;
  if (*s != '[') return -1;
  long commas = 0;
  int in_string = 0, any = 0;
  for (s++; *s; s++) {
    if (in_string) {
      if (*s == '\\' && s[1]) s++;
      else if (*s == '"') in_string = 0;
    } else if (*s == '"') {
      in_string = any = 1;
    } else if (*s == ',') {
      commas++;
    } else if (*s == '[' || *s == '{') {
      return -1;
    } else if (*s == ']') {
      return any || commas ? commas + 1 : 0;
    } else if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r') {
      any = 1;
    }
  }
  return -1;
}

/* Whether a JSON text has a string escape "\u0000": cJSON would end that string at the NUL and hand
 * back a shorter token than the file holds. */
static int json_has_nul_escape(const char *s) {
  int in_string = 0;
  for (; *s; s++) {
    if (!in_string) in_string = *s == '"';
    else if (*s == '"') in_string = 0;
    else if (*s == '\\' && s[1]) {
      if (s[1] == 'u' && !strncmp(s + 2, "0000", 4)) return 1;
      s++;
    }
  }
  return 0;
}

static int vocab_from_meta(const rl_st_file *f, const char *what, rl_model *m, rl_error *err) {
  const char *level = rl_st_meta(f, "vocab_level"), *json = rl_st_meta(f, "vocab");
  if (!level && !json) return 0;
  rl_vocab_level lv;
  if (!level || !json) return rl_fail(err, "%s: metadata has '%s' without '%s'", what, level ? "vocab_level" : "vocab",
                                      level ? "vocab" : "vocab_level");
  if (strcmp(level, "char") == 0) lv = RL_VOCAB_CHAR;
  else if (strcmp(level, "word") == 0) lv = RL_VOCAB_WORD;
  else return rl_fail(err, "%s: metadata 'vocab_level' is '%.40s', expected char or word", what, level);
  long items = json_flat_array_items(json);
  if (items < 0) return rl_fail(err, "%s: metadata 'vocab' is not a JSON array of strings", what);
  if (items != m->cfg.vocab)
    return rl_fail(err, "%s: metadata 'vocab' has %ld tokens but vocab_size is %d", what, items, m->cfg.vocab);
  if (json_has_nul_escape(json)) return rl_fail(err, "%s: metadata 'vocab' has a token with a NUL character", what);
  cJSON *arr = cJSON_Parse(json);
  if (!cJSON_IsArray(arr)) {
    cJSON_Delete(arr);
    return rl_fail(err, "%s: metadata 'vocab' is not a JSON array of strings", what);
  }
  int n = cJSON_GetArraySize(arr);
  if (n != m->cfg.vocab) {
    cJSON_Delete(arr);
    return rl_fail(err, "%s: metadata 'vocab' has %d tokens but vocab_size is %d", what, n, m->cfg.vocab);
  }
  const char **tokens = calloc((size_t)n + 1, sizeof *tokens);
  if (!tokens) {
    cJSON_Delete(arr);
    return rl_fail(err, "%s: out of memory reading the vocabulary", what);
  }
  int i = 0, rc = 0;
  const cJSON *s;
  cJSON_ArrayForEach(s, arr) {
    if (!cJSON_IsString(s)) {
      rc = rl_fail(err, "%s: metadata 'vocab' entry %d is not a string", what, i);
      break;
    }
    tokens[i++] = s->valuestring;
  }
  if (rc == 0 && rl_vocab_set(&m->vocab, lv, n, tokens, err) != 0) {
    prefix_error(err, what, "vocabulary: ");
    rc = -1;
  }
  free(tokens);
  cJSON_Delete(arr);
  return rc;
}

/* ---------------------------------------------------------------------------------------------- */
/* Loading: the tensors */

static void format_shape(char *buf, size_t n, int ndim, const int64_t *shape) {
  size_t k = 0;
  k += (size_t)snprintf(buf + k, n - k, "[");
  for (int d = 0; d < ndim && k < n; d++) k += (size_t)snprintf(buf + k, n - k, d ? ",%lld" : "%lld", (long long)shape[d]);
  if (k < n) snprintf(buf + k, n - k, "]");
}

static int is_bias(const char *name) { return strncmp(name, "rnn.bias_", 9) == 0 || strcmp(name, "head.bias") == 0; }

static int load_tensors(const rl_st_file *f, const char *what, rl_model *m, rl_error *err) {
  const rl_st_tensor **claimed = calloc((size_t)m->ntensors + 1, sizeof *claimed);
  if (!claimed) return rl_fail(err, "%s: out of memory", what);
  int rc = -1;
  /* every tensor of the file must be one of the model's (stops at the first stranger) */
  for (int i = 0; i < f->ntensors; i++) {
    const rl_st_tensor *t = &f->tensors[i];
    if (strncmp(t->name, RL_IGNORED_PREFIX, sizeof RL_IGNORED_PREFIX - 1) == 0) continue;
    const rl_tensor_info *info = rl_model_find_tensor(m, canonical_name(t->name));
    if (!info) {
      rl_fail(err, "%s: unexpected tensor '%.80s' (not part of a %s model with %d layer%s%s)", what, t->name,
              rl_cell_name(m->cfg.cell), m->cfg.layers, m->cfg.layers == 1 ? "" : "s",
              m->cfg.bidirectional ? ", bidirectional" : "");
      goto done;
    }
    size_t k = (size_t)(info - m->tensors);
    if (claimed[k]) {
      rl_fail(err, "%s: tensors '%s' and '%s' both give %s", what, claimed[k]->name, t->name, info->name);
      goto done;
    }
    claimed[k] = t;
  }
  /* every tensor of the model must be in the file, with its shape and finite values */
  for (int k = 0; k < m->ntensors; k++) {
    const rl_tensor_info *info = &m->tensors[k];
    const rl_st_tensor *t = claimed[k];
    int64_t want[2] = {info->shape[0], info->ndim == 2 ? info->shape[1] : 0};
    char ws[64], hs[64];
    format_shape(ws, sizeof ws, info->ndim, want);
    if (!t) {
      if (is_bias(info->name))
        rl_fail(err, "%s: tensor %s %s is missing: rnnlab needs biases (was the PyTorch module built with bias=False?)",
                what, info->name, ws);
      else
        rl_fail(err, "%s: tensor %s %s is missing", what, info->name, ws);
      goto done;
    }
    int same = t->ndim == info->ndim && t->numel == info->numel;
    for (int d = 0; same && d < info->ndim; d++) same = t->shape[d] == want[d];
    if (!same) {
      format_shape(hs, sizeof hs, t->ndim, t->shape);
      rl_fail(err, "%s: tensor %s has shape %s, expected %s", what, t->name, hs, ws);
      goto done;
    }
    if (info->offset > m->nparams || info->numel > m->nparams - info->offset) {
      rl_fail(err, "%s: internal error: tensor %s outside the parameter buffer", what, info->name);
      goto done;
    }
    for (size_t j = 0; j < t->numel; j++) {
      if (!isfinite(t->data[j])) {
        char where[48] = "";
        if (t->ndim == 2) snprintf(where, sizeof where, " [%zu,%zu]", j / (size_t)want[1], j % (size_t)want[1]);
        rl_fail(err, "%s: tensor %s has a non-finite value (%s) at index %zu%s; rnnlab refuses to load it", what,
                t->name, isnan(t->data[j]) ? "nan" : t->data[j] > 0 ? "inf" : "-inf", j, where);
        goto done;
      }
    }
    memcpy(m->params + info->offset, t->data, t->numel * sizeof(float));
  }
  rc = 0;
done:
  free(claimed);
  return rc;
}

/* Parameter count of a configuration, in double so absurd metadata cannot overflow it. */
static double config_param_count(const rl_config *c) {
  double G = rl_cell_gates(c->cell), D = c->bidirectional ? 2 : 1, H = c->hidden, n = (double)c->vocab * c->embed;
  for (int l = 0; l < c->layers; l++) {
    double in = l == 0 ? c->embed : D * H;
    n += D * (G * H * in + G * H * H + 2 * G * H);
  }
  return n + (double)c->classes * D * H + c->classes;
}

int rl_model_from_st(const rl_st_file *f, const char *what, rl_model **out, rl_error *err) {
  *out = NULL;
  if (!what) what = "model file";
  rl_config cfg;
  const char *format = rl_st_meta(f, "format");
  if (format && strcmp(format, RL_MODEL_FORMAT) == 0) {
    if (config_from_meta(f, what, &cfg, err) != 0) return -1;
  } else if (format && strncmp(format, "rnnlab-", 7) == 0 && strcmp(format, RL_GRADS_FORMAT) != 0) {
    return rl_fail(err, "%s: format '%.40s' is not one this rnnlab reads (%s); was it written by a newer version?",
                   what, format, RL_MODEL_FORMAT);
  } else {
    /* no rnnlab metadata (e.g. {"format": "pt"} or none at all): a PyTorch state_dict */
    if (config_infer(f, what, &cfg, err) != 0) return -1;
  }
  rl_error cerr;
  if (rl_config_check(&cfg, &cerr) != 0) return rl_fail(err, "%s: %s", what, cerr.msg);
  /* bound the allocation by what the file holds before creating the model (with slack, so a
   * small mismatch still gets the precise per-tensor message from load_tensors) */
  double want = config_param_count(&cfg), have = 0;
  for (int i = 0; i < f->ntensors; i++)
    if (strncmp(f->tensors[i].name, "optim.", 6) != 0) have += (double)f->tensors[i].numel;
  if (want > 2.0 * have + 65536.0)
    return rl_fail(err, "%s: the metadata describes a model of %.0f parameters but the file holds only %.0f values", what,
                   want, have);
  rl_model *m = NULL;
  if (rl_model_create(&cfg, &m, &cerr) != 0) return rl_fail(err, "%s: %s", what, cerr.msg);
  if (load_tensors(f, what, m, err) != 0 || vocab_from_meta(f, what, m, err) != 0) {
    rl_model_free(m);
    return -1;
  }
  *out = m;
  return 0;
}

int rl_model_load(const char *path, rl_model **out, rl_error *err) {
  *out = NULL;
  rl_st_file f;
  if (rl_st_read(path, &f, err) != 0) return -1;
  int rc = rl_model_from_st(&f, path, out, err);
  rl_st_free(&f);
  return rc;
}
