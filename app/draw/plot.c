/* rnnlab plots: line plots (linear / log10 y), grouped bars, heatmaps with colour legends. */
#include "plot.h"
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TICKS 64

/* ---- mapping ------------------------------------------------------------------------------ */

float plot_x_px(const plot_frame *f, double x) {
  if (f->log_x) {
    if (!(x > 0)) return NAN;
    x = log10(x);
  }
  if (f->x1 == f->x0) return (float)f->area.x;
  return (float)(f->area.x + (x - f->x0) / (f->x1 - f->x0) * f->area.w);
}

/* The part of the area between the out-of-range bands: y0 at its bottom, y1 at its top. */
static int inner_top(const plot_frame *f) { return f->area.y + f->band_hi; }
static int inner_h(const plot_frame *f) { return f->area.h - f->band_lo - f->band_hi; }

float plot_y_px(const plot_frame *f, double y) {
  if (f->log_y) {
    if (!(y > 0)) return NAN;
    y = log10(y);
  }
  int h = inner_h(f), top = inner_top(f);
  if (f->y1 == f->y0) return (float)(top + h);
  return (float)(top + h - (y - f->y0) / (f->y1 - f->y0) * h);
}

double plot_px_x(const plot_frame *f, float px) {
  double v = f->area.w <= 0 ? f->x0 : f->x0 + (px - f->area.x) / (double)f->area.w * (f->x1 - f->x0);
  return f->log_x ? pow(10.0, v) : v;
}

double plot_px_y(const plot_frame *f, float py) {
  int h = inner_h(f), top = inner_top(f);
  double v = h <= 0 ? f->y0 : f->y0 + (top + h - py) / (double)h * (f->y1 - f->y0);
  return f->log_y ? pow(10.0, v) : v;
}

/* ---- ticks -------------------------------------------------------------------------------- */

static double nice_step(double lo, double hi, int target) {
  double span = hi - lo;
  if (!(span > 0) || !isfinite(span)) return 1;
  if (target < 2) target = 2;
  double raw = span / target, mag = pow(10.0, floor(log10(raw))), f = raw / mag;
  double step = f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10;
  return step * mag;
}

int plot_nice_ticks(double lo, double hi, int target, double *ticks, int max) {
  if (!isfinite(lo) || !isfinite(hi) || max <= 0) return 0;
  if (hi < lo) {
    double t = lo;
    lo = hi;
    hi = t;
  }
  if (hi == lo) {
    ticks[0] = lo;
    return 1;
  }
  double step = nice_step(lo, hi, target);
  double first = ceil(lo / step - 1e-9) * step;
  int n = 0;
  for (double v = first; v <= hi + step * 1e-9 && n < max; v = first + n * step) {
    ticks[n++] = fabs(v) < step * 1e-9 ? 0.0 : v;
  }
  return n;
}

void plot_format_tick(double v, double step, char *buf, size_t cap) {
  double a = fabs(v), s = fabs(step);
  if (v == 0) {
    snprintf(buf, cap, "0");
  } else if (a >= 1e6 || a < 1e-3) {
    /* 1e-4, 2.5e6 */
    int e = (int)floor(log10(a));
    double m = v / pow(10.0, e);
    if (fabs(m - lround(m)) < 1e-6) snprintf(buf, cap, "%lde%d", lround(m), e);
    else snprintf(buf, cap, "%.1fe%d", m, e);
  } else if (a >= 10000 && s >= 1000) {
    double k = v / 1000;
    if (fabs(k - lround(k)) < 1e-9) snprintf(buf, cap, "%ldk", lround(k));
    else snprintf(buf, cap, "%.1fk", k);
  } else {
    int dec = s > 0 && s < 1 ? (int)ceil(-log10(s) - 1e-9) : 0;
    if (dec > 6) dec = 6;
    snprintf(buf, cap, "%.*f", dec, v);
  }
}

/* "10⁻⁴" with Unicode superscripts (DejaVu has them). */
static void format_decade(int e, char *buf, size_t cap) {
  static const char *const sup[10] = {"\u2070", "\u00b9", "\u00b2", "\u00b3", "\u2074",
                                      "\u2075", "\u2076", "\u2077", "\u2078", "\u2079"};
  if (e == 0) {
    snprintf(buf, cap, "1");
    return;
  }
  if (e == 1) {
    snprintf(buf, cap, "10");
    return;
  }
  char digits[16];
  snprintf(digits, sizeof digits, "%d", e < 0 ? -e : e);
  size_t n = (size_t)snprintf(buf, cap, "10%s", e < 0 ? "\u207b" : "");
  for (char *d = digits; *d && n < cap; d++) n += (size_t)snprintf(buf + n, cap - n, "%s", sup[*d - '0']);
}

/* ---- shared frame drawing ------------------------------------------------------------------ */

typedef struct {
  int px_small, px_body, px_head;
  int pad, tick_len;
  float line_w;
} metrics;

static metrics get_metrics(gfx *g) {
  metrics m;
  m.px_small = gfx_font_px(g, THEME_TEXT_SMALL);
  m.px_body = gfx_font_px(g, THEME_TEXT_BODY);
  m.px_head = gfx_font_px(g, THEME_TEXT_HEADING);
  m.pad = gfx_px(g, 10);
  m.tick_len = gfx_px(g, 6);
  m.line_w = fmaxf(1.0f, gfx_scale(g) * 1.5f);
  return m;
}

typedef struct {
  double yt[MAX_TICKS];
  int nyt;
  int y_is_log;
  double ystep;
  char ylab[MAX_TICKS][32];
} yticks;

static void make_yticks(const plot_frame *f, yticks *t, int target) {
  t->y_is_log = f->log_y;
  if (f->log_y) {
    int lo = (int)ceil(f->y0 - 1e-9), hi = (int)floor(f->y1 + 1e-9);
    int span = hi - lo, every = 1;
    while (span / every > target + 1) every++;
    t->nyt = 0;
    for (int e = lo; e <= hi && t->nyt < MAX_TICKS; e++)
      if ((e - lo) % every == 0) {
        t->yt[t->nyt] = e;
        format_decade(e, t->ylab[t->nyt], sizeof t->ylab[0]);
        t->nyt++;
      }
    t->ystep = every;
  } else {
    t->nyt = plot_nice_ticks(f->y0, f->y1, target, t->yt, MAX_TICKS);
    t->ystep = nice_step(f->y0, f->y1, target);
    for (int i = 0; i < t->nyt; i++) plot_format_tick(t->yt[i], t->ystep, t->ylab[i], sizeof t->ylab[0]);
  }
}

/* Lays out title, y label, tick labels and x label around the data area; returns the area.
 * xlab_rows: number of text rows under the axis (1 tick row, +1 for an x label). */
static gfx_rect layout_frame(gfx *g, gfx_rect r, const metrics *m, const char *title,
                             const char *xlabel, const char *ylabel, int ytick_w) {
  gfx_rect a = gfx_inset(r, m->pad);
  int lh_small = gfx_line_height(g, GFX_SANS, m->px_small);
  int lh_body = gfx_line_height(g, GFX_SANS, m->px_body);
  if (title && *title) {
    int lh = gfx_line_height(g, GFX_SANS, m->px_head);
    a.y += lh + m->pad / 2;
    a.h -= lh + m->pad / 2;
  }
  if (ylabel && *ylabel) {
    a.x += lh_body + m->pad / 2;
    a.w -= lh_body + m->pad / 2;
  }
  a.x += ytick_w + m->tick_len + m->pad / 2;
  a.w -= ytick_w + m->tick_len + m->pad / 2;
  int below = m->tick_len + lh_small + m->pad / 3;
  if (xlabel && *xlabel) below += lh_body;
  a.h -= below;
  /* room for the half of the last x tick label that sticks out on the right, and above the
   * top y tick label */
  a.w -= gfx_px(g, 14);
  a.y += lh_small / 2;
  a.h -= lh_small / 2;
  if (a.w < 1) a.w = 1;
  if (a.h < 1) a.h = 1;
  return a;
}

