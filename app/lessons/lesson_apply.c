/* Applies a lesson step to the explorer, through the explorer's public setters only. */
#include "presenter.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

/* A lesson's data file must outlive the trainer's task creation; keep our own copy. */
static char lesson_data_path[512];

static int kv_int(const rl_lesson_kv *kv) { return (int)kv->num; }

/* t holds the base configuration's task; the explorer's tuned defaults for the same kind stay
 * (e.g. its recall distractors), a different kind starts from the engine's defaults. */
static int apply_task(const rl_lesson_setup *su, rl_task_opts *t, rl_error *err) {
  rl_task_kind kind;
  if (rl_task_kind_parse(su->task, &kind)) return rl_fail(err, "unknown task '%s'", su->task);
  if (t->kind != kind) *t = rl_task_default(kind);
  for (int i = 0; i < su->ntask_opts; i++) {
    const rl_lesson_kv *kv = &su->task_opts[i];
    const char *k = kv->key;
    if (!strcmp(k, "distance") || !strcmp(k, "length")) t->length = kv_int(kv);
    else if (!strcmp(k, "keys")) t->keys = kv_int(kv);
    else if (!strcmp(k, "distractors")) t->distractors = kv_int(kv);
    else if (!strcmp(k, "attractors")) t->attractors = kv_int(kv);
    else if (!strcmp(k, "max-attractors")) t->max_attractors = kv_int(kv);
    else if (!strcmp(k, "per-token")) t->per_token = kv_int(kv);
    else if (!strcmp(k, "classes")) t->classes = kv_int(kv);
    else if (!strcmp(k, "level")) t->level = !strcmp(kv->value, "char") ? RL_VOCAB_CHAR : RL_VOCAB_WORD;
    else if (!strcmp(k, "data")) {
      snprintf(lesson_data_path, sizeof lesson_data_path, "%s", kv->value);
      t->data_path = lesson_data_path;
    }
  }
  /* "exactly k attractors" needs room for k in the grammar. */
  if (kind == RL_TASK_AGREEMENT && t->attractors > t->max_attractors) t->max_attractors = t->attractors;
  return 0;
}

int lesson_setup_config(const rl_lesson_setup *su, const tr_config *base, tr_config *out, rl_error *err) {
  tr_config c = *base;
  if (su->has_models) {
    for (int s = 0; s < TR_MAX_SLOTS; s++) {
      tr_model_spec *m = &c.models[s];
      memset(m, 0, sizeof *m);
      if (s >= RL_LESSON_MAX_MODELS || !su->models[s].used) continue;
      const rl_lesson_model *lm = &su->models[s];
      m->used = 1;
      m->cell = lm->cell;
      m->nonlin = lm->nonlin;
      m->hidden = lm->hidden;
      m->layers = lm->layers;
      m->bidirectional = lm->bidirectional;
      m->residual = lm->residual;
      m->own_clip = lm->has_clip;
      m->clip = lm->clip;
    }
  }
  if (su->has_task && apply_task(su, &c.task, err)) return -1;
  for (int i = 0; i < su->nsets; i++) {
    const rl_lesson_kv *kv = &su->sets[i];
    const char *k = kv->key;
    if (!strcmp(k, "lr")) c.lr = (float)kv->num;
    else if (!strcmp(k, "clip")) c.clip = (float)kv->num;
    else if (!strcmp(k, "hidden")) c.hidden = kv_int(kv);
    else if (!strcmp(k, "embed")) c.embed = kv_int(kv);
    else if (!strcmp(k, "batch")) c.batch = kv_int(kv);
    else if (!strcmp(k, "seed")) c.seed = (uint64_t)kv->num;
    else if (!strcmp(k, "radius")) c.radius = (float)kv->num;
    else if (!strcmp(k, "forget-bias")) c.forget_bias = (float)kv->num;
    else if (!strcmp(k, "distance")) c.task.length = kv_int(kv);
    else if (!strcmp(k, "optimizer")) {
      if (rl_opt_parse(kv->value, &c.opt)) return rl_fail(err, "unknown optimizer '%s'", kv->value);
    } else if (!strcmp(k, "init")) {
      if (rl_init_parse(kv->value, &c.init)) return rl_fail(err, "unknown initialisation '%s'", kv->value);
    }
    /* "speed" is not part of the configuration: lesson_apply_step sets it live. */
  }
  *out = c;
  return 0;
}

