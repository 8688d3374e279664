/* The explorer: creation, the lesson-facing setters, keys, and the frame (draw, then carry out
 * what the panels asked for, then exports). Layout and header: layout.c; panels: panel_*.c;
 * exports: export.c. */
#include "explorer_state.h"
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

/* ---- creation -------------------------------------------------------------------------------- */

static explorer *alloc_explorer(gfx *g, rl_error *err) {
  explorer *e = calloc(1, sizeof *e);
  if (!e) {
    rl_fail(err, "out of memory");
    return NULL;
  }
  e->v.g = e->win_g = g;
  e->v.u = e->win_u = ui_create(g);
  if (!e->v.u) {
    free(e);
    rl_fail(err, "out of memory for the widgets");
    return NULL;
  }
  tr_snapshot_init(&e->v.snap);
  e->v.req = ex_requests_none();
  e->show = DEFAULT_SHOW;
  e->v.sel_t = -1;
  e->v.focus_slot = -1;
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
  e->v.cfg = d.train;
  if (d.export_dir) snprintf(e->export_dir, sizeof e->export_dir, "%s", d.export_dir);
  if (d.title) snprintf(e->title, sizeof e->title, "%s", d.title);
  if (trainer_create(&e->v.cfg, &e->tr, err)) {
    explorer_destroy(e);
    return -1;
  }
  if (d.speed_level >= 0) trainer_set_speed(e->tr, d.speed_level);
  if (d.autoplay) trainer_set_running(e->tr, 1);
  trainer_snapshot(e->tr, &e->v.snap);
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
  e->v.static_mode = 1;
  e->show = RL_PANEL_SIDEBAR | RL_PANEL_HEATMAPS | RL_PANEL_GRADIENTS | RL_PANEL_DIAGRAM |
            RL_PANEL_DISTRIBUTION;
  e->v.sel_t = -1;
  e->v.focus_slot = -1;
  snprintf(e->title, sizeof e->title, "%s", "A model file on your text");
  trainer_get_config(e->tr, &e->v.cfg);
  trainer_wait_idle(e->tr, 10.0);
  trainer_snapshot(e->tr, &e->v.snap);
}

int explorer_create_view(gfx *g, rl_model *m, const char *text, explorer **out, rl_error *err) {
  *out = NULL;
  explorer *e = alloc_explorer(g, err);
  if (!e) {
    rl_model_free(m);
    return -1;
  }
  if (make_static(m, text, &e->tr, e->v.text, sizeof e->v.text, err)) {
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
  snprintf(e->v.text, sizeof e->v.text, "%s", used);
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
  snprintf(e->v.cfg.text, sizeof e->v.cfg.text, "%s", now.text);
  snprintf(e->v.example, sizeof e->v.example, "%s", now.text);
  e->v.sel_t = -1;
  trainer_wait_idle(e->tr, 10.0);
  trainer_snapshot(e->tr, &e->v.snap);
  return 0;
}

int explorer_set_text(explorer *e, const char *text, rl_error *err) {
  rl_error tmp;
  if (!err) err = &tmp;
  if (!e->v.static_mode) return show_text(e, text, err);
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
    snprintf(e->v.text, sizeof e->v.text, "%s", text);
    e->v.sel_t = -1;
    trainer_wait_idle(e->tr, 10.0);
    trainer_snapshot(e->tr, &e->v.snap);
  }
  return rc;
}

