/* rnnlab plots: line plots (linear or log10 y), bar charts and heatmaps, drawn with gfx into any
 * rectangle. Everything (margins, fonts, line widths) scales with gfx_scale, so the same call
 * serves a small panel, a projector and a 2x print export.
 *
 * Each drawing call can return a plot_frame: where the data area ended up and which data range it
 * shows, so a panel can map the mouse back to data (click a timestep, hover a heatmap cell).
 *
 * One-call figures for the experiments and `rnnlab render`: plot_lines_png / plot_bars_png /
 * plot_heatmap_png create a headless gfx context, draw one figure and write a PNG.
 */
#ifndef RNNLAB_PLOT_H
#define RNNLAB_PLOT_H
#include "colormap.h"
#include "gfx.h"

/* The data area and the data range it shows. Filled by every plot_* drawing call. */
typedef struct {
  gfx_rect area;           /* data area in pixels (inside the axes), out-of-range bands included */
  double x0, x1, y0, y1;   /* data range at the area's left/right/bottom/top edges */
  int log_y, log_x;        /* y0, y1 / x0, x1 are then the decimal exponents (log10) */
  int band_lo, band_hi;    /* pixel height of the below-range / above-range bands (0 = none);
                              y0 and y1 sit at the inner edges of the bands */
  gfx_rect legend;         /* where the legend was drawn (w = 0: none) */
} plot_frame;

/* Data -> pixel and back (honours log_x / log_y; non-positive values on a log axis give NaN). */
float plot_x_px(const plot_frame *f, double x);
float plot_y_px(const plot_frame *f, double y);
double plot_px_x(const plot_frame *f, float px);
double plot_px_y(const plot_frame *f, float py);

/* ---- line plots --------------------------------------------------------------------------- */

typedef struct {
  const char *label;       /* legend entry; NULL = not in the legend */
  const float *x;          /* NULL: x[i] = i (timesteps, training steps as indices) */
  const float *y;          /* n values; non-finite (and <= 0 on a log axis) values break the line */
  int n;
  gfx_color color;         /* alpha 0 = theme series colour of this series' index */
  float width;             /* line width at 1080p; 0 = 3 */
  int markers;             /* 1: a dot at every point (short series, e.g. per-timestep norms) */
  int dashed;              /* 1: dashed line */
  const float *lo, *hi;    /* optional interval at every point (both or neither; NULL = none): error
                              bars with caps, or with band = 1 a translucent band (e.g. an
                              interquartile range); non-finite bounds leave a point without one */
  int band;
} plot_series;

enum { PLOT_LEGEND_TOP_RIGHT = 0, PLOT_LEGEND_TOP_LEFT, PLOT_LEGEND_BOTTOM_RIGHT,
       PLOT_LEGEND_BOTTOM_LEFT, PLOT_LEGEND_NONE,
       PLOT_LEGEND_AUTO, /* the corner that covers the fewest data points (plot_opts_default) */
       PLOT_LEGEND_ABOVE /* rows of entries above the data area: never covers data */ };

typedef struct {
  const char *title;       /* drawn above the data area; NULL = none */
  const char *xlabel;
  const char *ylabel;
  int log_y;               /* 1: log10 y axis with decade ticks (1e-6, 1e-5, ...) */
  int log_x;               /* 1: log10 x axis with decade ticks (1, 10, 100, 1k): training steps */
  double xmin, xmax;       /* NAN = from the data (use the NAN macro) */
  double ymin, ymax;       /* NAN = from the data (log axis: rounded out to whole decades) */
  int integer_x;           /* 1: x ticks only at integers (timesteps) */
  int legend;              /* PLOT_LEGEND_*; drawn if any series has a label */
  int no_grid;             /* 1: no grid lines */
  double marker_x;         /* NAN = none; else a dashed vertical marker (selected timestep) */
  const char *const *xtick_labels; /* optional: label for integer x = i (e.g. tokens), n_xtick_labels */
  int n_xtick_labels;
  const unsigned char *xtick_show; /* optional, with xtick_labels: which labels to draw (1 = draw);
                              NULL = every k-th that fits. Lets panels label the same steps. */
  int out_of_range;        /* with fixed ymin and ymax: values below ymin (on a log axis also 0
                              and underflow) are drawn in a marked band under the axis range,
                              labelled "< ymin", values above ymax in a band labelled "> ymax";
                              nothing is dropped silently */
  const double *xtick_at;  /* optional: x of each label instead of i (e.g. log10 of a distance, so a
                              log-scale axis carries the distances themselves); placed from the
                              last to the first, a label that would touch one already placed is
                              skipped (its tick stays, half length) */
} plot_opts;

