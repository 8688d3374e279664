/* Cell diagram at the selected timestep, in the conveyor-belt style of colah's "Understanding LSTM
 * Networks": the state line(s) across the cell, the gates as sigmoid / tanh boxes, pointwise
 * operations as circles. Every box and state carries its live vector (one coloured cell per unit,
 * same colormaps as the heatmaps) and its mean. Drawn for the LSTM, the GRU and the vanilla RNN. */
#include "panels.h"
#include <math.h>
#include <string.h>

typedef struct {
  ex_view *v;
  gfx *g;
  const theme *th;
  gfx_rect a;   /* design space [0,1]x[0,1] maps into a */
  float lw;     /* wire width */
  int small, body;
  int compact;  /* gate names in their boxes, values alone below */
  const tr_slot_snap *s;
  int t;
} dctx;

static float X(const dctx *d, float u) { return d->a.x + u * d->a.w; }
static float Y(const dctx *d, float v) { return d->a.y + v * d->a.h; }

static void wire(const dctx *d, float u0, float v0, float u1, float v1, int arrow) {
  gfx_color c = d->th->text_dim;
  if (arrow) gfx_arrow(d->g, X(d, u0), Y(d, v0), X(d, u1), Y(d, v1), d->lw, c);
  else gfx_line(d->g, X(d, u0), Y(d, v0), X(d, u1), Y(d, v1), d->lw, c);
}

/* A vector of n values as a strip of cells centred at (u, v). kind 0: [0,1] sequential; 1: [-1,1]. */
static void strip(const dctx *d, float u, float v, float wu, const float *vals, int n, int stride, int kind) {
  if (!vals || n <= 0) return;
  int w = (int)(wu * d->a.w), h = gfx_px(d->g, 14);
  int x0 = (int)X(d, u) - w / 2, y0 = (int)Y(d, v) - h / 2;
  for (int j = 0; j < n; j++) {
    int xa = x0 + (int)((long)j * w / n), xb = x0 + (int)((long)(j + 1) * w / n);
    float val = vals[(size_t)j * (size_t)stride];
    gfx_color c = kind == 0 ? colormap_value(COLORMAP_SEQUENTIAL, val, 0, 1)
                            : colormap_value(COLORMAP_DIVERGING, val, -1, 1);
    gfx_fill_rect(d->g, gfx_r(xa, y0, xb - xa > 0 ? xb - xa : 1, h), c);
  }
  gfx_stroke_rect(d->g, gfx_r(x0 - 1, y0 - 1, w + 2, h + 2), 1, d->th->panel_border);
}

static float mean(const float *v, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) s += v[i];
  return n ? (float)(s / n) : NAN;
}

/* Text with a background plate, so it stays readable over wires. */
static void plate(const dctx *d, float x, float y, const char *s, gfx_color col, int align) {
  int w = 0, h = 0;
  gfx_text_size(d->g, s, GFX_SANS, d->small, &w, &h);
  float x0 = (align & GFX_CENTER) ? x - w / 2.0f : (align & GFX_RIGHT) ? x - w : x;
  float y0 = (align & GFX_MIDDLE) ? y - h / 2.0f : (align & GFX_BOTTOM) ? y - h : y;
  int p = gfx_px(d->g, 3);
  gfx_fill_rect(d->g, gfx_r((int)x0 - p, (int)y0, w + 2 * p, h), gfx_fade(d->th->panel, 0.85f));
  gfx_text(d->g, x, y, s, GFX_SANS, d->small, col, align);
}

/* A gate box: activation inside, vector strip and "name mean" below. */
static void gate_box(const dctx *d, float u, float v, const char *act, const char *name, const float *vals,
                     int n, int kind, int clamped) {
  float bw = 0.095f, bh = 0.12f;
  gfx_rect r = {(int)X(d, u - bw / 2), (int)Y(d, v - bh / 2), (int)(bw * d->a.w), (int)(bh * d->a.h)};
  gfx_color fill = kind == 0 ? gfx_mix(d->th->panel, d->th->series[2], 0.45f) : gfx_mix(d->th->panel, d->th->series[5], 0.45f);
  gfx_fill_round_rect(d->g, r, gfx_px(d->g, 6), fill);
  gfx_stroke_rect(d->g, r, clamped ? gfx_px(d->g, 3) : 1, clamped ? d->th->warn : d->th->axis);
  /* a narrow diagram names the gate in its box (colour tells sigmoid from tanh) and puts only the
   * value below, so labels never run into their neighbours or the wires */
  gfx_text(d->g, r.x + r.w / 2, r.y + r.h / 2, d->compact ? name : act, GFX_SANS, d->body, d->th->text,
           GFX_CENTER | GFX_MIDDLE);
  char val[32];
  float m = vals ? mean(vals, n) : NAN;
  if (clamped) snprintf(val, sizeof val, "= %.0f", (double)m);
  else snprintf(val, sizeof val, "%.2f", (double)m);
  float sy = v + bh / 2 + 0.055f;
  strip(d, u, sy, 0.12f, vals, n, 1, kind);
  gfx_color col = clamped ? d->th->warn : d->th->text;
  float ly = Y(d, sy) + gfx_px(d->g, 10);
  char lab[64];
  if (d->compact) snprintf(lab, sizeof lab, "%s", val); /* the name is in the box */
  else snprintf(lab, sizeof lab, "%s %s", name, val);
  plate(d, X(d, u), ly, lab, col, GFX_CENTER | GFX_TOP);
}