void explorer_destroy(explorer *e) {
  if (!e) return;
  trainer_destroy(e->tr);
  tr_snapshot_free(&e->v.snap);
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
  if (e->v.static_mode) return rl_fail(err, "a loaded model cannot be retrained here");
  int was_running = e->v.snap.running;
  int speed = trainer_speed(e->tr);
  if (trainer_reset(e->tr, c, err)) {
    explorer_notice(e, 1, "%s", err->msg);
    /* go back to the last working configuration */
    rl_error e2;
    if (trainer_reset(e->tr, &e->v.cfg, &e2) == 0) trainer_set_running(e->tr, was_running);
    return -1;
  }
  e->v.cfg = *c;
  e->train_from = e->train_goal = 0;
  trainer_set_speed(e->tr, speed);
  if (was_running) trainer_set_running(e->tr, 1);
  e->v.sel_t = -1;
  e->v.bptt = 0;
  tr_config now;
  trainer_get_config(e->tr, &now);
  snprintf(e->v.cfg.text, sizeof e->v.cfg.text, "%s", now.text);
  snprintf(e->v.example, sizeof e->v.example, "%s", now.text);
  if (c->text[0] && !now.text[0]) {
    explorer_notice(e, 1, "%s: \"%.60s\" does not fit the %s task, so it shows one of its own examples", why,
                    c->text, rl_task_kind_name(c->task.kind));
    trainer_snapshot(e->tr, &e->v.snap);
    return 0;
  }
  explorer_notice(e, 0, "%s: models re-initialised, training restarts from step 0", why);
  trainer_snapshot(e->tr, &e->v.snap);
  return 0;
}

void ex_apply_config(explorer *e, const tr_config *c) {
  rl_error err;
  tr_config old = e->v.cfg;
  e->v.cfg = old; /* do_reset sets it on success */
  do_reset(e, c, "Architecture changed", &err);
}

int explorer_set_config(explorer *e, const tr_config *c, rl_error *err) {
  rl_error tmp;
  return do_reset(e, c, "Settings changed", err ? err : &tmp);
}

void explorer_get_config(explorer *e, tr_config *out) { *out = e->v.cfg; }

int explorer_set_models(explorer *e, const tr_model_spec *m, int n, rl_error *err) {
  tr_config c = e->v.cfg;
  for (int k = 0; k < TR_MAX_SLOTS; k++) {
    if (k < n && m[k].used) {
      c.models[k] = m[k];
    } else {
      memset(&c.models[k], 0, sizeof c.models[k]);
    }
  }
  rl_error tmp;
  return do_reset(e, &c, "Models changed", err ? err : &tmp);
}

int explorer_set_task(explorer *e, const char *task, int length, rl_error *err) {
  rl_task_kind k;
  rl_error tmp;
  if (!err) err = &tmp;
  if (rl_task_kind_parse(task, &k)) return rl_fail(err, "unknown task '%s' (recall, agreement, order, sentiment, lm)", task);
  tr_config c = e->v.cfg;
  if (c.task.kind != k) c.task = rl_task_default(k);
  if (length > 0) c.task.length = length;
  return do_reset(e, &c, "Task changed", err);
}

