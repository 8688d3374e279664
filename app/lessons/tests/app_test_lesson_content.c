/* Every lesson step shows what its narration says (issue 9): the structural facts a test can check,
 * on the shipped lessons, replayed as `render --lesson N --step K` does and drawn as a slide.
 * What is checked is what was drawn (text through an observer, pixels of the panels) and what the
 * models computed (the snapshot), not the lesson file's wording. */
#define _POSIX_C_SOURCE 200809L
#include "explorer/explorer_state.h"
#include "lessons/presenter.h"
#include "testutil.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TEXTS 4096
typedef struct {
  char s[200];
  int px;
  gfx_rect box;
} drawn;
static drawn texts[MAX_TEXTS];
static int ntexts;
static gfx *g;
static explorer *e;
static rl_lesson_set set;

static void observe(void *ctx, const char *s, int px, gfx_rect box) {
  (void)ctx;
  if (ntexts >= MAX_TEXTS) return;
  snprintf(texts[ntexts].s, sizeof texts[ntexts].s, "%s", s);
  texts[ntexts].px = px;
  texts[ntexts++].box = box;
}

static const drawn *find_in(const char *needle, gfx_rect r) {
  for (int i = 0; i < ntexts; i++)
    if (strstr(texts[i].s, needle) && (r.w == 0 || gfx_contains(r, texts[i].box.x, texts[i].box.y))) return &texts[i];
  return NULL;
}

static int count_in(const char *needle, gfx_rect r) {
  int n = 0;
  for (int i = 0; i < ntexts; i++)
    n += strstr(texts[i].s, needle) && gfx_contains(r, texts[i].box.x + texts[i].box.w / 2, texts[i].box.y);
  return n;
}

static const rl_lesson *lesson(int number) {
  int i = rl_lesson_set_find(&set, number);
  CHECKF(i >= 0, "lesson %d", number);
  return i >= 0 ? &set.entries[i].lesson : NULL;
}

/* Step `step` (1-based) of a lesson as a slide: replayed from the start, then drawn. */
static const rl_lesson *slide(int number, int step) {
  const rl_lesson *l = lesson(number);
  if (!l) return NULL;
  rl_error err;
  CHECKF(lesson_replay_to(e, l, step - 1, 600, &err) == 0, "lesson %d step %d: %s", number, step, err.msg);
  ntexts = 0;
  presenter_draw_step(e, g, l, step - 1);
  return l;
}

static gfx_rect panel(rl_panel p) { return explorer_panel_rect(e, p); }

/* Lesson 1: the embedding of the word the step selects, and h(0) entering word 1. */
static void lesson1(void) {
  if (!slide(1, 2)) return;
  const tr_snapshot *sn = explorer_snapshot(e);
  gfx_rect r = panel(RL_PANEL_EMBEDDING);
  CHECK(r.w > 0 && explorer_selected_timestep(e) == 1);
  char want[64];
  snprintf(want, sizeof want, "\"%s\" is word %d of the %d", sn->labels[1], sn->tokens[1] + 1, sn->V);
  CHECKF(find_in(want, r) != NULL, "one-hot caption '%s' not drawn", want);
  snprintf(want, sizeof want, "column %d of E", sn->tokens[1] + 1);
  CHECKF(find_in(want, r) != NULL, "embedding caption '%s' not drawn", want);
  CHECK(find_in("W_e e(t)", r) != NULL);
  const tr_slot_snap *s = &sn->slot[0];
  CHECK(s->emb && s->E > 0 && s->xproj);
  if (!slide(1, 3)) return;
  CHECK(explorer_selected_timestep(e) == 0);
  CHECKF(find_in("h(0) = 0", panel(RL_PANEL_DIAGRAM)) != NULL, "the diagram at word 1 does not name h(0)");
  CHECK(find_in("cell at t = 1", panel(RL_PANEL_DIAGRAM)) != NULL);
}

/* Lesson 2: the backward pass walks one word per slide and one word per key press; the words it has
 * not reached have no bars (an empty band, not heights). */
