/* rnnlab ui: immediate-mode widgets (see ui.h). */
#define _POSIX_C_SOURCE 200809L /* strnlen */
#include "ui.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UI_MAX_KEYS 32
#define UI_MAX_ORDER 256
#define UI_MAX_LAYOUT 8
#define UI_MAX_COLS 16
#define UI_MAX_IDS 16
#define UI_POPUP_MAX 32
#define UI_NBUTTONS 6

typedef struct {
  gfx_rect area; /* inner area */
  int y;         /* top of the current row */
  int ncols, widths[UI_MAX_COLS], height;
  int col;
  gfx_rect view; /* scrolling layouts: the visible part (widgets outside it are not hovered) */
  int scrolls;
} layout;

struct ui {
  gfx *g;
  /* input accumulated since the last frame */
  int mx, my;
  int down[UI_NBUTTONS], pressed[UI_NBUTTONS], released[UI_NBUTTONS];
  int wheel;
  ui_key keys[UI_MAX_KEYS];
  int key_used[UI_MAX_KEYS];
  int nkeys;
  int mods;
  char text[128];
  /* widget state */
  ui_id hot, active, focus;
  int hovered_any, prev_hovered_any;
  int press_taken;   /* a widget (or ui_clicked) used this frame's left press */
  int press_widget;  /* a widget used it (keeps focus) */
  int swallow;       /* this frame's mouse press closed a popup: nobody else sees it */
  ui_id ids[UI_MAX_IDS];
  int nids;
  ui_id order[UI_MAX_ORDER], prev_order[UI_MAX_ORDER];
  int norder, nprev_order;
  layout lay[UI_MAX_LAYOUT];
  int nlay;
  gfx_rect last_rect;
  ui_id last_id;
  int last_hovered;
  char tip[512];
  int tip_set;
  /* dropdown */
  ui_id popup_id;
  gfx_rect popup_rect, popup_anchor;
  char popup_items[UI_POPUP_MAX][64];
  int popup_n, popup_sel, popup_seen;
  int over_popup; /* mouse is over the open popup (other widgets are blocked) */
  int wheel_taken; /* a widget used this frame's wheel */
  int overflowed;  /* a text box dropped typed text this frame */
  int truncated;   /* widget labels cut with "..." in the current / last frame */
};

static const theme *TH(ui *u) { return gfx_theme(u->g); }
static int body_px(ui *u) { return gfx_font_px(u->g, THEME_TEXT_BODY); }

/* ---- lifecycle and input ------------------------------------------------------------------ */

ui *ui_create(gfx *g) {
  ui *u = calloc(1, sizeof *u);
  if (!u) return NULL;
  u->g = g;
  u->mx = u->my = -1000000;
  return u;
}

void ui_destroy(ui *u) { free(u); }
gfx *ui_gfx(ui *u) { return u->g; }

static int button_index(int b) { return (b >= 1 && b < UI_NBUTTONS) ? b : 0; }

int ui_input(ui *u, const ui_event *ev) {
  switch (ev->type) {
  case UI_EV_MOUSE_MOVE:
    u->mx = ev->x;
    u->my = ev->y;
    return u->prev_hovered_any || u->active || u->popup_id;
  case UI_EV_MOUSE_DOWN: {
    int b = button_index(ev->button);
    u->mx = ev->x;
    u->my = ev->y;
    u->down[b] = 1;
    u->pressed[b] = 1;
    return u->prev_hovered_any || u->popup_id;
  }
  case UI_EV_MOUSE_UP: {
    int b = button_index(ev->button);
    u->mx = ev->x;
    u->my = ev->y;
    u->down[b] = 0;
    u->released[b] = 1;
    return u->prev_hovered_any || u->active || u->popup_id;
  }
  case UI_EV_WHEEL:
    u->wheel += ev->wheel;
    return u->prev_hovered_any;
  case UI_EV_KEY_DOWN:
    if (u->nkeys < UI_MAX_KEYS) {
      u->keys[u->nkeys] = ev->key;
      u->key_used[u->nkeys] = 0;
      u->nkeys++;
    }
    u->mods = ev->mods;
    return u->focus != 0 || ev->key == UI_KEY_TAB;
  case UI_EV_KEY_UP:
    u->mods = ev->mods;
    return u->focus != 0;
  case UI_EV_TEXT: {
    size_t n = strlen(u->text), add = strnlen(ev->text, sizeof ev->text);
    if (n + add < sizeof u->text) {
      memcpy(u->text + n, ev->text, add);
      u->text[n + add] = 0;
    }
    return u->focus != 0;
  }
  default:
    return 0;
  }
}

