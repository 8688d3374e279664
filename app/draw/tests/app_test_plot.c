/* plot: tick helpers, coordinate mapping (linear and log10), headless renders of line plots,
 * bar charts and heatmaps checked at specific pixels (axes, series, legend, colour legend),
 * golden images, and the one-call PNG figures. */
#include "draw/plot.h"
#include "testutil.h"
#include "golden/golden_check.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

static gfx_color pixel(gfx *g, int x, int y) {
  uint8_t p[4] = {0};
  rl_error err;
  gfx_read_pixels(g, gfx_r(x, y, 1, 1), p, &err);
  return gfx_rgba(p[0], p[1], p[2], 255);
}

static int same(gfx_color a, gfx_color b, int tol) {
  return abs(a.r - b.r) <= tol && abs(a.g - b.g) <= tol && abs(a.b - b.b) <= tol;
}

/* Pixels in r (clipped to the output) within tol of colour c. */
static long count_color(gfx *g, gfx_rect r, gfx_color c, int tol) {
  gfx_rect all = {0, 0, gfx_width(g), gfx_height(g)}, cl;
  if (!gfx_intersect(r, all, &cl)) return 0;
  uint8_t *px = malloc((size_t)cl.w * cl.h * 4);
  rl_error err;
  long n = 0;
  if (px && gfx_read_pixels(g, cl, px, &err) == 0)
    for (long i = 0; i < (long)cl.w * cl.h; i++)
      if (same(gfx_rgba(px[4 * i], px[4 * i + 1], px[4 * i + 2], 255), c, tol)) n++;
  free(px);
  return n;
}

static void test_ticks(void) {
  double t[64];
  int n = plot_nice_ticks(0, 1, 5, t, 64);
  CHECKF(n == 6 && test_close(t[0], 0, 0, 1e-12) && test_close(t[5], 1, 0, 1e-12), "n=%d", n);
  n = plot_nice_ticks(-1, 1, 4, t, 64);
  CHECK(n == 5 && t[2] == 0.0); /* exactly zero, not -1e-17 */
  n = plot_nice_ticks(3, 97, 5, t, 64);
  CHECKF(n >= 4 && n <= 10 && t[0] >= 3 && t[n - 1] <= 97, "n=%d", n);
  for (int i = 1; i < n; i++) CHECK(test_close(t[i] - t[i - 1], t[1] - t[0], 1e-9, 0));
  n = plot_nice_ticks(5, 5, 5, t, 64);
  CHECK(n == 1 && t[0] == 5);
  CHECK(plot_nice_ticks(NAN, 1, 5, t, 64) == 0);
  char b[32];
  plot_format_tick(0.5, 0.1, b, sizeof b);
  CHECK(!strcmp(b, "0.5"));
  plot_format_tick(1e-4, 1e-4, b, sizeof b);
  CHECKF(!strcmp(b, "1e-4"), "%s", b);
  plot_format_tick(20000, 5000, b, sizeof b);
  CHECKF(!strcmp(b, "20k"), "%s", b);
  plot_format_tick(120, 20, b, sizeof b);
  CHECK(!strcmp(b, "120"));
  plot_format_tick(0, 0.2, b, sizeof b);
  CHECK(!strcmp(b, "0"));
}

static void test_mapping(void) {
  plot_frame f = {.area = {100, 50, 400, 300}, .x0 = 0, .x1 = 10, .y0 = 0, .y1 = 1};
  CHECK(test_close(plot_x_px(&f, 0), 100, 0, 1e-4) && test_close(plot_x_px(&f, 10), 500, 0, 1e-4));
  CHECK(test_close(plot_y_px(&f, 0), 350, 0, 1e-4) && test_close(plot_y_px(&f, 1), 50, 0, 1e-4));
  CHECK(test_close(plot_px_x(&f, 300), 5, 1e-9, 0) && test_close(plot_px_y(&f, 200), 0.5, 1e-9, 0));
  /* log axis from 1e-6 to 1: one decade = 50 px */
  plot_frame l = {.area = {0, 0, 100, 300}, .x0 = 0, .x1 = 1, .y0 = -6, .y1 = 0, .log_y = 1};
  CHECK(test_close(plot_y_px(&l, 1e-3), 150, 0, 1e-3));
  CHECK(test_close(plot_y_px(&l, 1e-6), 300, 0, 1e-3));
  CHECK(isnan(plot_y_px(&l, 0)) && isnan(plot_y_px(&l, -1)));
  CHECK(test_close(plot_px_y(&l, 100), 1e-2, 1e-6, 0));
}