static void draw_titles(gfx *g, gfx_rect r, gfx_rect area, const metrics *m, const char *title,
                        const char *xlabel, const char *ylabel) {
  const theme *th = gfx_theme(g);
  if (title && *title) {
    char buf[256];
    gfx_text_fit(g, title, GFX_SANS, m->px_head, r.w - 2 * m->pad, buf, sizeof buf);
    gfx_text(g, r.x + m->pad, r.y + m->pad, buf, GFX_SANS, m->px_head, th->text, GFX_LEFT | GFX_TOP);
  }
  char fit[256];
  if (xlabel && *xlabel) { /* centred under the data, but never wider than the plot */
    gfx_text_fit(g, xlabel, GFX_SANS, m->px_body, r.w - 2 * m->pad, fit, sizeof fit);
    int w = 0;
    gfx_text_size(g, fit, GFX_SANS, m->px_body, &w, NULL);
    float x = area.x + area.w * 0.5f;
    if (x - w / 2.0f < r.x + m->pad) x = r.x + m->pad + w / 2.0f;
    if (x + w / 2.0f > r.x + r.w - m->pad) x = r.x + r.w - m->pad - w / 2.0f;
    gfx_text(g, x, r.y + r.h - m->pad, fit, GFX_SANS, m->px_body, th->text_dim, GFX_CENTER | GFX_BOTTOM);
  }
  if (ylabel && *ylabel) {
    gfx_text_fit(g, ylabel, GFX_SANS, m->px_body, r.h - 2 * m->pad, fit, sizeof fit);
    gfx_text_vertical(g, r.x + m->pad, area.y + area.h * 0.5f, fit, GFX_SANS, m->px_body, th->text_dim,
                      GFX_LEFT | GFX_MIDDLE);
  }
}

static int category_gap(gfx *g) { return gfx_px(g, 8); }

int plot_category_labels_fit(gfx *g, const plot_frame *f, int label_w) {
  double per = f->area.w / fmax(1e-9, f->x1 - f->x0);
  return per >= label_w + category_gap(g);
}

/* "1", "10", "100", "1k", "10k", "100k", "1M": decade labels of a log step axis. */
static void format_decade_plain(int e, char *buf, size_t cap) {
  static const char *const names[] = {"1", "10", "100", "1k", "10k", "100k", "1M", "10M", "100M"};
  if (e >= 0 && e < (int)(sizeof names / sizeof names[0])) snprintf(buf, cap, "%s", names[e]);
  else snprintf(buf, cap, "1e%d", e);
}

/* x ticks: integer/nice numeric, decades (log x) or category labels; category labels are
 * thinned (every k-th, or the caller's choice in show) so they never overlap. */
/* Labels at given positions, from the last (the end of the range, which a reader needs most on a
 * log axis) to the first: each drawn unless it would touch the one drawn before. */
static void xticks_at(gfx *g, const plot_frame *f, const metrics *m, const plot_opts *o, int no_grid) {
  const theme *th = gfx_theme(g);
  gfx_rect a = f->area;
  float left = INFINITY;
  for (int i = o->n_xtick_labels - 1; i >= 0; i--) {
    double at = o->xtick_at[i];
    if (!(at >= f->x0 - 1e-9 && at <= f->x1 + 1e-9)) continue;
    float x = plot_x_px(f, at);
    int w;
    gfx_text_size(g, o->xtick_labels[i], GFX_SANS, m->px_small, &w, NULL);
    int show = x + w * 0.5f <= left - category_gap(g);
    if (!no_grid) gfx_line(g, x, a.y, x, a.y + a.h, 1, th->grid);
    gfx_line(g, x, a.y + a.h, x, a.y + a.h + m->tick_len * (show ? 1.0f : 0.5f), 1, th->axis);
    if (!show) continue;
    gfx_text(g, x, a.y + a.h + m->tick_len + 1, o->xtick_labels[i], GFX_SANS, m->px_small, th->text,
             GFX_CENTER | GFX_TOP);
    left = x - w * 0.5f;
  }
}

/* Category labels at x = i: every k-th so the widest fits (or the ones xtick_show picks). */
static void xticks_categories(gfx *g, const plot_frame *f, const metrics *m, const plot_opts *o) {
  const theme *th = gfx_theme(g);
  gfx_rect a = f->area;
  const char *const *labels = o->xtick_labels;
  int nlabels = o->n_xtick_labels, maxw = 0;
  for (int i = 0; i < nlabels; i++) {
    int w;
    gfx_text_size(g, labels[i], GFX_SANS, m->px_small, &w, NULL);
    if (w > maxw) maxw = w;
  }
  double per = a.w / fmax(1e-9, f->x1 - f->x0);
  int every = 1;
  while (every < nlabels && per * every < maxw + category_gap(g)) every++;
  for (int i = 0; i < nlabels; i++) {
    if (i < f->x0 - 1e-9 || i > f->x1 + 1e-9) continue;
    int show = o->xtick_show ? o->xtick_show[i] != 0 : i % every == 0;
    float x = plot_x_px(f, i);
    gfx_line(g, x, a.y + a.h, x, a.y + a.h + m->tick_len * (show ? 1.0f : 0.5f), 1, th->axis);
    if (show)
      gfx_text(g, x, a.y + a.h + m->tick_len + 1, labels[i], GFX_SANS, m->px_small, th->text, GFX_CENTER | GFX_TOP);
  }
}

/* A log10 x axis: decades labelled, minor ticks at 2..9. */
static void xticks_log(gfx *g, const plot_frame *f, const metrics *m, int no_grid) {
  const theme *th = gfx_theme(g);
  gfx_rect a = f->area;
  for (int e = (int)ceil(f->x0 - 1e-9); e <= (int)floor(f->x1 + 1e-9); e++) {
    float x = plot_x_px(f, pow(10.0, e));
    if (!no_grid) gfx_line(g, x, a.y, x, a.y + a.h, 1, th->grid);
    gfx_line(g, x, a.y + a.h, x, a.y + a.h + m->tick_len, 1, th->axis);
    char buf[32];
    format_decade_plain(e, buf, sizeof buf);
    gfx_text(g, x, a.y + a.h + m->tick_len + 1, buf, GFX_SANS, m->px_small, th->text_dim, GFX_CENTER | GFX_TOP);
    for (int k = 2; k <= 9; k++) { /* minor ticks */
      double v = e + log10((double)k);
      if (v > f->x1) break;
      float xm = plot_x_px(f, pow(10.0, v));
      gfx_line(g, xm, a.y + a.h, xm, a.y + a.h + m->tick_len * 0.5f, 1, th->axis);
    }
  }
}

