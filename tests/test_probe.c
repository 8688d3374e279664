/* Probes (engine/probe.h) and the text generators (engine/textgen.h).
 *  - text features on a hand-worked string;
 *  - Pearson correlation on series with known answers (1, -1, 0 for a constant);
 *  - the unit ranking on a synthetic activation matrix whose answer is known: a unit that is the
 *    quote feature plus noise, one that follows the nesting depth, and pure-noise units;
 *  - connectivity against central finite differences on tiny models (RNN, LSTM, GRU,
 *    bidirectional LSTM), tolerance as in test_gradcheck: float32, eps = 1e-2,
 *    |fd - analytic| <= 3e-4 + 2e-2 * max(|fd|, |analytic|);
 *  - the one-weight gradient check: its central difference agrees with backprop to 5e-3 relative
 *    (measured: about 1e-4 to 1e-3) on the largest-gradient W_hh entries;
 *  - the generators: deterministic by seed, balanced quotes and brackets, whole lines, bad input. */
#include "probe.h"
#include "testutil.h"
#include "textgen.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void test_features(void) {
  const char *text = "a \"b(c)\" [d\nxe";
  int T = (int)strlen(text);
  const char *tok[32];
  char chars[32][2];
  for (int t = 0; t < T; t++) {
    chars[t][0] = text[t];
    chars[t][1] = 0;
    tok[t] = chars[t];
  }
  float f[RL_FEAT_COUNT * 32];
  rl_text_features(tok, T, f);
  /*             a   ' ' "  b  (  c  )  "  ' ' [  d  \n x  e */
  int quote[] = {0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0};
  int depth[] = {0, 0, 0, 0, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1};
  int lpos[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0, 1};
  int space[] = {0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0};
  int vowel[] = {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  CHECK(T == 14);
  for (int t = 0; t < T; t++) {
    CHECKF(f[RL_FEAT_QUOTE * T + t] == quote[t], "quote at %d", t);
    CHECKF(f[RL_FEAT_DEPTH * T + t] == depth[t], "depth at %d", t);
    CHECKF(f[RL_FEAT_LINEPOS * T + t] == lpos[t], "line-pos at %d", t);
    CHECKF(f[RL_FEAT_AFTER_SPACE * T + t] == space[t], "after-space at %d", t);
    CHECKF(f[RL_FEAT_VOWEL * T + t] == vowel[t], "vowel at %d", t);
  }
  /* word level: a word is scanned as a whole; depth counts at its first bracket */
  const char *words[] = {"say", "\"hi", "there\"", "f(x", "y)"};
  float g[RL_FEAT_COUNT * 5];
  rl_text_features(words, 5, g);
  CHECK(g[RL_FEAT_QUOTE * 5 + 1] == 1 && g[RL_FEAT_QUOTE * 5 + 2] == 1 && g[RL_FEAT_QUOTE * 5 + 3] == 0);
  CHECK(g[RL_FEAT_DEPTH * 5 + 4] == 1 && g[RL_FEAT_DEPTH * 5 + 0] == 0);
  CHECK(!strcmp(rl_feature_name(RL_FEAT_DEPTH), "depth") && !strcmp(rl_feature_name((rl_feature)9), "?"));
}

static void test_pearson(void) {
  float x[50], y[50], z[50], c[50];
  for (int i = 0; i < 50; i++) {
    x[i] = (float)i;
    y[i] = 3.0f - 2.0f * (float)i;
    z[i] = (float)((i * 7919) % 13);
    c[i] = 4.0f;
  }
  CHECK(fabs(rl_pearson(x, 1, x, 1, 50) - 1) < 1e-9);
  CHECK(fabs(rl_pearson(x, 1, y, 1, 50) + 1) < 1e-9);
  CHECK(rl_pearson(x, 1, c, 1, 50) == 0);
  CHECK(rl_pearson(x, 1, y, 1, 1) == 0);
  double r = rl_pearson(x, 1, z, 1, 50);
  CHECK(fabs(r) < 0.5);
}

