/* Heatmaps of units x timesteps for every gate and state of every model, on one shared time axis
 * with the example's tokens underneath: the selected timestep is one column through all bands. */
#include "panels.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  int slot, ld;
  int gate;        /* >= 0: gate row block in trace->gates; -1: c; -2: h */
  int kind;
  const char *name, *long_name;
} band;

/* gate index in the trace's stacked layout for band i of a cell (LSTM i,f,g,o; GRU r,z,n) */
static int band_gate(rl_cell cell, int i) {
  if (cell == RL_CELL_LSTM) {
    static const int m[6] = {0, 1, 3, 2, -1, -2};
    return m[i];
  }
  if (cell == RL_CELL_GRU) {
    static const int m[4] = {0, 1, 2, -2};
    return m[i];
  }
  return -2;
}

/* The bands of every model: a single-layer, one-direction model shows its gates and states; a
 * stacked or bidirectional one shows one h band per layer and direction, the top layer first (so
 * the bands stack as the layers do, the bottom one nearest the words), forward above backward. */
static int collect(const ex_view *v, band *out, int max) {
  int n = 0;
  for (int k = 0; k < TR_MAX_SLOTS; k++) {
    const tr_slot_snap *s = &v->snap.slot[k];
    if (!s->used) continue;
    int nld = s->L * s->D;
    int sat = s->spec.cell == RL_CELL_RNN && s->spec.nonlin != RL_ACT_TANH; /* ReLU, sigmoid: [0, 1]-like */
    if (nld > 1) {
      for (int l = s->L - 1; l >= 0 && n < max; l--)
        for (int d = 0; d < s->D && n < max; d++) {
          const char *what = s->D == 2 ? (d ? "backward h" : "forward h")
                             : l == s->L - 1 ? "top layer" : l == 0 ? "bottom layer" : "hidden state";
          band b = {k, l * s->D + d, -2, sat ? EX_BAND_GATE : EX_BAND_TANH, "h", what};
          out[n++] = b;
        }
      continue;
    }
    const char *names[6], *longs[6];
    int kinds[6];
    int nb = ex_bands(s->spec.cell, names, longs, kinds, 6);
    for (int i = 0; i < nb && n < max; i++) {
      band b = {k, 0, band_gate(s->spec.cell, i), kinds[i], names[i], longs[i]};
      if (sat) b.kind = EX_BAND_GATE;
      out[n++] = b;
    }
  }
  return n;
}

/* Value of band b at (t, unit). */
static float band_value(const tr_slot_snap *s, const band *b, int t, int j) {
  size_t T = (size_t)s->T, H = (size_t)s->H;
  if (!s->have_trace || t >= s->T) return NAN;
  if (b->gate >= 0) return s->gates[((size_t)b->ld * T + (size_t)t) * (size_t)s->G * H + (size_t)b->gate * H + (size_t)j];
  const float *a = b->gate == -1 ? s->c : s->h;
  return a[((size_t)b->ld * T + (size_t)t) * H + (size_t)j];
}

static gfx_color band_color(const band *b, float v) {
  if (b->kind == EX_BAND_GATE) return colormap_value(COLORMAP_SEQUENTIAL, v, 0.0f, 1.0f);
  return colormap_value(COLORMAP_DIVERGING, v, -1.0f, 1.0f);
}

static void band_label(const ex_view *v, const band *b, char *buf, size_t n) {
  const tr_slot_snap *s = &v->snap.slot[b->slot];
  if (b->ld == 0 && s->L * s->D == 1) {
    snprintf(buf, n, "%s", b->name);
  } else {
    int layer = b->ld / s->D, dir = b->ld % s->D;
    if (s->L > 1)
      snprintf(buf, n, "%s L%d%s", b->name, layer + 1, s->D == 2 ? (dir ? " \u2190" : " \u2192") : "");
    else
      snprintf(buf, n, "%s%s", b->name, dir ? "\u2190" : "\u2192");
  }
}