static void draw_xticks(gfx *g, const plot_frame *f, const metrics *m, const plot_opts *o, int integer_x,
                        int no_grid) {
  const theme *th = gfx_theme(g);
  gfx_rect a = f->area;
  if (o->xtick_labels && o->xtick_at && o->n_xtick_labels > 0) {
    xticks_at(g, f, m, o, no_grid);
    return;
  }
  if (o->xtick_labels && o->n_xtick_labels > 0) {
    xticks_categories(g, f, m, o);
    return;
  }
  if (f->log_x) {
    xticks_log(g, f, m, no_grid);
    return;
  }
  double ticks[MAX_TICKS];
  int target = a.w / gfx_px(g, 90);
  if (target < 2) target = 2;
  int nt = plot_nice_ticks(f->x0, f->x1, target, ticks, MAX_TICKS);
  double step = nice_step(f->x0, f->x1, target);
  if (integer_x && step < 1) {
    step = 1;
    nt = 0;
    for (double v = ceil(f->x0); v <= f->x1 && nt < MAX_TICKS; v += 1) ticks[nt++] = v;
  }
  for (int i = 0; i < nt; i++) {
    float x = plot_x_px(f, ticks[i]);
    if (!no_grid) gfx_line(g, x, a.y, x, a.y + a.h, 1, th->grid);
    gfx_line(g, x, a.y + a.h, x, a.y + a.h + m->tick_len, 1, th->axis);
    char buf[32];
    plot_format_tick(ticks[i], step, buf, sizeof buf);
    gfx_text(g, x, a.y + a.h + m->tick_len + 1, buf, GFX_SANS, m->px_small, th->text_dim,
             GFX_CENTER | GFX_TOP);
  }
}

/* Pixel row of a value already on the axis' scale (a decimal exponent on a log axis). */
static float axis_y_px(const plot_frame *f, double v) {
  int h = inner_h(f);
  return (float)(inner_top(f) + h - (v - f->y0) / (f->y1 - f->y0) * h);
}

static void draw_yticks(gfx *g, const plot_frame *f, const metrics *m, const yticks *t, int no_grid) {
  const theme *th = gfx_theme(g);
  gfx_rect a = f->area;
  for (int i = 0; i < t->nyt; i++) {
    float y = axis_y_px(f, t->yt[i]);
    if (!no_grid) gfx_line(g, a.x, y, a.x + a.w, y, 1, th->grid);
    gfx_line(g, a.x - m->tick_len, y, a.x, y, 1, th->axis);
    /* an out-of-range band's own label ("< 10^-12") stands for the edge value next to it */
    int edge_lo = f->band_lo && fabs(t->yt[i] - f->y0) < 1e-9, edge_hi = f->band_hi && fabs(t->yt[i] - f->y1) < 1e-9;
    if (!edge_lo && !edge_hi)
      gfx_text(g, a.x - m->tick_len - gfx_px(g, 3), y, t->ylab[i], GFX_SANS, m->px_small, th->text_dim,
               GFX_RIGHT | GFX_MIDDLE);
  }
  /* minor decade ticks 2..9 when decades are sparse enough to read */
  if (t->y_is_log && t->ystep == 1 && (f->y1 - f->y0) <= 8) {
    for (int e = (int)floor(f->y0); e <= (int)ceil(f->y1); e++)
      for (int k = 2; k <= 9; k++) {
        double v = e + log10((double)k);
        if (v < f->y0 || v > f->y1) continue;
        float y = axis_y_px(f, v);
        gfx_line(g, a.x - m->tick_len * 0.5f, y, a.x, y, 1, th->axis);
      }
  }
}

static int ytick_width(gfx *g, const metrics *m, const yticks *t) {
  int w = 0;
  for (int i = 0; i < t->nyt; i++) {
    int tw;
    gfx_text_size(g, t->ylab[i], GFX_SANS, m->px_small, &tw, NULL);
    if (tw > w) w = tw;
  }
  return w;
}

static void draw_axes_box(gfx *g, gfx_rect a, const metrics *m) {
  const theme *th = gfx_theme(g);
  int lw = (int)lroundf(m->line_w);
  if (lw < 1) lw = 1;
  gfx_fill_rect(g, gfx_r(a.x - lw, a.y, lw, a.h + lw), th->axis);       /* y axis */
  gfx_fill_rect(g, gfx_r(a.x - lw, a.y + a.h, a.w + lw, lw), th->axis); /* x axis */
}

/* ---- data ranges --------------------------------------------------------------------------- */

static void data_range(const plot_series *s, int ns, int log_x, int log_y, double *xlo, double *xhi,
                       double *ylo, double *yhi) {
  *xlo = *ylo = INFINITY;
  *xhi = *yhi = -INFINITY;
  for (int k = 0; k < ns; k++)
    for (int i = 0; i < s[k].n; i++) {
      double x = s[k].x ? s[k].x[i] : i, y = s[k].y ? s[k].y[i] : NAN;
      if (isfinite(x) && !(log_x && !(x > 0))) {
        if (x < *xlo) *xlo = x;
        if (x > *xhi) *xhi = x;
      }
      double v[3] = {y, s[k].lo ? s[k].lo[i] : NAN, s[k].hi ? s[k].hi[i] : NAN};
      for (int j = 0; j < 3; j++) {
        if (!isfinite(v[j]) || (log_y && !(v[j] > 0))) continue;
        if (v[j] < *ylo) *ylo = v[j];
        if (v[j] > *yhi) *yhi = v[j];
      }
    }
}

static void finish_ranges(plot_frame *f, const plot_opts *o, double xlo, double xhi, double ylo,
                          double yhi, int bars) {
  if (!isnan(o->xmin)) xlo = o->xmin;
  if (!isnan(o->xmax)) xhi = o->xmax;
  f->log_x = o->log_x && !bars;
  if (f->log_x) {
    if (!(xlo > 0) || !isfinite(xlo)) xlo = 1;
    if (!(xhi > xlo) || !isfinite(xhi)) xhi = xlo * 10;
    xlo = log10(xlo), xhi = log10(xhi);
  }
  if (!isfinite(xlo) || !isfinite(xhi)) xlo = 0, xhi = 1;
  if (xhi <= xlo) xlo -= 0.5, xhi += 0.5;
  f->x0 = xlo;
  f->x1 = xhi;
  f->log_y = o->log_y;
  if (o->log_y) {
    double lo = !isnan(o->ymin) && o->ymin > 0 ? o->ymin : ylo;
    double hi = !isnan(o->ymax) && o->ymax > 0 ? o->ymax : yhi;
    if (!isfinite(lo) || !isfinite(hi) || !(lo > 0)) lo = 1e-3, hi = 1;
    double l0 = log10(lo), l1 = log10(hi);
    if (isnan(o->ymin)) l0 = floor(l0 + 1e-9);
    if (isnan(o->ymax)) l1 = ceil(l1 - 1e-9);
    if (l1 <= l0) l1 = l0 + 1;
    f->y0 = l0;
    f->y1 = l1;
  } else {
    if (bars) {
      if (ylo > 0) ylo = 0;
      if (yhi < 0) yhi = 0;
    }
    if (!isfinite(ylo) || !isfinite(yhi)) ylo = 0, yhi = 1;
    if (yhi <= ylo) {
      double d = fabs(ylo) > 0 ? fabs(ylo) * 0.5 : 1;
      ylo -= d, yhi += d;
    }
    double padv = (yhi - ylo) * 0.05;
    if (isnan(o->ymin)) ylo = (bars && ylo == 0) ? 0 : ylo - padv;
    if (isnan(o->ymax)) yhi = (bars && yhi == 0) ? 0 : yhi + padv;
    if (!isnan(o->ymin)) ylo = o->ymin;
    if (!isnan(o->ymax)) yhi = o->ymax;
    if (yhi <= ylo) yhi = ylo + 1;
    f->y0 = ylo;
    f->y1 = yhi;
  }
}

