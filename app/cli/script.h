/* Explorer scripts: input injected as if typed, one command per frame (`rnnlab --script`,
 * `rnnlab render --script`; the tests drive the real window with them). Commands separated by ';':
 *   keys:a,b,shift+F12   press keys one per frame      key:NAME     one key
 *   wait:SECONDS          keep running frames          frames:N     run N frames
 *   click:X,Y             left click at a pixel        drag:X0,Y0,X1,Y1     move:X,Y (hover)
 *   train:N               queue N steps and wait until they are drawn
 *   export:PANEL          that panel's export button (PNG + CSV)
 *   quit                  close the window
 * Key names: draw/event.h (ui_key_from_name), with shift+, ctrl+, alt+ in front. */
#ifndef RNNLAB_SCRIPT_H
#define RNNLAB_SCRIPT_H
#include "explorer/explorer.h"

typedef struct {
  char buf[2048];
  char *cmds[128];
  int n, pos;
  double wait_until;
  long frames_left;
  const char *keys_rest; /* remaining keys of a keys: command */
  char keys_buf[512];
} script;

/* How an injected event reaches the program: posted to the window's queue, or straight to the
 * explorer (headless). */
typedef void (*script_deliver)(void *ctx, const ui_event *ev);

void script_init(script *s, const char *text); /* text NULL: an empty script */
/* Runs the script one frame at a time. Returns 1 to quit, -1 on a script error (err), 0 to go on. */
int script_step(script *s, explorer *e, script_deliver deliver, void *ctx, rl_error *err);
/* Nothing left to do: every command run, no keys, frames or waiting pending. */
int script_done(const script *s);

#endif