/* Widths of the band-label column and of the colour legends at the right. */
static void side_widths(ex_view *v, const band *bands, int nb, int *label_w, int *legend_w) {
  gfx *g = v->g;
  int small = gfx_font_px(g, THEME_TEXT_SMALL), body = gfx_font_px(g, THEME_TEXT_BODY), w = 0;
  for (int i = 0; i < nb; i++) {
    int a = 0, b = 0;
    char lab[48];
    band_label(v, &bands[i], lab, sizeof lab);
    gfx_text_size(g, lab, GFX_MONO, body, &a, NULL);
    gfx_text_size(g, bands[i].long_name, GFX_SANS, small, &b, NULL);
    if (a > w) w = a;
    if (b > w) w = b;
  }
  *label_w = w + gfx_px(g, 20);
  int tick = 0, note = 0;
  gfx_text_size(g, "-0.5", GFX_SANS, small, &tick, NULL);
  gfx_text_size(g, "(c clipped)", GFX_SANS, small, &note, NULL);
  int title = 0;
  gfx_text_size(g, "states", GFX_SANS, small, &title, NULL);
  *legend_w = gfx_px(g, 22 + 14) + tick + (title / 2 > gfx_px(g, 24) ? title / 2 : gfx_px(g, 24));
  if (*legend_w < note + gfx_px(g, 16)) *legend_w = note + gfx_px(g, 16);
}

float panel_heatmaps_col_width(ex_view *v, gfx_rect r) {
  band bands[64];
  int nb = collect(v, bands, 64), lw, gw;
  if (nb == 0 || v->snap.T <= 0) return -1;
  side_widths(v, bands, nb, &lw, &gw);
  gfx_rect c = ex_panel_content(v, r, 1);
  return (float)(c.w - lw - gw) / (float)v->snap.T;
}

/* The model's prediction at the scored step of the shown example: "answer: d3 (41%) ✗" (or, short,
 * "d3 41% ✗"). Returns 0 if there is none; *right = 1 if it is the target. */
static int answer_text(const ex_view *v, const tr_slot_snap *s, int shortform, char *buf, size_t cap, int *right) {
  const tr_snapshot *sn = &v->snap;
  int ts = s->last_scored;
  if (!s->have_trace || !s->probs || ts < 0 || ts >= s->T || s->C <= 0 || s->C != sn->C) return 0;
  const float *p = s->probs + (sn->head == RL_HEAD_FINAL ? 0 : (size_t)ts * (size_t)s->C);
  int best = 0;
  for (int c = 1; c < s->C; c++)
    if (p[c] > p[best]) best = c;
  int target = sn->targets ? sn->targets[sn->head == RL_HEAD_FINAL ? 0 : ts] : -1;
  /* agreement is scored as "is" against "are": the answer is the form of the two it prefers */
  if (sn->foil >= 0 && sn->foil < s->C && target >= 0 && target < s->C) best = p[target] > p[sn->foil] ? target : sn->foil;
  *right = target == best;
  const char *name = sn->class_names ? sn->class_names[best] : "?";
  const char *mark = target < 0 || target >= s->C ? "" : *right ? " \u2713" : " \u2717";
  int other = sn->foil >= 0 && sn->foil < s->C && target >= 0 ? (best == target ? sn->foil : target) : -1;
  if (shortform) snprintf(buf, cap, "%s %.0f%%%s", name, 100.0 * p[best], mark);
  else if (other >= 0) /* agreement: the two forms the task compares */
    snprintf(buf, cap, "answer: %s %.0f%% vs %s %.0f%%%s", name, 100.0 * p[best],
             sn->class_names ? sn->class_names[other] : "?", 100.0 * p[other], mark);
  else snprintf(buf, cap, "answer: %s (%.0f%%)%s", name, 100.0 * p[best], mark);
  return 1;
}

/* The line above a model's bands: its name and training state, and its answer at the right; the
 * longest forms that fit side by side. */
