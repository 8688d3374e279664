/* The explorer's screen: where the panels go, the header (title, task, status, notices) and the
 * key overlay; the whole view or one panel into any rectangle of the current target. */
#include "explorer_state.h"
#include "panels.h"
#include <stdio.h>
#include <string.h>

/* Panels beside the heatmaps, top to bottom, and their share of the height. */
static const rl_panel RIGHT_ORDER[] = {RL_PANEL_GRADIENTS, RL_PANEL_LAYERS, RL_PANEL_GRADNORM, RL_PANEL_CURVES,
                                       RL_PANEL_PREDICTIONS, RL_PANEL_EMBEDDING, RL_PANEL_DIAGRAM,
                                       RL_PANEL_DISTRIBUTION, RL_PANEL_BPTT, RL_PANEL_PARAMS};
static const float RIGHT_WEIGHT[] = {1.35f, 1.25f, 0.95f, 0.95f, 0.8f, 1.0f, 1.0f, 0.9f, 0.9f, 0.45f};
#define NRIGHT ((int)(sizeof RIGHT_ORDER / sizeof RIGHT_ORDER[0]))

/* The status at the right of the title: live play state and speed in the window; only the step
 * in an export (a figure says how far training went, not how fast the window ran). */
static void status_text(explorer *e, char *st, size_t cap) {
  char n[32];
  explorer_format_count(ex_step(&e->v), n, sizeof n);
  if (e->v.static_mode) {
    snprintf(st, cap, "%s", ex_chrome(&e->v) ? "?  keys" : "");
  } else if (!ex_chrome(&e->v)) {
    snprintf(st, cap, "step %s", n);
  } else {
    float sv = tr_speed_value(e->v.snap.speed_level);
    char spd[32];
    if (sv > 0) snprintf(spd, sizeof spd, "%g steps/s", (double)sv);
    else snprintf(spd, sizeof spd, "full speed");
    snprintf(st, cap, "%s   step %s   %s   ?  keys", e->v.snap.running ? "\u25B6 training" : "\u275A\u275A paused", n, spd);
  }
}

static void draw_header(explorer *e, gfx_rect r) {
  gfx *g = e->v.g;
  const theme *th = gfx_theme(g);
  int tp = gfx_font_px(g, THEME_TEXT_TITLE), bp = gfx_font_px(g, THEME_TEXT_BODY);
  int pad = gfx_px(g, 14);
  char st[200];
  status_text(e, st, sizeof st);
  int sw = 0;
  if (st[0]) {
    gfx_text_size(g, st, GFX_SANS, bp, &sw, NULL);
    int lh_t = gfx_line_height(g, GFX_SANS, tp), lh_b = gfx_line_height(g, GFX_SANS, bp);
    gfx_text(g, r.x + r.w - pad, r.y + pad / 2 + (lh_t - lh_b) / 2, st, GFX_SANS, bp,
             e->v.snap.running && ex_chrome(&e->v) ? th->ok : th->text_dim, GFX_RIGHT | GFX_TOP);
  }
  char fit[800];
  gfx_text_fit(g, e->title, GFX_SANS, tp, r.w - 3 * pad - sw, fit, sizeof fit);
  gfx_text(g, r.x + pad, r.y + pad / 2, fit, GFX_SANS, tp, th->text, GFX_LEFT | GFX_TOP);
  int y2 = r.y + pad / 2 + gfx_line_height(g, GFX_SANS, tp) + gfx_px(g, 2);
  /* a notice (live window only) replaces the task line for a few seconds */
  if (ex_chrome(&e->v) && e->notice_visible) {
    gfx_text_fit(g, e->notice, GFX_SANS, bp, r.w - 2 * pad, fit, sizeof fit);
    gfx_text(g, r.x + pad, y2, fit, GFX_SANS, bp, e->notice_error ? th->error : th->warn, GFX_LEFT | GFX_TOP);
    return;
  }
  char task[800];
  if (e->v.static_mode)
    snprintf(task, sizeof task, "text: %s", e->v.snap.example_text);
  else if (e->v.cfg.task.kind == RL_TASK_RECALL)
    snprintf(task, sizeof task, "Task: remember the first token until the query q.   Example: %s", e->v.snap.example_text);
  else
    snprintf(task, sizeof task, "Task: %s.   Example: %s", e->v.snap.task_name, e->v.snap.example_text);
  gfx_text_fit(g, task, GFX_SANS, bp, r.w - 2 * pad, fit, sizeof fit);
  gfx_text(g, r.x + pad, y2, fit, GFX_SANS, bp, th->text_dim, GFX_LEFT | GFX_TOP);
}

