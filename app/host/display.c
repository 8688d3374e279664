#include "display.h"
#include <SDL2/SDL.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int display_check(const char *cmd) {
  const char *chosen = getenv("SDL_VIDEODRIVER");
  if (chosen && *chosen) return 0; /* asked for by name (the tests use the dummy driver) */
  const char *driver = SDL_GetCurrentVideoDriver();
  if (driver && (!strcmp(driver, "offscreen") || !strcmp(driver, "dummy"))) {
    fprintf(stderr,
            "rnnlab: no display to open the %s window on (DISPLAY and WAYLAND_DISPLAY are not set).\n"
            "Run it in a desktop session, or draw figures without a display with 'rnnlab render' "
            "(see rnnlab render --help).\n",
            cmd && !strcmp(cmd, "--lesson") ? "presenter" : "explorer");
    return -1;
  }
  return 0;
}

SDL_Window *display_open_window(const char *title, int w, int h, int fullscreen) {
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
  if (w < DISPLAY_MIN_W) w = DISPLAY_MIN_W;
  if (h < DISPLAY_MIN_H) h = DISPLAY_MIN_H;
  SDL_Window *win = SDL_CreateWindow(title, x, y, w, h, flags);
  if (!win) {
    fprintf(stderr, "rnnlab: cannot open a window: %s\n", SDL_GetError());
    return NULL;
  }
  display_keep_min_size(win);
  return win;
}

void display_keep_min_size(SDL_Window *win) {
  SDL_SetWindowMinimumSize(win, 1, 1); /* a change, so SDL sends the hint to the window system */
  SDL_SetWindowMinimumSize(win, DISPLAY_MIN_W, DISPLAY_MIN_H);
}