static void slot_header(ex_view *v, const tr_slot_snap *s, int slot, gfx_rect line) {
  gfx *g = v->g;
  const theme *th = gfx_theme(g);
  int body = gfx_font_px(g, THEME_TEXT_BODY), gap = gfx_px(g, 16);
  char name[96], left[3][800], ans[2][160] = {"", ""}, fit[800];
  ex_slot_name(v, slot, name, sizeof name);
  if (s->failed)
    snprintf(left[0], sizeof left[0], "%s   stopped: %s", name, s->error);
  else if (v->static_mode)
    snprintf(left[0], sizeof left[0], "%s   H = %d   loss at the last scored word %.3g", name, s->H, (double)s->trace_loss);
  else if (s->step == 0)
    snprintf(left[0], sizeof left[0], "%s   untrained", name);
  else
    snprintf(left[0], sizeof left[0], "%s   accuracy %.0f%%", name, 100.0 * (double)s->last_acc);
  if (s->step > 0 && !s->failed && !v->static_mode)
    snprintf(left[1], sizeof left[1], "%s   %.0f%%", name, 100.0 * (double)s->last_acc);
  else
    snprintf(left[1], sizeof left[1], "%s", left[0]);
  snprintf(left[2], sizeof left[2], "%s", name);
  int right = 0, have = !s->failed && answer_text(v, s, 0, ans[0], sizeof ans[0], &right);
  if (have) answer_text(v, s, 1, ans[1], sizeof ans[1], &right);
  /* (left form, answer form) from the longest down */
  static const int forms[4][2] = {{0, 0}, {1, 0}, {1, 1}, {2, 1}};
  int lf = 2, af = 1;
  for (int i = 0; i < 4; i++) {
    int lw = 0, aw = 0;
    gfx_text_size(g, left[forms[i][0]], GFX_SANS, body, &lw, NULL);
    if (have) gfx_text_size(g, ans[forms[i][1]], GFX_SANS, body, &aw, NULL);
    if (lw + (have ? aw + gap : 0) <= line.w) {
      lf = forms[i][0], af = forms[i][1];
      break;
    }
  }
  int aw = 0;
  if (have) aw = gfx_text(g, line.x + line.w, line.y, ans[af], GFX_SANS, body, right ? th->ok : th->error, GFX_RIGHT | GFX_TOP) + gap;
  gfx_text_fit(g, left[lf], GFX_SANS, body, line.w - aw, fit, sizeof fit);
  gfx_text(g, line.x, line.y, fit, GFX_SANS, body, s->failed ? th->error : ex_slot_color(v, slot), GFX_LEFT | GFX_TOP);
}

/* Where everything goes in this frame. */
typedef struct {
  gfx_rect c, grid;           /* the content area; the cells' columns */
  int T, sel, bh, gap, header_h, token_h, label_w, legend_w;
  float cw;                   /* column width */
  int small, body, lh_small, lh_body;
  int mx, my;                 /* the mouse */
} heat_layout;

/* A band's name (and its long name where it fits) at its left. */
static void draw_band_label(ex_view *v, const heat_layout *L, const band *b, const char *lab, int y) {
  gfx *g = v->g;
  const theme *th = gfx_theme(g);
  int bh = L->bh;
  int lpx = bh >= L->lh_body ? L->body : L->small;
  int lw = gfx_text(g, L->c.x + gfx_px(g, 8), y + bh / 2, lab, GFX_MONO, lpx, th->text, GFX_LEFT | GFX_MIDDLE);
  int lnw = 0;
  gfx_text_size(g, b->long_name, GFX_SANS, L->small, &lnw, NULL);
  if (bh >= L->lh_body + L->lh_small + gfx_px(g, 4)) {
    gfx_text(g, L->c.x + gfx_px(g, 8), y + bh / 2 + L->lh_body / 2, b->long_name, GFX_SANS, L->small, th->text_dim,
             GFX_LEFT | GFX_TOP);
  } else if (bh >= L->lh_small && gfx_px(g, 8) + lw + gfx_px(g, 10) + lnw <= L->label_w - gfx_px(g, 4)) {
    gfx_text(g, L->c.x + gfx_px(g, 8) + lw + gfx_px(g, 10), y + bh / 2, b->long_name, GFX_SANS, L->small,
             th->text_dim, GFX_LEFT | GFX_MIDDLE);
  }
}