/* Defaults: everything 0/NULL, ranges and marker NAN, legend PLOT_LEGEND_AUTO. */
plot_opts plot_opts_default(void);

/* Draws panel background, title, axes with ticks and labels, grid, the series and the legend. */
void plot_lines(gfx *g, gfx_rect r, const plot_opts *o, const plot_series *s, int ns,
                plot_frame *out);
/* The frame plot_lines would use in r, without drawing (e.g. to choose tick labels first). */
plot_frame plot_lines_frame(gfx *g, gfx_rect r, const plot_opts *o, const plot_series *s, int ns);

/* A legend outside any plot: the labelled series' swatches and labels flow left to right in rows
 * across r (from its top-left corner). Returns the height the rows take; draw = 0 only measures. */
int plot_legend_flow(gfx *g, gfx_rect r, const plot_series *s, int ns, int draw);

/* ---- bar charts --------------------------------------------------------------------------- */

/* Grouped bars: category i has one bar per series, at x = i, heights s[k].y[i] (s[k].x ignored,
 * all series need n == ncat). Category labels from o->xtick_labels (else the index).
 * Negative values grow downward from 0; on a log axis bars start at the bottom edge.
 * For "per-timestep terms add up to the total", pass the terms plus a last category "total". */
void plot_bars(gfx *g, gfx_rect r, const plot_opts *o, const plot_series *s, int ns, int ncat,
               plot_frame *out);
/* The frame plot_bars would use in r (data area and ranges), without drawing: lets a caller
 * choose how many categories fit before drawing them. */
plot_frame plot_bars_frame(gfx *g, gfx_rect r, const plot_opts *o, const plot_series *s, int ns, int ncat);
/* Whether category labels of width label_w (pixels) all fit side by side, one per bar, in f. */
int plot_category_labels_fit(gfx *g, const plot_frame *f, int label_w);

/* ---- heatmaps ----------------------------------------------------------------------------- */

typedef struct {
  const char *title;
  const float *data;       /* rows x cols, row-major: data[row*cols + col] (units x timesteps) */
  int rows, cols;
  float vmin, vmax;        /* value range of the colormap (e.g. -1..1, 0..1); vmin < vmax */
  colormap_id cmap;
  const char *const *col_labels; /* NULL or cols strings (tokens) under the columns */
  const char *row_axis;    /* e.g. "unit"  (NULL = none) */
  const char *col_axis;    /* e.g. "timestep" (NULL = none) */
  int selected_col;        /* -1 = none; else outlined with the accent colour */
  int max_col_labels;      /* 0 = as many as fit; labels are thinned out to avoid overlap */
} plot_heatmap_opts;

plot_heatmap_opts plot_heatmap_opts_default(void); /* sequential, 0..1, selected_col -1 */

/* Draws title, the cells (row 0 at the top), column labels, row ticks and ALWAYS a colour legend
 * (vertical bar with ticks at vmin, the midpoint and vmax) at the right. out->area is the cell
 * area with x0=0, x1=cols, y0=rows, y1=0 (so plot_px_x gives the column as a fraction). */
void plot_heatmap(gfx *g, gfx_rect r, const plot_heatmap_opts *o, plot_frame *out);
/* Which cell is at pixel (px, py)? 1 and row/col if inside the cell area, else 0. */
int plot_heatmap_hit(const plot_frame *f, int rows, int cols, int px, int py, int *row, int *col);

/* A standalone colour legend: a vertical (w < h) or horizontal bar with ticks and value labels. */
void plot_colorbar(gfx *g, gfx_rect r, colormap_id cmap, float vmin, float vmax, const char *label);

/* ---- tick helpers (exposed for tests and other panels) ------------------------------------ */

/* "Nice" linear ticks covering [lo, hi]: step from {1, 2, 5} x 10^k, about target ticks.
 * Writes up to max ticks inside [lo, hi] and returns how many. */
int plot_nice_ticks(double lo, double hi, int target, double *ticks, int max);
/* Formats a tick value compactly ("0.5", "1e-4", "1200", "2.5k") into buf. */
void plot_format_tick(double v, double step, char *buf, size_t cap);

/* ---- one-call figures (headless) ----------------------------------------------------------- */

/* Renders one figure of w x h pixels in the given theme and writes it to path. 0 or -1 + err. */
int plot_lines_png(const char *path, int w, int h, theme_id th, const plot_opts *o,
                   const plot_series *s, int ns, rl_error *err);
int plot_bars_png(const char *path, int w, int h, theme_id th, const plot_opts *o,
                  const plot_series *s, int ns, int ncat, rl_error *err);
int plot_heatmap_png(const char *path, int w, int h, theme_id th, const plot_heatmap_opts *o,
                     rl_error *err);

#endif
