/* The sidebar: controls for training, the model slots, the task and the training settings.
 * Learning rate, clipping and speed apply live; everything else resets the models (with a notice),
 * applied when the mouse button is released so a slider drag resets once. Like every panel it
 * only asks (the view's requests); the explorer acts after the frame. */
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

/* Play, Step, Reset and the speed: live window only. */
static void sidebar_controls(ex_view *v) {
  ui *u = v->u;
  ui_row(u, 3, NULL, 0);
  if (ui_button(u, v->snap.running ? "Pause" : "Play")) v->req.play = !v->snap.running;
  ui_tooltip(u, "Space: play / pause training");
  if (ui_button(u, "Step")) v->req.train += 1;
  ui_tooltip(u, "N: one training step");
  if (ui_button(u, "Reset")) v->req.reset = 1;
  ui_tooltip(u, "R: new weights from the same seed");
  ui_row(u, 1, NULL, 0);
  int speed = v->snap.speed_level;
  float sp = (float)speed;
  char fmt[64];
  float sv = tr_speed_value(speed);
  if (sv > 0) snprintf(fmt, sizeof fmt, "%g steps/s", (double)sv);
  else snprintf(fmt, sizeof fmt, "max");
  /* the value text is built from the level, so the format holds no conversion */
  if (ui_slider(u, "speed", &sp, 0, TR_SPEED_LEVELS - 1, UI_INT, fmt)) v->req.speed = (int)lroundf(sp);
  ui_tooltip(u, "+ / - : training speed");
}

/* The model slots, the task and its length. Returns 1 if any changed (a reset). */
static int sidebar_models_task(ex_view *v, tr_config *c) {
  ui *u = v->u;
  int reset = 0;
  ui_space(u, gfx_px(v->g, 8));
  for (int k = 0; k < TR_MAX_SLOTS; k++) {
    ui_push_id(u, k);
    int o = spec_to_opt(&c->models[k]);
    char lab[16];
    snprintf(lab, sizeof lab, "%c", 'A' + k);
    if (ui_select(u, lab, &o, CELL_OPTS, NCELL_OPTS)) {
      opt_to_spec(o, &c->models[k]);
      reset = 1;
    }
    ui_pop_id(u);
  }
  ui_space(u, gfx_px(v->g, 6));
  int task = (int)c->task.kind;
  if (ui_select(u, "task", &task, TASK_OPTS, 5)) {
    rl_task_opts t = rl_task_default((rl_task_kind)task);
    if (task == RL_TASK_RECALL) t = v->cfg.task, t.kind = RL_TASK_RECALL;
    c->task = t;
    reset = 1;
  }
  if (c->task.kind == RL_TASK_RECALL || c->task.kind == RL_TASK_ORDER || c->task.kind == RL_TASK_LM) {
    int d = c->task.length;
    const char *lab = c->task.kind == RL_TASK_RECALL ? "distance" : "length";
    if (ui_slider_int(u, lab, &d, ilo_of(c->task.kind == RL_TASK_ORDER ? 8 : 1, d), ihi_of(200, d))) {
      c->task.length = d;
      reset = 1;
    }
    ui_tooltip(u, "steps between the key and the query (recall); sequence length otherwise");
  }
  return reset;
}

/* Hidden size, learning rate, optimizer, clipping, W_hh radius, forget bias. Learning rate and
 * clipping ask to apply live; returns 1 if anything else changed (a reset). */
static int sidebar_training(ex_view *v, tr_config *c) {
  ui *u = v->u;
  int reset = 0;
  ui_space(u, gfx_px(v->g, 8));
  int h = c->hidden;
  if (ui_slider_int(u, "hidden", &h, ilo_of(2, h), ihi_of(256, h))) {
    c->hidden = h;
    reset = 1;
  }
  if (ui_slider(u, "learning rate", &c->lr, lo_of(1e-4f, c->lr), hi_of(1.0f, c->lr), UI_LOG, "%.2g")) v->req.live |= 1;
  ui_tooltip(u, "applies at the next step, training continues");
  int opt = (int)c->opt;
  if (ui_select(u, "optimizer", &opt, OPT_OPTS, 3)) {
    c->opt = (rl_opt_kind)opt;
    reset = 1;
  }
  float clip = c->clip;
  if (ui_slider(u, "clip norm", &clip, 0.0f, hi_of(10.0f, clip), 0, clip > 0 ? "%.2g" : "off")) {
    c->clip = clip < 0.05f ? 0.0f : clip;
    v->req.live |= 2;
  }
  ui_tooltip(u, "global gradient-norm clipping (0 = off); applies live");
  float rad = c->radius;
  if (ui_slider(u, "W_hh radius", &rad, 0.0f, hi_of(2.0f, rad), 0, rad > 0 ? "%.2f" : "default")) {
    c->radius = rad < 0.02f ? 0.0f : rad;
    reset = 1;
  }
  ui_tooltip(u, "spectral radius of the recurrent weights at initialisation (0 = PyTorch default)");
  float fb = isfinite(c->forget_bias) ? c->forget_bias : 0.0f;
  if (ui_slider(u, "forget bias", &fb, lo_of(-3.0f, fb), hi_of(5.0f, fb), 0, isfinite(c->forget_bias) ? "%.1f" : "default")) {
    c->forget_bias = fb;
    reset = 1;
  }
  ui_tooltip(u, "LSTM forget-gate bias at initialisation");
  ui_space(u, gfx_px(v->g, 6));
  return reset;
}

