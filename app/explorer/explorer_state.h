/* The explorer's state, shared by the explorer's own files -- explorer.c (creation, setters, keys,
 * the frame), layout.c (where panels go, header, key overlay) and export.c (figures and CSV) --
 * and by white-box tests. Everything else uses explorer.h; panels use only panel.h. */
#ifndef RNNLAB_EXPLORER_STATE_H
#define RNNLAB_EXPLORER_STATE_H
#include "explorer.h"
#include "panel.h"

#define EX_NOTICE 256

struct explorer {
  ex_view v;               /* what the panels draw from (panel.h); v.g / v.u: the target drawn */
  gfx *win_g;              /* the caller's target (v.g is an export's while one is drawn) */
  ui *win_u;
  trainer *tr;
  char title[256];
  char lesson_name[64];
  const char *const *key_help; /* help overlay's key/meaning pairs set by a host; NULL: our own */
  char export_dir[512];
  unsigned show;
  long train_from, train_goal; /* queued training (explorer_train): from which step, up to which */
  long train_generation;   /* snapshot generation the queued training belongs to */
  float clamp[4];
  char notice[EX_NOTICE];
  int notice_error;
  double notice_until;
  int notice_visible;      /* the notice shows in the frame being drawn */
  int quit;
  long frames;
  int dirty;               /* input since the last frame */
  int notice_shown;        /* a notice was visible in the last frame */
  int help_open;           /* the key-help overlay (? or F1) */
  const theme *pending_theme; /* applied after the frame, so a frame never mixes two themes */
  int pending_reset;       /* the sidebar changed the architecture: reset when the mouse is up */
  gfx_rect area;           /* where the last frame was drawn */
  gfx_text_observer observer; /* passed on to export targets (explorer_set_text_observer) */
  void *observer_ctx;
};

/* layout.c: the whole view / one panel into area of e->v.g (ui_begin/ui_end included); the key
 * overlay over area. */
void ex_draw_view(explorer *e, gfx_rect area);
void ex_draw_single(explorer *e, rl_panel p, gfx_rect area);
void ex_draw_help(explorer *e, gfx_rect area);

#endif
