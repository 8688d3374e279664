/* The explorer: layout, keys, the lesson-facing setters; panels are in panel_*.c. */
#include "panels.h"
#include "export.h"
#include "modelfile.h"
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DEFAULT_SHOW (RL_PANEL_SIDEBAR | RL_PANEL_HEATMAPS | RL_PANEL_GRADIENTS | RL_PANEL_CURVES | RL_PANEL_DIAGRAM)
#define DEFAULT_TITLE "Vanishing gradients: vanilla RNN against LSTM"

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

explorer_opts explorer_opts_default(void) {
  explorer_opts o;
  memset(&o, 0, sizeof o);
  o.train = tr_config_default();
  o.speed_level = -1;
  return o;
}

int panel_index(rl_panel p) {
  for (int i = 0; i < RL_PANEL_COUNT; i++)
    if ((unsigned)p == (1u << i)) return i;
  return -1;
}

const char *panel_title(rl_panel p) {
  const char *n = rl_lesson_panel_name(p);
  return n ? n : "panel";
}

gfx_color ex_slot_color(const explorer *e, int slot) {
  return theme_series(gfx_theme(e->g), slot);
}

void ex_slot_name(const explorer *e, int slot, char *buf, size_t n) {
  const tr_slot_snap *s = &e->snap.slot[slot];
  tr_model_spec sp = s->used ? s->spec : e->cfg.models[slot];
  char cell[48];
  if (sp.cell == RL_CELL_RNN)
    snprintf(cell, sizeof cell, "RNN (%s)", rl_nonlin_name(sp.nonlin));
  else
    snprintf(cell, sizeof cell, "%s", sp.cell == RL_CELL_LSTM ? "LSTM" : "GRU");
  char extra[48] = "", clip[32] = "";
  if (sp.own_clip && sp.clip > 0) snprintf(clip, sizeof clip, ", clipped at %g", (double)sp.clip);
  else if (sp.own_clip) snprintf(clip, sizeof clip, ", no clipping");
  if (s->used && s->L > 1 && s->D > 1)
    snprintf(extra, sizeof extra, ", %d layers, bidirectional", s->L);
  else if (s->used && s->L > 1)
    snprintf(extra, sizeof extra, ", %d layers%s", s->L, s->spec.residual ? " + skips" : "");
  else if (s->used && s->D > 1)
    snprintf(extra, sizeof extra, ", bidirectional");
  if (e->static_mode)
    snprintf(buf, n, "%s%s", cell, extra);
  else
    snprintf(buf, n, "%c: %s%s%s", 'A' + slot, cell, extra, clip);
}

int ex_sel_t(const explorer *e) {
  int T = e->snap.T;
  if (T <= 0) return -1;
  if (e->sel_t < 0 || e->sel_t >= T) return T - 1;
  return e->sel_t;
}

/* A small button in a panel's title row (live window only). */
static int title_button(explorer *e, gfx_rect br, const char *label, const char *tip) {
  gfx *g = e->g;
  const theme *th = gfx_theme(g);
  int hov = ui_hover(e->u, br);
  gfx_fill_round_rect(g, br, gfx_px(g, 6), hov ? th->widget_hover : th->widget);
  gfx_text(g, br.x + br.w / 2, br.y + br.h / 2, label, GFX_SANS, gfx_font_px(g, THEME_TEXT_SMALL), th->text,
           GFX_CENTER | GFX_MIDDLE);
  if (hov) ui_tooltip_rect(e->u, br, tip);
  return ui_clicked(e->u, br);
}

gfx_rect ex_panel_frame(explorer *e, rl_panel p, gfx_rect r, const char *title) {
  gfx *g = e->g;
  const theme *th = gfx_theme(g);
  int idx = panel_index(p);
  if (idx >= 0) e->rect[idx] = r;
  gfx_fill_rect(g, r, th->panel); /* a plain rectangle: large round rects are slow in software */
  int hl = (e->highlight & (unsigned)p) != 0;
  gfx_stroke_rect(g, r, hl ? gfx_px(g, 4) : 1, hl ? th->accent : th->panel_border);
  int pad = gfx_px(g, 12);
  int hp = gfx_font_px(g, THEME_TEXT_HEADING);
  int lh = gfx_line_height(g, GFX_SANS, hp);
  int bw = 0;
  if (ex_chrome(e) && idx >= 0 && p != RL_PANEL_SIDEBAR && ui_hover(e->u, r)) {
    /* export controls, while the mouse is over the panel (the title has the row otherwise):
     * this panel as PNG + CSV, at 1x or 2x; the gradient plot also switches relative / raw */
    int sp = gfx_font_px(g, THEME_TEXT_SMALL), w1, w2, w0 = 0, gap = gfx_px(g, 6);
    const char *mode = e->grad_raw ? "relative" : "raw";
    gfx_text_size(g, "export", GFX_SANS, sp, &w1, NULL);
    gfx_text_size(g, "2x", GFX_SANS, sp, &w2, NULL);
    if (p == RL_PANEL_GRADIENTS) gfx_text_size(g, mode, GFX_SANS, sp, &w0, NULL), w0 += gfx_px(g, 20) + gap;
    w1 += gfx_px(g, 20);
    w2 += gfx_px(g, 20);
    bw = w0 + w1 + gap + w2;
    gfx_rect b1 = {r.x + r.w - pad - bw + w0, r.y + pad / 2, w1, lh}, b2 = {b1.x + w1 + gap, b1.y, w2, lh};
    if (w0 && title_button(e, gfx_r(b1.x - w0, b1.y, w0 - gap, lh), mode,
                           e->grad_raw ? "G: each line relative to its value at the scored word"
                                       : "G: the raw norms ||dJ(T)/dh(t)||"))
      e->grad_raw = !e->grad_raw;
    e->export_button[idx][0] = b1;
    e->export_button[idx][1] = b2;
    if (title_button(e, b1, "export", "save this panel as a slide-sized PNG (1920x1080) and its data as CSV"))
      e->export_panels |= (unsigned)p;
    if (title_button(e, b2, "2x", "the same at twice the size (3840x2160), for print"))
      e->export_panels_2x |= (unsigned)p;
  }
  if (title) {
    char fit[256];
    gfx_text_fit(g, title, GFX_SANS, hp, r.w - 2 * pad - bw - pad, fit, sizeof fit);
    gfx_text(g, r.x + pad, r.y + pad / 2, fit, GFX_SANS, hp, hl ? th->accent : th->text, GFX_LEFT | GFX_TOP);
  }
  return ex_panel_content(e, r, title != NULL);
}

