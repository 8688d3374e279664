/* The backward pass through time: dJ/dW_hh as the sum of its per-word terms, as bars that add up
 * to the total, walked from the last word back (explorer_bptt). */
#include "panels.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The BPTT story: the terms of dJ/dW_h (layer 1, forward direction) the backward pass has added.
 * A walk (explorer_bptt) has reached step `from`: steps from..T-1 are added, the earlier ones are
 * not computed yet. Otherwise every step is added (from = 0). */
static int bptt_from(const ex_view *v) {
  int t = v->bptt ? ex_sel_t(v) : 0;
  return t < 0 ? 0 : t;
}

static int bptt_slot_ok(const tr_snapshot *sn, const tr_slot_snap *q) {
  return q->used && q->have_trace && q->T == sn->T && q->dwhh_norm && q->dwhh_cum;
}

/* The bars: one series per model. */
typedef struct {
  plot_series s[TR_MAX_SLOTS];
  const tr_slot_snap *q[TR_MAX_SLOTS];
  char names[TR_MAX_SLOTS][96];
  int n;
  double lo, hi;
} bptt_series;

/* One bar series per model: the terms from `from` on, then the sum; [lo, hi] spans every term and
 * running sum. */
static void collect_series(ex_view *v, float *ys, int ncat, int from, bptt_series *b) {
  const tr_snapshot *sn = &v->snap;
  int T = sn->T;
  b->n = 0;
  b->lo = INFINITY;
  b->hi = 0;
  for (int k = 0; k < TR_MAX_SLOTS; k++) {
    const tr_slot_snap *q = &sn->slot[k];
    if (!bptt_slot_ok(sn, q)) continue;
    float *y = ys + (size_t)b->n * ncat;
    for (int t = 0; t < T; t++) {
      float term = q->dwhh_norm[t], w = q->dwhh_cum[t];
      y[t] = t >= from ? term : NAN;
      if (term > 0 && isfinite(term)) b->lo = fmin(b->lo, term), b->hi = fmax(b->hi, term);
      if (w > 0 && isfinite(w)) b->lo = fmin(b->lo, w), b->hi = fmax(b->hi, w);
    }
    y[T] = q->dwhh_cum[from];
    ex_slot_name(v, k, b->names[b->n], sizeof b->names[b->n]);
    plot_series z = {0};
    z.label = b->names[b->n];
    z.y = y;
    z.n = ncat;
    z.color = ex_slot_color(v, k);
    b->q[b->n] = q;
    b->s[b->n++] = z;
  }
}

/* The key above the plot: what the marks mean (the size of a sum is not the sum of the sizes).
 * Returns the height of its line. */
static int draw_key(ex_view *v, gfx_rect c, gfx_color bar, int from) {
  gfx *g = v->g;
  const theme *th = gfx_theme(g);
  int sp = gfx_font_px(g, THEME_TEXT_SMALL);
  int lh = gfx_line_height(g, GFX_SANS, sp);
  int sw = gfx_px(g, 18), x = c.x, y = c.y + lh / 2;
  gfx_fill_rect(g, gfx_r(x, y - lh / 4, sw, lh / 2), bar);
  x += sw + gfx_px(g, 6);
  x += gfx_text(g, x, y, "size of each step's term", GFX_SANS, sp, th->text_dim, GFX_LEFT | GFX_MIDDLE) + gfx_px(g, 20);
  gfx_line(g, x, y, x + sw, y, gfx_px(g, 3), th->text);
  gfx_fill_circle(g, x + sw / 2.0f, y, gfx_px(g, 5), th->text);
  x += sw + gfx_px(g, 6);
  x += gfx_text(g, x, y, "size of the running sum", GFX_SANS, sp, th->text_dim, GFX_LEFT | GFX_MIDDLE) + gfx_px(g, 20);
  if (v->bptt && from > 0) { /* an empty outline: no value, so no height */
    gfx_stroke_rect(g, gfx_r(x, y - lh / 4, sw, lh / 2), gfx_px(g, 2), th->text_dim);
    x += sw + gfx_px(g, 6);
    gfx_text(g, x, y, "not computed yet", GFX_SANS, sp, th->text_dim, GFX_LEFT | GFX_MIDDLE);
  }
  return lh;
}