static int same_float(float a, float b) { return (isnan(a) && isnan(b)) || a == b; }

/* Does going from a to b need a restart? (learning rate and clipping apply live.) */
static int needs_reset(const tr_config *a, const tr_config *b) {
  for (int s = 0; s < TR_MAX_SLOTS; s++) {
    const tr_model_spec *x = &a->models[s], *y = &b->models[s];
    if (x->used != y->used) return 1;
    if (!x->used) continue;
    if (x->cell != y->cell || (x->cell == RL_CELL_RNN && x->nonlin != y->nonlin) || x->hidden != y->hidden ||
        x->layers != y->layers || x->bidirectional != y->bidirectional || x->residual != y->residual ||
        x->own_clip != y->own_clip || (x->own_clip && x->clip != y->clip))
      return 1;
  }
  const rl_task_opts *s = &a->task, *t = &b->task;
  if (s->kind != t->kind || s->length != t->length || s->keys != t->keys || s->distractors != t->distractors ||
      s->max_attractors != t->max_attractors || s->attractors != t->attractors || s->per_token != t->per_token ||
      s->classes != t->classes || s->level != t->level || s->max_vocab != t->max_vocab || s->seed != t->seed)
    return 1;
  if ((s->data_path == NULL) != (t->data_path == NULL) ||
      (s->data_path && t->data_path && strcmp(s->data_path, t->data_path)))
    return 1;
  return a->hidden != b->hidden || a->embed != b->embed || a->batch != b->batch || a->opt != b->opt ||
         a->init != b->init || !same_float(a->radius, b->radius) || !same_float(a->forget_bias, b->forget_bias) ||
         a->seed != b->seed || a->example_seed != b->example_seed;
}

/* 1. Models, task and settings: start from the explorer's defaults so a step looks the same
 *    however the audience got there; restart training only when the setup changed. */
static int apply_setup(explorer *e, const rl_lesson_setup *su, int step, rl_error *err) {
  tr_config cur, want, base = tr_config_default();
  explorer_get_config(e, &cur);
  base.example_seed = cur.example_seed; /* a new example chosen by hand stays */
  snprintf(base.text, sizeof base.text, "%s", su->has_text ? su->text : ""); /* kept across a reset */
  if (lesson_setup_config(su, &base, &want, err)) {
    explorer_notice(e, 1, "%s", err->msg);
    return -1;
  }
  if (needs_reset(&cur, &want)) {
    if (explorer_set_config(e, &want, err)) {
      explorer_notice(e, 1, "lesson step %d: %s", step + 1, err->msg);
      return -1;
    }
  } else {
    if (cur.lr != want.lr && explorer_set_value(e, "lr", want.lr, err)) return -1;
    if (!same_float(cur.clip, want.clip) && explorer_set_value(e, "clip", want.clip, err)) return -1;
  }
  const rl_lesson_kv *speed = rl_lesson_setup_get(su, "speed");
  if (speed && explorer_set_value(e, "speed", speed->num, err)) return -1;
  return 0;
}

/* 2. What is on screen: panels, highlight, the title and the name exports carry. */
static void apply_screen(explorer *e, const rl_lesson *l, int step, unsigned show) {
  explorer_show_panels(e, show, l->steps[step].highlight);
  char name[64];
  snprintf(name, sizeof name, "lesson%02d-step%02d", l->number, step + 1);
  explorer_set_lesson_name(e, name);
  char title[RL_LESSON_TEXT + 32];
  snprintf(title, sizeof title, "Lesson %d: %s", l->number, l->title);
  explorer_set_title(e, title);
}

/* 3. Clamps and the selected timestep in force at this step: the latest ones at or before it
 *    (a new set of models starts with free gates), so stepping backwards restores them. The
 *    clamps are applied; the selection (and whether it is a backward-pass walk) comes back. */
