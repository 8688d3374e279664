/* Lesson files: the shipped lessons parse and follow the classroom rules, a full example parses
 * to the expected structure, every kind of malformed file gives its file:line message, and random
 * or truncated input never crashes the parser (run under the sanitizer build to make that bite). */
#include "explorer/panel.h"
#include "lessons/lesson.h"
#include "testutil.h"
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifndef RNNLAB_SOURCE_LESSONS
#error "RNNLAB_SOURCE_LESSONS must point at the lessons/ folder"
#endif

/* Number of UTF-8 code points (what a reader sees as characters). */
static int utf8_len(const char *s) {
  int n = 0;
  for (; *s; s++) n += ((unsigned char)*s & 0xC0) != 0x80;
  return n;
}

static void test_shipped_lessons(void) {
  rl_lesson_set set;
  rl_error err = {{0}};
  CHECKF(rl_lesson_dir_load(RNNLAB_SOURCE_LESSONS, &set, &err) == 0, "%s", err.msg);
  CHECKF(set.n == 7, "expected the 7 course lessons, found %d files", set.n);
  for (int i = 0; i < set.n; i++) {
    const rl_lesson_entry *e = &set.entries[i];
    CHECKF(e->ok, "%s", e->error.msg);
    if (!e->ok) continue;
    const rl_lesson *l = &e->lesson;
    CHECKF(l->number == i + 1, "%s: lessons are numbered 1..7 in order, got %d at position %d", e->path,
           l->number, i);
    CHECKF(l->nsteps >= 4 && l->nsteps <= 8, "%s: %d steps, the course wants 4 to 8", e->path, l->nsteps);
    CHECKF(l->summary[0] != 0, "%s: no summary for the lesson menu", e->path);
    for (int s = 0; s < l->nsteps; s++) {
      const rl_lesson_step *st = &l->steps[s];
      /* Projector rules: 2-4 narration lines per step, each short enough for one line at 1080p. */
      CHECKF(st->nsay >= 2 && st->nsay <= 4, "%s:%d: step has %d narration lines, want 2-4", e->path,
             st->line, st->nsay);
      for (int k = 0; k < st->nsay; k++)
        CHECKF(utf8_len(st->say[k]) <= 90, "%s:%d: narration line of %d characters (max 90): %s", e->path,
               st->line, utf8_len(st->say[k]), st->say[k]);
      CHECKF(utf8_len(st->title) <= 48, "%s:%d: step title too long for the title bar", e->path, st->line);
      rl_lesson_setup su;
      CHECK(rl_lesson_resolve(l, s, &su) == 0);
      /* Every step must set up something to look at. */
      CHECKF(su.has_models && su.has_task && su.show != 0, "%s:%d: step %d has no models/task/panels",
             e->path, st->line, s + 1);
    }
  }
  CHECK(rl_lesson_set_find(&set, 4) == 3);
  CHECK(rl_lesson_set_find(&set, 99) == -1);
  rl_lesson_set_free(&set);
}