static gfx_color series_color(gfx *g, const plot_series *s, int k) {
  return s->color.a ? s->color : theme_series(gfx_theme(g), k);
}

/* ---- legend -------------------------------------------------------------------------------- */

/* How much data a legend box at b would hide: points (and segment midpoints) inside it; bars
 * whose extent crosses it. */
static long legend_cover(const plot_frame *f, const plot_series *s, int ns, gfx_rect b, int bars) {
  long n = 0;
  float base = f->log_y ? (float)(f->area.y + f->area.h) : plot_y_px(f, 0);
  for (int k = 0; k < ns; k++) {
    float px = NAN, py = NAN;
    for (int i = 0; i < s[k].n && s[k].y; i++) {
      float x = plot_x_px(f, bars ? i : (s[k].x ? s[k].x[i] : i));
      float y = isfinite(s[k].y[i]) ? plot_y_px(f, s[k].y[i]) : NAN;
      if (!isfinite(x) || !isfinite(y)) {
        px = py = NAN;
        continue;
      }
      if (bars) {
        float lo = fminf(y, base), hi = fmaxf(y, base);
        if (x >= b.x - 10 && x <= b.x + b.w + 10 && hi >= b.y && lo <= b.y + b.h) n += 4;
      } else {
        if (gfx_contains(b, (int)x, (int)y)) n += 2;
        if (isfinite(px) && gfx_contains(b, (int)((x + px) / 2), (int)((y + py) / 2))) n++;
      }
      px = x, py = y;
    }
  }
  return n;
}

static gfx_color band_color(gfx_color c) {
  c.a = (uint8_t)(c.a * 0.24f);
  return c;
}

/* A legend entry's sample, sw wide, centred on cy: a square for bars; else the line (dashed if
 * the series is) with its marker, and its band or an error bar behind it */
static void draw_swatch(gfx *g, float x, float cy, int sw, int lh, const plot_series *s, int k, int bars) {
  gfx_color c = series_color(g, s, k);
  if (bars) {
    int sq = lh * 6 / 10;
    gfx_fill_rect(g, gfx_r((int)x + sw / 2 - sq / 2, (int)(cy - sq / 2), sq, sq), c);
    return;
  }
  float w = (s->width > 0 ? s->width : 3) * gfx_scale(g);
  if (w < 1.5f) w = 1.5f;
  if (s->lo && s->hi && s->band) {
    gfx_fill_rect(g, gfx_r((int)x, (int)(cy - lh * 0.35f), sw, (int)(lh * 0.7f)), band_color(c));
  } else if (s->lo && s->hi) {
    float ew = fmaxf(1.5f, w * 0.6f), cap = gfx_px(g, 5);
    gfx_line(g, x + sw * 0.5f, cy - lh * 0.4f, x + sw * 0.5f, cy + lh * 0.4f, ew, c);
    gfx_line(g, x + sw * 0.5f - cap, cy - lh * 0.4f, x + sw * 0.5f + cap, cy - lh * 0.4f, ew, c);
    gfx_line(g, x + sw * 0.5f - cap, cy + lh * 0.4f, x + sw * 0.5f + cap, cy + lh * 0.4f, ew, c);
  }
  if (s->dashed) gfx_dashed_line(g, x, cy, x + sw, cy, w, gfx_px(g, 6), c);
  else gfx_line(g, x, cy, x + sw, cy, w, c);
  if (s->markers) gfx_fill_circle(g, x + sw * 0.5f, cy, w * 1.4f, c);
}

/* Legend entries flowing left to right in rows across r: returns the height the rows take; draws
 * them from r's top-left corner if draw. Bar charts get square swatches. */
static int legend_rows(gfx *g, gfx_rect r, const plot_series *s, int ns, int bars, int draw) {
  metrics m = get_metrics(g);
  const theme *th = gfx_theme(g);
  int lh = gfx_line_height(g, GFX_SANS, m.px_small) * 5 / 4;
  int sw = gfx_px(g, 40), gap = gfx_px(g, 8), colgap = gfx_px(g, 28);
  int rows = 0, x = r.x;
  for (int k = 0; k < ns; k++) {
    if (!s[k].label || !*s[k].label) continue;
    int tw;
    gfx_text_size(g, s[k].label, GFX_SANS, m.px_small, &tw, NULL);
    int ew = sw + gap + tw + colgap;
    if (rows == 0 || x + ew > r.x + r.w) rows++, x = r.x;
    if (draw) {
      float cy = r.y + (rows - 1) * lh + lh * 0.5f;
      draw_swatch(g, (float)x, cy, sw, lh, &s[k], k, bars);
      gfx_text(g, (float)(x + sw + gap), cy, s[k].label, GFX_SANS, m.px_small, th->text, GFX_LEFT | GFX_MIDDLE);
    }
    x += ew;
  }
  return rows * lh;
}

int plot_legend_flow(gfx *g, gfx_rect r, const plot_series *s, int ns, int draw) {
  return legend_rows(g, r, s, ns, 0, draw);
}

static void draw_legend(gfx *g, const plot_frame *f, const metrics *m, const plot_series *s,
                        int ns, int where, int bars) {
  if (where == PLOT_LEGEND_NONE) return;
  const theme *th = gfx_theme(g);
  int n = 0, maxw = 0;
  for (int k = 0; k < ns; k++)
    if (s[k].label && *s[k].label) {
      int w;
      gfx_text_size(g, s[k].label, GFX_SANS, m->px_small, &w, NULL);
      if (w > maxw) maxw = w;
      n++;
    }
  if (n == 0) return;
  int lh = gfx_line_height(g, GFX_SANS, m->px_small);
  int sw = gfx_px(g, 28), gap = gfx_px(g, 8), p = gfx_px(g, 8);
  int bw = p + sw + gap + maxw + p, bh = p + n * lh + p;
  gfx_rect a = f->area;
  if (bw > a.w - 2 * p) bw = a.w - 2 * p;
  if (where < 0 || where > PLOT_LEGEND_AUTO) where = PLOT_LEGEND_AUTO;
  int x = 0, y = 0;
  long best = -1;
  for (int corner = 0; corner < 4; corner++) {
    if (where != PLOT_LEGEND_AUTO && corner != where) continue;
    int cx = (corner == PLOT_LEGEND_TOP_LEFT || corner == PLOT_LEGEND_BOTTOM_LEFT) ? a.x + p
                                                                                   : a.x + a.w - p - bw;
    int cy = (corner == PLOT_LEGEND_BOTTOM_LEFT || corner == PLOT_LEGEND_BOTTOM_RIGHT)
                 ? a.y + a.h - p - bh
                 : a.y + p;
    long cover = where == PLOT_LEGEND_AUTO ? legend_cover(f, s, ns, gfx_r(cx, cy, bw, bh), bars) : 0;
    if (best < 0 || cover < best) best = cover, x = cx, y = cy;
  }
  gfx_rect box = {x, y, bw, bh};
  gfx_fill_round_rect(g, box, gfx_px(g, 4), gfx_fade(th->panel, 0.88f));
  gfx_stroke_rect(g, box, 1, th->panel_border);
  int row = 0;
  for (int k = 0; k < ns; k++) {
    if (!s[k].label || !*s[k].label) continue;
    float cy = y + p + row * lh + lh * 0.5f;
    draw_swatch(g, x + p, cy, sw, lh, &s[k], k, bars);
    char buf[128];
    gfx_text_fit(g, s[k].label, GFX_SANS, m->px_small, bw - (p + sw + gap + p), buf, sizeof buf);
    gfx_text(g, x + p + sw + gap, cy, buf, GFX_SANS, m->px_small, th->text, GFX_LEFT | GFX_MIDDLE);
    row++;
  }
}