/* A vanishing-gradient style plot: two series over 30 timesteps on a log axis. */
static float rnn[30], lstm[30];
static plot_series grad_series[2];
static plot_opts grad_opts;

static void setup_grad(void) {
  for (int t = 0; t < 30; t++) {
    rnn[t] = powf(0.6f, (float)(29 - t));
    lstm[t] = 0.3f * powf(0.95f, (float)(29 - t));
  }
  grad_series[0] = (plot_series){"RNN", NULL, rnn, 30, {0}, 0, 1, 0, NULL, NULL, 0};
  grad_series[1] = (plot_series){"LSTM", NULL, lstm, 30, {0}, 0, 1, 0, NULL, NULL, 0};
  grad_opts = plot_opts_default();
  grad_opts.title = "gradient norm";
  grad_opts.xlabel = "timestep";
  grad_opts.ylabel = "||dJ/dh||";
  grad_opts.log_y = 1;
  grad_opts.integer_x = 1;
  grad_opts.marker_x = 10;
}

static void test_lines(void) {
  rl_error err;
  gfx *g = gfx_create_headless(960, 600, &err);
  CHECKF(g != NULL, "%s", err.msg);
  if (!g) return;
  const theme *th = gfx_theme(g);
  setup_grad();
  gfx_begin_frame(g);
  gfx_clear(g, th->bg);
  plot_frame f;
  gfx_rect r = {20, 10, 920, 580};
  plot_lines(g, r, &grad_opts, grad_series, 2, &f);
  /* data area inside the rectangle, leaving room for labels on the left and below */
  CHECK(f.area.x > r.x + 20 && f.area.y > r.y + 10);
  CHECK(f.area.x + f.area.w <= r.x + r.w && f.area.y + f.area.h < r.y + r.h - 20);
  CHECK(f.area.w > 300 && f.area.h > 200);
  /* log axis rounded out to whole decades around 0.6^29 = 3.7e-7 .. 0.3 */
  CHECKF(f.log_y && f.y0 == -7 && f.y1 == 0, "y %g..%g", f.y0, f.y1);
  CHECK(f.x0 == 0 && f.x1 == 29);
  /* axes: the pixel just left of the area (y axis) and just below (x axis) are axis coloured */
  CHECK(same(pixel(g, f.area.x - 1, f.area.y + f.area.h / 2), th->axis, 0));
  CHECK(same(pixel(g, f.area.x + f.area.w / 2, f.area.y + f.area.h), th->axis, 0));
  /* the RNN series (series colour 0) passes through its data points */
  gfx_color c0 = theme_series(th, 0), c1 = theme_series(th, 1);
  int x5 = (int)lroundf(plot_x_px(&f, 5)), y5 = (int)lroundf(plot_y_px(&f, rnn[5]));
  CHECK(count_color(g, gfx_r(x5 - 2, y5 - 2, 5, 5), c0, 30) > 5);
  int x20 = (int)lroundf(plot_x_px(&f, 20)), y20 = (int)lroundf(plot_y_px(&f, lstm[20]));
  CHECK(count_color(g, gfx_r(x20 - 2, y20 - 2, 5, 5), c1, 30) > 5);
  /* tick labels: text pixels left of the y axis and below the x axis */
  CHECK(count_color(g, gfx_r(r.x, f.area.y, f.area.x - r.x - 8, f.area.h), th->text_dim, 40) > 50);
  CHECK(count_color(g, gfx_r(f.area.x, f.area.y + f.area.h + 4, f.area.w, 20), th->text_dim, 40) > 50);
  /* the selected-timestep marker (accent, dashed) at x = 10 */
  int xm = (int)lroundf(plot_x_px(&f, 10));
  CHECK(count_color(g, gfx_r(xm - 2, f.area.y, 5, f.area.h), th->accent, 30) > f.area.h / 4);
  /* legend: the data falls to the bottom-left, so the legend goes top-left or top-right where
   * no data is; its box (panel colour, series swatches, text) is not the plain grid */
  long sw0 = count_color(g, gfx_r(f.area.x, f.area.y, f.area.w, f.area.h / 3), c0, 20);
  CHECK(sw0 > 10);
  CHECK(count_color(g, gfx_r(f.area.x, f.area.y, f.area.w, f.area.h / 3), th->text, 40) > 40); /* labels */
  golden_check_gfx("plot_lines_log", g);

  /* the same plot at 2x, as an export makes it (the 1x scale, factor 2): twice the pixels, the
   * same layout proportionally */
  gfx *g2 = gfx_create_headless(1920, 1200, &err);
  CHECK(g2 != NULL);
  if (g2) {
    gfx_set_scale_override(g2, gfx_scale(g));
    gfx_set_export_factor(g2, 2);
    gfx_begin_frame(g2);
    gfx_clear(g2, th->bg);
    plot_frame f2;
    plot_lines(g2, gfx_r(40, 20, 1840, 1160), &grad_opts, grad_series, 2, &f2);
    CHECKF(abs(f2.area.x - 2 * f.area.x) <= 6 && abs(f2.area.w - 2 * f.area.w) <= 12,
           "1x area x=%d w=%d, 2x area x=%d w=%d", f.area.x, f.area.w, f2.area.x, f2.area.w);
    gfx_destroy(g2);
  }

  /* linear axis with an explicit range, constant series, empty series: no crash, sane frame */
  gfx_begin_frame(g);
  gfx_clear(g, th->bg);
  float flat[5] = {2, 2, 2, 2, 2};
  plot_series s = {"flat", NULL, flat, 5, {0}, 0, 0, 0, NULL, NULL, 0};
  plot_opts o = plot_opts_default();
  plot_lines(g, r, &o, &s, 1, &f);
  CHECK(f.y0 < 2 && f.y1 > 2);
  o.ymin = 0;
  o.ymax = 10;
  plot_lines(g, r, &o, &s, 1, &f);
  CHECK(f.y0 == 0 && f.y1 == 10);
  plot_lines(g, r, &o, NULL, 0, &f);
  float nan_only[3] = {NAN, NAN, NAN};
  plot_series sn = {"nan", NULL, nan_only, 3, {0}, 0, 0, 0, NULL, NULL, 0};
  o = plot_opts_default();
  o.log_y = 1;
  plot_lines(g, r, &o, &sn, 1, &f);
  CHECK(f.y1 > f.y0);
  plot_lines(g, gfx_r(0, 0, 5, 5), &o, &sn, 1, &f); /* tiny rectangle */
  gfx_destroy(g);
}

