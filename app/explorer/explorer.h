/* rnnlab explorer: the classroom view (live training beside gates, cell state and gradient norms).
 *
 * app/explorer owns the explorer's state and layout (explorer.c, layout.c), its panels (panel.h,
 * panel_NAME.c, one file each, drawn through the table in panels.c), figure export (export.c) and
 * the trainer (trainer.c: the worker threads that own the models). It may call app/draw (every
 * pixel goes through gfx, plot and ui), app/host/thread.h (starting workers) and the engine; it
 * never calls SDL, and knows nothing of lessons or the command line, which drive it through this
 * header.
 *
 * The explorer owns a trainer, a private copy of the latest snapshot, and the view state (selected
 * timestep, panels shown, notices). It draws through gfx/ui into any rectangle, so the window,
 * `rnnlab render` and the lesson presenter share every line. Data flows one way: trainer threads
 * -> published snapshot -> the view's copy -> panels; what a panel's controls ask for is carried
 * out by the explorer after the frame.
 *
 * A frame:   explorer_handle_event(e, &ev) for each input event;  explorer_frame(e);  gfx_present.
 * Lessons drive it through the setters below (models, task, panels, actions), all of which are
 * safe to call between frames. Nothing here exits or prints; errors come back as rl_error and are
 * also shown as a notice in the view.
 */
#ifndef RNNLAB_EXPLORER_H
#define RNNLAB_EXPLORER_H
#include "draw/gfx.h"
#include "draw/ui.h"
#include "panel.h"
#include "rl_base.h"
#include "trainer.h"

typedef struct explorer explorer;

typedef struct {
  tr_config train;          /* models, task and training settings (tr_config_default()) */
  const char *export_dir;   /* NULL = "rnnlab-figures" */
  const char *title;        /* NULL = the default title */
  int autoplay;             /* start training immediately */
  int speed_level;          /* training speed (tr_speed_value levels); -1 = full speed */
} explorer_opts;

/* The pace of the default view in a class: 10 steps/s, so the LSTM's learning (about steps 60 to
 * 250 on recall at distance 35) unfolds over roughly 6 to 25 seconds; +/- change it live. */
#define EXPLORER_CLASS_SPEED_LEVEL 3

explorer_opts explorer_opts_default(void);

/* g stays owned by the caller. */
int explorer_create(gfx *g, const explorer_opts *o, explorer **out, rl_error *err);
/* Shows one loaded model on a text (`rnnlab view`); takes ownership of m. */
int explorer_create_view(gfx *g, rl_model *m, const char *text, explorer **out, rl_error *err);
void explorer_destroy(explorer *e);
/* Replaces the training models by a model file shown on text (NULL = a few of its tokens): view
 * mode, as `rnnlab view`. On failure nothing changes. */
int explorer_open_model(explorer *e, const char *path, const char *text, rl_error *err);
/* Shows a chosen sentence as the displayed example (heatmaps, gradients, diagram, distribution,
 * bptt-bars) of every model. Training mode: encoded with the task's vocabulary and labelled by its
 * rules while training goes on with the task's batches; kept across resets while the task knows
 * its words; NULL or "" = the task's own example again. View mode: encoded with the loaded model's
 * vocabulary. An unknown word is an error naming it (also shown as a notice); nothing changes. */
int explorer_set_text(explorer *e, const char *text, rl_error *err);

/* ---- the frame ----------------------------------------------------------------------------- */

/* Feeds one input event (widgets first, then the explorer's keys). Returns 1 if used. */
int explorer_handle_event(explorer *e, const ui_event *ev);
/* Takes the latest snapshot, clears and draws everything into the whole gfx target, runs
 * pending exports. Does not present. */
void explorer_frame(explorer *e);
/* Draws into a rectangle of the target (a lesson presenter keeps room for its narration). */
void explorer_frame_in(explorer *e, gfx_rect area);
int explorer_should_quit(const explorer *e);
/* Whether the view changed since the last frame (new snapshot, input, notice, pending export):
 * a window can skip drawing and presenting otherwise. Takes the latest snapshot. */
int explorer_needs_redraw(explorer *e);

/* explorer_format_count ("2,578": step counts on screen) is declared in panel.h. */

/* ---- state a lesson step can set ------------------------------------------------------------ */

/* Model slots (up to TR_MAX_SLOTS, unused entries have used = 0). Resets training. */
int explorer_set_models(explorer *e, const tr_model_spec *models, int n, rl_error *err);
/* Task by name ("recall", "agreement", "order", "sentiment", "lm") and its length option
 * (recall distance, order length, lm chunk; <= 0 = the task's default). Resets training. */
int explorer_set_task(explorer *e, const char *task, int length, rl_error *err);
/* Any tr_config at once (resets training, shows a notice). */
int explorer_set_config(explorer *e, const tr_config *c, rl_error *err);
void explorer_get_config(explorer *e, tr_config *out);
/* A named setting, as the sidebar sliders: "lr", "clip", "hidden", "distance", "radius",
 * "forget_bias", "speed", "batch", "embed", "seed". lr/clip/speed apply live, the rest reset. */
