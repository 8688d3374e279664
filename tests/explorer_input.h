/* Input injected into the explorer by its tests, as the host would deliver it (draw/event.h). */
#ifndef RNNLAB_EXPLORER_INPUT_H
#define RNNLAB_EXPLORER_INPUT_H
#include "explorer/explorer.h"

/* A key pressed and released, with modifiers (UI_MOD_*). */
static inline void inject_key(explorer *e, ui_key k, int mods) {
  ui_event ev = {.type = UI_EV_KEY_DOWN, .key = k, .mods = mods};
  explorer_handle_event(e, &ev);
  ev.type = UI_EV_KEY_UP;
  explorer_handle_event(e, &ev);
}

#endif
