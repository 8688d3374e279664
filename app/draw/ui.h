/* rnnlab ui: a small immediate-mode widget layer in the shape of rxi/microui.
 *
 * No retained widget tree: each frame the caller feeds input events (event.h), then calls the widgets in
 * order; each widget draws itself immediately (through gfx) and returns whether the user changed
 * it this frame. A widget's identity is a hash of its label and the id stack (ui_push_id), so two
 * widgets with the same label need different ids (e.g. push the model slot number).
 *
 *   for each event ev: ui_input(ui, &ev); ...own keys if !ui_wants_keyboard(ui)...
 *   gfx_begin_frame(g); gfx_clear(...);
 *   ui_begin(ui);
 *   ui_layout_begin(ui, sidebar_rect);            // column layout inside a rectangle
 *   ui_label(ui, "Model A");
 *   if (ui_select(ui, "cell", &cell, CELL_NAMES, 3)) reset = 1;
 *   ui_slider(ui, "learning rate", &lr, 1e-4f, 1.0f, UI_LOG, "%.2g");
 *   ui_tooltip(ui, "step size of the optimizer");  // for the widget just drawn
 *   int w[2] = {0, 0}; ui_row(ui, 2, w, 0);       // two equal columns
 *   if (ui_button(ui, "Reset")) ...;  if (ui_button(ui, "Step")) ...;
 *   gfx_rect panel = ui_next(ui);                 // hand a rectangle to a custom panel
 *   ui_layout_end(ui);
 *   ui_end(ui);                                   // draws open dropdowns and the tooltip on top
 *   gfx_present(g);
 *
 * Mouse: click buttons/checkboxes/selects, click or drag sliders, mouse wheel over a slider or
 * select steps it. Keyboard: a clicked widget takes the focus (Tab / Shift+Tab move it through
 * focusable widgets, Escape drops it); with focus, Left/Right (or Down/Up) step sliders and
 * selects, Space/Return press buttons and toggle checkboxes; Home/End go to the slider's ends.
 * Text boxes take typed text while focused.
 *
 * Events are plain ui_events, so tests construct UI_EV_MOUSE_DOWN / UI_EV_MOUSE_MOVE /
 * UI_EV_KEY_DOWN by hand, call ui_input, then run a frame and check the return values.
 * Sizes scale with gfx_scale (design sizes are for a 1080-pixel high target).
 */
#ifndef RNNLAB_UI_H
#define RNNLAB_UI_H
#include "event.h"
#include "gfx.h"
#include <stdint.h>

typedef struct ui ui;
typedef uint32_t ui_id;

ui *ui_create(gfx *g); /* NULL on out-of-memory */
void ui_destroy(ui *u);
gfx *ui_gfx(ui *u);

/* Feed every input event (mouse, keys, text, wheel). Returns 1 if the ui will likely use
 * it (mouse over a widget drawn last frame, or a key while a widget has focus), else 0 so the
 * caller can handle it (e.g. Space = play/pause). */
int ui_input(ui *u, const ui_event *ev);
void ui_begin(ui *u);
void ui_end(ui *u);

/* Did the previous frame's widgets want the mouse / keyboard (hovered / focused)? */
int ui_wants_mouse(const ui *u);
int ui_wants_keyboard(const ui *u);

/* ---- raw input for custom panels (this frame) --------------------------------------------- */
void ui_mouse_pos(const ui *u, int *x, int *y);
int ui_mouse_down(const ui *u, int button);        /* UI_BUTTON_LEFT, ... currently held */
int ui_mouse_pressed(const ui *u, int button);     /* went down this frame */
int ui_mouse_released(const ui *u, int button);    /* went up this frame */
int ui_mouse_wheel(const ui *u);                   /* wheel clicks this frame (+ up) */
/* Pressed this frame (repeats included) and not used by a focused widget. */
int ui_key_pressed(const ui *u, ui_key key);
int ui_key_mods(const ui *u); /* UI_MOD_* bits of the last key event */
/* Mouse over r and no dropdown covers it. */
int ui_hover(const ui *u, gfx_rect r);
/* Left-clicked inside r this frame (press inside r, not taken by a widget or open dropdown). */
int ui_clicked(ui *u, gfx_rect r);

/* ---- layout ------------------------------------------------------------------------------- */

