/* rnnlab panels: the explorer's views, each drawing only from the explorer's snapshot copy.
 *
 * Internal to the explorer (explorer.c and panel_*.c). Every panel has a draw function for any
 * rectangle and a CSV writer with the data behind it (export).
 */
#ifndef RNNLAB_PANELS_H
#define RNNLAB_PANELS_H
#include "explorer.h"
#include "draw/plot.h"
#include <stdio.h>

#define EX_NOTICE 256

struct explorer {
  gfx *g;                  /* current drawing target (the window's, or a 2x export's) */
  ui *u;
  gfx *win_g;              /* the caller's target */
  ui *win_u;
  trainer *tr;
  tr_snapshot snap;
  tr_config cfg;           /* what the sidebar edits (applied on change) */
  int static_mode;
  char model_path[512];    /* view mode */
  char text[512];          /* view mode: the sentence in the text box */
  char open_path[512];     /* sidebar: model file to open */
  char title[256];
  char lesson_name[64];
  const char *const *key_help; /* help overlay's key/meaning pairs set by a host; NULL: our own */
  char export_dir[512];
  unsigned show, highlight;
  int sel_t;               /* selected timestep; -1 = last */
  long train_from, train_goal; /* queued training (explorer_train): from which step, up to which */
  long train_generation;   /* snapshot generation the queued training belongs to */
  int token_stride;        /* label every token_stride-th word on token axes (this frame) */
  int bptt;                /* 1: the backward pass has reached sel_t (bptt-bars greys the steps before) */
  char example[256];       /* training mode: the chosen sentence in the sidebar's text box */
  int focus_slot;          /* cell diagram */
  int clamp_mode;          /* 0 free, 1 keep, 2 erase, 3 custom */
  float clamp[4];
  int clamp_from;          /* first clamped word (0-based) */
  char notice[EX_NOTICE];
  int notice_error;
  double notice_until;
  int quit;
  long frames;
  int dirty;               /* input since the last frame */
  int notice_shown;        /* a notice was visible in the last frame */
  /* pending work after drawing the frame */
  int exporting;           /* drawing an export: no controls, hints, status or notices */
  int presenting;          /* inside the lesson presenter: no explorer header, controls or hints */
  int grad_raw;            /* gradient panel: raw norms instead of relative to the scored step */
  int help_open;           /* the key-help overlay (? or F1) */
  const theme *pending_theme; /* applied after the frame, so a frame never mixes two themes */
  ui_scroll sidebar_scroll;
  int pending_reset;       /* the sidebar changed the architecture: reset when the mouse is up */
  int export_view;         /* 0 none, 1 or 2 = scale */
  unsigned export_panels;  /* rl_panel bits: export at 1x */
  unsigned export_panels_2x; /* ... at 2x */
  /* last frame's layout */
  gfx_rect rect[RL_PANEL_COUNT];
  gfx_rect area;
  gfx_rect heat_grid;       /* the heatmaps' cell columns in the last frame (T columns) */
  plot_frame grad_frame;   /* the gradient plot's frame in the last frame */
  gfx_text_observer observer; /* passed on to export targets (explorer_set_text_observer) */
  void *observer_ctx;
  gfx_rect export_button[RL_PANEL_COUNT][2]; /* each panel's export 1x / 2x buttons (last frame) */
  /* hover state of the heatmaps (for tests) */
  int hover_slot, hover_band, hover_unit, hover_t;
};

/* Controls and hints that belong to the live, interactive window only: never on a slide, in
 * presenter mode or in an exported figure (export buttons, key hints, play/speed status,
 * "click to select" captions, notices). */
static inline int ex_chrome(const explorer *e) { return !e->exporting && !e->presenting; }

/* Index of a single panel bit (0..RL_PANEL_COUNT-1), -1 if not one bit. */
int panel_index(rl_panel p);
const char *panel_title(rl_panel p);

