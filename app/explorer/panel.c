/* What the panels share (panel.h): panel names, frames and titles, slot colours and names, the
 * selected word and the token axes. */
#include "panel.h"
#include <stdlib.h>
#include <string.h>

/* ---- which panels there are ------------------------------------------------------------------ */

static const struct {
  const char *name;
  rl_panel panel;
} PANELS[] = {
    {"heatmaps", RL_PANEL_HEATMAPS}, {"gradients", RL_PANEL_GRADIENTS},
    {"curves", RL_PANEL_CURVES},     {"diagram", RL_PANEL_DIAGRAM},
    {"sidebar", RL_PANEL_SIDEBAR},   {"distribution", RL_PANEL_DISTRIBUTION},
    {"bptt-bars", RL_PANEL_BPTT},    {"params", RL_PANEL_PARAMS},
    {"embedding", RL_PANEL_EMBEDDING}, {"predictions", RL_PANEL_PREDICTIONS},
    {"layers", RL_PANEL_LAYERS},     {"gradient-norm", RL_PANEL_GRADNORM},
    /* aliases (not listed in messages) */
    {"loss", RL_PANEL_CURVES},       {"bptt", RL_PANEL_BPTT},
};

int rl_panel_parse(const char *s, rl_panel *out) {
  for (size_t i = 0; s && i < sizeof PANELS / sizeof PANELS[0]; i++)
    if (!strcmp(PANELS[i].name, s)) {
      *out = PANELS[i].panel;
      return 0;
    }
  return -1;
}

const char *rl_panel_name(rl_panel p) {
  for (int i = 0; i < RL_PANEL_COUNT; i++)
    if (PANELS[i].panel == p) return PANELS[i].name;
  return NULL;
}

const char *const *rl_panel_names(void) {
  static const char *names[RL_PANEL_COUNT];
  for (int i = 0; i < RL_PANEL_COUNT; i++) names[i] = PANELS[i].name;
  return names;
}

int panel_index(rl_panel p) {
  for (int i = 0; i < RL_PANEL_COUNT; i++)
    if ((unsigned)p == (1u << i)) return i;
  return -1;
}

const char *panel_title(rl_panel p) {
  const char *n = rl_panel_name(p);
  return n ? n : "panel";
}

ex_requests ex_requests_none(void) {
  ex_requests r;
  memset(&r, 0, sizeof r);
  r.play = r.speed = -1;
  return r;
}

/* ---- models and the selected word ------------------------------------------------------------ */

gfx_color ex_slot_color(const ex_view *v, int slot) { return theme_series(gfx_theme(v->g), slot); }

void ex_slot_name(const ex_view *v, int slot, char *buf, size_t n) {
  const tr_slot_snap *s = &v->snap.slot[slot];
  tr_model_spec sp = s->used ? s->spec : v->cfg.models[slot];
  char cell[48];
  if (sp.cell == RL_CELL_RNN)
    snprintf(cell, sizeof cell, "RNN (%s)", rl_nonlin_name(sp.nonlin));
  else
    snprintf(cell, sizeof cell, "%s", sp.cell == RL_CELL_LSTM ? "LSTM" : "GRU");
  char extra[48] = "", clip[32] = "";
  if (sp.own_clip && sp.clip > 0) snprintf(clip, sizeof clip, ", clipped at %g", (double)sp.clip);
  else if (sp.own_clip) snprintf(clip, sizeof clip, ", no clipping");
  if (s->used && s->L > 1 && s->D > 1)
    snprintf(extra, sizeof extra, ", %d layers, bidirectional", s->L);
  else if (s->used && s->L > 1)
    snprintf(extra, sizeof extra, ", %d layers%s", s->L, s->spec.residual ? " + skips" : "");
  else if (s->used && s->D > 1)
    snprintf(extra, sizeof extra, ", bidirectional");
  if (v->static_mode)
    snprintf(buf, n, "%s%s", cell, extra);
  else
    snprintf(buf, n, "%c: %s%s%s", 'A' + slot, cell, extra, clip);
}

int ex_sel_t(const ex_view *v) {
  int T = v->snap.T;
  if (T <= 0) return -1;
  if (v->sel_t < 0 || v->sel_t >= T) return T - 1;
  return v->sel_t;
}

long ex_step(const ex_view *v) {
  long step = 0;
  for (int k = 0; k < TR_MAX_SLOTS; k++)
    if (v->snap.slot[k].used && v->snap.slot[k].step > step) step = v->snap.slot[k].step;
  return step;
}

/* ---- frames ------------------------------------------------------------------------------------ */

