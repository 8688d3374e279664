/* libFuzzer target: the command-line parsers (app/cli/cli_args.c and rnnlab train's options).
 * The input is an argument list separated by NUL bytes. Invariants beyond "no crash" (ASan + UBSan):
 *   - arg_int / arg_float / arg_u64 / arg_int_list accept a value only inside the stated range, finite,
 *     and equal to what strtol / strtod / strtoull read from the whole string;
 *   - model options that model_opts_finish accepts pass rl_config_check;
 *   - train options it accepts are inside the documented ranges (rate, clipping, batch, evaluation
 *     size, threads, steps, sizes, task options). Messages go to /dev/null. */
#include "cli/cli_args.h"
#include "cli/commands.h"
#include "fuzz_common.h"

#include <errno.h>
#include <math.h>

#define MAX_ARGS 64

#include <fcntl.h>

/* The parsers' messages and help texts go to /dev/null while they run (libFuzzer reports on stderr). */
static int devnull = -1, saved_out = -1, saved_err = -1;

static void quiet(int on) {
  fflush(stdout);
  fflush(stderr);
  if (devnull < 0) {
    devnull = open("/dev/null", O_WRONLY);
    saved_out = dup(1);
    saved_err = dup(2);
  }
  dup2(on ? devnull : saved_out, 1);
  dup2(on ? devnull : saved_err, 2);
}

static void loud(void) { quiet(0); }

static void check_numbers(const char *v) {
  int i;
  long lo = -1000, hi = 1000;
  if (arg_int("fuzz", "--n", v, lo, hi, &i) == 0) {
    char *end;
    errno = 0;
    long want = strtol(v, &end, 10);
    REQUIRE(!*end && !errno && want == i && i >= lo && i <= hi, "arg_int('%s') = %d", v, i);
  }
  float f;
  if (arg_float("fuzz", "--x", v, -1e6, 1e6, &f) == 0) {
    char *end;
    double want = strtod(v, &end);
    REQUIRE(!*end && isfinite(f) && f >= -1e6f && f <= 1e6f && f == (float)want, "arg_float('%s') = %g", v, f);
  }
  uint64_t u;
  if (arg_u64("fuzz", "--u", v, &u) == 0) {
    char *end;
    errno = 0;
    unsigned long long want = strtoull(v, &end, 10);
    REQUIRE(!*end && !errno && !strchr(v, '-') && want == u, "arg_u64('%s') = %llu", v, (unsigned long long)u);
  }
  int list[8], n = -1;
  if (arg_int_list("fuzz", "--l", v, list, 8, &n) == 0) REQUIRE(n >= 1 && n <= 8, "arg_int_list('%s'): %d values", v, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  /* split into at most MAX_ARGS NUL-terminated arguments; argv[0] is the command */
  char *buf = malloc(size + 1);
  memcpy(buf, data, size);
  buf[size] = 0;
  char *argv[MAX_ARGS + 2];
  int argc = 0;
  argv[argc++] = "train";
  for (size_t i = 0; i <= size && argc <= MAX_ARGS;) {
    argv[argc++] = buf + i;
    size_t n = strlen(buf + i);
    i += n + 1;
  }
  argv[argc] = NULL;

  fuzz_before_failure = loud; /* a broken invariant is reported on the real stderr */
  quiet(1);
  for (int i = 1; i < argc; i++) check_numbers(argv[i]);

  /* the model options, as init parses them */
  model_opts mo;
  model_opts_default(&mo);
  int ok = 1;
  for (int i = 1; i < argc && ok; i++) {
    int r = model_opts_parse(&mo, "init", argc, argv, &i);
    REQUIRE(i < argc, "model_opts_parse moved past the arguments");
    if (r < 0) ok = 0;
  }
  if (ok && model_opts_finish(&mo, "init") == 0) {
    rl_error err;
    REQUIRE(rl_config_check(&mo.cfg, &err) == 0, "accepted model options fail rl_config_check: %s", err.msg);
  }

  /* rnnlab train's parser */
  rl_train_opts o;
  long steps;
  if (cmd_train_parse(argc, argv, &o, &steps) == 0) {
    REQUIRE(o.lr > 0 && isfinite(o.lr) && o.clip >= 0 && isfinite(o.clip), "lr %g clip %g", o.lr, o.clip);
    REQUIRE(o.batch >= 1 && o.batch <= RL_MAX_BATCH && o.eval_size >= 1 && o.eval_size <= RL_MAX_EVAL, "batch %d eval %d",
            o.batch, o.eval_size);
    REQUIRE(o.threads >= 1 && o.threads <= 64 && steps >= 0, "threads %d steps %ld", o.threads, steps);
    REQUIRE(o.model.hidden >= 1 && o.model.hidden <= RL_MAX_WIDTH && o.model.embed >= 1 &&
                o.model.embed <= RL_MAX_WIDTH && o.model.layers >= 1 && o.model.layers <= RL_MAX_LAYERS,
            "sizes %d %d %d", o.model.hidden, o.model.embed, o.model.layers);
    REQUIRE(o.task.length >= 0 && o.task.length <= RL_MAX_TIME - 2, "length %d", o.task.length);
    REQUIRE(o.task.holdout >= 0 && o.task.holdout <= 0.5f && o.task.max_vocab >= 1, "holdout %g max_vocab %d",
            o.task.holdout, o.task.max_vocab);
    REQUIRE((unsigned)o.task.kind <= RL_TASK_LM && (unsigned)o.optimizer <= RL_OPT_ADAM, "kind %d optimizer %d",
            (int)o.task.kind, (int)o.optimizer);
  }
  quiet(0);
  free(buf);
  return 0;
}
