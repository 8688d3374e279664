/* What each prediction reads: for the selected position t, every position s <= t of the text on a
 * background coloured by ||d log p(x_{t+1} | x_<=t) / d e(x_s)||, the size of the gradient of the
 * next token's log-probability with respect to the embedded input at s (engine/probe.h), on a log
 * scale relative to its largest value. Side by side for every model (a vanilla RNN's colour fades
 * within a few characters; an LSTM's reaches back), or one model. Click a character to select it. */
#include "panels.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CONN_DECADES 4.0f /* the colour scale: 10^-4 .. 1 of the largest value */

/* The first token drawn: a line start about two thirds of the rows above t, so t and what it reads
 * are on screen (rows counted from newlines and wraps at per_line characters). */
static int window_start(const tr_snapshot *sn, int t, int per_line, int lines) {
  int rows = 0, col = 0, want = lines * 2 / 3;
  for (int s = t; s > 0; s--) {
    const char *lab = sn->labels ? sn->labels[s - 1] : NULL;
    int nl = lab && !strcmp(lab, "\n");
    if (nl || ++col >= per_line) {
      rows++;
      col = 0;
      if (rows >= want) return s;
    }
  }
  return 0;
}

static void draw_one(ex_view *v, gfx_rect r, int slot, int t) {
  gfx *g = v->g;
  const theme *th = gfx_theme(g);
  const tr_snapshot *sn = &v->snap;
  int bp = gfx_font_px(g, THEME_TEXT_BODY), lh = (int)(gfx_line_height(g, GFX_SANS, bp) * 1.3f);
  char name[96], msg[256] = "";
  ex_slot_name(v, slot, name, sizeof name);
  gfx_fill_rect(g, gfx_r(r.x, r.y + lh / 4, gfx_px(g, 14), lh / 2), ex_slot_color(v, slot));
  gfx_text(g, r.x + gfx_px(g, 22), r.y, name, GFX_SANS, bp, th->text, GFX_LEFT | GFX_TOP);
  gfx_rect text = gfx_r(r.x, r.y + lh, r.w, r.h - lh);
  const float *c = ex_inspect_connectivity(v->insp, sn, slot, t, msg, sizeof msg);
  if (!c) {
    gfx_text(g, text.x, text.y, msg, GFX_SANS, gfx_font_px(g, THEME_TEXT_SMALL), th->text_dim, GFX_LEFT | GFX_TOP);
    return;
  }
  float mx = 0;
  for (int s = 0; s < sn->T; s++) mx = fmaxf(mx, c[s]);
  gfx_color *col = malloc(sizeof *col * (size_t)sn->T);
  if (!col) return;
  for (int s = 0; s < sn->T; s++) {
    float lv = c[s] > 0 && mx > 0 ? log10f(c[s] / mx) : -CONN_DECADES;
    col[s] = s <= t ? colormap_value(COLORMAP_SEQUENTIAL, lv, -CONN_DECADES, 0) : th->panel;
  }
  int cw;
  gfx_text_size(g, "m", GFX_MONO, bp, &cw, NULL);
  int per_line = cw > 0 ? text.w / cw : 40, lines = lh > 0 ? text.h / lh : 10;
  int hov = panel_flow_text(v, text, window_start(sn, t, per_line > 0 ? per_line : 1, lines), col);
  free(col);
  if (hov >= 0 && ex_chrome(v)) {
    char tip[160];
    snprintf(tip, sizeof tip, "s = %d \"%s\"\ngradient %.3g (%.2g of the largest)", hov + 1,
             strcmp(sn->labels[hov], "\n") ? sn->labels[hov] : "\\n", c[hov], mx > 0 ? c[hov] / mx : 0);
    ui_tooltip(v->u, tip);
    if (ui_clicked(v->u, text) && hov < sn->T - 1) v->sel_t = hov;
  }
}

