/* Lesson presenter: header with narration and progress, clicker keys, lesson menu, blank screen,
 * live reload. The explorer draws everything below the header. */
#define _POSIX_C_SOURCE 200809L
#include "presenter.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* The help overlay (? or F1) lists these instead of the explorer's keys: here Left/Right change
 * steps, so the selected timestep (and a backward-pass walk) moves with Shift+Left/Right. */
static const char *const PRESENTER_KEYS[] = {
    "Page Down   Right", "next step (a presentation clicker sends Page Down)",
    "Page Up   Left", "previous step",
    "Home   End", "first / last step",
    "Shift+Left   Shift+Right", "move the selected timestep, or the backward pass one step",
    "Space", "play / pause training",
    "B   .", "blank screen (any key brings it back)",
    "M", "lesson menu",
    "F5", "full screen on / off",
    "G", "gradient plot: relative to the scored step, or raw norms",
    "C", "LSTM clamp: free, keep, erase",
    "T", "light / dark theme",
    "F12", "save the slide as PNG",
    "? or F1", "show / hide this list",
    "Escape", "close this list, the menu, or full screen",
    NULL};

struct presenter {
  explorer *e;
  gfx *g;
  host *win;           /* the window (full screen on/off); NULL when headless */
  char dir[512];
  rl_lesson_set set;
  int cur;            /* entry index of the open lesson, -1 = none */
  int step;
  int blank;
  int menu, menu_sel;
  struct timespec mtime; /* of the open lesson's file when it was loaded */
  double last_poll;    /* seconds (monotonic) of the last look at the lesson file */
  char error[600];
  gfx_rect menu_rows[64];
  int nmenu_rows;
};

static const rl_lesson *cur_lesson(const presenter *p) {
  if (p->cur < 0 || p->cur >= p->set.n || !p->set.entries[p->cur].ok) return NULL;
  return &p->set.entries[p->cur].lesson;
}

static int file_mtime(const char *path, struct timespec *out) {
  struct stat st;
  if (stat(path, &st)) return -1;
  *out = st.st_mtim;
  return 0;
}

static void enter_step(presenter *p, int step, int flags) {
  const rl_lesson *l = cur_lesson(p);
  if (!l) return;
  if (step < 0) step = 0;
  if (step >= l->nsteps) step = l->nsteps - 1;
  p->step = step;
  rl_error err;
  if (lesson_apply_step(p->e, l, step, flags, &err)) snprintf(p->error, sizeof p->error, "%s", err.msg);
  else p->error[0] = 0;
}

int presenter_open_lesson(presenter *p, int number, rl_error *err) {
  int i = rl_lesson_set_find(&p->set, number);
  if (i < 0) {
    /* A file with that number that did not parse: open the menu on it so its message shows. */
    for (int k = 0; k < p->set.n; k++)
      if (p->set.entries[k].number == number) {
        p->menu = 1;
        p->menu_sel = k;
        return rl_fail(err, "%s", p->set.entries[k].error.msg);
      }
    return rl_fail(err, "no lesson %d in %.300s", number, p->dir);
  }
  p->cur = i;
  p->menu = 0;
  p->blank = 0;
  file_mtime(p->set.entries[i].path, &p->mtime);
  enter_step(p, 0, LESSON_RUN_TRAIN);
  return 0;
}

int presenter_create(explorer *e, gfx *g, host *window, const char *dir, int number, presenter **out,
                     rl_error *err) {
  *out = NULL;
  presenter *p = calloc(1, sizeof *p);
  if (!p) return rl_fail(err, "out of memory");
  p->e = e;
  explorer_set_key_help(e, PRESENTER_KEYS);
  explorer_set_presenting(e, 1);
  p->g = g;
  p->win = window;
  p->cur = -1;
  snprintf(p->dir, sizeof p->dir, "%s", dir);
  if (rl_lesson_dir_load(dir, &p->set, err)) {
    free(p);
    return -1;
  }
  rl_error oerr;
  if (number < 0 || presenter_open_lesson(p, number, &oerr)) {
    p->menu = 1;
    if (number >= 0) {
      snprintf(p->error, sizeof p->error, "%s", oerr.msg);
      explorer_notice(e, 1, "%s", oerr.msg);
    }
  }
  *out = p;
  return 0;
}

void presenter_destroy(presenter *p) {
  if (!p) return;
  rl_lesson_set_free(&p->set);
  free(p);
}

