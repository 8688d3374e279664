/* Model construction: names, configuration checks, the parameter table and initialisation. */
#include "model.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *CELL_NAMES[] = {"rnn", "lstm", "gru"};
static const char *NONLIN_NAMES[] = {"tanh", "relu", "sigmoid"};
static const char *HEAD_NAMES[] = {"step", "final"};
static const char *INIT_NAMES[] = {"pytorch", "orthogonal", "identity"};

const char *rl_cell_name(rl_cell c) { return (unsigned)c < 3 ? CELL_NAMES[c] : "?"; }
const char *rl_nonlin_name(rl_nonlin a) { return (unsigned)a < 3 ? NONLIN_NAMES[a] : "?"; }
const char *rl_head_name(rl_head h) { return (unsigned)h < 2 ? HEAD_NAMES[h] : "?"; }
const char *rl_init_name(rl_init_kind k) { return (unsigned)k < 3 ? INIT_NAMES[k] : "?"; }

static int parse_name(const char *s, const char *const *names, int n) {
  if (!s) return -1;
  for (int i = 0; i < n; i++)
    if (!strcmp(s, names[i])) return i;
  return -1;
}

int rl_cell_parse(const char *s, rl_cell *out) {
  int i = parse_name(s, CELL_NAMES, 3);
  if (i < 0) return -1;
  *out = (rl_cell)i;
  return 0;
}
int rl_nonlin_parse(const char *s, rl_nonlin *out) {
  int i = parse_name(s, NONLIN_NAMES, 3);
  if (i < 0) return -1;
  *out = (rl_nonlin)i;
  return 0;
}
int rl_head_parse(const char *s, rl_head *out) {
  int i = parse_name(s, HEAD_NAMES, 2);
  if (i < 0) return -1;
  *out = (rl_head)i;
  return 0;
}
int rl_init_parse(const char *s, rl_init_kind *out) {
  int i = parse_name(s, INIT_NAMES, 3);
  if (i < 0) return -1;
  *out = (rl_init_kind)i;
  return 0;
}

int rl_cell_gates(rl_cell c) { return c == RL_CELL_LSTM ? 4 : c == RL_CELL_GRU ? 3 : 1; }

rl_config rl_config_default(void) {
  rl_config c = {0};
  c.cell = RL_CELL_LSTM;
  c.nonlin = RL_ACT_TANH;
  c.vocab = 16;
  c.embed = 16;
  c.hidden = 32;
  c.layers = 1;
  c.head = RL_HEAD_STEP;
  c.classes = 16;
  return c;
}

int rl_config_check(const rl_config *c, rl_error *err) {
  if ((unsigned)c->cell > 2) return rl_fail(err, "unknown cell type %d (expected rnn, lstm or gru)", (int)c->cell);
  if ((unsigned)c->nonlin > 2)
    return rl_fail(err, "unknown nonlinearity %d (expected tanh, relu or sigmoid)", (int)c->nonlin);
  if ((unsigned)c->head > 1) return rl_fail(err, "unknown head %d (expected step or final)", (int)c->head);
  if (c->vocab < 1 || c->vocab > RL_MAX_VOCAB)
    return rl_fail(err, "vocabulary size %d out of range (1..%d)", c->vocab, RL_MAX_VOCAB);
  if (c->embed < 1 || c->embed > RL_MAX_WIDTH)
    return rl_fail(err, "embedding size %d out of range (1..%d)", c->embed, RL_MAX_WIDTH);
  if (c->hidden < 1 || c->hidden > RL_MAX_WIDTH)
    return rl_fail(err, "hidden size %d out of range (1..%d)", c->hidden, RL_MAX_WIDTH);
  if (c->layers < 1 || c->layers > RL_MAX_LAYERS)
    return rl_fail(err, "layer count %d out of range (1..%d)", c->layers, RL_MAX_LAYERS);
  if (c->bidirectional != 0 && c->bidirectional != 1)
    return rl_fail(err, "bidirectional must be 0 or 1, not %d", c->bidirectional);
  if (c->residual != 0 && c->residual != 1) return rl_fail(err, "residual must be 0 or 1, not %d", c->residual);
  if (c->classes < 1 || c->classes > RL_MAX_VOCAB)
    return rl_fail(err, "class count %d out of range (1..%d)", c->classes, RL_MAX_VOCAB);
  return 0;
}