/* Steps the pass has not reached: one flat outlined band along the bottom, no heights (it has no
 * values yet). */
static void draw_unreached(ex_view *v, const plot_frame *fr, int from, double group) {
  gfx *g = v->g;
  const theme *th = gfx_theme(g);
  float base = (float)(fr->area.y + fr->area.h);
  float x0 = plot_x_px(fr, -group / 2), x1 = plot_x_px(fr, from - 1 + group / 2);
  int bh = gfx_px(g, 14);
  gfx_stroke_rect(g, gfx_r((int)x0, (int)base - bh, (int)(x1 - x0), bh), gfx_px(g, 2), th->text_dim);
  float xa = plot_x_px(fr, -0.5), xb = plot_x_px(fr, from - 0.5);
  int bp = gfx_font_px(g, THEME_TEXT_BODY);
  int tw = 0;
  gfx_text_size(g, "not reached yet", GFX_SANS, bp, &tw, NULL);
  if (xb - xa > tw + gfx_px(g, 8))
    gfx_text(g, (xa + xb) / 2, fr->area.y + fr->area.h / 2.0f, "not reached yet", GFX_SANS, bp, th->text_dim,
             GFX_CENTER | GFX_MIDDLE);
}

/* Over the bars: zero terms, each model's running sum from the last step back to where the pass
 * is, and the sum's own bar with its value. */
static void draw_marks(ex_view *v, const plot_frame *fr, const bptt_series *b, int from, int lh) {
  gfx *g = v->g;
  const theme *th = gfx_theme(g);
  int T = v->snap.T, ns = b->n, sp = gfx_font_px(g, THEME_TEXT_SMALL);
  double group = 0.8, bw = group / ns;
  float base = (float)(fr->area.y + fr->area.h);
  if (v->bptt && from > 0) draw_unreached(v, fr, from, group);
  /* a term that is exactly zero (W_h meets h(0) = 0 at the first step) has no bar on a log axis */
  for (int k = 0; k < ns; k++)
    for (int t = from; t < T; t++)
      if (b->q[k]->dwhh_norm[t] == 0.0f)
        gfx_text(g, plot_x_px(fr, t - group / 2 + (k + 0.5) * bw), base - gfx_px(g, 4), "0", GFX_SANS, sp,
                 th->text_dim, GFX_CENTER | GFX_BOTTOM);
  float *px = malloc(sizeof(float) * (size_t)T * 2);
  for (int k = 0; k < ns && px; k++) {
    float *py = px + T;
    int n = 0;
    for (int t = T - 1; t >= from; t--) {
      float cum = b->q[k]->dwhh_cum[t];
      if (!(cum > 0) || !isfinite(cum)) continue;
      px[n] = plot_x_px(fr, t - group / 2 + (k + 0.5) * bw);
      py[n++] = plot_y_px(fr, cum);
    }
    if (n > 1) gfx_polyline(g, px, py, n, gfx_px(g, 3), th->text);
    for (int i = 0; i < n; i++) {
      gfx_fill_circle(g, px[i], py[i], gfx_px(g, 6), th->text);
      gfx_fill_circle(g, px[i], py[i], gfx_px(g, 3.5f), b->s[k].color);
    }
  }
  free(px);
  /* the sum stands apart: its own bar, with its value */
  float xs = plot_x_px(fr, T - 0.5);
  gfx_dashed_line(g, xs, fr->area.y, xs, base, gfx_px(g, 2), gfx_px(g, 6), th->text_dim);
  for (int k = 0; k < ns; k++) {
    float total = b->s[k].y[T];
    if (!(total > 0) || !isfinite(total)) continue;
    char val[32];
    snprintf(val, sizeof val, "%.2g", (double)total);
    float ty = plot_y_px(fr, total) - gfx_px(g, 4);
    if (ty < fr->area.y + lh) ty = fr->area.y + lh;
    gfx_text(g, plot_x_px(fr, T - group / 2 + (k + 0.5) * bw), ty, val, GFX_SANS, sp, th->text,
             GFX_CENTER | GFX_BOTTOM);
  }
}