/* The cell under the mouse in band i (drawn at br): framed, with a tooltip, and recorded. */
static void hover_cell(ex_view *v, const heat_layout *L, const band *b, int i, gfx_rect br, const char *lab) {
  const tr_slot_snap *s = &v->snap.slot[b->slot];
  int H = s->H, T = L->T;
  int t = (int)((L->mx - br.x) / L->cw);
  int j = (int)((long)(L->my - br.y) * H / (br.h > 0 ? br.h : 1));
  if (t < 0 || t >= T || j < 0 || j >= H) return;
  v->hover_slot = b->slot;
  v->hover_band = i;
  v->hover_unit = j;
  v->hover_t = t;
  char name[96], tip[256];
  ex_slot_name(v, b->slot, name, sizeof name);
  snprintf(tip, sizeof tip, "%s  %s (%s)\nunit %d, word t = %d \"%s\"\nvalue %.4f", name, lab, b->long_name, j, t + 1,
           v->snap.labels ? v->snap.labels[t] : "?", (double)band_value(s, b, t, j));
  gfx_rect cell = {br.x + (int)(t * L->cw), br.y + (int)((long)j * br.h / H), (int)ceilf(L->cw),
                   br.h / H > 0 ? br.h / H : 1};
  ui_tooltip_rect(v->u, br, tip); /* the band: the mouse is surely inside it */
  gfx_stroke_rect(v->g, cell, gfx_px(v->g, 2), gfx_theme(v->g)->text);
}

/* Band i's cells as an image (units down, words across) into br; *img is reused between bands. */
static void draw_band_cells(ex_view *v, const heat_layout *L, const band *b, int i, gfx_rect br, const char *lab,
                            uint8_t **img, size_t *img_cap) {
  gfx *g = v->g;
  const tr_slot_snap *s = &v->snap.slot[b->slot];
  int H = s->H, T = L->T;
  if (!(s->have_trace && s->T == T && H > 0)) {
    gfx_fill_rect(g, br, gfx_theme(g)->widget);
    return;
  }
  size_t need = (size_t)T * (size_t)H * 4;
  if (need > *img_cap) {
    uint8_t *q = realloc(*img, need);
    if (q) *img = q, *img_cap = need;
  }
  if (*img && need <= *img_cap) {
    for (int j = 0; j < H; j++)
      for (int t = 0; t < T; t++) {
        gfx_color col = band_color(b, band_value(s, b, t, j));
        uint8_t *px = *img + ((size_t)j * (size_t)T + (size_t)t) * 4;
        px[0] = col.r; px[1] = col.g; px[2] = col.b; px[3] = 255;
      }
    gfx_image_rgba(g, br, *img, T, H);
  }
  if (!v->exporting && ui_hover(v->u, br) && gfx_contains(br, L->mx, L->my)) hover_cell(v, L, b, i, br, lab);
}

/* The selected word's column through one model's bands, from top to bottom (exclusive). */
static void frame_column(ex_view *v, const heat_layout *L, int top, int bottom) {
  if (L->sel < 0 || L->sel >= L->T) return;
  gfx_stroke_rect(v->g, gfx_r(L->grid.x + (int)(L->sel * L->cw) - 1, top - 1, (int)ceilf(L->cw) + 2, bottom - top + 2),
                  gfx_px(v->g, 3), gfx_theme(v->g)->accent);
}

/* Every band, each model under a header line. Returns the y below the last band. */
static int draw_bands(ex_view *v, const heat_layout *L, const band *bands, int nb) {
  gfx *g = v->g;
  int y = L->c.y, prev_slot = -1;
  uint8_t *img = NULL;
  size_t img_cap = 0;
  int group_top = y; /* top of the current model's bands: the selected column is framed per model */
  for (int i = 0; i < nb; i++) {
    const band *b = &bands[i];
    if (b->slot != prev_slot) {
      if (prev_slot >= 0) frame_column(v, L, group_top, y - L->gap); /* the previous model's column */
      slot_header(v, &v->snap.slot[b->slot], b->slot, gfx_r(L->c.x, y, L->label_w + L->grid.w, L->header_h));
      y += L->header_h;
      group_top = y;
      prev_slot = b->slot;
    }
    gfx_rect br = {L->grid.x, y, L->grid.w, L->bh};
    char lab[48];
    band_label(v, b, lab, sizeof lab);
    draw_band_label(v, L, b, lab, y);
    draw_band_cells(v, L, b, i, br, lab, &img, &img_cap);
    gfx_stroke_rect(g, br, 1, gfx_theme(g)->panel_border);
    y += L->bh + L->gap;
  }
  free(img);
  v->heat_grid = gfx_r(L->grid.x, L->c.y + L->header_h, L->grid.w, y - L->gap - (L->c.y + L->header_h)); /* the bands' extent */
  frame_column(v, L, group_top, y - L->gap); /* the last model's column */
  return y;
}