/* Takes a pressed key (marks it used); 1 if it was pressed this frame and not used yet. */
static int take_key(ui *u, ui_key k) {
  for (int i = 0; i < u->nkeys; i++)
    if (u->keys[i] == k && !u->key_used[i]) {
      u->key_used[i] = 1;
      return 1;
    }
  return 0;
}

void ui_begin(ui *u) {
  u->hot = 0;
  u->hovered_any = 0;
  u->press_taken = 0;
  u->press_widget = 0;
  u->swallow = 0;
  u->nids = 0;
  u->norder = 0;
  u->tip_set = 0;
  u->last_id = 0;
  u->last_hovered = 0;
  u->last_rect = gfx_r(0, 0, 0, 0);
  u->nlay = 0;
  u->popup_seen = 0;
  u->wheel_taken = 0;
  u->overflowed = 0;
  u->truncated = 0;
  /* an open dropdown: the mouse over it belongs to it; a press elsewhere closes it */
  u->over_popup = u->popup_id && gfx_contains(u->popup_rect, u->mx, u->my);
  if (u->popup_id && u->pressed[UI_BUTTON_LEFT] && !u->over_popup &&
      !gfx_contains(u->popup_anchor, u->mx, u->my)) {
    u->popup_id = 0;
    u->swallow = 1;
  }
  /* focus keys */
  if (take_key(u, UI_KEY_TAB)) {
    int dir = (u->mods & UI_MOD_SHIFT) ? -1 : 1, n = u->nprev_order;
    if (n > 0) {
      int at = -1;
      for (int i = 0; i < n; i++)
        if (u->prev_order[i] == u->focus) at = i;
      at = at < 0 ? (dir > 0 ? 0 : n - 1) : ((at + dir) % n + n) % n;
      u->focus = u->prev_order[at];
    }
  }
  if (u->focus && take_key(u, UI_KEY_ESCAPE)) {
    if (u->popup_id) u->popup_id = 0;
    else u->focus = 0;
  }
  ui_layout_begin(u, gfx_r(0, 0, gfx_width(u->g), gfx_height(u->g)));
}

static void draw_tooltip(ui *u);
static void draw_popup(ui *u);

void ui_end(ui *u) {
  if (u->popup_id && !u->popup_seen) u->popup_id = 0; /* its select was not drawn this frame */
  if (u->popup_id) draw_popup(u);
  if (u->tip_set) draw_tooltip(u);
  if (u->pressed[UI_BUTTON_LEFT] && !u->press_widget && !u->over_popup) u->focus = 0;
  if (!u->down[UI_BUTTON_LEFT]) u->active = 0;
  memcpy(u->prev_order, u->order, sizeof(ui_id) * (size_t)u->norder);
  u->nprev_order = u->norder;
  u->prev_hovered_any = u->hovered_any || u->over_popup;
  for (int b = 0; b < UI_NBUTTONS; b++) u->pressed[b] = u->released[b] = 0;
  u->wheel = 0;
  u->nkeys = 0;
  u->text[0] = 0;
  u->nlay = 0;
}

int ui_wants_mouse(const ui *u) { return u->prev_hovered_any || u->active || u->popup_id; }
int ui_wants_keyboard(const ui *u) { return u->focus != 0; }

void ui_mouse_pos(const ui *u, int *x, int *y) {
  if (x) *x = u->mx;
  if (y) *y = u->my;
}
int ui_mouse_down(const ui *u, int b) { return u->down[button_index(b)]; }
int ui_mouse_pressed(const ui *u, int b) { return u->pressed[button_index(b)] && !u->swallow; }
int ui_mouse_released(const ui *u, int b) { return u->released[button_index(b)]; }
int ui_mouse_wheel(const ui *u) { return u->wheel; }
int ui_key_mods(const ui *u) { return u->mods; }

int ui_key_pressed(const ui *u, ui_key k) {
  for (int i = 0; i < u->nkeys; i++)
    if (u->keys[i] == k && !u->key_used[i]) return 1;
  return 0;
}

int ui_hover(const ui *u, gfx_rect r) { return !u->over_popup && gfx_contains(r, u->mx, u->my); }

int ui_clicked(ui *u, gfx_rect r) {
  if (!u->pressed[UI_BUTTON_LEFT] || u->swallow || u->press_taken || !ui_hover(u, r)) return 0;
  u->press_taken = 1;
  return 1;
}

/* ---- ids ---------------------------------------------------------------------------------- */

static ui_id hash_bytes(ui_id h, const void *p, size_t n) {
  const uint8_t *b = p;
  for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 16777619u;
  return h;
}

void ui_push_id(ui *u, int n) {
  ui_id base = u->nids ? u->ids[u->nids - 1] : 2166136261u;
  if (u->nids < UI_MAX_IDS) u->ids[u->nids++] = hash_bytes(base, &n, sizeof n);
}