/* ---- line plots ---------------------------------------------------------------------------- */

plot_opts plot_opts_default(void) {
  plot_opts o;
  memset(&o, 0, sizeof o);
  o.xmin = o.xmax = o.ymin = o.ymax = NAN;
  o.marker_x = NAN;
  o.legend = PLOT_LEGEND_AUTO;
  return o;
}

/* "< 10⁻¹²" (below) or "> 10" (above): the label of an out-of-range band. */
static void band_label(const plot_frame *f, int above, char *buf, size_t cap) {
  char v[32];
  double edge = above ? f->y1 : f->y0;
  if (f->log_y) format_decade((int)lround(edge), v, sizeof v);
  else plot_format_tick(edge, fabs(f->y1 - f->y0) / 10, v, sizeof v);
  snprintf(buf, cap, "%s %s", above ? ">" : "<", v);
}

/* Ranges, final y ticks and the data area of a plot in r (no drawing). */
static void frame_layout(gfx *g, gfx_rect r, const metrics *mp, const plot_opts *o, const plot_series *s,
                         int ns, int ncat, int bars, plot_frame *fp, yticks *ytp) {
  const metrics m = *mp;
  plot_frame f;
  memset(&f, 0, sizeof f);
  double xlo, xhi, ylo, yhi;
  data_range(s, ns, o->log_x, o->log_y, &xlo, &xhi, &ylo, &yhi);
  if (bars) xlo = -0.5, xhi = ncat - 0.5;
  finish_ranges(&f, o, xlo, xhi, ylo, yhi, bars);
  int lh_small = gfx_line_height(g, GFX_SANS, m.px_small);
  if (o->out_of_range && !isnan(o->ymin) && !isnan(o->ymax)) f.band_lo = f.band_hi = lh_small + m.pad / 2;

  /* The number of y ticks depends on the area's height, which does not depend on the tick
   * label width: choose the final ticks from the height first, then lay out the frame with
   * the width of the widest final label so no label runs into the rotated y label. A legend
   * above the data takes the rows it needs at the first pass's width. */
  yticks yt;
  f.area = layout_frame(g, r, &m, o->title, o->xlabel, o->ylabel, 0);
  int legend_h = 0, legend_w = f.area.w;
  if (o->legend == PLOT_LEGEND_ABOVE) {
    legend_h = legend_rows(g, gfx_r(0, 0, legend_w, 1 << 20), s, ns, bars, 0);
    if (legend_h) legend_h += m.pad / 2;
  }
  int target = (f.area.h - legend_h - f.band_lo - f.band_hi) / (int)(2.2 * lh_small);
  make_yticks(&f, &yt, target < 2 ? 2 : target);
  if (f.band_lo) { /* the band's own label: "< 10^-12" */
    int w = 0;
    char lab[40];
    band_label(&f, 0, lab, sizeof lab);
    gfx_text_size(g, lab, GFX_SANS, m.px_small, &w, NULL);
    int tw = ytick_width(g, &m, &yt);
    f.area = layout_frame(g, r, &m, o->title, o->xlabel, o->ylabel, w > tw ? w : tw);
  } else {
    f.area = layout_frame(g, r, &m, o->title, o->xlabel, o->ylabel, ytick_width(g, &m, &yt));
  }
  if (legend_h) {
    f.legend = gfx_r(f.area.x, f.area.y - lh_small / 2, legend_w, legend_h - m.pad / 2);
    f.area.y += legend_h;
    f.area.h -= legend_h;
    if (f.area.h < 1) f.area.h = 1;
  }
  *fp = f;
  *ytp = yt;
}

plot_frame plot_lines_frame(gfx *g, gfx_rect r, const plot_opts *o, const plot_series *s, int ns) {
  metrics m = get_metrics(g);
  plot_opts def = plot_opts_default();
  if (!o) o = &def;
  plot_frame f;
  yticks yt;
  memset(&f, 0, sizeof f);
  if (r.w < 20 || r.h < 20) return f;
  frame_layout(g, r, &m, o, s, ns, 0, 0, &f, &yt);
  return f;
}

plot_frame plot_bars_frame(gfx *g, gfx_rect r, const plot_opts *o, const plot_series *s, int ns, int ncat) {
  metrics m = get_metrics(g);
  plot_opts def = plot_opts_default();
  if (!o) o = &def;
  plot_frame f;
  yticks yt;
  memset(&f, 0, sizeof f);
  if (r.w < 20 || r.h < 20) return f;
  frame_layout(g, r, &m, o, s, ns, ncat, 1, &f, &yt);
  return f;
}

/* The band between s->lo and s->hi, one pixel column at a time (linear between points, as the
 * lines are), so a translucent colour blends exactly once everywhere */
static void draw_band(gfx *g, const plot_frame *f, const plot_series *s, int k) {
  if (!s->lo || !s->hi) return;
  gfx_color c = band_color(series_color(g, s, k));
  float px = NAN, plo = NAN, phi = NAN;
  for (int i = 0; i < s->n; i++) {
    float x = plot_x_px(f, s->x ? s->x[i] : i);
    float lo = isfinite(s->lo[i]) ? plot_y_px(f, s->lo[i]) : NAN, hi = isfinite(s->hi[i]) ? plot_y_px(f, s->hi[i]) : NAN;
    if (isfinite(x) && isfinite(lo) && isfinite(hi) && isfinite(px) && x > px) {
      int c0 = (int)lroundf(px), c1 = (int)lroundf(x);
      for (int col = c0; col < c1; col++) {
        float t = (col + 0.5f - px) / (x - px);
        t = t < 0 ? 0 : t > 1 ? 1 : t;
        float a = plo + t * (lo - plo), b = phi + t * (hi - phi);
        int top = (int)lroundf(fminf(a, b)), bot = (int)lroundf(fmaxf(a, b));
        gfx_fill_rect(g, gfx_r(col, top, 1, bot > top ? bot - top : 1), c);
      }
    }
    px = x, plo = lo, phi = hi;
  }
}

/* Vertical error bars with caps at the pixel positions xs of s's points */
static void draw_error_bars(gfx *g, const plot_frame *f, const plot_series *s, const float *xs, float w, gfx_color c) {
  if (!s->lo || !s->hi) return;
  float ew = fmaxf(2.0f, w * 0.6f), cap = (float)gfx_px(g, 6);
  for (int i = 0; i < s->n; i++) {
    float lo = isfinite(s->lo[i]) ? plot_y_px(f, s->lo[i]) : NAN, hi = isfinite(s->hi[i]) ? plot_y_px(f, s->hi[i]) : NAN;
    if (!isfinite(xs[i]) || !isfinite(lo) || !isfinite(hi)) continue;
    gfx_line(g, xs[i], lo, xs[i], hi, ew, c);
    gfx_line(g, xs[i] - cap, lo, xs[i] + cap, lo, ew, c);
    gfx_line(g, xs[i] - cap, hi, xs[i] + cap, hi, ew, c);
  }
}

/* Out-of-range bands: shaded, labelled like a tick. */
static void draw_range_bands(gfx *g, const plot_frame *f, const metrics *m) {
  const theme *th = gfx_theme(g);
  for (int above = 0; above < 2; above++) {
    int bh = above ? f->band_hi : f->band_lo;
    if (!bh) continue;
    gfx_rect band = {f->area.x, above ? f->area.y : f->area.y + f->area.h - bh, f->area.w, bh};
    gfx_fill_rect(g, band, gfx_fade(th->grid, 0.8f));
    char lab[40];
    band_label(f, above, lab, sizeof lab);
    gfx_text(g, f->area.x - m->tick_len - gfx_px(g, 3), band.y + bh / 2.0f, lab, GFX_SANS, m->px_small, th->text_dim,
             GFX_RIGHT | GFX_MIDDLE);
  }
}