gfx_rect ex_panel_content(const explorer *e, gfx_rect r, int has_title) {
  gfx *g = e->g;
  int pad = gfx_px(g, 12);
  int lh = gfx_line_height(g, GFX_SANS, gfx_font_px(g, THEME_TEXT_HEADING));
  int top = has_title ? pad / 2 + lh + pad / 2 : pad;
  gfx_rect c = {r.x + pad, r.y + top, r.w - 2 * pad, r.h - top - pad};
  if (c.w < 1) c.w = 1;
  if (c.h < 1) c.h = 1;
  return c;
}

/* ---- token axes ------------------------------------------------------------------------------- */

static int label_w(const explorer *e, int t) {
  int w = 0;
  if (e->snap.labels && t >= 0 && t < e->snap.T)
    gfx_text_size(e->g, e->snap.labels[t], GFX_SANS, gfx_font_px(e->g, THEME_TEXT_SMALL), &w, NULL);
  return w;
}

int ex_token_stride(const explorer *e, float col_w) {
  int widest = 0, T = e->snap.T;
  for (int t = 0; t < T; t++) {
    int w = label_w(e, t);
    if (w > widest) widest = w;
  }
  float need = (float)(widest + gfx_px(e->g, 10));
  static const int base[3] = {1, 2, 5};
  for (int mag = 1; mag <= 100000; mag *= 10)
    for (int i = 0; i < 3; i++)
      if (base[i] * mag * col_w >= need || base[i] * mag >= T) return base[i] * mag;
  return T > 0 ? T : 1;
}

void ex_token_mask(const explorer *e, int stride, unsigned char *mask) {
  /* Index arithmetic only, no pixel widths: with the same stride every panel labels the same
   * words. Labels at least `stride` words apart fit in every panel (that is how the stride was
   * chosen), so each label keeps that distance from the ones placed before it. */
  int T = e->snap.T, sel = ex_sel_t(e);
  if (stride < 1) stride = 1;
  for (int t = 0; t < T; t++) mask[t] = 0;
  int kept[3], nkept = 0;
  const int must[3] = {T - 1, sel, 0}; /* the last word (the query), the selected one, the first */
  for (int i = 0; i < 3; i++) {
    int t = must[i], ok = t >= 0 && t < T;
    for (int j = 0; j < nkept && ok && i > 0; j++) ok = abs(t - kept[j]) >= stride;
    if (ok) mask[t] = 1, kept[nkept++] = t;
  }
  for (int t = stride - 1; t < T; t += stride) { /* words stride, 2 stride, ... counting from 1 */
    int ok = 1;
    for (int j = 0; j < nkept && ok; j++) ok = t == kept[j] || abs(t - kept[j]) >= stride;
    if (ok) mask[t] = 1;
  }
}

static long max_step(const explorer *e) {
  long step = 0;
  for (int k = 0; k < TR_MAX_SLOTS; k++)
    if (e->snap.slot[k].used && e->snap.slot[k].step > step) step = e->snap.slot[k].step;
  return step;
}

/* ---- creation -------------------------------------------------------------------------------- */

static explorer *alloc_explorer(gfx *g, rl_error *err) {
  explorer *e = calloc(1, sizeof *e);
  if (!e) {
    rl_fail(err, "out of memory");
    return NULL;
  }
  e->g = e->win_g = g;
  e->u = e->win_u = ui_create(g);
  if (!e->u) {
    free(e);
    rl_fail(err, "out of memory for the widgets");
    return NULL;
  }
  tr_snapshot_init(&e->snap);
  e->show = DEFAULT_SHOW;
  e->sel_t = -1;
  e->focus_slot = -1;
  for (int i = 0; i < 4; i++) e->clamp[i] = NAN;
  snprintf(e->title, sizeof e->title, "%s", DEFAULT_TITLE);
  snprintf(e->export_dir, sizeof e->export_dir, "rnnlab-figures");
  snprintf(e->lesson_name, sizeof e->lesson_name, "explorer");
  return e;
}

