/* What each model answers: a table with the example's words as columns; a row with the right
 * answer at each scored word, then one row per model with its prediction there, green when right
 * and red when wrong. On per-word sentiment this is where a left-to-right model labels
 * "terribly" before it has seen "exciting", and a bidirectional one does not. */
#include "panels.h"
#include <stdlib.h>
#include <string.h>

static int target_at(const tr_snapshot *sn, int t);

/* The prediction of slot q at word t: class and probability; -1 if none. Agreement is scored as
 * the target's form against the other number's ("is" against "are"): the prediction is the one of
 * the two the model prefers. */
static int predicted(const tr_snapshot *sn, const tr_slot_snap *q, int t, float *p) {
  if (!q->used || !q->have_trace || !q->probs || q->C != sn->C || sn->C <= 0) return -1;
  const float *row = q->probs + (sn->head == RL_HEAD_FINAL ? 0 : (size_t)t * (size_t)q->C);
  int best = 0, tg = target_at(sn, t);
  for (int c = 1; c < q->C; c++)
    if (row[c] > row[best]) best = c;
  if (sn->foil >= 0 && sn->foil < q->C && tg >= 0 && tg < q->C) best = row[tg] > row[sn->foil] ? tg : sn->foil;
  *p = row[best];
  return best;
}

/* The target at word t (final heads: the last word), or -1 when t is not scored. */
static int target_at(const tr_snapshot *sn, int t) {
  if (!sn->targets) return -1;
  if (sn->head == RL_HEAD_FINAL) return t == sn->T - 1 ? sn->targets[0] : -1;
  return sn->targets[t];
}

static int abbrev; /* this frame: class names cut to three letters (a narrow panel) */

static const char *class_name(const tr_snapshot *sn, int c) {
  static char cut[4];
  const char *n = sn->class_names && c >= 0 && c < sn->C ? sn->class_names[c] : "?";
  if (!abbrev || strlen(n) <= 4) return n;
  snprintf(cut, sizeof cut, "%.3s", n); /* the ASCII class names (positive, negative, neutral) */
  return cut;
}

/* How the table is labelled: rows named in full, or by the models' letters, or also with the
 * classes cut to three letters and the words in the small size. */
typedef struct {
  const char *row_names[2 + TR_MAX_SLOTS];
  char names[TR_MAX_SLOTS][96];
  int slots[TR_MAX_SLOTS], ns;
  int label_w, colw, maxcols, word_px;
} table_form;

/* Rows: the words, the right answers, then each model; columns: the scored words. When they do
 * not all fit, the rows are named by the models' letters, then the classes shortened to their
 * first three letters, before any word is left out (the first words matter most on a slide
 * about reading ahead). */
static void choose_form(ex_view *v, gfx_rect c, int nscored, table_form *f) {
  gfx *g = v->g;
  const tr_snapshot *sn = &v->snap;
  int sp = gfx_font_px(g, THEME_TEXT_SMALL), bp = gfx_font_px(g, THEME_TEXT_BODY);
  f->row_names[0] = "word";
  for (int form = 0; form < 3; form++) {
    abbrev = form == 2;
    f->word_px = form == 2 ? sp : bp;
    f->row_names[1] = form ? "answer" : "right answer";
    for (int i = 0; i < f->ns; i++) {
      if (form) snprintf(f->names[i], sizeof f->names[i], "%c", 'A' + f->slots[i]);
      else ex_slot_name(v, f->slots[i], f->names[i], sizeof f->names[i]);
      f->row_names[2 + i] = f->names[i];
    }
    f->label_w = 0;
    for (int i = 0; i < 2 + f->ns; i++) {
      int w = 0;
      gfx_text_size(g, f->row_names[i], GFX_SANS, bp, &w, NULL);
      if (w > f->label_w) f->label_w = w;
    }
    f->label_w += gfx_px(g, 16);
    if (f->label_w > c.w / 4) f->label_w = c.w / 4; /* longer names wrap onto two lines */
    int widest = 0;
    for (int k = 0; k < sn->C; k++) {
      char a[96];
      int w = 0;
      snprintf(a, sizeof a, "%s \u2713", class_name(sn, k));
      gfx_text_size(g, a, GFX_SANS, sp, &w, NULL);
      if (w > widest) widest = w;
    }
    for (int t = 0; t < sn->T; t++) {
      int w = 0;
      gfx_text_size(g, sn->labels ? sn->labels[t] : "?", GFX_SANS, f->word_px, &w, NULL);
      if (w > widest) widest = w;
    }
    f->colw = widest + gfx_px(g, form == 2 ? 8 : 14);
    f->maxcols = (c.w - f->label_w) / (f->colw > 0 ? f->colw : 1);
    if (f->maxcols >= nscored) break;
  }
}

