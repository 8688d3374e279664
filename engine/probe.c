/* Probes of a trained model (probe.h): text features, unit ranking, connectivity, gradient check. */
#include "probe.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const FEATURE_NAMES[RL_FEAT_COUNT] = {"quote", "depth", "line-pos", "after-space",
                                                         "vowel"};

const char *rl_feature_name(rl_feature f) {
  return (int)f >= 0 && (int)f < RL_FEAT_COUNT ? FEATURE_NAMES[f] : "?";
}

static int is_vowel(char c) { return c && strchr("aeiouAEIOU", c) != NULL; }

void rl_text_features(const char *const *tokens, int T, float *feat) {
  int quote = 0, depth = 0, linepos = 0;
  char prev = '\0';
  for (int t = 0; t < T; t++) {
    const char *s = tokens && tokens[t] ? tokens[t] : "";
    /* the state at the token's first character */
    int q_at = quote, d_at = depth, first = 1;
    feat[RL_FEAT_LINEPOS * T + t] = (float)linepos;
    feat[RL_FEAT_AFTER_SPACE * T + t] = prev == ' ' ? 1.0f : 0.0f;
    feat[RL_FEAT_VOWEL * T + t] = is_vowel(s[0]) ? 1.0f : 0.0f;
    for (const char *p = s; *p; p++) {
      char c = *p;
      if (c == '"') {
        quote = !quote;
        if (first) q_at = 1; /* both quote marks count as inside */
      } else if (c == '(' || c == '[' || c == '{') {
        depth++;
        if (first) d_at = depth;
      } else if ((c == ')' || c == ']' || c == '}') && depth > 0) {
        depth--;
      }
      linepos = c == '\n' ? 0 : linepos + 1;
      prev = c;
      first = 0;
    }
    feat[RL_FEAT_QUOTE * T + t] = (float)q_at;
    feat[RL_FEAT_DEPTH * T + t] = (float)d_at;
  }
}

double rl_pearson(const float *x, int sx, const float *y, int sy, int n) {
  if (n < 2) return 0;
  double mx = 0, my = 0;
  for (int i = 0; i < n; i++) {
    mx += x[(size_t)i * sx];
    my += y[(size_t)i * sy];
  }
  mx /= n;
  my /= n;
  double sxy = 0, sxx = 0, syy = 0;
  for (int i = 0; i < n; i++) {
    double a = x[(size_t)i * sx] - mx, b = y[(size_t)i * sy] - my;
    sxy += a * b;
    sxx += a * a;
    syy += b * b;
  }
  /* a series constant up to rounding has no correlation to speak of */
  if (!(sxx > 1e-20 * n) || !(syy > 1e-20 * n)) return 0;
  double r = sxy / sqrt(sxx * syy);
  return r > 1 ? 1 : r < -1 ? -1 : r;
}

static int score_cmp(const void *a, const void *b) {
  const rl_unit_score *x = a, *y = b;
  float fx = fabsf(x->r), fy = fabsf(y->r);
  if (fx != fy) return fx > fy ? -1 : 1;
  return (x->unit > y->unit) - (x->unit < y->unit);
}

int rl_rank_units(const float *act, int T, int N, const float *feat, int nfeat, rl_unit_score *out,
                  int max) {
  if (T < 2 || N < 1 || nfeat < 1 || max < 1) return 0;
  rl_unit_score *all = malloc(sizeof *all * (size_t)N);
  if (!all) return 0;
  for (int u = 0; u < N; u++) {
    rl_unit_score best = {u, 0, 0.0f};
    for (int f = 0; f < nfeat; f++) {
      float r = (float)rl_pearson(act + u, N, feat + (size_t)f * T, 1, T);
      if (fabsf(r) > fabsf(best.r)) {
        best.feature = f;
        best.r = r;
      }
    }
    all[u] = best;
  }
  qsort(all, (size_t)N, sizeof *all, score_cmp);
  int n = N < max ? N : max;
  memcpy(out, all, sizeof *all * (size_t)n);
  free(all);
  return n;
}

