/* Golden images of the explorer's panels (tests/golden/explorer_*.png, compared with the tolerance
 * of golden_check.h). The models are untrained (step 0, fixed seed and example), so the pictures
 * depend only on the initialisation and the drawing code. Regenerate on purpose with
 * RNNLAB_UPDATE_GOLDEN=1 and look at the PNGs before committing them. */
#include "explorer/explorer_state.h"
#include "testutil.h"
#include "golden/golden_check.h"
#include <stdlib.h>

#define GW 800
#define GH 500

int main(void) {
  rl_error err;
  gfx *g = gfx_create_headless(GW, GH, &err);
  if (!g) {
    fprintf(stderr, "gfx: %s\n", err.msg);
    return 1;
  }
  gfx_set_scale_override(g, 0.8f);
  explorer_opts o = explorer_opts_default();
  o.train.task.length = 8;
  o.train.hidden = 10;
  o.train.batch = 4;
  explorer *e = NULL;
  CHECK(explorer_create(g, &o, &e, &err) == 0);
  if (!e) return test_summary("app_test_explorer_golden");
  CHECK(explorer_wait(e, 60) == 0);
  explorer_select_timestep(e, 3);
  static const struct {
    rl_panel p;
    const char *name;
  } P[] = {{RL_PANEL_HEATMAPS, "explorer_heatmaps"},
           {RL_PANEL_GRADIENTS, "explorer_gradients"},
           {RL_PANEL_DIAGRAM, "explorer_diagram"},
           {RL_PANEL_DISTRIBUTION, "explorer_distribution"}};
  for (size_t i = 0; i < sizeof P / sizeof P[0]; i++) {
    gfx_begin_frame(g);
    e->v.exporting = 1; /* no export buttons in the pictures */
    ex_draw_single(e, P[i].p, gfx_r(0, 0, GW, GH));
    golden_check_gfx(P[i].name, g);
  }
  explorer_destroy(e);
  gfx_destroy(g);
  return test_summary("app_test_explorer_golden");
}
