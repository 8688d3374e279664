/* `rnnlab corpus --kind code|dialogue --chars N --seed S --out FILE`: writes a generated text with
 * structure (engine/textgen.h) for the lm task and the units, connectivity and gradient-check
 * views. */
#include "commands.h"
#include "cli_args.h"
#include "fileio.h"
#include "textgen.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void corpus_help(void) {
  printf("usage: rnnlab corpus --kind code|dialogue [--chars N] [--seed S] --out FILE\n\n"
         "Writes a generated text with structure: code-like lines with brackets nested up to 4 deep\n"
         "and \"strings\", or dialogue lines with quoted speech. The same seed and length always give\n"
         "the same bytes. --chars: about N characters, whole lines (default 100000); --seed default 1.\n");
}

int cmd_corpus(int argc, char **argv) {
  rl_text_kind kind = RL_TEXT_CODE;
  int have_kind = 0, chars = 100000;
  uint64_t seed = 1;
  const char *out = NULL, *v;
  for (int i = 1; i < argc; i++) {
    const char *o = argv[i];
    if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
      corpus_help();
      return 0;
    }
    int known = !strcmp(o, "--kind") || !strcmp(o, "--chars") || !strcmp(o, "--seed") || !strcmp(o, "--out");
    if (!known) {
      fprintf(stderr, "rnnlab corpus: unknown option '%s' (see rnnlab corpus --help)\n", o);
      return 2;
    }
    if (!(v = arg_value("corpus", argc, argv, &i))) return 2;
    if (!strcmp(o, "--kind")) {
      if (rl_text_kind_parse(v, &kind)) {
        fprintf(stderr, "rnnlab corpus: --kind: expected code or dialogue, got '%s'\n", v);
        return 2;
      }
      have_kind = 1;
    } else if (!strcmp(o, "--chars")) {
      if (arg_int("corpus", o, v, 1, 1 << 28, &chars)) return 2;
    } else if (!strcmp(o, "--seed")) {
      if (arg_u64("corpus", o, v, &seed)) return 2;
    } else {
      out = v;
    }
  }
  if (!have_kind || !out) {
    fprintf(stderr, "rnnlab corpus: --kind code|dialogue and --out FILE are required\n");
    return 2;
  }
  rl_error err;
  size_t len;
  char *text = rl_text_generate(kind, seed, (size_t)chars, &len, &err);
  if (!text) {
    fprintf(stderr, "rnnlab corpus: %s\n", err.msg);
    return 1;
  }
  int rc = rl_write_file(out, text, len, &err);
  free(text);
  if (rc) {
    fprintf(stderr, "rnnlab corpus: %s\n", err.msg);
    return 1;
  }
  printf("wrote %s (%zu characters of generated %s text, seed %llu)\n", out, len, rl_text_kind_name(kind),
         (unsigned long long)seed);
  return 0;
}