/* The sentence box: a loaded model's text (view mode) or the example shown while training. */
static void sidebar_text(ex_view *v) {
  ui *u = v->u;
  int submitted = 0;
  if (v->static_mode) {
    ui_textbox(u, "your sentence + Return", v->text, sizeof v->text, &submitted);
  } else {
    ui_textbox(u, "your sentence + Return", v->example, sizeof v->example, &submitted);
    ui_tooltip(u, "shows your sentence (words of the task) on every model while training goes on; "
                  "empty + Return: the task's own example");
  }
  if (submitted) v->req.show_text = 1; /* an unknown word is shown as a notice */
  if (v->static_mode) ui_space(u, gfx_px(v->g, 6));
}

/* The buttons at the bottom: live window only. */
static void sidebar_actions(ex_view *v) {
  ui *u = v->u;
  ui_row(u, 2, NULL, 0);
  if (!v->static_mode && ui_button(u, "New example")) v->req.new_example = 1;
  if (ui_button(u, gfx_theme(v->g) == theme_get(THEME_LIGHT) ? "Dark theme" : "Light theme")) v->req.toggle_theme = 1;
  ui_row(u, 1, NULL, 0);
  if (ui_button(u, "Export view (F12)")) v->req.export_view = 1;
  if (!v->static_mode) {
    int submitted = 0;
    ui_textbox(u, "model file path + Return", v->open_path, sizeof v->open_path, &submitted);
    ui_tooltip(u, "type the path of a .safetensors model file (rnnlab's, or PyTorch's with vocabulary "
                  "metadata) and press Return to see its gates on a sentence");
    if (submitted && v->open_path[0]) v->req.open_model = 1;
  }
}

void panel_sidebar_draw(ex_view *v, gfx_rect r) {
  gfx *g = v->g;
  ui *u = v->u;
  const theme *th = gfx_theme(g);
  gfx_fill_rect(g, r, th->panel);
  if (v->highlight & RL_PANEL_SIDEBAR) gfx_stroke_rect(g, r, gfx_px(g, 3), th->accent);
  ui_layout_begin_scroll(u, r, &v->sidebar_scroll); /* scrolls when it does not fit */
  tr_config c = v->cfg;
  int reset = 0;
  /* On a slide or in an exported figure the sidebar documents the settings; its buttons, speed
   * and text boxes belong to the live window. */
  int live = ex_chrome(v);
  if (!v->static_mode && live) sidebar_controls(v);
  if (!v->static_mode) {
    reset |= sidebar_models_task(v, &c);
    reset |= sidebar_training(v, &c);
  }
  if (live) sidebar_text(v);
  int cm = v->clamp_mode > 2 ? 0 : v->clamp_mode;
  if (ui_select(u, "LSTM clamp", &cm, CLAMP_OPTS, 3)) {
    static const char *const modes[] = {"free", "keep", "erase"};
    v->req.clamp = modes[cm];
  }
  ui_tooltip(u, "applied to the displayed example only: the trained weights are not touched");
  if (live) sidebar_actions(v);
  ui_layout_end_scroll(u, &v->sidebar_scroll);
  if (ui_textbox_overflowed(u)) v->req.text_full = 1;
  if (reset) {
    v->cfg = c;
    v->req.config = 1;
  } else {
    v->cfg.lr = c.lr;
    v->cfg.clip = c.clip;
  }
}

int panel_sidebar_csv(const ex_view *v, FILE *f) {
  const tr_config *c = &v->cfg;
  fprintf(f, "setting,value\n");
  for (int k = 0; k < TR_MAX_SLOTS; k++) {
    const tr_model_spec *m = &c->models[k];
    fprintf(f, "model_%c,%s%s%s\n", 'A' + k, m->used ? rl_cell_name(m->cell) : "off",
            m->used && m->cell == RL_CELL_RNN ? "-" : "", m->used && m->cell == RL_CELL_RNN ? rl_nonlin_name(m->nonlin) : "");
  }
  fprintf(f, "task,%s\nlength,%d\nhidden,%d\nembed,%d\nbatch,%d\noptimizer,%s\nlr,%g\nclip,%g\n"
             "radius,%g\nforget_bias,%g\nseed,%llu\n",
          rl_task_kind_name(c->task.kind), c->task.length, c->hidden, c->embed, c->batch, rl_opt_name(c->opt),
          (double)c->lr, (double)c->clip, (double)c->radius, (double)c->forget_bias, (unsigned long long)c->seed);
  return ferror(f) ? -1 : 0;
}