void panel_connectivity_draw(ex_view *v, gfx_rect r) {
  gfx *g = v->g;
  const theme *th = gfx_theme(g);
  const tr_snapshot *sn = &v->snap;
  int t = ex_sel_t(v);
  if (t >= sn->T - 1) t = sn->T - 2;
  char title[200];
  const char *next = t >= 0 && sn->labels ? sn->labels[t + 1] : "?";
  int bare = !strcmp(next, "\n") || !strcmp(next, " ");
  snprintf(title, sizeof title, "What the prediction at t = %d reads: |d log p(%s%s%s) / d e(x_s)|", t + 1,
           bare ? "" : "'", !strcmp(next, "\n") ? "\\n" : !strcmp(next, " ") ? "space" : next, bare ? "" : "'");
  gfx_rect c = ex_panel_frame(v, RL_PANEL_CONNECTIVITY, r, title);
  int slots[TR_MAX_SLOTS], n = 0;
  if (v->conn_compare) {
    for (int k = 0; k < TR_MAX_SLOTS; k++)
      if (sn->slot[k].used && sn->slot[k].have_trace) slots[n++] = k;
  } else if ((slots[0] = ex_inspect_slot(&v->snap, v->units_slot)) >= 0) {
    n = 1;
  }
  if (n == 0 || t < 0) {
    gfx_text(g, c.x, c.y, "Needs a language model and a text of two tokens or more", GFX_SANS,
             gfx_font_px(g, THEME_TEXT_BODY), th->text_dim, GFX_LEFT | GFX_TOP);
    return;
  }
  int gap = gfx_px(g, 24), bar_h = gfx_px(g, 110);
  int bp = gfx_font_px(g, THEME_TEXT_BODY), lh = (int)(gfx_line_height(g, GFX_SANS, bp) * 1.3f);
  int body_h = c.h - bar_h - gap;
  int cw = (c.w - (n - 1) * gap) / n;
  for (int i = 0; i < n; i++) draw_one(v, gfx_r(c.x + i * (cw + gap), c.y, cw, body_h), slots[i], t);
  int bw = c.w < gfx_px(g, 900) ? c.w : gfx_px(g, 900);
  plot_colorbar(g, gfx_r(c.x + gfx_px(g, 20), c.y + c.h - gfx_px(g, 68), bw - gfx_px(g, 40), gfx_px(g, 28)),
                COLORMAP_SEQUENTIAL, -CONN_DECADES, 0,
                "log10 of the gradient relative to its largest");
  if (ex_chrome(v) && sn->slot[1].used) {
    const char *lab = v->conn_compare ? "one model" : "compare models";
    int tw;
    gfx_text_size(g, lab, GFX_SANS, bp, &tw, NULL);
    gfx_rect b = gfx_r(c.x + c.w - tw - gfx_px(g, 24), c.y + c.h - lh, tw + gfx_px(g, 24), lh);
    gfx_fill_round_rect(g, b, gfx_px(g, 4), ui_hover(v->u, b) ? th->widget_hover : th->widget);
    gfx_text(g, b.x + b.w / 2, b.y + b.h / 2, lab, GFX_SANS, bp, th->text, GFX_CENTER | GFX_MIDDLE);
    if (ui_clicked(v->u, b)) v->conn_compare = !v->conn_compare;
  }
}

int panel_connectivity_csv(const ex_view *v, FILE *f) {
  const tr_snapshot *sn = &v->snap;
  int t = ex_sel_t(v);
  if (t >= sn->T - 1) t = sn->T - 2;
  fprintf(f, "model,t,s,token,gradient\n");
  char msg[256], buf[64], nb[160], name[96];
  for (int k = 0; k < TR_MAX_SLOTS && t >= 0; k++) {
    if (!sn->slot[k].used || !sn->slot[k].have_trace) continue;
    const float *c = ex_inspect_connectivity(v->insp, sn, k, t, msg, sizeof msg);
    if (!c) continue;
    ex_slot_name(v, k, name, sizeof name);
    for (int s = 0; s <= t; s++)
      fprintf(f, "%s,%d,%d,%s,%.6g\n", csv_quote(name, nb, sizeof nb), t + 1, s + 1,
              csv_quote(sn->labels[s], buf, sizeof buf), c[s]);
  }
  return ferror(f) ? -1 : 0;
}