/* Grouped bars: category i has one bar per series. */
static void draw_bar_series(gfx *g, const plot_frame *f, const plot_opts *o, const plot_series *s, int ns, int ncat) {
  int nsb = ns > 0 ? ns : 1;
  double group = 0.8, bw = group / nsb;
  float base = o->log_y ? (float)(f->area.y + f->area.h) : plot_y_px(f, 0);
  for (int k = 0; k < ns; k++) {
    gfx_color c = series_color(g, &s[k], k);
    for (int i = 0; i < ncat && i < s[k].n; i++) {
      float v = s[k].y[i];
      float y = plot_y_px(f, v);
      if (!isfinite(y)) continue;
      float x0 = plot_x_px(f, i - group / 2 + k * bw), x1 = plot_x_px(f, i - group / 2 + (k + 1) * bw);
      int gap = (x1 - x0) > 6 ? 1 : 0;
      int top = (int)lroundf(fminf(y, base)), bot = (int)lroundf(fmaxf(y, base));
      if (bot == top) bot = top + 1;
      gfx_fill_rect(g, gfx_r((int)lroundf(x0) + gap, top, (int)lroundf(x1 - x0) - 2 * gap, bot - top), c);
    }
  }
  if (!o->log_y && f->y0 < 0 && f->y1 > 0) gfx_line(g, f->area.x, base, f->area.x + f->area.w, base, 1, gfx_theme(g)->axis);
}

/* Series k's points in pixels into xs, ys; a point out of range sits in its band, marked with an
 * open triangle pointing out of range. w is the line width. */
static void line_points(gfx *g, const plot_frame *f, const plot_series *sk, float w, gfx_color c, float *xs, float *ys) {
  float lo_y = (float)(f->area.y + f->area.h) - f->band_lo / 2.0f, hi_y = (float)f->area.y + f->band_hi / 2.0f;
  for (int i = 0; i < sk->n; i++) {
    double v = sk->y[i];
    xs[i] = plot_x_px(f, sk->x ? sk->x[i] : i);
    ys[i] = isfinite(v) ? plot_y_px(f, v) : NAN;
    if (isnan(v) || !isfinite(xs[i])) continue; /* NaN: no value here (a gap, not a floor) */
    int below = f->band_lo && (v == -INFINITY || (f->log_y && !(v > 0)) || ys[i] > lo_y - f->band_lo / 2.0f);
    int above = f->band_hi && (v == INFINITY || ys[i] < hi_y + f->band_hi / 2.0f);
    if (below || above) {
      ys[i] = below ? lo_y : hi_y;
      float t = w * 2.2f, d = below ? 1.0f : -1.0f;
      gfx_fill_triangle(g, xs[i] - t, ys[i] - d * t * 0.6f, xs[i] + t, ys[i] - d * t * 0.6f, xs[i],
                        ys[i] + d * t * 0.9f, c);
    }
  }
}

/* Line series: bands first, then each line (solid or dashed), its markers and error bars. */
static void draw_line_series(gfx *g, const plot_frame *f, const plot_series *s, int ns) {
  for (int k = 0; k < ns; k++)
    if (s[k].band) draw_band(g, f, &s[k], k);
  float *xs = NULL, *ys = NULL;
  int cap = 0;
  for (int k = 0; k < ns; k++) {
    if (s[k].n <= 0 || !s[k].y) continue;
    if (s[k].n > cap) {
      free(xs);
      free(ys);
      cap = s[k].n;
      xs = malloc(sizeof(float) * cap);
      ys = malloc(sizeof(float) * cap);
      if (!xs || !ys) {
        cap = 0;
        continue;
      }
    }
    gfx_color c = series_color(g, &s[k], k);
    float w = (s[k].width > 0 ? s[k].width : 3) * gfx_scale(g);
    if (w < 1.8f) w = 1.8f; /* thinner antialiased lines fade into the background */
    line_points(g, f, &s[k], w, c, xs, ys);
    if (s[k].dashed) {
      for (int i = 1; i < s[k].n; i++)
        if (isfinite(ys[i - 1]) && isfinite(ys[i]))
          gfx_dashed_line(g, xs[i - 1], ys[i - 1], xs[i], ys[i], w, gfx_px(g, 7), c);
    } else {
      gfx_polyline(g, xs, ys, s[k].n, w, c);
    }
    if (s[k].markers)
      for (int i = 0; i < s[k].n; i++)
        if (isfinite(xs[i]) && isfinite(ys[i])) gfx_fill_circle(g, xs[i], ys[i], w * 1.3f, c);
    if (!s[k].band) draw_error_bars(g, f, &s[k], xs, w, c);
  }
  free(xs);
  free(ys);
}

static void plot_common(gfx *g, gfx_rect r, const plot_opts *o, const plot_series *s, int ns,
                        int ncat, plot_frame *out, int bars) {
  const theme *th = gfx_theme(g);
  metrics m = get_metrics(g);
  plot_opts def = plot_opts_default();
  if (!o) o = &def;
  gfx_fill_rect(g, r, th->panel);
  if (out) memset(out, 0, sizeof *out); /* a plot too small to draw has an empty frame */
  if (r.w < 20 || r.h < 20) return;

  plot_frame f;
  yticks yt;
  frame_layout(g, r, &m, o, s, ns, ncat, bars, &f, &yt);

  draw_titles(g, r, f.area, &m, o->title, o->xlabel, o->ylabel);
  draw_xticks(g, &f, &m, o, o->integer_x || bars, o->no_grid || bars); /* bars without labels: indices */
  draw_yticks(g, &f, &m, &yt, o->no_grid);
  draw_range_bands(g, &f, &m);

  /* a little room beyond the area so markers on the edge are not cut in half */
  int slack = bars ? 1 : gfx_px(g, 6);
  gfx_push_clip(g, gfx_r(f.area.x, f.area.y - slack, f.area.w + slack, f.area.h + 2 * slack));
  if (bars) draw_bar_series(g, &f, o, s, ns, ncat);
  else draw_line_series(g, &f, s, ns);
  if (!isnan(o->marker_x) && o->marker_x >= f.x0 && o->marker_x <= f.x1) {
    float x = plot_x_px(&f, o->marker_x);
    float mw = fmaxf(2.0f, roundf(2.5f * gfx_scale(g))); /* whole pixels: a crisp vertical line */
    gfx_dashed_line(g, roundf(x), f.area.y, roundf(x), f.area.y + f.area.h, mw, gfx_px(g, 6), th->accent);
  }
  gfx_pop_clip(g);
  draw_axes_box(g, f.area, &m);
  if (o->legend == PLOT_LEGEND_ABOVE && f.legend.h > 0)
    legend_rows(g, f.legend, s, ns, bars, 1);
  else
    draw_legend(g, &f, &m, s, ns, o->legend, bars);
  if (out) *out = f;
}

void plot_lines(gfx *g, gfx_rect r, const plot_opts *o, const plot_series *s, int ns,
                plot_frame *out) {
  plot_common(g, r, o, s, ns, 0, out, 0);
}

void plot_bars(gfx *g, gfx_rect r, const plot_opts *o, const plot_series *s, int ns, int ncat,
               plot_frame *out) {
  if (ncat < 1) ncat = 1;
  plot_common(g, r, o, s, ns, ncat, out, 1);
}

