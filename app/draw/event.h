/* rnnlab input events: what the host (app/host) hands the widgets, the explorer and the presenter
 * after translating its platform's events (SDL's on the desktop). Plain data, so tests and
 * scripts build them by hand: a key press is {.type = UI_EV_KEY_DOWN, .key = UI_KEY_F12,
 * .mods = UI_MOD_SHIFT}.
 *
 * Keys: printable ASCII keys are their lower-case character ('n', '1', '+', '/'); Return, Tab,
 * Escape, Backspace, Space and Delete are their ASCII control codes; the others are UI_KEY_*. */
#ifndef RNNLAB_EVENT_H
#define RNNLAB_EVENT_H

typedef int ui_key;

enum {
  UI_KEY_UNKNOWN = 0,
  UI_KEY_BACKSPACE = 8,
  UI_KEY_TAB = 9,
  UI_KEY_RETURN = 13,
  UI_KEY_ESCAPE = 27,
  UI_KEY_SPACE = 32,
  UI_KEY_DELETE = 127,
  UI_KEY_F1 = 0x101, /* F1 .. F12 are UI_KEY_F1 + 0 .. 11 */
  UI_KEY_F5 = UI_KEY_F1 + 4,
  UI_KEY_F11 = UI_KEY_F1 + 10,
  UI_KEY_F12 = UI_KEY_F1 + 11,
  UI_KEY_LEFT = 0x120,
  UI_KEY_RIGHT,
  UI_KEY_UP,
  UI_KEY_DOWN,
  UI_KEY_HOME,
  UI_KEY_END,
  UI_KEY_PAGEUP,
  UI_KEY_PAGEDOWN,
  UI_KEY_KP_ENTER,
  UI_KEY_KP_PLUS,
  UI_KEY_KP_MINUS,
};

/* Modifier bits (either side's key). */
enum { UI_MOD_SHIFT = 1, UI_MOD_CTRL = 2, UI_MOD_ALT = 4, UI_MOD_GUI = 8 };

/* Mouse buttons. */
enum { UI_BUTTON_LEFT = 1, UI_BUTTON_MIDDLE = 2, UI_BUTTON_RIGHT = 3 };

typedef enum {
  UI_EV_NONE = 0,
  UI_EV_QUIT,       /* the window was closed */
  UI_EV_MOUSE_MOVE, /* x, y; buttons: held buttons as bits 1 << (button - 1) */
  UI_EV_MOUSE_DOWN, /* x, y, button */
  UI_EV_MOUSE_UP,   /* x, y, button */
  UI_EV_WHEEL,      /* wheel: clicks, + = away from the user (up) */
  UI_EV_KEY_DOWN,   /* key, mods (repeats included) */
  UI_EV_KEY_UP,     /* key, mods */
  UI_EV_TEXT,       /* text: typed UTF-8 */
  UI_EV_WINDOW,     /* the window was resized, exposed, focused...: draw again */
} ui_event_type;

typedef struct {
  ui_event_type type;
  int x, y;
  int button;
  int buttons;
  int wheel;
  ui_key key;
  int mods;
  char text[32];
} ui_event;

/* A key by name, as scripts and --keys write it (case does not matter): a character ("n", "+"),
 * or Space, Return (Enter), Escape (Esc), Tab, Backspace, Delete, Left, Right, Up, Down, Home, End,
 * PageUp, PageDown, F1 .. F12, plus, minus. UI_KEY_UNKNOWN if none. */
ui_key ui_key_from_name(const char *name);

#endif
