/* The two explorer hooks the lessons use, headless:
 *  - text: a chosen sentence becomes the displayed example of every model (tokens, labels, the live
 *    next-word distribution) while training goes on; an unknown word is an error naming it, shown
 *    in the explorer and reported by a lesson as file:line;
 *  - bptt T: the bptt-bars panel shows the backward pass having reached step T (the terms of the
 *    steps before T greyed out), with the norm of the running sum from the trace, which at step 0
 *    is the norm of the whole dJ/dW_h of the example. */
#define _POSIX_C_SOURCE 200809L
#include "explorer/explorer_state.h"
#include "lessons/presenter.h"
#include "tasks.h"
#include "testutil.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

static gfx *g;
static explorer *e;

static ui_event keydown(ui_key k) {
  ui_event ev = {.type = UI_EV_KEY_DOWN, .key = k};
  return ev;
}

/* Pixels in r within a small distance of colour c. */
static long count_color(gfx_rect r, gfx_color c) {
  uint8_t *px = malloc((size_t)r.w * (size_t)r.h * 4);
  rl_error err;
  if (!px || gfx_read_pixels(g, r, px, &err)) {
    free(px);
    return -1;
  }
  long n = 0;
  for (long i = 0; i < (long)r.w * r.h; i++)
    n += abs(px[4 * i] - c.r) + abs(px[4 * i + 1] - c.g) + abs(px[4 * i + 2] - c.b) < 30;
  free(px);
  return n;
}

static uint64_t region_hash(gfx_rect r) {
  uint8_t *px = malloc((size_t)r.w * (size_t)r.h * 4);
  rl_error err;
  uint64_t h = 1469598103934665603ull;
  if (!px || gfx_read_pixels(g, r, px, &err)) {
    free(px);
    return 0;
  }
  for (size_t i = 0; i < (size_t)r.w * r.h * 4; i++) h = (h ^ px[i]) * 1099511628211ull;
  free(px);
  return h;
}

static char *read_all(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  char *buf = calloc(1, 1 << 20);
  if (buf) fread(buf, 1, (1 << 20) - 1, f);
  fclose(f);
  return buf;
}

/* CSV of a panel (written next to its PNG by the export). */
static char *panel_csv(rl_panel p) {
  char png[1024];
  rl_error err = {{0}};
  explorer_set_export_dir(e, test_tmpdir());
  if (explorer_export_panel(e, p, 1, png, sizeof png, &err)) {
    fprintf(stderr, "export: %s\n", err.msg);
    return NULL;
  }
  char *dot = strrchr(png, '.');
  if (dot) snprintf(dot, sizeof png - (size_t)(dot - png), ".csv");
  return read_all(png);
}

static void frame(void) {
  gfx_begin_frame(g);
  explorer_frame(e);
}

static int setup(rl_cell cell, rl_task_opts task) {
  tr_config c = tr_config_default();
  memset(c.models, 0, sizeof c.models);
  c.models[0].used = 1;
  c.models[0].cell = cell;
  c.models[0].nonlin = RL_ACT_TANH;
  c.task = task;
  rl_error err = {{0}};
  int rc = explorer_set_config(e, &c, &err);
  CHECKF(rc == 0, "%s", err.msg);
  explorer_wait(e, 60);
  return rc;
}