/* ---- colour legend ------------------------------------------------------------------------- */

void plot_colorbar(gfx *g, gfx_rect r, colormap_id cmap, float vmin, float vmax, const char *label) {
  const theme *th = gfx_theme(g);
  metrics m = get_metrics(g);
  if (r.w <= 0 || r.h <= 0) return;
  int vertical = r.w < r.h;
  int n = vertical ? r.h : r.w;
  uint8_t *img = malloc((size_t)n * 4);
  if (!img) return;
  for (int i = 0; i < n; i++) {
    float t = n > 1 ? (float)i / (n - 1) : 0.5f;
    if (vertical) t = 1 - t; /* high values at the top */
    gfx_color c = colormap_at(cmap, t);
    img[4 * i] = c.r, img[4 * i + 1] = c.g, img[4 * i + 2] = c.b, img[4 * i + 3] = 255;
  }
  if (vertical) gfx_image_rgba(g, r, img, 1, n);
  else gfx_image_rgba(g, r, img, n, 1);
  free(img);
  gfx_stroke_rect(g, r, 1, th->axis);
  /* ticks at vmin, mid, vmax (nice values if the range allows) */
  double ticks[MAX_TICKS];
  int nt = plot_nice_ticks(vmin, vmax, vertical ? (r.h > 160 ? 4 : 2) : 4, ticks, MAX_TICKS);
  double step = nice_step(vmin, vmax, vertical ? (r.h > 160 ? 4 : 2) : 4);
  for (int i = 0; i < nt; i++) {
    double t = (ticks[i] - vmin) / (vmax - vmin);
    char buf[32];
    plot_format_tick(ticks[i], step, buf, sizeof buf);
    if (vertical) {
      float y = (float)(r.y + r.h - 1 - t * (r.h - 1));
      gfx_line(g, r.x + r.w, y, r.x + r.w + m.tick_len, y, 1, th->axis);
      gfx_text(g, r.x + r.w + m.tick_len + gfx_px(g, 3), y, buf, GFX_SANS, m.px_small, th->text_dim,
               GFX_LEFT | GFX_MIDDLE);
    } else {
      float x = (float)(r.x + t * (r.w - 1));
      gfx_line(g, x, r.y + r.h, x, r.y + r.h + m.tick_len, 1, th->axis);
      gfx_text(g, x, r.y + r.h + m.tick_len, buf, GFX_SANS, m.px_small, th->text_dim,
               GFX_CENTER | GFX_TOP);
    }
  }
  if (label && *label) {
    if (vertical)
      gfx_text(g, r.x + r.w * 0.5f, r.y - gfx_px(g, 4), label, GFX_SANS, m.px_small, th->text_dim,
               GFX_CENTER | GFX_BOTTOM);
    else
      gfx_text(g, r.x, r.y - gfx_px(g, 4), label, GFX_SANS, m.px_small, th->text_dim,
               GFX_LEFT | GFX_BOTTOM);
  }
}

/* ---- heatmaps ------------------------------------------------------------------------------ */

plot_heatmap_opts plot_heatmap_opts_default(void) {
  plot_heatmap_opts o;
  memset(&o, 0, sizeof o);
  o.vmin = 0;
  o.vmax = 1;
  o.cmap = COLORMAP_SEQUENTIAL;
  o.selected_col = -1;
  return o;
}

int plot_heatmap_hit(const plot_frame *f, int rows, int cols, int px, int py, int *row, int *col) {
  if (!gfx_contains(f->area, px, py) || rows <= 0 || cols <= 0) return 0;
  int c = (int)((px - f->area.x) * (long)cols / f->area.w);
  int r = (int)((py - f->area.y) * (long)rows / f->area.h);
  if (c >= cols) c = cols - 1;
  if (r >= rows) r = rows - 1;
  if (row) *row = r;
  if (col) *col = c;
  return 1;
}

/* The cell area inside r: room for the title, the row ticks and axis name on the left, the
 * column labels and axis name below, and the colour legend (bar_w wide) on the right. */
static gfx_rect heatmap_area(gfx *g, gfx_rect r, const plot_heatmap_opts *o, const metrics *m, int rows, float vmin,
                             float vmax, int *bar_w) {
  int lh_small = gfx_line_height(g, GFX_SANS, m->px_small);
  int lh_body = gfx_line_height(g, GFX_SANS, m->px_body);
  /* legend on the right: bar + tick labels */
  char lo_lab[32], hi_lab[32];
  double lstep = nice_step(vmin, vmax, 4);
  plot_format_tick(vmin, lstep, lo_lab, sizeof lo_lab);
  plot_format_tick(vmax, lstep, hi_lab, sizeof hi_lab);
  int wl, wh, wz;
  gfx_text_size(g, lo_lab, GFX_SANS, m->px_small, &wl, NULL);
  gfx_text_size(g, hi_lab, GFX_SANS, m->px_small, &wh, NULL);
  gfx_text_size(g, "-0.5", GFX_SANS, m->px_small, &wz, NULL);
  int labw = wl > wh ? wl : wh;
  if (wz > labw) labw = wz;
  *bar_w = gfx_px(g, 16) < 10 ? 10 : gfx_px(g, 16);
  int legend_w = m->pad + *bar_w + m->tick_len + gfx_px(g, 3) + labw;
  gfx_rect a = gfx_inset(r, m->pad);
  if (o->title && *o->title) {
    int lh = gfx_line_height(g, GFX_SANS, m->px_head);
    a.y += lh + m->pad / 2;
    a.h -= lh + m->pad / 2;
  }
  /* row ticks on the left */
  char rowlab[32];
  snprintf(rowlab, sizeof rowlab, "%d", rows > 0 ? rows - 1 : 0);
  int rw;
  gfx_text_size(g, rowlab, GFX_SANS, m->px_small, &rw, NULL);
  int left = rw + m->tick_len + gfx_px(g, 3);
  if (o->row_axis && *o->row_axis) left += lh_body + m->pad / 2;
  a.x += left;
  a.w -= left + legend_w;
  /* column labels and axis label below */
  int below = m->tick_len + lh_small;
  if (o->col_axis && *o->col_axis) below += lh_body;
  a.h -= below;
  a.y += lh_small / 2; /* room for the legend's top label */
  a.h -= lh_small / 2;
  return a;
}

/* The cells as an image (non-finite values grey), a border, and the selected column outlined. */
static void heatmap_cells(gfx *g, gfx_rect a, const plot_heatmap_opts *o, int rows, int cols, float vmin, float vmax) {
  const theme *th = gfx_theme(g);
  if (o->data) {
    uint8_t *img = malloc((size_t)rows * cols * 4);
    if (img) {
      for (int i = 0; i < rows * cols; i++) {
        float v = o->data[i];
        gfx_color c = isfinite(v) ? colormap_value(o->cmap, v, vmin, vmax) : gfx_rgba(128, 128, 128, 255);
        img[4 * i] = c.r, img[4 * i + 1] = c.g, img[4 * i + 2] = c.b, img[4 * i + 3] = 255;
      }
      gfx_image_rgba(g, a, img, cols, rows);
      free(img);
    }
  }
  gfx_stroke_rect(g, gfx_inset(a, -1), 1, th->panel_border);
  if (o->selected_col >= 0 && o->selected_col < cols) {
    int x0 = a.x + (int)((long)o->selected_col * a.w / cols);
    int x1 = a.x + (int)((long)(o->selected_col + 1) * a.w / cols);
    int t = gfx_px(g, 2.5f);
    gfx_stroke_rect(g, gfx_r(x0 - t, a.y - t, x1 - x0 + 2 * t, a.h + 2 * t), t, th->accent);
  }
}