int explorer_set_value(explorer *e, const char *name, double value, rl_error *err);
/* Panels shown and highlighted (rl_panel bits). show 0 = the default set. */
void explorer_show_panels(explorer *e, unsigned show, unsigned highlight);
unsigned explorer_panels_shown(const explorer *e);
/* Title line and up to a few narration lines drawn in the header (NULL = default title). */
void explorer_set_title(explorer *e, const char *title);
void explorer_set_lesson_name(explorer *e, const char *name); /* used in export file names */
/* The keys listed by the help overlay (? or F1): pairs of key and meaning, ending with NULL
 * (NULL: the explorer's own keys). The array must outlive e. */
void explorer_set_key_help(explorer *e, const char *const *pairs);
int explorer_help_open(const explorer *e);
/* Presenter mode: no explorer header, and none of the live window's controls, hints or notices
 * (the presenter draws its own header with the lesson's narration). */
void explorer_set_presenting(explorer *e, int on);
/* The gradient panel: 0 = ||dJ(T)/dh(t)|| relative to its value at the scored step (default; the
 * decay shape compares across models whose losses differ by orders of magnitude), 1 = raw norms.
 * The G key toggles it. */
void explorer_set_gradient_scale(explorer *e, int raw);
int explorer_gradient_raw(const explorer *e);
/* Every string drawn in the window and in exports goes to fn (checks of what a slide says). */
void explorer_set_text_observer(explorer *e, gfx_text_observer fn, void *ctx);
/* Light <-> dark, applied after the frame being drawn (a frame never mixes two themes). */
void explorer_toggle_theme(explorer *e);

/* Actions. */
void explorer_play(explorer *e, int on);
int explorer_playing(explorer *e);
void explorer_train(explorer *e, long steps);            /* queue steps (asynchronous) */
/* Queued training (explorer_train since the last reset): 1 while it runs, 2 once done, 0 if none;
 * *done of *total steps trained so far. */
int explorer_training_progress(const explorer *e, long *done, long *total);
int explorer_wait(explorer *e, double timeout_s);        /* until queued steps are drawn-ready */
int explorer_reset(explorer *e, rl_error *err);          /* re-initialise, same settings */
void explorer_select_timestep(explorer *e, int t);       /* -1 = last; ends a bptt walk */
/* The backward pass has reached step t (-1 = last): selects t; the bptt-bars panel draws the terms
 * of steps t..T-1 and their running sum and greys the steps not yet reached. Left/Right (and a
 * click on a timestep) then move the pass; explorer_select_timestep ends the walk. */
void explorer_bptt(explorer *e, int t);
int explorer_bptt_reached(const explorer *e);            /* the step reached, or -1 if not walking */
int explorer_selected_timestep(const explorer *e);
/* Clamps for every LSTM slot: i, f, g, o values or NAN (all NAN = free), from word from_t on
 * (0-based; 0 = every word). */
void explorer_set_clamps(explorer *e, const float clamp[4], int from_t);
/* Named clamp modes: "keep" (f = 1, i = 0), "erase" (f = 0), "free"; keep and erase start at the
 * second word, so the first word writes the cell before it is held or dropped. */
int explorer_set_clamp_mode(explorer *e, const char *mode, rl_error *err);
/* Which slot the cell diagram shows. */
void explorer_focus_slot(explorer *e, int slot);
/* A message in the header for a few seconds; an empty message ("%s", "") clears it. */
void explorer_notice(explorer *e, int is_error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Drops a transient (non-error) notice, e.g. before drawing a slide: a figure should not carry
 * "settings changed" messages meant for the live view. */
void explorer_clear_notice(explorer *e);

/* ---- export ---------------------------------------------------------------------------------- */

void explorer_set_export_dir(explorer *e, const char *dir);
/* Whole view as PNG (scale 1 = current size, 2 = re-rendered at twice the size). The path written
 * is copied to path_out (may be NULL). Exports never contain controls, hints, play/speed status
 * or notices. */
int explorer_export_view(explorer *e, int scale, char *path_out, size_t cap, rl_error *err);
/* One panel alone as a slide-sized PNG (EXPORT_PANEL_W x EXPORT_PANEL_H times scale, 1 or 2) +
 * the CSV of its data (path of the PNG; the CSV has the same stem). */
int explorer_export_panel(explorer *e, rl_panel panel, int scale, char *path_out, size_t cap, rl_error *err);

/* As if panel p's export button were pressed (scripts): PNG + CSV at the end of the next frame. */
void explorer_press_export(explorer *e, rl_panel p);
/* Draws a figure into the whole target, for `rnnlab render` and `view`: the view (p = 0, a whole
 * frame) or one panel filling the target; no controls, hints or notices. Does not present. */
void explorer_draw_figure(explorer *e, rl_panel p);
/* The training step shown (the furthest any model has gone), and all steps trained so far. */
long explorer_step(const explorer *e);
long explorer_total_steps(explorer *e);
/* The header's notice ("" if none) and whether it reports an error. */
const char *explorer_notice_text(const explorer *e, int *is_error);

/* The latest snapshot the explorer drew from (for tests and the lesson presenter). */
const tr_snapshot *explorer_snapshot(const explorer *e);
/* Where a panel was drawn in the last frame (w = 0 if not shown). */
gfx_rect explorer_panel_rect(const explorer *e, rl_panel panel);

#endif