static void test_text_lm(void) {
  if (setup(RL_CELL_RNN, rl_task_default(RL_TASK_LM))) return;
  explorer_show_panels(e, RL_PANEL_HEATMAPS | RL_PANEL_DISTRIBUTION, 0);
  frame();
  gfx_rect dr = explorer_panel_rect(e, RL_PANEL_DISTRIBUTION);
  uint64_t before = region_hash(dr);
  CHECK(explorer_snapshot(e)->T == 32); /* the task's own example: one chunk */

  rl_error err = {{0}};
  CHECKF(explorer_set_text(e, "the students opened their", &err) == 0, "%s", err.msg);
  explorer_select_timestep(e, -1);
  explorer_wait(e, 30);
  const tr_snapshot *sn = explorer_snapshot(e);
  CHECK(sn->T == 4);
  CHECK(sn->labels && !strcmp(sn->labels[0], "the") && !strcmp(sn->labels[3], "their"));
  CHECK(!strcmp(sn->example_text, "the students opened their"));
  CHECK(sn->targets[0] == sn->tokens[1] && sn->targets[2] == sn->tokens[3]);
  CHECK(sn->slot[0].have_trace && sn->slot[0].T == 4);
  CHECK(explorer_selected_timestep(e) == 3);
  frame();
  CHECK(region_hash(dr) != before); /* the distribution panel now shows the prediction after "their" */
  char *csv = panel_csv(RL_PANEL_DISTRIBUTION);
  CHECK(csv && strstr(csv, "A,4,\"books\",")); /* t counts words from 1: "their" is word 4 */
  free(csv);

  /* training goes on with the task's batches; the sentence stays, the distribution is live */
  float p_before = -1, p_after = -1;
  int books = -1;
  for (int c = 0; c < sn->C; c++)
    if (!strcmp(sn->class_names[c], "books")) books = c;
  CHECK(books >= 0);
  if (books >= 0) p_before = sn->slot[0].probs[3 * sn->C + books];
  explorer_train(e, 150);
  CHECK(explorer_wait(e, 120) == 0);
  sn = explorer_snapshot(e);
  CHECK(sn->T == 4 && sn->slot[0].step == 150);
  if (books >= 0) p_after = sn->slot[0].probs[3 * sn->C + books];
  CHECKF(p_after > p_before + 0.05f, "p(books | the students opened their): %g -> %g", p_before, p_after);

  /* an unknown word: an error naming it, shown in the explorer; nothing changes */
  CHECK(explorer_set_text(e, "the students opened their xylophones", &err) == -1);
  CHECKF(strstr(err.msg, "'xylophones'") && strstr(err.msg, "lm task"), "%s", err.msg);
  CHECKF(strstr(e->notice, "xylophones") && e->notice_error, "notice '%s'", e->notice);
  frame();
  CHECK(explorer_snapshot(e)->T == 4);

  /* a reset keeps the sentence; a task that lacks its words falls back to its own example */
  CHECK(explorer_reset(e, &err) == 0);
  explorer_wait(e, 30);
  CHECK(explorer_snapshot(e)->T == 4);
  CHECK(explorer_set_task(e, "recall", 5, &err) == 0);
  explorer_wait(e, 30);
  tr_config c;
  explorer_get_config(e, &c);
  CHECK(c.text[0] == 0 && explorer_snapshot(e)->T == 7);
  CHECKF(strstr(e->notice, "does not fit"), "notice '%s'", e->notice);
}

static void test_text_sentiment(void) {
  rl_task_opts t = rl_task_default(RL_TASK_SENTIMENT);
  t.per_token = 1;
  if (setup(RL_CELL_LSTM, t)) return;
  rl_error err = {{0}};
  CHECKF(explorer_set_text(e, "the movie was terribly exciting !", &err) == 0, "%s", err.msg);
  const tr_snapshot *sn = explorer_snapshot(e);
  CHECK(sn->T == 6 && !strcmp(sn->labels[3], "terribly"));
  int pos = 1;
  for (int i = 0; i < sn->T; i++) pos &= sn->targets[i] == 1; /* praise, every word */
  CHECK(pos);
  /* the task's own rules: "not" flips a clause, "X but Y" takes Y's label */
  rl_task *task = NULL;
  CHECK(rl_task_create(&t, &task, &err) == 0);
  if (task) {
    int *ids = NULL, n = 0, tg[16];
    CHECK(tr_encode_text(task, "the plot was not good but the music was great .", &ids, &n, &err) == 0);
    CHECK(n == 11 && rl_task_label(task, ids, n, tg) == 0);
    int want[11] = {0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1};
    int same = n == 11;
    for (int i = 0; i < 11 && same; i++) same = tg[i] == want[i];
    CHECK(same);
    free(ids);
    CHECK(tr_encode_text(task, "the movie was fantastic", &ids, &n, &err) == -1);
    CHECKF(strstr(err.msg, "'fantastic' is not a word of the sentiment task"), "%s", err.msg);
    rl_task_free(task);
  }
}

