/* Check the gradient yourself: the W_hh entries (layer 1) with the largest gradient on the
 * example's loss, one of them chosen; the weight nudged by +eps and -eps and the loss computed
 * again (float32 forward passes), the central finite-difference slope beside the backpropagated
 * derivative, and their relative difference. eps is chosen from 1e-1 .. 1e-4: too large and the
 * slope bends (an O(eps^2) error), too small and float32 rounding of the loss (~1e-7 relative,
 * divided by 2 eps) takes over; 1e-2 is the default. */
#include "panels.h"
#include <math.h>
#include <string.h>

static double eps_of(int level) { return pow(10.0, -(double)((level < 0 ? 0 : level > 3 ? 3 : level) + 1)); }

/* "W_hh f-gate [3, 7]": the gate block of a row (PyTorch order) and the row within it. */
static void weight_name(rl_cell cell, int H, int row, int col, char *buf, size_t cap) {
  static const char *lstm[4] = {"i", "f", "g", "o"}, *gru[3] = {"r", "z", "n"};
  int gate = row / H, r = row % H;
  if (cell == RL_CELL_LSTM && gate < 4) snprintf(buf, cap, "W_h%s [%d, %d]", lstm[gate], r, col);
  else if (cell == RL_CELL_GRU && gate < 3) snprintf(buf, cap, "W_h%s [%d, %d]", gru[gate], r, col);
  else snprintf(buf, cap, "W_hh [%d, %d]", r, col);
}

static void draw_candidates(ex_view *v, gfx_rect r, const ex_gradcheck *gc, rl_cell cell, int H) {
  gfx *g = v->g;
  const theme *th = gfx_theme(g);
  int sp = gfx_font_px(g, THEME_TEXT_SMALL), bp = gfx_font_px(g, THEME_TEXT_BODY);
  int lh = (int)(gfx_line_height(g, GFX_SANS, bp) * 1.25f);
  gfx_text(g, r.x, r.y, "Largest gradients of W_hh", GFX_SANS, bp, th->text, GFX_LEFT | GFX_TOP);
  int y = r.y + lh;
  gfx_text(g, r.x + gfx_px(g, 8), y, "weight", GFX_SANS, sp, th->text_dim, GFX_LEFT | GFX_TOP);
  gfx_text(g, r.x + r.w - gfx_px(g, 8), y, "dJ/dw", GFX_SANS, sp, th->text_dim, GFX_RIGHT | GFX_TOP);
  y += lh;
  for (int i = 0; i < gc->n && y + lh <= r.y + r.h; i++, y += lh) {
    gfx_rect row = gfx_r(r.x, y, r.w, lh - gfx_px(g, 2));
    if (i == gc->chosen) gfx_fill_rect(g, row, gfx_fade(th->accent, 0.35f));
    else if (ex_chrome(v) && ui_hover(v->u, row)) gfx_fill_rect(g, row, th->widget_hover);
    char name[64], val[32];
    weight_name(cell, H, gc->row[i], gc->col[i], name, sizeof name);
    snprintf(val, sizeof val, "%+.4g", gc->grad[i]);
    int mid = y + (lh - gfx_px(g, 2)) / 2;
    gfx_text(g, r.x + gfx_px(g, 8), mid, name, GFX_MONO, bp, th->text, GFX_LEFT | GFX_MIDDLE);
    gfx_text(g, r.x + r.w - gfx_px(g, 8), mid, val, GFX_MONO, bp, th->text, GFX_RIGHT | GFX_MIDDLE);
    if (ex_chrome(v) && ui_clicked(v->u, row)) v->gc_choice = i;
  }
}

/* The eps buttons: 1e-1 .. 1e-4 (live window only; a figure says which eps it used). */
static void draw_eps(ex_view *v, int x, int y, int h) {
  gfx *g = v->g;
  const theme *th = gfx_theme(g);
  int bp = gfx_font_px(g, THEME_TEXT_BODY);
  x += gfx_text(g, x, y + h / 2, "eps:", GFX_SANS, bp, th->text, GFX_LEFT | GFX_MIDDLE) + gfx_px(g, 12);
  for (int k = 0; k < 4; k++) {
    char lab[8];
    snprintf(lab, sizeof lab, "1e-%d", k + 1);
    int tw;
    gfx_text_size(g, lab, GFX_MONO, bp, &tw, NULL);
    gfx_rect b = gfx_r(x, y, tw + gfx_px(g, 20), h);
    gfx_fill_round_rect(g, b, gfx_px(g, 4), k == v->gc_eps ? gfx_fade(th->accent, 0.5f)
                                                 : ui_hover(v->u, b) ? th->widget_hover : th->widget);
    gfx_text(g, b.x + b.w / 2, b.y + h / 2, lab, GFX_MONO, bp, th->text, GFX_CENTER | GFX_MIDDLE);
    if (ui_clicked(v->u, b)) v->gc_eps = k;
    x += b.w + gfx_px(g, 10);
  }
}

