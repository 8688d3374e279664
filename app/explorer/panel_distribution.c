/* The next-token distribution at the selected word: each model's top classes side by side. */
#include "panels.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Row of probabilities for slot q at timestep t (FINAL heads: the one prediction). */
static const float *probs_at(const tr_snapshot *sn, const tr_slot_snap *q, int t) {
  if (!q->have_trace || !q->probs || t < 0) return NULL;
  if (sn->head == RL_HEAD_FINAL) t = 0;
  if (t >= q->T) return NULL;
  return q->probs + (size_t)t * (size_t)q->C;
}

#define TOPK 10

void panel_distribution_draw(ex_view *v, gfx_rect r) {
  gfx *g = v->g;
  const tr_snapshot *sn = &v->snap;
  int t = ex_sel_t(v);
  char title[160];
  if (t >= 0 && sn->labels)
    snprintf(title, sizeof title, "Prediction after \"%s\" (t = %d)", sn->labels[t], t + 1);
  else
    snprintf(title, sizeof title, "Prediction");
  gfx_rect c = ex_panel_frame(v, RL_PANEL_DISTRIBUTION, r, title);
  int C = sn->C;
  if (C <= 0) return;
  /* top classes by the largest probability any model gives them */
  int top[TOPK];
  float best[TOPK];
  int nt = 0;
  for (int cl = 0; cl < C; cl++) {
    float m = 0;
    for (int k = 0; k < TR_MAX_SLOTS; k++) {
      const float *p = sn->slot[k].used ? probs_at(sn, &sn->slot[k], t) : NULL;
      if (p && sn->slot[k].C == C && p[cl] > m) m = p[cl];
    }
    int pos = nt < TOPK ? nt++ : TOPK;
    if (pos == TOPK) {
      if (m <= best[TOPK - 1]) continue;
      pos = TOPK - 1;
    }
    while (pos > 0 && best[pos - 1] < m) {
      best[pos] = best[pos - 1];
      top[pos] = top[pos - 1];
      pos--;
    }
    best[pos] = m;
    top[pos] = cl;
  }
  const char *labels[TOPK];
  for (int i = 0; i < nt; i++) labels[i] = sn->class_names ? sn->class_names[top[i]] : "?";
  float ys[TR_MAX_SLOTS][TOPK];
  char names[TR_MAX_SLOTS][96];
  plot_series s[TR_MAX_SLOTS];
  int ns = 0;
  for (int k = 0; k < TR_MAX_SLOTS; k++) {
    const tr_slot_snap *q = &sn->slot[k];
    const float *p = q->used ? probs_at(sn, q, t) : NULL;
    if (!p || q->C != C) continue;
    for (int i = 0; i < nt; i++) ys[ns][i] = p[top[i]];
    ex_slot_name(v, k, names[ns], sizeof names[ns]);
    plot_series z = {0};
    z.label = names[ns];
    z.y = ys[ns];
    z.n = nt;
    z.color = ex_slot_color(v, k);
    s[ns++] = z;
  }
  plot_opts o = plot_opts_default();
  o.ylabel = "probability";
  o.ymin = 0;
  o.ymax = 1;
  o.xtick_labels = labels;
  o.n_xtick_labels = nt;
  o.legend = PLOT_LEGEND_ABOVE; /* never over a bar */
  /* only as many bars as can all be named (a bar without its word teaches nothing): measured
   * against the data area the chart will really have */
  int sp = gfx_font_px(g, THEME_TEXT_SMALL);
  while (nt > 3) {
    int widest = 0;
    for (int i = 0; i < nt; i++) {
      int w = 0;
      gfx_text_size(g, labels[i], GFX_SANS, sp, &w, NULL);
      if (w > widest) widest = w;
    }
    plot_frame lay = plot_bars_frame(g, c, &o, s, ns, nt);
    if (plot_category_labels_fit(g, &lay, widest)) break;
    nt--;
    o.n_xtick_labels = nt;
    for (int k = 0; k < ns; k++) s[k].n = nt;
  }
  plot_frame fr;
  plot_bars(g, c, &o, s, ns, nt, &fr);
}

int panel_distribution_csv(const ex_view *v, FILE *f) {
  const tr_snapshot *sn = &v->snap;
  int t = ex_sel_t(v);
  fprintf(f, "model,t,class,probability\n"); /* t counts words from 1, as on screen */
  for (int k = 0; k < TR_MAX_SLOTS; k++) {
    const tr_slot_snap *q = &sn->slot[k];
    const float *p = q->used ? probs_at(sn, q, t) : NULL;
    if (!p) continue;
    char q1[160];
    for (int cl = 0; cl < q->C && cl < sn->C; cl++)
      fprintf(f, "%c,%d,%s,%.6g\n", 'A' + k, t + 1, csv_quote(sn->class_names ? sn->class_names[cl] : "", q1, sizeof q1),
              (double)p[cl]);
  }
  return ferror(f) ? -1 : 0;
}
