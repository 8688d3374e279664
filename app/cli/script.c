/* Explorer scripts (script.h). */
#define _POSIX_C_SOURCE 200809L
#include "script.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void script_init(script *s, const char *text) {
  memset(s, 0, sizeof *s);
  if (!text) return;
  snprintf(s->buf, sizeof s->buf, "%s", text);
  for (char *tok = strtok(s->buf, ";"); tok && s->n < 128; tok = strtok(NULL, ";")) {
    while (*tok == ' ') tok++;
    if (*tok) s->cmds[s->n++] = tok;
  }
}

int script_done(const script *s) {
  return s->pos >= s->n && !s->keys_rest && s->frames_left == 0 && s->wait_until == 0;
}

/* "shift+F12" as a key press. -1 if a modifier or the key is unknown. */
static int make_key(const char *name, ui_event *ev) {
  memset(ev, 0, sizeof *ev);
  int mod = 0;
  char buf[64];
  snprintf(buf, sizeof buf, "%s", name);
  char *p = buf;
  for (;;) {
    char *plus = strchr(p, '+');
    if (!plus || plus == p || !plus[1]) break;
    *plus = 0;
    if (!strcasecmp(p, "shift")) mod |= UI_MOD_SHIFT;
    else if (!strcasecmp(p, "ctrl")) mod |= UI_MOD_CTRL;
    else if (!strcasecmp(p, "alt")) mod |= UI_MOD_ALT;
    else return -1;
    p = plus + 1;
  }
  ui_key k = ui_key_from_name(p);
  if (k == UI_KEY_UNKNOWN) return -1;
  ev->type = UI_EV_KEY_DOWN;
  ev->key = k;
  ev->mods = mod;
  return 0;
}

/* The next key of a keys: command, pressed and released. */
static int next_key(script *s, script_deliver deliver, void *ctx, rl_error *err) {
  char name[64];
  const char *comma = strchr(s->keys_rest, ',');
  size_t len = comma ? (size_t)(comma - s->keys_rest) : strlen(s->keys_rest);
  if (len >= sizeof name) len = sizeof name - 1;
  memcpy(name, s->keys_rest, len);
  name[len] = 0;
  s->keys_rest = comma ? comma + 1 : NULL;
  ui_event ev;
  if (make_key(name, &ev)) return rl_fail(err, "script: unknown key '%s'", name);
  deliver(ctx, &ev);
  ev.type = UI_EV_KEY_UP;
  deliver(ctx, &ev);
  s->frames_left = 1; /* let the frame see it */
  return 0;
}

/* click:X,Y and drag:X0,Y0,X1,Y1 with the left button. */
static int click(script *s, const char *c, script_deliver deliver, void *ctx, rl_error *err) {
  int x0, y0, x1, y1;
  int drag = c[0] == 'd';
  if (drag ? sscanf(c + 5, "%d,%d,%d,%d", &x0, &y0, &x1, &y1) != 4 : sscanf(c + 6, "%d,%d", &x0, &y0) != 2)
    return rl_fail(err, "script: expected %s", drag ? "drag:X0,Y0,X1,Y1" : "click:X,Y");
  if (!drag) x1 = x0, y1 = y0;
  ui_event ev = {.type = UI_EV_MOUSE_MOVE, .x = x0, .y = y0};
  deliver(ctx, &ev);
  ev = (ui_event){.type = UI_EV_MOUSE_DOWN, .x = x0, .y = y0, .button = UI_BUTTON_LEFT};
  deliver(ctx, &ev);
  if (drag) {
    ev = (ui_event){.type = UI_EV_MOUSE_MOVE, .x = x1, .y = y1, .buttons = 1 << (UI_BUTTON_LEFT - 1)};
    deliver(ctx, &ev);
  }
  ev = (ui_event){.type = UI_EV_MOUSE_UP, .x = x1, .y = y1, .button = UI_BUTTON_LEFT};
  deliver(ctx, &ev);
  s->frames_left = 1;
  return 0;
}

/* One command (not keys, which run one per frame). */
static int command(script *s, const char *c, explorer *e, script_deliver deliver, void *ctx, rl_error *err) {
  if (!strncmp(c, "keys:", 5) || !strncmp(c, "key:", 4)) {
    snprintf(s->keys_buf, sizeof s->keys_buf, "%s", strchr(c, ':') + 1);
    s->keys_rest = s->keys_buf;
    return 0;
  }
  if (!strncmp(c, "wait:", 5)) {
    s->wait_until = now_s() + atof(c + 5);
    return 0;
  }
  if (!strncmp(c, "frames:", 7)) {
    s->frames_left = atol(c + 7);
    return 0;
  }
  if (!strncmp(c, "train:", 6)) {
    explorer_train(e, atol(c + 6));
    explorer_wait(e, 120.0);
    return 0;
  }
  if (!strncmp(c, "click:", 6) || !strncmp(c, "drag:", 5)) return click(s, c, deliver, ctx, err);
  if (!strncmp(c, "move:", 5)) {
    ui_event ev = {.type = UI_EV_MOUSE_MOVE};
    if (sscanf(c + 5, "%d,%d", &ev.x, &ev.y) != 2) return rl_fail(err, "script: expected move:X,Y");
    deliver(ctx, &ev);
    s->frames_left = 1;
    return 0;
  }
  if (!strncmp(c, "export:", 7)) {
    rl_panel p;
    if (rl_panel_parse(c + 7, &p) || p == RL_PANEL_SIDEBAR)
      return rl_fail(err, "script: export:PANEL names a panel with an export button (heatmaps, gradients, curves, "
                          "diagram, distribution, bptt, params), not '%s'", c + 7);
    explorer_press_export(e, p); /* as if its export button were clicked */
    s->frames_left = 1;
    return 0;
  }
  if (!strcmp(c, "quit")) return 1;
  return rl_fail(err, "script: unknown command '%s' (keys:, key:, wait:, frames:, click:, drag:, move:, train:, "
                      "export:, quit)", c);
}

int script_step(script *s, explorer *e, script_deliver deliver, void *ctx, rl_error *err) {
  if (s->wait_until > 0) {
    if (now_s() < s->wait_until) return 0;
    s->wait_until = 0;
  }
  if (s->frames_left > 0) {
    s->frames_left--;
    return 0;
  }
  if (s->keys_rest) return next_key(s, deliver, ctx, err);
  if (s->pos >= s->n) return 0;
  return command(s, s->cmds[s->pos++], e, deliver, ctx, err);
}
