/* Words become vectors: for the selected word, the one-hot x(t) (one lit cell among the V words of
 * the vocabulary), its embedding e(t) = E x(t) (the row of E that the one-hot picks), and
 * W_e e(t), what the word adds inside the cell, with an arrow into the cell's formula. */
#include "panels.h"
#include <math.h>
#include <stdlib.h>

/* The slot shown: the one the cell diagram follows, else the first with an embedding trace. */
static int embedding_slot(const ex_view *v) {
  int k = v->focus_slot;
  if (k >= 0 && k < TR_MAX_SLOTS && v->snap.slot[k].used && v->snap.slot[k].emb) return k;
  for (k = 0; k < TR_MAX_SLOTS; k++)
    if (v->snap.slot[k].used && v->snap.slot[k].have_trace && v->snap.slot[k].emb) return k;
  return -1;
}

/* n values as a row of cells in r, each coloured by the diverging map on [-a, a]. */
static void value_row(gfx *g, gfx_rect r, const float *v, int n, float a) {
  uint8_t *img = malloc((size_t)n * 4);
  if (!img) return;
  for (int i = 0; i < n; i++) {
    gfx_color c = colormap_value(COLORMAP_DIVERGING, v[i], -a, a);
    img[4 * i] = c.r, img[4 * i + 1] = c.g, img[4 * i + 2] = c.b, img[4 * i + 3] = 255;
  }
  gfx_image_rgba(g, r, img, n, 1);
  free(img);
  gfx_stroke_rect(g, r, 1, gfx_theme(g)->panel_border);
}

static float max_abs(const float *v, int n) {
  float a = 0;
  for (int i = 0; i < n; i++) a = fmaxf(a, fabsf(v[i]));
  return a > 0 ? a : 1;
}

/* A caption wrapped to the width; returns the height used. */
static int caption(gfx *g, gfx_rect c, int y, const char *text, int px, gfx_color col) {
  char lines[3][GFX_WRAP_LINE];
  int n = gfx_wrap(g, text, GFX_SANS, px, c.w, lines, 3), lh = gfx_line_height(g, GFX_SANS, px);
  for (int i = 0; i < n; i++) gfx_text(g, c.x, y + i * lh, lines[i], GFX_SANS, px, col, GFX_LEFT | GFX_TOP);
  return n * lh;
}

/* The colour range of a strip, small, under its right end. */
static void range_note(gfx *g, int x_right, int y, float a) {
  char buf[64];
  snprintf(buf, sizeof buf, "blue %.2g \u2026 red %.2g", -(double)a, (double)a);
  gfx_text(g, x_right, y, buf, GFX_SANS, gfx_font_px(g, THEME_TEXT_SMALL), gfx_theme(g)->text_dim,
           GFX_RIGHT | GFX_TOP);
}