static void op(const dctx *d, float u, float v, const char *sym) {
  float rad = gfx_px(d->g, 15);
  int wide = strlen(sym) > 2;
  if (wide) {
    gfx_rect r = {(int)(X(d, u) - rad * 1.6f), (int)(Y(d, v) - rad * 0.9f), (int)(rad * 3.2f), (int)(rad * 1.8f)};
    gfx_fill_round_rect(d->g, r, (int)(rad * 0.9f), d->th->widget);
    gfx_text(d->g, X(d, u), Y(d, v), sym, GFX_SANS, d->small, d->th->text, GFX_CENTER | GFX_MIDDLE);
    return;
  }
  gfx_fill_circle(d->g, X(d, u), Y(d, v), rad, d->th->widget);
  gfx_circle(d->g, X(d, u), Y(d, v), rad, 2, d->th->axis);
  gfx_text(d->g, X(d, u), Y(d, v), sym, GFX_SANS, d->body, d->th->text, GFX_CENTER | GFX_MIDDLE);
}

static void label(const dctx *d, float u, float v, const char *s, int align) {
  gfx_text(d->g, X(d, u), Y(d, v), s, GFX_SANS, d->small, d->th->text, align);
}

/* State vector of array arr ([T][H], layer 0) at t (t < 0: zeros, the initial state). */
static const float *state_at(const tr_slot_snap *s, const float *arr, int t) {
  if (t < 0 || !arr) return NULL;
  return arr + (size_t)t * (size_t)s->H;
}

/* A state vector: name and strip. Before the first word it is the initial state, named as such:
 * "h(0) = 0" (no strip). */
static void state_strip(const dctx *d, float u, float v, const char *name, const float *vals, int kind) {
  char lab[64];
  if (vals) snprintf(lab, sizeof lab, "%s", name);
  else snprintf(lab, sizeof lab, "%c(0) = 0", name[0]);
  plate(d, X(d, u), Y(d, v) - gfx_px(d->g, 10), lab, d->th->text, GFX_CENTER | GFX_BOTTOM);
  if (vals) strip(d, u, v, 0.12f, vals, d->s->H, 1, kind);
}