int explorer_create(gfx *g, const explorer_opts *o, explorer **out, rl_error *err) {
  *out = NULL;
  explorer *e = alloc_explorer(g, err);
  if (!e) return -1;
  explorer_opts d = o ? *o : explorer_opts_default();
  e->cfg = d.train;
  if (d.export_dir) snprintf(e->export_dir, sizeof e->export_dir, "%s", d.export_dir);
  if (d.title) snprintf(e->title, sizeof e->title, "%s", d.title);
  if (trainer_create(&e->cfg, &e->tr, err)) {
    explorer_destroy(e);
    return -1;
  }
  if (d.speed_level >= 0) trainer_set_speed(e->tr, d.speed_level);
  if (d.autoplay) trainer_set_running(e->tr, 1);
  trainer_snapshot(e->tr, &e->snap);
  *out = e;
  return 0;
}

/* A static trainer for a loaded model on text (takes ownership of m, also on failure). With text
 * NULL or empty, the first few tokens of the vocabulary are shown. */
static int make_static(rl_model *m, const char *text, trainer **out, char *used_text, size_t cap_text,
                       rl_error *err) {
  if (!m->vocab.tokens || m->vocab.size != m->cfg.vocab) {
    rl_model_free(m);
    return rl_fail(err, "the model file has no vocabulary, so text cannot be encoded "
                        "(save it with rnnlab, or add \"vocab\" metadata)");
  }
  char deftext[512] = "";
  if (!text || !*text) {
    size_t o = 0;
    for (int i = 0; i < m->vocab.size && i < 8 && o + 1 < sizeof deftext; i++) {
      const char *tok = m->vocab.tokens[i];
      if (m->vocab.level == RL_VOCAB_WORD && (!*tok || strchr(tok, ' '))) continue;
      int k = snprintf(deftext + o, sizeof deftext - o, "%s%s", o && m->vocab.level != RL_VOCAB_CHAR ? " " : "", tok);
      if (k < 0 || (size_t)k >= sizeof deftext - o) break;
      o += (size_t)k;
    }
    text = deftext;
  }
  int cap = (int)strlen(text) + 1;
  int *ids = calloc((size_t)cap, sizeof(int));
  const char **labels = calloc((size_t)cap, sizeof(char *));
  int n = 0, rc = -1;
  if (!ids || !labels) {
    rl_fail(err, "out of memory");
  } else if (rl_vocab_encode(&m->vocab, text, ids, cap, &n, err) == 0) {
    for (int t = 0; t < n; t++) labels[t] = m->vocab.tokens[ids[t]];
    snprintf(used_text, cap_text, "%s", text);
    rc = trainer_create_static(m, ids, n, labels, out, err);
    m = NULL; /* owned (or freed) by trainer_create_static */
  }
  if (m) rl_model_free(m);
  free(ids);
  free(labels);
  return rc;
}

static void enter_view_mode(explorer *e) {
  e->static_mode = 1;
  e->show = RL_PANEL_SIDEBAR | RL_PANEL_HEATMAPS | RL_PANEL_GRADIENTS | RL_PANEL_DIAGRAM |
            RL_PANEL_DISTRIBUTION;
  e->sel_t = -1;
  e->focus_slot = -1;
  snprintf(e->title, sizeof e->title, "%s", "A model file on your text");
  trainer_get_config(e->tr, &e->cfg);
  trainer_wait_idle(e->tr, 10.0);
  trainer_snapshot(e->tr, &e->snap);
}

int explorer_create_view(gfx *g, rl_model *m, const char *text, explorer **out, rl_error *err) {
  *out = NULL;
  explorer *e = alloc_explorer(g, err);
  if (!e) {
    rl_model_free(m);
    return -1;
  }
  if (make_static(m, text, &e->tr, e->text, sizeof e->text, err)) {
    explorer_destroy(e);
    return -1;
  }
  enter_view_mode(e);
  *out = e;
  return 0;
}

int explorer_open_model(explorer *e, const char *path, const char *text, rl_error *err) {
  rl_error tmp;
  if (!err) err = &tmp;
  rl_model *m = NULL;
  if (rl_model_load(path, &m, err)) return -1;
  trainer *tr = NULL;
  char used[512];
  if (make_static(m, text, &tr, used, sizeof used, err)) return -1;
  trainer_destroy(e->tr);
  e->tr = tr;
  snprintf(e->text, sizeof e->text, "%s", used);
  snprintf(e->model_path, sizeof e->model_path, "%s", path);
  enter_view_mode(e);
  explorer_notice(e, 0, "Opened %s: type a sentence in the sidebar", path);
  return 0;
}

/* Training mode: the chosen sentence becomes the displayed example of every slot. */
static int show_text(explorer *e, const char *text, rl_error *err) {
  if (trainer_show_text(e->tr, text, err)) {
    explorer_notice(e, 1, "Cannot show \"%.80s\": %s", text ? text : "", err->msg);
    return -1;
  }
  tr_config now;
  trainer_get_config(e->tr, &now);
  snprintf(e->cfg.text, sizeof e->cfg.text, "%s", now.text);
  snprintf(e->example, sizeof e->example, "%s", now.text);
  e->sel_t = -1;
  trainer_wait_idle(e->tr, 10.0);
  trainer_snapshot(e->tr, &e->snap);
  return 0;
}

