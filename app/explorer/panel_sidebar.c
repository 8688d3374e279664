/* The sidebar: controls for training, the model slots, the task and the training settings.
 * Learning rate, clipping and speed apply live; everything else resets the models (with a notice),
 * applied when the mouse button is released so a slider drag resets once. */
#include "panels.h"
#include <math.h>
#include <string.h>

/* cell choices of a slot */
static const char *const CELL_OPTS[] = {"off", "RNN tanh", "RNN ReLU", "RNN sigmoid", "LSTM", "GRU"};
#define NCELL_OPTS 6
static const char *const TASK_OPTS[] = {"recall", "agreement", "order", "sentiment", "lm"};
static const char *const OPT_OPTS[] = {"SGD", "momentum", "Adam"};
static const char *const CLAMP_OPTS[] = {"free", "keep (f=1, i=0)", "erase (f=0)"};

static int spec_to_opt(const tr_model_spec *s) {
  if (!s->used) return 0;
  if (s->cell == RL_CELL_LSTM) return 4;
  if (s->cell == RL_CELL_GRU) return 5;
  return 1 + (int)s->nonlin;
}

/* Slider ranges widened to include the current value, so a value set from the command line or a
 * lesson is shown as it is and never clamped (a clamped value would count as a change). */
static float lo_of(float lo, float v) { return isfinite(v) && v < lo ? v : lo; }
static float hi_of(float hi, float v) { return isfinite(v) && v > hi ? v : hi; }
static int ilo_of(int lo, int v) { return v < lo ? v : lo; }
static int ihi_of(int hi, int v) { return v > hi ? v : hi; }

static void opt_to_spec(int o, tr_model_spec *s) {
  s->used = o != 0;
  if (o >= 1 && o <= 3) {
    s->cell = RL_CELL_RNN;
    s->nonlin = (rl_nonlin)(o - 1);
  } else if (o == 4) {
    s->cell = RL_CELL_LSTM;
  } else if (o == 5) {
    s->cell = RL_CELL_GRU;
  }
}

static void sidebar_actions(explorer *e);

