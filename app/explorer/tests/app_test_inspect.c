/* The numbers behind the units, connectivity and gradient-check panels (app/explorer/inspect.c),
 * on a static trainer's snapshot, against the engine called directly on the same model:
 *  - the unit values are the trace's (LSTM bands i f o g map to the trace's i f g o);
 *  - "L:U[:GATE]" parsing and its errors;
 *  - the ranking is sorted and its rows are the engine's ranking of the same activations;
 *  - connectivity equals rl_connectivity on the model (bit for bit: the same model, the same
 *    pass) and is cached per (snapshot, slot, t);
 *  - the gradient check's candidates are sorted by |grad|, and the finite difference agrees with
 *    backprop to 5e-3 relative at eps = 1e-2 (float32; measured about 1e-4 .. 2e-3).
 *  - in the explorer (a model file viewed on text): clicking a "find units" row shows that unit,
 *    clicking a character in connectivity selects it, an eps button changes eps;
 *  - the PyTorch-trained fixture opens, and rnnlab's loss on the text it was made for matches
 *    PyTorch's to 1e-4 relative (float32 sums over 200 characters). */
#include "explorer/explorer_state.h"
#include "explorer/inspect.h"
#include "explorer/panel.h"
#include "modelfile.h"
#include "probe.h"
#include "testutil.h"
#include "text_observer.h"
#include "textgen.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

static rl_model *char_model(const char *text, rl_cell cell) {
  /* the characters of the text, sorted */
  int seen[128] = {0}, V = 0;
  for (const char *p = text; *p; p++) seen[(unsigned char)*p & 127] = 1;
  const char *toks[128];
  static char store[128][2];
  for (int c = 0; c < 128; c++)
    if (seen[c]) {
      store[c][0] = (char)c;
      store[c][1] = 0;
      toks[V++] = store[c];
    }
  rl_config cfg = rl_config_default();
  cfg.cell = cell;
  cfg.vocab = cfg.classes = V;
  cfg.embed = 6;
  cfg.hidden = 7;
  rl_model *m = NULL;
  rl_error err;
  if (rl_model_create(&cfg, &m, &err)) return NULL;
  rl_init_opts io = rl_init_default(5);
  if (rl_model_init_params(m, &io, &err) || rl_vocab_set(&m->vocab, RL_VOCAB_CHAR, V, toks, &err)) {
    rl_model_free(m);
    return NULL;
  }
  return m;
}

static int get_snapshot(rl_model *m, const char *text, tr_snapshot *snap, trainer **out) {
  int n = (int)strlen(text);
  int *ids = malloc(sizeof(int) * (size_t)n);
  const char **labels = malloc(sizeof(char *) * (size_t)n);
  rl_error err;
  int got = 0;
  if (rl_vocab_encode(&m->vocab, text, ids, n, &got, &err)) return -1;
  for (int t = 0; t < got; t++) labels[t] = m->vocab.tokens[ids[t]];
  int rc = trainer_create_static(m, ids, got, labels, out, &err);
  free(ids);
  free(labels);
  if (rc) return -1;
  trainer_wait_idle(*out, 30.0);
  trainer_snapshot(*out, snap);
  return snap->slot[0].have_trace ? 0 : -1;
}