void ui_pop_id(ui *u) {
  if (u->nids > 0) u->nids--;
}

ui_id ui_get_id(const ui *u, const char *label) {
  ui_id h = u->nids ? u->ids[u->nids - 1] : 2166136261u;
  h = hash_bytes(h, label ? label : "", label ? strlen(label) : 0);
  return h ? h : 1;
}

/* ---- layout ------------------------------------------------------------------------------- */

int ui_widget_height(const ui *u) {
  return gfx_line_height(u->g, GFX_SANS, gfx_font_px(u->g, THEME_TEXT_BODY)) + gfx_px(u->g, 14);
}
int ui_padding(const ui *u) { return gfx_px(u->g, 8); }
static int spacing(const ui *u) { return gfx_px(u->g, 6); }

static layout *cur(ui *u) { return &u->lay[u->nlay > 0 ? u->nlay - 1 : 0]; }

void ui_layout_begin(ui *u, gfx_rect area) {
  if (u->nlay >= UI_MAX_LAYOUT) u->nlay = UI_MAX_LAYOUT - 1;
  layout *l = &u->lay[u->nlay++];
  memset(l, 0, sizeof *l);
  l->area = gfx_inset(area, ui_padding(u));
  l->y = l->area.y;
  l->ncols = 1;
  l->widths[0] = 0;
  l->height = 0;
}

void ui_layout_end(ui *u) {
  if (u->nlay > 1) u->nlay--;
}

static void finish_row(ui *u) {
  layout *l = cur(u);
  if (l->col > 0) {
    l->y += (l->height > 0 ? l->height : ui_widget_height(u)) + spacing(u);
    l->col = 0;
  }
}

void ui_row(ui *u, int ncols, const int *widths, int height) {
  finish_row(u);
  layout *l = cur(u);
  if (ncols < 1) ncols = 1;
  if (ncols > UI_MAX_COLS) ncols = UI_MAX_COLS;
  l->ncols = ncols;
  for (int i = 0; i < ncols; i++) l->widths[i] = widths ? widths[i] : 0;
  l->height = height > 0 ? height : 0;
}

gfx_rect ui_next(ui *u) {
  layout *l = cur(u);
  int h = l->height > 0 ? l->height : ui_widget_height(u);
  int sp = spacing(u), fixed = 0, nfill = 0;
  for (int i = 0; i < l->ncols; i++) {
    if (l->widths[i] > 0) fixed += l->widths[i];
    else nfill++;
  }
  int fill = nfill ? (l->area.w - fixed - sp * (l->ncols - 1)) / nfill : 0;
  if (fill < 0) fill = 0;
  int x = l->area.x;
  for (int i = 0; i < l->col; i++) x += (l->widths[i] > 0 ? l->widths[i] : fill) + sp;
  int w = l->widths[l->col] > 0 ? l->widths[l->col] : fill;
  if (l->col == l->ncols - 1 && l->widths[l->col] <= 0) w = l->area.x + l->area.w - x; /* absorb rounding */
  gfx_rect r = {x, l->y, w, h};
  if (++l->col >= l->ncols) {
    l->col = 0;
    l->y += h + sp;
  }
  return r;
}

void ui_space(ui *u, int h) {
  finish_row(u);
  cur(u)->y += h;
}

void ui_layout_begin_scroll(ui *u, gfx_rect area, ui_scroll *s) {
  ui_layout_begin(u, area);
  layout *l = cur(u);
  l->view = area;
  l->scrolls = 1;
  int max = s->content_h - l->area.h;
  if (s->offset > max) s->offset = max;
  if (s->offset < 0) s->offset = 0;
  l->y -= s->offset;
  gfx_push_clip(u->g, area);
}