int explorer_set_text(explorer *e, const char *text, rl_error *err) {
  rl_error tmp;
  if (!err) err = &tmp;
  if (!e->static_mode) return show_text(e, text, err);
  const rl_vocab *v = trainer_vocab(e->tr);
  if (!v || !v->tokens) return rl_fail(err, "typed text needs a loaded model with a vocabulary");
  int cap = (int)strlen(text) + 1;
  int *ids = calloc((size_t)cap, sizeof(int));
  const char **labels = calloc((size_t)cap, sizeof(char *));
  int n = 0, rc = -1;
  if (ids && labels && rl_vocab_encode(v, text, ids, cap, &n, err) == 0) {
    for (int t = 0; t < n; t++) labels[t] = v->tokens[ids[t]];
    rc = trainer_set_text(e->tr, ids, n, labels, err);
  } else if (!ids || !labels) {
    rl_fail(err, "out of memory");
  }
  free(ids);
  free(labels);
  if (rc == 0) {
    snprintf(e->text, sizeof e->text, "%s", text);
    e->sel_t = -1;
    trainer_wait_idle(e->tr, 10.0);
    trainer_snapshot(e->tr, &e->snap);
  }
  return rc;
}

void explorer_destroy(explorer *e) {
  if (!e) return;
  trainer_destroy(e->tr);
  tr_snapshot_free(&e->snap);
  ui_destroy(e->win_u);
  free(e);
}

/* ---- notices and settings --------------------------------------------------------------------- */

void explorer_clear_notice(explorer *e) {
  if (!e->notice_error) e->notice[0] = 0;
}

void explorer_notice(explorer *e, int is_error, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(e->notice, sizeof e->notice, fmt, ap);
  va_end(ap);
  e->notice_error = is_error;
  e->notice_until = now_s() + (is_error ? 8.0 : 5.0);
}

int explorer_should_quit(const explorer *e) { return e->quit; }

static int do_reset(explorer *e, const tr_config *c, const char *why, rl_error *err) {
  if (e->static_mode) return rl_fail(err, "a loaded model cannot be retrained here");
  int was_running = e->snap.running;
  int speed = trainer_speed(e->tr);
  if (trainer_reset(e->tr, c, err)) {
    explorer_notice(e, 1, "%s", err->msg);
    /* go back to the last working configuration */
    rl_error e2;
    if (trainer_reset(e->tr, &e->cfg, &e2) == 0) trainer_set_running(e->tr, was_running);
    return -1;
  }
  e->cfg = *c;
  e->train_from = e->train_goal = 0;
  trainer_set_speed(e->tr, speed);
  if (was_running) trainer_set_running(e->tr, 1);
  e->sel_t = -1;
  e->bptt = 0;
  tr_config now;
  trainer_get_config(e->tr, &now);
  snprintf(e->cfg.text, sizeof e->cfg.text, "%s", now.text);
  snprintf(e->example, sizeof e->example, "%s", now.text);
  if (c->text[0] && !now.text[0]) {
    explorer_notice(e, 1, "%s: \"%.60s\" does not fit the %s task, so it shows one of its own examples", why,
                    c->text, rl_task_kind_name(c->task.kind));
    trainer_snapshot(e->tr, &e->snap);
    return 0;
  }
  explorer_notice(e, 0, "%s: models re-initialised, training restarts from step 0", why);
  trainer_snapshot(e->tr, &e->snap);
  return 0;
}

void ex_apply_config(explorer *e, const tr_config *c) {
  rl_error err;
  tr_config old = e->cfg;
  e->cfg = old; /* do_reset sets it on success */
  do_reset(e, c, "Architecture changed", &err);
}

int explorer_set_config(explorer *e, const tr_config *c, rl_error *err) {
  rl_error tmp;
  return do_reset(e, c, "Settings changed", err ? err : &tmp);
}

void explorer_get_config(explorer *e, tr_config *out) { *out = e->cfg; }

int explorer_set_models(explorer *e, const rl_lesson_model *m, int n, rl_error *err) {
  tr_config c = e->cfg;
  for (int k = 0; k < TR_MAX_SLOTS; k++) {
    tr_model_spec s;
    memset(&s, 0, sizeof s);
    if (k < n && m[k].used) {
      s.used = 1;
      s.cell = m[k].cell;
      s.nonlin = m[k].nonlin;
      s.hidden = m[k].hidden;
      s.layers = m[k].layers;
      s.bidirectional = m[k].bidirectional;
      s.residual = m[k].residual;
      s.own_clip = m[k].has_clip;
      s.clip = m[k].clip;
    }
    c.models[k] = s;
  }
  rl_error tmp;
  return do_reset(e, &c, "Models changed", err ? err : &tmp);
}

