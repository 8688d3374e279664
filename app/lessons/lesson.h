/* Lessons: plain-text files a teacher writes by hand (format in README.md, "Writing a lesson").
 *
 * app/lessons owns the lesson format (this parser, lesson.c), applying a step to the explorer
 * (lesson_apply.c) and the presenter around it (presenter.c: narration header, clicker keys, menu,
 * live reload). It may call app/explorer (its public header and panel names only), app/draw,
 * app/host (full screen) and the engine; nothing here draws a panel or touches a model.
 *
 * This module only parses. It turns a file into a plain data structure (rl_lesson) and never
 * touches the explorer; lesson_apply.c maps a step onto the explorer. Parsing never crashes on
 * any input: errors come back as "FILE:LINE: what is wrong; what was expected" in an rl_error.
 *
 * The names a lesson may use (cells, tasks and their options, panels, sliders, gates, actions) are
 * kept in one set of tables at the top of lesson.c; the accessors below expose them so the
 * explorer and the documentation can list them. */
#ifndef RNNLAB_LESSON_H
#define RNNLAB_LESSON_H
#include "model.h"
#include "rl_base.h"
#include <stddef.h>

#define RL_LESSON_MAX_LINE 1024    /* bytes per line, including the newline */
#define RL_LESSON_MAX_BYTES (1 << 20)
#define RL_LESSON_TEXT 256         /* title, narration line, text prompt (bytes incl. NUL) */
#define RL_LESSON_MAX_SAY 8        /* narration lines per step */
#define RL_LESSON_MAX_STEPS 64
#define RL_LESSON_MAX_MODELS 3     /* model slots in the explorer */
#define RL_LESSON_MAX_OPTIONS 8    /* task options per step */
#define RL_LESSON_MAX_SETS 16      /* slider settings per step */
#define RL_LESSON_MAX_ACTIONS 16   /* actions per step */
#define RL_LESSON_MAX_TRAIN 1000000

/* One model slot. Fields left at their "keep" value mean: the explorer's default. */
typedef struct {
  int used;           /* 0: slot empty */
  rl_cell cell;
  rl_nonlin nonlin;   /* RNN only */
  int hidden;         /* 0 = default */
  int layers;         /* 0 = default (1) */
  int bidirectional;  /* 0 or 1 */
  int residual;       /* 0 or 1 (skip connections between stacked layers) */
  int has_clip;       /* clip=X given: this model clips at X (0 = no clipping) */
  float clip;
} rl_lesson_model;

typedef struct {
  char key[24];
  char value[64];     /* as written */
  double num;         /* parsed value when the option is numeric */
  int is_num;
} rl_lesson_kv;

typedef enum {
  RL_ACT_TRAIN = 0,   /* n = training steps (run synchronously when rendering headlessly) */
  RL_ACT_SELECT,      /* n = timestep, -1 = last timestep */
  RL_ACT_CLAMP,       /* clamp[4] = i, f, g, o; NAN = free. all NAN = clamps off; from clamp_from */
  RL_ACT_RESET,       /* re-initialise the models (same seed) */
  RL_ACT_PLAY,        /* start training in the background */
  RL_ACT_PAUSE,       /* stop background training */
  RL_ACT_BPTT,        /* n = reveal backward-pass terms from the last timestep down to n */
} rl_lesson_action_kind;

typedef struct {
  rl_lesson_action_kind kind;
  long n;
  float clamp[4];
  int clamp_from;     /* first clamped word, 0-based (keep/erase: 1, the second word; from=N) */
} rl_lesson_action;

typedef struct {
  char title[RL_LESSON_TEXT];
  int line;                            /* line of the [step] header in the file */
  int nsay;
  char say[RL_LESSON_MAX_SAY][RL_LESSON_TEXT];
  /* Setup. has_* = 0 means "keep what the previous step had" (see rl_lesson_resolve). */
  int has_models;
  rl_lesson_model models[RL_LESSON_MAX_MODELS];
  int has_task;
  char task[16];
  int ntask_opts;
  rl_lesson_kv task_opts[RL_LESSON_MAX_OPTIONS];
  int has_text;
  char text[RL_LESSON_TEXT];           /* the example sentence shown (text:) */
  int text_line;                       /* line of the text: line in the file */
  int has_show;
  unsigned show;                       /* rl_panel bits (explorer/panel.h) */
  unsigned highlight;                  /* rl_panel bits; not inherited */
  int nsets;
  rl_lesson_kv sets[RL_LESSON_MAX_SETS];
  int nactions;
  rl_lesson_action actions[RL_LESSON_MAX_ACTIONS];
} rl_lesson_step;

typedef struct {
  char path[512];
  int number;                          /* from "lesson: N" */
  char title[RL_LESSON_TEXT];
  char summary[RL_LESSON_TEXT];        /* optional one-line description for the lesson menu */
  int nsteps;
  rl_lesson_step *steps;               /* [nsteps], owned */
} rl_lesson;

/* Parses text (len bytes, need not be NUL-terminated). name is used in messages and stored in
 * path. On failure *out is left empty (safe to free) and err holds "name:line: message". */
int rl_lesson_parse(const char *text, size_t len, const char *name, rl_lesson *out, rl_error *err);
/* Reads and parses a file. */
int rl_lesson_load(const char *path, rl_lesson *out, rl_error *err);
void rl_lesson_free(rl_lesson *l);

/* The setup in force at a step: the latest models/task/text/show at or before it, and every slider
 * setting made at or before it (later ones win). Actions and highlight are the step's own. */
typedef struct {
  int has_models;
  rl_lesson_model models[RL_LESSON_MAX_MODELS];
  int has_task;
  char task[16];
  int ntask_opts;
  rl_lesson_kv task_opts[RL_LESSON_MAX_OPTIONS];
  int has_text;                        /* a task: line without a text: line ends an earlier text */
  char text[RL_LESSON_TEXT];
  int text_line;                       /* where the text was written (for error messages) */
  unsigned show;                       /* 0 if no step so far said show: */
  int nsets;
  rl_lesson_kv sets[RL_LESSON_MAX_SETS];
} rl_lesson_setup;
int rl_lesson_resolve(const rl_lesson *l, int step, rl_lesson_setup *out);

/* A directory of lessons: every *.lesson file, sorted by lesson number (then file name). A file
 * that does not parse is kept as an entry with ok = 0 and its message, so a menu can show it. */
typedef struct {
  char path[512];
  int number;          /* lesson number, or the file name's leading digits if it did not parse */
  int ok;
  rl_lesson lesson;    /* valid when ok */
  rl_error error;      /* when !ok */
} rl_lesson_entry;

typedef struct {
  int n;
  rl_lesson_entry *entries;
} rl_lesson_set;

/* Fails only when the directory cannot be read. */
int rl_lesson_dir_load(const char *dir, rl_lesson_set *out, rl_error *err);
void rl_lesson_set_free(rl_lesson_set *s);
/* Index of the entry with this lesson number, or -1. */
int rl_lesson_set_find(const rl_lesson_set *s, int number);

/* Name tables (for menus, errors and documentation). Panel names: rl_panel_name and
 * rl_panel_parse (explorer/panel.h). */
/* Canonical spec of a model slot, e.g. "rnn-tanh", "lstm layers=2 bidir". */
void rl_lesson_model_format(const rl_lesson_model *m, char *buf, size_t n);
/* The value of a setting by key in a setup, or NULL. */
const rl_lesson_kv *rl_lesson_setup_get(const rl_lesson_setup *s, const char *key);

#endif