void ui_layout_end_scroll(ui *u, ui_scroll *s) {
  finish_row(u);
  layout *l = cur(u);
  gfx_rect view = l->view, inner = l->area;
  s->content_h = l->y + s->offset - inner.y;
  gfx_pop_clip(u->g);
  ui_layout_end(u);
  int over = s->content_h - inner.h;
  if (over <= 0) {
    s->offset = 0;
    return;
  }
  int hovered = !u->over_popup && gfx_contains(view, u->mx, u->my);
  int step = ui_widget_height(u);
  if (hovered && u->wheel && !u->wheel_taken) s->offset -= u->wheel * step;
  /* the bar: a thin track at the right edge, the thumb sized by the visible fraction */
  int bw = gfx_px(u->g, 8);
  gfx_rect track = {view.x + view.w - bw - gfx_px(u->g, 2), view.y + gfx_px(u->g, 4), bw,
                    view.h - gfx_px(u->g, 8)};
  int th = track.h * inner.h / s->content_h;
  if (th < bw * 3) th = bw * 3;
  gfx_rect hit = {track.x - bw, track.y, track.w + 2 * bw, track.h};
  if (u->pressed[UI_BUTTON_LEFT] && !u->press_taken && !u->swallow && gfx_contains(hit, u->mx, u->my)) {
    s->dragging = 1;
    u->press_taken = u->press_widget = 1;
  }
  if (!u->down[UI_BUTTON_LEFT]) s->dragging = 0;
  if (s->dragging && track.h > th)
    s->offset = (int)((long)(u->my - track.y - th / 2) * over / (track.h - th));
  if (s->offset > over) s->offset = over;
  if (s->offset < 0) s->offset = 0;
  int ty = track.y + (track.h - th) * s->offset / over;
  gfx_fill_round_rect(u->g, track, bw / 2, gfx_fade(TH(u)->widget, 0.8f));
  gfx_fill_round_rect(u->g, gfx_r(track.x, ty, bw, th), bw / 2,
                      s->dragging || gfx_contains(hit, u->mx, u->my) ? TH(u)->accent : TH(u)->widget_border);
  if (hovered) u->hovered_any = 1;
}

gfx_rect ui_remaining(ui *u) {
  finish_row(u);
  layout *l = cur(u);
  int h = l->area.y + l->area.h - l->y;
  return gfx_r(l->area.x, l->y, l->area.w, h > 0 ? h : 0);
}

/* ---- widget helpers ----------------------------------------------------------------------- */

/* Registers a widget: hover/press bookkeeping. Returns 1 if hovered. */
static int in_view(ui *u, int x, int y) {
  for (int i = 0; i < u->nlay; i++)
    if (u->lay[i].scrolls && !gfx_contains(u->lay[i].view, x, y)) return 0;
  return 1;
}

static int widget(ui *u, ui_id id, gfx_rect r, int focusable) {
  u->last_id = id;
  u->last_rect = r;
  int hov = !u->over_popup && gfx_contains(r, u->mx, u->my) && in_view(u, u->mx, u->my) &&
            (!u->active || u->active == id);
  u->last_hovered = hov;
  if (hov) {
    u->hot = id;
    u->hovered_any = 1;
  }
  if (focusable && u->norder < UI_MAX_ORDER) u->order[u->norder++] = id;
  if (hov && !u->swallow && !u->press_taken &&
      (u->pressed[UI_BUTTON_LEFT] || u->pressed[UI_BUTTON_RIGHT])) {
    u->active = id;
    u->press_taken = 1;
    u->press_widget = 1;
    if (focusable) u->focus = id;
  }
  return hov;
}


static void draw_frame(ui *u, ui_id id, gfx_rect r, int hov) {
  const theme *t = TH(u);
  gfx_color bg = u->active == id ? t->widget_active : hov ? t->widget_hover : t->widget;
  int rad = gfx_px(u->g, 5);
  gfx_fill_round_rect(u->g, r, rad, t->widget_border);
  gfx_fill_round_rect(u->g, gfx_inset(r, 1), rad - 1, bg);
  if (u->focus == id) gfx_stroke_rect(u->g, gfx_inset(r, -gfx_px(u->g, 2)), gfx_px(u->g, 2), t->accent);
}

static void text_in(ui *u, gfx_rect r, const char *s, gfx_color c, int align) {
  if (!s || !*s) return;
  int pad = ui_padding(u), px = body_px(u);
  char buf[256];
  u->truncated += gfx_text_fit(u->g, s, GFX_SANS, px, r.w - 2 * pad, buf, sizeof buf);
  float x = align == GFX_CENTER ? r.x + r.w * 0.5f : align == GFX_RIGHT ? r.x + r.w - pad : r.x + pad;
  gfx_text(u->g, x, r.y + r.h * 0.5f, buf, GFX_SANS, px, c, align | GFX_MIDDLE);
}

/* ---- widgets ------------------------------------------------------------------------------ */

int ui_label_ex(ui *u, const char *text, int dim, int align) {
  gfx_rect r = ui_next(u);
  u->last_id = 0;
  u->last_rect = r;
  u->last_hovered = ui_hover(u, r);
  text_in(u, gfx_r(r.x - ui_padding(u), r.y, r.w + ui_padding(u), r.h), text,
          dim ? TH(u)->text_dim : TH(u)->text, align & 3);
  return 0;
}

int ui_label(ui *u, const char *text) { return ui_label_ex(u, text, 0, GFX_LEFT); }