/* The words along the time axis (the same ones the gradient plot labels) at ty, and the caption. */
static void draw_token_axis(ex_view *v, const heat_layout *L, int ty) {
  gfx *g = v->g;
  const theme *th = gfx_theme(g);
  int T = L->T;
  unsigned char *mask = calloc((size_t)T, 1);
  for (int t = 0; mask && t < T; t++) {
    if (t == 0) ex_token_mask(v, v->token_stride, mask);
    if (!mask[t]) continue;
    float x = L->grid.x + (t + 0.5f) * L->cw;
    gfx_line(g, x, ty - gfx_px(g, 5), x, ty - gfx_px(g, 1), 1, th->axis);
    gfx_text(g, x, ty, v->snap.labels ? v->snap.labels[t] : "?", GFX_SANS, L->small,
             t == L->sel ? th->accent : th->text, GFX_CENTER | GFX_TOP);
  }
  free(mask);
  char cap[160];
  if (ex_chrome(v))
    snprintf(cap, sizeof cap, "word t = 1 .. %d   (click or drag to select one)", T);
  else
    snprintf(cap, sizeof cap, "word t = 1 .. %d", T);
  gfx_text(g, L->grid.x + L->grid.w / 2, ty + L->lh_small + gfx_px(g, 2), cap, GFX_SANS, L->small, th->text_dim,
           GFX_CENTER | GFX_TOP);
  gfx_text(g, L->c.x + gfx_px(g, 8), ty, "word", GFX_SANS, L->small, th->text_dim, GFX_LEFT | GFX_TOP);
}

/* The colour legends that apply: "gates" when some band is drawn in [0, 1], "states" when some
 * band is drawn in [-1, 1], "(c clipped)" only under an LSTM cell state. */
static void draw_legends(ex_view *v, const heat_layout *L, const band *bands, int nb) {
  gfx *g = v->g;
  int small = L->small, lh_small = L->lh_small;
  gfx_rect grid = L->grid, c = L->c;
  int lw = gfx_px(g, 22), title_w = 0;
  gfx_text_size(g, "states", GFX_SANS, small, &title_w, NULL);
  int lx = grid.x + grid.w + gfx_px(g, 24); /* the legend's title (centred on the bar) stays off the grid */
  if (lx + lw / 2 - title_w / 2 < grid.x + grid.w + gfx_px(g, 6)) lx = grid.x + grid.w + gfx_px(g, 6) + title_w / 2 - lw / 2;
  int lhh = (c.h - L->token_h) / 2 - gfx_px(g, 40);
  if (lhh > gfx_px(g, 220)) lhh = gfx_px(g, 220);
  int any_gate = 0, any_state = 0, any_cell = 0;
  for (int i = 0; i < nb; i++) {
    any_gate |= bands[i].kind == EX_BAND_GATE;
    any_state |= bands[i].kind != EX_BAND_GATE;
    any_cell |= bands[i].kind == EX_BAND_CELL;
  }
  if (lhh <= gfx_px(g, 40)) return;
  gfx_rect l = {lx, c.y + L->header_h + lh_small + gfx_px(g, 8), lw, lhh}; /* below the first model's line */
  if (any_gate) {
    plot_colorbar(g, l, COLORMAP_SEQUENTIAL, 0.0f, 1.0f, "gates");
    l.y += l.h + lh_small * 2 + gfx_px(g, 16);
  }
  if (any_state) {
    plot_colorbar(g, l, COLORMAP_DIVERGING, -1.0f, 1.0f, "states");
    if (any_cell && l.y + l.h + lh_small * 2 < c.y + c.h)
      gfx_text(g, grid.x + grid.w + L->legend_w / 2, l.y + l.h + lh_small / 2 + gfx_px(g, 4), "(c clipped)", GFX_SANS,
               small, gfx_theme(g)->text_dim, GFX_CENTER | GFX_TOP);
  }
}