static int header_height(explorer *e) {
  gfx *g = e->v.g;
  if (e->v.presenting) return 0; /* the presenter's own header says what a slide is about */
  return gfx_px(g, 7) + gfx_line_height(g, GFX_SANS, gfx_font_px(g, THEME_TEXT_TITLE)) + gfx_px(g, 2) +
         gfx_line_height(g, GFX_SANS, gfx_font_px(g, THEME_TEXT_BODY)) + gfx_px(g, 8);
}

/* The keys, on ? or F1: drawn over the live window only (never exported). */
static const char *const EXPLORER_KEYS[] = {
    "Space", "play / pause training",
    "N", "one training step",
    "R", "reset: new weights from the same seed",
    "+  -", "training speed",
    "Left  Right", "select the previous / next timestep (or click a column)",
    "Home  End", "first / last timestep",
    "G", "gradient plot: relative to the scored step, or raw norms",
    "C", "LSTM clamp: free, keep (f = 1, i = 0), erase (f = 0)",
    "1  2  3", "the model shown in the cell diagram",
    "T", "light / dark theme",
    "F12   Shift+F12", "save the view as PNG (Shift: twice the size)",
    "Return   Escape", "in a text box: apply the text / stop typing",
    "F5  F11", "full screen",
    "? or F1", "show / hide this list",
    "Ctrl+Q", "quit",
    NULL};

void ex_draw_help(explorer *e, gfx_rect area) {
  gfx *g = e->v.g;
  const theme *th = gfx_theme(g);
  const char *const *keys = e->key_help ? e->key_help : EXPLORER_KEYS;
  int bp = gfx_font_px(g, THEME_TEXT_BODY), hp = gfx_font_px(g, THEME_TEXT_HEADING);
  int lh = gfx_line_height(g, GFX_SANS, bp) + gfx_px(g, 4);
  int n = 0, kw = 0, dw = 0;
  for (; keys[2 * n]; n++) {
    int w;
    gfx_text_size(g, keys[2 * n], GFX_SANS, bp, &w, NULL);
    if (w > kw) kw = w;
    gfx_text_size(g, keys[2 * n + 1], GFX_SANS, bp, &w, NULL);
    if (w > dw) dw = w;
  }
  int pad = gfx_px(g, 24), gap = gfx_px(g, 28);
  int w = pad + kw + gap + dw + pad, h = pad + gfx_line_height(g, GFX_SANS, hp) + gfx_px(g, 10) + n * lh + pad;
  if (w > area.w) w = area.w;
  if (h > area.h) h = area.h;
  gfx_rect box = {area.x + (area.w - w) / 2, area.y + (area.h - h) / 2, w, h};
  gfx_fill_rect(g, area, gfx_fade(th->bg, 0.6f));
  gfx_fill_round_rect(g, box, gfx_px(g, 10), th->panel);
  gfx_stroke_rect(g, box, gfx_px(g, 2), th->accent);
  int y = box.y + pad;
  gfx_text(g, box.x + pad, y, "Keys   (? or Escape to close)", GFX_SANS, hp, th->text, GFX_LEFT | GFX_TOP);
  y += gfx_line_height(g, GFX_SANS, hp) + gfx_px(g, 10);
  for (int i = 0; i < n && y + lh <= box.y + box.h; i++, y += lh) {
    gfx_text(g, box.x + pad, y, keys[2 * i], GFX_SANS, bp, th->accent, GFX_LEFT | GFX_TOP);
    gfx_text(g, box.x + pad + kw + gap, y, keys[2 * i + 1], GFX_SANS, bp, th->text, GFX_LEFT | GFX_TOP);
  }
}

