/* ||dJ(T)/dh(t)|| against timestep t on a log axis, every model overlaid: the vanishing gradient. */
#include "panels.h"
#include <math.h>
#include <stdlib.h>

void panel_gradients_draw(explorer *e, SDL_Rect r) {
  gfx *g = e->g;
  const theme *th = gfx_theme(g);
  SDL_Rect c = ex_panel_frame(e, RL_PANEL_GRADIENTS, r, "Vanishing gradient: ||dJ(T)/dh(t)||");
  const tr_snapshot *sn = &e->snap;
  int T = sn->T;
#define MAXS (TR_MAX_SLOTS * 9)
  plot_series s[MAXS];
  char names[MAXS][128];
  float *ys[MAXS] = {0};
  int clamped = e->clamp_mode != 0;
  int ns = 0, last = -1;
  for (int k = 0; k < TR_MAX_SLOTS; k++) {
    const tr_slot_snap *q = &sn->slot[k];
    if (!q->used || !q->have_trace || q->T != T || T <= 0) continue;
    ys[ns] = malloc((size_t)T * sizeof(float));
    if (!ys[ns]) continue;
    for (int t = 0; t < T; t++) {
      float v = q->dhT_norm[t]; /* first layer, forward direction */
      ys[ns][t] = (q->last_scored >= 0 && t > q->last_scored) ? NAN : v;
    }
    if (q->last_scored > last) last = q->last_scored;
    ex_slot_name(e, k, names[ns], sizeof names[ns]);
    plot_series z = {0};
    z.label = names[ns];
    z.y = ys[ns];
    z.n = T;
    z.color = ex_slot_color(e, k);
    z.width = 3.5f;
    z.markers = T <= 60;
    int first = ns;
    s[ns++] = z;
    /* stacked / bidirectional: also the top layer (or the backward direction), dashed */
    int nld = q->L * q->D;
    for (int ld = nld - 1; ld >= 1 && ld == nld - 1 && ns < MAXS; ld--) { /* the top layer */
      ys[ns] = malloc((size_t)T * sizeof(float));
      if (!ys[ns]) break;
      for (int t = 0; t < T; t++)
        ys[ns][t] = (q->last_scored >= 0 && t > q->last_scored) ? NAN : q->dhT_norm[(size_t)ld * (size_t)T + (size_t)t];
      char base[96];
      ex_slot_name(e, k, base, sizeof base);
      snprintf(names[ns], sizeof names[ns], "%s, layer %d%s", base, ld / q->D + 1,
               q->D == 2 ? (ld % 2 ? " backward" : " forward") : " (top)");
      plot_series y2 = z;
      y2.label = names[ns];
      y2.y = ys[ns];
      y2.dashed = 1;
      y2.markers = 0;
      y2.width = 2.5f;
      y2.color = gfx_mix(z.color, th->panel, 0.25f);
      s[ns++] = y2;
    }
    if (nld > 1 && ns > 0) {
      char base[96];
      ex_slot_name(e, k, base, sizeof base);
      snprintf(names[first], sizeof names[first], "%s, layer 1%s", base, q->D == 2 ? " forward" : "");
    }
    /* with clamped gates the LSTM's memory path is the cell state: show ||dJ/dc(t)|| too (for the
     * one-example display batch, J is the loss at the scored position) */
    if (clamped && q->spec.cell == RL_CELL_LSTM && q->L * q->D == 1 && ns < MAXS) {
      ys[ns] = malloc((size_t)T * sizeof(float));
      if (!ys[ns]) continue;
      for (int t = 0; t < T; t++) ys[ns][t] = (q->last_scored >= 0 && t > q->last_scored) ? NAN : q->dc_norm[t];
      char base[96];
      ex_slot_name(e, k, base, sizeof base);
      snprintf(names[ns], sizeof names[ns], "%s, ||dJ/dc(t)||", base);
      z.label = names[ns];
      z.y = ys[ns];
      z.dashed = 1;
      z.width = 3.0f;
      s[ns++] = z;
    }
  }
  plot_opts o = plot_opts_default();
  o.log_y = 1;
  o.integer_x = 1;
  o.xmin = 0;
  o.xmax = T > 1 ? T - 1 : 1;
  char xl[160];
  if (last >= 0)
    snprintf(xl, sizeof xl, "timestep t   (the loss J(T) is taken at t = %d, \"%s\")", last,
             sn->labels && last < T ? sn->labels[last] : "?");
  else
    snprintf(xl, sizeof xl, "timestep t");
  o.xlabel = xl;
  o.ylabel = "norm (log scale)";
  int sel = ex_sel_t(e);
  o.marker_x = sel >= 0 ? sel : NAN;
  o.xtick_labels = (const char *const *)sn->labels;
  o.n_xtick_labels = T;
  plot_frame fr;
  plot_lines(g, c, &o, s, ns, &fr);
  if (ns == 0)
    gfx_text(g, c.x + c.w / 2, c.y + c.h / 2, "no gradients yet", GFX_SANS,
             gfx_font_px(g, THEME_TEXT_BODY), th->text_dim, GFX_CENTER | GFX_MIDDLE);
  /* click on the plot selects a timestep */
  if (ui_clicked(e->u, fr.area)) {
    int mx, my;
    ui_mouse_pos(e->u, &mx, &my);
    double x = plot_px_x(&fr, (float)mx);
    int t = (int)lround(x);
    if (t >= 0 && t < T) e->sel_t = t;
  }
  for (int i = 0; i < ns; i++) free(ys[i]);
}

int panel_gradients_csv(const explorer *e, FILE *f) {
  const tr_snapshot *sn = &e->snap;
  fprintf(f, "model,cell,step,t,token,dJT_dh_norm,dJ_dh_norm,dJ_dc_norm,dWhh_term_norm\n");
  for (int k = 0; k < TR_MAX_SLOTS; k++) {
    const tr_slot_snap *q = &sn->slot[k];
    if (!q->used || !q->have_trace) continue;
    for (int t = 0; t < q->T && t < sn->T; t++)
    {
      char q1[160];
      fprintf(f, "%c,%s,%ld,%d,%s,%.6g,%.6g,%.6g,%.6g\n", 'A' + k, rl_cell_name(q->spec.cell),
              q->step, t, csv_quote(sn->labels ? sn->labels[t] : "", q1, sizeof q1), (double)q->dhT_norm[t],
              (double)q->dh_norm[t], (double)q->dc_norm[t], (double)q->dwhh_norm[t]);
    }
  }
  return ferror(f) ? -1 : 0;
}