static void apply_clamps(explorer *e, const rl_lesson *l, int step, int *sel, int *bptt) {
  float clamp[4] = {NAN, NAN, NAN, NAN};
  int clamp_from = 0;
  *sel = -1;
  *bptt = 0;
  for (int s = 0; s <= step; s++) {
    const rl_lesson_step *p = &l->steps[s];
    if (p->has_models)
      for (int g = 0; g < 4; g++) clamp[g] = NAN;
    for (int a = 0; a < p->nactions; a++) {
      const rl_lesson_action *act = &p->actions[a];
      if (act->kind == RL_ACT_CLAMP) memcpy(clamp, act->clamp, sizeof clamp), clamp_from = act->clamp_from;
      else if (act->kind == RL_ACT_SELECT || act->kind == RL_ACT_BPTT) {
        *sel = (int)act->n;
        *bptt = act->kind == RL_ACT_BPTT;
      }
    }
  }
  explorer_set_clamps(e, clamp, clamp_from);
}

/* 3b. The example sentence in force (text:), or the task's own example. A word the task does not
 *     know is reported at the text: line (in text_err, returning -1); the rest of the step still
 *     applies. */
static int apply_text(explorer *e, const rl_lesson *l, const rl_lesson_setup *su, rl_error *text_err) {
  tr_config now;
  explorer_get_config(e, &now);
  const char *want_text = su->has_text ? su->text : "";
  if (!strcmp(now.text, want_text) || !explorer_set_text(e, want_text, text_err)) return 0;
  char msg[sizeof text_err->msg];
  snprintf(msg, sizeof msg, "%s", text_err->msg);
  rl_fail(text_err, "%.300s:%d: text: %s", l->path, su->text_line, msg);
  explorer_notice(e, 1, "%s", text_err->msg);
  return -1;
}

/* 4. The step's own actions, in order (clamp, select and bptt were handled with the state). */
static int run_actions(explorer *e, const rl_lesson *l, int step, int flags, double timeout_s, rl_error *err) {
  const rl_lesson_step *st = &l->steps[step];
  for (int a = 0; a < st->nactions; a++) {
    const rl_lesson_action *act = &st->actions[a];
    switch (act->kind) {
    case RL_ACT_RESET:
      if (explorer_reset(e, err)) return -1;
      break;
    case RL_ACT_PLAY: explorer_play(e, 1); break;
    case RL_ACT_PAUSE: explorer_play(e, 0); break;
    case RL_ACT_TRAIN:
      if (flags & LESSON_RUN_TRAIN) {
        explorer_train(e, act->n);
        if ((flags & LESSON_WAIT) && explorer_wait(e, timeout_s))
          return rl_fail(err, "lesson %d step %d: training %ld steps did not finish in time", l->number,
                         step + 1, act->n);
      }
      break;
    default: break;
    }
  }
  return 0;
}

static int apply(explorer *e, const rl_lesson *l, int step, int flags, double timeout_s, rl_error *err) {
  rl_lesson_setup su;
  if (rl_lesson_resolve(l, step, &su))
    return rl_fail(err, "%.300s: no step %d (the lesson has %d)", l->path, step + 1, l->nsteps);
  if (apply_setup(e, &su, step, err)) return -1;
  apply_screen(e, l, step, su.show);
  int sel, bptt;
  apply_clamps(e, l, step, &sel, &bptt);
  rl_error text_err = {{0}};
  int text_failed = apply_text(e, l, &su, &text_err) != 0;
  if (bptt) explorer_bptt(e, sel);
  else explorer_select_timestep(e, sel);
  if (run_actions(e, l, step, flags, timeout_s, err)) return -1;
  /* Even without training, a headless render needs a fresh snapshot of the new setup. */
  if (flags & LESSON_WAIT) explorer_wait(e, 60.0);
  if (text_failed) {
    *err = text_err;
    explorer_notice(e, 1, "%s", text_err.msg);
    return -1;
  }
  return 0;
}

int lesson_apply_step(explorer *e, const rl_lesson *l, int step, int flags, rl_error *err) {
  return apply(e, l, step, flags, 900.0, err);
}

int lesson_replay_to(explorer *e, const rl_lesson *l, int step, double timeout_s, rl_error *err) {
  if (step < 0 || step >= l->nsteps)
    return rl_fail(err, "lesson %d has steps 1 to %d, not %d", l->number, l->nsteps, step + 1);
  explorer_play(e, 0);
  for (int s = 0; s <= step; s++)
    if (apply(e, l, s, LESSON_RUN_TRAIN | LESSON_WAIT, timeout_s, err)) return -1;
  return 0;
}