static void draw_lstm(const dctx *d) {
  const tr_slot_snap *s = d->s;
  int H = s->H, t = d->t;
  const float *gt = s->gates + (size_t)t * 4 * (size_t)H;
  const float *gi = gt, *gf = gt + H, *gg = gt + 2 * H, *go = gt + 3 * H;
  const float belt = 0.13f, bus = 0.92f, boxes = 0.50f, mid = 0.32f;
  const float uf = 0.24f, ui = 0.37f, ug = 0.52f, uo = 0.67f, umul = 0.445f, uh = 0.84f;
  /* cell state conveyor belt */
  gfx_line(d->g, X(d, 0.02f), Y(d, belt), X(d, 0.95f), Y(d, belt), d->lw * 1.8f, d->th->text);
  gfx_arrow(d->g, X(d, 0.90f), Y(d, belt), X(d, 0.99f), Y(d, belt), d->lw * 1.8f, d->th->text);
  state_strip(d, 0.09f, belt + 0.12f, "c(t-1)", state_at(s, s->c, t - 1), 1);
  state_strip(d, 0.92f, belt + 0.12f, "c(t)", state_at(s, s->c, t), 1);
  /* input bus: h(t-1) joined by x(t) */
  wire(d, 0.02f, bus, uo, bus, 0);
  wire(d, 0.16f, 1.0f, 0.16f, bus, 0);
  char xl[96];
  snprintf(xl, sizeof xl, "x(t) = \"%s\"", d->v->snap.labels && t < d->v->snap.T ? d->v->snap.labels[t] : "?");
  label(d, 0.17f, 1.0f, xl, GFX_LEFT | GFX_BOTTOM);
  state_strip(d, 0.09f, bus - 0.09f, "h(t-1)", state_at(s, s->h, t - 1), 1);
  int on = t >= s->clamps.from_t; /* clamps hold from a word on */
  int cf = on && !isnan(s->clamps.value[1]), ci = on && !isnan(s->clamps.value[0]);
  int cg = on && !isnan(s->clamps.value[2]), co = on && !isnan(s->clamps.value[3]);
  /* wires first, boxes on top */
  wire(d, uf, bus, uf, boxes + 0.06f, 1);
  wire(d, uf, boxes - 0.06f, uf, belt + 0.045f, 1);
  wire(d, ui, bus, ui, boxes + 0.06f, 1);
  wire(d, ug, bus, ug, boxes + 0.06f, 1);
  wire(d, ui, boxes - 0.06f, ui, mid, 0);
  wire(d, ui, mid, umul - 0.022f, mid, 1);
  wire(d, ug, boxes - 0.06f, ug, mid, 0);
  wire(d, ug, mid, umul + 0.022f, mid, 1);
  wire(d, umul, mid - 0.045f, umul, belt + 0.045f, 1);
  wire(d, uo, bus, uo, boxes + 0.06f, 1);
  wire(d, uo + 0.05f, boxes, uh - 0.022f, boxes, 1);
  wire(d, uh, belt, uh, mid - 0.04f, 1);
  wire(d, uh, mid + 0.04f, uh, boxes - 0.045f, 1);
  wire(d, uh, boxes + 0.045f, uh, bus, 0);
  wire(d, uh, bus, 0.99f, bus, 1);
  op(d, uf, belt, "\u00D7");
  op(d, umul, mid, "\u00D7");
  op(d, umul, belt, "+");
  op(d, uh, mid, "tanh");
  op(d, uh, boxes, "\u00D7");
  gate_box(d, uf, boxes, "\u03C3", "f", gf, H, 0, cf);
  gate_box(d, ui, boxes, "\u03C3", "i", gi, H, 0, ci);
  gate_box(d, ug, boxes, "tanh", "g", gg, H, 1, cg);
  gate_box(d, uo, boxes, "\u03C3", "o", go, H, 0, co);
  state_strip(d, 0.92f, bus - 0.09f, "h(t)", state_at(s, s->h, t), 1);
}

static void draw_gru(const dctx *d) {
  const tr_slot_snap *s = d->s;
  int H = s->H, t = d->t;
  const float *gt = s->gates + (size_t)t * 3 * (size_t)H;
  const float *gr = gt, *gz = gt + H, *gn = gt + 2 * H;
  const float top = 0.14f, bus = 0.92f, boxes = 0.58f, mid = 0.36f;
  const float ur = 0.26f, uz = 0.44f, un = 0.66f;
  /* the hidden state line across the top: h(t) = z*h(t-1) + (1-z)*n */
  gfx_line(d->g, X(d, 0.02f), Y(d, top), X(d, 0.95f), Y(d, top), d->lw * 1.8f, d->th->text);
  gfx_arrow(d->g, X(d, 0.90f), Y(d, top), X(d, 0.99f), Y(d, top), d->lw * 1.8f, d->th->text);
  /* h(t-1) also feeds the gates: down the left edge into the input bus */
  wire(d, 0.04f, top, 0.04f, bus, 0);
  wire(d, 0.04f, bus, un, bus, 0);
  wire(d, 0.16f, 1.0f, 0.16f, bus, 0);
  char xl[96];
  snprintf(xl, sizeof xl, "x(t) = \"%s\"", d->v->snap.labels && t < d->v->snap.T ? d->v->snap.labels[t] : "?");
  label(d, 0.17f, 1.0f, xl, GFX_LEFT | GFX_BOTTOM);
  /* r: into the candidate (it scales W_hn h(t-1) inside n) */
  wire(d, ur, bus, ur, boxes + 0.06f, 1);
  wire(d, ur, boxes - 0.06f, ur, mid, 0);
  wire(d, ur, mid, un - 0.07f, mid, 0);
  wire(d, un - 0.07f, mid, un - 0.07f, boxes - 0.06f, 1);
  /* z: keeps h(t-1) on the line, (1-z) lets n in */
  wire(d, uz, bus, uz, boxes + 0.06f, 1);
  wire(d, uz, boxes - 0.06f, uz, top + 0.045f, 1);
  wire(d, un, bus, un, boxes + 0.06f, 1);
  wire(d, un + 0.02f, boxes - 0.06f, un + 0.02f, mid + 0.04f, 1);
  wire(d, un + 0.02f, mid - 0.04f, un + 0.02f, top + 0.045f, 1);
  plate(d, X(d, (ur + un) / 2 - 0.03f), Y(d, mid) - gfx_px(d->g, 4), "r scales W_hn h(t-1)", d->th->text_dim,
        GFX_CENTER | GFX_BOTTOM);
  op(d, uz, top, "\u00D7 z");
  op(d, un + 0.02f, mid, "\u00D7 (1-z)");
  op(d, un + 0.02f, top, "+");
  gate_box(d, ur, boxes, "\u03C3", "r", gr, H, 0, 0);
  gate_box(d, uz, boxes, "\u03C3", "z", gz, H, 0, 0);
  gate_box(d, un, boxes, "tanh", "n", gn, H, 1, 0);
  state_strip(d, 0.14f, top + 0.12f, "h(t-1)", state_at(s, s->h, t - 1), 1);
  state_strip(d, 0.90f, top + 0.12f, "h(t)", state_at(s, s->h, t), 1);
}