/* A small button in a panel's title row (live window only). */
static int title_button(ex_view *v, gfx_rect br, const char *label, const char *tip) {
  gfx *g = v->g;
  const theme *th = gfx_theme(g);
  int hov = ui_hover(v->u, br);
  gfx_fill_round_rect(g, br, gfx_px(g, 6), hov ? th->widget_hover : th->widget);
  gfx_text(g, br.x + br.w / 2, br.y + br.h / 2, label, GFX_SANS, gfx_font_px(g, THEME_TEXT_SMALL), th->text,
           GFX_CENTER | GFX_MIDDLE);
  if (hov) ui_tooltip_rect(v->u, br, tip);
  return ui_clicked(v->u, br);
}

/* The export controls, while the mouse is over the panel (the title has the row otherwise): this
 * panel as PNG + CSV, at 1x or 2x; the gradient plot also switches relative / raw. Returns the
 * width they take. */
static int export_buttons(ex_view *v, rl_panel p, int idx, gfx_rect r, int pad, int lh) {
  gfx *g = v->g;
  int sp = gfx_font_px(g, THEME_TEXT_SMALL), w1, w2, w0 = 0, gap = gfx_px(g, 6);
  const char *mode = v->grad_raw ? "relative" : "raw";
  gfx_text_size(g, "export", GFX_SANS, sp, &w1, NULL);
  gfx_text_size(g, "2x", GFX_SANS, sp, &w2, NULL);
  if (p == RL_PANEL_GRADIENTS) gfx_text_size(g, mode, GFX_SANS, sp, &w0, NULL), w0 += gfx_px(g, 20) + gap;
  w1 += gfx_px(g, 20);
  w2 += gfx_px(g, 20);
  int bw = w0 + w1 + gap + w2;
  gfx_rect b1 = {r.x + r.w - pad - bw + w0, r.y + pad / 2, w1, lh}, b2 = {b1.x + w1 + gap, b1.y, w2, lh};
  if (w0 && title_button(v, gfx_r(b1.x - w0, b1.y, w0 - gap, lh), mode,
                         v->grad_raw ? "G: each line relative to its value at the scored word"
                                     : "G: the raw norms ||dJ(T)/dh(t)||"))
    v->grad_raw = !v->grad_raw;
  v->export_button[idx][0] = b1;
  v->export_button[idx][1] = b2;
  if (title_button(v, b1, "export", "save this panel as a slide-sized PNG (1920x1080) and its data as CSV"))
    v->req.export_panels |= (unsigned)p;
  if (title_button(v, b2, "2x", "the same at twice the size (3840x2160), for print"))
    v->req.export_panels_2x |= (unsigned)p;
  return bw;
}

gfx_rect ex_panel_frame(ex_view *v, rl_panel p, gfx_rect r, const char *title) {
  gfx *g = v->g;
  const theme *th = gfx_theme(g);
  int idx = panel_index(p);
  if (idx >= 0) v->rect[idx] = r;
  gfx_fill_rect(g, r, th->panel); /* a plain rectangle: large round rects are slow in software */
  int hl = (v->highlight & (unsigned)p) != 0;
  gfx_stroke_rect(g, r, hl ? gfx_px(g, 4) : 1, hl ? th->accent : th->panel_border);
  int pad = gfx_px(g, 12);
  int hp = gfx_font_px(g, THEME_TEXT_HEADING);
  int lh = gfx_line_height(g, GFX_SANS, hp);
  int bw = 0;
  if (ex_chrome(v) && idx >= 0 && p != RL_PANEL_SIDEBAR && ui_hover(v->u, r)) bw = export_buttons(v, p, idx, r, pad, lh);
  if (title) {
    char fit[256];
    gfx_text_fit(g, title, GFX_SANS, hp, r.w - 2 * pad - bw - pad, fit, sizeof fit);
    gfx_text(g, r.x + pad, r.y + pad / 2, fit, GFX_SANS, hp, hl ? th->accent : th->text, GFX_LEFT | GFX_TOP);
  }
  return ex_panel_content(v, r, title != NULL);
}

gfx_rect ex_panel_content(const ex_view *v, gfx_rect r, int has_title) {
  gfx *g = v->g;
  int pad = gfx_px(g, 12);
  int lh = gfx_line_height(g, GFX_SANS, gfx_font_px(g, THEME_TEXT_HEADING));
  int top = has_title ? pad / 2 + lh + pad / 2 : pad;
  gfx_rect c = {r.x + pad, r.y + top, r.w - 2 * pad, r.h - top - pad};
  if (c.w < 1) c.w = 1;
  if (c.h < 1) c.h = 1;
  return c;
}

/* ---- token axes --------------------------------------------------------------------------------- */

