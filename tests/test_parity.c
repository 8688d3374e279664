/* Numerical parity with PyTorch: every .safetensors file in tests/fixtures/parity (written by
 * tools/make_parity_fixtures.py) holds a small model's parameters, a batch, and PyTorch's loss,
 * softmax outputs, top-layer outputs, final states and parameter gradients. rnnlab builds the same
 * model from the file's metadata, copies the parameters by name, runs forward and backward with 1, 2
 * and 3 threads, and must reproduce every tensor. Files with optimizer results also replay
 * clip_grad_norm_(0.5) + SGD / SGD-momentum / Adam steps and compare the parameters afterwards.
 *
 * Error measure, per tensor: err = max_i |rnnlab_i - ref_i| / max_i |ref_i| (the largest absolute
 * difference relative to the tensor's largest magnitude; for an all-zero reference, the plain
 * largest |difference|). Elementwise relative error would be meaningless for entries that are near
 * zero by cancellation: they carry the absolute rounding error of the large terms they were summed
 * from.
 *
 * Tolerances. The references are exact answers (PyTorch in float64 from the float32 parameters,
 * rounded once to float32); rnnlab computes in float32 (unit roundoff u = 6e-8). Each value here is
 * built from sums of at most ~60 products (dot products over E, H or D*H; weight gradients over
 * B*T positions), chained over T <= 20 timesteps and 2 layers, then through softmax/log and its
 * derivative; rounding errors add up to roughly sqrt(n)*u per sum and grow mildly
 * through the recurrence, so a correct float32 implementation lands near 1e-7..1e-6 -- PyTorch's own
 * float32 result on the same cases is 1.5e-7..7e-7 (stored as metadata torch_f32_err and printed
 * next to rnnlab's; rnnlab's largest is about 5e-7). FWD_TOL = BWD_TOL = 1e-5 leaves >10x margin
 * over that, while a formula error (a swapped gate, a missing bias, a wrong derivative) shows up at
 * 1e-2 or more; even multiplying the LSTM's h by 1.0001 fails it (errors 2e-5..1e-4).
 * Optimizer results: the updated parameters are p - (a small update), so their error is the float32
 * rounding of p (6e-8 relative) plus lr times the gradient error; OPT_TOL = 1e-6 of the tensor's
 * largest parameter. Adam would amplify the error of gradient elements near its eps (1e-8), so the
 * tool only keeps optimizer cases whose nonzero gradients all exceed 1e-6. */
#define _POSIX_C_SOURCE 200809L
#include "model.h"
#include "optim.h"
#include "safetensors.h"
#include "testutil.h"

#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define FWD_TOL 1e-5
#define BWD_TOL 1e-5
#define OPT_TOL 1e-6
#define MIN_FIXTURES 38 /* the tool writes 38 cases; fewer means files went missing */

typedef struct {
  double worst;
  char what[96];
} worst_err;

static void note(worst_err *w, double e, const char *what, int threads) {
  if (e > w->worst || !w->what[0]) {
    w->worst = e;
    snprintf(w->what, sizeof w->what, "%s, %d thread%s", what, threads, threads > 1 ? "s" : "");
  }
}

/* max|a-ref| / max|ref| (plain max|a-ref| when ref is all zeros); non-finite values give INFINITY */
static double tensor_err(const float *a, const float *ref, size_t n) {
  double dmax = 0, rmax = 0;
  for (size_t i = 0; i < n; i++) {
    if (!isfinite(a[i]) || !isfinite(ref[i])) return INFINITY;
    double d = fabs((double)a[i] - ref[i]);
    if (d > dmax) dmax = d;
    if (fabs(ref[i]) > rmax) rmax = fabs(ref[i]);
  }
  return rmax > 0 ? dmax / rmax : dmax;
}

static void compare(const char *fname, worst_err *w, const char *what, int threads, const float *a,
                    const float *ref, size_t n, double tol) {
  double e = tensor_err(a, ref, n);
  note(w, e, what, threads);
  CHECKF(e <= tol, "%s: %s (threads=%d): error %.3g of the largest |value| > tolerance %.0e", fname, what, threads, e,
         tol);
}

static const rl_st_tensor *need(const rl_st_file *f, const char *fname, const char *name, size_t numel) {
  const rl_st_tensor *t = rl_st_find(f, name);
  CHECKF(t != NULL, "%s: no tensor %s", fname, name);
  if (t && numel) CHECKF(t->numel == numel, "%s: %s has %zu values, expected %zu", fname, name, t->numel, numel);
  return t && (!numel || t->numel == numel) ? t : NULL;
}

