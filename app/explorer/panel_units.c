/* A unit over the text: the example drawn as flowing, wrapped text, each character (or word) on
 * a background coloured by the chosen unit's value there (diverging map, legend below), and the
 * "find units" list beside it: the units ranked by how strongly they correlate with simple
 * features of the text (inside quotes, bracket depth, position in the line, after a space, a
 * vowel). Clicking a row shows that unit. Also panel_flow_text, which the connectivity panel
 * shares. */
#include "panels.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- flowing text ---------------------------------------------------------------------------- */

static gfx_color ink_on(gfx_color bg, gfx_color dflt, int have_bg) {
  if (!have_bg) return dflt;
  float lum = 0.299f * bg.r + 0.587f * bg.g + 0.114f * bg.b;
  return lum > 140 ? gfx_rgba(20, 20, 20, 255) : gfx_rgba(245, 245, 245, 255);
}

int panel_flow_text(ex_view *v, gfx_rect r, int first, const gfx_color *col) {
  gfx *g = v->g;
  const theme *th = gfx_theme(g);
  const tr_snapshot *sn = &v->snap;
  int px = gfx_font_px(g, THEME_TEXT_BODY), cw, lh0;
  gfx_text_size(g, "m", GFX_MONO, px, &cw, &lh0);
  int lh = (int)(gfx_line_height(g, GFX_MONO, px) * 1.25f);
  int char_level = 1; /* every token one character (one UTF-8 code point): drawn without spaces */
  for (int t = 0; t < sn->T && char_level; t++) {
    const unsigned char *p = sn->labels && sn->labels[t] ? (const unsigned char *)sn->labels[t] : NULL;
    int cps = 0;
    for (; p && *p; p++) cps += (*p & 0xC0) != 0x80;
    if (cps != 1) char_level = 0;
  }
  float x = (float)r.x, y = (float)r.y;
  int hovered = -1, mx, my, shown = first;
  ui_mouse_pos(v->u, &mx, &my);
  gfx_push_clip(g, r);
  if (first < 0 || first >= sn->T) first = 0;
  for (int t = first; t < sn->T; t++) {
    const char *s = sn->labels && sn->labels[t] ? sn->labels[t] : "?";
    int nl = !strcmp(s, "\n");
    int w = cw;
    if (!nl && strcmp(s, " ")) gfx_text_size(g, s, GFX_MONO, px, &w, NULL);
    if (!char_level) w += cw; /* a word and its space */
    if (x + w > r.x + r.w && x > r.x) {
      x = (float)r.x;
      y += lh;
    }
    if (y + lh > r.y + r.h) break;
    gfx_rect box = gfx_r((int)x, (int)y, w, lh - gfx_px(g, 2));
    if (col) gfx_fill_rect(g, box, col[t]);
    if (t == ex_sel_t(v)) gfx_stroke_rect(g, box, gfx_px(g, 2), th->accent);
    if (!nl && strcmp(s, " "))
      gfx_text(g, x + (char_level ? 0 : cw / 2), y + (lh - gfx_px(g, 2)) / 2.0f, s, GFX_MONO, px,
               ink_on(col ? col[t] : th->panel, th->text, col != NULL), GFX_LEFT | GFX_MIDDLE);
    if (gfx_contains(box, mx, my)) hovered = t;
    x += w;
    shown = t + 1;
    if (nl) {
      x = (float)r.x;
      y += lh;
    }
  }
  gfx_pop_clip(g);
  if (shown < sn->T && ex_chrome(v)) {
    char msg[96];
    snprintf(msg, sizeof msg, "... %d more tokens not shown", sn->T - shown);
    gfx_text(g, r.x + r.w, r.y + r.h, msg, GFX_SANS, gfx_font_px(g, THEME_TEXT_SMALL), th->text_dim,
             GFX_RIGHT | GFX_BOTTOM);
  }
  return hovered;
}

/* ---- the units panel ------------------------------------------------------------------------- */

/* The unit shown: the chosen one, else the top of the ranking. */
static int shown_unit(const ex_view *v, int slot, ex_unit *u) {
  const tr_slot_snap *q = &v->snap.slot[slot];
  if (v->unit_set && ex_unit_valid(q, v->unit)) {
    *u = v->unit;
    return 1;
  }
  const rl_unit_score *rows;
  const ex_unit *units;
  if (ex_inspect_rank(v->insp, &v->snap, slot, &rows, &units) < 1) return 0;
  *u = units[0];
  return 1;
}

