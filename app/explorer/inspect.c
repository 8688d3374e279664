/* Units, ranking, connectivity and gradient checks on the explorer's snapshot (inspect.h). */
#include "inspect.h"
#include "panel.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ex_inspect {
  /* private model copies, one per slot, and the snapshot they match */
  rl_model *m[TR_MAX_SLOTS];
  long m_version[TR_MAX_SLOTS], m_generation[TR_MAX_SLOTS];
  /* ranking cache */
  long r_version, r_generation;
  int r_slot, r_n;
  rl_unit_score *rows;
  ex_unit *units;
  /* connectivity cache */
  long c_version, c_generation;
  int c_slot, c_t;
  float *conn;
  /* gradient-check cache */
  long g_version, g_generation;
  int g_slot, g_choice;
  double g_eps;
  ex_gradcheck gc;
};

/* ---- units ----------------------------------------------------------------------------------- */

/* The trace's gate index of band b (LSTM bands i f o g map to the trace's i f g o), -1 c, -2 h. */
static int band_source(rl_cell cell, int b) {
  if (cell == RL_CELL_LSTM) {
    static const int map[6] = {0, 1, 3, 2, -1, -2};
    return b >= 0 && b < 6 ? map[b] : -3;
  }
  if (cell == RL_CELL_GRU) return b >= 0 && b < 3 ? b : b == 3 ? -2 : -3;
  return b == 0 ? -2 : -3;
}

int ex_unit_valid(const tr_slot_snap *s, ex_unit u) {
  return s && s->used && s->have_trace && u.ld >= 0 && u.ld < s->L * s->D && u.unit >= 0 && u.unit < s->H &&
         band_source(s->spec.cell, u.band) > -3;
}

float ex_unit_value(const tr_slot_snap *s, ex_unit u, int t) {
  if (!ex_unit_valid(s, u) || t < 0 || t >= s->T) return NAN;
  size_t T = (size_t)s->T, H = (size_t)s->H, row = (size_t)u.ld * T + (size_t)t;
  int src = band_source(s->spec.cell, u.band);
  if (src >= 0) return s->gates[row * (size_t)s->G * H + (size_t)src * H + (size_t)u.unit];
  return (src == -1 ? s->c : s->h)[row * H + (size_t)u.unit];
}

int ex_unit_parse(const char *spec, const tr_slot_snap *s, ex_unit *out, char *msg, size_t cap) {
  int layer = 0, unit = 0, used = 0;
  char gate[8] = "h";
  if (!spec || sscanf(spec, "%d:%d%n", &layer, &unit, &used) != 2 ||
      (spec[used] && (spec[used] != ':' || sscanf(spec + used + 1, "%7s", gate) != 1))) {
    snprintf(msg, cap, "unit '%s': expected LAYER:UNIT[:GATE], for example 1:12:c", spec ? spec : "");
    return -1;
  }
  const char *names[6];
  int nb = ex_bands(s->spec.cell, names, NULL, NULL, 6), band = -1;
  for (int b = 0; b < nb; b++)
    if (!strcmp(names[b], gate)) band = b;
  if (band < 0) {
    snprintf(msg, cap, "unit '%s': the %s has no '%s' (it has %s%s%s%s%s%s%s%s%s%s%s)", spec,
             rl_cell_name(s->spec.cell), gate, names[0], nb > 1 ? " " : "", nb > 1 ? names[1] : "",
             nb > 2 ? " " : "", nb > 2 ? names[2] : "", nb > 3 ? " " : "", nb > 3 ? names[3] : "",
             nb > 4 ? " " : "", nb > 4 ? names[4] : "", nb > 5 ? " " : "", nb > 5 ? names[5] : "");
    return -1;
  }
  if (layer < 1 || layer > s->L || unit < 0 || unit >= s->H) {
    snprintf(msg, cap, "unit '%s': layers are 1 to %d and units 0 to %d", spec, s->L, s->H - 1);
    return -1;
  }
  out->ld = (layer - 1) * s->D;
  out->band = band;
  out->unit = unit;
  return 0;
}

void ex_unit_name(const tr_slot_snap *s, ex_unit u, char *buf, size_t cap) {
  const char *names[6];
  int nb = ex_bands(s->spec.cell, names, NULL, NULL, 6);
  snprintf(buf, cap, "%d:%d:%s%s", u.ld / (s->D ? s->D : 1) + 1, u.unit, u.band >= 0 && u.band < nb ? names[u.band] : "?",
           s->D == 2 && u.ld % 2 ? " (backward)" : "");
}