/* The running-sum norms of the trace: at the first step visited it is that step's term; at the
 * last one, the norm of the whole dJ/dW_hh of the example (batch of one). */
static void test_cum_norm_engine(void) {
  rl_config mc = rl_config_default();
  mc.cell = RL_CELL_GRU;
  mc.vocab = 7;
  mc.embed = 4;
  mc.hidden = 5;
  mc.head = RL_HEAD_STEP;
  mc.classes = 7;
  rl_model *m = NULL;
  rl_error err = {{0}};
  CHECKF(rl_model_create(&mc, &m, &err) == 0, "%s", err.msg);
  if (!m) return;
  rl_init_opts io = rl_init_default(3);
  CHECK(rl_model_init_params(m, &io, &err) == 0);
  int tok[6] = {1, 2, 3, 4, 5, 6}, tgt[6] = {2, 3, 4, 5, 6, 0};
  rl_batch b = {1, 6, tok, tgt, NULL, NULL};
  float loss;
  m->trace_example = 0;
  CHECK(rl_model_forward(m, &b, &loss, &err) == 0 && rl_model_backward(m, &err) == 0);
  const rl_tensor_info *ti = rl_model_find_tensor(m, "rnn.weight_hh_l0");
  CHECK(ti != NULL);
  if (ti) {
    double s = 0;
    for (size_t i = 0; i < ti->numel; i++) s += (double)m->grads[ti->offset + i] * m->grads[ti->offset + i];
    CHECKF(test_close(m->trace.dwhh_cum_norm[0], sqrt(s), 1e-4, 1e-7), "%g vs %g",
           (double)m->trace.dwhh_cum_norm[0], sqrt(s));
    double sum_of_norms = 0;
    for (int t = 0; t < 6; t++) sum_of_norms += m->trace.dwhh_norm[t];
    CHECK(m->trace.dwhh_cum_norm[0] <= sum_of_norms * (1 + 1e-5));
  }
  CHECK(test_close(m->trace.dwhh_cum_norm[5], m->trace.dwhh_norm[5], 1e-5, 1e-9));
  rl_model_free(m);
}