static void test_full_example(void) {
  rl_lesson l;
  rl_error err = {{0}};
  int rc = rl_lesson_load(fixture_path("lessons/good_full.lesson"), &l, &err);
  CHECKF(rc == 0, "%s", err.msg);
  if (rc) return;
  CHECK(l.number == 42);
  CHECK(!strcmp(l.title, "The forget gate, up close"));
  CHECK(strstr(l.summary, "forget gate open") != NULL);
  CHECK(l.nsteps == 3);
  if (l.nsteps != 3) {
    rl_lesson_free(&l);
    return;
  }
  const rl_lesson_step *a = &l.steps[0], *b = &l.steps[1], *c = &l.steps[2];
  CHECK(!strcmp(a->title, "Meet the cell") && a->line == 6);
  CHECK(a->nsay == 2 && !strcmp(a->say[1], "Unicode is fine: c(t) = f ⊙ c(t-1) + i ⊙ g"));
  CHECK(a->has_models && a->models[0].used && a->models[0].cell == RL_CELL_LSTM);
  CHECK(a->models[0].hidden == 32 && a->models[0].layers == 0);
  CHECK(a->models[1].used && a->models[1].cell == RL_CELL_RNN && a->models[1].nonlin == RL_ACT_TANH);
  CHECK(a->models[1].layers == 2 && !a->models[2].used);
  CHECK(a->has_task && !strcmp(a->task, "recall") && a->ntask_opts == 1);
  CHECK(!strcmp(a->task_opts[0].key, "distance") && a->task_opts[0].is_num && a->task_opts[0].num == 20);
  CHECK(a->has_text && !strcmp(a->text, "k3 · · · · · q"));
  CHECK(a->has_show && a->show == (RL_PANEL_HEATMAPS | RL_PANEL_DIAGRAM) && a->highlight == RL_PANEL_DIAGRAM);
  CHECK(a->nsets == 4 && !strcmp(a->sets[0].key, "forget-bias") && a->sets[1].num == 0.9);
  CHECK(!strcmp(a->sets[3].key, "optimizer") && !strcmp(a->sets[3].value, "adam") && !a->sets[3].is_num);
  CHECK(a->nactions == 1 && a->actions[0].kind == RL_ACT_SELECT && a->actions[0].n == 3);
  CHECK(a->line == 6 && a[1].line == 18);

  CHECK(!strcmp(b->title, "Keep forever")); /* surrounding spaces trimmed */
  CHECK(!b->has_models && !b->has_task);
  CHECK(b->highlight == (RL_PANEL_HEATMAPS | RL_PANEL_GRADIENTS));
  CHECK(b->nactions == 3 && b->actions[0].kind == RL_ACT_CLAMP);
  CHECK(b->actions[0].clamp[0] == 0 && b->actions[0].clamp[1] == 1 && isnan(b->actions[0].clamp[2]) &&
        isnan(b->actions[0].clamp[3]));
  CHECK(b->actions[1].kind == RL_ACT_TRAIN && b->actions[1].n == 200);
  CHECK(b->actions[2].kind == RL_ACT_SELECT && b->actions[2].n == -1);

  CHECK(c->nsay == 1 && !strcmp(c->say[0], "Release the clamp and train on."));
  CHECK(c->has_models && !c->models[0].used && c->models[1].used && c->models[1].cell == RL_CELL_GRU);
  CHECK(c->models[1].layers == 2 && c->models[1].bidirectional && c->models[1].residual);
  CHECK(c->nactions == 5 && c->actions[0].kind == RL_ACT_CLAMP && isnan(c->actions[0].clamp[1]));
  CHECK(c->actions[1].kind == RL_ACT_BPTT && c->actions[1].n == 0);
  CHECK(c->actions[2].kind == RL_ACT_RESET && c->actions[3].kind == RL_ACT_PLAY &&
        c->actions[4].kind == RL_ACT_PAUSE);

  /* Inheritance: step 3 keeps step 1's task and step 2's panels; settings accumulate, later wins. */
  rl_lesson_setup su;
  CHECK(rl_lesson_resolve(&l, 2, &su) == 0);
  CHECK(su.has_task && !strcmp(su.task, "recall") && su.has_text);
  CHECK(su.show == (RL_PANEL_HEATMAPS | RL_PANEL_GRADIENTS | RL_PANEL_CURVES));
  const rl_lesson_kv *lr = rl_lesson_setup_get(&su, "lr");
  CHECK(lr && lr->num == 0.02);
  CHECK(rl_lesson_setup_get(&su, "clip") && rl_lesson_setup_get(&su, "optimizer"));
  CHECK(rl_lesson_setup_get(&su, "seed") == NULL);
  CHECK(su.models[1].cell == RL_CELL_GRU && !su.models[0].used);
  CHECK(rl_lesson_resolve(&l, 3, &su) == -1);

  char buf[128];
  rl_lesson_model_format(&a->models[0], buf, sizeof buf);
  CHECKF(!strcmp(buf, "lstm hidden=32"), "got '%s'", buf);
  rl_lesson_model_format(&c->models[1], buf, sizeof buf);
  CHECKF(!strcmp(buf, "gru layers=2 bidir residual"), "got '%s'", buf);
  rl_lesson_model_format(&c->models[0], buf, sizeof buf);
  CHECK(!strcmp(buf, "none"));
  rl_lesson_free(&l);
}

