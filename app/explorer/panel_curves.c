/* Loss and accuracy of every model against training step (means over windows of steps), on a log
 * step axis: the first few hundred steps, where learning happens in a class demonstration, stay
 * readable after tens of thousands of steps. */
#include "panels.h"
#include <math.h>
#include <stdlib.h>

void panel_curves_draw(ex_view *v, gfx_rect r) {
  gfx *g = v->g;
  gfx_rect c = ex_panel_frame(v, RL_PANEL_CURVES, r, "Training: loss and accuracy");
  const tr_snapshot *sn = &v->snap;
  plot_series ls[TR_MAX_SLOTS], as[TR_MAX_SLOTS + 1];
  char names[TR_MAX_SLOTS][96];
  int n = 0;
  double xmax = 100; /* the axis starts with two decades and grows with training */
  for (int k = 0; k < TR_MAX_SLOTS; k++) {
    const tr_slot_snap *q = &sn->slot[k];
    if (!q->used) continue;
    ex_slot_name(v, k, names[n], sizeof names[n]);
    plot_series z = {0};
    z.label = names[n];
    z.x = q->curve_step;
    z.n = q->ncurve;
    z.color = ex_slot_color(v, k);
    z.width = 3.0f;
    z.y = q->curve_loss;
    ls[n] = z;
    z.y = q->curve_acc;
    as[n] = z;
    if (q->ncurve > 0 && q->curve_step[q->ncurve - 1] > xmax) xmax = q->curve_step[q->ncurve - 1];
    n++;
  }
  /* one legend row for both plots, so neither legend hides a curve */
  const theme *th = gfx_theme(g);
  int sp = gfx_font_px(g, THEME_TEXT_SMALL);
  int lh = gfx_line_height(g, GFX_SANS, sp);
  int lx = c.x + gfx_px(g, 8);
  for (int i = 0; i < n; i++) {
    gfx_line(g, lx, c.y + lh / 2.0f, lx + gfx_px(g, 28), c.y + lh / 2.0f, gfx_px(g, 3), ls[i].color);
    lx += gfx_px(g, 36);
    lx += gfx_text(g, lx, c.y, names[i], GFX_SANS, sp, th->text, GFX_LEFT | GFX_TOP) + gfx_px(g, 24);
  }
  if (!sn->static_mode && v->cfg.task.kind == RL_TASK_RECALL) {
    gfx_dashed_line(g, lx, c.y + lh / 2.0f, lx + gfx_px(g, 28), c.y + lh / 2.0f, gfx_px(g, 2), gfx_px(g, 6), th->text_dim);
    lx += gfx_px(g, 36);
    gfx_text(g, lx, c.y, "chance", GFX_SANS, sp, th->text_dim, GFX_LEFT | GFX_TOP);
  }
  c.y += lh + gfx_px(g, 4);
  c.h -= lh + gfx_px(g, 4);
  int gap = gfx_px(g, 16);
  gfx_rect a = {c.x, c.y, (c.w - gap) / 2, c.h};
  gfx_rect b = {c.x + a.w + gap, c.y, c.w - a.w - gap, c.h};
  plot_opts o = plot_opts_default();
  o.xlabel = "training step (log)";
  o.ylabel = "loss";
  o.title = NULL;
  o.log_x = 1;
  o.xmin = 1;
  o.xmax = xmax;
  o.ymin = 0;
  o.legend = PLOT_LEGEND_NONE;
  plot_frame f1, f2;
  plot_lines(g, a, &o, ls, n, &f1);
  /* chance level for recall: one key in K */
  float chance_x[2] = {1, (float)xmax}, chance_y[2];
  int na = n;
  if (!sn->static_mode && v->cfg.task.kind == RL_TASK_RECALL && v->cfg.task.keys > 0) {
    chance_y[0] = chance_y[1] = 1.0f / (float)v->cfg.task.keys;
    plot_series z = {0};
    z.label = NULL;
    z.x = chance_x;
    z.y = chance_y;
    z.n = 2;
    z.color = gfx_theme(g)->text_dim;
    z.width = 2.0f;
    z.dashed = 1;
    as[na++] = z;
  }
  o.ylabel = "accuracy";
  o.title = NULL;
  o.ymin = 0;
  o.ymax = 1;
  o.legend = PLOT_LEGEND_NONE;
  plot_lines(g, b, &o, as, na, &f2);
}

int panel_curves_csv(const ex_view *v, FILE *f) {
  const tr_snapshot *sn = &v->snap;
  fprintf(f, "model,cell,step,loss,accuracy\n");
  for (int k = 0; k < TR_MAX_SLOTS; k++) {
    const tr_slot_snap *q = &sn->slot[k];
    if (!q->used) continue;
    for (int i = 0; i < q->ncurve; i++)
      fprintf(f, "%c,%s,%.0f,%.6g,%.6g\n", 'A' + k, rl_cell_name(q->spec.cell),
              (double)q->curve_step[i], (double)q->curve_loss[i], (double)q->curve_acc[i]);
  }
  return ferror(f) ? -1 : 0;
}
