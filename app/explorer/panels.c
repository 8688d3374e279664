/* The table of panels (panels.h): one entry per panel, in rl_panel bit order. */
#include "panels.h"

typedef struct {
  rl_panel p;
  void (*draw)(ex_view *v, gfx_rect r);
  int (*csv)(const ex_view *v, FILE *f);
  float (*col_width)(ex_view *v, gfx_rect r); /* NULL: no token axis */
} panel_def;

static const panel_def PANELS[RL_PANEL_COUNT] = {
    {RL_PANEL_HEATMAPS, panel_heatmaps_draw, panel_heatmaps_csv, panel_heatmaps_col_width},
    {RL_PANEL_GRADIENTS, panel_gradients_draw, panel_gradients_csv, panel_gradients_col_width},
    {RL_PANEL_CURVES, panel_curves_draw, panel_curves_csv, NULL},
    {RL_PANEL_DIAGRAM, panel_diagram_draw, panel_diagram_csv, NULL},
    {RL_PANEL_SIDEBAR, panel_sidebar_draw, panel_sidebar_csv, NULL},
    {RL_PANEL_DISTRIBUTION, panel_distribution_draw, panel_distribution_csv, NULL},
    {RL_PANEL_BPTT, panel_bptt_draw, panel_bptt_csv, NULL},
    {RL_PANEL_PARAMS, panel_params_draw, panel_params_csv, NULL},
    {RL_PANEL_EMBEDDING, panel_embedding_draw, panel_embedding_csv, NULL},
    {RL_PANEL_PREDICTIONS, panel_predictions_draw, panel_predictions_csv, NULL},
    {RL_PANEL_LAYERS, panel_layers_draw, panel_layers_csv, NULL},
    {RL_PANEL_GRADNORM, panel_gradnorm_draw, panel_gradnorm_csv, NULL},
};

static const panel_def *def_of(rl_panel p) {
  int i = panel_index(p);
  return i >= 0 && PANELS[i].p == p ? &PANELS[i] : NULL;
}

void panels_draw(ex_view *v, rl_panel p, gfx_rect r) {
  const panel_def *d = def_of(p);
  if (!d) return;
  d->draw(v, r);
  v->rect[panel_index(p)] = r;
}

int panels_csv(const ex_view *v, rl_panel p, FILE *f) {
  const panel_def *d = def_of(p);
  return d ? d->csv(v, f) : -1;
}

float panels_token_col_width(ex_view *v, rl_panel p, gfx_rect r) {
  const panel_def *d = def_of(p);
  return d && d->col_width ? d->col_width(v, r) : -1;
}