int explorer_set_task(explorer *e, const char *task, int length, rl_error *err) {
  rl_task_kind k;
  rl_error tmp;
  if (!err) err = &tmp;
  if (rl_task_kind_parse(task, &k)) return rl_fail(err, "unknown task '%s' (recall, agreement, order, sentiment, lm)", task);
  tr_config c = e->cfg;
  if (c.task.kind != k) c.task = rl_task_default(k);
  if (length > 0) c.task.length = length;
  return do_reset(e, &c, "Task changed", err);
}

int explorer_set_value(explorer *e, const char *name, double v, rl_error *err) {
  rl_error tmp;
  if (!err) err = &tmp;
  tr_config c = e->cfg;
  if (!strcmp(name, "lr")) {
    if (!(v > 0)) return rl_fail(err, "lr must be > 0");
    e->cfg.lr = (float)v;
    trainer_set_lr(e->tr, (float)v);
    return 0;
  }
  if (!strcmp(name, "clip")) {
    e->cfg.clip = (float)v;
    trainer_set_clip(e->tr, (float)v);
    return 0;
  }
  if (!strcmp(name, "speed")) {
    trainer_set_speed(e->tr, (int)v);
    return 0;
  }
  if (!strcmp(name, "hidden")) c.hidden = (int)v;
  else if (!strcmp(name, "distance") || !strcmp(name, "length")) c.task.length = (int)v;
  else if (!strcmp(name, "radius")) c.radius = (float)v;
  else if (!strcmp(name, "forget_bias")) c.forget_bias = (float)v;
  else if (!strcmp(name, "batch")) c.batch = (int)v;
  else if (!strcmp(name, "embed")) c.embed = (int)v;
  else if (!strcmp(name, "seed")) c.seed = (uint64_t)v;
  else if (!strcmp(name, "keys")) c.task.keys = (int)v;
  else if (!strcmp(name, "distractors")) c.task.distractors = (int)v;
  else
    return rl_fail(err, "unknown setting '%s' (lr, clip, speed, hidden, distance, radius, forget_bias, "
                        "batch, embed, seed, keys, distractors)", name);
  return do_reset(e, &c, "Settings changed", err);
}

void explorer_show_panels(explorer *e, unsigned show, unsigned highlight) {
  e->show = show ? show : DEFAULT_SHOW;
  e->highlight = highlight;
}

unsigned explorer_panels_shown(const explorer *e) { return e->show; }

void explorer_set_title(explorer *e, const char *title) {
  snprintf(e->title, sizeof e->title, "%s", title ? title : DEFAULT_TITLE);
}

void explorer_set_key_help(explorer *e, const char *const *pairs) { e->key_help = pairs; }

void explorer_set_presenting(explorer *e, int on) { e->presenting = on; }

void explorer_set_text_observer(explorer *e, gfx_text_observer fn, void *ctx) {
  e->observer = fn;
  e->observer_ctx = ctx;
  gfx_set_text_observer(e->win_g, fn, ctx);
}

void explorer_set_gradient_scale(explorer *e, int raw) { e->grad_raw = raw != 0; }
int explorer_gradient_raw(const explorer *e) { return e->grad_raw; }

int explorer_help_open(const explorer *e) { return e->help_open; }

void explorer_set_lesson_name(explorer *e, const char *name) {
  snprintf(e->lesson_name, sizeof e->lesson_name, "%s", name && *name ? name : "explorer");
}

void explorer_play(explorer *e, int on) {
  trainer_set_running(e->tr, on);
  trainer_snapshot(e->tr, &e->snap);
}

int explorer_playing(explorer *e) { return trainer_running(e->tr); }

void explorer_train(explorer *e, long steps) {
  long now = max_step(e);
  if (e->train_goal <= now || e->train_generation != e->snap.generation) { /* a new run of queued steps */
    e->train_from = e->train_goal = now;
    e->train_generation = e->snap.generation;
  }
  e->train_goal += steps;
  trainer_step(e->tr, steps);
  trainer_snapshot(e->tr, &e->snap);
}

int explorer_training_progress(const explorer *e, long *done, long *total) {
  long now = max_step(e);
  if (e->train_goal <= e->train_from || e->snap.generation != e->train_generation) return 0;
  if (done) *done = now - e->train_from < 0 ? 0 : now - e->train_from;
  if (total) *total = e->train_goal - e->train_from;
  return now < e->train_goal ? 1 : 2;
}

int explorer_wait(explorer *e, double timeout_s) {
  int rc = trainer_wait_idle(e->tr, timeout_s);
  trainer_snapshot(e->tr, &e->snap);
  return rc;
}

int explorer_reset(explorer *e, rl_error *err) {
  rl_error tmp;
  tr_config c = e->cfg;
  return do_reset(e, &c, "Reset", err ? err : &tmp);
}

void explorer_select_timestep(explorer *e, int t) {
  e->sel_t = t;
  e->bptt = 0;
}
int explorer_selected_timestep(const explorer *e) { return ex_sel_t(e); }

void explorer_bptt(explorer *e, int t) {
  e->sel_t = t;
  e->bptt = 1;
}

int explorer_bptt_reached(const explorer *e) { return e->bptt ? ex_sel_t(e) : -1; }