int ui_text_block(ui *u, const char *text) {
  if (!text) return 0;
  layout *l = cur(u);
  int px = body_px(u), lh = gfx_line_height(u->g, GFX_SANS, px), maxw = l->area.w;
  enum { MAXL = 64 };
  char lines[MAXL][GFX_WRAP_LINE];
  int nl = gfx_wrap(u->g, text, GFX_SANS, px, maxw, lines, MAXL);
  int ncols = l->ncols, widths[UI_MAX_COLS], height = l->height;
  memcpy(widths, l->widths, sizeof widths);
  ui_row(u, 1, NULL, nl * lh > 0 ? nl * lh : lh);
  gfx_rect r = ui_next(u);
  for (int i = 0; i < nl; i++)
    gfx_text(u->g, r.x, r.y + i * lh, lines[i], GFX_SANS, px, TH(u)->text, GFX_LEFT | GFX_TOP);
  ui_row(u, ncols, widths, height);
  u->last_rect = r;
  u->last_id = 0;
  u->last_hovered = ui_hover(u, r);
  return 0;
}

int ui_button(ui *u, const char *label) {
  ui_id id = ui_get_id(u, label);
  gfx_rect r = ui_next(u);
  int hov = widget(u, id, r, 1);
  int clicked = 0;
  if (u->active == id && hov && u->released[UI_BUTTON_LEFT]) clicked = 1;
  if (u->focus == id && (take_key(u, UI_KEY_SPACE) || take_key(u, UI_KEY_RETURN))) clicked = 1;
  draw_frame(u, id, r, hov);
  text_in(u, r, label, TH(u)->text, GFX_CENTER);
  return clicked;
}

int ui_checkbox(ui *u, const char *label, int *v) {
  ui_id id = ui_get_id(u, label);
  gfx_rect r = ui_next(u);
  int hov = widget(u, id, r, 1);
  int changed = 0;
  if ((u->active == id && hov && u->released[UI_BUTTON_LEFT]) ||
      (u->focus == id && (take_key(u, UI_KEY_SPACE) || take_key(u, UI_KEY_RETURN)))) {
    *v = !*v;
    changed = 1;
  }
  const theme *t = TH(u);
  int box = r.h * 6 / 10, pad = ui_padding(u);
  gfx_rect b = {r.x + pad / 2, r.y + (r.h - box) / 2, box, box};
  if (hov) gfx_fill_round_rect(u->g, r, gfx_px(u->g, 5), gfx_fade(t->widget_hover, 0.6f));
  gfx_fill_round_rect(u->g, b, gfx_px(u->g, 4), t->widget_border);
  gfx_fill_round_rect(u->g, gfx_inset(b, gfx_px(u->g, 2)), gfx_px(u->g, 3), *v ? t->accent : t->widget);
  if (*v) { /* check mark */
    float lw = fmaxf(2.0f, box * 0.12f);
    gfx_color ink = t->panel;
    gfx_line(u->g, b.x + box * 0.25f, b.y + box * 0.52f, b.x + box * 0.43f, b.y + box * 0.72f, lw, ink);
    gfx_line(u->g, b.x + box * 0.43f, b.y + box * 0.72f, b.x + box * 0.77f, b.y + box * 0.3f, lw, ink);
  }
  if (u->focus == id) gfx_stroke_rect(u->g, gfx_inset(b, -gfx_px(u->g, 2)), gfx_px(u->g, 2), t->accent);
  text_in(u, gfx_r(b.x + box, r.y, r.w - box - pad / 2, r.h), label, t->text, GFX_LEFT);
  return changed;
}

static float to_t(float v, float lo, float hi, int logs) {
  if (logs) return (log10f(v) - log10f(lo)) / (log10f(hi) - log10f(lo));
  return (v - lo) / (hi - lo);
}

static float from_t(float t, float lo, float hi, int flags) {
  if (t < 0) t = 0;
  if (t > 1) t = 1;
  float v = (flags & UI_LOG) ? powf(10.0f, log10f(lo) + t * (log10f(hi) - log10f(lo)))
                             : lo + t * (hi - lo);
  if (flags & UI_INT) v = roundf(v);
  if (v < lo) v = lo;
  if (v > hi) v = hi;
  return v;
}