int presenter_goto(presenter *p, int step) {
  const rl_lesson *l = cur_lesson(p);
  if (!l) return 0;
  if (step < 0) step = 0;
  if (step >= l->nsteps) step = l->nsteps - 1;
  if (step == p->step) return p->step;
  /* Forward: the step's training runs. Backward: set the step up again but do not train (the
   * audience has seen that training already; it cannot be undone anyway). */
  enter_step(p, step, step > p->step ? LESSON_RUN_TRAIN : 0);
  return p->step;
}

int presenter_step(const presenter *p) { return p->step; }
int presenter_nsteps(const presenter *p) {
  const rl_lesson *l = cur_lesson(p);
  return l ? l->nsteps : 0;
}
const rl_lesson *presenter_lesson(const presenter *p) { return cur_lesson(p); }
int presenter_blanked(const presenter *p) { return p->blank; }
int presenter_menu_open(const presenter *p) { return p->menu; }
const char *presenter_error(const presenter *p) { return p->error; }

int presenter_check_reload(presenter *p) {
  if (p->cur < 0 || p->cur >= p->set.n) return 0;
  rl_lesson_entry *en = &p->set.entries[p->cur];
  struct timespec t;
  if (file_mtime(en->path, &t)) return 0;
  if (t.tv_sec == p->mtime.tv_sec && t.tv_nsec == p->mtime.tv_nsec) return 0;
  p->mtime = t;
  rl_lesson fresh;
  rl_error err;
  if (rl_lesson_load(en->path, &fresh, &err)) {
    /* Keep presenting the last good version; show what is wrong with the new one. */
    snprintf(p->error, sizeof p->error, "%s", err.msg);
    explorer_notice(p->e, 1, "%s", err.msg);
    return 0;
  }
  if (en->ok) rl_lesson_free(&en->lesson);
  en->lesson = fresh;
  en->ok = 1;
  en->number = fresh.number;
  p->error[0] = 0;
  int step = p->step < fresh.nsteps ? p->step : fresh.nsteps - 1;
  enter_step(p, step, 0);
  explorer_notice(p->e, 0, "reloaded %s", en->path);
  return 1;
}

static void toggle_fullscreen(presenter *p) {
  if (p->win) host_set_fullscreen(p->win, !host_fullscreen(p->win));
}

static void menu_open_selected(presenter *p) {
  if (p->menu_sel < 0 || p->menu_sel >= p->set.n) return;
  rl_lesson_entry *en = &p->set.entries[p->menu_sel];
  if (!en->ok) return; /* its message stays on screen */
  rl_error err;
  if (presenter_open_lesson(p, en->number, &err)) snprintf(p->error, sizeof p->error, "%s", err.msg);
}

int presenter_handle_event(presenter *p, const ui_event *ev) {
  if (ev->type == UI_EV_MOUSE_DOWN && p->menu) {
    for (int i = 0; i < p->nmenu_rows; i++)
      if (gfx_contains(p->menu_rows[i], ev->x, ev->y)) {
        p->menu_sel = i;
        menu_open_selected(p);
        return 1;
      }
    return 1;
  }
  if (ev->type != UI_EV_KEY_DOWN) return p->blank || p->menu; /* blank/menu swallow the rest */
  ui_key k = ev->key;
  if (ev->mods & (UI_MOD_CTRL | UI_MOD_ALT | UI_MOD_GUI | UI_MOD_SHIFT)) return p->blank || p->menu;
  if (p->blank) { /* any key brings the picture back */
    p->blank = 0;
    return 1;
  }
  if (p->menu) {
    switch (k) {
    case UI_KEY_UP: if (p->menu_sel > 0) p->menu_sel--; return 1;
    case UI_KEY_DOWN: if (p->menu_sel + 1 < p->set.n) p->menu_sel++; return 1;
    case UI_KEY_RETURN: case UI_KEY_KP_ENTER: menu_open_selected(p); return 1;
    case UI_KEY_ESCAPE: case 'm': if (cur_lesson(p)) p->menu = 0; return 1;
    case UI_KEY_F5: toggle_fullscreen(p); return 1;
    default: return 1;
    }
  }
  switch (k) {
  case UI_KEY_PAGEDOWN: case UI_KEY_RIGHT: presenter_goto(p, p->step + 1); return 1;
  case UI_KEY_PAGEUP: case UI_KEY_LEFT: presenter_goto(p, p->step - 1); return 1;
  case UI_KEY_HOME: presenter_goto(p, 0); return 1;
  case UI_KEY_END: presenter_goto(p, presenter_nsteps(p) - 1); return 1;
  case UI_KEY_F5: toggle_fullscreen(p); return 1;
  case 'b': case '.': p->blank = 1; return 1; /* clickers send '.' or 'b' for blank */
  case 'm':
    p->menu = 1;
    p->menu_sel = p->cur >= 0 ? p->cur : 0;
    return 1;
  case UI_KEY_ESCAPE:
    if (host_fullscreen(p->win)) {
      toggle_fullscreen(p);
      return 1;
    }
    return 0;
  default: return 0;
  }
}

