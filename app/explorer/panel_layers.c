/* The gradient reaching each layer of a stacked model: one plot per model, side by side (model A
 * on the left), a line per layer for ||dJ(T)/dh_l(t)|| against word t, all relative to the top
 * layer's value at the scored word T and on one fixed axis shared by the plots, so "the lowest
 * layer gets 10^-6 of it without skips, 10^-1 with" reads straight off. */
#include "panels.h"
#include <math.h>
#include <stdlib.h>

#define LAYERS_LO 1e-12
#define LAYERS_HI 1e3 /* the gradient panel's range */
#define MAX_LINES 8

void panel_layers_draw(ex_view *v, gfx_rect r) {
  gfx *g = v->g;
  const theme *th = gfx_theme(g);
  const tr_snapshot *sn = &v->snap;
  gfx_rect c = ex_panel_frame(v, RL_PANEL_LAYERS, r, "Gradient reaching each layer: \u2016\u2202J(T)/\u2202h(t)\u2016 per layer");
  int slots[TR_MAX_SLOTS], ns = 0, T = sn->T;
  for (int k = 0; k < TR_MAX_SLOTS; k++)
    if (sn->slot[k].used && sn->slot[k].have_trace && sn->slot[k].T == T && T > 0) slots[ns++] = k;
  if (ns == 0) return;
  int gap = gfx_px(g, 16), w = (c.w - (ns - 1) * gap) / ns;
  float *xs = malloc(sizeof(float) * (size_t)T);
  float *ys = malloc(sizeof(float) * (size_t)T * MAX_LINES);
  if (!xs || !ys) {
    free(xs);
    free(ys);
    return;
  }
  for (int t = 0; t < T; t++) xs[t] = (float)(t + 1);
  for (int i = 0; i < ns; i++) {
    const tr_slot_snap *q = &sn->slot[slots[i]];
    int L = q->L < MAX_LINES ? q->L : MAX_LINES, ts = q->last_scored;
    double ref = ts >= 0 && ts < T ? q->dhT_norm[(size_t)((L - 1) * q->D) * T + ts] : NAN;
    plot_series s[MAX_LINES];
    char names[MAX_LINES][48], title[128];
    for (int l = 0; l < L; l++) { /* forward direction of each layer */
      const float *nv = q->dhT_norm + (size_t)(l * q->D) * (size_t)T;
      float *y = ys + (size_t)l * T;
      for (int t = 0; t < T; t++) y[t] = (ts >= 0 && t > ts) || !(ref > 0) ? NAN : (float)(nv[t] / ref);
      snprintf(names[l], sizeof names[l], "layer %d%s", l + 1, l == 0 ? " (bottom)" : l == L - 1 ? " (top)" : "");
      plot_series z = {0};
      z.label = l == 0 || l == L - 1 || L <= 3 ? names[l] : NULL; /* the ends named; the lines between shade */
      z.x = xs;
      z.y = y;
      z.n = T;
      /* from light (bottom) to the model's colour (top) */
      z.color = gfx_mix(th->text_dim, ex_slot_color(v, slots[i]), L > 1 ? (float)l / (float)(L - 1) : 1.0f);
      z.width = l == 0 || l == L - 1 ? 3.5f : 2.0f;
      s[l] = z;
    }
    ex_slot_name(v, slots[i], title, sizeof title);
    /* the model's name over its plot, in body text (two of them share the panel's width) */
    gfx_rect pr = gfx_r(c.x + i * (w + gap), c.y, w, c.h);
    int bp = gfx_font_px(g, THEME_TEXT_BODY), lh = gfx_line_height(g, GFX_SANS, bp);
    char fit[128];
    gfx_text_fit(g, title, GFX_SANS, bp, pr.w, fit, sizeof fit);
    gfx_text(g, pr.x, pr.y, fit, GFX_SANS, bp, ex_slot_color(v, slots[i]), GFX_LEFT | GFX_TOP);
    pr.y += lh;
    pr.h -= lh;
    plot_opts o = plot_opts_default();
    o.log_y = 1;
    o.ymin = LAYERS_LO;
    o.ymax = LAYERS_HI;
    o.out_of_range = 1;
    o.integer_x = 1;
    o.xmin = 1;
    o.xmax = T > 1 ? T : 2;
    o.xlabel = "word t";
    o.ylabel = "relative to the top layer at T";
    o.legend = PLOT_LEGEND_ABOVE;
    plot_lines(g, pr, &o, s, L, NULL);
  }
  free(xs);
  free(ys);
}

int panel_layers_csv(const ex_view *v, FILE *f) {
  const tr_snapshot *sn = &v->snap;
  fprintf(f, "model,layer,direction,t,dJT_dh_norm\n");
  for (int k = 0; k < TR_MAX_SLOTS; k++) {
    const tr_slot_snap *q = &sn->slot[k];
    if (!q->used || !q->have_trace) continue;
    for (int ld = 0; ld < q->L * q->D; ld++)
      for (int t = 0; t < q->T; t++)
        fprintf(f, "%c,%d,%s,%d,%.6g\n", 'A' + k, ld / q->D + 1, ld % q->D ? "backward" : "forward", t + 1,
                (double)q->dhT_norm[(size_t)ld * q->T + t]);
  }
  return ferror(f) ? -1 : 0;
}