static void lesson2(void) {
  const rl_lesson *l = slide(2, 3);
  if (!l) return;
  int T = explorer_snapshot(e)->T;
  CHECK(explorer_bptt_reached(e) == T - 1);
  slide(2, 4);
  CHECKF(explorer_bptt_reached(e) == T - 2, "step 4 reached word %d, not %d", explorer_bptt_reached(e) + 1, T - 1);
  slide(2, 5);
  CHECK(explorer_bptt_reached(e) == T - 3);
  /* the unreached words' columns hold no bar colour above the band */
  gfx_rect r = panel(RL_PANEL_BPTT);
  gfx_color bar = ex_slot_color(&e->v, 0);
  const drawn *k5 = find_in(explorer_snapshot(e)->labels[0], r); /* the first word's tick label */
  CHECK(k5 != NULL);
  if (k5) {
    int x = k5->box.x + k5->box.w / 2, hits = 0;
    uint8_t px[4];
    rl_error err;
    for (int y = r.y + r.h / 4; y < k5->box.y - gfx_px(g, 30); y += 2)
      for (int dx = -4; dx <= 4; dx++)
        if (gfx_read_pixels(g, gfx_r(x + dx, y, 1, 1), px, &err) == 0 && abs(px[0] - bar.r) < 20 &&
            abs(px[1] - bar.g) < 20 && abs(px[2] - bar.b) < 20)
          hits++;
    CHECKF(hits == 0, "%d bar-coloured pixels above word 1, which the pass has not reached", hits);
  }
  /* presenter mode: Shift+Left / Shift+Right move the pass one word */
  presenter *p = NULL;
  rl_error err;
  CHECK(presenter_create(e, g, NULL, RNNLAB_SOURCE_LESSONS, 2, &p, &err) == 0);
  if (!p) return;
  presenter_goto(p, 2);
  presenter_goto(p, 3);
  int at = explorer_bptt_reached(e);
  ui_event ev = {.type = UI_EV_KEY_DOWN, .key = UI_KEY_LEFT, .mods = UI_MOD_SHIFT};
  if (!presenter_handle_event(p, &ev)) explorer_handle_event(e, &ev);
  CHECKF(presenter_step(p) == 3 && explorer_bptt_reached(e) == at - 1, "Shift+Left: step %d, reached %d (was %d)",
         presenter_step(p) + 1, explorer_bptt_reached(e), at);
  ev.key = UI_KEY_RIGHT;
  if (!presenter_handle_event(p, &ev)) explorer_handle_event(e, &ev);
  CHECK(presenter_step(p) == 3 && explorer_bptt_reached(e) == at);
  presenter_destroy(p);
  explorer_set_presenting(e, 1);
}

/* Lesson 3: one gradient axis for the slides that compare slopes; "the writer of the books" with
 * every word named and the is/are choice; exploding gradients with and without clipping. */
static void lesson3(void) {
  if (!slide(3, 5)) return;
  plot_frame a = e->v.grad_frame;
  slide(3, 6);
  plot_frame b = e->v.grad_frame;
  CHECKF(a.y0 == b.y0 && a.y1 == b.y1, "steps 5 and 6: axes 10^%g..10^%g and 10^%g..10^%g", a.y0, a.y1, b.y0, b.y1);
  CHECKF(abs(a.area.h - b.area.h) < a.area.h / 20, "steps 5 and 6: plots %d and %d px high", a.area.h, b.area.h);
  slide(3, 4);
  const tr_snapshot *sn = explorer_snapshot(e);
  CHECKF(!strcmp(sn->example_text, "the writer of the books"), "example: %s", sn->example_text);
  gfx_rect h = panel(RL_PANEL_HEATMAPS);
  for (int t = 0; t < sn->T; t++) CHECKF(count_in(sn->labels[t], h) >= 1, "word %d '%s' not labelled", t + 1, sn->labels[t]);
  gfx_rect pr = panel(RL_PANEL_PREDICTIONS);
  CHECK(find_in("right answer", pr) && find_in("is", pr));
  CHECKF(find_in("(are ", pr) || find_in("(is ", pr), "the verb is not shown against the other form");
  /* past the edge: the gradient grows going back (relative > 1 at the first word) */
  slide(3, 7);
  const tr_slot_snap *s = &explorer_snapshot(e)->slot[0];
  double rel = s->dhT_norm[0] / s->dhT_norm[s->last_scored];
  CHECKF(rel > 3, "radius 2: the gradient at word 1 is %.3g of the scored word's (it should grow)", rel);
  slide(3, 8);
  sn = explorer_snapshot(e);
  CHECK(sn->slot[0].spec.own_clip && sn->slot[0].spec.clip == 0);
  CHECK(sn->slot[1].spec.own_clip && sn->slot[1].spec.clip == 1);
  CHECK(find_in("B clips at 1", panel(RL_PANEL_GRADNORM)) != NULL);
  CHECK(find_in("no clipping", panel(RL_PANEL_GRADNORM)) != NULL);
  /* the clipped model ends lower than the unclipped one, as the narration says */
  const tr_slot_snap *qa = &sn->slot[0], *qb = &sn->slot[1];
  CHECKF(qb->curve_loss[qb->ncurve - 1] < qa->curve_loss[qa->ncurve - 1], "loss A %.3g, B %.3g",
         (double)qa->curve_loss[qa->ncurve - 1], (double)qb->curve_loss[qb->ncurve - 1]);
}