/* The known answer: unit 3 = quote + noise, unit 1 = -depth + noise, units 0, 2, 4, 5 noise. */
static void test_ranking(void) {
  size_t len;
  rl_error err;
  char *text = rl_text_generate(RL_TEXT_CODE, 5, 3000, &len, &err);
  CHECK(text != NULL);
  if (!text) return;
  int T = (int)len, N = 6;
  const char **tok = malloc(sizeof(char *) * (size_t)T);
  char *chars = malloc((size_t)T * 2);
  float *feat = malloc(sizeof(float) * RL_FEAT_COUNT * (size_t)T);
  float *act = malloc(sizeof(float) * (size_t)T * (size_t)N);
  rl_rng rng;
  rl_rng_seed(&rng, 11);
  for (int t = 0; t < T; t++) {
    chars[2 * t] = text[t];
    chars[2 * t + 1] = 0;
    tok[t] = chars + 2 * t;
  }
  rl_text_features(tok, T, feat);
  for (int t = 0; t < T; t++) {
    for (int u = 0; u < N; u++) act[t * N + u] = rl_rng_normal(&rng);
    act[t * N + 3] = feat[RL_FEAT_QUOTE * T + t] + 0.2f * rl_rng_normal(&rng);
    act[t * N + 1] = -0.5f * feat[RL_FEAT_DEPTH * T + t] + 0.2f * rl_rng_normal(&rng);
  }
  rl_unit_score s[6];
  int n = rl_rank_units(act, T, N, feat, RL_FEAT_COUNT, s, 6);
  CHECK(n == 6);
  /* the two planted units come first (in either order), each with its own feature and sign */
  for (int i = 0; i < 2; i++) {
    int q = s[i].unit == 3, d = s[i].unit == 1;
    CHECKF(q || d, "row %d is unit %d", i, s[i].unit);
    if (q) CHECKF(s[i].feature == RL_FEAT_QUOTE && s[i].r > 0.8f, "quote unit: feature %d r %.3f", s[i].feature, s[i].r);
    if (d) CHECKF(s[i].feature == RL_FEAT_DEPTH && s[i].r < -0.8f, "depth unit: feature %d r %.3f", s[i].feature, s[i].r);
  }
  for (int i = 2; i < n; i++) CHECKF(fabsf(s[i].r) < 0.1f, "noise unit %d r %.3f", s[i].unit, s[i].r);
  for (int i = 1; i < n; i++) CHECK(fabsf(s[i - 1].r) >= fabsf(s[i].r));
  CHECK(rl_rank_units(act, T, N, feat, RL_FEAT_COUNT, s, 2) == 2 && (s[0].unit == 1 || s[0].unit == 3));
  CHECK(rl_rank_units(act, 1, N, feat, RL_FEAT_COUNT, s, 6) == 0);
  free(text);
  free(tok);
  free(chars);
  free(feat);
  free(act);
}

static rl_model *tiny(rl_cell cell, int bidir, uint64_t seed) {
  rl_config c = rl_config_default();
  c.cell = cell;
  c.vocab = c.classes = 8;
  c.embed = 4;
  c.hidden = 5;
  c.bidirectional = bidir;
  rl_model *m = NULL;
  rl_error err;
  if (rl_model_create(&c, &m, &err)) return NULL;
  rl_init_opts o = rl_init_default(seed);
  o.spectral_radius = 1.2f; /* gradients that reach back */
  if (rl_model_init_params(m, &o, &err)) {
    rl_model_free(m);
    return NULL;
  }
  return m;
}

static double logp(rl_model *m, const int *tokens, int T, int t) {
  int tg[8];
  for (int s = 0; s < T; s++) tg[s] = -1;
  tg[t] = tokens[t + 1];
  rl_batch b = {1, T, tokens, tg, NULL, NULL};
  float loss = NAN;
  rl_error err;
  if (rl_model_forward(m, &b, &loss, &err)) return NAN;
  return -(double)loss;
}

static void test_connectivity(void) {
  const rl_cell cells[4] = {RL_CELL_RNN, RL_CELL_LSTM, RL_CELL_GRU, RL_CELL_LSTM};
  /* distinct tokens: embedding row tokens[s] is used at position s only, so d/de(x_s) is the
   * derivative with respect to that row */
  const int tokens[7] = {3, 0, 6, 1, 7, 2, 5};
  const int T = 7;
  for (int k = 0; k < 4; k++) {
    int bidir = k == 3;
    rl_model *m = tiny(cells[k], bidir, 100 + (uint64_t)k);
    CHECK(m != NULL);
    if (!m) continue;
    for (int t = 2; t <= 5; t += 3) {
      float got[7];
      rl_error err;
      int rc = rl_connectivity(m, tokens, T, t, got, &err);
      CHECKF(rc == 0, "%s", err.msg);
      if (rc) continue;
      for (int s = 0; s < T; s++) {
        double acc = 0;
        for (int e = 0; e < m->cfg.embed; e++) {
          float *w = m->embedding + (size_t)tokens[s] * m->cfg.embed + e, keep = *w;
          *w = keep + 1e-2f;
          double p = logp(m, tokens, T, t);
          *w = keep - 1e-2f;
          double q = logp(m, tokens, T, t);
          *w = keep;
          double d = (p - q) / 2e-2;
          acc += d * d;
        }
        double fd = sqrt(acc);
        CHECKF(test_close(fd, got[s], 2e-2, 3e-4), "%s%s t=%d s=%d fd %.6g analytic %.6g",
               bidir ? "bi-" : "", rl_cell_name(cells[k]), t, s, fd, got[s]);
        if (!bidir && s > t) CHECKF(got[s] == 0, "s=%d after t=%d: %g", s, t, got[s]);
      }
      if (!bidir) CHECK(got[t] > 0);
    }
    float out[7];
    rl_error err;
    CHECK(rl_connectivity(m, tokens, T, T - 1, out, &err) == -1 && strstr(err.msg, "out of range"));
    int badtok[7] = {0, 1, 99, 2, 3, 4, 5};
    CHECK(rl_connectivity(m, badtok, T, 2, out, &err) == -1);
    rl_model_free(m);
  }
}