void panel_sidebar_draw(explorer *e, gfx_rect r) {
  gfx *g = e->g;
  ui *u = e->u;
  const theme *th = gfx_theme(g);
  gfx_fill_rect(g, r, th->panel);
  if (e->highlight & RL_PANEL_SIDEBAR) gfx_stroke_rect(g, r, gfx_px(g, 3), th->accent);
  ui_layout_begin_scroll(u, r, &e->sidebar_scroll); /* scrolls when it does not fit */
  tr_config c = e->cfg;
  int reset = 0;
  /* On a slide or in an exported figure the sidebar documents the settings; its buttons, speed
   * and text boxes belong to the live window. */
  int live = ex_chrome(e);
  if (!e->static_mode && live) {
    ui_row(u, 3, NULL, 0);
    if (ui_button(u, e->snap.running ? "Pause" : "Play")) explorer_play(e, !e->snap.running);
    ui_tooltip(u, "Space: play / pause training");
    if (ui_button(u, "Step")) explorer_train(e, 1);
    ui_tooltip(u, "N: one training step");
    if (ui_button(u, "Reset")) {
      rl_error err;
      explorer_reset(e, &err);
    }
    ui_tooltip(u, "R: new weights from the same seed");
    ui_row(u, 1, NULL, 0);
    int speed = e->snap.speed_level;
    float sp = (float)speed;
    char fmt[64];
    float sv = tr_speed_value(speed);
    if (sv > 0) snprintf(fmt, sizeof fmt, "%g steps/s", (double)sv);
    else snprintf(fmt, sizeof fmt, "max");
    /* the value text is built from the level, so the format holds no conversion */
    if (ui_slider(u, "speed", &sp, 0, TR_SPEED_LEVELS - 1, UI_INT, fmt))
      trainer_set_speed(e->tr, (int)lroundf(sp));
    ui_tooltip(u, "+ / - : training speed");
  }
  if (!e->static_mode) {
    ui_space(u, gfx_px(g, 8));
    for (int k = 0; k < TR_MAX_SLOTS; k++) {
      ui_push_id(u, k);
      int o = spec_to_opt(&c.models[k]);
      char lab[16];
      snprintf(lab, sizeof lab, "%c", 'A' + k);
      if (ui_select(u, lab, &o, CELL_OPTS, NCELL_OPTS)) {
        opt_to_spec(o, &c.models[k]);
        reset = 1;
      }
      ui_pop_id(u);
    }
    ui_space(u, gfx_px(g, 6));
    int task = (int)c.task.kind;
    if (ui_select(u, "task", &task, TASK_OPTS, 5)) {
      rl_task_opts t = rl_task_default((rl_task_kind)task);
      if (task == RL_TASK_RECALL) t = e->cfg.task, t.kind = RL_TASK_RECALL;
      c.task = t;
      reset = 1;
    }
    if (c.task.kind == RL_TASK_RECALL || c.task.kind == RL_TASK_ORDER || c.task.kind == RL_TASK_LM) {
      int d = c.task.length;
      const char *lab = c.task.kind == RL_TASK_RECALL ? "distance" : "length";
      if (ui_slider_int(u, lab, &d, ilo_of(c.task.kind == RL_TASK_ORDER ? 8 : 1, d), ihi_of(200, d))) {
        c.task.length = d;
        reset = 1;
      }
      ui_tooltip(u, "steps between the key and the query (recall); sequence length otherwise");
    }
    ui_space(u, gfx_px(g, 8));
    int h = c.hidden;
    if (ui_slider_int(u, "hidden", &h, ilo_of(2, h), ihi_of(256, h))) {
      c.hidden = h;
      reset = 1;
    }
    if (ui_slider(u, "learning rate", &c.lr, lo_of(1e-4f, c.lr), hi_of(1.0f, c.lr), UI_LOG, "%.2g")) trainer_set_lr(e->tr, c.lr);
    ui_tooltip(u, "applies at the next step, training continues");
    int opt = (int)c.opt;
    if (ui_select(u, "optimizer", &opt, OPT_OPTS, 3)) {
      c.opt = (rl_opt_kind)opt;
      reset = 1;
    }
    float clip = c.clip;
    if (ui_slider(u, "clip norm", &clip, 0.0f, hi_of(10.0f, clip), 0, clip > 0 ? "%.2g" : "off")) {
      c.clip = clip < 0.05f ? 0.0f : clip;
      trainer_set_clip(e->tr, c.clip);
    }
    ui_tooltip(u, "global gradient-norm clipping (0 = off); applies live");
    float rad = c.radius;
    if (ui_slider(u, "W_hh radius", &rad, 0.0f, hi_of(2.0f, rad), 0, rad > 0 ? "%.2f" : "default")) {
      c.radius = rad < 0.02f ? 0.0f : rad;
      reset = 1;
    }
    ui_tooltip(u, "spectral radius of the recurrent weights at initialisation (0 = PyTorch default)");
    float fb = isfinite(c.forget_bias) ? c.forget_bias : 0.0f;
    if (ui_slider(u, "forget bias", &fb, lo_of(-3.0f, fb), hi_of(5.0f, fb), 0, isfinite(c.forget_bias) ? "%.1f" : "default")) {
      c.forget_bias = fb;
      reset = 1;
    }
    ui_tooltip(u, "LSTM forget-gate bias at initialisation");
    ui_space(u, gfx_px(g, 6));
  }
  if (e->static_mode && live) {
    int submitted = 0;
    ui_textbox(u, "your sentence + Return", e->text, sizeof e->text, &submitted);
    if (submitted) {
      rl_error err;
      char copy[512];
      snprintf(copy, sizeof copy, "%s", e->text);
      if (explorer_set_text(e, copy, &err)) explorer_notice(e, 1, "%s", err.msg);
    }
    ui_space(u, gfx_px(g, 6));
  }
  if (!e->static_mode && live) {
    int submitted = 0;
    ui_textbox(u, "your sentence + Return", e->example, sizeof e->example, &submitted);
    ui_tooltip(u, "shows your sentence (words of the task) on every model while training goes on; "
                  "empty + Return: the task's own example");
    if (submitted) {
      rl_error err;
      char copy[256];
      snprintf(copy, sizeof copy, "%s", e->example);
      explorer_set_text(e, copy, &err); /* an unknown word is shown as a notice */
    }
  }
  int cm = e->clamp_mode > 2 ? 0 : e->clamp_mode;
  if (ui_select(u, "LSTM clamp", &cm, CLAMP_OPTS, 3)) {
    static const char *const modes[] = {"free", "keep", "erase"};
    explorer_set_clamp_mode(e, modes[cm], NULL);
  }
  ui_tooltip(u, "applied to the displayed example only: the trained weights are not touched");
  if (live) sidebar_actions(e);
  ui_layout_end_scroll(u, &e->sidebar_scroll);
  if (ui_textbox_overflowed(u))
    explorer_notice(e, 1, "That box is full: it holds at most %d bytes of text", (int)sizeof e->example - 1);
  if (reset) {
    e->cfg = c;
    e->pending_reset = 1;
  } else {
    e->cfg.lr = c.lr;
    e->cfg.clip = c.clip;
  }
}

/* The buttons at the bottom: live window only. */
static void sidebar_actions(explorer *e) {
  ui *u = e->u;
  ui_row(u, 2, NULL, 0);
  if (!e->static_mode && ui_button(u, "New example")) {
    trainer_set_example(e->tr, e->cfg.example_seed + 1), e->cfg.example_seed++;
    e->cfg.text[0] = e->example[0] = 0;
  }
  if (ui_button(u, gfx_theme(e->g) == theme_get(THEME_LIGHT) ? "Dark theme" : "Light theme")) explorer_toggle_theme(e);
  ui_row(u, 1, NULL, 0);
  if (ui_button(u, "Export view (F12)")) e->export_view = 1;
  if (!e->static_mode) {
    int submitted = 0;
    ui_textbox(u, "model file path + Return", e->open_path, sizeof e->open_path, &submitted);
    ui_tooltip(u, "type the path of a .safetensors model file (rnnlab's, or PyTorch's with vocabulary "
                  "metadata) and press Return to see its gates on a sentence");
    if (submitted && e->open_path[0]) {
      rl_error err;
      char path[512];
      snprintf(path, sizeof path, "%s", e->open_path);
      if (explorer_open_model(e, path, NULL, &err)) explorer_notice(e, 1, "%s", err.msg);
    }
  }
}