static void test_bars(void) {
  rl_error err;
  gfx *g = gfx_create_headless(560, 360, &err);
  CHECK(g != NULL);
  if (!g) return;
  gfx_set_theme(g, theme_get(THEME_LIGHT));
  const theme *th = gfx_theme(g);
  float v[6] = {0.1f, 0.3f, -0.1f, 0.2f, 0.05f, 0};
  for (int i = 0; i < 5; i++) v[5] += v[i];
  const char *labels[6] = {"0", "1", "2", "3", "4", "total"};
  plot_series s = {"dJ/dh terms", NULL, v, 6, {0}, 0, 0, 0, NULL, NULL, 0};
  plot_opts o = plot_opts_default();
  o.title = "terms add up to the total";
  o.xtick_labels = labels;
  o.n_xtick_labels = 6;
  gfx_begin_frame(g);
  gfx_clear(g, th->bg);
  plot_frame f;
  plot_bars(g, gfx_r(0, 0, 560, 360), &o, &s, 1, 6, &f);
  CHECK(f.x0 == -0.5 && f.x1 == 5.5 && f.y0 < -0.1 && f.y1 > 0.55);
  gfx_color c = theme_series(th, 0);
  /* the "total" bar is filled in the middle of its height; the negative bar below zero */
  int xt = (int)lroundf(plot_x_px(&f, 5)), yt = (int)lroundf(plot_y_px(&f, v[5] / 2));
  CHECK(same(pixel(g, xt, yt), c, 0));
  int x2 = (int)lroundf(plot_x_px(&f, 2)), y2 = (int)lroundf(plot_y_px(&f, -0.05));
  CHECK(same(pixel(g, x2, y2), c, 0));
  CHECK(!same(pixel(g, x2, (int)lroundf(plot_y_px(&f, 0.05))), c, 20)); /* nothing above zero */
  /* between bars: background */
  int xg = (int)lroundf(plot_x_px(&f, 0.5));
  CHECK(!same(pixel(g, xg, yt), c, 20));
  golden_check_gfx("plot_bars_light", g);
  gfx_destroy(g);
}

