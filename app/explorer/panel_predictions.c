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

void panel_predictions_draw(ex_view *v, gfx_rect r) {
  gfx *g = v->g;
  const theme *th = gfx_theme(g);
  const tr_snapshot *sn = &v->snap;
  gfx_rect c = ex_panel_frame(v, RL_PANEL_PREDICTIONS, r, "What each model answers, word by word");
  int T = sn->T;
  if (T <= 0) return;
  int sp = gfx_font_px(g, THEME_TEXT_SMALL), bp = gfx_font_px(g, THEME_TEXT_BODY);
  int lh = gfx_line_height(g, GFX_SANS, bp);
  /* rows: the words, the right answers, then each model; columns: the scored words. When they do
   * not all fit, the rows are named by the models' letters, then the classes shortened to their
   * first three letters, before any word is left out (the first words matter most on a slide
   * about reading ahead) */
  int slots[TR_MAX_SLOTS], ns = 0;
  for (int k = 0; k < TR_MAX_SLOTS; k++)
    if (sn->slot[k].used) slots[ns++] = k;
  const char *row_names[2 + TR_MAX_SLOTS] = {"word", "right answer"};
  char names[TR_MAX_SLOTS][96];
  int nscored = 0;
  for (int t = 0; t < T; t++) nscored += target_at(sn, t) >= 0;
  int label_w = 0, colw = 0, maxcols = 0, word_px = bp;
  for (int form = 0; form < 3; form++) {
    abbrev = form == 2;
    word_px = form == 2 ? sp : bp;
    row_names[1] = form ? "answer" : "right answer";
    for (int i = 0; i < ns; i++) {
      if (form) snprintf(names[i], sizeof names[i], "%c", 'A' + slots[i]);
      else ex_slot_name(v, slots[i], names[i], sizeof names[i]);
      row_names[2 + i] = names[i];
    }
    label_w = 0;
    for (int i = 0; i < 2 + ns; i++) {
      int w = 0;
      gfx_text_size(g, row_names[i], GFX_SANS, bp, &w, NULL);
      if (w > label_w) label_w = w;
    }
    label_w += gfx_px(g, 16);
    if (label_w > c.w / 4) label_w = c.w / 4; /* longer names wrap onto two lines */
    int widest = 0;
    for (int k = 0; k < sn->C; k++) {
      char a[96];
      int w = 0;
      snprintf(a, sizeof a, "%s \u2713", class_name(sn, k));
      gfx_text_size(g, a, GFX_SANS, sp, &w, NULL);
      if (w > widest) widest = w;
    }
    for (int t = 0; t < T; t++) {
      int w = 0;
      gfx_text_size(g, sn->labels ? sn->labels[t] : "?", GFX_SANS, word_px, &w, NULL);
      if (w > widest) widest = w;
    }
    colw = widest + gfx_px(g, form == 2 ? 8 : 14);
    maxcols = (c.w - label_w) / (colw > 0 ? colw : 1);
    if (maxcols >= nscored) break;
  }
  int *cols = malloc(sizeof(int) * (size_t)T), ncols = 0;
  if (!cols) return;
  for (int t = T - 1; t >= 0 && ncols < maxcols; t--)
    if (target_at(sn, t) >= 0) cols[ncols++] = t;
  if (ncols == 0) {
    gfx_text(g, c.x + c.w / 2, c.y + c.h / 2, "no scored words in this example", GFX_SANS, bp, th->text_dim,
             GFX_CENTER | GFX_MIDDLE);
    free(cols);
    return;
  }
  for (int i = 0; i < ncols / 2; i++) { /* left to right */
    int tmp = cols[i];
    cols[i] = cols[ncols - 1 - i];
    cols[ncols - 1 - i] = tmp;
  }
  int cellw = (c.w - label_w) / ncols, rowh = lh * 2 + gfx_px(g, 8);
  if (rowh * (2 + ns) > c.h) rowh = c.h / (2 + ns);
  int y = c.y + (c.h - rowh * (2 + ns)) / 2;
  for (int i = 0; i < 2 + ns; i++) {
    gfx_color col = i < 2 ? th->text : ex_slot_color(v, slots[i - 2]);
    char lines[2][GFX_WRAP_LINE], fit[GFX_WRAP_LINE];
    int nl = gfx_wrap(g, row_names[i], GFX_SANS, bp, label_w - gfx_px(g, 8), lines, 2);
    for (int k = 0; k < nl; k++) {
      gfx_text_fit(g, lines[k], GFX_SANS, bp, label_w - gfx_px(g, 8), fit, sizeof fit);
      gfx_text(g, c.x, y + i * rowh + rowh / 2 + (k - (nl - 1) / 2.0f) * lh, fit, GFX_SANS, bp,
               i ? col : th->text_dim, GFX_LEFT | GFX_MIDDLE);
    }
  }
  for (int j = 0; j < ncols; j++) {
    int t = cols[j], x = c.x + label_w + j * cellw, tg = target_at(sn, t);
    float cx = x + cellw / 2.0f;
    gfx_text(g, cx, y + rowh / 2, sn->labels ? sn->labels[t] : "?", GFX_SANS, word_px, th->text, GFX_CENTER | GFX_MIDDLE);
    gfx_text(g, cx, y + rowh + rowh / 2, class_name(sn, tg), GFX_SANS, sp, th->text_dim, GFX_CENTER | GFX_MIDDLE);
    for (int i = 0; i < ns; i++) {
      float p = 0;
      int pc = predicted(sn, &sn->slot[slots[i]], t, &p);
      if (pc < 0) continue;
      int right = pc == tg;
      gfx_rect cell = {x + gfx_px(g, 3), y + (2 + i) * rowh + gfx_px(g, 3), cellw - gfx_px(g, 6), rowh - gfx_px(g, 6)};
      gfx_fill_round_rect(g, cell, gfx_px(g, 6), gfx_mix(th->panel, right ? th->ok : th->error, 0.35f));
      char a[96];
      snprintf(a, sizeof a, "%s %s", class_name(sn, pc), right ? "\u2713" : "\u2717");
      gfx_text(g, cx, cell.y + cell.h / 2 - lh / 4, a, GFX_SANS, sp, th->text, GFX_CENTER | GFX_MIDDLE);
      const float *row = sn->slot[slots[i]].probs + (sn->head == RL_HEAD_FINAL ? 0 : (size_t)t * (size_t)sn->C);
      int other = sn->foil >= 0 && sn->foil < sn->C ? (pc == tg ? sn->foil : tg) : -1;
      if (other >= 0) /* agreement: the form the task compares it with */
        snprintf(a, sizeof a, "%.0f%% (%s %.0f%%)", 100.0 * p, class_name(sn, other), 100.0 * row[other]);
      else
        snprintf(a, sizeof a, "%.0f%%", 100.0 * p);
      gfx_text(g, cx, cell.y + cell.h / 2 + lh / 2, a, GFX_SANS, sp, th->text_dim, GFX_CENTER | GFX_MIDDLE);
    }
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
