/* Lesson presenter: runs a lesson (lesson.h) inside the explorer (app/explorer/explorer.h).
 *
 * lesson_apply.c maps one parsed step onto the explorer through its public setters only;
 * presenter.c adds what a classroom needs around it: a header with the lesson and step titles,
 * the narration and the step progress, keys for a presentation clicker, a lesson menu, a blank
 * screen, and live reload when the lesson file changes on disk. */
#ifndef RNNLAB_PRESENTER_H
#define RNNLAB_PRESENTER_H
#include "explorer/explorer.h"
#include "host/host.h"
#include "lesson.h"
#include <time.h>

/* ---- applying a step (lesson_apply.c) -------------------------------------------------------- */

enum {
  LESSON_RUN_TRAIN = 1, /* queue the step's "do: train N" actions */
  LESSON_WAIT = 2,      /* ...and wait until they are trained and published (headless renders) */
};

/* Puts the explorer in the state of step `step`: the resolved models/task/settings (restarting
 * training only if the architecture, task or initialisation changed), panels and highlight, the
 * clamps and selected timestep in force at that step, and the step's own actions (train, reset,
 * play, pause) as flags allow. Errors (a task the trainer rejects, a timeout) come back in err and
 * are also shown as a notice; the explorer stays usable. */
int lesson_apply_step(explorer *e, const rl_lesson *l, int step, int flags, rl_error *err);
/* Applies steps 0..step in order with LESSON_RUN_TRAIN | LESSON_WAIT: what `render --lesson` and
 * `export-lesson` draw, identical to clicking through the lesson from its start. */
int lesson_replay_to(explorer *e, const rl_lesson *l, int step, double timeout_s, rl_error *err);
/* Builds the trainer configuration a setup asks for, starting from base. */
int lesson_setup_config(const rl_lesson_setup *su, const tr_config *base, tr_config *out, rl_error *err);

/* ---- the presenter (presenter.c) -------------------------------------------------------------- */

typedef struct presenter presenter;

/* Loads every lesson in dir and opens lesson `number` (or the menu if number < 0 or not found).
 * window (the host's, for full screen) may be NULL (headless: F5 does nothing). Fails only if dir cannot be read. */
int presenter_create(explorer *e, gfx *g, host *window, const char *dir, int number,
                     presenter **out, rl_error *err);
void presenter_destroy(presenter *p);
/* Keys: PageDown/Right next step, PageUp/Left previous, Home/End, F5 full screen, B blank,
 * M menu (Up/Down/Enter/Escape inside it). Returns 1 if the presenter used the event; otherwise
 * the caller passes it on to explorer_handle_event. */
int presenter_handle_event(presenter *p, const ui_event *ev);
/* Checks the lesson file for changes (at most every half second), then draws header, narration
 * and the explorer below them (or the menu, or a blank screen). Does not present. */
void presenter_frame(presenter *p);
/* Navigation (also used by tests). Returns the step now shown. */
int presenter_goto(presenter *p, int step);
int presenter_step(const presenter *p);
int presenter_nsteps(const presenter *p);
/* The open lesson (NULL when the menu shows a file that did not parse). */
const rl_lesson *presenter_lesson(const presenter *p);
int presenter_open_lesson(presenter *p, int number, rl_error *err);
int presenter_blanked(const presenter *p);
int presenter_menu_open(const presenter *p);
/* Re-reads the lesson file now if its modification time changed. Returns 1 if it reloaded. */
int presenter_check_reload(presenter *p);
/* The message of a lesson that failed to (re)load, or "" */
const char *presenter_error(const presenter *p);

/* Draws the presenter header (lesson title, step title, progress, narration) for step `step` of l
 * across the top of the target and the explorer below it: one function for the window, `render
 * --lesson` and `export-lesson`. */
void presenter_draw_step(explorer *e, gfx *g, const rl_lesson *l, int step);

#endif
