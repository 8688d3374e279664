/* ||dJ(T)/dh(t)|| against timestep t on a log axis, every model overlaid: the vanishing gradient.
 *
 * By default each line is divided by its own value at the scored step T, so the shape of the
 * decay compares across models whose losses (and so whose raw norms) differ by orders of
 * magnitude; G (or explorer_set_gradient_scale) shows the raw norms. The y range is fixed per
 * mode, so it never jumps while training runs, and values below it (underflow to 0 included) sit
 * in a marked band labelled "< 10^-k" instead of disappearing. */
#include "panels.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Fixed y ranges (decades), the same in every view so that slides can be compared: relative
 * values are 1 at the scored step and fall below it when the gradient vanishes; three decades
 * above it show one that explodes (W_hh's radius 2 to 3 at initialisation). Raw norms of a
 * trained model reach 1e-8 and below. */
#define REL_LO 1e-12
#define REL_HI 1e3
#define RAW_LO 1e-16
#define RAW_HI 1e3

static void grad_opts(const ex_view *v, plot_opts *o) {
  *o = plot_opts_default();
  o->log_y = 1;
  o->integer_x = 1;
  int T = v->snap.T;
  o->xmin = 1;
  o->xmax = T > 1 ? T : 2;
  o->ymin = v->grad_raw ? RAW_LO : REL_LO;
  o->ymax = v->grad_raw ? RAW_HI : REL_HI;
  o->out_of_range = 1;
  o->legend = PLOT_LEGEND_ABOVE;
  o->ylabel = v->grad_raw ? "norm" : "relative to t = T";
}

/* Token labels for x = 1..T: index 0 is unused (the axis counts words from 1). */
static const char **shifted_labels(const tr_snapshot *sn) {
  const char **l = calloc((size_t)sn->T + 1, sizeof *l);
  if (!l) return NULL;
  l[0] = "";
  for (int t = 0; t < sn->T; t++) l[t + 1] = sn->labels ? sn->labels[t] : "?";
  return l;
}

float panel_gradients_col_width(ex_view *v, gfx_rect r) {
  plot_opts o;
  grad_opts(v, &o);
  o.xlabel = "t";
  plot_frame f = plot_lines_frame(v->g, ex_panel_content(v, r, 1), &o, NULL, 0);
  return v->snap.T > 1 ? (float)f.area.w / (float)(v->snap.T - 1) : (float)f.area.w;
}

/* One line: layer-direction ld of slot q, relative to its value at the scored step (or raw). */
static float *grad_line(const ex_view *v, const tr_slot_snap *q, int ld, const float *norms) {
  int T = v->snap.T;
  float *y = malloc((size_t)T * sizeof(float));
  if (!y) return NULL;
  const float *nv = norms + (size_t)ld * (size_t)T;
  int ts = q->last_scored;
  double ref = ts >= 0 && ts < T ? nv[ts] : NAN;
  for (int t = 0; t < T; t++) {
    if (ts >= 0 && t > ts) y[t] = NAN; /* after the scored step: no gradient from J(T) */
    else if (v->grad_raw) y[t] = nv[t];
    else y[t] = ref > 0 ? (float)(nv[t] / ref) : NAN;
  }
  return y;
}

#define MAXS (TR_MAX_SLOTS * 3)

/* The plotted lines: each model's gradient at layer 1, the top layer (or the backward direction)
 * of a stack, and with clamped gates the LSTM's cell-state path. */
typedef struct {
  plot_series s[MAXS];
  char names[MAXS][128];
  float *ys[MAXS];
  int n;
  int last; /* the latest scored position of any model */
} grad_lines;

/* Model k's lines (q is its snapshot). */
static void add_slot_lines(ex_view *v, int k, grad_lines *L) {
  const tr_slot_snap *q = &v->snap.slot[k];
  const theme *th = gfx_theme(v->g);
  int T = v->snap.T, nld = q->L * q->D;
  if (q->last_scored > L->last) L->last = q->last_scored;
  char base[96];
  ex_slot_name(v, k, base, sizeof base);
  plot_series z = {0};
  z.n = T;
  z.color = ex_slot_color(v, k);
  z.width = 3.5f;
  z.markers = T <= 60;
  if (!(L->ys[L->n] = grad_line(v, q, 0, q->dhT_norm))) return;
  if (nld > 1) snprintf(L->names[L->n], sizeof L->names[L->n], "%s, layer 1%s", base, q->D == 2 ? " forward" : "");
  else snprintf(L->names[L->n], sizeof L->names[L->n], "%s", base);
  z.label = L->names[L->n];
  z.y = L->ys[L->n];
  L->s[L->n++] = z;
  /* stacked / bidirectional: the top layer (or the backward direction) too, dashed */
  if (nld > 1 && L->n < MAXS && (L->ys[L->n] = grad_line(v, q, nld - 1, q->dhT_norm))) {
    snprintf(L->names[L->n], sizeof L->names[L->n], "%s, layer %d%s", base, (nld - 1) / q->D + 1,
             q->D == 2 ? ((nld - 1) % 2 ? " backward" : " forward") : " (top)");
    plot_series y2 = z;
    y2.label = L->names[L->n];
    y2.y = L->ys[L->n];
    y2.dashed = 1;
    y2.markers = 0;
    y2.width = 2.5f;
    y2.color = gfx_mix(z.color, th->panel, 0.25f);
    L->s[L->n++] = y2;
  }
  /* with clamped gates the LSTM's memory path is the cell state: ||dJ/dc(t)|| too */
  if (v->clamp_mode != 0 && q->spec.cell == RL_CELL_LSTM && nld == 1 && L->n < MAXS &&
      (L->ys[L->n] = grad_line(v, q, 0, q->dc_norm))) {
    snprintf(L->names[L->n], sizeof L->names[L->n], "%s, along c: \u2016\u2202J/\u2202c(t)\u2016", base);
    z.label = L->names[L->n];
    z.y = L->ys[L->n];
    z.dashed = 1;
    z.width = 3.0f;
    L->s[L->n++] = z;
  }
}

void panel_gradients_draw(ex_view *v, gfx_rect r) {
  gfx *g = v->g;
  const theme *th = gfx_theme(g);
  const char *title = v->grad_raw ? "Vanishing gradient: \u2016\u2202J(T)/\u2202h(t)\u2016, raw"
                                  : "Vanishing gradient: \u2016\u2202J(T)/\u2202h(t)\u2016";
  gfx_rect c = ex_panel_frame(v, RL_PANEL_GRADIENTS, r, title);
  const tr_snapshot *sn = &v->snap;
  int T = sn->T;
  grad_lines L;
  memset(L.ys, 0, sizeof L.ys);
  L.n = 0;
  L.last = -1;
  for (int k = 0; k < TR_MAX_SLOTS && L.n < MAXS; k++) {
    const tr_slot_snap *q = &sn->slot[k];
    if (q->used && q->have_trace && q->T == T && T > 0) add_slot_lines(v, k, &L);
  }
  /* x = 1..T: words counted from 1 */
  float *x1 = malloc((size_t)(T > 0 ? T : 1) * sizeof(float));
  for (int t = 0; x1 && t < T; t++) x1[t] = (float)(t + 1);
  for (int i = 0; i < L.n; i++) L.s[i].x = x1;
  plot_opts o;
  grad_opts(v, &o);
  char xl[160];
  if (L.last >= 0)
    snprintf(xl, sizeof xl, "word t   (the loss J(T) is scored at T = %d, \"%s\")", L.last + 1,
             sn->labels && L.last < T ? sn->labels[L.last] : "?");
  else
    snprintf(xl, sizeof xl, "word t");
  o.xlabel = xl;
  int sel = ex_sel_t(v);
  o.marker_x = sel >= 0 ? sel + 1 : NAN;
  const char **labels = T > 0 ? shifted_labels(sn) : NULL;
  unsigned char *show = T > 0 ? calloc((size_t)T + 1, 1) : NULL;
  if (labels && show) {
    ex_token_mask(v, v->token_stride, show + 1);
    o.xtick_labels = labels;
    o.n_xtick_labels = T + 1;
    o.xtick_show = show;
  }
  plot_frame fr;
  plot_lines(g, c, &o, L.s, L.n, &fr);
  v->grad_frame = fr;
  if (L.n == 0)
    gfx_text(g, c.x + c.w / 2, c.y + c.h / 2, "no gradients yet", GFX_SANS, gfx_font_px(g, THEME_TEXT_BODY),
             th->text_dim, GFX_CENTER | GFX_MIDDLE);
  /* click on the plot selects a timestep */
  if (ui_clicked(v->u, fr.area)) {
    int mx, my;
    ui_mouse_pos(v->u, &mx, &my);
    int t = (int)lround(plot_px_x(&fr, (float)mx)) - 1;
    if (t >= 0 && t < T) v->sel_t = t;
  }
  for (int i = 0; i < L.n; i++) free(L.ys[i]);
  free(x1);
  free(labels);
  free(show);
}

int panel_gradients_csv(const ex_view *v, FILE *f) {
  const tr_snapshot *sn = &v->snap;
  fprintf(f, "model,cell,step,t,token,dJT_dh_norm,dJT_dh_relative,dJ_dh_norm,dJ_dc_norm,dWhh_term_norm\n");
  for (int k = 0; k < TR_MAX_SLOTS; k++) {
    const tr_slot_snap *q = &sn->slot[k];
    if (!q->used || !q->have_trace) continue;
    int ts = q->last_scored;
    double ref = ts >= 0 && ts < q->T ? q->dhT_norm[ts] : NAN;
    for (int t = 0; t < q->T && t < sn->T; t++) {
      char q1[160];
      fprintf(f, "%c,%s,%ld,%d,%s,%.6g,%.6g,%.6g,%.6g,%.6g\n", 'A' + k, rl_cell_name(q->spec.cell), q->step, t + 1,
              csv_quote(sn->labels ? sn->labels[t] : "", q1, sizeof q1), (double)q->dhT_norm[t],
              ref > 0 ? q->dhT_norm[t] / ref : NAN, (double)q->dh_norm[t], (double)q->dc_norm[t],
              (double)q->dwhh_norm[t]);
    }
  }
  return ferror(f) ? -1 : 0;
}