/* Appends one tensor to the table; offsets are in floats. */
static void add_tensor(rl_model *m, const char *name, int ndim, int d0, int d1, size_t *offset) {
  rl_tensor_info *t = &m->tensors[m->ntensors++];
  snprintf(t->name, sizeof t->name, "%s", name);
  t->ndim = ndim;
  t->shape[0] = d0;
  t->shape[1] = ndim == 2 ? d1 : 0;
  t->numel = (size_t)d0 * (size_t)(ndim == 2 ? d1 : 1);
  t->offset = *offset;
  *offset += t->numel;
}

int rl_model_create(const rl_config *cfg, rl_model **out, rl_error *err) {
  *out = NULL;
  if (rl_config_check(cfg, err)) return -1;
  rl_model *m = calloc(1, sizeof *m);
  if (!m) return rl_fail(err, "out of memory creating the model");
  m->cfg = *cfg;
  m->G = rl_cell_gates(cfg->cell);
  m->D = cfg->bidirectional ? 2 : 1;
  m->nthreads = 1;
  m->trace_example = -1;
  m->traced_row = -1;
  m->trace.last_scored = -1;
  for (int g = 0; g < 4; g++) m->clamps.value[g] = NAN;
  int L = cfg->layers, D = m->D, G = m->G, H = cfg->hidden;
  m->tensors = calloc((size_t)(3 + 4 * L * D), sizeof *m->tensors);
  m->rnn = calloc((size_t)(L * D), sizeof *m->rnn);
  if (!m->tensors || !m->rnn) {
    rl_model_free(m);
    return rl_fail(err, "out of memory creating the model");
  }
  size_t off = 0;
  char name[48];
  add_tensor(m, "embedding.weight", 2, cfg->vocab, cfg->embed, &off);
  for (int l = 0; l < L; l++) {
    for (int d = 0; d < D; d++) {
      const char *sfx = d ? "_reverse" : "";
      int in = l == 0 ? cfg->embed : D * H;
      m->rnn[l * D + d].in = in;
      snprintf(name, sizeof name, "rnn.weight_ih_l%d%s", l, sfx);
      add_tensor(m, name, 2, G * H, in, &off);
      snprintf(name, sizeof name, "rnn.weight_hh_l%d%s", l, sfx);
      add_tensor(m, name, 2, G * H, H, &off);
      snprintf(name, sizeof name, "rnn.bias_ih_l%d%s", l, sfx);
      add_tensor(m, name, 1, G * H, 0, &off);
      snprintf(name, sizeof name, "rnn.bias_hh_l%d%s", l, sfx);
      add_tensor(m, name, 1, G * H, 0, &off);
    }
  }
  add_tensor(m, "head.weight", 2, cfg->classes, D * H, &off);
  add_tensor(m, "head.bias", 1, cfg->classes, 0, &off);
  m->nparams = off;
  m->params = calloc(off, sizeof(float));
  m->grads = calloc(off, sizeof(float));
  if (!m->params || !m->grads) {
    rl_model_free(m);
    return rl_fail(err, "out of memory: the model has %zu parameters", off);
  }
  m->embedding = m->params + m->tensors[0].offset;
  for (int i = 0; i < L * D; i++) {
    rl_tensor_info *t = &m->tensors[1 + 4 * i];
    m->rnn[i].w_ih = m->params + t[0].offset;
    m->rnn[i].w_hh = m->params + t[1].offset;
    m->rnn[i].b_ih = m->params + t[2].offset;
    m->rnn[i].b_hh = m->params + t[3].offset;
  }
  m->head_w = m->params + m->tensors[m->ntensors - 2].offset;
  m->head_b = m->params + m->tensors[m->ntensors - 1].offset;
  *out = m;
  return 0;
}

const rl_tensor_info *rl_model_find_tensor(const rl_model *m, const char *name) {
  for (int i = 0; i < m->ntensors; i++)
    if (!strcmp(m->tensors[i].name, name)) return &m->tensors[i];
  return NULL;
}

