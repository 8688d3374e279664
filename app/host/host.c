/* The desktop host (host.h): an SDL2 window, its event loop, and SDL's events translated into
 * the program's own (draw/event.h). */
#include "host.h"
#include "draw/gfx_sdl.h"
#include <SDL2/SDL.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define POSTED_MAX 256

struct host {
  SDL_Window *win;
  gfx *g;
  ui_event posted[POSTED_MAX]; /* host_post_event: a queue in order */
  int nposted;
};

/* Opening a window needs a display. Without one SDL quietly picks its "offscreen" driver and the
 * window would run invisibly: say so instead. 0 if windows will be visible (or the user chose a
 * headless driver on purpose with SDL_VIDEODRIVER). */
static int display_check(const char *what) {
  const char *chosen = getenv("SDL_VIDEODRIVER");
  if (chosen && *chosen) return 0; /* asked for by name (the tests use the dummy driver) */
  const char *driver = SDL_GetCurrentVideoDriver();
  if (driver && (!strcmp(driver, "offscreen") || !strcmp(driver, "dummy"))) {
    fprintf(stderr,
            "rnnlab: no display to open the %s window on (DISPLAY and WAYLAND_DISPLAY are not set).\n"
            "Run it in a desktop session, or draw figures without a display with 'rnnlab render' "
            "(see rnnlab render --help).\n",
            what ? what : "explorer");
    return -1;
  }
  return 0;
}

/* Sets the minimum size again: creating an OpenGL renderer may re-create the X window, which
 * loses it. */
static void keep_min_size(SDL_Window *win) {
  SDL_SetWindowMinimumSize(win, 1, 1); /* a change, so SDL sends the hint to the window system */
  SDL_SetWindowMinimumSize(win, HOST_MIN_W, HOST_MIN_H);
}

static SDL_Window *open_window(const char *title, int w, int h, int fullscreen) {
  Uint32 flags = SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI;
  int x = SDL_WINDOWPOS_CENTERED, y = SDL_WINDOWPOS_CENTERED;
  SDL_DisplayMode dm;
  int have_dm = SDL_GetDesktopDisplayMode(0, &dm) == 0;
  if (fullscreen) {
    flags |= SDL_WINDOW_FULLSCREEN_DESKTOP;
    /* the desktop's size from the start: without a window manager to make it full screen (a bare
     * X server, a kiosk), the window still covers the screen */
    if (have_dm) w = dm.w, h = dm.h, x = y = 0;
  } else if (have_dm && (w > dm.w || h > dm.h)) {
    w = dm.w * 9 / 10;
    h = dm.h * 9 / 10;
  }
  if (w < HOST_MIN_W) w = HOST_MIN_W;
  if (h < HOST_MIN_H) h = HOST_MIN_H;
  SDL_Window *win = SDL_CreateWindow(title, x, y, w, h, flags);
  if (!win) {
    fprintf(stderr, "rnnlab: cannot open a window: %s\n", SDL_GetError());
    return NULL;
  }
  keep_min_size(win);
  return win;
}

int host_open(const host_window_opts *o, host **out, gfx **g) {
  *out = NULL;
  *g = NULL;
  if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS)) {
    fprintf(stderr, "rnnlab: cannot open a window: %s\n(for figures without a display use 'rnnlab render')\n",
            SDL_GetError());
    return -1;
  }
  host *h = calloc(1, sizeof *h);
  if (!h) {
    fprintf(stderr, "rnnlab: out of memory\n");
    SDL_Quit();
    return -1;
  }
  if (display_check(o->what) || !(h->win = open_window(o->title, o->w, o->h, o->fullscreen))) {
    host_close(h);
    return -1;
  }
  rl_error err;
  h->g = gfx_create_window(h->win, &err);
  if (!h->g) {
    fprintf(stderr, "rnnlab: %s\n", err.msg);
    host_close(h);
    return -1;
  }
  keep_min_size(h->win);
  *out = h;
  *g = h->g;
  return 0;
}

void host_close(host *h) {
  if (!h) return;
  gfx_destroy(h->g);
  if (h->win) SDL_DestroyWindow(h->win);
  free(h);
  SDL_Quit();
}

/* ---- events ------------------------------------------------------------------------------------ */