int ui_slider(ui *u, const char *label, float *v, float lo, float hi, int flags, const char *fmt) {
  ui_id id = ui_get_id(u, label);
  gfx_rect r = ui_next(u);
  if ((flags & UI_LOG) && !(lo > 0)) flags &= ~UI_LOG;
  if (!(hi > lo)) hi = lo + 1;
  int hov = widget(u, id, r, 1);
  float old = *v, val = *v;
  if (!(val >= lo)) val = lo; /* also NaN */
  if (val > hi) val = hi;
  int logs = (flags & UI_LOG) != 0;
  float t = to_t(val, lo, hi, logs);
  int pad = ui_padding(u);
  float track0 = r.x + pad * 0.5f, trackw = r.w - pad;
  if (u->active == id && (u->down[UI_BUTTON_LEFT] || u->pressed[UI_BUTTON_LEFT]))
    val = from_t((u->mx - track0) / trackw, lo, hi, flags);
  float step = (flags & UI_INT) ? fmaxf(1.0f / (hi - lo), 0.02f) : 0.02f;
  int dir = 0;
  if (hov && u->wheel) dir = u->wheel, u->wheel_taken = 1;
  if (u->focus == id) {
    while (take_key(u, UI_KEY_LEFT) || take_key(u, UI_KEY_DOWN)) dir -= 1;
    while (take_key(u, UI_KEY_RIGHT) || take_key(u, UI_KEY_UP)) dir += 1;
    if (take_key(u, UI_KEY_HOME)) val = lo;
    if (take_key(u, UI_KEY_END)) val = hi;
  }
  if (dir) {
    float tt = to_t(val, lo, hi, logs) + dir * step;
    float nv = from_t(tt, lo, hi, flags);
    if ((flags & UI_INT) && nv == val) nv = fminf(hi, fmaxf(lo, val + (dir > 0 ? 1 : -1)));
    val = nv;
  }
  *v = val;
  int changed = val != old;
  /* drawing: frame, filled part, "label ... value", and the track with its handle along the
   * bottom edge, below the text (a handle across the middle cut through the label) */
  const theme *th = TH(u);
  draw_frame(u, id, r, hov);
  t = to_t(val, lo, hi, logs);
  gfx_rect fillr = gfx_inset(r, 2);
  fillr.w = (int)lroundf(fillr.w * t);
  gfx_fill_round_rect(u->g, fillr, gfx_px(u->g, 4), gfx_fade(th->accent, 0.22f));
  int track_h = gfx_px(u->g, 3), lift = gfx_px(u->g, 3); /* the text sits a little higher */
  float hx = track0 + t * trackw, ty = r.y + r.h - gfx_px(u->g, 4);
  gfx_line(u->g, track0, ty, track0 + trackw, ty, (float)track_h, gfx_fade(th->text_dim, 0.5f));
  gfx_line(u->g, track0, ty, hx, ty, (float)track_h, th->accent);
  gfx_fill_circle(u->g, hx, ty, gfx_px(u->g, 4), th->accent);
  char vbuf[64];
  snprintf(vbuf, sizeof vbuf, fmt ? fmt : ((flags & UI_INT) ? "%.0f" : "%.3g"), (double)val);
  int vw;
  gfx_text_size(u->g, vbuf, GFX_SANS, body_px(u), &vw, NULL);
  text_in(u, gfx_r(r.x, r.y - lift, r.w - vw - pad, r.h), label, th->text, GFX_LEFT);
  text_in(u, gfx_r(r.x, r.y - lift, r.w, r.h), vbuf, th->text, GFX_RIGHT);
  return changed;
}

int ui_slider_int(ui *u, const char *label, int *v, int lo, int hi) {
  float f = (float)*v;
  int c = ui_slider(u, label, &f, (float)lo, (float)hi, UI_INT, "%.0f");
  *v = (int)lroundf(f);
  return c;
}

static void draw_caret(ui *u, gfx_rect r) {
  const theme *t = TH(u);
  float s = r.h * 0.18f, cx = r.x + r.w - ui_padding(u) - s, cy = r.y + r.h * 0.5f;
  gfx_fill_triangle(u->g, cx - s, cy - s * 0.5f, cx + s, cy - s * 0.5f, cx, cy + s * 0.6f, t->text_dim);
}