int explorer_set_value(explorer *e, const char *name, double v, rl_error *err) {
  rl_error tmp;
  if (!err) err = &tmp;
  tr_config c = e->v.cfg;
  if (!strcmp(name, "lr")) {
    if (!(v > 0)) return rl_fail(err, "lr must be > 0");
    e->v.cfg.lr = (float)v;
    trainer_set_lr(e->tr, (float)v);
    return 0;
  }
  if (!strcmp(name, "clip")) {
    e->v.cfg.clip = (float)v;
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
  e->v.highlight = highlight;
}

unsigned explorer_panels_shown(const explorer *e) { return e->show; }

void explorer_set_title(explorer *e, const char *title) {
  snprintf(e->title, sizeof e->title, "%s", title ? title : DEFAULT_TITLE);
}

void explorer_set_key_help(explorer *e, const char *const *pairs) { e->key_help = pairs; }

void explorer_set_presenting(explorer *e, int on) { e->v.presenting = on; }

void explorer_set_text_observer(explorer *e, gfx_text_observer fn, void *ctx) {
  e->observer = fn;
  e->observer_ctx = ctx;
  gfx_set_text_observer(e->win_g, fn, ctx);
}

void explorer_set_gradient_scale(explorer *e, int raw) { e->v.grad_raw = raw != 0; }
int explorer_gradient_raw(const explorer *e) { return e->v.grad_raw; }

int explorer_help_open(const explorer *e) { return e->help_open; }

void explorer_set_lesson_name(explorer *e, const char *name) {
  snprintf(e->lesson_name, sizeof e->lesson_name, "%s", name && *name ? name : "explorer");
}

void explorer_play(explorer *e, int on) {
  trainer_set_running(e->tr, on);
  trainer_snapshot(e->tr, &e->v.snap);
}

int explorer_playing(explorer *e) { return trainer_running(e->tr); }

void explorer_train(explorer *e, long steps) {
  long now = ex_step(&e->v);
  if (e->train_goal <= now || e->train_generation != e->v.snap.generation) { /* a new run of queued steps */
    e->train_from = e->train_goal = now;
    e->train_generation = e->v.snap.generation;
  }
  e->train_goal += steps;
  trainer_step(e->tr, steps);
  trainer_snapshot(e->tr, &e->v.snap);
}

int explorer_training_progress(const explorer *e, long *done, long *total) {
  long now = ex_step(&e->v);
  if (e->train_goal <= e->train_from || e->v.snap.generation != e->train_generation) return 0;
  if (done) *done = now - e->train_from < 0 ? 0 : now - e->train_from;
  if (total) *total = e->train_goal - e->train_from;
  return now < e->train_goal ? 1 : 2;
}

int explorer_wait(explorer *e, double timeout_s) {
  int rc = trainer_wait_idle(e->tr, timeout_s);
  trainer_snapshot(e->tr, &e->v.snap);
  return rc;
}

int explorer_reset(explorer *e, rl_error *err) {
  rl_error tmp;
  tr_config c = e->v.cfg;
  return do_reset(e, &c, "Reset", err ? err : &tmp);
}

void explorer_select_timestep(explorer *e, int t) {
  e->v.sel_t = t;
  e->v.bptt = 0;
}
int explorer_selected_timestep(const explorer *e) { return ex_sel_t(&e->v); }

void explorer_bptt(explorer *e, int t) {
  e->v.sel_t = t;
  e->v.bptt = 1;
}

int explorer_bptt_reached(const explorer *e) { return e->v.bptt ? ex_sel_t(&e->v) : -1; }

void explorer_set_clamps(explorer *e, const float clamp[4], int from_t) {
  rl_clamps c;
  c.from_t = from_t > 0 ? from_t : 0;
  e->v.clamp_from = c.from_t;
  int any = 0;
  for (int i = 0; i < 4; i++) {
    c.value[i] = clamp[i];
    e->clamp[i] = clamp[i];
    any |= !isnan(clamp[i]);
  }
  e->v.clamp_mode = !any ? 0 : (clamp[1] == 1.0f && clamp[0] == 0.0f && isnan(clamp[2]) && isnan(clamp[3])) ? 1
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

void explorer_focus_slot(explorer *e, int slot) { e->v.focus_slot = slot; }

const tr_snapshot *explorer_snapshot(const explorer *e) { return &e->v.snap; }

gfx_rect explorer_panel_rect(const explorer *e, rl_panel p) {
  int i = panel_index(p);
  gfx_rect z = {0, 0, 0, 0};
  if (i < 0 || !(e->show & (unsigned)p)) return z;
  return e->v.rect[i];
}

/* ---- events ----------------------------------------------------------------------------------- */

void explorer_toggle_theme(explorer *e) {
  const theme *now = e->pending_theme ? e->pending_theme : gfx_theme(e->win_g);
  e->pending_theme = now == theme_get(THEME_LIGHT) ? theme_get(THEME_DARK) : theme_get(THEME_LIGHT);
  e->dirty = 1;
}

static void cycle_clamp(explorer *e) {
  static const char *const modes[] = {"free", "keep", "erase"};
  int m = e->v.clamp_mode > 2 ? 0 : e->v.clamp_mode;
  explorer_set_clamp_mode(e, modes[(m + 1) % 3], NULL);
}

int explorer_needs_redraw(explorer *e) {
  int changed = trainer_snapshot(e->tr, &e->v.snap);
  int notice = e->notice[0] && now_s() < e->notice_until;
  return changed || e->dirty || e->frames < 3 || e->v.req.export_view || e->v.req.export_panels || e->v.req.export_panels_2x || e->pending_reset ||
         notice != e->notice_shown;
}

/* The explorer's own keys (not used by a widget). Returns 1 if k is one of them, else used. */
static int handle_key(explorer *e, ui_key k, int mod, int used) {
  int T = e->v.snap.T;
  switch (k) {
  case UI_KEY_SPACE:
    if (!e->v.static_mode) explorer_play(e, !trainer_running(e->tr));
    return 1;
  case 'n':
    if (!e->v.static_mode) explorer_train(e, 1);
    return 1;
  case 'r':
    if (!e->v.static_mode) explorer_reset(e, NULL);
    return 1;
  case '+': case '=': case UI_KEY_KP_PLUS:
    trainer_set_speed(e->tr, trainer_speed(e->tr) + 1);
    return 1;
  case '-': case UI_KEY_KP_MINUS:
    trainer_set_speed(e->tr, trainer_speed(e->tr) - 1);
    return 1;
  case UI_KEY_LEFT:
    if (T > 0) e->v.sel_t = ex_sel_t(&e->v) > 0 ? ex_sel_t(&e->v) - 1 : 0;
    return 1;
  case UI_KEY_RIGHT:
    if (T > 0) e->v.sel_t = ex_sel_t(&e->v) < T - 1 ? ex_sel_t(&e->v) + 1 : T - 1;
    return 1;
  case UI_KEY_HOME:
    e->v.sel_t = 0;
    return 1;
  case UI_KEY_END:
    e->v.sel_t = -1;
    return 1;
  case 'c':
    cycle_clamp(e);
    return 1;
  case 'g':
    e->v.grad_raw = !e->v.grad_raw;
    return 1;
  case UI_KEY_TAB:
    return used;
  case '1': case '2': case '3':
    e->v.focus_slot = (int)(k - '1');
    return 1;
  case UI_KEY_F12:
    e->v.req.export_view = (mod & UI_MOD_SHIFT) ? 2 : 1;
    return 1;
  case 's':
    if (mod & UI_MOD_CTRL) {
      e->v.req.export_view = 1;
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

int explorer_handle_event(explorer *e, const ui_event *ev) {
  e->dirty = 1;
  if (ev->type == UI_EV_QUIT) {
    e->quit = 1;
    return 1;
  }
  int used = ui_input(e->v.u, ev);
  if (ev->type != UI_EV_KEY_DOWN) return used;
  if (ui_wants_keyboard(e->v.u)) return used;
  ui_key k = ev->key;
  int mod = ev->mods;
  if (k == UI_KEY_F1 || k == '?' || (k == '/' && (mod & UI_MOD_SHIFT))) {
    e->help_open = !e->help_open;
    return 1;
  }
  if (e->help_open && k == UI_KEY_ESCAPE) {
    e->help_open = 0;
    return 1;
  }
  return handle_key(e, k, mod, used);
}

/* What the panels asked for while they were drawn (panel.h), carried out after the frame.
 * Returns 1 if anything was done (the next frame shows it). Exports wait for the end of the frame. */
static int carry_out(explorer *e) {
  ex_requests q = e->v.req;
  e->v.req = ex_requests_none();
  e->v.req.export_view = q.export_view;
  e->v.req.export_panels = q.export_panels;
  e->v.req.export_panels_2x = q.export_panels_2x;
  rl_error err;
  if (q.play >= 0) explorer_play(e, q.play);
  if (q.train > 0) explorer_train(e, q.train);
  if (q.reset) explorer_reset(e, &err);
  if (q.speed >= 0) trainer_set_speed(e->tr, q.speed);
  if (q.live & 1) trainer_set_lr(e->tr, e->v.cfg.lr);
  if (q.live & 2) trainer_set_clip(e->tr, e->v.cfg.clip);
  if (q.config) e->pending_reset = 1;
  if (q.clamp) explorer_set_clamp_mode(e, q.clamp, NULL);
  if (q.show_text) {
    char copy[512];
    snprintf(copy, sizeof copy, "%s", e->v.static_mode ? e->v.text : e->v.example);
    /* training mode: an unknown word is shown as a notice by explorer_set_text */
    if (explorer_set_text(e, copy, &err) && e->v.static_mode) explorer_notice(e, 1, "%s", err.msg);
  }
  if (q.new_example) {
    trainer_set_example(e->tr, e->v.cfg.example_seed + 1), e->v.cfg.example_seed++;
    e->v.cfg.text[0] = e->v.example[0] = 0;
  }
  if (q.toggle_theme) explorer_toggle_theme(e);
  if (q.open_model) {
    char path[512];
    snprintf(path, sizeof path, "%s", e->v.open_path);
    if (explorer_open_model(e, path, NULL, &err)) explorer_notice(e, 1, "%s", err.msg);
  }
  if (q.text_full)
    explorer_notice(e, 1, "That box is full: it holds at most %d bytes of text", (int)sizeof e->v.example - 1);
  return q.play >= 0 || q.train > 0 || q.reset || q.speed >= 0 || q.live || q.config || q.clamp || q.show_text ||
         q.new_example || q.toggle_theme || q.open_model || q.text_full;
}

/* The exports asked for during the frame (export buttons, F12, the sidebar, scripts). */
static void run_exports(explorer *e) {
  for (int scale = 1; scale <= 2; scale++) {
    unsigned pend = scale == 1 ? e->v.req.export_panels : e->v.req.export_panels_2x;
    if (scale == 1) e->v.req.export_panels = 0;
    else e->v.req.export_panels_2x = 0;
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
  if (e->v.req.export_view) {
    int scale = e->v.req.export_view;
    e->v.req.export_view = 0;
    char path[1024];
    rl_error err;
    if (explorer_export_view(e, scale, path, sizeof path, &err))
      explorer_notice(e, 1, "Export failed: %s", err.msg);
    else
      explorer_notice(e, 0, "Saved %s", path);
  }
}

void explorer_frame_in(explorer *e, gfx_rect area) {
  trainer_snapshot(e->tr, &e->v.snap);
  if (e->pending_reset && !ui_mouse_down(e->v.u, UI_BUTTON_LEFT)) {
    e->pending_reset = 0;
    tr_config c = e->v.cfg;
    trainer_get_config(e->tr, &e->v.cfg);
    e->v.cfg.lr = c.lr;
    e->v.cfg.clip = c.clip;
    ex_apply_config(e, &c);
  }
  if (e->v.snap.T > 0 && e->v.sel_t >= e->v.snap.T) e->v.sel_t = -1;
  e->notice_visible = e->notice[0] && now_s() < e->notice_until;
  ex_draw_view(e, area);
  int acted = carry_out(e);
  if (e->help_open) ex_draw_help(e, area);
  e->frames++;
  e->dirty = acted; /* something the panels asked for was done after drawing: show it */
  if (e->pending_theme) { /* a theme chosen during this frame: the next frame is all in it */
    gfx_set_theme(e->win_g, e->pending_theme);
    if (e->v.g != e->win_g) gfx_set_theme(e->v.g, e->pending_theme);
    e->pending_theme = NULL;
    e->dirty = 1;
  }
  e->notice_shown = e->notice[0] && now_s() < e->notice_until;
  run_exports(e);
}

void explorer_frame(explorer *e) {
  gfx_begin_frame(e->v.g);
  gfx_rect all = {0, 0, gfx_width(e->v.g), gfx_height(e->v.g)};
  explorer_frame_in(e, all);
}

/* ---- figures and what the command line asks ------------------------------------------------- */

void explorer_press_export(explorer *e, rl_panel p) { e->v.req.export_panels |= (unsigned)p; }

void explorer_draw_figure(explorer *e, rl_panel p) {
  gfx *g = e->v.g;
  e->v.exporting = 1; /* a figure: no controls, hints or notices */
  if (p) {
    gfx_begin_frame(g);
    trainer_snapshot(e->tr, &e->v.snap);
    ex_draw_single(e, p, gfx_r(0, 0, gfx_width(g), gfx_height(g)));
  } else {
    explorer_frame(e);
  }
  e->v.exporting = 0;
}

long explorer_step(const explorer *e) { return ex_step(&e->v); }

long explorer_total_steps(explorer *e) { return trainer_total_steps(e->tr); }

const char *explorer_notice_text(const explorer *e, int *is_error) {
  if (is_error) *is_error = e->notice_error;
  return e->notice;
}
