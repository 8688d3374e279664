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
