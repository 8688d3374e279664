/* What the explorer's panels share: which panels there are, the view they draw from, and the
 * pieces every panel uses (its frame and title, the models' colours and names, the selected word,
 * the token axes). A panel (panel_NAME.c) includes this header and draws through app/draw; it
 * never calls the explorer (explorer.c) or the trainer: what it shows comes from the view's copy
 * of the snapshot, and what the user asks of it (play, reset, open a file, export...) goes into
 * the view's requests, which the explorer carries out after the frame. Implemented in panel.c.
 */
#ifndef RNNLAB_PANEL_H
#define RNNLAB_PANEL_H
#include "draw/plot.h"
#include "draw/ui.h"
#include "trainer.h"
#include <stdio.h>

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

/* Names as lessons, --show, --panel and export files write them: "heatmaps", "bptt-bars", ...
 * rl_panel_name: NULL if p is not one panel. rl_panel_parse also takes the aliases "loss" and
 * "bptt"; 0 or -1. rl_panel_names: the canonical names in bit order (RL_PANEL_COUNT of them). */
const char *rl_panel_name(rl_panel p);
int rl_panel_parse(const char *s, rl_panel *out);
const char *const *rl_panel_names(void);
/* Index of a single panel bit (0..RL_PANEL_COUNT-1), -1 if not one bit. */
int panel_index(rl_panel p);
/* rl_panel_name, or "panel" */
const char *panel_title(rl_panel p);

/* What the user asked for while the panels were drawn; the explorer carries it out after the
 * frame (explorer.c) and clears it. */
typedef struct {
  int play;                 /* 1 play, 0 pause, -1 nothing */
  long train;               /* training steps to queue */
  int reset;                /* new weights from the same seed */
  int speed;                /* a speed level, -1 nothing */
  int live;                 /* the view's cfg.lr / cfg.clip changed: apply them now */
  int config;               /* the view's cfg changed the models or the task: reset once the mouse is up */
  const char *clamp;        /* "free", "keep", "erase" or NULL */
  int show_text;            /* show the sentence in the text box (view: text; training: example) */
  int new_example;
  int toggle_theme;
  int open_model;           /* open the model file named in open_path */
  int text_full;            /* a text box refused typed text: say so */
  int export_view;          /* 0, or the scale (1 or 2) of a whole-view PNG */
  unsigned export_panels;   /* rl_panel bits: that panel alone, PNG + CSV, at 1x ... */
  unsigned export_panels_2x; /* ... and at 2x */
} ex_requests;

/* The view the panels draw from: the explorer's own (struct explorer, explorer_state.h, holds
 * one). Panels read it, change the view state marked so (selection, gradient scale, scrolling,
 * hover), record where they drew, and put everything else into req. */
typedef struct {
  gfx *g;                  /* the target drawn (the window's, or an export's) */
  ui *u;
  tr_snapshot snap;        /* the latest snapshot (a private copy) */
  tr_config cfg;           /* the settings the sidebar shows and edits */
  int static_mode;         /* a loaded model on a text: nothing trains */
  unsigned highlight;      /* rl_panel bits drawn with an accent frame */
  int exporting;           /* drawing a figure: no controls, hints, status or notices */
  int presenting;          /* inside the lesson presenter: no controls or hints either */
  int token_stride;        /* label every token_stride-th word on token axes (this frame) */
  int focus_slot;          /* the model the cell diagram shows (-1: the first) */
  int clamp_mode;          /* 0 free, 1 keep, 2 erase, 3 custom */
  int clamp_from;          /* first clamped word (0-based) */
  /* view state a panel may change */
  int sel_t;               /* selected timestep; -1 = last (ex_sel_t resolves it) */
  int bptt;                /* 1: the backward pass has reached sel_t (bptt-bars greys the steps before) */
  int grad_raw;            /* gradient panel: raw norms instead of relative to the scored step */
  char text[512];          /* view mode: the sentence in the sidebar's text box */
  char example[256];       /* training mode: the chosen sentence in the sidebar's text box */
  char open_path[512];     /* the sidebar's model file box */
  ui_scroll sidebar_scroll;
  /* where things went in the last frame */
  gfx_rect rect[RL_PANEL_COUNT];
  gfx_rect export_button[RL_PANEL_COUNT][2]; /* each panel's export 1x / 2x buttons */
  gfx_rect heat_grid;      /* the heatmaps' cell columns (T columns) */
  plot_frame grad_frame;   /* the gradient plot's frame */
  int hover_slot, hover_band, hover_unit, hover_t; /* the heatmap cell under the mouse (-1: none) */
  ex_requests req;
} ex_view;

/* Controls and hints that belong to the live, interactive window only: never on a slide, in
 * presenter mode or in an exported figure (export buttons, key hints, play/speed status,
 * "click to select" captions, notices). */
static inline int ex_chrome(const ex_view *v) { return !v->exporting && !v->presenting; }

/* Empty requests (play and speed -1). */
ex_requests ex_requests_none(void);

/* Colours and names shared by panels. */
gfx_color ex_slot_color(const ex_view *v, int slot);
/* "A: RNN (tanh)", "B: LSTM" ... */
void ex_slot_name(const ex_view *v, int slot, char *buf, size_t n);
/* The selected timestep resolved against the snapshot (0..T-1), or -1 if there is none. */
int ex_sel_t(const ex_view *v);
/* The training step shown: the furthest any model has gone. */
long ex_step(const ex_view *v);
/* Panel frame: background, border (accent when highlighted), title; in the live window, while
 * the mouse is over it, its export buttons. Returns the content rect. */
gfx_rect ex_panel_frame(ex_view *v, rl_panel p, gfx_rect r, const char *title);
/* The content rect ex_panel_frame returns for r, without drawing. */
gfx_rect ex_panel_content(const ex_view *v, gfx_rect r, int has_title);

/* Token axes. The heatmaps and the gradient plot label the same words: every stride-th word
 * (counting from 1), plus the first, the last and the selected one, wherever they fit.
 * ex_token_stride: the smallest stride in 1, 2, 5, 10, 20, ... at which the example's labels fit
 * columns col_w pixels wide. The explorer takes the largest over the panels shown
 * (v->token_stride) before drawing them. ex_token_mask: mask[t] = 1 for each index t (0-based)
 * to label. */
int ex_token_stride(const ex_view *v, float col_w);
void ex_token_mask(const ex_view *v, int stride, unsigned char *mask);
/* Names of a cell's trace bands (gates then c then h) and their kind: a gate in [0, 1], a tanh
 * output in [-1, 1], or the LSTM cell state (unbounded). */
enum { EX_BAND_GATE = 0, EX_BAND_TANH = 1, EX_BAND_CELL = 2 };
int ex_bands(rl_cell cell, const char **names, const char **long_names, int *kind, int max);

/* A CSV field: s in double quotes, inner quotes doubled (RFC 4180). Returns buf. */
const char *csv_quote(const char *s, char *buf, size_t cap);
/* "2,578": a count with thousands separators (step counts on screen). Returns buf. */
const char *explorer_format_count(long n, char *buf, size_t cap);

#endif
