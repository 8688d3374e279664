/* The explorer's panels, one file each (panel_NAME.c), and the table the explorer draws them
 * through. Each panel draws into any rectangle from the view (panel.h) and writes the data behind
 * it as CSV (export). Only the explorer's layout and export code (layout.c, export.c) use this
 * header; panels use panel.h. Implemented in panels.c. */
#ifndef RNNLAB_PANELS_H
#define RNNLAB_PANELS_H
#include "panel.h"

/* Draws panel p into r (the whole panel: its frame and title included) and records r. */
void panels_draw(ex_view *v, rl_panel p, gfx_rect r);
/* The CSV of the data behind panel p. 0 ok, -1 on a write error. */
int panels_csv(const ex_view *v, rl_panel p, FILE *f);
/* The width of a column of the token axis panel p would draw in r, or -1 if it has none (the
 * heatmaps and the gradient plot share one stride of labelled words). */
float panels_token_col_width(ex_view *v, rl_panel p, gfx_rect r);

/* ---- each panel: draw into r; CSV of its data ---------------------------------------------- */

void panel_heatmaps_draw(ex_view *v, gfx_rect r);
int panel_heatmaps_csv(const ex_view *v, FILE *f);
float panel_heatmaps_col_width(ex_view *v, gfx_rect r);
void panel_gradients_draw(ex_view *v, gfx_rect r);
int panel_gradients_csv(const ex_view *v, FILE *f);
float panel_gradients_col_width(ex_view *v, gfx_rect r);
void panel_curves_draw(ex_view *v, gfx_rect r);
int panel_curves_csv(const ex_view *v, FILE *f);
void panel_diagram_draw(ex_view *v, gfx_rect r);
int panel_diagram_csv(const ex_view *v, FILE *f);
void panel_sidebar_draw(ex_view *v, gfx_rect r);
int panel_sidebar_csv(const ex_view *v, FILE *f);
void panel_distribution_draw(ex_view *v, gfx_rect r);
int panel_distribution_csv(const ex_view *v, FILE *f);
void panel_bptt_draw(ex_view *v, gfx_rect r);
int panel_bptt_csv(const ex_view *v, FILE *f);
void panel_params_draw(ex_view *v, gfx_rect r);
int panel_params_csv(const ex_view *v, FILE *f);
void panel_embedding_draw(ex_view *v, gfx_rect r);
int panel_embedding_csv(const ex_view *v, FILE *f);
void panel_predictions_draw(ex_view *v, gfx_rect r);
int panel_predictions_csv(const ex_view *v, FILE *f);
void panel_layers_draw(ex_view *v, gfx_rect r);
int panel_layers_csv(const ex_view *v, FILE *f);
void panel_gradnorm_draw(ex_view *v, gfx_rect r);
int panel_gradnorm_csv(const ex_view *v, FILE *f);

#endif