/* The colour range of a unit: gates 0..1, tanh outputs -1..1, the cell state +-max|c|. */
static void unit_range(const tr_slot_snap *q, ex_unit u, int T, float *lo, float *hi) {
  int kind[6];
  ex_bands(q->spec.cell, NULL, NULL, kind, 6);
  if (kind[u.band] == EX_BAND_GATE) {
    *lo = 0;
    *hi = 1;
    return;
  }
  float m = 1;
  if (kind[u.band] == EX_BAND_CELL) {
    m = 1e-3f;
    for (int t = 0; t < T; t++) m = fmaxf(m, fabsf(ex_unit_value(q, u, t)));
  }
  *lo = -m;
  *hi = m;
}

static void draw_ranking(ex_view *v, gfx_rect r, int slot, ex_unit cur) {
  gfx *g = v->g;
  const theme *th = gfx_theme(g);
  const tr_slot_snap *q = &v->snap.slot[slot];
  const rl_unit_score *rows;
  const ex_unit *units;
  int n = ex_inspect_rank(v->insp, &v->snap, slot, &rows, &units);
  int sp = gfx_font_px(g, THEME_TEXT_SMALL), bp = gfx_font_px(g, THEME_TEXT_BODY);
  int lh = (int)(gfx_line_height(g, GFX_SANS, bp) * 1.2f);
  gfx_text(g, r.x, r.y, "Find units", GFX_SANS, bp, th->text, GFX_LEFT | GFX_TOP);
  gfx_text(g, r.x, r.y + lh, "|r| with a feature of the text", GFX_SANS, sp, th->text_dim, GFX_LEFT | GFX_TOP);
  int y = r.y + 2 * lh + gfx_px(g, 6);
  /* columns from what they hold: the widest unit name, then the feature, then r at the right */
  int uw = 0, cw8;
  for (int i = 0; i < n && i < 64; i++) {
    char nm[48];
    ex_unit_name(q, units[i], nm, sizeof nm);
    gfx_text_size(g, nm, GFX_MONO, bp, &cw8, NULL);
    if (cw8 > uw) uw = cw8;
  }
  int c1 = r.x + gfx_px(g, 8), c2 = c1 + uw + gfx_px(g, 16), c3 = r.x + r.w - gfx_px(g, 8);
  gfx_text(g, c1, y, "unit", GFX_SANS, sp, th->text_dim, GFX_LEFT | GFX_TOP);
  gfx_text(g, c2, y, "feature", GFX_SANS, sp, th->text_dim, GFX_LEFT | GFX_TOP);
  gfx_text(g, c3, y, "r", GFX_SANS, sp, th->text_dim, GFX_RIGHT | GFX_TOP);
  y += lh;
  for (int i = 0; i < n && y + lh <= r.y + r.h; i++, y += lh) {
    gfx_rect row = gfx_r(r.x, y, r.w, lh - gfx_px(g, 2));
    int sel = units[i].ld == cur.ld && units[i].band == cur.band && units[i].unit == cur.unit;
    if (sel) gfx_fill_rect(g, row, gfx_fade(th->accent, 0.35f));
    else if (ex_chrome(v) && ui_hover(v->u, row)) gfx_fill_rect(g, row, th->widget_hover);
    char name[48], rv[16];
    ex_unit_name(q, units[i], name, sizeof name);
    snprintf(rv, sizeof rv, "%+.2f", rows[i].r);
    int mid = y + (lh - gfx_px(g, 2)) / 2;
    gfx_text(g, c1, mid, name, GFX_MONO, bp, th->text, GFX_LEFT | GFX_MIDDLE);
    gfx_text(g, c2, mid, rl_feature_name((rl_feature)rows[i].feature), GFX_SANS, bp, th->text, GFX_LEFT | GFX_MIDDLE);
    gfx_text(g, c3, mid, rv, GFX_MONO, bp, th->text, GFX_RIGHT | GFX_MIDDLE);
    if (ex_chrome(v) && ui_clicked(v->u, row)) {
      v->unit = units[i];
      v->unit_set = 1;
    }
  }
  if (n == 0) gfx_text(g, c1, y, "no trace yet", GFX_SANS, sp, th->text_dim, GFX_LEFT | GFX_TOP);
}