void panel_bptt_draw(ex_view *v, gfx_rect r) {
  gfx *g = v->g;
  const tr_snapshot *sn = &v->snap;
  int T = sn->T, from = bptt_from(v);
  char title[200];
  if (v->bptt && T > 0 && from == T - 1)
    snprintf(title, sizeof title, "Backward pass at the last word t = %d: its term starts the sum", from + 1);
  else if (v->bptt && T > 0)
    snprintf(title, sizeof title, "Backward pass at t = %d: words %d to %d added", from + 1, from + 1, T);
  else
    snprintf(title, sizeof title, "BPTT: dJ/dW_h is the sum of one term per timestep");
  gfx_rect c = ex_panel_frame(v, RL_PANEL_BPTT, r, title);
  if (T <= 0) return;
  int ncat = T + 1; /* the timesteps, then the sum */
  float *ys = malloc(sizeof(float) * (size_t)ncat * TR_MAX_SLOTS);
  const char **labels = malloc(sizeof(char *) * (size_t)ncat);
  bptt_series b;
  if (!ys || !labels) {
    free(ys);
    free(labels);
    return;
  }
  collect_series(v, ys, ncat, from, &b);
  for (int t = 0; t < T; t++) labels[t] = sn->labels ? sn->labels[t] : "?";
  labels[T] = "sum";
  int lh = draw_key(v, c, b.n ? b.s[0].color : gfx_theme(g)->accent, from);
  gfx_rect pr = {c.x, c.y + lh + gfx_px(g, 4), c.w, c.h - lh - gfx_px(g, 4)};
  plot_opts o = plot_opts_default();
  o.xlabel = "word t  (the backward pass runs from the last word back to the first)";
  o.ylabel = "size (norm), log scale";
  o.log_y = 1;
  if (b.hi > 0) {
    double lo = b.lo < b.hi * 1e-8 ? b.hi * 1e-8 : b.lo;
    o.ymin = pow(10.0, floor(log10(lo)));
    o.ymax = pow(10.0, ceil(log10(b.hi * 3.0))); /* room above the tallest bar for its value */
  }
  o.xtick_labels = labels;
  o.n_xtick_labels = ncat;
  o.marker_x = v->bptt ? from : NAN;
  o.legend = b.n > 1 ? PLOT_LEGEND_TOP_LEFT : PLOT_LEGEND_NONE;
  plot_frame fr;
  plot_bars(g, pr, &o, b.s, b.n, ncat, &fr);
  if (b.n > 0 && fr.area.w > 0) {
    gfx_push_clip(g, fr.area);
    draw_marks(v, &fr, &b, from, lh);
    gfx_pop_clip(g);
  }
  free(ys);
  free(labels);
}

int panel_bptt_csv(const ex_view *v, FILE *f) {
  const tr_snapshot *sn = &v->snap;
  int from = bptt_from(v);
  fprintf(f, "model,t,token,dWhh_term_norm,running_sum_norm,added\n");
  for (int k = 0; k < TR_MAX_SLOTS; k++) {
    const tr_slot_snap *q = &sn->slot[k];
    if (!bptt_slot_ok(sn, q)) continue;
    char q1[160];
    for (int t = 0; t < q->T && t < sn->T; t++)
      fprintf(f, "%c,%d,%s,%.6g,%.6g,%d\n", 'A' + k, t + 1, csv_quote(sn->labels ? sn->labels[t] : "", q1, sizeof q1),
              (double)q->dwhh_norm[t], (double)q->dwhh_cum[t], t >= from);
  }
  return ferror(f) ? -1 : 0;
}