/* One malformed file per kind of error: the exact "path:line:" prefix and a phrase of the message. */
static void test_malformed(void) {
  static const struct {
    const char *file;
    int line; /* 0: whole-file error, no line number */
    const char *phrase;
  } CASES[] = {
      {"bad_panel", 6, "unknown panel 'gradeints'; expected one of heatmaps, gradients, curves"},
      {"bad_cell", 4, "unknown cell 'lstn'; expected one of rnn-tanh, rnn-relu"},
      {"bad_task", 4, "unknown task 'recal'; expected one of recall, agreement"},
      {"bad_task_option", 4, "unknown recall option 'length'; expected one of distance"},
      {"bad_range", 5, "value 50 for 'lr' is out of range"},
      {"bad_number", 4, "'train' needs a number of steps"},
      {"bad_action", 4, "unknown action 'jump'; expected one of train N"},
      {"bad_directive", 4, "unknown directive 'sya'; expected one of say, models"},
      {"bad_no_colon", 5, "expected 'key: value' or '[step] Title'"},
      {"bad_before_step", 3, "'say:' before the first step"},
      {"bad_missing_number", 0, "missing 'lesson: N' header line"},
      {"bad_no_steps", 0, "the lesson has no steps"},
      {"bad_highlight_hidden", 5, "highlights panel 'gradients' that is not shown"},
      {"bad_clamp_no_lstm", 3, "clamps gates but has no lstm model"},
      {"bad_gate", 5, "unknown gate 'foget'; expected input, forget"},
      {"bad_section", 3, "unknown section '[stpe]'"},
      {"bad_step_title", 3, "'[step]' needs a title"},
      {"bad_too_many_say", 12, "too many 'say:' lines in one step (max 8)"},
      {"bad_duplicate_models", 5, "second 'models:' line in this step"},
      {"bad_model_option", 4, "unknown model option 'forget-bias'; expected one of hidden, layers, bidir"},
      {"bad_header_in_step", 4, "'title:' belongs in the header"},
      {"bad_utf8", 4, "invalid UTF-8"},
      {"bad_long_line", 4, "line is too long"},
      {"bad_nul", 4, "unexpected NUL byte"},
  };
  for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
    char rel[128], want[700];
    snprintf(rel, sizeof rel, "lessons/%s.lesson", CASES[i].file);
    const char *path = fixture_path(rel);
    if (CASES[i].line) snprintf(want, sizeof want, "%s:%d: ", path, CASES[i].line);
    else snprintf(want, sizeof want, "%s: ", path);
    rl_lesson l;
    rl_error err = {{0}};
    int rc = rl_lesson_load(path, &l, &err);
    CHECKF(rc == -1, "%s parsed but should not", CASES[i].file);
    CHECKF(!strncmp(err.msg, want, strlen(want)), "%s: message '%s' should start with '%s'", CASES[i].file,
           err.msg, want);
    CHECKF(strstr(err.msg, CASES[i].phrase) != NULL, "%s: message '%s' lacks '%s'", CASES[i].file, err.msg,
           CASES[i].phrase);
    CHECK(l.steps == NULL && l.nsteps == 0); /* nothing leaks out of a failed parse */
  }
  /* A missing file and a missing folder are clean errors too. */
  rl_lesson l;
  rl_error err = {{0}};
  CHECK(rl_lesson_load("/nonexistent/x.lesson", &l, &err) == -1 && strstr(err.msg, "cannot open"));
  rl_lesson_set set;
  CHECK(rl_lesson_dir_load("/nonexistent-folder", &set, &err) == -1 && strstr(err.msg, "cannot open"));
  CHECK(set.n == 0 && set.entries == NULL);
}

/* The fixtures folder mixes good and bad files: the set keeps both, sorted by number, bad ones
 * carrying their message so a menu can show them. */