/* Colours and names shared by panels. */
gfx_color ex_slot_color(const explorer *e, int slot);
/* "A: RNN (tanh)", "B: LSTM" ... */
void ex_slot_name(const explorer *e, int slot, char *buf, size_t n);
/* The selected timestep resolved against the snapshot (0..T-1), or -1 if there is none. */
int ex_sel_t(const explorer *e);
/* Panel frame: background, border (accent when highlighted), title; returns the content rect. */
gfx_rect ex_panel_frame(explorer *e, rl_panel p, gfx_rect r, const char *title);
/* The content rect ex_panel_frame returns for r, without drawing. */
gfx_rect ex_panel_content(const explorer *e, gfx_rect r, int has_title);

/* Token axes. The heatmaps and the gradient plot label the same words: every stride-th word
 * (counting from 1), plus the first, the last and the selected one, wherever they fit.
 * ex_token_stride: the smallest stride in 1, 2, 5, 10, 20, ... at which the example's labels fit
 * columns col_w pixels wide. The explorer takes the largest over the panels shown
 * (e->token_stride) before drawing them. ex_token_mask: mask[t] = 1 for each index t (0-based)
 * to label. */
int ex_token_stride(const explorer *e, float col_w);
void ex_token_mask(const explorer *e, int stride, unsigned char *mask);
/* Column width of the token axis a panel would draw in rect r (for the shared stride). */
float panel_heatmaps_col_width(explorer *e, gfx_rect r);
float panel_gradients_col_width(explorer *e, gfx_rect r);
/* Names of a cell's trace bands (gates then c then h) */
int ex_bands(rl_cell cell, const char **names, const char **long_names, int *kind, int max);

/* Panels: draw into r (r is the whole panel, including its frame and title). */
void panel_heatmaps_draw(explorer *e, gfx_rect r);
void panel_gradients_draw(explorer *e, gfx_rect r);
void panel_curves_draw(explorer *e, gfx_rect r);
void panel_diagram_draw(explorer *e, gfx_rect r);
void panel_sidebar_draw(explorer *e, gfx_rect r);
void panel_distribution_draw(explorer *e, gfx_rect r);
void panel_bptt_draw(explorer *e, gfx_rect r);
void panel_params_draw(explorer *e, gfx_rect r);
void panel_embedding_draw(explorer *e, gfx_rect r);
void panel_predictions_draw(explorer *e, gfx_rect r);
void panel_layers_draw(explorer *e, gfx_rect r);
void panel_gradnorm_draw(explorer *e, gfx_rect r);

/* A CSV field: s in double quotes, inner quotes doubled (RFC 4180). Returns buf. */
const char *csv_quote(const char *s, char *buf, size_t cap);

/* CSV of the data behind a panel. 0 ok, -1 on a write error. */
int panel_heatmaps_csv(const explorer *e, FILE *f);
int panel_gradients_csv(const explorer *e, FILE *f);
int panel_curves_csv(const explorer *e, FILE *f);
int panel_diagram_csv(const explorer *e, FILE *f);
int panel_distribution_csv(const explorer *e, FILE *f);
int panel_bptt_csv(const explorer *e, FILE *f);
int panel_params_csv(const explorer *e, FILE *f);
int panel_embedding_csv(const explorer *e, FILE *f);
int panel_predictions_csv(const explorer *e, FILE *f);
int panel_layers_csv(const explorer *e, FILE *f);
int panel_gradnorm_csv(const explorer *e, FILE *f);

/* The whole view / one panel into area of e->g (ui_begin/ui_end included). */
void ex_draw_view(explorer *e, gfx_rect area);
void ex_draw_single(explorer *e, rl_panel p, gfx_rect area);
int panel_sidebar_csv(const explorer *e, FILE *f);

/* Applies a changed config from the sidebar: live settings directly, others by a reset. */
void ex_apply_config(explorer *e, const tr_config *c);

#endif