int ui_select(ui *u, const char *label, int *idx, const char *const *options, int n) {
  ui_id id = ui_get_id(u, label);
  gfx_rect r = ui_next(u);
  int hov = widget(u, id, r, 1);
  int old = *idx, val = *idx;
  if (n <= 0) n = 1;
  if (val < 0 || val >= n) val = 0;
  /* open/close on press over the widget */
  if (u->active == id && u->pressed[UI_BUTTON_LEFT] && hov)
    u->popup_id = u->popup_id == id ? 0 : id;
  if (u->focus == id) {
    while (take_key(u, UI_KEY_LEFT) || take_key(u, UI_KEY_UP)) val = (val + n - 1) % n;
    while (take_key(u, UI_KEY_RIGHT) || take_key(u, UI_KEY_DOWN)) val = (val + 1) % n;
    if (take_key(u, UI_KEY_SPACE) || take_key(u, UI_KEY_RETURN)) u->popup_id = u->popup_id == id ? 0 : id;
  }
  if (hov && u->wheel && u->popup_id != id) val = ((val - u->wheel) % n + n) % n, u->wheel_taken = 1;
  if (u->popup_id == id) {
    u->popup_seen = 1;
    int ih = ui_widget_height(u), cnt = n < UI_POPUP_MAX ? n : UI_POPUP_MAX;
    gfx_rect p = {r.x, r.y + r.h, r.w, ih * cnt};
    if (p.y + p.h > gfx_height(u->g) && r.y - p.h >= 0) p.y = r.y - p.h;
    /* the click that picks an item */
    if (u->pressed[UI_BUTTON_LEFT] && gfx_contains(p, u->mx, u->my)) {
      int k = (u->my - p.y) / ih;
      if (k >= 0 && k < cnt) val = k;
      u->popup_id = 0;
      u->press_taken = u->press_widget = 1;
      u->focus = id;
    } else {
      u->popup_rect = p;
      u->popup_anchor = r;
      u->popup_n = cnt;
      u->popup_sel = val;
      for (int i = 0; i < cnt; i++)
        snprintf(u->popup_items[i], sizeof u->popup_items[i], "%s", options[i] ? options[i] : "");
    }
  }
  *idx = val;
  draw_frame(u, id, r, hov);
  char buf[256];
  if (label && *label) snprintf(buf, sizeof buf, "%s: %s", label, options[val] ? options[val] : "");
  else snprintf(buf, sizeof buf, "%s", options[val] ? options[val] : "");
  text_in(u, gfx_r(r.x, r.y, r.w - r.h * 0.5f, r.h), buf, TH(u)->text, GFX_LEFT);
  draw_caret(u, r);
  return val != old;
}

int ui_cycle(ui *u, const char *label, int *idx, const char *const *options, int n) {
  ui_id id = ui_get_id(u, label);
  gfx_rect r = ui_next(u);
  int hov = widget(u, id, r, 1);
  int old = *idx, val = *idx;
  if (n <= 0) n = 1;
  if (val < 0 || val >= n) val = 0;
  if (u->active == id && hov && u->released[UI_BUTTON_LEFT]) val = (val + 1) % n;
  if (u->active == id && hov && u->released[UI_BUTTON_RIGHT]) val = (val + n - 1) % n;
  if (u->focus == id) {
    while (take_key(u, UI_KEY_LEFT) || take_key(u, UI_KEY_UP)) val = (val + n - 1) % n;
    while (take_key(u, UI_KEY_RIGHT) || take_key(u, UI_KEY_DOWN) || take_key(u, UI_KEY_SPACE) ||
           take_key(u, UI_KEY_RETURN))
      val = (val + 1) % n;
  }
  if (hov && u->wheel) val = ((val - u->wheel) % n + n) % n, u->wheel_taken = 1;
  *idx = val;
  draw_frame(u, id, r, hov);
  char buf[256];
  if (label && *label) snprintf(buf, sizeof buf, "%s: %s", label, options[val] ? options[val] : "");
  else snprintf(buf, sizeof buf, "%s", options[val] ? options[val] : "");
  text_in(u, r, buf, TH(u)->text, GFX_LEFT);
  return val != old;
}

int ui_textbox(ui *u, const char *placeholder, char *buf, size_t cap, int *submitted) {
  ui_id id = ui_get_id(u, placeholder);
  gfx_rect r = ui_next(u);
  int hov = widget(u, id, r, 1);
  int changed = 0;
  if (submitted) *submitted = 0;
  if (u->focus == id && cap > 0) {
    size_t n = strlen(buf), add = strlen(u->text);
    if (add && n + add < cap) {
      memcpy(buf + n, u->text, add + 1);
      changed = 1;
    } else if (add) {
      u->overflowed = 1;
    }
    u->text[0] = 0;
    while (take_key(u, UI_KEY_BACKSPACE)) {
      n = strlen(buf);
      if (n == 0) break;
      do n--; while (n > 0 && ((uint8_t)buf[n] & 0xC0) == 0x80);
      buf[n] = 0;
      changed = 1;
    }
    if (take_key(u, UI_KEY_RETURN) || take_key(u, UI_KEY_KP_ENTER)) {
      if (submitted) *submitted = 1;
      u->focus = 0; /* done typing: Space and the other keys are the explorer's again */
    }
    /* keys typed as text must not also trigger the caller's shortcuts */
    for (int i = 0; i < u->nkeys; i++)
      if (u->keys[i] >= UI_KEY_SPACE && u->keys[i] < 128) u->key_used[i] = 1;
  }
  const theme *t = TH(u);
  draw_frame(u, id, r, hov);
  int pad = ui_padding(u), px = body_px(u);
  gfx_rect tr = {r.x + pad, r.y, r.w - 2 * pad, r.h};
  gfx_push_clip(u->g, tr);
  if (!buf[0] && u->focus != id && placeholder && *placeholder) {
    char fit[256];
    gfx_text_fit(u->g, placeholder, GFX_SANS, px, tr.w, fit, sizeof fit);
    gfx_text(u->g, tr.x, r.y + r.h * 0.5f, fit, GFX_SANS, px, t->text_dim, GFX_LEFT | GFX_MIDDLE);
  }
  int tw;
  gfx_text_size(u->g, buf, GFX_SANS, px, &tw, NULL);
  float x = tr.x + (tw > tr.w - 4 ? tr.w - 4 - tw : 0); /* keep the end (caret) visible */
  gfx_text(u->g, x, r.y + r.h * 0.5f, buf, GFX_SANS, px, t->text, GFX_LEFT | GFX_MIDDLE);
  if (u->focus == id) {
    float cx = x + tw + 1;
    gfx_fill_rect(u->g, gfx_r((int)cx, r.y + r.h / 5, gfx_px(u->g, 2), r.h * 3 / 5), t->accent);
  }
  gfx_pop_clip(u->g);
  return changed;
}