void explorer_set_clamps(explorer *e, const float clamp[4], int from_t) {
  rl_clamps c;
  c.from_t = from_t > 0 ? from_t : 0;
  e->clamp_from = c.from_t;
  int any = 0;
  for (int i = 0; i < 4; i++) {
    c.value[i] = clamp[i];
    e->clamp[i] = clamp[i];
    any |= !isnan(clamp[i]);
  }
  e->clamp_mode = !any ? 0 : (clamp[1] == 1.0f && clamp[0] == 0.0f && isnan(clamp[2]) && isnan(clamp[3])) ? 1
                 : (clamp[1] == 0.0f && isnan(clamp[0]) && isnan(clamp[2]) && isnan(clamp[3])) ? 2 : 3;
  trainer_set_clamps(e->tr, -1, &c);
}

int explorer_set_clamp_mode(explorer *e, const char *mode, rl_error *err) {
  float c[4] = {NAN, NAN, NAN, NAN};
  if (!strcmp(mode, "keep")) {
    c[0] = 0.0f; /* i */
    c[1] = 1.0f; /* f */
  } else if (!strcmp(mode, "erase")) {
    c[1] = 0.0f;
  } else if (strcmp(mode, "free")) {
    rl_error tmp;
    return rl_fail(err ? err : &tmp, "unknown clamp '%s' (keep, erase, free)", mode);
  }
  /* from the second word: the first word (the key, in recall) writes the cell, then the clamp
   * keeps or erases what it wrote */
  explorer_set_clamps(e, c, 1);
  if (strcmp(mode, "free"))
    explorer_notice(e, 0, "LSTM gates clamped (%s) from the second word on, on the displayed example", mode);
  else
    explorer_notice(e, 0, "LSTM gates free again");
  return 0;
}

void explorer_focus_slot(explorer *e, int slot) { e->focus_slot = slot; }

const tr_snapshot *explorer_snapshot(const explorer *e) { return &e->snap; }

gfx_rect explorer_panel_rect(const explorer *e, rl_panel p) {
  int i = panel_index(p);
  gfx_rect z = {0, 0, 0, 0};
  if (i < 0 || !(e->show & (unsigned)p)) return z;
  return e->rect[i];
}

/* ---- events ----------------------------------------------------------------------------------- */

void explorer_toggle_theme(explorer *e) {
  const theme *now = e->pending_theme ? e->pending_theme : gfx_theme(e->win_g);
  e->pending_theme = now == theme_get(THEME_LIGHT) ? theme_get(THEME_DARK) : theme_get(THEME_LIGHT);
  e->dirty = 1;
}

static void cycle_clamp(explorer *e) {
  static const char *const modes[] = {"free", "keep", "erase"};
  int m = e->clamp_mode > 2 ? 0 : e->clamp_mode;
  explorer_set_clamp_mode(e, modes[(m + 1) % 3], NULL);
}

int explorer_needs_redraw(explorer *e) {
  int changed = trainer_snapshot(e->tr, &e->snap);
  int notice = e->notice[0] && now_s() < e->notice_until;
  return changed || e->dirty || e->frames < 3 || e->export_view || e->export_panels || e->export_panels_2x || e->pending_reset ||
         notice != e->notice_shown;
}

int explorer_handle_event(explorer *e, const ui_event *ev) {
  e->dirty = 1;
  if (ev->type == UI_EV_QUIT) {
    e->quit = 1;
    return 1;
  }
  int used = ui_input(e->u, ev);
  if (ev->type != UI_EV_KEY_DOWN) return used;
  if (ui_wants_keyboard(e->u)) return used;
  ui_key k = ev->key;
  int mod = ev->mods;
  int T = e->snap.T;
  if (k == UI_KEY_F1 || k == '?' || (k == '/' && (mod & UI_MOD_SHIFT))) {
    e->help_open = !e->help_open;
    return 1;
  }
  if (e->help_open && k == UI_KEY_ESCAPE) {
    e->help_open = 0;
    return 1;
  }
  switch (k) {
  case UI_KEY_SPACE:
    if (!e->static_mode) explorer_play(e, !trainer_running(e->tr));
    return 1;
  case 'n':
    if (!e->static_mode) explorer_train(e, 1);
    return 1;
  case 'r':
    if (!e->static_mode) explorer_reset(e, NULL);
    return 1;
  case '+': case '=': case UI_KEY_KP_PLUS:
    trainer_set_speed(e->tr, trainer_speed(e->tr) + 1);
    return 1;
  case '-': case UI_KEY_KP_MINUS:
    trainer_set_speed(e->tr, trainer_speed(e->tr) - 1);
    return 1;
  case UI_KEY_LEFT:
    if (T > 0) e->sel_t = ex_sel_t(e) > 0 ? ex_sel_t(e) - 1 : 0;
    return 1;
  case UI_KEY_RIGHT:
    if (T > 0) e->sel_t = ex_sel_t(e) < T - 1 ? ex_sel_t(e) + 1 : T - 1;
    return 1;
  case UI_KEY_HOME:
    e->sel_t = 0;
    return 1;
  case UI_KEY_END:
    e->sel_t = -1;
    return 1;
  case 'c':
    cycle_clamp(e);
    return 1;
  case 'g':
    e->grad_raw = !e->grad_raw;
    return 1;
  case UI_KEY_TAB:
    return used;
  case '1': case '2': case '3':
    e->focus_slot = (int)(k - '1');
    return 1;
  case UI_KEY_F12:
    e->export_view = (mod & UI_MOD_SHIFT) ? 2 : 1;
    return 1;
  case 's':
    if (mod & UI_MOD_CTRL) {
      e->export_view = 1;
      return 1;
    }
    return used;
  case 'q':
    if (mod & UI_MOD_CTRL) {
      e->quit = 1;
      return 1;
    }
    return used;
  case 't':
    explorer_toggle_theme(e);
    return 1;
  default:
    return used;
  }
}

