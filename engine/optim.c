/* SGD, SGD with momentum and Adam over the flat parameter buffer, with PyTorch's update rules
 * (torch.optim.SGD with dampening 0 and no Nesterov; torch.optim.Adam without amsgrad). */
#include "optim.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *OPT_NAMES[] = {"sgd", "momentum", "adam"};

const char *rl_opt_name(rl_opt_kind k) { return (unsigned)k < 3 ? OPT_NAMES[k] : "?"; }

int rl_opt_parse(const char *s, rl_opt_kind *out) {
  for (int i = 0; s && i < 3; i++)
    if (!strcmp(s, OPT_NAMES[i])) {
      *out = (rl_opt_kind)i;
      return 0;
    }
  return -1;
}

int rl_optimizer_init(rl_optimizer *o, rl_opt_kind kind, float lr, size_t n, rl_error *err) {
  memset(o, 0, sizeof *o);
  if ((unsigned)kind > 2) return rl_fail(err, "unknown optimizer %d (expected sgd, momentum or adam)", (int)kind);
  if (!(lr > 0.0f) || !isfinite(lr)) return rl_fail(err, "learning rate must be a positive number, not %g", lr);
  o->kind = kind;
  o->lr = lr;
  o->momentum = 0.9f;
  o->beta1 = 0.9f;
  o->beta2 = 0.999f;
  o->eps = 1e-8f;
  o->n = n;
  if (kind != RL_OPT_SGD) {
    o->m = calloc(n ? n : 1, sizeof(float));
    if (!o->m) return rl_fail(err, "out of memory for optimizer state");
  }
  if (kind == RL_OPT_ADAM) {
    o->v = calloc(n ? n : 1, sizeof(float));
    if (!o->v) {
      rl_optimizer_free(o);
      return rl_fail(err, "out of memory for optimizer state");
    }
  }
  return 0;
}

void rl_optimizer_free(rl_optimizer *o) {
  free(o->m);
  free(o->v);
  o->m = o->v = NULL;
}

void rl_optimizer_step(rl_optimizer *o, float *p, const float *g) {
  size_t n = o->n;
  float lr = o->lr;
  o->step++;
  switch (o->kind) {
  case RL_OPT_SGD:
    for (size_t i = 0; i < n; i++) p[i] -= lr * g[i];
    break;
  case RL_OPT_MOMENTUM: {
    float mu = o->momentum;
    /* PyTorch initialises the buffer with the first gradient: v = g, then v = mu*v + g */
    if (o->step == 1)
      for (size_t i = 0; i < n; i++) o->m[i] = g[i];
    else
      for (size_t i = 0; i < n; i++) o->m[i] = mu * o->m[i] + g[i];
    for (size_t i = 0; i < n; i++) p[i] -= lr * o->m[i];
    break;
  }
  case RL_OPT_ADAM: {
    float b1 = o->beta1, b2 = o->beta2;
    double bc1 = 1.0 - pow(b1, (double)o->step), bc2 = 1.0 - pow(b2, (double)o->step);
    float step_size = (float)(lr / bc1), bc2_sqrt = (float)sqrt(bc2);
    for (size_t i = 0; i < n; i++) {
      o->m[i] = b1 * o->m[i] + (1.0f - b1) * g[i];
      o->v[i] = b2 * o->v[i] + (1.0f - b2) * g[i] * g[i];
      float denom = sqrtf(o->v[i]) / bc2_sqrt + o->eps;
      p[i] -= step_size * o->m[i] / denom;
    }
    break;
  }
  }
}

float rl_grad_norm(const float *g, size_t n) {
  double s = 0;
  for (size_t i = 0; i < n; i++) s += (double)g[i] * g[i];
  return (float)sqrt(s);
}

float rl_clip_grad_norm(float *g, size_t n, float max_norm) {
  float norm = rl_grad_norm(g, n);
  if (max_norm > 0.0f && norm > max_norm && isfinite(norm)) {
    /* PyTorch's clip_grad_norm_: scale by max_norm / (norm + 1e-6) */
    float s = max_norm / (norm + 1e-6f);
    for (size_t i = 0; i < n; i++) g[i] *= s;
  }
  return norm;
}
