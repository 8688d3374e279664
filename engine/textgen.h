/* rnnlab text generators: texts with structure a character-level model can learn and a person can
 * see it learn -- double quotes that open and close, brackets nested a few levels deep, lines.
 *
 *   code      code-like statements: assignments, calls and if-blocks whose expressions nest
 *             ( ), [ ] and { } up to 4 deep, with "quoted strings", one statement per line,
 *             blocks indented by 2 spaces per level:   if (size(x[2]) > 7) {
 *                                                        name = f("a b", [3, {k: y}]);
 *                                                      }
 *   dialogue  lines of speech: a speaker, then quoted sentences with a reporting clause between:
 *             ann: "where is the box?" she asked. "in the room," said bob.
 *
 * Deterministic in seed (xoshiro256**, rl_base.h): the same seed and length give the same bytes on
 * every platform. ASCII only; every quote and bracket that opens also closes, and the text ends
 * with a complete line. */
#ifndef RNNLAB_TEXTGEN_H
#define RNNLAB_TEXTGEN_H
#include "rl_base.h"
#include <stddef.h>
#include <stdint.h>

typedef enum { RL_TEXT_CODE = 0, RL_TEXT_DIALOGUE = 1 } rl_text_kind;

const char *rl_text_kind_name(rl_text_kind k); /* "code", "dialogue" */
int rl_text_kind_parse(const char *s, rl_text_kind *out); /* 0 ok, -1 unknown */

/* About nchars characters (whole lines; at least one line, at most nchars + one line's length is
 * never exceeded: the text stops at the last line that ends at or before nchars, or after the
 * first line). nchars in 1 .. 2^28. Returns a malloc'd NUL-terminated string (caller frees) and
 * its length in *len, or NULL with err set. */
char *rl_text_generate(rl_text_kind kind, uint64_t seed, size_t nchars, size_t *len, rl_error *err);

#endif