/* Row ticks: first, last and nice steps in between (every row when the step would be below 1). */
static void heatmap_row_ticks(gfx *g, gfx_rect a, const metrics *m, int rows) {
  const theme *th = gfx_theme(g);
  int lh_small = gfx_line_height(g, GFX_SANS, m->px_small);
  double ticks[MAX_TICKS];
  int target = a.h / (2 * lh_small);
  if (target < 1) target = 1;
  int nt = rows > 1 ? plot_nice_ticks(0, rows - 1, target, ticks, MAX_TICKS) : 0;
  double st = nice_step(0, rows - 1, target);
  if (st < 1) nt = 0; /* fall back to every row below */
  if (nt == 0)
    for (int i = 0; i < rows && nt < MAX_TICKS; i++) ticks[nt++] = i;
  for (int i = 0; i < nt; i++) {
    float y = a.y + ((float)ticks[i] + 0.5f) * a.h / rows;
    gfx_line(g, a.x - m->tick_len, y, a.x - 1, y, 1, th->axis);
    char buf[32];
    snprintf(buf, sizeof buf, "%d", (int)ticks[i]);
    gfx_text(g, a.x - m->tick_len - gfx_px(g, 3), y, buf, GFX_SANS, m->px_small, th->text_dim, GFX_RIGHT | GFX_MIDDLE);
  }
}

/* Column labels: tokens (thinned so they do not overlap) or indices at a nice step. */
static void heatmap_col_labels(gfx *g, gfx_rect a, const plot_heatmap_opts *o, const metrics *m, int cols) {
  const theme *th = gfx_theme(g);
  float cw = (float)a.w / cols;
  int maxw = 0;
  char buf[32];
  for (int i = 0; i < cols; i++) {
    const char *s = o->col_labels ? o->col_labels[i] : (snprintf(buf, sizeof buf, "%d", i), buf);
    int w;
    gfx_text_size(g, s, GFX_SANS, m->px_small, &w, NULL);
    if (w > maxw) maxw = w;
  }
  int every = 1;
  while (every < cols && cw * every < maxw + gfx_px(g, 6)) every++;
  if (!o->col_labels) { /* indices: use a nice step */
    static const int nice[] = {1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000};
    for (size_t k = 0; k < sizeof nice / sizeof nice[0]; k++)
      if (nice[k] >= every) {
        every = nice[k];
        break;
      }
  }
  if (o->max_col_labels > 0)
    while (every < cols && (cols + every - 1) / every > o->max_col_labels) every++;
  for (int i = 0; i < cols; i += every) {
    const char *s = o->col_labels ? o->col_labels[i] : (snprintf(buf, sizeof buf, "%d", i), buf);
    float x = a.x + (i + 0.5f) * cw;
    gfx_line(g, x, a.y + a.h + 1, x, a.y + a.h + m->tick_len, 1, th->axis);
    gfx_color c = (i == o->selected_col) ? th->accent : (o->col_labels ? th->text : th->text_dim);
    gfx_text(g, x, a.y + a.h + m->tick_len, s, o->col_labels ? GFX_MONO : GFX_SANS, m->px_small, c, GFX_CENTER | GFX_TOP);
  }
}

void plot_heatmap(gfx *g, gfx_rect r, const plot_heatmap_opts *o, plot_frame *out) {
  const theme *th = gfx_theme(g);
  metrics m = get_metrics(g);
  gfx_fill_rect(g, r, th->panel);
  plot_frame f;
  memset(&f, 0, sizeof f);
  if (out) *out = f;
  if (!o || r.w < 30 || r.h < 30) return;
  int rows = o->rows > 0 ? o->rows : 0, cols = o->cols > 0 ? o->cols : 0;
  float vmin = o->vmin, vmax = o->vmax;
  if (!(vmax > vmin)) vmin = 0, vmax = 1;
  int bar_w;
  gfx_rect a = heatmap_area(g, r, o, &m, rows, vmin, vmax, &bar_w);
  if (a.w < 4 || a.h < 4 || rows == 0 || cols == 0) return;
  /* equal integer cells when they are big enough to notice unevenness */
  if (a.w / cols >= 3) a.w = a.w / cols * cols;
  if (a.h / rows >= 3) a.h = a.h / rows * rows;
  f.area = a;
  f.x0 = 0;
  f.x1 = cols;
  f.y0 = rows;
  f.y1 = 0;
  heatmap_cells(g, a, o, rows, cols, vmin, vmax);
  heatmap_row_ticks(g, a, &m, rows);
  heatmap_col_labels(g, a, o, &m, cols);
  if (o->title && *o->title) {
    char buf[256];
    gfx_text_fit(g, o->title, GFX_SANS, m.px_head, r.w - 2 * m.pad, buf, sizeof buf);
    gfx_text(g, r.x + m.pad, r.y + m.pad, buf, GFX_SANS, m.px_head, th->text, GFX_LEFT | GFX_TOP);
  }
  if (o->col_axis && *o->col_axis)
    gfx_text(g, a.x + a.w * 0.5f, r.y + r.h - m.pad, o->col_axis, GFX_SANS, m.px_body, th->text_dim,
             GFX_CENTER | GFX_BOTTOM);
  if (o->row_axis && *o->row_axis)
    gfx_text_vertical(g, r.x + m.pad, a.y + a.h * 0.5f, o->row_axis, GFX_SANS, m.px_body,
                      th->text_dim, GFX_LEFT | GFX_MIDDLE);
  /* the colour legend, always */
  gfx_rect bar = {a.x + a.w + m.pad, a.y, bar_w, a.h};
  plot_colorbar(g, bar, o->cmap, vmin, vmax, NULL);
  if (out) *out = f;
}

/* ---- one-call figures ---------------------------------------------------------------------- */

static gfx *figure_begin(int w, int h, theme_id th, rl_error *err) {
  gfx *g = gfx_create_headless(w, h, err);
  if (!g) return NULL;
  gfx_set_theme(g, theme_get(th));
  gfx_begin_frame(g);
  gfx_clear(g, gfx_theme(g)->bg);
  return g;
}

static int figure_end(gfx *g, const char *path, rl_error *err) {
  int rc = gfx_save_png(g, path, err);
  gfx_destroy(g);
  return rc;
}

int plot_lines_png(const char *path, int w, int h, theme_id th, const plot_opts *o,
                   const plot_series *s, int ns, rl_error *err) {
  gfx *g = figure_begin(w, h, th, err);
  if (!g) return -1;
  plot_lines(g, gfx_r(0, 0, w, h), o, s, ns, NULL);
  return figure_end(g, path, err);
}

int plot_bars_png(const char *path, int w, int h, theme_id th, const plot_opts *o,
                  const plot_series *s, int ns, int ncat, rl_error *err) {
  gfx *g = figure_begin(w, h, th, err);
  if (!g) return -1;
  plot_bars(g, gfx_r(0, 0, w, h), o, s, ns, ncat, NULL);
  return figure_end(g, path, err);
}

int plot_heatmap_png(const char *path, int w, int h, theme_id th, const plot_heatmap_opts *o,
                     rl_error *err) {
  gfx *g = figure_begin(w, h, th, err);
  if (!g) return -1;
  plot_heatmap(g, gfx_r(0, 0, w, h), o, NULL);
  return figure_end(g, path, err);
}