/* The loss change measured at -eps, 0, +eps (dots) and the tangent backprop predicts (dashed). */
static void draw_tangent(ex_view *v, gfx_rect r, const rl_gradcheck *c) {
  float dx[3] = {(float)-c->eps, 0, (float)c->eps};
  float dy[3] = {(float)(c->loss_minus - c->loss), 0, (float)(c->loss_plus - c->loss)};
  float tx[2] = {dx[0], dx[2]}, ty[2] = {(float)(-c->backprop * c->eps), (float)(c->backprop * c->eps)};
  plot_series s[2] = {{0}, {0}};
  s[0].label = "loss change measured at -eps, 0, +eps";
  s[0].x = dx, s[0].y = dy, s[0].n = 3, s[0].markers = 1, s[0].width = 2.5f;
  s[0].color = theme_series(gfx_theme(v->g), 0);
  s[1].label = "backprop: slope dJ/dw through 0";
  s[1].x = tx, s[1].y = ty, s[1].n = 2, s[1].dashed = 1, s[1].width = 2.5f;
  s[1].color = theme_series(gfx_theme(v->g), 1);
  plot_opts o = plot_opts_default();
  o.xlabel = "nudge of the weight";
  o.ylabel = "J(w + nudge) - J(w)";
  o.legend = PLOT_LEGEND_ABOVE;
  plot_lines(v->g, r, &o, s, 2, NULL);
}

static void draw_check(ex_view *v, gfx_rect r, const ex_gradcheck *gc, rl_cell cell, int H) {
  gfx *g = v->g;
  const theme *th = gfx_theme(g);
  int bp = gfx_font_px(g, THEME_TEXT_BODY), sp = gfx_font_px(g, THEME_TEXT_SMALL);
  int lh = (int)(gfx_line_height(g, GFX_SANS, bp) * 1.45f);
  const rl_gradcheck *c = &gc->check;
  char name[64], lines[9][2][96];
  weight_name(cell, H, gc->row[gc->chosen], gc->col[gc->chosen], name, sizeof name);
  const char *fmt[9][2] = {{"weight", "%.6f"}, {"eps", "%.0e"}, {"J(w)", "%.7f"},
                           {"J(w + eps)", "%.7f"}, {"J(w - eps)", "%.7f"}, {"loss change", "%+.3e"},
                           {"finite difference", "%+.6e"}, {"backprop", "%+.6e"}, {"relative difference", "%.1e"}};
  snprintf(lines[0][1], sizeof lines[0][1], fmt[0][1], gc->weight[gc->chosen]);
  double vals[9] = {0, c->eps, c->loss, c->loss_plus, c->loss_minus, c->loss_plus - c->loss_minus, c->fd,
                    c->backprop, c->rel};
  for (int i = 1; i < 9; i++) snprintf(lines[i][1], sizeof lines[i][1], fmt[i][1], vals[i]);
  snprintf(lines[5][0], sizeof lines[5][0], "J(w+eps) - J(w-eps)");
  snprintf(lines[6][0], sizeof lines[6][0], "slope: change / (2 eps)");
  snprintf(lines[7][0], sizeof lines[7][0], "backprop: dJ/dw");
  for (int i = 1; i < 9; i++)
    if (i < 5 || i == 8) snprintf(lines[i][0], sizeof lines[i][0], "%s", fmt[i][0]);
  snprintf(lines[0][0], sizeof lines[0][0], "%s", name);
  /* one column of rows when they fit, else two (the inputs left, the comparison right) */
  int foot = lh + (ex_chrome(v) ? lh : 0), ncol = 9 * lh + foot <= r.h ? 1 : 2;
  int rows = ncol == 1 ? 9 : 5, colw = (r.w - (ncol - 1) * gfx_px(g, 24)) / ncol;
  if (rows * lh + foot > r.h) lh = (r.h - gfx_px(g, 4)) / (rows + (ex_chrome(v) ? 2 : 1));
  for (int i = 0; i < 9; i++) {
    int col = i / rows, row = i % rows;
    int lx = r.x + col * (colw + gfx_px(g, 24)), vx = lx + (int)(colw * 0.5f), y = r.y + row * lh;
    int strong = i >= 6;
    gfx_color cc = i == 8 ? (c->rel < 1e-2 ? th->ok : th->error) : th->text;
    gfx_text(g, lx, y, lines[i][0], GFX_SANS, bp, strong ? th->text : th->text_dim, GFX_LEFT | GFX_TOP);
    gfx_text(g, vx, y, lines[i][1], GFX_MONO, bp, cc, GFX_LEFT | GFX_TOP);
  }
  int y = r.y + rows * lh;
  gfx_text(g, r.x, y, "float32 forward passes, central difference: they agree to about 1e-3 at eps = 1e-2",
           GFX_SANS, sp, th->text_dim, GFX_LEFT | GFX_TOP);
  if (ex_chrome(v)) draw_eps(v, r.x, y + lh, (int)(lh * 0.9f));
  int top = y + (ex_chrome(v) ? 2 : 1) * lh + gfx_px(g, 8);
  if (r.y + r.h - top >= gfx_px(g, 260)) draw_tangent(v, gfx_r(r.x, top, r.w, r.y + r.h - top), c);
}