static void test_heatmap(void) {
  rl_error err;
  gfx *g = gfx_create_headless(600, 360, &err);
  CHECK(g != NULL);
  if (!g) return;
  const theme *th = gfx_theme(g);
  enum { R = 8, C = 12 };
  float d[R * C];
  for (int r = 0; r < R; r++)
    for (int c = 0; c < C; c++) d[r * C + c] = (-1 + 2.0f * c / (C - 1)) * (r % 2 ? 1.0f : -1.0f) * (1.0f - 0.1f * r);
  d[3 * C + 4] = NAN;
  const char *tok[C] = {"t", "h", "e", " ", "c", "a", "t", " ", "s", "a", "t", "."};
  plot_heatmap_opts o = plot_heatmap_opts_default();
  o.title = "LSTM cell state c";
  o.data = d;
  o.rows = R;
  o.cols = C;
  o.vmin = -1;
  o.vmax = 1;
  o.cmap = COLORMAP_DIVERGING;
  o.col_labels = tok;
  o.row_axis = "unit";
  o.col_axis = "timestep";
  o.selected_col = 6;
  gfx_begin_frame(g);
  gfx_clear(g, th->bg);
  plot_frame f;
  gfx_rect rr = {0, 0, 600, 360};
  plot_heatmap(g, rr, &o, &f);
  CHECK(f.area.w > 200 && f.area.h > 150);
  CHECK(f.area.w % C == 0 && f.area.h % R == 0); /* equal whole-pixel cells */
  /* a cell's centre shows exactly its colormap colour */
  int cw = f.area.w / C, ch = f.area.h / R;
  for (int r = 0; r < R; r += 3)
    for (int c = 0; c < C; c += 5) {
      if (c == 6) continue; /* the selected column is outlined */
      gfx_color want = colormap_value(COLORMAP_DIVERGING, d[r * C + c], -1, 1);
      if (isnan(d[r * C + c])) want = gfx_rgba(128, 128, 128, 255);
      CHECKF(same(pixel(g, f.area.x + c * cw + cw / 2, f.area.y + r * ch + ch / 2), want, 0), "cell %d,%d", r, c);
    }
  gfx_color nanc = pixel(g, f.area.x + 4 * cw + cw / 2, f.area.y + 3 * ch + ch / 2);
  CHECK(nanc.r == 128 && nanc.g == 128 && nanc.b == 128);
  /* hit testing maps pixels back to cells */
  int hr, hc;
  CHECK(plot_heatmap_hit(&f, R, C, f.area.x + 2 * cw + 1, f.area.y + 5 * ch + 1, &hr, &hc) && hr == 5 && hc == 2);
  CHECK(!plot_heatmap_hit(&f, R, C, f.area.x - 2, f.area.y, &hr, &hc));
  /* the colour legend right of the cells: top = colour of vmax, bottom = colour of vmin */
  int lx = f.area.x + f.area.w + gfx_px(g, 10) + 4; /* inside the bar (>= 10 px wide) */
  gfx_color top = pixel(g, lx, f.area.y + 3), bot = pixel(g, lx, f.area.y + f.area.h - 4);
  CHECKF(same(top, colormap_at(COLORMAP_DIVERGING, 1), 12), "legend top %d %d %d", top.r, top.g, top.b);
  CHECKF(same(bot, colormap_at(COLORMAP_DIVERGING, 0), 12), "legend bottom %d %d %d", bot.r, bot.g, bot.b);
  /* legend tick labels to its right */
  CHECK(count_color(g, gfx_r(lx + gfx_px(g, 12), f.area.y - 8, 60, f.area.h + 16), th->text_dim, 40) > 40);
  /* selected column outline in the accent colour above the cells */
  CHECK(count_color(g, gfx_r(f.area.x + 6 * cw, f.area.y - 3, cw, 3), th->accent, 10) > cw / 2);
  /* token labels under the cells */
  CHECK(count_color(g, gfx_r(f.area.x, f.area.y + f.area.h + 2, f.area.w, 24), th->text, 60) > 30);
  golden_check_gfx("plot_heatmap_diverging", g);
  /* degenerate inputs do not crash */
  o.rows = 0;
  plot_heatmap(g, rr, &o, &f);
  o.rows = R;
  o.data = NULL;
  plot_heatmap(g, rr, &o, &f);
  plot_heatmap(g, rr, NULL, &f);
  /* a big heatmap (512 units x 200 steps) with index labels */
  float *big = malloc(sizeof(float) * 512 * 200);
  if (big) {
    for (int i = 0; i < 512 * 200; i++) big[i] = (float)(i % 200) / 199.0f;
    plot_heatmap_opts b = plot_heatmap_opts_default();
    b.data = big;
    b.rows = 512;
    b.cols = 200;
    plot_heatmap(g, rr, &b, &f);
    gfx_color right = pixel(g, f.area.x + f.area.w - 2, f.area.y + f.area.h / 2);
    CHECK(same(right, colormap_at(COLORMAP_SEQUENTIAL, 1), 12));
    free(big);
  }
  gfx_destroy(g);
}