static void test_cell(rl_cell cell) {
  const char *text = "x = f(\"a b\", [1, {k: y}]);\nif (n) {\n  g(\"ok\");\n}\n";
  rl_model *m = char_model(text, cell), *twin = char_model(text, cell);
  CHECK(m && twin);
  if (!m || !twin) return;
  tr_snapshot snap;
  tr_snapshot_init(&snap);
  trainer *tr = NULL;
  CHECK(get_snapshot(m, text, &snap, &tr) == 0); /* the trainer owns m now */
  const tr_slot_snap *q = &snap.slot[0];
  int T = snap.T;
  CHECK(T == (int)strlen(text));
  ex_inspect *x = ex_inspect_create();
  char msg[256];

  /* units: values are the trace's */
  const char *names[6];
  int nb = ex_bands(cell, names, NULL, NULL, 6);
  ex_unit u;
  CHECK(ex_unit_parse("1:3", q, &u, msg, sizeof msg) == 0 && !strcmp(names[u.band], "h") && u.unit == 3);
  CHECK(ex_unit_value(q, u, 5) == q->h[5 * q->H + 3]);
  if (cell == RL_CELL_LSTM) {
    CHECK(ex_unit_parse("1:2:o", q, &u, msg, sizeof msg) == 0);
    CHECK(ex_unit_value(q, u, 4) == q->gates[(size_t)4 * 4 * q->H + 3 * q->H + 2]); /* o is the 4th block */
    CHECK(ex_unit_parse("1:2:c", q, &u, msg, sizeof msg) == 0 && ex_unit_value(q, u, 4) == q->c[4 * q->H + 2]);
    CHECK(ex_unit_parse("1:2:r", q, &u, msg, sizeof msg) == -1 && strstr(msg, "i f o g c h"));
  }
  CHECK(ex_unit_parse("2:0", q, &u, msg, sizeof msg) == -1 && strstr(msg, "layers are 1 to 1"));
  CHECK(ex_unit_parse("1:7", q, &u, msg, sizeof msg) == -1 && strstr(msg, "units 0 to 6"));
  CHECK(ex_unit_parse("one", q, &u, msg, sizeof msg) == -1);
  CHECK(ex_unit_parse(NULL, q, &u, msg, sizeof msg) == -1);
  char nm[48];
  u = (ex_unit){0, nb - 1, 4};
  ex_unit_name(q, u, nm, sizeof nm);
  CHECK(!strcmp(nm, "1:4:h"));

  /* the ranking: every unit of every band, sorted, each row the engine's correlation */
  const rl_unit_score *rows;
  const ex_unit *units;
  int n = ex_inspect_rank(x, &snap, 0, &rows, &units);
  CHECK(n == nb * q->H);
  float *feat = malloc(sizeof(float) * RL_FEAT_COUNT * (size_t)T), *series = malloc(sizeof(float) * (size_t)T);
  rl_text_features((const char *const *)snap.labels, T, feat);
  for (int i = 0; i < n; i++) {
    if (i) CHECK(fabsf(rows[i - 1].r) >= fabsf(rows[i].r));
    for (int t = 0; t < T; t++) series[t] = ex_unit_value(q, units[i], t);
    double r = rl_pearson(series, 1, feat + (size_t)rows[i].feature * T, 1, T);
    CHECKF(fabs(r - rows[i].r) < 1e-6, "row %d: %g against %g", i, r, rows[i].r);
  }
  free(feat);
  free(series);
  const rl_unit_score *rows2;
  CHECK(ex_inspect_rank(x, &snap, 0, &rows2, &units) == n && rows2 == rows); /* cached */
  CHECK(ex_inspect_rank(x, &snap, 2, &rows2, &units) == 0);                  /* an empty slot */

  /* connectivity: the engine's numbers for the same model */
  int *ids = malloc(sizeof(int) * (size_t)T);
  float *want = malloc(sizeof(float) * (size_t)T);
  int got;
  rl_error err;
  CHECK(rl_vocab_encode(&twin->vocab, text, ids, T, &got, &err) == 0 && got == T);
  CHECK(rl_connectivity(twin, ids, T, 20, want, &err) == 0);
  const float *c = ex_inspect_connectivity(x, &snap, 0, 20, msg, sizeof msg);
  CHECKF(c != NULL, "%s", msg);
  for (int s = 0; c && s < T; s++) CHECKF(c[s] == want[s], "s=%d %g %g", s, c[s], want[s]);
  CHECK(ex_inspect_connectivity(x, &snap, 0, 20, msg, sizeof msg) == c);
  CHECK(ex_inspect_connectivity(x, &snap, 0, T - 1, msg, sizeof msg) == NULL && strstr(msg, "out of range"));
  CHECK(ex_inspect_connectivity(x, &snap, 1, 3, msg, sizeof msg) == NULL);

  /* the gradient check */
  for (int k = 0; k < 3; k++) {
    const ex_gradcheck *g = ex_inspect_gradcheck(x, &snap, 0, k, 1e-2, msg, sizeof msg);
    CHECKF(g != NULL, "%s", msg);
    if (!g) continue;
    CHECK(g->n == EX_GC_CANDIDATES && g->chosen == k);
    for (int i = 1; i < g->n; i++) CHECK(fabsf(g->grad[i - 1]) >= fabsf(g->grad[i]));
    CHECK(g->check.backprop == g->grad[k]);
    CHECKF(g->check.rel < 5e-3, "%s candidate %d: fd %.7g backprop %.7g rel %.2e", rl_cell_name(cell), k,
           g->check.fd, g->check.backprop, g->check.rel);
  }
  CHECK(ex_inspect_gradcheck(x, &snap, 0, 99, 1e-2, msg, sizeof msg)->chosen == EX_GC_CANDIDATES - 1);
  free(ids);
  free(want);
  ex_inspect_free(x);
  trainer_destroy(tr);
  tr_snapshot_free(&snap);
  rl_model_free(twin);
}