void panel_gradcheck_draw(ex_view *v, gfx_rect r) {
  gfx *g = v->g;
  const theme *th = gfx_theme(g);
  int slot = ex_inspect_slot(&v->snap, v->units_slot);
  char title[160] = "Check the gradient yourself", model[96];
  if (slot >= 0) {
    ex_slot_name(v, slot, model, sizeof model);
    snprintf(title, sizeof title, "Check the gradient yourself: one weight of %s nudged by +-eps", model);
  }
  gfx_rect c = ex_panel_frame(v, RL_PANEL_GRADCHECK, r, title);
  char msg[256] = "no model";
  const ex_gradcheck *gc =
      slot >= 0 ? ex_inspect_gradcheck(v->insp, &v->snap, slot, v->gc_choice, eps_of(v->gc_eps), msg, sizeof msg) : NULL;
  if (!gc) {
    gfx_text(g, c.x, c.y, msg, GFX_SANS, gfx_font_px(g, THEME_TEXT_BODY), th->text_dim, GFX_LEFT | GFX_TOP);
    return;
  }
  const tr_slot_snap *q = &v->snap.slot[slot];
  int lw = (int)(c.w * 0.36f), gap = gfx_px(g, 24);
  draw_candidates(v, gfx_r(c.x, c.y, lw, c.h), gc, q->spec.cell, q->H);
  draw_check(v, gfx_r(c.x + lw + gap, c.y, c.w - lw - gap, c.h), gc, q->spec.cell, q->H);
}

int panel_gradcheck_csv(const ex_view *v, FILE *f) {
  int slot = ex_inspect_slot(&v->snap, v->units_slot);
  char msg[256];
  const ex_gradcheck *gc = slot >= 0 ? ex_inspect_gradcheck(v->insp, &v->snap, slot, v->gc_choice,
                                                            eps_of(v->gc_eps), msg, sizeof msg)
                                     : NULL;
  fprintf(f, "row,col,weight,backprop,chosen,eps,loss,loss_plus,loss_minus,finite_difference,relative_difference\n");
  for (int i = 0; gc && i < gc->n; i++) {
    const rl_gradcheck *c = &gc->check;
    if (i == gc->chosen)
      fprintf(f, "%d,%d,%.8g,%.8g,1,%g,%.9g,%.9g,%.9g,%.8g,%.3g\n", gc->row[i], gc->col[i], gc->weight[i], gc->grad[i],
              c->eps, c->loss, c->loss_plus, c->loss_minus, c->fd, c->rel);
    else
      fprintf(f, "%d,%d,%.8g,%.8g,0,,,,,,\n", gc->row[i], gc->col[i], gc->weight[i], gc->grad[i]);
  }
  return ferror(f) ? -1 : 0;
}