static void test_figures(void) {
  rl_error err;
  setup_grad();
  char path[1024];
  snprintf(path, sizeof path, "%s/fig.png", test_tmpdir());
  CHECKF(plot_lines_png(path, 800, 500, THEME_LIGHT, &grad_opts, grad_series, 2, &err) == 0, "%s", err.msg);
  int w, h;
  uint8_t *img = gfx_load_png(path, &w, &h, &err);
  CHECK(img && w == 800 && h == 500);
  if (img) {
    /* light theme: corners white, and plenty of non-white pixels (not blank) */
    CHECK(img[0] == 255 && img[1] == 255 && img[2] == 255);
    long ink = 0;
    for (long i = 0; i < 800L * 500; i++) ink += img[4 * i] < 200 || img[4 * i + 2] < 200;
    CHECKF(ink > 5000, "ink %ld", ink);
    free(img);
  }
  float v[3] = {1, 2, 3};
  plot_series s = {"v", NULL, v, 3, {0}, 0, 0, 0, NULL, NULL, 0};
  snprintf(path, sizeof path, "%s/bars.png", test_tmpdir());
  CHECK(plot_bars_png(path, 300, 200, THEME_DARK, NULL, &s, 1, 3, &err) == 0);
  plot_heatmap_opts ho = plot_heatmap_opts_default();
  ho.data = v;
  ho.rows = 1;
  ho.cols = 3;
  snprintf(path, sizeof path, "%s/heat.png", test_tmpdir());
  CHECK(plot_heatmap_png(path, 300, 200, THEME_DARK, &ho, &err) == 0);
  CHECK(plot_lines_png("/nonexistent-rnnlab-dir/fig.png", 100, 100, THEME_DARK, &grad_opts, grad_series, 2, &err) == -1);
  CHECKF(strstr(err.msg, "nonexistent-rnnlab-dir") != NULL, "%s", err.msg);
}

/* intervals: a band fills between lo and hi (tinted, not the series colour itself) and stays
 * inside them; error bars are drawn in the series colour from lo to hi at each point; labels at
 * given x positions; an outside legend measures its rows and draws swatches */