static void draw_rnn(const dctx *d) {
  const tr_slot_snap *s = d->s;
  int H = s->H, t = d->t;
  const float bus = 0.80f, boxes = 0.45f;
  wire(d, 0.03f, bus, 0.50f, bus, 0);
  wire(d, 0.25f, 1.0f, 0.25f, bus, 0);
  char xl[96];
  snprintf(xl, sizeof xl, "x(t) = \"%s\"", d->v->snap.labels && t < d->v->snap.T ? d->v->snap.labels[t] : "?");
  label(d, 0.26f, 0.995f, xl, GFX_LEFT | GFX_BOTTOM);
  state_strip(d, 0.14f, bus - 0.10f, "h(t-1)", state_at(s, s->h, t - 1), 1);
  wire(d, 0.50f, bus, 0.50f, boxes + 0.065f, 1);
  const char *act = s->spec.nonlin == RL_ACT_RELU ? "ReLU" : s->spec.nonlin == RL_ACT_SIGMOID ? "\u03C3" : "tanh";
  gate_box(d, 0.50f, boxes, act, "h(t)", state_at(s, s->h, t), H,
           s->spec.nonlin == RL_ACT_TANH ? 1 : 0, 0);
  wire(d, 0.555f, boxes, 0.80f, boxes, 0);
  wire(d, 0.80f, boxes, 0.80f, bus, 0);
  wire(d, 0.80f, bus, 0.985f, bus, 1);
  state_strip(d, 0.86f, bus - 0.10f, "h(t)", state_at(s, s->h, t), 1);
}

static int diagram_slot(const ex_view *v) {
  if (v->focus_slot >= 0 && v->focus_slot < TR_MAX_SLOTS && v->snap.slot[v->focus_slot].used) return v->focus_slot;
  for (int k = 0; k < TR_MAX_SLOTS; k++)
    if (v->snap.slot[k].used && v->snap.slot[k].spec.cell == RL_CELL_LSTM) return k;
  for (int k = 0; k < TR_MAX_SLOTS; k++)
    if (v->snap.slot[k].used && v->snap.slot[k].spec.cell == RL_CELL_GRU) return k;
  for (int k = 0; k < TR_MAX_SLOTS; k++)
    if (v->snap.slot[k].used) return k;
  return -1;
}