/* ---- layout and frame ------------------------------------------------------------------------- */

/* Panels beside the heatmaps, top to bottom, and their share of the height. */
static const rl_panel RIGHT_ORDER[] = {RL_PANEL_GRADIENTS, RL_PANEL_LAYERS, RL_PANEL_GRADNORM, RL_PANEL_CURVES,
                                       RL_PANEL_PREDICTIONS, RL_PANEL_EMBEDDING, RL_PANEL_DIAGRAM,
                                       RL_PANEL_DISTRIBUTION, RL_PANEL_BPTT, RL_PANEL_PARAMS};
static const float RIGHT_WEIGHT[] = {1.35f, 1.25f, 0.95f, 0.95f, 0.8f, 1.0f, 1.0f, 0.9f, 0.9f, 0.45f};
#define NRIGHT ((int)(sizeof RIGHT_ORDER / sizeof RIGHT_ORDER[0]))

static void draw_panel(explorer *e, rl_panel p, gfx_rect r) {
  switch (p) {
  case RL_PANEL_HEATMAPS: panel_heatmaps_draw(e, r); break;
  case RL_PANEL_GRADIENTS: panel_gradients_draw(e, r); break;
  case RL_PANEL_CURVES: panel_curves_draw(e, r); break;
  case RL_PANEL_DIAGRAM: panel_diagram_draw(e, r); break;
  case RL_PANEL_SIDEBAR: panel_sidebar_draw(e, r); break;
  case RL_PANEL_DISTRIBUTION: panel_distribution_draw(e, r); break;
  case RL_PANEL_BPTT: panel_bptt_draw(e, r); break;
  case RL_PANEL_PARAMS: panel_params_draw(e, r); break;
  case RL_PANEL_EMBEDDING: panel_embedding_draw(e, r); break;
  case RL_PANEL_PREDICTIONS: panel_predictions_draw(e, r); break;
  case RL_PANEL_LAYERS: panel_layers_draw(e, r); break;
  case RL_PANEL_GRADNORM: panel_gradnorm_draw(e, r); break;
  }
  int i = panel_index(p);
  if (i >= 0) e->rect[i] = r;
}

const char *explorer_format_count(long n, char *buf, size_t cap) {
  char digits[32];
  int len = snprintf(digits, sizeof digits, "%ld", n < 0 ? -n : n);
  size_t o = 0;
  if (n < 0 && o + 1 < cap) buf[o++] = '-';
  for (int i = 0; i < len && o + 1 < cap; i++) {
    if (i > 0 && (len - i) % 3 == 0 && o + 1 < cap) buf[o++] = ',';
    if (o + 1 < cap) buf[o++] = digits[i];
  }
  if (cap) buf[o] = 0;
  return buf;
}

/* The status at the right of the title: live play state and speed in the window; only the step
 * in an export (a figure says how far training went, not how fast the window ran). */
static void status_text(explorer *e, char *st, size_t cap) {
  char n[32];
  explorer_format_count(max_step(e), n, sizeof n);
  if (e->static_mode) {
    snprintf(st, cap, "%s", ex_chrome(e) ? "?  keys" : "");
  } else if (!ex_chrome(e)) {
    snprintf(st, cap, "step %s", n);
  } else {
    float sv = tr_speed_value(e->snap.speed_level);
    char spd[32];
    if (sv > 0) snprintf(spd, sizeof spd, "%g steps/s", (double)sv);
    else snprintf(spd, sizeof spd, "full speed");
    snprintf(st, cap, "%s   step %s   %s   ?  keys", e->snap.running ? "\u25B6 training" : "\u275A\u275A paused", n, spd);
  }
}

static void draw_header(explorer *e, gfx_rect r) {
  gfx *g = e->g;
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
             e->snap.running && ex_chrome(e) ? th->ok : th->text_dim, GFX_RIGHT | GFX_TOP);
  }
  char fit[800];
  gfx_text_fit(g, e->title, GFX_SANS, tp, r.w - 3 * pad - sw, fit, sizeof fit);
  gfx_text(g, r.x + pad, r.y + pad / 2, fit, GFX_SANS, tp, th->text, GFX_LEFT | GFX_TOP);
  int y2 = r.y + pad / 2 + gfx_line_height(g, GFX_SANS, tp) + gfx_px(g, 2);
  /* a notice (live window only) replaces the task line for a few seconds */
  if (ex_chrome(e) && e->notice[0] && now_s() < e->notice_until) {
    gfx_text_fit(g, e->notice, GFX_SANS, bp, r.w - 2 * pad, fit, sizeof fit);
    gfx_text(g, r.x + pad, y2, fit, GFX_SANS, bp, e->notice_error ? th->error : th->warn, GFX_LEFT | GFX_TOP);
    return;
  }
  char task[800];
  if (e->static_mode)
    snprintf(task, sizeof task, "text: %s", e->snap.example_text);
  else if (e->cfg.task.kind == RL_TASK_RECALL)
    snprintf(task, sizeof task, "Task: remember the first token until the query q.   Example: %s", e->snap.example_text);
  else
    snprintf(task, sizeof task, "Task: %s.   Example: %s", e->snap.task_name, e->snap.example_text);
  gfx_text_fit(g, task, GFX_SANS, bp, r.w - 2 * pad, fit, sizeof fit);
  gfx_text(g, r.x + pad, y2, fit, GFX_SANS, bp, th->text_dim, GFX_LEFT | GFX_TOP);
}