static ui_key key_of(SDL_Keycode k) {
  if (k >= 0 && k < 128) return (ui_key)k; /* ASCII: the same codes */
  if (k >= SDLK_F1 && k <= SDLK_F12) return UI_KEY_F1 + (ui_key)(k - SDLK_F1);
  switch (k) {
  case SDLK_LEFT: return UI_KEY_LEFT;
  case SDLK_RIGHT: return UI_KEY_RIGHT;
  case SDLK_UP: return UI_KEY_UP;
  case SDLK_DOWN: return UI_KEY_DOWN;
  case SDLK_HOME: return UI_KEY_HOME;
  case SDLK_END: return UI_KEY_END;
  case SDLK_PAGEUP: return UI_KEY_PAGEUP;
  case SDLK_PAGEDOWN: return UI_KEY_PAGEDOWN;
  case SDLK_KP_ENTER: return UI_KEY_KP_ENTER;
  case SDLK_KP_PLUS: return UI_KEY_KP_PLUS;
  case SDLK_KP_MINUS: return UI_KEY_KP_MINUS;
  default: return UI_KEY_UNKNOWN;
  }
}

static int mods_of(Uint16 m) {
  return ((m & KMOD_SHIFT) ? UI_MOD_SHIFT : 0) | ((m & KMOD_CTRL) ? UI_MOD_CTRL : 0) |
         ((m & KMOD_ALT) ? UI_MOD_ALT : 0) | ((m & KMOD_GUI) ? UI_MOD_GUI : 0);
}

/* SDL's event as ours; 0 for events the program does not see. */
static int translate(const SDL_Event *s, ui_event *ev) {
  memset(ev, 0, sizeof *ev);
  switch (s->type) {
  case SDL_QUIT: ev->type = UI_EV_QUIT; return 1;
  case SDL_MOUSEMOTION:
    ev->type = UI_EV_MOUSE_MOVE;
    ev->x = s->motion.x;
    ev->y = s->motion.y;
    ev->buttons = (int)s->motion.state; /* SDL_BUTTON(b) = 1 << (b - 1), as ours */
    return 1;
  case SDL_MOUSEBUTTONDOWN:
  case SDL_MOUSEBUTTONUP:
    ev->type = s->type == SDL_MOUSEBUTTONDOWN ? UI_EV_MOUSE_DOWN : UI_EV_MOUSE_UP;
    ev->x = s->button.x;
    ev->y = s->button.y;
    ev->button = s->button.button; /* 1 left, 2 middle, 3 right: the same numbers */
    return 1;
  case SDL_MOUSEWHEEL:
    ev->type = UI_EV_WHEEL;
    ev->wheel = s->wheel.direction == SDL_MOUSEWHEEL_FLIPPED ? -s->wheel.y : s->wheel.y;
    return 1;
  case SDL_KEYDOWN:
  case SDL_KEYUP:
    ev->type = s->type == SDL_KEYDOWN ? UI_EV_KEY_DOWN : UI_EV_KEY_UP;
    ev->key = key_of(s->key.keysym.sym);
    ev->mods = mods_of(s->key.keysym.mod);
    return 1;
  case SDL_TEXTINPUT:
    ev->type = UI_EV_TEXT;
    snprintf(ev->text, sizeof ev->text, "%s", s->text.text);
    return 1;
  case SDL_WINDOWEVENT: ev->type = UI_EV_WINDOW; return 1;
  default: return 0;
  }
}

void host_post_event(host *h, const ui_event *ev) {
  if (h->nposted < POSTED_MAX) h->posted[h->nposted++] = *ev;
}

/* Everything that arrived since the last turn: the window's events, then the posted ones. */
static void deliver_pending(host *h, const host_app *app) {
  SDL_Event s;
  ui_event ev;
  while (SDL_PollEvent(&s))
    if (translate(&s, &ev)) app->event(app->ctx, &ev);
  int n = h->nposted;
  for (int i = 0; i < n && i < h->nposted; i++) app->event(app->ctx, &h->posted[i]);
  memmove(h->posted, h->posted + n, (size_t)(h->nposted - n) * sizeof h->posted[0]);
  h->nposted -= n;
}

void host_run(host *h, const host_app *app) {
  for (;;) {
    deliver_pending(h, app);
    int next = app->frame(app->ctx);
    if (next == HOST_QUIT) return;
    if (next == HOST_DREW) {
      gfx_present(h->g);
    } else if (h->nposted == 0) { /* idle: the window keeps its last frame until input comes */
      SDL_Event s;
      ui_event ev;
      if (SDL_WaitEventTimeout(&s, 15) && translate(&s, &ev)) app->event(app->ctx, &ev);
    }
  }
}

/* ---- the window ---------------------------------------------------------------------------------- */

int host_fullscreen(const host *h) {
  return h && (SDL_GetWindowFlags(h->win) & SDL_WINDOW_FULLSCREEN_DESKTOP) == SDL_WINDOW_FULLSCREEN_DESKTOP;
}

void host_set_fullscreen(host *h, int on) {
  if (h) SDL_SetWindowFullscreen(h->win, on ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0);
}

void host_window_size(const host *h, int *w, int *hh) { SDL_GetWindowSize(h->win, w, hh); }

void host_set_window_size(host *h, int w, int hh) { SDL_SetWindowSize(h->win, w, hh); }
