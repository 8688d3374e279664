/* Key names for scripts (event.h). */
#include "event.h"
#include <ctype.h>
#include <string.h>
#include <strings.h>

static const struct {
  const char *name;
  ui_key key;
} NAMES[] = {
    {"space", UI_KEY_SPACE},     {"return", UI_KEY_RETURN},     {"enter", UI_KEY_RETURN},
    {"escape", UI_KEY_ESCAPE},   {"esc", UI_KEY_ESCAPE},        {"tab", UI_KEY_TAB},
    {"backspace", UI_KEY_BACKSPACE}, {"delete", UI_KEY_DELETE}, {"left", UI_KEY_LEFT},
    {"right", UI_KEY_RIGHT},     {"up", UI_KEY_UP},             {"down", UI_KEY_DOWN},
    {"home", UI_KEY_HOME},       {"end", UI_KEY_END},           {"pageup", UI_KEY_PAGEUP},
    {"pagedown", UI_KEY_PAGEDOWN}, {"plus", '+'},               {"minus", '-'},
    {"keypad enter", UI_KEY_KP_ENTER}, {"keypad +", UI_KEY_KP_PLUS}, {"keypad -", UI_KEY_KP_MINUS},
};

ui_key ui_key_from_name(const char *name) {
  if (!name || !*name) return UI_KEY_UNKNOWN;
  if (!name[1] && (unsigned char)name[0] > ' ' && (unsigned char)name[0] < 127)
    return tolower((unsigned char)name[0]);
  for (size_t i = 0; i < sizeof NAMES / sizeof NAMES[0]; i++)
    if (!strcasecmp(name, NAMES[i].name)) return NAMES[i].key;
  if ((name[0] == 'f' || name[0] == 'F') && name[1] >= '1' && name[1] <= '9') {
    int n = name[1] - '0';
    if (name[2] >= '0' && name[2] <= '9' && !name[3]) n = 10 * n + (name[2] - '0');
    else if (name[2]) return UI_KEY_UNKNOWN;
    if (n >= 1 && n <= 12) return UI_KEY_F1 + n - 1;
  }
  return UI_KEY_UNKNOWN;
}