static int meta_int(const rl_st_file *f, const char *key, int *out) {
  const char *s = rl_st_meta(f, key);
  char *end;
  if (!s) return -1;
  long v = strtol(s, &end, 10);
  if (*end || end == s || v < 0 || v > 1000000) return -1;
  *out = (int)v;
  return 0;
}

/* float tensor of exact small integers -> int array */
static int *to_ints(const rl_st_tensor *t, const char *fname) {
  int *v = malloc(t->numel * sizeof(int));
  for (size_t i = 0; v && i < t->numel; i++) {
    v[i] = (int)t->data[i];
    CHECKF((float)v[i] == t->data[i], "%s: %s[%zu] = %g is not an integer", fname, t->name, i, t->data[i]);
  }
  return v;
}

/* Copies every model tensor from the file (same name, same shape); also counts the file's
 * parameter tensors so an extra (misnamed) one is noticed. */
static int load_params(rl_model *m, const rl_st_file *f, const char *fname, const char *prefix) {
  int ok = 1;
  for (int i = 0; i < m->ntensors; i++) {
    const rl_tensor_info *ti = &m->tensors[i];
    char name[128];
    snprintf(name, sizeof name, "%s%s", prefix, ti->name);
    const rl_st_tensor *t = rl_st_find(f, name);
    int same = t && t->ndim == ti->ndim && t->shape[0] == ti->shape[0] &&
               (ti->ndim == 1 || t->shape[1] == ti->shape[1]);
    CHECKF(same, "%s: tensor %s missing or of another shape than rnnlab's [%d%s%d]", fname, name, ti->shape[0],
           ti->ndim == 2 ? "," : "", ti->ndim == 2 ? ti->shape[1] : 0);
    if (!same) {
      ok = 0;
      continue;
    }
    CHECK(rl_model_find_tensor(m, ti->name) == ti);
    memcpy(m->params + ti->offset, t->data, ti->numel * sizeof(float));
  }
  if (!*prefix) {
    int nfile = 0;
    for (int i = 0; i < f->ntensors; i++) {
      const char *n = f->tensors[i].name;
      if (strncmp(n, "input.", 6) && strncmp(n, "expect.", 7) && strncmp(n, "grad.", 5) && strncmp(n, "after.", 6))
        nfile++;
    }
    CHECKF(nfile == m->ntensors, "%s: file has %d parameter tensors, rnnlab's model %d", fname, nfile, m->ntensors);
  }
  return ok;
}

typedef struct {
  const char *fname;
  rl_st_file f;
  rl_config cfg;
  int B, T;
  int *tokens, *targets;
  rl_batch batch;
} fixture;

static int run_forward_backward(rl_model *m, fixture *fx, int threads, worst_err *w) {
  rl_error err;
  const rl_st_file *f = &fx->f;
  const char *fname = fx->fname;
  const rl_config *c = &fx->cfg;
  int B = fx->B, T = fx->T, C = c->classes, H = c->hidden, D = c->bidirectional ? 2 : 1, LD = c->layers * D;
  rl_model_set_threads(m, threads);
  m->trace_example = -1;
  float loss = NAN;
  if (rl_model_forward(m, &fx->batch, &loss, &err) != 0) {
    CHECKF(0, "%s: forward failed: %s", fname, err.msg);
    return -1;
  }
  const rl_st_tensor *t = need(f, fname, "expect.loss", 1);
  if (t) compare(fname, w, "loss", threads, &loss, t->data, 1, FWD_TOL);

  int rows = c->head == RL_HEAD_FINAL ? B : B * T;
  if ((t = need(f, fname, "expect.probs", (size_t)rows * C))) {
    float *p = malloc((size_t)rows * C * sizeof(float));
    for (int r = 0; r < rows; r++) {
      const float *row = c->head == RL_HEAD_FINAL ? rl_model_probs(m, r, 0) : rl_model_probs(m, r / T, r % T);
      CHECK(row != NULL);
      if (row) memcpy(p + (size_t)r * C, row, C * sizeof(float));
      else memset(p + (size_t)r * C, 0, C * sizeof(float));
    }
    compare(fname, w, "probs", threads, p, t->data, (size_t)rows * C, FWD_TOL);
    free(p);
  }
  size_t nstate = (size_t)LD * B * H;
  if ((t = need(f, fname, "expect.h_n", nstate))) compare(fname, w, "h_n", threads, m->h_n, t->data, nstate, FWD_TOL);
  if (c->cell == RL_CELL_LSTM && (t = need(f, fname, "expect.c_n", nstate)))
    compare(fname, w, "c_n", threads, m->c_n, t->data, nstate, FWD_TOL);

  if (rl_model_backward(m, &err) != 0) {
    CHECKF(0, "%s: backward failed: %s", fname, err.msg);
    return -1;
  }
  for (int i = 0; i < m->ntensors; i++) {
    const rl_tensor_info *ti = &m->tensors[i];
    char name[128];
    snprintf(name, sizeof name, "grad.%s", ti->name);
    if ((t = need(f, fname, name, ti->numel)))
      compare(fname, w, name, threads, m->grads + ti->offset, t->data, ti->numel, BWD_TOL);
  }

  /* the top layer's output [B,T,D*H], read through the trace (one traced forward per row) */
  if ((t = need(f, fname, "expect.output", (size_t)B * T * D * H))) {
    float *out = calloc((size_t)B * T * D * H, sizeof(float));
    for (int b = 0; b < B; b++) {
      m->trace_example = b;
      if (rl_model_forward(m, &fx->batch, &loss, &err) != 0 || !m->trace.h) {
        CHECKF(0, "%s: traced forward failed: %s", fname, err.msg);
        break;
      }
      for (int d = 0; d < D; d++)
        for (int tt = 0; tt < T; tt++)
          memcpy(out + ((size_t)b * T + tt) * D * H + (size_t)d * H,
                 m->trace.h + ((size_t)((c->layers - 1) * D + d) * T + tt) * H, H * sizeof(float));
    }
    m->trace_example = -1;
    compare(fname, w, "output", threads, out, t->data, (size_t)B * T * D * H, FWD_TOL);
    free(out);
  }
  return 0;
}