static void test_gradcheck_panel_numbers(void) {
  const rl_cell cells[3] = {RL_CELL_RNN, RL_CELL_LSTM, RL_CELL_GRU};
  int tokens[2 * 12], targets[2 * 12];
  rl_rng rng;
  rl_rng_seed(&rng, 3);
  for (int i = 0; i < 24; i++) {
    tokens[i] = rl_rng_int(&rng, 8);
    targets[i] = rl_rng_int(&rng, 8);
  }
  double worst = 0;
  for (int k = 0; k < 3; k++) {
    rl_model *m = tiny(cells[k], 0, 7 + (uint64_t)k);
    CHECK(m != NULL);
    if (!m) continue;
    rl_batch b = {2, 12, tokens, targets, NULL, NULL};
    float loss;
    rl_error err;
    CHECK(rl_model_forward(m, &b, &loss, &err) == 0 && rl_model_backward(m, &err) == 0);
    size_t top[5];
    int n = rl_top_whh_grads(m, top, 5);
    CHECK(n == 5);
    for (int i = 1; i < n; i++) CHECK(fabsf(m->grads[top[i - 1]]) >= fabsf(m->grads[top[i]]));
    size_t base = (size_t)(m->rnn[0].w_hh - m->params);
    CHECK(top[0] >= base && top[0] < base + (size_t)m->G * 25);
    for (int i = 0; i < n; i++) {
      float before = m->params[top[i]];
      rl_gradcheck g;
      CHECKF(rl_gradcheck_param(m, &b, top[i], 1e-2, &g, &err) == 0, "%s", err.msg);
      CHECK(m->params[top[i]] == before);
      CHECKF(g.rel < 5e-3, "%s weight %zu: fd %.7g backprop %.7g rel %.2e", rl_cell_name(cells[k]), top[i],
             g.fd, g.backprop, g.rel);
      CHECK(fabs(g.loss_plus - g.loss_minus) > 0);
      if (g.rel > worst) worst = g.rel;
    }
    rl_gradcheck g;
    CHECK(rl_gradcheck_param(m, &b, m->nparams, 1e-2, &g, &err) == -1);
    CHECK(rl_gradcheck_param(m, &b, 0, 0, &g, &err) == -1);
    rl_model_free(m);
  }
  printf("gradient check: worst relative difference %.2e over 15 weights (eps 1e-2, float32)\n", worst);
}

static void test_textgen(void) {
  rl_error err;
  for (int kind = 0; kind < 2; kind++) {
    size_t n1, n2, n3;
    char *a = rl_text_generate((rl_text_kind)kind, 42, 2000, &n1, &err);
    char *b = rl_text_generate((rl_text_kind)kind, 42, 2000, &n2, &err);
    char *c = rl_text_generate((rl_text_kind)kind, 43, 2000, &n3, &err);
    CHECK(a && b && c);
    if (!a || !b || !c) return;
    CHECK(n1 == n2 && !strcmp(a, b));
    CHECK(strcmp(a, c) != 0);
    CHECK(n1 <= 2000 && n1 > 1500 && strlen(a) == n1 && a[n1 - 1] == '\n');
    int quotes = 0, depth = 0, neg = 0, maxd = 0, lines = 0;
    for (size_t i = 0; i < n1; i++) {
      char ch = a[i];
      quotes += ch == '"';
      if (ch == '(' || ch == '[' || ch == '{') depth++;
      if (ch == ')' || ch == ']' || ch == '}') depth--;
      if (depth < 0) neg = 1;
      if (depth > maxd) maxd = depth;
      lines += ch == '\n';
      CHECK((unsigned char)ch < 128);
    }
    CHECK(quotes % 2 == 0 && quotes > 10 && depth == 0 && !neg && lines > 10);
    if (kind == RL_TEXT_CODE) CHECKF(maxd >= 3, "deepest nesting %d", maxd);
    free(a);
    free(b);
    free(c);
  }
  size_t n;
  char *one = rl_text_generate(RL_TEXT_DIALOGUE, 1, 1, &n, &err); /* one whole line */
  CHECK(one && n > 1 && one[n - 1] == '\n' && strchr(one, '\n') == one + n - 1);
  free(one);
  CHECK(rl_text_generate(RL_TEXT_CODE, 1, 0, &n, &err) == NULL && n == 0);
  CHECK(rl_text_generate((rl_text_kind)7, 1, 10, &n, &err) == NULL && strstr(err.msg, "kind"));
  rl_text_kind k;
  CHECK(rl_text_kind_parse("dialogue", &k) == 0 && k == RL_TEXT_DIALOGUE);
  CHECK(rl_text_kind_parse("poem", &k) == -1 && rl_text_kind_parse(NULL, &k) == -1);
}

int main(void) {
  test_features();
  test_pearson();
  test_ranking();
  test_connectivity();
  test_gradcheck_panel_numbers();
  test_textgen();
  return test_summary("test_probe");
}