int ui_textbox_overflowed(const ui *u) { return u->overflowed; }
int ui_truncated(const ui *u) { return u->truncated; }

/* ---- tooltips and popups ------------------------------------------------------------------ */

void ui_tooltip(ui *u, const char *text) {
  if (u->last_hovered && text && !u->popup_id) { /* no tooltips over an open dropdown */
    snprintf(u->tip, sizeof u->tip, "%s", text);
    u->tip_set = 1;
  }
}

void ui_tooltip_rect(ui *u, gfx_rect r, const char *text) {
  if (text && !u->popup_id && ui_hover(u, r)) {
    snprintf(u->tip, sizeof u->tip, "%s", text);
    u->tip_set = 1;
  }
}

static void draw_tooltip(ui *u) {
  const theme *t = TH(u);
  int px = gfx_font_px(u->g, THEME_TEXT_SMALL), lh = gfx_line_height(u->g, GFX_SANS, px);
  int pad = gfx_px(u->g, 8);
  /* split lines at '\n' */
  char lines[8][256];
  int nl = 0, maxw = 0;
  const char *p = u->tip;
  while (*p && nl < 8) {
    const char *e = strchr(p, '\n');
    size_t len = e ? (size_t)(e - p) : strlen(p);
    if (len > 255) len = 255;
    memcpy(lines[nl], p, len);
    lines[nl][len] = 0;
    int w;
    gfx_text_size(u->g, lines[nl], GFX_SANS, px, &w, NULL);
    if (w > maxw) maxw = w;
    nl++;
    p += len;
    if (*p == '\n') p++;
  }
  if (nl == 0) return;
  int w = maxw + 2 * pad, h = nl * lh + 2 * pad;
  int x = u->mx + gfx_px(u->g, 16), y = u->my + gfx_px(u->g, 20);
  int W = gfx_width(u->g), H = gfx_height(u->g);
  if (x + w > W) x = u->mx - w - gfx_px(u->g, 8);
  if (y + h > H) y = u->my - h - gfx_px(u->g, 8);
  if (x < 0) x = 0;
  if (y < 0) y = 0;
  gfx_rect box = {x, y, w, h};
  gfx_fill_round_rect(u->g, gfx_r(x + 3, y + 3, w, h), gfx_px(u->g, 5), gfx_rgba(0, 0, 0, 70));
  gfx_fill_round_rect(u->g, box, gfx_px(u->g, 5), t->tooltip_bg);
  for (int i = 0; i < nl; i++)
    gfx_text(u->g, x + pad, y + pad + i * lh, lines[i], GFX_SANS, px, t->tooltip_text, GFX_LEFT | GFX_TOP);
}

static void draw_popup(ui *u) {
  const theme *t = TH(u);
  gfx_rect p = u->popup_rect;
  int ih = u->popup_n > 0 ? p.h / u->popup_n : p.h;
  gfx_fill_round_rect(u->g, gfx_r(p.x + 4, p.y + 4, p.w, p.h), gfx_px(u->g, 5), gfx_rgba(0, 0, 0, 90));
  gfx_fill_rect(u->g, p, t->widget_border);
  gfx_fill_rect(u->g, gfx_inset(p, 1), t->panel);
  for (int i = 0; i < u->popup_n; i++) {
    gfx_rect r = {p.x + 1, p.y + i * ih, p.w - 2, ih};
    int hov = gfx_contains(r, u->mx, u->my);
    if (i == u->popup_sel) gfx_fill_rect(u->g, r, gfx_fade(t->accent, 0.30f));
    if (hov) gfx_fill_rect(u->g, r, t->widget_hover);
    text_in(u, r, u->popup_items[i], t->text, GFX_LEFT);
  }
}

gfx_rect ui_last_rect(const ui *u) { return u->last_rect; }
int ui_last_hovered(const ui *u) { return u->last_hovered; }