int rl_connectivity(rl_model *m, const int *tokens, int T, int t, float *out, rl_error *err) {
  if (!m || !tokens || !out) return rl_fail(err, "connectivity: missing model, tokens or output");
  if (m->cfg.head != RL_HEAD_STEP || m->cfg.classes != m->cfg.vocab)
    return rl_fail(err, "connectivity needs a language model (a step head over the vocabulary)");
  if (T < 2 || t < 0 || t >= T - 1)
    return rl_fail(err, "connectivity: position %d out of range (0 to %d: the next token is needed)", t, T - 2);
  for (int s = 0; s < T; s++)
    if (tokens[s] < 0 || tokens[s] >= m->cfg.vocab) return rl_fail(err, "connectivity: token %d out of range", s);
  int E = m->cfg.embed;
  int *targets = malloc(sizeof(int) * (size_t)T);
  float *g = malloc(sizeof(float) * (size_t)T * (size_t)E);
  int rc = -1;
  if (!targets || !g) {
    rl_fail(err, "out of memory");
    goto done;
  }
  for (int s = 0; s < T; s++) targets[s] = -1;
  targets[t] = tokens[t + 1];
  rl_batch b = {1, T, tokens, targets, NULL, NULL};
  float loss;
  int keep = m->keep_input_grad, tr = m->trace_example;
  m->keep_input_grad = 1;
  m->trace_example = -1;
  if (rl_model_forward(m, &b, &loss, err) == 0 && rl_model_backward(m, err) == 0 &&
      rl_model_input_grad(m, g, err) == 0) {
    /* J = -log p(x_{t+1}) (one scored position): d log p / de = -dJ/de, the same norm */
    for (int s = 0; s < T; s++) {
      double acc = 0;
      for (int k = 0; k < E; k++) acc += (double)g[(size_t)s * E + k] * g[(size_t)s * E + k];
      out[s] = (float)sqrt(acc);
    }
    rc = 0;
  }
  m->keep_input_grad = keep;
  m->trace_example = tr;
done:
  free(targets);
  free(g);
  return rc;
}

int rl_gradcheck_param(rl_model *m, const rl_batch *b, size_t index, double eps, rl_gradcheck *out,
                       rl_error *err) {
  if (!m || !b || !out) return rl_fail(err, "gradient check: missing model, batch or result");
  if (index >= m->nparams) return rl_fail(err, "gradient check: weight %zu out of range (%zu weights)", index, m->nparams);
  if (!(eps > 0) || eps > 1) return rl_fail(err, "gradient check: eps %g out of range (0, 1]", eps);
  memset(out, 0, sizeof *out);
  out->index = index;
  out->eps = eps;
  int tr = m->trace_example;
  m->trace_example = -1;
  float l0, lp, lm;
  int rc = -1;
  if (rl_model_forward(m, b, &l0, err) || rl_model_backward(m, err)) goto done;
  out->backprop = m->grads[index];
  float keep = m->params[index];
  m->params[index] = keep + (float)eps;
  int bad = rl_model_forward(m, b, &lp, err);
  m->params[index] = keep - (float)eps;
  if (!bad) bad = rl_model_forward(m, b, &lm, err);
  m->params[index] = keep;
  if (bad) goto done;
  /* the step actually taken in float32 */
  double step = (double)(keep + (float)eps) - (double)(keep - (float)eps);
  out->loss = l0;
  out->loss_plus = lp;
  out->loss_minus = lm;
  out->fd = ((double)lp - (double)lm) / step;
  double den = fmax(fmax(fabs(out->fd), fabs(out->backprop)), 1e-12);
  out->rel = fabs(out->fd - out->backprop) / den;
  rc = 0;
done:
  m->trace_example = tr;
  return rc;
}

int rl_top_whh_grads(const rl_model *m, size_t *out, int k) {
  if (!m || !out || k < 1 || !m->rnn) return 0;
  size_t base = (size_t)(m->rnn[0].w_hh - m->params);
  size_t n = (size_t)m->G * (size_t)m->cfg.hidden * (size_t)m->cfg.hidden;
  int got = 0;
  /* k is small (a panel's list): insertion into a sorted list */
  for (size_t i = 0; i < n; i++) {
    float a = fabsf(m->grads[base + i]);
    if (got == k && !(a > fabsf(m->grads[out[k - 1]]))) continue;
    int j = got < k ? got++ : k - 1;
    while (j > 0 && fabsf(m->grads[out[j - 1]]) < a) {
      out[j] = out[j - 1];
      j--;
    }
    out[j] = base + i;
  }
  return got;
}