int rl_model_copy_params(rl_model *dst, const rl_model *src, rl_error *err) {
  if (memcmp(&dst->cfg, &src->cfg, sizeof dst->cfg) != 0 || dst->nparams != src->nparams)
    return rl_fail(err, "cannot copy parameters between models of different configuration");
  memcpy(dst->params, src->params, src->nparams * sizeof(float));
  return 0;
}

rl_init_opts rl_init_default(uint64_t seed) {
  rl_init_opts o;
  o.seed = seed;
  o.recurrent = RL_INIT_PYTORCH;
  o.spectral_radius = 0.0f;
  o.forget_bias = NAN;
  return o;
}

/* Fills the n x n block (row stride ld) with an orthogonal matrix: QR of a Gaussian matrix by
 * modified Gram-Schmidt in double precision, columns signed so the decomposition is unique. */
static int orthogonal_block(float *w, int n, int ld, rl_rng *rng) {
  double *a = malloc(sizeof(double) * (size_t)n * (size_t)n);
  if (!a) return -1;
  for (int i = 0; i < n * n; i++) a[i] = rl_rng_normal(rng);
  /* columns j of a (a[i*n + j]) are orthonormalised in order */
  for (int j = 0; j < n; j++) {
    for (int k = 0; k < j; k++) {
      double dot = 0;
      for (int i = 0; i < n; i++) dot += a[i * n + j] * a[i * n + k];
      for (int i = 0; i < n; i++) a[i * n + j] -= dot * a[i * n + k];
    }
    double norm = 0;
    for (int i = 0; i < n; i++) norm += a[i * n + j] * a[i * n + j];
    norm = sqrt(norm);
    if (norm < 1e-12) norm = 1e-12;
    for (int i = 0; i < n; i++) a[i * n + j] /= norm;
  }
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) w[(size_t)i * ld + j] = (float)a[i * n + j];
  free(a);
  return 0;
}

float rl_largest_singular_value(const float *w, int rows, int cols) {
  if (rows < 1 || cols < 1) return 0.0f;
  double *v = malloc(sizeof(double) * (size_t)cols), *u = malloc(sizeof(double) * (size_t)rows);
  if (!v || !u) {
    free(v);
    free(u);
    return NAN;
  }
  for (int j = 0; j < cols; j++) v[j] = 1.0 + 0.01 * j; /* deterministic, not orthogonal to anything typical */
  double sigma = 0;
  for (int it = 0; it < 300; it++) {
    for (int i = 0; i < rows; i++) {
      double s = 0;
      for (int j = 0; j < cols; j++) s += (double)w[(size_t)i * cols + j] * v[j];
      u[i] = s;
    }
    double un = 0;
    for (int i = 0; i < rows; i++) un += u[i] * u[i];
    for (int j = 0; j < cols; j++) {
      double s = 0;
      for (int i = 0; i < rows; i++) s += (double)w[(size_t)i * cols + j] * u[i];
      v[j] = s;
    }
    double vn = 0;
    for (int j = 0; j < cols; j++) vn += v[j] * v[j];
    vn = sqrt(vn);
    if (vn == 0) break;
    for (int j = 0; j < cols; j++) v[j] /= vn;
    double next = sqrt(un);
    if (it > 10 && fabs(next - sigma) <= 1e-9 * next) {
      sigma = next;
      break;
    }
    sigma = next;
  }
  free(v);
  free(u);
  return (float)sigma;
}

