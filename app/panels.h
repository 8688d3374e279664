/* rnnlab panels: the explorer's views, each drawing only from the explorer's snapshot copy.
 *
 * Internal to the explorer (explorer.c and panel_*.c). Every panel has a draw function for any
 * rectangle and a CSV writer with the data behind it (export).
 */
#ifndef RNNLAB_PANELS_H
#define RNNLAB_PANELS_H
#include "explorer.h"
#include "plot.h"
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
  const char *key_help;    /* header key help set by a host (the presenter); NULL: our own */
  char export_dir[512];
  unsigned show, highlight;
  int sel_t;               /* selected timestep; -1 = last */
  int bptt;                /* 1: the backward pass has reached sel_t (bptt-bars greys the steps before) */
  char example[256];       /* training mode: the chosen sentence in the sidebar's text box */
  int focus_slot;          /* cell diagram */
  int clamp_mode;          /* 0 free, 1 keep, 2 erase, 3 custom */
  float clamp[4];
  char notice[EX_NOTICE];
  int notice_error;
  double notice_until;
  int quit;
  long frames;
  int dirty;               /* input since the last frame */
  int notice_shown;        /* a notice was visible in the last frame */
  /* pending work after drawing the frame */
  int exporting;           /* drawing an export: no export buttons */
  int pending_reset;       /* the sidebar changed the architecture: reset when the mouse is up */
  int export_view;         /* 0 none, 1 or 2 = scale */
  unsigned export_panels;  /* rl_panel bits */
  /* last frame's layout */
  SDL_Rect rect[RL_PANEL_COUNT];
  SDL_Rect area;
  /* hover state of the heatmaps (for tests) */
  int hover_slot, hover_band, hover_unit, hover_t;
};

/* Index of a single panel bit (0..RL_PANEL_COUNT-1), -1 if not one bit. */
int panel_index(rl_panel p);
const char *panel_title(rl_panel p);

/* Colours and names shared by panels. */
SDL_Color ex_slot_color(const explorer *e, int slot);
/* "A: RNN (tanh)", "B: LSTM" ... */
void ex_slot_name(const explorer *e, int slot, char *buf, size_t n);
/* The selected timestep resolved against the snapshot (0..T-1), or -1 if there is none. */
int ex_sel_t(const explorer *e);
/* Panel frame: background, border (accent when highlighted), title; returns the content rect. */
SDL_Rect ex_panel_frame(explorer *e, rl_panel p, SDL_Rect r, const char *title);
/* Names of a cell's trace bands (gates then c then h) */
int ex_bands(rl_cell cell, const char **names, const char **long_names, int *kind, int max);

/* Panels: draw into r (r is the whole panel, including its frame and title). */
void panel_heatmaps_draw(explorer *e, SDL_Rect r);
void panel_gradients_draw(explorer *e, SDL_Rect r);
void panel_curves_draw(explorer *e, SDL_Rect r);
void panel_diagram_draw(explorer *e, SDL_Rect r);
void panel_sidebar_draw(explorer *e, SDL_Rect r);
void panel_distribution_draw(explorer *e, SDL_Rect r);
void panel_bptt_draw(explorer *e, SDL_Rect r);
void panel_params_draw(explorer *e, SDL_Rect r);

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

/* The whole view / one panel into area of e->g (ui_begin/ui_end included). */
void ex_draw_view(explorer *e, SDL_Rect area);
void ex_draw_single(explorer *e, rl_panel p, SDL_Rect area);
int panel_sidebar_csv(const explorer *e, FILE *f);

/* Applies a changed config from the sidebar: live settings directly, others by a reset. */
void ex_apply_config(explorer *e, const tr_config *c);

#endif