static void run_optimizers(rl_model *m, fixture *fx, worst_err *w) {
  static const char *names[] = {"sgd", "momentum", "adam"};
  const char *fname = fx->fname;
  rl_error err;
  const char *clip_s = rl_st_meta(&fx->f, "clip");
  CHECKF(clip_s != NULL, "%s: optim case without 'clip' metadata", fname);
  if (!clip_s) return;
  float clip = strtof(clip_s, NULL);
  rl_model_set_threads(m, 1);
  for (int k = 0; k < 3; k++) {
    char key[64];
    int steps = 0;
    snprintf(key, sizeof key, "opt_steps_%s", names[k]);
    CHECKF(meta_int(&fx->f, key, &steps) == 0 && steps >= 1, "%s: no '%s' metadata", fname, key);
    snprintf(key, sizeof key, "opt_lr_%s", names[k]);
    const char *lr_s = rl_st_meta(&fx->f, key);
    snprintf(key, sizeof key, "opt_norms_%s", names[k]);
    const char *norms = rl_st_meta(&fx->f, key);
    CHECKF(lr_s && norms, "%s: no learning rate or norms for %s", fname, names[k]);
    if (steps < 1 || !lr_s || !norms) continue;
    rl_opt_kind kind;
    CHECK(rl_opt_parse(names[k], &kind) == 0);
    if (!load_params(m, &fx->f, fname, "")) return;
    rl_optimizer o;
    if (rl_optimizer_init(&o, kind, strtof(lr_s, NULL), m->nparams, &err) != 0) {
      CHECKF(0, "%s: optimizer init: %s", fname, err.msg);
      continue;
    }
    const char *np = norms;
    for (int s = 0; s < steps; s++) {
      float loss;
      if (rl_model_forward(m, &fx->batch, &loss, &err) != 0 || rl_model_backward(m, &err) != 0) {
        CHECKF(0, "%s: %s step %d: %s", fname, names[k], s, err.msg);
        break;
      }
      float norm = rl_clip_grad_norm(m->grads, m->nparams, clip);
      char *end;
      double ref = strtod(np, &end);
      CHECKF(end != np && test_close(norm, ref, BWD_TOL, 0), "%s: %s step %d: gradient norm %.7g, PyTorch %.7g", fname,
             names[k], s + 1, norm, ref);
      np = end;
      CHECKF(rl_grad_norm(m->grads, m->nparams) <= clip * (1 + 1e-5), "%s: %s step %d: norm after clipping %g", fname,
             names[k], s + 1, rl_grad_norm(m->grads, m->nparams));
      rl_optimizer_step(&o, m->params, m->grads);
    }
    rl_optimizer_free(&o);
    for (int i = 0; i < m->ntensors; i++) {
      const rl_tensor_info *ti = &m->tensors[i];
      char name[128];
      snprintf(name, sizeof name, "after.%s.%s", names[k], ti->name);
      const rl_st_tensor *t = need(&fx->f, fname, name, ti->numel);
      if (t) compare(fname, w, name, 1, m->params + ti->offset, t->data, ti->numel, OPT_TOL);
    }
  }
}