void panel_diagram_draw(ex_view *v, gfx_rect r) {
  int k = diagram_slot(v);
  int t = ex_sel_t(v);
  char title[200], name[96] = "";
  if (k >= 0) ex_slot_name(v, k, name, sizeof name);
  char clamp[64] = "";
  if (v->clamp_mode && t < v->clamp_from)
    snprintf(clamp, sizeof clamp, "   gates free until word %d", v->clamp_from + 1);
  else if (v->clamp_mode)
    snprintf(clamp, sizeof clamp, "   gates clamped%s", v->clamp_mode == 1 ? ": keep" : v->clamp_mode == 2 ? ": erase" : "");
  if (t >= 0 && k >= 0) /* words count from 1, as on every axis */
    snprintf(title, sizeof title, "%s cell at t = %d%s", name, t + 1, clamp);
  else
    snprintf(title, sizeof title, "Cell diagram");
  gfx_rect c = ex_panel_frame(v, RL_PANEL_DIAGRAM, r, title);
  if (k < 0 || t < 0) return;
  const tr_slot_snap *s = &v->snap.slot[k];
  if (!s->have_trace || s->T != v->snap.T) return;
  dctx d;
  d.v = v;
  d.g = v->g;
  d.th = gfx_theme(v->g);
  d.small = gfx_font_px(v->g, THEME_TEXT_SMALL);
  d.body = gfx_font_px(v->g, THEME_TEXT_BODY);
  d.lw = (float)gfx_px(v->g, 2.5f);
  d.s = s;
  d.t = t;
  /* colour legends of the vector strips, at the right */
  int leg_w = gfx_px(v->g, 100);
  int lh = gfx_line_height(v->g, GFX_SANS, d.small);
  int bar_h = (c.h - 4 * lh) / 2;
  if (bar_h > gfx_px(v->g, 40) && c.w > 4 * leg_w) {
    int bx = c.x + c.w - leg_w + gfx_px(v->g, 8), bw = gfx_px(v->g, 16);
    /* a tanh RNN has no strip in [0, 1]: no gates legend (ReLU/sigmoid RNNs show h(t) in [0, 1]) */
    int gates = s->spec.cell != RL_CELL_RNN || s->spec.nonlin != RL_ACT_TANH;
    if (gates)
      plot_colorbar(v->g, gfx_r(bx, c.y + lh + gfx_px(v->g, 4), bw, bar_h), COLORMAP_SEQUENTIAL, 0.0f, 1.0f, "gates");
    plot_colorbar(v->g, gfx_r(bx, gates ? c.y + 3 * lh + bar_h : c.y + lh + gfx_px(v->g, 4), bw, bar_h),
                  COLORMAP_DIVERGING, -1.0f, 1.0f, "states");
    c.w -= leg_w;
  }
  /* keep a sensible aspect ratio */
  gfx_rect a = c;
  int pad = gfx_line_height(v->g, GFX_SANS, d.small);
  a.y += pad / 2;
  a.h -= pad / 2;
  if (a.w > a.h * 2.6f) {
    int w = (int)(a.h * 2.6f);
    a.x += (a.w - w) / 2;
    a.w = w;
  }
  d.a = a;
  /* gate labels sit about 0.13 of the width apart: a window below 1080p (text shrinks slower than
   * the layout) gets smaller labels rather than overlapping ones */
  int lw = 0;
  gfx_text_size(v->g, "-0.00", GFX_SANS, d.small, &lw, NULL);
  float room = 0.12f * (float)a.w;
  int full = 0;
  gfx_text_size(v->g, "g -0.00", GFX_SANS, d.small, &full, NULL);
  d.compact = full > room;
  if (lw > room && gfx_scale(v->g) < 1.0f) {
    d.small = (int)(d.small * room / lw);
    if (d.small < 10) d.small = 10;
    d.body = d.small + 2;
  }
  if (s->spec.cell == RL_CELL_LSTM) draw_lstm(&d);
  else if (s->spec.cell == RL_CELL_GRU) draw_gru(&d);
  else draw_rnn(&d);
}

int panel_diagram_csv(const ex_view *v, FILE *f) {
  int k = diagram_slot(v), t = ex_sel_t(v);
  fprintf(f, "model,cell,t,name,unit,value\n");
  if (k < 0 || t < 0) return 0;
  const tr_slot_snap *s = &v->snap.slot[k];
  if (!s->have_trace) return 0;
  const char *names[6];
  int n = ex_bands(s->spec.cell, names, NULL, NULL, 6);
  (void)n;
  int H = s->H, G = s->G;
  static const char *lstm[4] = {"i", "f", "g", "o"}, *gru[3] = {"r", "z", "n"};
  for (int gi = 0; gi < G && s->spec.cell != RL_CELL_RNN; gi++)
    for (int j = 0; j < H; j++)
      fprintf(f, "%c,%s,%d,%s,%d,%.6g\n", 'A' + k, rl_cell_name(s->spec.cell), t + 1,
              s->spec.cell == RL_CELL_LSTM ? lstm[gi] : gru[gi], j,
              (double)s->gates[(size_t)t * (size_t)G * (size_t)H + (size_t)gi * (size_t)H + (size_t)j]);
  for (int j = 0; j < H && s->spec.cell == RL_CELL_LSTM; j++)
    fprintf(f, "%c,%s,%d,c,%d,%.6g\n", 'A' + k, rl_cell_name(s->spec.cell), t + 1, j, (double)s->c[(size_t)t * (size_t)H + (size_t)j]);
  for (int j = 0; j < H; j++)
    fprintf(f, "%c,%s,%d,h,%d,%.6g\n", 'A' + k, rl_cell_name(s->spec.cell), t + 1, j, (double)s->h[(size_t)t * (size_t)H + (size_t)j]);
  return ferror(f) ? -1 : 0;
}