/* The PyTorch fixture: its loss on the text it was trained on, against PyTorch's. */
static void test_pytorch_fixture(void) {
  rl_model *m = NULL;
  rl_error err;
  int rc = rl_model_load(fixture_path("pytorch/char_code_lstm.safetensors"), &m, &err);
  CHECKF(rc == 0, "%s", err.msg);
  if (rc) return;
  CHECK(m->vocab.level == RL_VOCAB_CHAR && m->cfg.cell == RL_CELL_LSTM);
  FILE *f = fopen(fixture_path("pytorch/char_code_lstm.txt"), "r");
  double want = NAN;
  char line[256];
  while (f && fgets(line, sizeof line, f))
    if (line[0] != '#') want = atof(line);
  if (f) fclose(f);
  size_t len;
  char *text = rl_text_generate(RL_TEXT_CODE, 1, 60000, &len, &err);
  CHECK(text && len > 200);
  if (text) {
    text[200] = 0;
    int ids[200], tg[200], n = 0;
    CHECK(rl_vocab_encode(&m->vocab, text, ids, 200, &n, &err) == 0 && n == 200);
    for (int t = 0; t < 200; t++) tg[t] = t + 1 < 200 ? ids[t + 1] : -1;
    rl_batch b = {1, 200, ids, tg, NULL, NULL};
    float loss = NAN;
    CHECK(rl_model_forward(m, &b, &loss, &err) == 0);
    CHECKF(test_close(loss, want, 1e-4, 0), "rnnlab %.7f PyTorch %.7f", loss, want);
    printf("PyTorch fixture: rnnlab loss %.7f, PyTorch %.7f\n", loss, want);
  }
  free(text);
  rl_model_free(m);
}

/* ---- clicks in the window ---- */

static const gfx_rect *seen_at(const char *s, gfx_rect in, int nth) {
  for (int i = 0; i < ntexts; i++)
    if (!strcmp(texts[i].s, s) && gfx_contains(in, texts[i].box.x, texts[i].box.y) && nth-- == 0) return &texts[i].box;
  return NULL;
}

static void click(explorer *e, int x, int y) {
  ui_event ev = {.type = UI_EV_MOUSE_MOVE, .x = x, .y = y};
  explorer_handle_event(e, &ev);
  explorer_frame(e);
  ev.type = UI_EV_MOUSE_DOWN;
  ev.button = UI_BUTTON_LEFT;
  explorer_handle_event(e, &ev);
  explorer_frame(e);
  ev.type = UI_EV_MOUSE_UP;
  explorer_handle_event(e, &ev);
  explorer_frame(e);
}

