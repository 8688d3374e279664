/* The classroom screen (issue 8), headless at projector sizes: the default view's pace, the
 * gradient plot (relative by default, fixed range, nothing below it dropped), each model's answer,
 * the log step axis, one set of word labels on both token axes, the key overlay, exports and
 * presenter slides free of controls and notices, text sizes at 1080p and 720p, and the
 * interaction bugs of the teacher's trial (theme while paused, text box focus, tap on a column,
 * minimum window size, truncated labels, a column frame across a model's line). What is checked
 * is what was drawn: every string goes through a text observer with its pixel size and box. */
#define _POSIX_C_SOURCE 200809L
#include "host/host.h"
#include "explorer/export.h"
#include "explorer/explorer_state.h"
#include "lessons/presenter.h"
#include "explorer_input.h"
#include "testutil.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- what was drawn ------------------------------------------------------------------------- */

#define MAX_TEXTS 4096
typedef struct {
  char s[200];
  int px;
  gfx_rect box;
} drawn;
static drawn texts[MAX_TEXTS];
static int ntexts;

static void observe(void *ctx, const char *s, int px, gfx_rect box) {
  (void)ctx;
  if (ntexts >= MAX_TEXTS) return;
  drawn *d = &texts[ntexts++];
  snprintf(d->s, sizeof d->s, "%s", s);
  d->px = px;
  d->box = box;
}

static const drawn *find_text(const char *needle) {
  for (int i = 0; i < ntexts; i++)
    if (strstr(texts[i].s, needle)) return &texts[i];
  return NULL;
}

/* The same, drawn inside r. */
static const drawn *find_text_in(const char *needle, gfx_rect r) {
  for (int i = 0; i < ntexts; i++)
    if (strstr(texts[i].s, needle) && gfx_contains(r, texts[i].box.x, texts[i].box.y)) return &texts[i];
  return NULL;
}

static int min_px(void) {
  int m = 1 << 30;
  for (int i = 0; i < ntexts; i++)
    if (texts[i].px < m) m = texts[i].px;
  return m;
}

/* Strings of the live window that must never reach a slide or an exported figure. */
static const char *const CHROME_EXACT[] = {"export", "2x", "Play", "Pause", "Step", "Reset", "New example",
                                           "Light theme", "Dark theme", "Export view (F12)", NULL};
static const char *const CHROME_PART[] = {"click or drag", "Saved ", "paused", "steps/s", "full speed", "?  keys",
                                          "your sentence + Return", "model file path", "speed", NULL};

/* The first chrome string drawn since the last reset, or NULL. */
static const char *chrome_drawn(void) {
  for (int i = 0; i < ntexts; i++) {
    for (int k = 0; CHROME_EXACT[k]; k++)
      if (!strcmp(texts[i].s, CHROME_EXACT[k])) return texts[i].s;
    for (int k = 0; CHROME_PART[k]; k++)
      if (strstr(texts[i].s, CHROME_PART[k])) return texts[i].s;
  }
  return NULL;
}

/* ---- input ---------------------------------------------------------------------------------- */

static void mouse(explorer *e, ui_event_type type, int x, int y) {
  ui_event ev = {.type = type, .x = x, .y = y};
  if (type != UI_EV_MOUSE_MOVE) ev.button = UI_BUTTON_LEFT;
  explorer_handle_event(e, &ev);
}

static void click(explorer *e, int x, int y) {
  mouse(e, UI_EV_MOUSE_MOVE, x, y);
  explorer_frame(e);
  mouse(e, UI_EV_MOUSE_DOWN, x, y);
  explorer_frame(e);
  mouse(e, UI_EV_MOUSE_UP, x, y);
  explorer_frame(e);
}

static void frame(explorer *e) {
  ntexts = 0;
  explorer_frame(e);
}

static gfx_color pixel(gfx *g, int x, int y) {
  uint8_t p[4] = {0};
  rl_error err;
  gfx_read_pixels(g, gfx_r(x, y, 1, 1), p, &err);
  return gfx_rgba(p[0], p[1], p[2], p[3]);
}

