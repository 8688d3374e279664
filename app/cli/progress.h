/* Training progress on the terminal: a one-line bar redrawn in place when stdout is a terminal,
 * plain periodic lines otherwise (logs, pipes, CI). */
#ifndef RNNLAB_PROGRESS_H
#define RNNLAB_PROGRESS_H
#include <stdio.h>

/* Seconds on a monotonic clock. */
double progress_now(void);
/* "12s", "3m05s", "1h02m" */
void progress_format_duration(double s, char *buf, size_t n);

typedef struct {
  FILE *out;
  int tty;              /* 1: redraw one line with \r */
  long first_step;      /* step at start (resumed runs) */
  long total_steps;
  double t_start;
  double t_last_print;
  double interval;      /* seconds between plain lines (tty: between redraws) */
  long tokens;          /* tokens processed since start */
  int drawn;            /* a bar is on screen (needs a newline before other output) */
} progress;

/* tty < 0: detect from out (isatty). */
void progress_start(progress *p, FILE *out, int tty, long first_step, long total_steps);
/* Reports a step; prints if the interval has passed or force. acc < 0: not shown. */
void progress_update(progress *p, long step, float loss, float acc, long tokens, int force);
/* Progress in work units rather than steps (done of total, e.g. training steps x timesteps of
 * many runs): "[#####......] 43%  2m10s elapsed, about 2m50s left  NOTE", redrawn in place on a
 * terminal, a plain line every interval otherwise. The estimate assumes the rest goes at the
 * average rate so far. Callers on several threads hold a lock around it. */
void progress_work(progress *p, double done, double total, const char *note, int force);
/* Ends the bar's line (if any) so other output starts on a fresh line. */
void progress_break(progress *p);
/* Tokens per second since start. */
double progress_rate(const progress *p);

#endif
