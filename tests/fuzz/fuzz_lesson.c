/* libFuzzer target: lesson files (rl_lesson_parse).
 * Invariants beyond "no crash" (ASan + UBSan):
 *   - an error is "fuzz.lesson:LINE: ..." with a line inside the file (or the file as a whole);
 *   - a parsed lesson respects the format's limits (steps, narration lines, actions, sets, string
 *     lengths, lesson number) and every step resolves (rl_lesson_resolve);
 *   - parsing is a pure function: the same bytes parse to the same lesson twice. */
#include "fuzz_common.h"
#include "lessons/lesson.h"

static const char *NAME = "fuzz.lesson";

static void check_text(const char *s, size_t cap, const char *what) {
  REQUIRE(memchr(s, 0, cap) != NULL, "%s is not terminated", what);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  rl_lesson l, l2;
  rl_error err = {{0}}, err2 = {{0}};
  int rc = rl_lesson_parse((const char *)data, size, NAME, &l, &err);
  int rc2 = rl_lesson_parse((const char *)data, size, NAME, &l2, &err2);
  REQUIRE(rc == rc2 && !strcmp(err.msg, err2.msg), "two parses disagree: '%s' / '%s'", err.msg, err2.msg);
  if (rc != 0) {
    REQUIRE(!strncmp(err.msg, NAME, strlen(NAME)), "the message does not start with the file name: %s", err.msg);
    const char *p = err.msg + strlen(NAME);
    if (*p == ':' && p[1] >= '0' && p[1] <= '9') {
      long line = strtol(p + 1, NULL, 10);
      long lines = 1;
      for (size_t i = 0; i < size; i++) lines += data[i] == '\n';
      REQUIRE(line >= 1 && line <= lines, "line %ld of a %ld-line file: %s", line, lines, err.msg);
    }
    rl_lesson_free(&l);
    rl_lesson_free(&l2);
    return 0;
  }
  REQUIRE(l.nsteps >= 1 && l.nsteps <= RL_LESSON_MAX_STEPS, "%d steps", l.nsteps);
  REQUIRE(l.number >= 0 && l.number <= 999, "lesson number %d", l.number);
  REQUIRE(l.nsteps == l2.nsteps && l.number == l2.number && !strcmp(l.title, l2.title), "two parses differ");
  check_text(l.title, sizeof l.title, "title");
  check_text(l.summary, sizeof l.summary, "summary");
  for (int s = 0; s < l.nsteps; s++) {
    const rl_lesson_step *st = &l.steps[s];
    const rl_lesson_step *st2 = &l2.steps[s];
    REQUIRE(!strcmp(st->title, st2->title) && !strcmp(st->text, st2->text) && st->nsay == st2->nsay &&
                st->nactions == st2->nactions && st->nsets == st2->nsets && st->show == st2->show &&
                st->highlight == st2->highlight, "step %d differs between two parses", s);
    check_text(st->title, sizeof st->title, "step title");
    check_text(st->text, sizeof st->text, "text");
    REQUIRE(st->nsay >= 0 && st->nsay <= RL_LESSON_MAX_SAY, "step %d: %d say lines", s, st->nsay);
    for (int k = 0; k < st->nsay; k++) check_text(st->say[k], sizeof st->say[k], "say");
    REQUIRE(st->nactions >= 0 && st->nactions <= RL_LESSON_MAX_ACTIONS, "step %d: %d actions", s, st->nactions);
    REQUIRE(st->nsets >= 0 && st->nsets <= RL_LESSON_MAX_SETS, "step %d: %d sets", s, st->nsets);
    REQUIRE(st->ntask_opts >= 0 && st->ntask_opts <= RL_LESSON_MAX_OPTIONS, "step %d: %d task options", s,
            st->ntask_opts);
    REQUIRE(st->line >= 1, "step %d at line %d", s, st->line);
    for (int k = 0; k < st->nactions; k++)
      if (st->actions[k].kind == RL_ACT_TRAIN)
        REQUIRE(st->actions[k].n >= 0 && st->actions[k].n <= RL_LESSON_MAX_TRAIN, "train %ld", st->actions[k].n);
    rl_lesson_setup setup;
    REQUIRE(rl_lesson_resolve(&l, s, &setup) == 0, "step %d does not resolve", s);
  }
  rl_lesson_free(&l);
  rl_lesson_free(&l2);
  return 0;
}
