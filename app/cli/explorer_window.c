/* The explorer in a window (explorer_cli.h): what the host's loop calls (host.h), a script's
 * injected input, and the frame-rate benchmark. */
#define _POSIX_C_SOURCE 200809L
#include "explorer_cli.h"
#include "host/host.h"
#include "script.h"
#include <stdio.h>
#include <string.h>

typedef struct {
  host *h;
  gfx *g;
  explorer *e;
  const view_args *a;
  script sc;
  int rc;
  long frames, flast;
  double t0, tlast, cpu0;
} window_run;

static void deliver_post(void *ctx, const ui_event *ev) { host_post_event((host *)ctx, ev); }

static void window_event(void *ctx, const ui_event *ev) {
  window_run *w = ctx;
  if (ev->type == UI_EV_KEY_DOWN && (ev->key == UI_KEY_F5 || ev->key == UI_KEY_F11)) {
    host_set_fullscreen(w->h, !host_fullscreen(w->h));
    return;
  }
  explorer_handle_event(w->e, ev);
}

/* One turn: the script's next command, then a frame if anything changed. */
static int window_frame(void *ctx) {
  window_run *w = ctx;
  const view_args *a = w->a;
  if (w->rc || explorer_should_quit(w->e) || (a->bench_s > 0 && cli_now_s() - w->t0 >= a->bench_s)) return HOST_QUIT;
  if (a->script) {
    rl_error err;
    int s = script_step(&w->sc, w->e, deliver_post, w->h, &err);
    if (s < 0) {
      fprintf(stderr, "rnnlab: %s\n", err.msg);
      w->rc = 2;
      return HOST_QUIT;
    }
    if (s > 0) return HOST_QUIT;
  }
  /* draw only when something changed (the window keeps its last frame); the benchmark draws
   * every frame to measure the worst case */
  if (a->bench_s <= 0 && !explorer_needs_redraw(w->e)) return HOST_IDLE;
  explorer_frame(w->e);
  w->frames++;
  double t = cli_now_s();
  if (a->bench_s > 0 && t - w->tlast >= 1.0) {
    printf("frames/s %.1f\n", (double)(w->frames - w->flast) / (t - w->tlast));
    fflush(stdout);
    w->tlast = t;
    w->flast = w->frames;
  }
  return HOST_DREW;
}

static void bench_summary(const window_run *w) {
  double cpu = cli_thread_cpu_s() - w->cpu0, dt = cli_now_s() - w->t0;
  long frames = w->frames;
  printf("window %dx%d (%s renderer): %ld frames in %.1f s = %.1f frames/s while training (%ld steps); "
         "drawing thread CPU %.1f ms/frame (%.0f frames/s if it has a core to itself)\n",
         gfx_width(w->g), gfx_height(w->g), gfx_backend_name(w->g), frames, dt, (double)frames / dt,
         explorer_total_steps(w->e), 1e3 * cpu / (double)(frames ? frames : 1), cpu > 0 ? (double)frames / cpu : 0.0);
}

int explorer_window(view_args *a, rl_model *view_model, const char *cmd) {
  window_run w;
  memset(&w, 0, sizeof w);
  w.a = a;
  host_window_opts wo = {"rnnlab", a->w, a->h, a->fullscreen, "explorer"};
  if (host_open(&wo, &w.h, &w.g)) {
    rl_model_free(view_model);
    return 1;
  }
  gfx_set_theme(w.g, theme_get(a->theme));
  rl_error err;
  int rc = view_model ? explorer_create_view(w.g, view_model, a->text, &w.e, &err)
                      : explorer_create(w.g, &a->ex, &w.e, &err);
  if (rc) {
    fprintf(stderr, "rnnlab %s: %s\n", cmd, err.msg);
    host_close(w.h);
    return 1;
  }
  if (view_args_apply(w.e, a, cmd)) w.rc = 2;
  script_init(&w.sc, a->script);
  w.t0 = w.tlast = cli_now_s();
  w.cpu0 = cli_thread_cpu_s();
  host_app app = {&w, window_event, window_frame};
  host_run(w.h, &app);
  if (a->bench_s > 0) bench_summary(&w);
  explorer_destroy(w.e);
  host_close(w.h);
  return w.rc;
}
