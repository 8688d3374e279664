/* The size of the whole gradient at each training step, before clipping, on log axes, with each
 * model's clipping threshold as a dashed line: an exploding gradient shows as spikes far above
 * it, and clipping as the line the update's size can never pass. */
#include "panels.h"
#include <math.h>

/* The threshold slot k clips at (0: none). */
static float slot_clip(const ex_view *v, int k) {
  const tr_model_spec *m = &v->snap.slot[k].spec;
  return m->own_clip ? m->clip : v->cfg.clip;
}

void panel_gradnorm_draw(ex_view *v, gfx_rect r) {
  gfx *g = v->g;
  const tr_snapshot *sn = &v->snap;
  gfx_rect c = ex_panel_frame(v, RL_PANEL_GRADNORM, r, "Gradient size at each training step, before clipping");
  plot_series s[2 * TR_MAX_SLOTS];
  char names[2 * TR_MAX_SLOTS][128];
  float lx[TR_MAX_SLOTS][2], ly[TR_MAX_SLOTS][2];
  int ns = 0;
  double xmax = 100;
  for (int k = 0; k < TR_MAX_SLOTS; k++) {
    const tr_slot_snap *q = &sn->slot[k];
    if (!q->used || q->ncurve <= 0 || !q->curve_gnorm) continue;
    if (q->curve_step[q->ncurve - 1] > xmax) xmax = q->curve_step[q->ncurve - 1];
  }
  for (int k = 0; k < TR_MAX_SLOTS; k++) {
    const tr_slot_snap *q = &sn->slot[k];
    if (!q->used || q->ncurve <= 0 || !q->curve_gnorm) continue;
    ex_slot_name(v, k, names[ns], sizeof names[ns]);
    plot_series z = {0};
    z.label = names[ns];
    z.x = q->curve_step;
    z.y = q->curve_gnorm;
    z.n = q->ncurve;
    z.color = ex_slot_color(v, k);
    z.width = 2.5f;
    s[ns++] = z;
    float clip = slot_clip(v, k);
    if (clip > 0) { /* the threshold, named in the legend */
      lx[k][0] = 1, lx[k][1] = (float)xmax;
      ly[k][0] = ly[k][1] = clip;
      snprintf(names[ns], sizeof names[ns], "%c clips at %g", 'A' + k, (double)clip);
      plot_series l = {0};
      l.label = names[ns];
      l.x = lx[k];
      l.y = ly[k];
      l.n = 2;
      l.color = gfx_mix(ex_slot_color(v, k), gfx_theme(g)->text, 0.3f);
      l.width = 2.5f;
      l.dashed = 1;
      s[ns++] = l;
    }
  }
  plot_opts o = plot_opts_default();
  o.log_x = 1;
  o.log_y = 1;
  o.xmin = 1;
  o.xmax = xmax;
  o.xlabel = "training step (log)";
  o.ylabel = "\u2016gradient\u2016";
  o.legend = PLOT_LEGEND_ABOVE;
  plot_lines(g, c, &o, s, ns, NULL);
}

int panel_gradnorm_csv(const ex_view *v, FILE *f) {
  const tr_snapshot *sn = &v->snap;
  fprintf(f, "model,step,grad_norm_max,clip\n");
  for (int k = 0; k < TR_MAX_SLOTS; k++) {
    const tr_slot_snap *q = &sn->slot[k];
    if (!q->used || !q->curve_gnorm) continue;
    for (int i = 0; i < q->ncurve; i++)
      fprintf(f, "%c,%.0f,%.6g,%g\n", 'A' + k, (double)q->curve_step[i], (double)q->curve_gnorm[i],
              (double)slot_clip(v, k));
  }
  return ferror(f) ? -1 : 0;
}