void panel_heatmaps_draw(ex_view *v, gfx_rect r) {
  gfx *g = v->g;
  heat_layout L;
  L.c = ex_panel_frame(v, RL_PANEL_HEATMAPS, r, "Gates and states: units \u00d7 words");
  band bands[64];
  int nb = collect(v, bands, 64);
  L.T = v->snap.T;
  L.small = gfx_font_px(g, THEME_TEXT_SMALL), L.body = gfx_font_px(g, THEME_TEXT_BODY);
  L.lh_small = gfx_line_height(g, GFX_SANS, L.small), L.lh_body = gfx_line_height(g, GFX_SANS, L.body);
  if (nb == 0 || L.T <= 0) {
    gfx_text(g, L.c.x + L.c.w / 2, L.c.y + L.c.h / 2, "waiting for the first snapshot...", GFX_SANS, L.body,
             gfx_theme(g)->text_dim, GFX_CENTER | GFX_MIDDLE);
    return;
  }
  L.gap = gfx_px(g, 6);
  side_widths(v, bands, nb, &L.label_w, &L.legend_w);
  int nslots = 0;
  for (int k = 0; k < TR_MAX_SLOTS; k++) nslots += v->snap.slot[k].used;
  L.token_h = gfx_px(g, 6) + L.lh_small + gfx_px(g, 2) + L.lh_small; /* tokens + axis caption */
  L.header_h = L.lh_body + gfx_px(g, 4);
  int avail = L.c.h - L.token_h - nslots * L.header_h - (nb - 1) * L.gap;
  L.bh = avail / nb;
  if (L.bh < 4) L.bh = 4;
  L.grid = gfx_r(L.c.x + L.label_w, L.c.y, L.c.w - L.label_w - L.legend_w, L.c.h);
  v->heat_grid = L.grid;
  L.cw = (float)L.grid.w / (float)L.T;
  L.sel = ex_sel_t(v);
  ui_mouse_pos(v->u, &L.mx, &L.my);
  v->hover_slot = v->hover_band = v->hover_unit = v->hover_t = -1;
  int y = draw_bands(v, &L, bands, nb);
  int ty = y - L.gap + gfx_px(g, 6);
  draw_token_axis(v, &L, ty);
  /* click, tap or drag selects a timestep (a tap presses and releases within one frame, so the
   * press counts as well as the held button) */
  gfx_rect hit = {L.grid.x, L.c.y, L.grid.w, ty + L.lh_small - L.c.y};
  if (ui_hover(v->u, hit) && (ui_mouse_down(v->u, UI_BUTTON_LEFT) || ui_mouse_pressed(v->u, UI_BUTTON_LEFT)) &&
      gfx_contains(hit, L.mx, L.my) && !ui_wants_keyboard(v->u)) {
    int t = (int)((L.mx - L.grid.x) / L.cw);
    if (t >= 0 && t < L.T) v->sel_t = t;
  }
  draw_legends(v, &L, bands, nb);
}

int panel_heatmaps_csv(const ex_view *v, FILE *f) {
  band bands[64];
  int nb = collect(v, bands, 64);
  fprintf(f, "model,cell,layer_dir,name,unit,t,token,value\n");
  for (int i = 0; i < nb; i++) {
    const band *b = &bands[i];
    const tr_slot_snap *s = &v->snap.slot[b->slot];
    if (!s->have_trace) continue;
    for (int j = 0; j < s->H; j++)
      for (int t = 0; t < s->T && t < v->snap.T; t++)
      {
        char q1[160];
        fprintf(f, "%c,%s,%d,%s,%d,%d,%s,%.6g\n", 'A' + b->slot, rl_cell_name(s->spec.cell), b->ld,
                b->name, j, t + 1, csv_quote(v->snap.labels ? v->snap.labels[t] : "", q1, sizeof q1),
                (double)band_value(s, b, t, j));
      }
  }
  return ferror(f) ? -1 : 0;
}