static int header_height(explorer *e) {
  gfx *g = e->g;
  if (e->presenting) return 0; /* the presenter's own header says what a slide is about */
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

static void draw_help(explorer *e, gfx_rect area) {
  gfx *g = e->g;
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
  gfx *g = e->g;
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
  e->token_stride = 1;
  for (int i = 0; i < np; i++) {
    float cw = order[i] == RL_PANEL_HEATMAPS ? panel_heatmaps_col_width(e, rects[i])
               : order[i] == RL_PANEL_GRADIENTS ? panel_gradients_col_width(e, rects[i])
                                                 : -1;
    if (cw <= 0) continue;
    int s = ex_token_stride(e, cw);
    if (s > e->token_stride) e->token_stride = s;
  }
}

static void draw_layout(explorer *e, gfx_rect area) {
  for (int i = 0; i < RL_PANEL_COUNT; i++) e->rect[i] = gfx_r(0, 0, 0, 0);
  e->area = area;
  rl_panel order[RL_PANEL_COUNT];
  gfx_rect rects[RL_PANEL_COUNT];
  int np = layout_panels(e, area, order, rects);
  choose_token_stride(e, order, rects, np);
  for (int i = 0; i < np; i++) draw_panel(e, order[i], rects[i]);
  int hh = header_height(e);
  if (hh > 0) draw_header(e, gfx_r(area.x, area.y, area.w, hh));
}

void ex_draw_view(explorer *e, gfx_rect area) {
  const theme *th = gfx_theme(e->g);
  gfx_fill_rect(e->g, area, th->bg);
  ui_begin(e->u);
  draw_layout(e, area);
  ui_end(e->u);
}

/* A single panel filling the whole target (render --panel, per-panel export). */
void ex_draw_single(explorer *e, rl_panel p, gfx_rect area) {
  const theme *th = gfx_theme(e->g);
  gfx_fill_rect(e->g, area, th->bg);
  ui_begin(e->u);
  for (int i = 0; i < RL_PANEL_COUNT; i++) e->rect[i] = gfx_r(0, 0, 0, 0);
  choose_token_stride(e, &p, &area, 1);
  draw_panel(e, p, area);
  ui_end(e->u);
}

void explorer_frame_in(explorer *e, gfx_rect area) {
  trainer_snapshot(e->tr, &e->snap);
  if (e->pending_reset && !ui_mouse_down(e->u, UI_BUTTON_LEFT)) {
    e->pending_reset = 0;
    tr_config c = e->cfg;
    trainer_get_config(e->tr, &e->cfg);
    e->cfg.lr = c.lr;
    e->cfg.clip = c.clip;
    ex_apply_config(e, &c);
  }
  if (e->snap.T > 0 && e->sel_t >= e->snap.T) e->sel_t = -1;
  ex_draw_view(e, area);
  if (e->help_open) draw_help(e, area);
  e->frames++;
  e->dirty = 0;
  if (e->pending_theme) { /* a theme chosen during this frame: the next frame is all in it */
    gfx_set_theme(e->win_g, e->pending_theme);
    if (e->g != e->win_g) gfx_set_theme(e->g, e->pending_theme);
    e->pending_theme = NULL;
    e->dirty = 1;
  }
  e->notice_shown = e->notice[0] && now_s() < e->notice_until;
  for (int scale = 1; scale <= 2; scale++) {
    unsigned pend = scale == 1 ? e->export_panels : e->export_panels_2x;
    if (scale == 1) e->export_panels = 0;
    else e->export_panels_2x = 0;
    for (int i = 0; i < RL_PANEL_COUNT; i++)
      if (pend & (1u << i)) {
        char path[1024];
        rl_error err;
        if (explorer_export_panel(e, (rl_panel)(1u << i), scale, path, sizeof path, &err))
          explorer_notice(e, 1, "Export failed: %s", err.msg);
        else
          explorer_notice(e, 0, "Saved %s (+ .csv)", path);
      }
  }
  if (e->export_view) {
    int scale = e->export_view;
    e->export_view = 0;
    char path[1024];
    rl_error err;
    if (explorer_export_view(e, scale, path, sizeof path, &err))
      explorer_notice(e, 1, "Export failed: %s", err.msg);
    else
      explorer_notice(e, 0, "Saved %s", path);
  }
}

void explorer_frame(explorer *e) {
  gfx_begin_frame(e->g);
  gfx_rect all = {0, 0, gfx_width(e->g), gfx_height(e->g)};
  explorer_frame_in(e, all);
}
