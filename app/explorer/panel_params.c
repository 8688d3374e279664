/* Parameter counts of each model, by tensor group. */
#include "panels.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

void panel_params_draw(ex_view *v, gfx_rect r) {
  gfx *g = v->g;
  const theme *th = gfx_theme(g);
  gfx_rect c = ex_panel_frame(v, RL_PANEL_PARAMS, r, "Parameters");
  int body = gfx_font_px(g, THEME_TEXT_BODY);
  int lh = gfx_line_height(g, GFX_SANS, body) + gfx_px(g, 4);
  int y = c.y;
  for (int k = 0; k < TR_MAX_SLOTS; k++) {
    const tr_slot_snap *q = &v->snap.slot[k];
    if (!q->used) continue;
    char name[96], line[200];
    ex_slot_name(v, k, name, sizeof name);
    long rec = (long)q->L * q->D * q->G * q->H * (q->H + 2); /* W_hh + two biases per layer/dir */
    snprintf(line, sizeof line, "%s: %zu parameters  (H = %d, %d gate block%s of H x H each)", name,
             q->nparams, q->H, q->G, q->G == 1 ? "" : "s");
    gfx_text(g, c.x, y, line, GFX_SANS, body, ex_slot_color(v, k), GFX_LEFT | GFX_TOP);
    y += lh;
    snprintf(line, sizeof line, "   recurrent weights and biases: %ld", rec);
    gfx_text(g, c.x, y, line, GFX_SANS, body, th->text_dim, GFX_LEFT | GFX_TOP);
    y += lh;
  }
}

int panel_params_csv(const ex_view *v, FILE *f) {
  fprintf(f, "model,cell,hidden,layers,directions,gates,parameters\n");
  for (int k = 0; k < TR_MAX_SLOTS; k++) {
    const tr_slot_snap *q = &v->snap.slot[k];
    if (!q->used) continue;
    fprintf(f, "%c,%s,%d,%d,%d,%d,%zu\n", 'A' + k, rl_cell_name(q->spec.cell), q->H, q->L, q->D, q->G,
            q->nparams);
  }
  return ferror(f) ? -1 : 0;
}