static void run_case(const char *fname) {
  char rel[512];
  rl_error err;
  fixture fx;
  memset(&fx, 0, sizeof fx);
  fx.fname = fname;
  snprintf(rel, sizeof rel, "parity/%s", fname);
  if (rl_st_read(fixture_path(rel), &fx.f, &err) != 0) {
    CHECKF(0, "%s", err.msg);
    return;
  }
  rl_config *c = &fx.cfg;
  memset(c, 0, sizeof *c);
  int optim = 0;
  CHECKF(rl_cell_parse(rl_st_meta(&fx.f, "cell"), &c->cell) == 0 &&
             rl_nonlin_parse(rl_st_meta(&fx.f, "nonlinearity"), &c->nonlin) == 0 &&
             rl_head_parse(rl_st_meta(&fx.f, "head"), &c->head) == 0 && meta_int(&fx.f, "layers", &c->layers) == 0 &&
             meta_int(&fx.f, "bidirectional", &c->bidirectional) == 0 && meta_int(&fx.f, "hidden", &c->hidden) == 0 &&
             meta_int(&fx.f, "embed", &c->embed) == 0 && meta_int(&fx.f, "vocab", &c->vocab) == 0 &&
             meta_int(&fx.f, "classes", &c->classes) == 0 && meta_int(&fx.f, "optim", &optim) == 0,
         "%s: incomplete metadata", fname);
  rl_model *m = NULL;
  if (rl_model_create(c, &m, &err) != 0) {
    CHECKF(0, "%s: rl_model_create: %s", fname, err.msg);
    rl_st_free(&fx.f);
    return;
  }
  const rl_st_tensor *tok = need(&fx.f, fname, "input.tokens", 0), *tgt = need(&fx.f, fname, "input.targets", 0);
  int D = c->bidirectional ? 2 : 1;
  worst_err w = {0, ""};
  if (tok) CHECKF(tok->ndim == 2, "%s: input.tokens must be [B,T]", fname);
  if (tok && tgt && tok->ndim == 2 && load_params(m, &fx.f, fname, "")) {
    fx.B = (int)tok->shape[0];
    fx.T = (int)tok->shape[1];
    CHECKF(tgt->numel == (size_t)(c->head == RL_HEAD_FINAL ? fx.B : fx.B * fx.T), "%s: targets shape", fname);
    fx.tokens = to_ints(tok, fname);
    fx.targets = to_ints(tgt, fname);
    size_t nstate = (size_t)c->layers * D * fx.B * c->hidden;
    const rl_st_tensor *h0 = rl_st_find(&fx.f, "input.h0"), *c0 = rl_st_find(&fx.f, "input.c0");
    if (h0) CHECKF(h0->numel == nstate, "%s: input.h0 size", fname);
    if (c0) CHECKF(c0->numel == nstate && c->cell == RL_CELL_LSTM, "%s: input.c0 size", fname);
    fx.batch = (rl_batch){fx.B, fx.T, fx.tokens, fx.targets, h0 && h0->numel == nstate ? h0->data : NULL,
                          c0 && c0->numel == nstate ? c0->data : NULL};
    if (tgt->numel == (size_t)(c->head == RL_HEAD_FINAL ? fx.B : fx.B * fx.T))
      for (int threads = 1; threads <= 3; threads++) run_forward_backward(m, &fx, threads, &w);
  }
  const char *tf = rl_st_meta(&fx.f, "torch_f32_err");
  printf("%-40s largest error %.2e (%s); PyTorch float32: %s\n", fname, w.worst, w.what, tf ? tf : "?");
  if (optim && fx.tokens && fx.targets) {
    worst_err wo = {0, ""};
    run_optimizers(m, &fx, &wo);
    printf("%-40s optimizers: largest error %.2e (%s)\n", fname, wo.worst, wo.what);
  }
  free(fx.tokens);
  free(fx.targets);
  rl_model_free(m);
  rl_st_free(&fx.f);
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(void) {
  DIR *dir = opendir(fixture_path("parity"));
  CHECKF(dir != NULL, "cannot open %s", fixture_path("parity"));
  if (!dir) return test_summary("test_parity");
  char *names[256];
  int n = 0;
  struct dirent *e;
  while ((e = readdir(dir)) && n < 256) {
    size_t len = strlen(e->d_name);
    if (len > 12 && !strcmp(e->d_name + len - 12, ".safetensors")) names[n++] = rl_strdup(e->d_name);
  }
  closedir(dir);
  qsort(names, n, sizeof *names, cmp_str);
  CHECKF(n >= MIN_FIXTURES, "only %d parity fixtures found (expected %d)", n, MIN_FIXTURES);
  for (int i = 0; i < n; i++) {
    run_case(names[i]);
    free(names[i]);
  }
  return test_summary("test_parity");
}