/* The row names down the left, wrapped onto two lines when long. */
static void draw_row_names(ex_view *v, gfx_rect c, const table_form *f, int y, int rowh) {
  gfx *g = v->g;
  const theme *th = gfx_theme(g);
  int bp = gfx_font_px(g, THEME_TEXT_BODY), lh = gfx_line_height(g, GFX_SANS, bp);
  for (int i = 0; i < 2 + f->ns; i++) {
    gfx_color col = i < 2 ? th->text : ex_slot_color(v, f->slots[i - 2]);
    char lines[2][GFX_WRAP_LINE], fit[GFX_WRAP_LINE];
    int nl = gfx_wrap(g, f->row_names[i], GFX_SANS, bp, f->label_w - gfx_px(g, 8), lines, 2);
    for (int k = 0; k < nl; k++) {
      gfx_text_fit(g, lines[k], GFX_SANS, bp, f->label_w - gfx_px(g, 8), fit, sizeof fit);
      gfx_text(g, c.x, y + i * rowh + rowh / 2 + (k - (nl - 1) / 2.0f) * lh, fit, GFX_SANS, bp,
               i ? col : th->text_dim, GFX_LEFT | GFX_MIDDLE);
    }
  }
}

/* Slot k's answer at word t in cell: green when right, red when wrong, with its probability. */
static void draw_answer(ex_view *v, int k, int t, gfx_rect cell) {
  gfx *g = v->g;
  const theme *th = gfx_theme(g);
  const tr_snapshot *sn = &v->snap;
  int sp = gfx_font_px(g, THEME_TEXT_SMALL), lh = gfx_line_height(g, GFX_SANS, gfx_font_px(g, THEME_TEXT_BODY));
  float p = 0;
  int tg = target_at(sn, t), pc = predicted(sn, &sn->slot[k], t, &p);
  if (pc < 0) return;
  int right = pc == tg;
  float cx = cell.x + cell.w / 2.0f;
  gfx_fill_round_rect(g, cell, gfx_px(g, 6), gfx_mix(th->panel, right ? th->ok : th->error, 0.35f));
  char a[96];
  snprintf(a, sizeof a, "%s %s", class_name(sn, pc), right ? "\u2713" : "\u2717");
  gfx_text(g, cx, cell.y + cell.h / 2 - lh / 4, a, GFX_SANS, sp, th->text, GFX_CENTER | GFX_MIDDLE);
  const float *row = sn->slot[k].probs + (sn->head == RL_HEAD_FINAL ? 0 : (size_t)t * (size_t)sn->C);
  int other = sn->foil >= 0 && sn->foil < sn->C ? (pc == tg ? sn->foil : tg) : -1;
  if (other >= 0) /* agreement: the form the task compares it with */
    snprintf(a, sizeof a, "%.0f%% (%s %.0f%%)", 100.0 * p, class_name(sn, other), 100.0 * row[other]);
  else
    snprintf(a, sizeof a, "%.0f%%", 100.0 * p);
  gfx_text(g, cx, cell.y + cell.h / 2 + lh / 2, a, GFX_SANS, sp, th->text_dim, GFX_CENTER | GFX_MIDDLE);
}

