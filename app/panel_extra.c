/* Smaller panels: next-token distribution, per-timestep BPTT terms, parameter counts. */
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

void panel_distribution_draw(explorer *e, SDL_Rect r) {
  gfx *g = e->g;
  const tr_snapshot *sn = &e->snap;
  int t = ex_sel_t(e);
  char title[160];
  if (t >= 0 && sn->labels)
    snprintf(title, sizeof title, "Prediction after \"%s\" (t = %d)", sn->labels[t], t);
  else
    snprintf(title, sizeof title, "Prediction");
  SDL_Rect c = ex_panel_frame(e, RL_PANEL_DISTRIBUTION, r, title);
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
    ex_slot_name(e, k, names[ns], sizeof names[ns]);
    plot_series z = {0};
    z.label = names[ns];
    z.y = ys[ns];
    z.n = nt;
    z.color = ex_slot_color(e, k);
    s[ns++] = z;
  }
  plot_opts o = plot_opts_default();
  o.ylabel = "probability";
  o.ymin = 0;
  o.ymax = 1;
  o.xtick_labels = labels;
  o.n_xtick_labels = nt;
  o.legend = PLOT_LEGEND_TOP_RIGHT;
  plot_frame fr;
  plot_bars(g, c, &o, s, ns, nt, &fr);
}

int panel_distribution_csv(const explorer *e, FILE *f) {
  const tr_snapshot *sn = &e->snap;
  int t = ex_sel_t(e);
  fprintf(f, "model,t,class,probability\n");
  for (int k = 0; k < TR_MAX_SLOTS; k++) {
    const tr_slot_snap *q = &sn->slot[k];
    const float *p = q->used ? probs_at(sn, q, t) : NULL;
    if (!p) continue;
    char q1[160];
    for (int cl = 0; cl < q->C && cl < sn->C; cl++)
      fprintf(f, "%c,%d,%s,%.6g\n", 'A' + k, t, csv_quote(sn->class_names ? sn->class_names[cl] : "", q1, sizeof q1),
              (double)p[cl]);
  }
  return ferror(f) ? -1 : 0;
}

void panel_bptt_draw(explorer *e, SDL_Rect r) {
  gfx *g = e->g;
  const tr_snapshot *sn = &e->snap;
  SDL_Rect c = ex_panel_frame(e, RL_PANEL_BPTT, r, "BPTT: the dJ/dW_hh term contributed by each timestep");
  int T = sn->T;
  plot_series s[TR_MAX_SLOTS];
  char names[TR_MAX_SLOTS][96];
  int ns = 0;
  for (int k = 0; k < TR_MAX_SLOTS; k++) {
    const tr_slot_snap *q = &sn->slot[k];
    if (!q->used || !q->have_trace || q->T != T) continue;
    ex_slot_name(e, k, names[ns], sizeof names[ns]);
    plot_series z = {0};
    z.label = names[ns];
    z.y = q->dwhh_norm;
    z.n = T;
    z.color = ex_slot_color(e, k);
    s[ns++] = z;
  }
  plot_opts o = plot_opts_default();
  o.xlabel = "timestep t";
  o.ylabel = "norm of the term (log)";
  o.log_y = 1;
  o.xtick_labels = (const char *const *)sn->labels;
  o.n_xtick_labels = T;
  int sel = ex_sel_t(e);
  o.marker_x = sel >= 0 ? sel : NAN;
  plot_frame fr;
  if (T > 0) plot_bars(g, c, &o, s, ns, T, &fr);
}

int panel_bptt_csv(const explorer *e, FILE *f) {
  const tr_snapshot *sn = &e->snap;
  fprintf(f, "model,t,token,dWhh_term_norm\n");
  for (int k = 0; k < TR_MAX_SLOTS; k++) {
    const tr_slot_snap *q = &sn->slot[k];
    if (!q->used || !q->have_trace) continue;
    char q1[160];
    for (int t = 0; t < q->T && t < sn->T; t++)
      fprintf(f, "%c,%d,%s,%.6g\n", 'A' + k, t, csv_quote(sn->labels ? sn->labels[t] : "", q1, sizeof q1),
              (double)q->dwhh_norm[t]);
  }
  return ferror(f) ? -1 : 0;
}

void panel_params_draw(explorer *e, SDL_Rect r) {
  gfx *g = e->g;
  const theme *th = gfx_theme(g);
  SDL_Rect c = ex_panel_frame(e, RL_PANEL_PARAMS, r, "Parameters");
  int body = gfx_font_px(g, THEME_TEXT_BODY);
  int lh = gfx_line_height(g, GFX_SANS, body) + gfx_px(g, 4);
  int y = c.y;
  for (int k = 0; k < TR_MAX_SLOTS; k++) {
    const tr_slot_snap *q = &e->snap.slot[k];
    if (!q->used) continue;
    char name[96], line[200];
    ex_slot_name(e, k, name, sizeof name);
    long rec = (long)q->L * q->D * q->G * q->H * (q->H + 2); /* W_hh + two biases per layer/dir */
    snprintf(line, sizeof line, "%s: %zu parameters  (H = %d, %d gate block%s of H x H each)", name,
             q->nparams, q->H, q->G, q->G == 1 ? "" : "s");
    gfx_text(g, c.x, y, line, GFX_SANS, body, ex_slot_color(e, k), GFX_LEFT | GFX_TOP);
    y += lh;
    snprintf(line, sizeof line, "   recurrent weights and biases: %ld", rec);
    gfx_text(g, c.x, y, line, GFX_SANS, body, th->text_dim, GFX_LEFT | GFX_TOP);
    y += lh;
  }
}

int panel_params_csv(const explorer *e, FILE *f) {
  fprintf(f, "model,cell,hidden,layers,directions,gates,parameters\n");
  for (int k = 0; k < TR_MAX_SLOTS; k++) {
    const tr_slot_snap *q = &e->snap.slot[k];
    if (!q->used) continue;
    fprintf(f, "%c,%s,%d,%d,%d,%d,%zu\n", 'A' + k, rl_cell_name(q->spec.cell), q->H, q->L, q->D, q->G,
            q->nparams);
  }
  return ferror(f) ? -1 : 0;
}