/* ---- drawing ---------------------------------------------------------------------------------- */

/* The header: the step title and its narration (wrapped, in the narration size) on the left;
 * lesson, step and progress dots on the right, with a line for training the step runs. */
#define NARRATION_LINES 16
typedef struct {
  int pad, right_w, title_px, say_px, small_px;
  int nlines;
  char lines[NARRATION_LINES][GFX_WRAP_LINE];
} header_layout;

static void layout_header(gfx *g, const rl_lesson *l, int step, header_layout *h) {
  int W = gfx_width(g);
  h->pad = gfx_px(g, 28);
  h->title_px = gfx_font_px(g, THEME_TEXT_TITLE);
  h->say_px = gfx_font_px(g, THEME_TEXT_NARRATION);
  h->small_px = gfx_font_px(g, THEME_TEXT_BODY);
  char prog[64];
  snprintf(prog, sizeof prog, "Lesson %d  ·  step %d / %d", l->number, step + 1, l->nsteps);
  int pw = 0;
  gfx_text_size(g, prog, GFX_SANS, h->small_px, &pw, NULL);
  int dots = (int)(l->nsteps * gfx_px(g, 20));
  h->right_w = pw > dots ? pw : dots;
  h->nlines = 0;
  const rl_lesson_step *st = &l->steps[step];
  /* lines beside the step counter, its dots and the training line stop short of them; the
   * lines below them use the whole width */
  int train_w = 0;
  gfx_text_size(g, "training 1,000,000 / 1,000,000", GFX_SANS, h->small_px, &train_w, NULL);
  int right_w = train_w > h->right_w ? train_w : h->right_w;
  int right_bottom = gfx_px(g, 16) + 2 * gfx_line_height(g, GFX_SANS, h->small_px) + gfx_px(g, 32);
  int y = gfx_px(g, 16) + gfx_line_height(g, GFX_SANS, h->title_px) + gfx_px(g, 10);
  int lh = gfx_line_height(g, GFX_SANS, h->say_px) + gfx_px(g, 2);
  for (int k = 0; k < st->nsay && h->nlines < NARRATION_LINES; k++) {
    int maxw = y < right_bottom ? W - 3 * h->pad - right_w : W - 2 * h->pad;
    int n = gfx_wrap(g, st->say[k], GFX_SANS, h->say_px, maxw, h->lines + h->nlines, NARRATION_LINES - h->nlines);
    h->nlines += n;
    y += n * lh;
  }
}

static int header_height(gfx *g, const rl_lesson *l, int step) {
  if (!l || step < 0 || step >= l->nsteps) return 0;
  header_layout h;
  layout_header(g, l, step, &h);
  return gfx_px(g, 16) + gfx_line_height(g, GFX_SANS, h.title_px) + gfx_px(g, 10) +
         h.nlines * (gfx_line_height(g, GFX_SANS, h.say_px) + gfx_px(g, 2)) + gfx_px(g, 16);
}