/* Where every shown panel goes in area (below the header): fills order/rects, returns how many. */
static int layout_panels(explorer *e, gfx_rect area, rl_panel *order, gfx_rect *rects) {
  gfx *g = e->v.g;
  int hh = header_height(e), np = 0;
  int gap = gfx_px(g, 10);
  int top = hh > 0 ? hh : gap;
  gfx_rect body = {area.x + gap, area.y + top, area.w - 2 * gap, area.h - top - gap};
  if (e->show & RL_PANEL_SIDEBAR) {
    int sw = gfx_tx(g, 380); /* holds text: scales like text */
    if (sw > body.w / 3) sw = body.w / 3;
    order[np] = RL_PANEL_SIDEBAR;
    rects[np++] = gfx_r(body.x, body.y, sw, body.h);
    body.x += sw + gap;
    body.w -= sw + gap;
  }
  rl_panel list[NRIGHT];
  float wt[NRIGHT], total = 0;
  int n = 0;
  for (int i = 0; i < NRIGHT; i++)
    if (e->show & (unsigned)RIGHT_ORDER[i]) {
      list[n] = RIGHT_ORDER[i];
      wt[n] = RIGHT_WEIGHT[i];
      total += wt[n++];
    }
  gfx_rect col = body;
  if (e->show & RL_PANEL_HEATMAPS) {
    int hw = n ? (int)(body.w * 0.5f) : body.w;
    order[np] = RL_PANEL_HEATMAPS;
    rects[np++] = gfx_r(body.x, body.y, hw, body.h);
    col.x += hw + gap;
    col.w -= hw + gap;
  }
  int ncols = (!(e->show & RL_PANEL_HEATMAPS) && n >= 3) ? 2 : 1;
  if (ncols == 1) {
    int y = col.y;
    int avail = col.h - (n - 1) * gap;
    for (int i = 0; i < n; i++) {
      int h = i == n - 1 ? col.y + col.h - y : (int)(avail * wt[i] / total);
      order[np] = list[i];
      rects[np++] = gfx_r(col.x, y, col.w, h);
      y += h + gap;
    }
  } else {
    int rows = (n + 1) / 2;
    int cw = (col.w - gap) / 2, rh = (col.h - (rows - 1) * gap) / rows;
    for (int i = 0; i < n; i++) {
      int cx = col.x + (i % 2) * (cw + gap), cy = col.y + (i / 2) * (rh + gap);
      int w = (i == n - 1 && n % 2 == 1) ? col.w : cw;
      order[np] = list[i];
      rects[np++] = gfx_r(cx, cy, w, rh);
    }
  }
  return np;
}

/* One stride for every token axis on screen, so the heatmaps and the gradient plot label the same
 * words: the largest that any of them needs. */
static void choose_token_stride(explorer *e, const rl_panel *order, const gfx_rect *rects, int np) {
  e->v.token_stride = 1;
  for (int i = 0; i < np; i++) {
    float cw = panels_token_col_width(&e->v, order[i], rects[i]);
    if (cw <= 0) continue;
    int s = ex_token_stride(&e->v, cw);
    if (s > e->v.token_stride) e->v.token_stride = s;
  }
}

static void draw_layout(explorer *e, gfx_rect area) {
  for (int i = 0; i < RL_PANEL_COUNT; i++) e->v.rect[i] = gfx_r(0, 0, 0, 0);
  e->area = area;
  rl_panel order[RL_PANEL_COUNT];
  gfx_rect rects[RL_PANEL_COUNT];
  int np = layout_panels(e, area, order, rects);
  choose_token_stride(e, order, rects, np);
  for (int i = 0; i < np; i++) panels_draw(&e->v, order[i], rects[i]);
  int hh = header_height(e);
  if (hh > 0) draw_header(e, gfx_r(area.x, area.y, area.w, hh));
}

void ex_draw_view(explorer *e, gfx_rect area) {
  const theme *th = gfx_theme(e->v.g);
  gfx_fill_rect(e->v.g, area, th->bg);
  ui_begin(e->v.u);
  draw_layout(e, area);
  ui_end(e->v.u);
}

/* A single panel filling the whole target (render --panel, per-panel export). */
void ex_draw_single(explorer *e, rl_panel p, gfx_rect area) {
  const theme *th = gfx_theme(e->v.g);
  gfx_fill_rect(e->v.g, area, th->bg);
  ui_begin(e->v.u);
  for (int i = 0; i < RL_PANEL_COUNT; i++) e->v.rect[i] = gfx_r(0, 0, 0, 0);
  choose_token_stride(e, &p, &area, 1);
  panels_draw(&e->v, p, area);
  ui_end(e->v.u);
}