static int label_w(const ex_view *v, int t) {
  int w = 0;
  if (v->snap.labels && t >= 0 && t < v->snap.T)
    gfx_text_size(v->g, v->snap.labels[t], GFX_SANS, gfx_font_px(v->g, THEME_TEXT_SMALL), &w, NULL);
  return w;
}

int ex_token_stride(const ex_view *v, float col_w) {
  int widest = 0, T = v->snap.T;
  for (int t = 0; t < T; t++) {
    int w = label_w(v, t);
    if (w > widest) widest = w;
  }
  float need = (float)(widest + gfx_px(v->g, 10));
  static const int base[3] = {1, 2, 5};
  for (int mag = 1; mag <= 100000; mag *= 10)
    for (int i = 0; i < 3; i++)
      if (base[i] * mag * col_w >= need || base[i] * mag >= T) return base[i] * mag;
  return T > 0 ? T : 1;
}

void ex_token_mask(const ex_view *v, int stride, unsigned char *mask) {
  /* Index arithmetic only, no pixel widths: with the same stride every panel labels the same
   * words. Labels at least `stride` words apart fit in every panel (that is how the stride was
   * chosen), so each label keeps that distance from the ones placed before it. */
  int T = v->snap.T, sel = ex_sel_t(v);
  if (stride < 1) stride = 1;
  for (int t = 0; t < T; t++) mask[t] = 0;
  int kept[3], nkept = 0;
  const int must[3] = {T - 1, sel, 0}; /* the last word (the query), the selected one, the first */
  for (int i = 0; i < 3; i++) {
    int t = must[i], ok = t >= 0 && t < T;
    for (int j = 0; j < nkept && ok && i > 0; j++) ok = abs(t - kept[j]) >= stride;
    if (ok) mask[t] = 1, kept[nkept++] = t;
  }
  for (int t = stride - 1; t < T; t += stride) { /* words stride, 2 stride, ... counting from 1 */
    int ok = 1;
    for (int j = 0; j < nkept && ok; j++) ok = t == kept[j] || abs(t - kept[j]) >= stride;
    if (ok) mask[t] = 1;
  }
}

/* Bands of a cell's trace in the order the heatmaps draw them. */
int ex_bands(rl_cell cell, const char **names, const char **long_names, int *kind, int max) {
  static const char *rn[] = {"h"}, *rl[] = {"hidden state"};
  static const char *ln[] = {"i", "f", "o", "g", "c", "h"};
  static const char *ll[] = {"input gate", "forget gate", "output gate", "candidate", "cell state",
                             "hidden state"};
  static const char *gn[] = {"r", "z", "n", "h"};
  static const char *gl[] = {"reset gate", "update gate", "candidate", "hidden state"};
  const char **a = rn, **b = rl;
  int n = 1;
  int kinds[6] = {EX_BAND_TANH};
  if (cell == RL_CELL_LSTM) {
    a = ln; b = ll; n = 6;
    int k[6] = {EX_BAND_GATE, EX_BAND_GATE, EX_BAND_GATE, EX_BAND_TANH, EX_BAND_CELL, EX_BAND_TANH};
    memcpy(kinds, k, sizeof k);
  } else if (cell == RL_CELL_GRU) {
    a = gn; b = gl; n = 4;
    int k[4] = {EX_BAND_GATE, EX_BAND_GATE, EX_BAND_TANH, EX_BAND_TANH};
    memcpy(kinds, k, sizeof k);
  }
  if (n > max) n = max;
  for (int i = 0; i < n; i++) {
    if (names) names[i] = a[i];
    if (long_names) long_names[i] = b[i];
    if (kind) kind[i] = kinds[i];
  }
  return n;
}

/* ---- text ---------------------------------------------------------------------------------------- */

const char *csv_quote(const char *s, char *buf, size_t cap) {
  size_t o = 0;
  if (cap < 3) {
    if (cap) buf[0] = 0;
    return buf;
  }
  buf[o++] = '"';
  for (; s && *s && o + 3 < cap; s++) {
    if (*s == '"') buf[o++] = '"';
    buf[o++] = *s;
  }
  buf[o++] = '"';
  buf[o] = 0;
  return buf;
}

const char *explorer_format_count(long n, char *buf, size_t cap) {
  char digits[32];
  int len = snprintf(digits, sizeof digits, "%ld", n < 0 ? -n : n);
  size_t o = 0;
  if (n < 0 && o + 1 < cap) buf[o++] = '-';
  for (int i = 0; i < len && o + 1 < cap; i++) {
    if (i > 0 && (len - i) % 3 == 0 && o + 1 < cap) buf[o++] = ',';
    if (o + 1 < cap) buf[o++] = digits[i];
  }
  if (cap) buf[o] = 0;
  return buf;
}