static void test_directory(void) {
  rl_lesson_set set;
  rl_error err = {{0}};
  CHECK(rl_lesson_dir_load(fixture_path("lessons"), &set, &err) == 0);
  int good = 0, bad = 0;
  for (int i = 0; i < set.n; i++) {
    if (set.entries[i].ok) good++;
    else {
      bad++;
      CHECK(strstr(set.entries[i].error.msg, ".lesson") != NULL);
    }
  }
  CHECK(good == 1 && bad == 24);
  /* The duplicate number rule: write two files with the same number into a temp folder. */
  const char *dir = test_tmpdir();
  char p1[600], p2[600], p3[600];
  snprintf(p1, sizeof p1, "%s/10-b.lesson", dir);
  snprintf(p2, sizeof p2, "%s/02-a.lesson", dir);
  snprintf(p3, sizeof p3, "%s/notes.txt", dir);
  const char *body = "lesson: 5\ntitle: T\n[step] S\nsay: x\nmodels: lstm\n";
  FILE *f = fopen(p1, "w");
  if (f) { fputs(body, f); fclose(f); }
  f = fopen(p2, "w");
  if (f) { fputs(body, f); fclose(f); }
  f = fopen(p3, "w");
  if (f) { fputs("not a lesson", f); fclose(f); }
  rl_lesson_set_free(&set);
  CHECK(rl_lesson_dir_load(dir, &set, &err) == 0);
  CHECK(set.n == 2); /* notes.txt ignored */
  if (set.n == 2) {
    CHECK(set.entries[0].ok && strstr(set.entries[0].path, "02-a.lesson"));
    CHECK(!set.entries[1].ok && strstr(set.entries[1].error.msg, "lesson number 5 is also used by"));
  }
  rl_lesson_set_free(&set);
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint32_t rnd(void) { /* xorshift64*, fixed seed: the fuzz run is the same every time */
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return (uint32_t)((rng_state * 0x2545F4914F6CDD1Dull) >> 32);
}

/* Whatever the parser accepts must satisfy the structure's invariants. */
static int accepted_ok(const rl_lesson *l) {
  if (l->nsteps < 1 || l->nsteps > RL_LESSON_MAX_STEPS || !l->steps) return 0;
  if (l->number < 0 || !l->title[0] || memchr(l->title, 0, sizeof l->title) == NULL) return 0;
  for (int s = 0; s < l->nsteps; s++) {
    const rl_lesson_step *st = &l->steps[s];
    if (st->nsay < 0 || st->nsay > RL_LESSON_MAX_SAY || st->nactions > RL_LESSON_MAX_ACTIONS) return 0;
    if (st->nsets > RL_LESSON_MAX_SETS || st->ntask_opts > RL_LESSON_MAX_OPTIONS) return 0;
    for (int k = 0; k < st->nsay; k++)
      if (!memchr(st->say[k], 0, sizeof st->say[k])) return 0;
    rl_lesson_setup su;
    if (rl_lesson_resolve(l, s, &su)) return 0;
  }
  return 1;
}

static void fuzz_one(const char *buf, size_t n, int *accepted, int *rejected) {
  rl_lesson l;
  rl_error err = {{0}};
  int rc = rl_lesson_parse(buf, n, "fuzz.lesson", &l, &err);
  if (rc == 0) {
    (*accepted)++;
    CHECK(accepted_ok(&l));
  } else {
    (*rejected)++;
    CHECKF(rc == -1 && !strncmp(err.msg, "fuzz.lesson:", 12), "rc %d msg '%s'", rc, err.msg);
    CHECK(l.steps == NULL);
  }
  rl_lesson_free(&l);
}

static void test_fuzz(void) {
  /* Seed corpus: every shipped lesson plus the full example, read whole. */
  static char corpus[8][16384];
  size_t clen[8];
  int nc = 0;
  const char *files[8] = {0};
  char paths[8][600];
  rl_lesson_set set;
  rl_error err;
  if (rl_lesson_dir_load(RNNLAB_SOURCE_LESSONS, &set, &err) == 0) {
    for (int i = 0; i < set.n && nc < 7; i++) {
      snprintf(paths[nc], sizeof paths[nc], "%s", set.entries[i].path);
      files[nc] = paths[nc];
      nc++;
    }
    rl_lesson_set_free(&set);
  }
  snprintf(paths[nc], sizeof paths[nc], "%s", fixture_path("lessons/good_full.lesson"));
  files[nc] = paths[nc];
  nc++;
  for (int i = 0; i < nc; i++) {
    FILE *f = fopen(files[i], "rb");
    clen[i] = f ? fread(corpus[i], 1, sizeof corpus[i], f) : 0;
    if (f) fclose(f);
  }
  int accepted = 0, rejected = 0;
  /* 1. Every truncation of every seed file (cuts mid-line, mid-UTF-8 sequence, mid-token). */
  for (int i = 0; i < nc; i++)
    for (size_t cut = 0; cut <= clen[i]; cut++) fuzz_one(corpus[i], cut, &accepted, &rejected);
  CHECKF(accepted > 0 && rejected > 0, "truncations: %d accepted, %d rejected", accepted, rejected);
  /* 2. Random mutations: byte flips, random bytes, deleted and duplicated spans. */
  static char buf[40000];
  for (int iter = 0; iter < 20000; iter++) {
    int i = (int)(rnd() % (unsigned)nc);
    size_t n = clen[i];
    memcpy(buf, corpus[i], n);
    int edits = 1 + (int)(rnd() % 8);
    for (int e = 0; e < edits && n > 0; e++) {
      size_t at = rnd() % n;
      switch (rnd() % 5) {
      case 0: buf[at] = (char)rnd(); break;                                   /* random byte */
      case 1: buf[at] = "\n:=#[] ,\t\xC3\xE2\x80\0"[rnd() % 14]; break;       /* structural byte */
      case 2: { size_t k = rnd() % 64; if (at + k > n) k = n - at;             /* delete a span */
                memmove(buf + at, buf + at + k, n - at - k); n -= k; } break;
      case 3: { size_t k = rnd() % 200; if (n + k > sizeof buf) k = 0;         /* duplicate a span */
                if (at + k > n) k = n - at;
                memmove(buf + at + k, buf + at, n - at); n += k; } break;
      default: { size_t k = 1 + rnd() % 1200; if (n + k > sizeof buf) k = 0;   /* long run */
                 char ch = (char)("x \n1"[rnd() % 4]);
                 memmove(buf + at + k, buf + at, n - at); memset(buf + at, ch, k); n += k; } break;
      }
    }
    fuzz_one(buf, n, &accepted, &rejected);
  }
  /* 3. Pure random bytes of random length. */
  for (int iter = 0; iter < 2000; iter++) {
    size_t n = rnd() % 3000;
    for (size_t k = 0; k < n; k++) buf[k] = (char)rnd();
    fuzz_one(buf, n, &accepted, &rejected);
  }
  /* 4. Edge cases: empty input, NULL text, a file that is only a byte-order mark. */
  fuzz_one("", 0, &accepted, &rejected);
  fuzz_one("\xEF\xBB\xBF", 3, &accepted, &rejected);
  rl_lesson l;
  CHECK(rl_lesson_parse(NULL, 0, "fuzz.lesson", &l, &err) == -1);
  printf("fuzz: %d inputs accepted, %d rejected cleanly\n", accepted, rejected);
}

/* A lesson written with Windows line endings and a byte-order mark parses like the original. */
static void test_crlf(void) {
  const char *src = "\xEF\xBB\xBFlesson: 3\r\ntitle: CRLF\r\n[step] One\r\nsay: a: b\r\nmodels: lstm\r\n";
  rl_lesson l;
  rl_error err = {{0}};
  CHECKF(rl_lesson_parse(src, strlen(src), "crlf.lesson", &l, &err) == 0, "%s", err.msg);
  CHECK(l.number == 3 && l.nsteps == 1 && !strcmp(l.steps[0].say[0], "a: b"));
  rl_lesson_free(&l);
}

int main(void) {
  test_shipped_lessons();
  test_full_example();
  test_malformed();
  test_directory();
  test_crlf();
  test_fuzz();
  return test_summary("app_test_lesson");
}