/* Starts a column layout inside area (with the theme's padding). Nestable (up to 8 levels). */
void ui_layout_begin(ui *u, gfx_rect area);
void ui_layout_end(ui *u);
/* Following rows have ncols cells of the given widths in pixels (<= 0: share what remains
 * equally) and the given height in pixels (0 = one widget height). Applies until changed;
 * widths NULL = ncols equal columns. ncols <= 16. */
void ui_row(ui *u, int ncols, const int *widths, int height);
/* The next cell's rectangle (advances the cursor; wraps to a new row after ncols cells). */
gfx_rect ui_next(ui *u);
/* Vertical gap of h pixels (starts a new row). */
void ui_space(ui *u, int h);
/* A column layout that scrolls when its content is taller than area: the mouse wheel over the
 * area (not over a widget that takes the wheel) or the scroll bar at its right edge moves it,
 * and widgets scrolled out of view cannot be hovered or clicked. *s keeps the offset and the
 * content height from frame to frame (zero-initialise it). */
typedef struct {
  int offset;     /* pixels scrolled down */
  int content_h;  /* height of the content in the last frame */
  int dragging;   /* the scroll bar is being dragged */
} ui_scroll;
void ui_layout_begin_scroll(ui *u, gfx_rect area, ui_scroll *s);
void ui_layout_end_scroll(ui *u, ui_scroll *s);

/* What is left of the current layout area below the cursor (for a panel filling the rest). */
gfx_rect ui_remaining(ui *u);
/* Standard widget height and padding at the current scale. */
int ui_widget_height(const ui *u);
int ui_padding(const ui *u);

/* ---- ids ---------------------------------------------------------------------------------- */
void ui_push_id(ui *u, int n);
void ui_pop_id(ui *u);
ui_id ui_get_id(const ui *u, const char *label);

/* ---- widgets (return 1 if the user changed something this frame) ------------------------- */

enum { UI_LOG = 1, UI_INT = 2 }; /* slider flags: log10 scale (lo > 0); round to integers */

/* Text in the next cell; dim = secondary colour. Returns 0. */
int ui_label(ui *u, const char *text);
int ui_label_ex(ui *u, const char *text, int dim, int align /* GFX_LEFT|GFX_CENTER|GFX_RIGHT */);
/* Word-wrapped paragraph over the full width; takes as many rows as needed. */
int ui_text_block(ui *u, const char *text);
/* Button: 1 when clicked (released over it after pressing it, or Space/Return with focus). */
int ui_button(ui *u, const char *label);
/* Checkbox: toggles *v (0/1). */
int ui_checkbox(ui *u, const char *label, int *v);
/* Slider "label   value" with a filled track; value shown with fmt (printf, one double arg;
 * NULL = "%.3g"). The label may be "" to show only the value. */
int ui_slider(ui *u, const char *label, float *v, float lo, float hi, int flags, const char *fmt);
/* Integer slider convenience (UI_INT). */
int ui_slider_int(ui *u, const char *label, int *v, int lo, int hi);
/* Enum choice shown as "label: option"; click opens a dropdown list of all options (drawn on top
 * in ui_end); wheel / Left / Right with focus cycle. */
int ui_select(ui *u, const char *label, int *idx, const char *const *options, int n);
/* Cycle button: click = next option, right click = previous. No dropdown. */
int ui_cycle(ui *u, const char *label, int *idx, const char *const *options, int n);
/* Single-line text box editing buf (UTF-8, cap bytes including NUL). placeholder (may be NULL) is
 * shown dimmed while the box is empty and unfocused; it is also the widget's id. Returns 1 when
 * the text changed; *submitted (may be NULL) is set to 1 when Return is pressed, which also
 * releases the focus (so Space plays again); Escape releases it without submitting. Text typed
 * beyond cap - 1 bytes is not taken: ui_textbox_overflowed then says so for this frame. */
int ui_textbox(ui *u, const char *placeholder, char *buf, size_t cap, int *submitted);
int ui_textbox_overflowed(const ui *u);
/* How many widget labels were too wide for their widget and cut with "..." since ui_begin. */
int ui_truncated(const ui *u);

/* Tooltip for the widget drawn last, shown next to the mouse while it hovers that widget. */
void ui_tooltip(ui *u, const char *text);
/* Tooltip for any rectangle (e.g. a heatmap cell), shown while the mouse is over r. */
void ui_tooltip_rect(ui *u, gfx_rect r, const char *text);

/* The rectangle of the widget drawn last and whether it is hovered (custom decoration). */
gfx_rect ui_last_rect(const ui *u);
int ui_last_hovered(const ui *u);

#endif