static void test_bptt_walk(void) {
  rl_task_opts t = rl_task_default(RL_TASK_RECALL);
  t.length = 8;
  if (setup(RL_CELL_RNN, t)) return;
  explorer_train(e, 30);
  explorer_wait(e, 60);
  explorer_show_panels(e, RL_PANEL_BPTT, RL_PANEL_BPTT);
  const tr_snapshot *sn = explorer_snapshot(e);
  int T = sn->T;
  CHECK(T == 10);
  gfx_color col = ex_slot_color(&e->v, 0);

  explorer_bptt(e, -1); /* bptt last */
  frame();
  CHECK(explorer_bptt_reached(e) == T - 1);
  gfx_rect r = explorer_panel_rect(e, RL_PANEL_BPTT);
  /* below the key line, the left two thirds hold only greyed placeholders: no bar colour */
  gfx_rect left = {r.x, r.y + r.h / 4, r.w * 2 / 3, r.h * 3 / 4 - 4};
  long last_left = count_color(left, col);
  char *csv = panel_csv(RL_PANEL_BPTT);
  CHECK(csv && strstr(csv, "model,t,token,dWhh_term_norm,running_sum_norm,added"));
  CHECK(csv && strstr(csv, ",0\n") && strstr(csv, ",1\n"));
  free(csv);

  explorer_bptt(e, 6);
  frame();
  CHECK(explorer_bptt_reached(e) == 6);
  csv = panel_csv(RL_PANEL_BPTT);
  int added[16], nrow = 0;
  for (char *line = csv ? strchr(csv, '\n') : NULL; line && line[1] && nrow < 16; line = strchr(line + 1, '\n')) {
    char *end = strchr(line + 1, '\n');
    char *comma = end ? end - 1 : NULL;
    while (comma && comma > line && *comma != ',') comma--;
    if (comma) added[nrow++] = atoi(comma + 1);
  }
  CHECK(nrow == T);
  int ok = nrow == T;
  for (int i = 0; i < nrow; i++) ok &= added[i] == (i >= 6);
  CHECK(ok);
  free(csv);

  /* Left moves the pass one step further back; Right undoes it */
  ui_event ev = keydown(UI_KEY_LEFT);
  explorer_handle_event(e, &ev);
  CHECK(explorer_bptt_reached(e) == 5);
  ev = keydown(UI_KEY_RIGHT);
  explorer_handle_event(e, &ev);
  CHECK(explorer_bptt_reached(e) == 6);

  explorer_bptt(e, 0);
  frame();
  long all_left = count_color(left, col);
  CHECKF(last_left >= 0 && last_left < 50 && all_left > 20 * (last_left + 50), "bar pixels left: %ld at the last step, %ld at 0",
         last_left, all_left);
  /* the running sum at 0 is the whole gradient's norm, which is not the sum of the term norms */
  const tr_slot_snap *q = &explorer_snapshot(e)->slot[0];
  double sum = 0;
  for (int i = 0; i < q->T; i++) sum += q->dwhh_norm[i];
  CHECK(q->dwhh_cum[0] > 0 && q->dwhh_cum[0] <= sum * (1 + 1e-5));
  explorer_select_timestep(e, 2);
  CHECK(explorer_bptt_reached(e) == -1);
}

static void test_lesson_bad_text(void) {
  char path[600];
  snprintf(path, sizeof path, "%s/bad-text.lesson", test_tmpdir());
  FILE *f = fopen(path, "w");
  CHECK(f != NULL);
  if (!f) return;
  fputs("lesson: 9\ntitle: Bad text\n\n[step] A\nmodels: rnn-tanh\ntask: lm level=word\n"
        "text: the students opened their xylophones\nshow: distribution\n", f);
  fclose(f);
  rl_lesson l;
  rl_error err = {{0}};
  CHECKF(rl_lesson_load(path, &l, &err) == 0, "%s", err.msg); /* it parses: the words are checked on use */
  char want[700];
  snprintf(want, sizeof want, "%s:7: text: 'xylophones'", path);
  CHECK(lesson_apply_step(e, &l, 0, 0, &err) == -1);
  CHECKF(strstr(err.msg, want) != NULL, "'%s' does not contain '%s'", err.msg, want);
  CHECKF(strstr(e->notice, want) != NULL, "notice '%s'", e->notice);
  CHECK(explorer_panels_shown(e) == RL_PANEL_DISTRIBUTION); /* the rest of the step applied */
  rl_lesson_free(&l);
}

int main(void) {
  rl_error err = {{0}};
  test_cum_norm_engine();
  g = gfx_create_headless(1920, 1080, &err);
  CHECKF(g != NULL, "%s", err.msg);
  if (!g) return test_summary("app_test_hooks");
  explorer_opts o = explorer_opts_default();
  CHECKF(explorer_create(g, &o, &e, &err) == 0, "%s", err.msg);
  if (e) {
    test_text_lm();
    test_text_sentiment();
    test_bptt_walk();
    test_lesson_bad_text();
    explorer_destroy(e);
  }
  gfx_destroy(g);
  return test_summary("app_test_hooks");
}