static int near(gfx_color a, gfx_color b, int tol) {
  return abs(a.r - b.r) <= tol && abs(a.g - b.g) <= tol && abs(a.b - b.b) <= tol;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static long max_step(const explorer *e) {
  long m = 0;
  for (int k = 0; k < TR_MAX_SLOTS; k++)
    if (e->v.snap.slot[k].used && e->v.snap.slot[k].step > m) m = e->v.snap.slot[k].step;
  return m;
}

static explorer *make(gfx *g, const tr_config *c) {
  explorer_opts o = explorer_opts_default();
  if (c) o.train = *c;
  explorer *e = NULL;
  rl_error err;
  CHECKF(explorer_create(g, &o, &e, &err) == 0, "%s", err.msg);
  if (e) explorer_set_text_observer(e, observe, NULL);
  return e;
}

/* ---- 1. the default view -------------------------------------------------------------------- */

/* The class pace: 10 steps/s, and a training run at it never outruns it. At that pace the
 * LSTM's learning falls between 10 and 30 seconds: below half right at step 100, above 90% by 300. */
static void test_pace_and_learning(gfx *g) {
  CHECK(tr_speed_value(EXPLORER_CLASS_SPEED_LEVEL) == 10.0f);
  explorer_opts o = explorer_opts_default();
  o.speed_level = EXPLORER_CLASS_SPEED_LEVEL;
  o.autoplay = 1;
  explorer *e = NULL;
  rl_error err;
  CHECK(explorer_create(g, &o, &e, &err) == 0);
  if (!e) return;
  double t0 = now_s();
  while (now_s() - t0 < 1.5) explorer_frame(e);
  double dt = now_s() - t0;
  /* an upper bound only: a slow (sanitizer) build may train fewer, never more */
  CHECKF(max_step(e) <= (long)(10.0 * dt) + 2, "%ld steps in %.2f s at 10 steps/s", max_step(e), dt);
  explorer_destroy(e);

  e = make(g, NULL); /* the default configuration at full speed */
  if (!e) return;
  explorer_train(e, 100);
  CHECK(explorer_wait(e, 600) == 0);
  const tr_slot_snap *lstm = &e->v.snap.slot[1];
  CHECK(lstm->used && lstm->spec.cell == RL_CELL_LSTM);
  float acc100 = lstm->ncurve ? lstm->curve_acc[lstm->ncurve - 1] : -1;
  explorer_train(e, 200);
  CHECK(explorer_wait(e, 600) == 0);
  float acc300 = lstm->ncurve ? lstm->curve_acc[lstm->ncurve - 1] : -1;
  float rnn300 = e->v.snap.slot[0].ncurve ? e->v.snap.slot[0].curve_acc[e->v.snap.slot[0].ncurve - 1] : -1;
  CHECKF(acc100 >= 0 && acc100 < 0.5f, "LSTM accuracy at step 100 (10 s): %.2f", (double)acc100);
  CHECKF(acc300 > 0.9f, "LSTM accuracy at step 300 (30 s): %.2f", (double)acc300);
  CHECKF(rnn300 < 0.3f, "RNN accuracy at step 300: %.2f (should stay near chance, 1/8)", (double)rnn300);

  /* each model's answer at the query, right or wrong as the snapshot says */
  frame(e);
  for (int k = 0; k < 2; k++) {
    const tr_slot_snap *s = &e->v.snap.slot[k];
    int ts = s->last_scored, best = 0;
    const float *p = s->probs + (size_t)ts * (size_t)s->C;
    for (int c = 1; c < s->C; c++)
      if (p[c] > p[best]) best = c;
    char want[120];
    snprintf(want, sizeof want, "answer: %s (%.0f%%) %s", e->v.snap.class_names[best], 100.0 * p[best],
             best == e->v.snap.targets[ts] ? "\u2713" : "\u2717");
    CHECKF(find_text(want) != NULL, "model %c: '%s' not drawn", 'A' + k, want);
  }
  CHECK(e->v.snap.slot[1].ncurve > 0 && find_text("answer: ") != NULL);

  /* the loss and accuracy curves: a log step axis with decade ticks */
  CHECK(find_text("training step (log)") != NULL);
  CHECK(find_text("100") != NULL);

  /* gradient plot: relative by default, fixed range, the same frame after more training */
  CHECK(!explorer_gradient_raw(e));
  plot_frame f1 = e->v.grad_frame;
  CHECKF(f1.log_y && fabs(f1.y0 + 12) < 1e-9 && fabs(f1.y1 - 3) < 1e-9, "relative range 10^%g..10^%g", f1.y0, f1.y1);
  CHECK(f1.band_lo > 0 && f1.band_hi > 0 && find_text("< 10") != NULL);
  /* the legend is a row above the data, never over it */
  CHECK(f1.legend.w > 0 && f1.legend.y + f1.legend.h <= f1.area.y);
  explorer_train(e, 200);
  explorer_wait(e, 600);
  frame(e);
  CHECK(e->v.grad_frame.y0 == f1.y0 && e->v.grad_frame.y1 == f1.y1 && e->v.grad_frame.area.h == f1.area.h);
  explorer_destroy(e);

  /* values below 10^-12 are drawn inside the marked band, not dropped: a vanilla RNN whose W_hh
   * has spectral radius 0.3 loses about a factor 3 per word, 10^-15 over 30 words */
  tr_config c = tr_config_default();
  c.radius = 0.3f;
  c.task.length = 30;
  e = make(g, &c);
  if (!e) return;
  explorer_wait(e, 60);
  frame(e);
  const tr_slot_snap *rnn = &e->v.snap.slot[0];
  double ref = rnn->dhT_norm[rnn->last_scored], r0 = rnn->dhT_norm[0] / ref;
  CHECKF(r0 < 1e-12, "relative gradient at word 1: %.2g (the case needs one below 1e-12)", r0);
  plot_frame f = e->v.grad_frame;
  int bx = (int)lroundf(plot_x_px(&f, 1)), by = f.area.y + f.area.h - f.band_lo / 2;
  gfx_color c0 = ex_slot_color(&e->v, 0);
  int hits = 0;
  for (int dx = -6; dx <= 6; dx++)
    for (int dy = -6; dy <= 6; dy++) hits += near(pixel(g, bx + dx, by + dy), c0, 40);
  CHECKF(hits > 10, "the RNN's first word (relative %.2g) is not drawn in the floor band (%d pixels)", r0, hits);
  /* one click away: the panel's "raw" button (shown while the mouse is over the panel) */
  {
    gfx_rect gr = explorer_panel_rect(e, RL_PANEL_GRADIENTS);
    mouse(e, UI_EV_MOUSE_MOVE, gr.x + gr.w / 2, gr.y + gr.h / 2);
    frame(e);
    const drawn *b = find_text_in("raw", gr);
    CHECK(b != NULL);
    if (b) {
      click(e, b->box.x + b->box.w / 2, b->box.y + b->box.h / 2);
      CHECK(explorer_gradient_raw(e));
      frame(e);
      b = find_text_in("relative", gr);
      CHECK(b != NULL && !strstr(b->s, "relative to"));
      if (b) click(e, b->box.x + b->box.w / 2, b->box.y + b->box.h / 2);
      CHECK(!explorer_gradient_raw(e));
    }
  }
  /* G: raw norms, on their own fixed range; G again: relative */
  inject_key(e, 'g', 0);
  frame(e);
  CHECK(explorer_gradient_raw(e) && fabs(e->v.grad_frame.y0 + 16) < 1e-9);
  inject_key(e, 'g', 0);
  CHECK(!explorer_gradient_raw(e));
  explorer_destroy(e);
}

/* The token axes of the heatmaps and the gradient plot name the same words at the same steps,
 * and the last word (the query) is always named. */
static void token_labels(explorer *e, int *heat, int *grad, int T) {
  for (int t = 0; t < T; t++) heat[t] = grad[t] = 0;
  gfx_rect hg = e->v.heat_grid;
  plot_frame gf = e->v.grad_frame;
  float cw = (float)hg.w / (float)T;
  for (int i = 0; i < ntexts; i++) {
    const drawn *d = &texts[i];
    int cx = d->box.x + d->box.w / 2;
    if (d->box.y >= hg.y + hg.h - 4 && d->box.y < hg.y + hg.h + 4 * d->px && cx >= hg.x && cx < hg.x + hg.w) {
      int t = (int)((cx - hg.x) / cw);
      if (t >= 0 && t < T && e->v.snap.labels && !strcmp(d->s, e->v.snap.labels[t])) heat[t] = 1;
    }
    if (d->box.y > gf.area.y + gf.area.h && d->box.y < gf.area.y + gf.area.h + 2 * d->px && cx >= gf.area.x - 4 &&
        cx <= gf.area.x + gf.area.w + 4) {
      int t = (int)lround(plot_px_x(&gf, (float)cx)) - 1;
      if (t >= 0 && t < T && e->v.snap.labels && !strcmp(d->s, e->v.snap.labels[t])) grad[t] = 1;
    }
  }
}

static void test_token_axes(gfx *g) {
  static const int distances[2] = {35, 30};
  for (int i = 0; i < 2; i++) {
    tr_config c = tr_config_default();
    c.task.length = distances[i];
    explorer *e = make(g, &c);
    if (!e) return;
    explorer_wait(e, 60);
    frame(e);
    int T = e->v.snap.T, heat[256], grad[256], same = 1, nh = 0;
    token_labels(e, heat, grad, T);
    for (int t = 0; t < T; t++) {
      same &= heat[t] == grad[t];
      nh += heat[t];
    }
    CHECKF(T == distances[i] + 2 && nh >= 4, "T %d, %d words labelled", T, nh);
    CHECKF(same, "T = %d: the heatmaps and the gradient plot label different words", T);
    if (!same)
      for (int t = 0; t < T; t++)
        if (heat[t] || grad[t]) fprintf(stderr, "  t=%d %s: heatmaps %d, gradients %d\n", t + 1, e->v.snap.labels[t], heat[t], grad[t]);
    CHECKF(heat[T - 1] && grad[T - 1], "T = %d: the query is not labelled on both axes", T);
    CHECK(heat[0] && grad[0]);
    explorer_destroy(e);
  }
}

/* ---- 2. no chrome on slides and exports; sizes --------------------------------------------- */

static void test_help_overlay_and_exports(gfx *g) {
  explorer *e = make(g, NULL);
  if (!e) return;
  explorer_train(e, 20);
  explorer_wait(e, 120);
  frame(e);
  CHECK(find_text("?  keys") != NULL);  /* the live window says where the keys are */
  CHECK(find_text("Space play") == NULL); /* ... instead of a line of key hints */
  inject_key(e, UI_KEY_F1, 0);
  frame(e);
  CHECK(explorer_help_open(e) && find_text("play / pause training") != NULL);
  inject_key(e, UI_KEY_ESCAPE, 0);
  CHECK(!explorer_help_open(e));
  inject_key(e, '/', UI_MOD_SHIFT); /* '?' */
  CHECK(explorer_help_open(e));

  char dir[700], path[1024];
  snprintf(dir, sizeof dir, "%s/figs", test_tmpdir());
  explorer_set_export_dir(e, dir);
  rl_error err;
  /* F12 leaves a "Saved ..." notice; Shift+F12 right after must not carry it, nor the overlay,
   * the buttons, the key hint or the play status */
  inject_key(e, UI_KEY_F12, 0);
  frame(e);
  CHECK(strstr(e->notice, "Saved") != NULL);
  ntexts = 0;
  CHECK(explorer_export_view(e, 2, path, sizeof path, &err) == 0); /* what Shift+F12 writes */
  CHECK(ntexts > 0);
  const char *bad = chrome_drawn();
  CHECKF(bad == NULL, "the exported view shows '%s'", bad);
  CHECK(find_text("play / pause training") == NULL && find_text("Saved") == NULL);
  int w = 0, h = 0;
  uint8_t *img = gfx_load_png(path, &w, &h, &err);
  CHECKF(img && w == 2 * gfx_width(g) && h == 2 * gfx_height(g), "2x view %dx%d", w, h);
  free(img);
  /* every panel alone: a slide-sized figure at 1x and 2x, without controls */
  static const rl_panel panels[] = {RL_PANEL_HEATMAPS, RL_PANEL_GRADIENTS, RL_PANEL_CURVES, RL_PANEL_DIAGRAM,
                                    RL_PANEL_SIDEBAR, RL_PANEL_DISTRIBUTION, RL_PANEL_BPTT, RL_PANEL_PARAMS,
                                    RL_PANEL_EMBEDDING, RL_PANEL_PREDICTIONS, RL_PANEL_LAYERS, RL_PANEL_GRADNORM};
  for (size_t i = 0; i < sizeof panels / sizeof panels[0]; i++)
    for (int scale = 1; scale <= 2; scale++) {
      ntexts = 0;
      CHECK(explorer_export_panel(e, panels[i], scale, path, sizeof path, &err) == 0);
      bad = chrome_drawn();
      CHECKF(bad == NULL, "panel %s at %dx shows '%s'", panel_title(panels[i]), scale, bad);
      img = gfx_load_png(path, &w, &h, &err);
      CHECKF(img && w == EXPORT_PANEL_W * scale && h == EXPORT_PANEL_H * scale, "%s %dx: %dx%d",
             panel_title(panels[i]), scale, w, h);
      free(img);
      /* text of a slide: ticks and labels at least 22 px (44 at 2x) */
      CHECKF(min_px() >= 22 * scale, "panel %s at %dx: text of %d px", panel_title(panels[i]), scale, min_px());
    }
  explorer_destroy(e);
}

/* Every step of every lesson as a slide at 1920x1080 and 1280x720: narration at least 36 px
 * (28 at 720p), panel titles at least 28, every other text at least 22 (at 1080p), and nothing of
 * the live window's chrome. */
static void test_slides(void) {
  rl_lesson_set set;
  rl_error err;
  CHECK(rl_lesson_dir_load(RNNLAB_SOURCE_LESSONS, &set, &err) == 0);
  static const int sizes[2][2] = {{1920, 1080}, {1280, 720}};
  for (int z = 0; z < 2; z++) {
    gfx *g = gfx_create_headless(sizes[z][0], sizes[z][1], &err);
    CHECK(g != NULL);
    if (!g) continue;
    int H = sizes[z][1];
    for (int i = 0; i < set.n; i++) {
      if (!set.entries[i].ok) continue;
      const rl_lesson *l = &set.entries[i].lesson;
      explorer *e = make(g, NULL);
      if (!e) continue;
      explorer_set_presenting(e, 1);
      for (int s = 0; s < l->nsteps; s++) {
        /* 1080p: the steps as they play, training included; 720p (and a sanitizer build, where
         * training is ten times slower): the same layout without training (the text on a slide
         * does not depend on it but for the training line) */
#ifdef RNNLAB_SANITIZED
        int flags = LESSON_WAIT;
#else
        int flags = H >= 1080 ? LESSON_RUN_TRAIN | LESSON_WAIT : LESSON_WAIT;
#endif
        CHECKF(lesson_apply_step(e, l, s, flags, &err) == 0, "lesson %d step %d: %s", l->number, s + 1, err.msg);
        ntexts = 0;
        presenter_draw_step(e, g, l, s);
        const char *bad = chrome_drawn();
        CHECKF(bad == NULL, "lesson %d step %d at %dp shows '%s'", l->number, s + 1, H, bad);
        /* words count from 1 everywhere: no "t = 0" on a slide */
        CHECKF(find_text("t = 0") == NULL, "lesson %d step %d shows '%s'", l->number, s + 1,
               find_text("t = 0") ? find_text("t = 0")->s : "");
        /* narration lines are drawn in the narration size: find them by their first words */
        const rl_lesson_step *st = &l->steps[s];
        for (int k = 0; k < st->nsay; k++) {
          char head[24];
          snprintf(head, sizeof head, "%.20s", st->say[k]);
          const drawn *d = find_text(head);
          int want = H >= 1080 ? 36 : 28;
          CHECKF(d && d->px >= want, "lesson %d step %d at %dp: narration '%s' %s %d px", l->number, s + 1, H,
                 head, d ? "at" : "not drawn,", d ? d->px : 0);
        }
#ifndef RNNLAB_SANITIZED
        int trains = 0;
        for (int a = 0; a < st->nactions; a++) trains |= st->actions[a].kind == RL_ACT_TRAIN;
        if (H >= 1080 && trains) /* a step that trains says so under the step counter */
          CHECKF(find_text("trained ") || find_text("training "), "lesson %d step %d: no training line", l->number, s + 1);
#endif
        if (H >= 1080) {
          CHECKF(min_px() >= 22, "lesson %d step %d: text of %d px on a 1080p slide", l->number, s + 1, min_px());
          for (int t = 0; t < ntexts; t++) /* panel titles are the first text of each panel frame */
            if (strstr(texts[t].s, "Gates and states") || strstr(texts[t].s, "Vanishing gradient") ||
                strstr(texts[t].s, "Training: loss"))
              CHECKF(texts[t].px >= 28, "lesson %d step %d: title '%s' at %d px", l->number, s + 1, texts[t].s,
                     texts[t].px);
        }
      }
      explorer_destroy(e);
    }
    gfx_destroy(g);
  }
  rl_lesson_set_free(&set);
}

/* ---- 3. the interaction bugs of the trial --------------------------------------------------- */

static void test_interaction(gfx *g) {
  tr_config c = tr_config_default();
  c.task.length = 10;
  c.hidden = 12;
  explorer *e = make(g, &c);
  if (!e) return;
  explorer_train(e, 3);
  explorer_wait(e, 60);
  frame(e);
  /* Theme button while paused: the next frame is wholly in the new theme (no half-and-half frame
   * that waits for the mouse) */
  const drawn *tb = find_text("Light theme");
  CHECK(tb != NULL);
  if (tb) {
    int x = tb->box.x + tb->box.w / 2, y = tb->box.y + tb->box.h / 2;
    click(e, x, y);
    CHECK(explorer_needs_redraw(e));
    frame(e);
    const theme *light = theme_get(THEME_LIGHT);
    gfx_rect hr = explorer_panel_rect(e, RL_PANEL_HEATMAPS), gr = explorer_panel_rect(e, RL_PANEL_GRADIENTS);
    CHECK(near(pixel(g, 2, 2), light->bg, 2));                          /* header (drawn last) */
    CHECK(near(pixel(g, hr.x + 3, hr.y + hr.h - 3), light->panel, 2));  /* a panel drawn before the sidebar's button */
    CHECK(near(pixel(g, gr.x + gr.w - 3, gr.y + gr.h - 3), light->panel, 2));
    CHECK(gfx_theme(g) == light);
    explorer_toggle_theme(e);
    frame(e);
  }
  /* The sentence box: its placeholder is drawn while it is empty; Return applies the sentence and
   * gives the keys back (Space plays) */
  const drawn *box = find_text("your sentence + Return");
  CHECK(box != NULL);
  if (box) {
    click(e, box->box.x + 4, box->box.y + box->box.h / 2);
    ui_event ev = {.type = UI_EV_TEXT};
    snprintf(ev.text, sizeof ev.text, "k3 d1 d2 q");
    explorer_handle_event(e, &ev);
    frame(e);
    CHECK(ui_wants_keyboard(e->v.u));
    inject_key(e, UI_KEY_RETURN, 0);
    frame(e);
    CHECKF(!ui_wants_keyboard(e->v.u), "the box kept the focus after Return");
    CHECKF(!strcmp(e->v.snap.example_text, "k3 d1 d2 q"), "shown: %s", e->v.snap.example_text);
    int was = explorer_playing(e);
    inject_key(e, UI_KEY_SPACE, 0);
    CHECK(explorer_playing(e) != was);
    explorer_play(e, 0);
    /* typing past the box's 255 bytes is refused with a notice, not cut silently */
    click(e, box->box.x + 4, box->box.y + box->box.h / 2);
    for (int i = 0; i < 20; i++) {
      ev = (ui_event){.type = UI_EV_TEXT};
      snprintf(ev.text, sizeof ev.text, "%s", "abcdefghijklmnopq");
      explorer_handle_event(e, &ev);
      frame(e);
    }
    CHECKF(strstr(e->notice, "at most 255 bytes") != NULL, "notice: %s", e->notice);
    inject_key(e, UI_KEY_ESCAPE, 0);
    frame(e);
    CHECK(!ui_wants_keyboard(e->v.u));
    e->v.example[0] = 0;
  }
  /* A tap on a heatmap column (press and release within one frame) selects it */
  frame(e);
  gfx_rect hg = e->v.heat_grid;
  int T = e->v.snap.T, x = hg.x + (int)((2.5) * hg.w / T), y = hg.y + hg.h / 3;
  mouse(e, UI_EV_MOUSE_MOVE, x, y);
  mouse(e, UI_EV_MOUSE_DOWN, x, y);
  mouse(e, UI_EV_MOUSE_UP, x, y);
  frame(e);
  CHECKF(explorer_selected_timestep(e) == 2, "tap selected %d", explorer_selected_timestep(e));
  /* The selected column is framed per model: no accent pixels on model B's line */
  frame(e);
  const drawn *lb = find_text_in("B: LSTM", explorer_panel_rect(e, RL_PANEL_HEATMAPS));
  CHECK(lb != NULL);
  if (lb) {
    const theme *th = gfx_theme(g);
    int acc = 0, cx = hg.x + (int)(2.5 * hg.w / T);
    for (int yy = lb->box.y + 2; yy < lb->box.y + lb->box.h - 2; yy++)
      for (int dx = -(int)(hg.w / T); dx <= (int)(hg.w / T); dx++) acc += near(pixel(g, cx + dx, yy), th->accent, 12);
    CHECKF(acc == 0, "%d accent pixels of the column frame on model B's line", acc);
    if (acc) gfx_save_png(g, "/tmp/classroom_column.png", NULL);
  }
  explorer_destroy(e);
}

/* No widget label is cut with "..." in the sidebar at the usual sizes; the sidebar scrolls when it
 * does not fit instead of being cut off. */
static void test_sidebar_fits(void) {
  static const int sizes[4][2] = {{1920, 1080}, {1600, 900}, {1280, 720}, {HOST_MIN_W, HOST_MIN_H}};
  rl_error err;
  for (int z = 0; z < 4; z++) {
    gfx *g = gfx_create_headless(sizes[z][0], sizes[z][1], &err);
    if (!g) continue;
    explorer *e = make(g, NULL);
    if (e) {
      explorer_wait(e, 60);
      frame(e);
      frame(e);
      CHECKF(ui_truncated(e->v.u) == 0, "%dx%d: %d widget labels cut", sizes[z][0], sizes[z][1], ui_truncated(e->v.u));
      for (int i = 0; i < ntexts && ui_truncated(e->v.u); i++) /* name them */
        if (strstr(texts[i].s, "...")) fprintf(stderr, "  cut: '%s'\n", texts[i].s);
      gfx_rect sr = explorer_panel_rect(e, RL_PANEL_SIDEBAR);
      if (e->v.sidebar_scroll.content_h > sr.h) { /* scrolls to its last widget */
        ui_event ev = {.type = UI_EV_WHEEL, .wheel = -1};
        mouse(e, UI_EV_MOUSE_MOVE, sr.x + sr.w - 4, sr.y + sr.h / 2);
        for (int i = 0; i < 30; i++) {
          explorer_handle_event(e, &ev);
          frame(e);
        }
        CHECK(e->v.sidebar_scroll.offset > 0);
        const drawn *last = find_text("model file path + Return");
        CHECKF(last && last->box.y + last->box.h <= sr.y + sr.h, "%dx%d: the sidebar's last box is not reachable",
               sizes[z][0], sizes[z][1]);
      }
      explorer_destroy(e);
    }
    gfx_destroy(g);
  }
}

/* The window cannot be made smaller than the layout needs. */
static void test_min_window(void) {
  host *h = NULL;
  gfx *g = NULL;
  host_window_opts wo = {"test", 1600, 900, 0, "explorer"};
  if (host_open(&wo, &h, &g)) {
    fprintf(stderr, "note: no window could be opened; minimum window size not checked\n");
    return;
  }
  host_set_window_size(h, 100, 80);
  int ww = 0, wh = 0;
  host_window_size(h, &ww, &wh);
  CHECKF(ww >= HOST_MIN_W && wh >= HOST_MIN_H, "window resized to %dx%d", ww, wh);
  host_close(h);
}

/* `rnnlab --lesson 9` (there is none): the menu says why, on screen. */
static void test_missing_lesson(gfx *g) {
  explorer *e = make(g, NULL);
  if (!e) return;
  presenter *p = NULL;
  rl_error err;
  CHECK(presenter_create(e, g, NULL, RNNLAB_SOURCE_LESSONS, 9, &p, &err) == 0);
  if (p) {
    CHECK(presenter_menu_open(p));
    ntexts = 0;
    presenter_frame(p);
    CHECKF(find_text("no lesson 9") != NULL, "the menu does not say there is no lesson 9");
    presenter_destroy(p);
  }
  explorer_destroy(e);
}

int main(void) {
  rl_error err;
  gfx *g = gfx_create_headless(1920, 1080, &err);
  if (!g) {
    fprintf(stderr, "gfx: %s\n", err.msg);
    return 1;
  }
  test_pace_and_learning(g);
  test_token_axes(g);
  test_help_overlay_and_exports(g);
  test_interaction(g);
  test_missing_lesson(g);
  gfx_destroy(g);
  test_sidebar_fits();
  test_min_window();
  test_slides();
  return test_summary("app_test_classroom");
}
