/* Command-line parsing shared by the subcommands: strict number parsing with messages that name
 * the option, and the model / initialisation options common to `init`, `train` and `render`. */
#ifndef RNNLAB_CLI_ARGS_H
#define RNNLAB_CLI_ARGS_H
#include "model.h"
#include <stdio.h>

/* Each prints "rnnlab CMD: ..." to stderr and returns -1 on a bad value. */
int arg_int(const char *cmd, const char *opt, const char *val, long lo, long hi, int *out);
int arg_float(const char *cmd, const char *opt, const char *val, double lo, double hi, float *out);
int arg_u64(const char *cmd, const char *opt, const char *val, uint64_t *out);
/* Comma-separated integers ("3,1,4"); *n set to the count. */
int arg_int_list(const char *cmd, const char *opt, const char *val, int *out, int max, int *n);
/* The value after argv[*i] (advancing *i), or an error if the option is last. */
const char *arg_value(const char *cmd, int argc, char **argv, int *i);

typedef struct {
  rl_config cfg;
  rl_init_opts init;
  int classes_given;
} model_opts;

void model_opts_default(model_opts *o);
/* If argv[*i] is a model option, consumes it (and its value) and returns 1; returns 0 if it is
 * not one; -1 (message printed) on a bad value. */
int model_opts_parse(model_opts *o, const char *cmd, int argc, char **argv, int *i);
/* Fills defaults that depend on other options (classes = vocab for a step head) and checks. */
int model_opts_finish(model_opts *o, const char *cmd);
void model_opts_help(FILE *f);

/* The colour maps from the host's assets folder (the built-in tables if they cannot be read):
 * what every command that draws does first. */
void cli_load_colormaps(void);

#endif