static void draw_header(explorer *e, gfx *g, const rl_lesson *l, int step, int hh, const char *error) {
  const theme *t = gfx_theme(g);
  int W = gfx_width(g);
  header_layout h;
  layout_header(g, l, step, &h);
  gfx_fill_rect(g, gfx_r(0, 0, W, hh), t->panel);
  gfx_fill_rect(g, gfx_r(0, hh - gfx_px(g, 2), W, gfx_px(g, 2)), t->panel_border);
  const rl_lesson_step *st = &l->steps[step];

  /* Right: "Lesson 3 · step 2 / 6", one dot per step, and the step's training */
  char prog[64], buf[GFX_WRAP_LINE + 8];
  snprintf(prog, sizeof prog, "Lesson %d  ·  step %d / %d", l->number, step + 1, l->nsteps);
  int y = gfx_px(g, 16);
  gfx_text(g, (float)(W - h.pad), (float)y, prog, GFX_SANS, h.small_px, t->text_dim, GFX_RIGHT | GFX_TOP);
  float dot = (float)gfx_px(g, 6), gap = (float)gfx_px(g, 20);
  float dy = (float)(y + gfx_line_height(g, GFX_SANS, h.small_px) + gfx_px(g, 10));
  for (int s = 0; s < l->nsteps; s++) {
    float dx = (float)(W - h.pad) - (float)(l->nsteps - 1 - s) * gap - dot;
    if (s == step) gfx_fill_circle(g, dx, dy, dot, t->accent);
    else if (s < step) gfx_fill_circle(g, dx, dy, dot * 0.7f, t->text_dim);
    else gfx_circle(g, dx, dy, dot * 0.7f, (float)gfx_px(g, 1.5f), t->text_dim);
  }
  long done = 0, total = 0;
  int tp = explorer_training_progress(e, &done, &total);
  if (tp) {
    char a[32], b[32];
    explorer_format_count(done < total ? done : total, a, sizeof a);
    explorer_format_count(total, b, sizeof b);
    if (tp == 1) snprintf(buf, sizeof buf, "training %s / %s", a, b);
    else snprintf(buf, sizeof buf, "trained %s steps", b);
    gfx_text(g, (float)(W - h.pad), dy + dot + gfx_px(g, 10), buf, GFX_SANS, h.small_px,
             tp == 1 ? t->ok : t->text_dim, GFX_RIGHT | GFX_TOP);
  }

  /* Left: the step title, then the narration */
  int maxw = W - 3 * h.pad - h.right_w;
  if (maxw < gfx_px(g, 200)) maxw = gfx_px(g, 200);
  gfx_text_fit(g, st->title, GFX_SANS, h.title_px, maxw, buf, sizeof buf);
  gfx_text(g, (float)h.pad, (float)y, buf, GFX_SANS, h.title_px, t->text, GFX_LEFT | GFX_TOP);
  y += gfx_line_height(g, GFX_SANS, h.title_px) + gfx_px(g, 10);
  int lh = gfx_line_height(g, GFX_SANS, h.say_px) + gfx_px(g, 2);
  for (int k = 0; k < h.nlines; k++, y += lh)
    gfx_text(g, (float)h.pad, (float)y, h.lines[k], GFX_SANS, h.say_px, t->text, GFX_LEFT | GFX_TOP);
  if (error && error[0]) { /* a lesson that failed to (re)load: the teacher must see it */
    gfx_text_fit(g, error, GFX_SANS, h.small_px, W - 2 * h.pad, buf, sizeof buf);
    gfx_text(g, (float)(W - h.pad), (float)(hh - gfx_px(g, 8)), buf, GFX_SANS, h.small_px, t->error,
             GFX_RIGHT | GFX_BOTTOM);
  }
}

void presenter_draw_step(explorer *e, gfx *g, const rl_lesson *l, int step) {
  explorer_set_key_help(e, PRESENTER_KEYS);
  explorer_set_presenting(e, 1);
  gfx_begin_frame(g);
  gfx_clear(g, gfx_theme(g)->bg);
  int W = gfx_width(g), H = gfx_height(g);
  int hh = header_height(g, l, step);
  explorer_frame_in(e, gfx_r(0, hh, W, H - hh));
  draw_header(e, g, l, step, hh, NULL);
}