/* Lesson 4: keep holds what the key wrote, exactly, and the gradient along c is shown. */
static void lesson4(void) {
  if (!slide(4, 5)) return;
  const tr_slot_snap *s = &explorer_snapshot(e)->slot[0];
  CHECK(s->spec.cell == RL_CELL_LSTM && s->clamps.from_t == 1);
  float c1 = 0, moved = 0;
  for (int j = 0; j < s->H; j++) c1 = fmaxf(c1, fabsf(s->c[j]));
  for (int t = 1; t < s->T; t++)
    for (int j = 0; j < s->H; j++) moved = fmaxf(moved, fabsf(s->c[(size_t)t * s->H + j] - s->c[j]));
  CHECKF(c1 > 0.05f && moved == 0.0f, "the key wrote |c| %g; the cell then moved by %g", (double)c1, (double)moved);
  CHECK(find_in("along c", panel(RL_PANEL_GRADIENTS)) != NULL);
}

/* Lesson 5: the z convention is stated on the step that introduces z. */
static void lesson5(void) {
  const rl_lesson *l = lesson(5);
  if (!l) return;
  for (int s = 0; s < l->nsteps; s++) {
    int has_z = 0, said = 0;
    for (int k = 0; k < l->steps[s].nsay; k++) {
      has_z |= strstr(l->steps[s].say[k], "z(t)") != NULL;
      said |= strstr(l->steps[s].say[k], "convention") != NULL;
    }
    if (has_z) {
      CHECKF(said, "lesson 5 step %d introduces z without its convention", s + 1);
      break;
    }
  }
}

/* Lesson 6: both directions' states; each word's label from both models; a bidirectional language
 * model that copies. */
static void lesson6(void) {
  if (!slide(6, 3)) return;
  gfx_rect h = panel(RL_PANEL_HEATMAPS);
  const drawn *fw = find_in("h\u2192", h), *bw = find_in("h\u2190", h);
  CHECKF(fw && bw && fw->box.y < bw->box.y, "forward band above the backward band");
  slide(6, 4);
  const tr_snapshot *sn = explorer_snapshot(e);
  gfx_rect pr = panel(RL_PANEL_PREDICTIONS);
  int scored = 0;
  for (int t = 0; t < sn->T; t++) scored += sn->targets[t] >= 0;
  int cells = count_in("\u2713", pr) + count_in("\u2717", pr);
  CHECKF(scored == 6 && cells == 2 * scored, "%d scored words, %d prediction cells (want one per word and model)",
         scored, cells);
  CHECK(sn->slot[0].D == 1 && sn->slot[1].D == 2);
  slide(6, 5);
  sn = explorer_snapshot(e);
  const tr_slot_snap *fwd = &sn->slot[0], *bid = &sn->slot[1];
  float lf = fwd->curve_loss[fwd->ncurve - 1], lb = bid->curve_loss[bid->ncurve - 1];
  CHECKF(bid->D == 2 && lb < 0.3f && lb < lf / 3, "language-model loss: one way %.3g, both ways %.3g", (double)lf,
         (double)lb);
}

/* Lesson 7: a band per layer; the plain stack on the left, the one with skips on the right. */
static void lesson7(void) {
  if (!slide(7, 4)) return;
  gfx_rect h = panel(RL_PANEL_HEATMAPS), ly = panel(RL_PANEL_LAYERS);
  CHECKF(count_in("h L", h) == 12, "%d layer bands (two models of six)", count_in("h L", h));
  const drawn *a = find_in("A: RNN", ly), *b = find_in("B: RNN", ly);
  CHECKF(a && b && a->box.x < b->box.x && strstr(b->s, "skips"), "model A (plain) left of model B (skips)");
}

int main(void) {
  rl_error err;
  g = gfx_create_headless(1920, 1080, &err);
  if (!g) return 1;
  explorer_opts o = explorer_opts_default();
  CHECK(explorer_create(g, &o, &e, &err) == 0);
  CHECKF(rl_lesson_dir_load(RNNLAB_SOURCE_LESSONS, &set, &err) == 0, "%s", err.msg);
  if (!e) return 1;
  explorer_set_presenting(e, 1);
  explorer_set_text_observer(e, observe, NULL);
  gfx_set_text_observer(g, observe, NULL);
  lesson1();
  lesson2();
  lesson3();
  lesson4();
  lesson5();
  lesson6();
  lesson7();
  rl_lesson_set_free(&set);
  explorer_destroy(e);
  gfx_destroy(g);
  return test_summary("app_test_lesson_content");
}