void panel_units_draw(ex_view *v, gfx_rect r) {
  gfx *g = v->g;
  const theme *th = gfx_theme(g);
  int slot = ex_inspect_slot(&v->snap, v->units_slot);
  ex_unit u = {0, 0, 0};
  char title[200] = "A unit over the text";
  int have = slot >= 0 && shown_unit(v, slot, &u);
  const tr_slot_snap *q = have ? &v->snap.slot[slot] : NULL;
  const char *longn[6];
  if (have) {
    char name[48], model[96];
    ex_unit_name(q, u, name, sizeof name);
    ex_bands(q->spec.cell, NULL, longn, NULL, 6);
    ex_slot_name(v, slot, model, sizeof model);
    snprintf(title, sizeof title, "A unit over the text: %s, %s of %s", name, longn[u.band], model);
  }
  gfx_rect c = ex_panel_frame(v, RL_PANEL_UNITS, r, title);
  if (!have) {
    gfx_text(g, c.x, c.y, "No trace to show yet", GFX_SANS, gfx_font_px(g, THEME_TEXT_BODY), th->text_dim,
             GFX_LEFT | GFX_TOP);
    return;
  }
  int gap = gfx_px(g, 16);
  int lw = c.w > gfx_px(g, 900) ? (int)fmaxf(c.w * 0.27f, (float)gfx_tx(g, 400)) : 0;
  int bar_h = gfx_px(g, 110); /* the label above the bar, the bar, the tick labels below */
  gfx_rect text = gfx_r(c.x, c.y, c.w - (lw ? lw + gap : 0), c.h - bar_h - gap);
  int T = v->snap.T;
  gfx_color *col = malloc(sizeof *col * (size_t)(T > 0 ? T : 1));
  float lo, hi;
  unit_range(q, u, T, &lo, &hi);
  for (int t = 0; col && t < T; t++) col[t] = colormap_value(COLORMAP_DIVERGING, ex_unit_value(q, u, t), lo, hi);
  int hov = panel_flow_text(v, text, 0, col);
  free(col);
  if (hov >= 0 && ex_chrome(v)) {
    char tip[128];
    snprintf(tip, sizeof tip, "t = %d \"%s\"\nvalue %.4f", hov + 1,
             strcmp(v->snap.labels[hov], "\n") ? v->snap.labels[hov] : "\\n", ex_unit_value(q, u, hov));
    ui_tooltip(v->u, tip);
  }
  char lab[96];
  snprintf(lab, sizeof lab, "value of unit %d (%s)", u.unit, longn[u.band]);
  int bw = text.w < gfx_px(g, 900) ? text.w : gfx_px(g, 900);
  plot_colorbar(g, gfx_r(text.x + gfx_px(g, 20), c.y + c.h - gfx_px(g, 68), bw - gfx_px(g, 40), gfx_px(g, 28)),
                COLORMAP_DIVERGING, lo, hi, lab);
  if (lw) draw_ranking(v, gfx_r(c.x + c.w - lw, c.y, lw, c.h), slot, u);
}

int panel_units_csv(const ex_view *v, FILE *f) {
  int slot = ex_inspect_slot(&v->snap, v->units_slot);
  ex_unit u;
  if (slot < 0 || !shown_unit(v, slot, &u)) return fprintf(f, "unit,t,token,value\n") < 0 ? -1 : 0;
  const tr_slot_snap *q = &v->snap.slot[slot];
  char name[48], buf[64];
  ex_unit_name(q, u, name, sizeof name);
  fprintf(f, "unit,t,token,value\n");
  for (int t = 0; t < v->snap.T; t++)
    fprintf(f, "%s,%d,%s,%.6g\n", name, t + 1, csv_quote(v->snap.labels[t], buf, sizeof buf), ex_unit_value(q, u, t));
  const rl_unit_score *rows;
  const ex_unit *units;
  int n = ex_inspect_rank(v->insp, &v->snap, slot, &rows, &units);
  fprintf(f, "\nrank,unit,feature,r\n");
  for (int i = 0; i < n; i++) {
    ex_unit_name(q, units[i], name, sizeof name);
    fprintf(f, "%d,%s,%s,%.6f\n", i + 1, name, rl_feature_name((rl_feature)rows[i].feature), rows[i].r);
  }
  return ferror(f) ? -1 : 0;
}