int ex_inspect_slot(const tr_snapshot *s, int want) {
  if (want >= 0 && want < TR_MAX_SLOTS && s->slot[want].used && s->slot[want].have_trace) return want;
  for (int k = 0; k < TR_MAX_SLOTS; k++)
    if (s->slot[k].used && s->slot[k].have_trace) return k;
  return -1;
}

/* ---- the cache ------------------------------------------------------------------------------- */

ex_inspect *ex_inspect_create(void) {
  ex_inspect *x = calloc(1, sizeof *x);
  if (!x) return NULL;
  x->r_version = x->c_version = x->g_version = -1;
  for (int k = 0; k < TR_MAX_SLOTS; k++) x->m_version[k] = -1;
  return x;
}

void ex_inspect_free(ex_inspect *x) {
  if (!x) return;
  for (int k = 0; k < TR_MAX_SLOTS; k++) rl_model_free(x->m[k]);
  free(x->rows);
  free(x->units);
  free(x->conn);
  free(x);
}

static int usable(const tr_snapshot *s, int slot) {
  return s && slot >= 0 && slot < TR_MAX_SLOTS && s->slot[slot].used && s->slot[slot].have_trace &&
         s->slot[slot].T == s->T && s->T > 0;
}

int ex_inspect_rank(ex_inspect *x, const tr_snapshot *s, int slot, const rl_unit_score **rows,
                    const ex_unit **units) {
  *rows = NULL;
  *units = NULL;
  if (!x || !usable(s, slot)) return 0;
  if (x->r_version == s->version && x->r_generation == s->generation && x->r_slot == slot) {
    *rows = x->rows;
    *units = x->units;
    return x->r_n;
  }
  const tr_slot_snap *q = &s->slot[slot];
  int T = s->T, nb = ex_bands(q->spec.cell, NULL, NULL, NULL, 6), LD = q->L * q->D;
  int N = LD * nb * q->H;
  float *act = malloc(sizeof(float) * (size_t)T * (size_t)N);
  float *feat = malloc(sizeof(float) * RL_FEAT_COUNT * (size_t)T);
  rl_unit_score *r = realloc(x->rows, sizeof *r * (size_t)N);
  if (r) x->rows = r;
  ex_unit *u = realloc(x->units, sizeof *u * (size_t)N);
  if (u) x->units = u;
  int n = 0;
  if (act && feat && r && u) {
    for (int i = 0; i < N; i++) {
      ex_unit e = {i / (nb * q->H), (i / q->H) % nb, i % q->H};
      for (int t = 0; t < T; t++) act[(size_t)t * N + i] = ex_unit_value(q, e, t);
    }
    rl_text_features((const char *const *)s->labels, T, feat);
    n = rl_rank_units(act, T, N, feat, RL_FEAT_COUNT, r, N);
    for (int i = 0; i < n; i++) u[i] = (ex_unit){r[i].unit / (nb * q->H), (r[i].unit / q->H) % nb, r[i].unit % q->H};
  }
  free(act);
  free(feat);
  x->r_version = s->version;
  x->r_generation = s->generation;
  x->r_slot = slot;
  x->r_n = n;
  *rows = x->rows;
  *units = x->units;
  return n;
}

/* The private model of a slot, as of this snapshot. */
static rl_model *slot_model(ex_inspect *x, const tr_snapshot *s, int slot, char *msg, size_t cap) {
  const tr_slot_snap *q = &s->slot[slot];
  if (x->m[slot] && x->m_version[slot] == s->version && x->m_generation[slot] == s->generation) return x->m[slot];
  rl_error err;
  if (!q->params || q->nparams == 0) {
    snprintf(msg, cap, "no parameters published yet");
    return NULL;
  }
  if (!x->m[slot] || memcmp(&x->m[slot]->cfg, &q->cfg, sizeof q->cfg) || x->m[slot]->nparams != q->nparams) {
    rl_model_free(x->m[slot]);
    x->m[slot] = NULL;
    if (rl_model_create(&q->cfg, &x->m[slot], &err)) {
      snprintf(msg, cap, "%s", err.msg);
      return NULL;
    }
    if (x->m[slot]->nparams != q->nparams) {
      snprintf(msg, cap, "parameter count mismatch");
      return NULL;
    }
  }
  memcpy(x->m[slot]->params, q->params, sizeof(float) * q->nparams);
  x->m_version[slot] = s->version;
  x->m_generation[slot] = s->generation;
  return x->m[slot];
}