static void test_clicks(void) {
  rl_error err;
  gfx *g = gfx_create_headless(1920, 1080, &err);
  rl_model *m = NULL;
  CHECK(g && rl_model_load(fixture_path("pytorch/char_code_lstm.safetensors"), &m, &err) == 0);
  if (!g || !m) {
    gfx_destroy(g);
    return;
  }
  size_t len;
  char *text = rl_text_generate(RL_TEXT_CODE, 3, 600, &len, &err);
  explorer *e = NULL;
  CHECKF(text && explorer_create_view(g, m, text, &e, &err) == 0, "%s", err.msg);
  free(text);
  if (!e) {
    gfx_destroy(g);
    return;
  }
  gfx_set_text_observer(g, text_observe, NULL);
  explorer_show_panels(e, RL_PANEL_UNITS, 0);
  explorer_wait(e, 30);
  ntexts = 0;
  explorer_frame(e);
  /* the third row of the list */
  const rl_unit_score *rows;
  const ex_unit *units;
  int n = ex_inspect_rank(e->v.insp, &e->v.snap, 0, &rows, &units);
  CHECK(n > 3 && !e->v.unit_set);
  char name[48];
  ex_unit_name(&e->v.snap.slot[0], units[2], name, sizeof name);
  const gfx_rect *b = n > 3 ? seen_at(name, explorer_panel_rect(e, RL_PANEL_UNITS), 0) : NULL;
  CHECKF(b != NULL, "row %s not drawn", name);
  if (b) {
    ex_unit want = units[2];
    click(e, b->x + 4, b->y + b->h / 2);
    CHECKF(e->v.unit_set && e->v.unit.ld == want.ld && e->v.unit.band == want.band && e->v.unit.unit == want.unit,
           "clicked %s, showing band %d unit %d", name, e->v.unit.band, e->v.unit.unit);
  }
  /* connectivity: click the 3rd "(" drawn and it becomes the selected position */
  explorer_show_panels(e, RL_PANEL_CONNECTIVITY, 0);
  explorer_select_timestep(e, 400);
  ntexts = 0;
  explorer_frame(e);
  gfx_rect cr = explorer_panel_rect(e, RL_PANEL_CONNECTIVITY);
  b = seen_at("(", cr, 2);
  CHECK(b != NULL);
  if (b) {
    click(e, b->x + b->w / 2, b->y + b->h / 2);
    int t = explorer_selected_timestep(e);
    CHECKF(t >= 0 && t < 400 && !strcmp(e->v.snap.labels[t], "("), "selected %d", t);
  }
  /* the gradient check: the 1e-3 button */
  explorer_show_panels(e, RL_PANEL_GRADCHECK, 0);
  ntexts = 0;
  explorer_frame(e);
  b = seen_at("1e-3", explorer_panel_rect(e, RL_PANEL_GRADCHECK), 0);
  CHECK(b != NULL && e->v.gc_eps == 1);
  if (b) {
    click(e, b->x + b->w / 2, b->y + b->h / 2);
    CHECK(e->v.gc_eps == 2);
  }
  rl_error uerr;
  CHECK(explorer_set_unit(e, "1:5:f", &uerr) == 0 && e->v.unit_set && e->v.unit.unit == 5);
  CHECK(explorer_set_unit(e, "1:5:q", &uerr) == -1 && strstr(uerr.msg, "no 'q'"));
  gfx_set_text_observer(g, NULL, NULL);
  explorer_destroy(e);
  gfx_destroy(g);
}

int main(void) {
  test_clicks();
  test_cell(RL_CELL_LSTM);
  test_cell(RL_CELL_GRU);
  test_cell(RL_CELL_RNN);
  test_pytorch_fixture();
  return test_summary("app_test_inspect");
}