void panel_embedding_draw(ex_view *v, gfx_rect r) {
  gfx *g = v->g;
  const theme *th = gfx_theme(g);
  const tr_snapshot *sn = &v->snap;
  int k = embedding_slot(v), t = ex_sel_t(v);
  char title[200];
  if (k >= 0 && t >= 0 && sn->labels)
    snprintf(title, sizeof title, "Word %d, \"%s\", becomes a vector", t + 1, sn->labels[t]);
  else
    snprintf(title, sizeof title, "Words become vectors");
  gfx_rect c = ex_panel_frame(v, RL_PANEL_EMBEDDING, r, title);
  if (k < 0 || t < 0 || t >= sn->T) return;
  const tr_slot_snap *s = &sn->slot[k];
  int V = sn->V, E = s->E, GH = s->G * s->H, tok = sn->tokens ? sn->tokens[t] : 0;
  if (V <= 0 || E <= 0 || !s->emb || !s->xproj) return;
  int sp = gfx_font_px(g, THEME_TEXT_SMALL), bp = gfx_font_px(g, THEME_TEXT_BODY);
  int lsm = gfx_line_height(g, GFX_SANS, sp);
  int row = gfx_px(g, 44), arrow = gfx_px(g, 40);
  /* three blocks (caption, cells, note) joined by arrows, spread over the panel's height */
  int y = c.y + gfx_px(g, 6);
  char cap[256];

  /* x(t): one-hot over the vocabulary; a cell per word while they are wider than 2 pixels */
  snprintf(cap, sizeof cap, "x(t), one-hot: \"%s\" is word %d of the %d in the vocabulary", sn->labels[t], tok + 1,
           V);
  y += caption(g, c, y, cap, bp, th->text) + gfx_px(g, 6);
  gfx_rect oh = {c.x, y, c.w, row};
  gfx_fill_rect(g, oh, th->widget);
  float cw = (float)c.w / (float)V;
  if (cw >= 3)
    for (int i = 1; i < V; i++) gfx_line(g, c.x + i * cw, y, c.x + i * cw, y + row, 1, th->panel);
  float x0 = c.x + tok * cw, ow = cw > 4 ? cw : 4;
  gfx_fill_rect(g, gfx_r((int)x0, y, (int)ceilf(ow), row), th->accent);
  gfx_stroke_rect(g, oh, 1, th->panel_border);
  gfx_text(g, x0 + ow / 2, y + row + gfx_px(g, 2), "1", GFX_SANS, sp, th->accent, GFX_CENTER | GFX_TOP);
  gfx_text(g, c.x, y + row + gfx_px(g, 2), "all the others 0", GFX_SANS, sp, th->text_dim, GFX_LEFT | GFX_TOP);
  y += row + lsm + gfx_px(g, 4);
  gfx_arrow(g, c.x + c.w / 2.0f, y, c.x + c.w / 2.0f, y + arrow - gfx_px(g, 6), gfx_px(g, 4), th->text_dim);
  y += arrow;

  /* e(t) = E x(t): the column of E the one-hot picks */
  const float *ev = s->emb + (size_t)t * (size_t)E;
  float ae = max_abs(ev, E);
  snprintf(cap, sizeof cap, "e(t) = E x(t): the one-hot picks column %d of E, %d numbers", tok + 1, E);
  y += caption(g, c, y, cap, bp, th->text) + gfx_px(g, 6);
  int ew = (int)((long)c.w * E / (E > GH ? E : GH));
  if (ew < c.w / 3) ew = c.w / 3;
  gfx_rect er = {c.x + (c.w - ew) / 2, y, ew, row};
  value_row(g, er, ev, E, ae);
  range_note(g, er.x + er.w, y + row + gfx_px(g, 2), ae);
  y += row + lsm + gfx_px(g, 4);
  gfx_arrow(g, c.x + c.w / 2.0f, y, c.x + c.w / 2.0f, y + arrow - gfx_px(g, 6), gfx_px(g, 4), th->text_dim);
  y += arrow;

  /* W_e e(t): the word's contribution to the cell's pre-activations */
  const float *xv = s->xproj + (size_t)t * (size_t)GH;
  float ax = max_abs(xv, GH);
  snprintf(cap, sizeof cap, "W_e e(t): what the word adds inside the cell, %d numbers", GH);
  y += caption(g, c, y, cap, bp, th->text) + gfx_px(g, 6);
  value_row(g, gfx_r(c.x, y, c.w, row), xv, GH, ax);
  range_note(g, c.x + c.w, y + row + gfx_px(g, 2), ax);
  y += row + lsm + gfx_px(g, 10);
  const char *into = s->spec.cell == RL_CELL_LSTM ? "It enters every gate: i, f, g, o = \u03c3 or tanh(W_e e(t) + W_h h(t-1) + b)"
                     : s->spec.cell == RL_CELL_GRU ? "It enters every gate: r, z, n = \u03c3 or tanh(W_e e(t) + W_h h(t-1) + b)"
                                                   : "It enters the cell: h(t) = tanh(W_e e(t) + W_h h(t-1) + b)";
  caption(g, c, y, into, bp, th->text_dim);
}

int panel_embedding_csv(const ex_view *v, FILE *f) {
  const tr_snapshot *sn = &v->snap;
  int k = embedding_slot(v), t = ex_sel_t(v);
  fprintf(f, "model,t,token,token_id,vector,index,value\n");
  if (k < 0 || t < 0 || t >= sn->T) return 0;
  const tr_slot_snap *s = &sn->slot[k];
  char q[160];
  const char *tok = csv_quote(sn->labels ? sn->labels[t] : "", q, sizeof q);
  int id = sn->tokens ? sn->tokens[t] : -1;
  for (int i = 0; i < s->E; i++)
    fprintf(f, "%c,%d,%s,%d,e,%d,%.6g\n", 'A' + k, t + 1, tok, id, i, (double)s->emb[(size_t)t * s->E + i]);
  for (int i = 0; i < s->G * s->H; i++)
    fprintf(f, "%c,%d,%s,%d,W_e_e,%d,%.6g\n", 'A' + k, t + 1, tok, id, i,
            (double)s->xproj[(size_t)t * s->G * s->H + i]);
  return ferror(f) ? -1 : 0;
}