const float *ex_inspect_connectivity(ex_inspect *x, const tr_snapshot *s, int slot, int t, char *msg,
                                     size_t cap) {
  if (!x || !usable(s, slot)) {
    snprintf(msg, cap, "no model to ask");
    return NULL;
  }
  if (x->conn && x->c_version == s->version && x->c_generation == s->generation && x->c_slot == slot &&
      x->c_t == t)
    return x->conn;
  rl_model *m = slot_model(x, s, slot, msg, cap);
  if (!m) return NULL;
  float *c = realloc(x->conn, sizeof(float) * (size_t)s->T);
  if (!c) {
    snprintf(msg, cap, "out of memory");
    return NULL;
  }
  x->conn = c;
  x->c_version = -1;
  rl_error err;
  if (rl_connectivity(m, s->tokens, s->T, t, c, &err)) {
    snprintf(msg, cap, "%s", err.msg);
    return NULL;
  }
  x->c_version = s->version;
  x->c_generation = s->generation;
  x->c_slot = slot;
  x->c_t = t;
  return c;
}

/* The example's targets for the gradient check: next tokens for a language model on text. */
static int *check_targets(const tr_snapshot *s, const rl_model *m) {
  int n = m->cfg.head == RL_HEAD_STEP ? s->T : 1;
  int *tg = malloc(sizeof(int) * (size_t)n);
  if (!tg) return NULL;
  int lm = s->static_mode || !strcmp(s->task_name, "lm");
  for (int t = 0; t < n; t++) {
    if (lm && m->cfg.head == RL_HEAD_STEP) tg[t] = t + 1 < s->T ? s->tokens[t + 1] : -1;
    else tg[t] = s->targets && s->targets[t] >= 0 && s->targets[t] < m->cfg.classes ? s->targets[t] : -1;
  }
  return tg;
}

const ex_gradcheck *ex_inspect_gradcheck(ex_inspect *x, const tr_snapshot *s, int slot, int choice,
                                         double eps, char *msg, size_t cap) {
  if (!x || !usable(s, slot)) {
    snprintf(msg, cap, "no model to ask");
    return NULL;
  }
  if (x->gc.ok && x->g_version == s->version && x->g_generation == s->generation && x->g_slot == slot &&
      x->g_choice == choice && x->g_eps == eps)
    return &x->gc;
  rl_model *m = slot_model(x, s, slot, msg, cap);
  if (!m) return NULL;
  int *tg = check_targets(s, m);
  if (!tg) {
    snprintf(msg, cap, "out of memory");
    return NULL;
  }
  ex_gradcheck *g = &x->gc;
  memset(g, 0, sizeof *g);
  rl_batch b = {1, s->T, s->tokens, tg, NULL, NULL};
  rl_error err;
  float loss;
  m->trace_example = -1;
  int H = m->cfg.hidden;
  size_t base = (size_t)(m->rnn[0].w_hh - m->params);
  if (rl_model_forward(m, &b, &loss, &err) || rl_model_backward(m, &err)) {
    snprintf(msg, cap, "%s", err.msg);
  } else {
    g->n = rl_top_whh_grads(m, g->index, EX_GC_CANDIDATES);
    for (int i = 0; i < g->n; i++) {
      g->row[i] = (int)((g->index[i] - base) / (size_t)H);
      g->col[i] = (int)((g->index[i] - base) % (size_t)H);
      g->grad[i] = m->grads[g->index[i]];
      g->weight[i] = m->params[g->index[i]];
    }
    g->chosen = choice < 0 ? 0 : choice >= g->n ? g->n - 1 : choice;
    if (g->n > 0 && rl_gradcheck_param(m, &b, g->index[g->chosen], eps, &g->check, &err) == 0) g->ok = 1;
    else snprintf(msg, cap, "%s", g->n ? err.msg : "no recurrent weights with a gradient");
  }
  free(tg);
  x->g_version = s->version;
  x->g_generation = s->generation;
  x->g_slot = slot;
  x->g_choice = choice;
  x->g_eps = eps;
  return g->ok ? g : NULL;
}