/* The last maxcols scored words, left to right, into cols. Returns how many. */
static int pick_columns(const tr_snapshot *sn, int maxcols, int *cols) {
  int n = 0;
  for (int t = sn->T - 1; t >= 0 && n < maxcols; t--)
    if (target_at(sn, t) >= 0) cols[n++] = t;
  for (int i = 0; i < n / 2; i++) {
    int tmp = cols[i];
    cols[i] = cols[n - 1 - i];
    cols[n - 1 - i] = tmp;
  }
  return n;
}

void panel_predictions_draw(ex_view *v, gfx_rect r) {
  gfx *g = v->g;
  const theme *th = gfx_theme(g);
  const tr_snapshot *sn = &v->snap;
  gfx_rect c = ex_panel_frame(v, RL_PANEL_PREDICTIONS, r, "What each model answers, word by word");
  int T = sn->T;
  if (T <= 0) return;
  int sp = gfx_font_px(g, THEME_TEXT_SMALL), bp = gfx_font_px(g, THEME_TEXT_BODY);
  int lh = gfx_line_height(g, GFX_SANS, bp);
  table_form f;
  f.ns = 0;
  for (int k = 0; k < TR_MAX_SLOTS; k++)
    if (sn->slot[k].used) f.slots[f.ns++] = k;
  int nscored = 0;
  for (int t = 0; t < T; t++) nscored += target_at(sn, t) >= 0;
  choose_form(v, c, nscored, &f);
  int *cols = malloc(sizeof(int) * (size_t)T), ncols;
  if (!cols) return;
  if ((ncols = pick_columns(sn, f.maxcols, cols)) == 0) {
    gfx_text(g, c.x + c.w / 2, c.y + c.h / 2, "no scored words in this example", GFX_SANS, bp, th->text_dim,
             GFX_CENTER | GFX_MIDDLE);
    free(cols);
    return;
  }
  int ns = f.ns, cellw = (c.w - f.label_w) / ncols, rowh = lh * 2 + gfx_px(g, 8);
  if (rowh * (2 + ns) > c.h) rowh = c.h / (2 + ns);
  int y = c.y + (c.h - rowh * (2 + ns)) / 2;
  draw_row_names(v, c, &f, y, rowh);
  for (int j = 0; j < ncols; j++) {
    int t = cols[j], x = c.x + f.label_w + j * cellw;
    float cx = x + cellw / 2.0f;
    gfx_text(g, cx, y + rowh / 2, sn->labels ? sn->labels[t] : "?", GFX_SANS, f.word_px, th->text,
             GFX_CENTER | GFX_MIDDLE);
    gfx_text(g, cx, y + rowh + rowh / 2, class_name(sn, target_at(sn, t)), GFX_SANS, sp, th->text_dim,
             GFX_CENTER | GFX_MIDDLE);
    for (int i = 0; i < ns; i++)
      draw_answer(v, f.slots[i], t, gfx_r(x + gfx_px(g, 3), y + (2 + i) * rowh + gfx_px(g, 3), cellw - gfx_px(g, 6),
                                          rowh - gfx_px(g, 6)));
  }
  free(cols);
}

int panel_predictions_csv(const ex_view *v, FILE *f) {
  const tr_snapshot *sn = &v->snap;
  abbrev = 0; /* data keeps the full class names */
  fprintf(f, "model,t,token,target,prediction,probability,right\n");
  for (int k = 0; k < TR_MAX_SLOTS; k++)
    for (int t = 0; t < sn->T && sn->slot[k].used; t++) {
      int tg = target_at(sn, t);
      float p = 0;
      int pc = predicted(sn, &sn->slot[k], t, &p);
      if (tg < 0 || pc < 0) continue;
      char q1[160], q2[160], q3[160];
      fprintf(f, "%c,%d,%s,%s,%s,%.6g,%d\n", 'A' + k, t + 1, csv_quote(sn->labels ? sn->labels[t] : "", q1, sizeof q1),
              csv_quote(class_name(sn, tg), q2, sizeof q2), csv_quote(class_name(sn, pc), q3, sizeof q3), (double)p,
              pc == tg);
    }
  return ferror(f) ? -1 : 0;
}