float rl_spectral_radius(const float *w, int n) {
  /* Gelfand: rho = lim ||W^k v||^(1/k). Averaging the log growth over many steps also
   * converges when the dominant eigenvalues are a complex pair (plain power iteration does not). */
  if (n < 1) return 0.0f;
  double *v = malloc(sizeof(double) * (size_t)n), *u = malloc(sizeof(double) * (size_t)n);
  if (!v || !u) {
    free(v);
    free(u);
    return NAN;
  }
  rl_rng rng;
  rl_rng_seed(&rng, 12345);
  for (int j = 0; j < n; j++) v[j] = rl_rng_normal(&rng);
  const int burn = 200, steps = 2000;
  double logsum = 0;
  for (int it = 0; it < burn + steps; it++) {
    double norm = 0;
    for (int i = 0; i < n; i++) {
      double s = 0;
      for (int j = 0; j < n; j++) s += (double)w[(size_t)i * n + j] * v[j];
      u[i] = s;
      norm += s * s;
    }
    norm = sqrt(norm);
    if (norm == 0) {
      logsum = -INFINITY;
      break;
    }
    for (int i = 0; i < n; i++) v[i] = u[i] / norm;
    if (it >= burn) logsum += log(norm);
  }
  free(v);
  free(u);
  return isinf(logsum) ? 0.0f : (float)exp(logsum / steps);
}

int rl_model_init_params(rl_model *m, const rl_init_opts *o, rl_error *err) {
  const rl_config *c = &m->cfg;
  if (!(o->spectral_radius >= 0.0f) || o->spectral_radius > 100.0f)
    return rl_fail(err, "spectral radius %g out of range (0 = leave, or 0 < r <= 100)", o->spectral_radius);
  if ((unsigned)o->recurrent > 2) return rl_fail(err, "unknown recurrent initialisation %d", (int)o->recurrent);
  if (!isnan(o->forget_bias) && !isfinite(o->forget_bias))
    return rl_fail(err, "forget-gate bias must be a finite number");
  rl_rng rng;
  rl_rng_seed(&rng, o->seed);
  int H = c->hidden, G = m->G;
  float *e = m->embedding;
  for (size_t i = 0; i < (size_t)c->vocab * c->embed; i++) e[i] = rl_rng_normal(&rng);
  float k = 1.0f / sqrtf((float)H);
  for (int ld = 0; ld < c->layers * m->D; ld++) {
    rl_rnn_params *p = &m->rnn[ld];
    /* PyTorch order: weight_ih, weight_hh, bias_ih, bias_hh, all U(-k, k) */
    for (size_t i = 0; i < (size_t)G * H * p->in; i++) p->w_ih[i] = rl_rng_uniform_range(&rng, -k, k);
    for (size_t i = 0; i < (size_t)G * H * H; i++) p->w_hh[i] = rl_rng_uniform_range(&rng, -k, k);
    for (int i = 0; i < G * H; i++) p->b_ih[i] = rl_rng_uniform_range(&rng, -k, k);
    for (int i = 0; i < G * H; i++) p->b_hh[i] = rl_rng_uniform_range(&rng, -k, k);
    for (int g = 0; g < G; g++) {
      float *blk = p->w_hh + (size_t)g * H * H;
      if (o->recurrent == RL_INIT_ORTHOGONAL) {
        if (orthogonal_block(blk, H, H, &rng)) return rl_fail(err, "out of memory in orthogonal initialisation");
      } else if (o->recurrent == RL_INIT_IDENTITY) {
        for (int i = 0; i < H; i++)
          for (int j = 0; j < H; j++) blk[(size_t)i * H + j] = i == j ? 1.0f : 0.0f;
      }
      if (o->spectral_radius > 0.0f) {
        float rho = rl_spectral_radius(blk, H);
        if (!(rho > 1e-12f)) return rl_fail(err, "cannot rescale a recurrent matrix whose spectral radius is 0");
        float s = o->spectral_radius / rho;
        for (size_t i = 0; i < (size_t)H * H; i++) blk[i] *= s;
      }
    }
    if (c->cell == RL_CELL_LSTM && !isnan(o->forget_bias)) {
      for (int i = 0; i < H; i++) {
        p->b_ih[H + i] = o->forget_bias; /* forget block is rows H..2H-1 (i, f, g, o) */
        p->b_hh[H + i] = 0.0f;
      }
    }
  }
  float kh = 1.0f / sqrtf((float)(m->D * H));
  for (size_t i = 0; i < (size_t)c->classes * m->D * H; i++) m->head_w[i] = rl_rng_uniform_range(&rng, -kh, kh);
  for (int i = 0; i < c->classes; i++) m->head_b[i] = rl_rng_uniform_range(&rng, -kh, kh);
  return 0;
}