static void draw_menu(presenter *p) {
  gfx *g = p->g;
  const theme *t = gfx_theme(g);
  int W = gfx_width(g), H = gfx_height(g);
  gfx_fill_rect(g, gfx_r(0, 0, W, H), gfx_fade(t->bg, 0.94f));
  int pad = gfx_px(g, 40);
  int title_px = gfx_font_px(g, THEME_TEXT_TITLE), body_px = gfx_font_px(g, THEME_TEXT_HEADING);
  int small_px = gfx_font_px(g, THEME_TEXT_BODY);
  int y = pad;
  gfx_text(g, (float)pad, (float)y, "Lessons", GFX_SANS, title_px, t->text, GFX_LEFT | GFX_TOP);
  y += gfx_line_height(g, GFX_SANS, title_px) + gfx_px(g, 8);
  gfx_text(g, (float)pad, (float)y, "Up/Down and Enter to open, Escape to go back, F5 full screen", GFX_SANS,
           small_px, t->text_dim, GFX_LEFT | GFX_TOP);
  y += gfx_line_height(g, GFX_SANS, small_px) + gfx_px(g, 20);
  if (p->error[0]) { /* why the menu opened instead of a lesson (e.g. --lesson 9 with no lesson 9) */
    char lines[4][GFX_WRAP_LINE];
    int n = gfx_wrap(g, p->error, GFX_SANS, body_px, W - 2 * pad, lines, 4);
    for (int i = 0; i < n; i++, y += gfx_line_height(g, GFX_SANS, body_px))
      gfx_text(g, (float)pad, (float)y, lines[i], GFX_SANS, body_px, t->error, GFX_LEFT | GFX_TOP);
    y += gfx_px(g, 20);
  }
  int row_h = gfx_line_height(g, GFX_SANS, body_px) + gfx_line_height(g, GFX_SANS, small_px) + gfx_px(g, 16);
  p->nmenu_rows = 0;
  char buf[700];
  if (p->set.n == 0) {
    snprintf(buf, sizeof buf, "No .lesson files in %s", p->dir);
    gfx_text(g, (float)pad, (float)y, buf, GFX_SANS, body_px, t->warn, GFX_LEFT | GFX_TOP);
  }
  for (int i = 0; i < p->set.n && i < 64 && y + row_h <= H; i++) {
    const rl_lesson_entry *en = &p->set.entries[i];
    gfx_rect r = gfx_r(pad - gfx_px(g, 12), y - gfx_px(g, 6), W - 2 * pad + gfx_px(g, 24), row_h - gfx_px(g, 4));
    p->menu_rows[p->nmenu_rows++] = r;
    if (i == p->menu_sel) gfx_fill_round_rect(g, r, gfx_px(g, 8), t->widget_active);
    else if (i == p->cur) gfx_fill_round_rect(g, r, gfx_px(g, 8), t->widget);
    char line[RL_LESSON_TEXT + 32];
    if (en->ok) snprintf(line, sizeof line, "%d.  %s", en->number, en->lesson.title);
    else snprintf(line, sizeof line, "%.200s", strrchr(en->path, '/') ? strrchr(en->path, '/') + 1 : en->path);
    gfx_text_fit(g, line, GFX_SANS, body_px, r.w - gfx_px(g, 24), buf, sizeof buf);
    gfx_text(g, (float)pad, (float)y, buf, GFX_SANS, body_px, en->ok ? t->text : t->error, GFX_LEFT | GFX_TOP);
    int y2 = y + gfx_line_height(g, GFX_SANS, body_px) + gfx_px(g, 2);
    char sub2[RL_LESSON_TEXT + 32];
    if (en->ok) snprintf(sub2, sizeof sub2, "%s  (%d steps)", en->lesson.summary, en->lesson.nsteps);
    gfx_text_fit(g, en->ok ? sub2 : en->error.msg, GFX_SANS, small_px, r.w - gfx_px(g, 24), buf, sizeof buf);
    gfx_text(g, (float)(pad + gfx_px(g, 36)), (float)y2, buf, GFX_SANS, small_px, en->ok ? t->text_dim : t->error,
             GFX_LEFT | GFX_TOP);
    y += row_h;
  }
}

void presenter_frame(presenter *p) {
  gfx *g = p->g;
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  double now = (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
  if (now - p->last_poll >= 0.5) {
    p->last_poll = now;
    presenter_check_reload(p);
  }
  if (p->blank) {
    gfx_begin_frame(g);
    gfx_clear(g, gfx_rgba(0, 0, 0, 255));
    return;
  }
  const rl_lesson *l = cur_lesson(p);
  if (l) {
    gfx_begin_frame(g);
    gfx_clear(g, gfx_theme(g)->bg);
    int W = gfx_width(g), H = gfx_height(g);
    int hh = header_height(g, l, p->step);
    explorer_frame_in(p->e, gfx_r(0, hh, W, H - hh));
    draw_header(p->e, g, l, p->step, hh, p->error);
  } else {
    explorer_frame(p->e);
  }
  if (p->menu) draw_menu(p);
}
