/* Lessons: plain-text files a teacher writes by hand (format in README.md, "Writing a lesson").
 *
 * This module only parses. It turns a file into a plain data structure (rl_lesson) and never
 * touches the explorer; app/lesson_apply.c maps a step onto the explorer. Parsing never crashes on
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

/* Panels, as a bit set. */
typedef enum {
  RL_PANEL_HEATMAPS = 1 << 0,     /* units x timesteps heatmaps of gates and states */
  RL_PANEL_GRADIENTS = 1 << 1,    /* ||dJ(T)/dh(t)|| against t, log scale */
  RL_PANEL_CURVES = 1 << 2,       /* loss and accuracy curves */
  RL_PANEL_DIAGRAM = 1 << 3,      /* cell diagram at the selected timestep */
  RL_PANEL_SIDEBAR = 1 << 4,      /* widgets */
  RL_PANEL_DISTRIBUTION = 1 << 5, /* next-token distribution at the selected timestep */
  RL_PANEL_BPTT = 1 << 6,         /* per-timestep terms of dJ/dW_hh as bars summing to the total */
  RL_PANEL_PARAMS = 1 << 7,       /* parameter counts of each model */
  RL_PANEL_EMBEDDING = 1 << 8,    /* the selected word: one-hot x(t), its embedding e(t), W_e e(t) */
  RL_PANEL_PREDICTIONS = 1 << 9,  /* every model's answer at every scored word, right or wrong */
  RL_PANEL_LAYERS = 1 << 10,      /* ||dJ(T)/dh(t)|| of each layer, one plot per model */
  RL_PANEL_GRADNORM = 1 << 11,    /* the gradient's norm at each training step, clip thresholds */
} rl_panel;
#define RL_PANEL_COUNT 12

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
  unsigned show;                       /* rl_panel bits */
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

/* Name tables (for menus, errors and documentation). */
const char *rl_lesson_panel_name(rl_panel p);       /* "heatmaps", ... ; NULL if not one panel */
int rl_lesson_panel_parse(const char *s, rl_panel *out);
/* Canonical spec of a model slot, e.g. "rnn-tanh", "lstm layers=2 bidir". */
void rl_lesson_model_format(const rl_lesson_model *m, char *buf, size_t n);
/* The value of a setting by key in a setup, or NULL. */
const rl_lesson_kv *rl_lesson_setup_get(const rl_lesson_setup *s, const char *key);

#endif