static void test_intervals(void) {
  rl_error err;
  gfx *g = gfx_create_headless(900, 600, &err);
  CHECKF(g != NULL, "%s", err.msg);
  if (!g) return;
  const theme *th = gfx_theme(g);
  gfx_begin_frame(g);
  gfx_clear(g, th->bg);
  float x[4] = {0, 1, 2, 3}, y[4] = {5, 5, 5, 5}, lo[4] = {3, 3, 3, 3}, hi[4] = {7, 7, 7, 7};
  float y2[4] = {1, 1, 1, 1}, lo2[4] = {0.5f, 0.5f, NAN, 0.5f}, hi2[4] = {2, 2, NAN, 2};
  gfx_color c0 = theme_series(th, 0), c1 = theme_series(th, 1);
  plot_series s[2] = {{.label = "band", .x = x, .y = y, .n = 4, .color = c0, .lo = lo, .hi = hi, .band = 1},
                      {.label = "bars", .x = x, .y = y2, .n = 4, .color = c1, .lo = lo2, .hi = hi2}};
  static const char *const labels[3] = {"1", "10", "100"};
  static const double at[3] = {0, 1.5, 3};
  plot_opts o = plot_opts_default();
  o.ymin = 0;
  o.ymax = 8;
  o.xtick_labels = labels;
  o.xtick_at = at;
  o.n_xtick_labels = 3;
  o.legend = PLOT_LEGEND_NONE;
  plot_frame f;
  plot_lines(g, gfx_r(0, 0, 900, 500), &o, s, 2, &f);
  /* inside the band, between the line and its edge: a tint of c0 (neither bg/panel nor c0) */
  int xb = (int)lroundf(plot_x_px(&f, 0.5)), yb = (int)lroundf(plot_y_px(&f, 6));
  gfx_color in = pixel(g, xb, yb), out = pixel(g, xb, (int)lroundf(plot_y_px(&f, 7.6)));
  CHECKF(!same(in, out, 8) && !same(in, c0, 30), "band %d,%d,%d outside %d,%d,%d", in.r, in.g, in.b, out.r, out.g, out.b);
  /* the band does not spill beyond hi */
  CHECK(same(pixel(g, xb, (int)lroundf(plot_y_px(&f, 7.3))), out, 8));
  /* error bars at x = 1 from 0.5 to 2 in c1; none at x = 2 (NaN bounds) */
  int x1 = (int)lroundf(plot_x_px(&f, 1)), x2 = (int)lroundf(plot_x_px(&f, 2));
  int ytop = (int)lroundf(plot_y_px(&f, 1.9)), ybot = (int)lroundf(plot_y_px(&f, 1.15));
  CHECK(count_color(g, gfx_r(x1 - 1, ytop, 3, ybot - ytop), c1, 30) > (ybot - ytop) / 2);
  CHECK(count_color(g, gfx_r(x2 - 1, ytop, 3, ybot - ytop), c1, 30) == 0);
  /* tick labels at the given positions: text under x = 1.5 */
  int xl = (int)lroundf(plot_x_px(&f, 1.5));
  CHECK(count_color(g, gfx_r(xl - 12, f.area.y + f.area.h + 4, 24, 24), th->text, 60) > 5);
  /* a legend strip below: measured height equals drawn rows, swatch colours present */
  int h = plot_legend_flow(g, gfx_r(10, 510, 880, 90), s, 2, 0);
  CHECK(h > 0 && h < 90);
  CHECK(plot_legend_flow(g, gfx_r(10, 510, 880, 90), s, 2, 1) == h);
  CHECK(count_color(g, gfx_r(10, 510, 880, h), c1, 30) > 10);
  CHECK(plot_legend_flow(g, gfx_r(10, 510, 60, 90), s, 2, 0) == 2 * h); /* too narrow: a row each */
  gfx_destroy(g);
}

int main(void) {
  test_ticks();
  test_mapping();
  test_lines();
  test_bars();
  test_heatmap();
  test_figures();
  test_intervals();
  return test_summary("app_test_plot");
}
