#define _POSIX_C_SOURCE 200809L
#include "progress.h"

#include <string.h>
#include <time.h>
#include <unistd.h>

double progress_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void progress_format_duration(double s, char *buf, size_t n) {
  if (!(s >= 0)) s = 0;
  long t = (long)(s + 0.5);
  if (t < 60) snprintf(buf, n, "%lds", t);
  else if (t < 3600) snprintf(buf, n, "%ldm%02lds", t / 60, t % 60);
  else snprintf(buf, n, "%ldh%02ldm", t / 3600, (t / 60) % 60);
}

void progress_start(progress *p, FILE *out, int tty, long first_step, long total_steps) {
  memset(p, 0, sizeof *p);
  p->out = out;
  p->tty = tty >= 0 ? tty : isatty(fileno(out));
  p->first_step = first_step;
  p->total_steps = total_steps;
  p->t_start = progress_now();
  p->t_last_print = p->t_start;
  p->interval = p->tty ? 0.1 : 2.0;
}

double progress_rate(const progress *p) {
  double dt = progress_now() - p->t_start;
  return dt > 0 ? (double)p->tokens / dt : 0.0;
}

static void format_rate(double r, char *buf, size_t n) {
  if (r >= 1e6) snprintf(buf, n, "%.2fM", r / 1e6);
  else if (r >= 1e3) snprintf(buf, n, "%.1fk", r / 1e3);
  else snprintf(buf, n, "%.0f", r);
}

/* "#########..............." filled to frac of width */
static void format_bar(double frac, char *bar, int width) {
  int fill = frac > 0 ? (int)(width * frac) : 0;
  if (fill > width) fill = width;
  for (int i = 0; i < width; i++) bar[i] = i < fill ? '#' : '.';
  bar[width] = 0;
}

void progress_work(progress *p, double done, double total, const char *note, int force) {
  double now = progress_now();
  if (!force && now - p->t_last_print < p->interval) return;
  p->t_last_print = now;
  double frac = total > 0 ? done / total : 0, elapsed = now - p->t_start;
  if (frac > 1) frac = 1;
  char bar[64], el[32], rem[32] = "?";
  format_bar(frac, bar, 24);
  progress_format_duration(elapsed, el, sizeof el);
  if (frac > 0) progress_format_duration(elapsed * (1 - frac) / frac, rem, sizeof rem);
  fprintf(p->out, "%s[%s] %3.0f%%  %s elapsed, about %s left  %s%s", p->tty ? "\r" : "", bar, 100 * frac, el, rem,
          note ? note : "", p->tty ? "\033[K" : "\n");
  p->drawn = p->tty;
  fflush(p->out);
}

void progress_update(progress *p, long step, float loss, float acc, long tokens, int force) {
  p->tokens += tokens;
  double now = progress_now();
  if (!force && now - p->t_last_print < p->interval) return;
  p->t_last_print = now;
  double elapsed = now - p->t_start;
  long done = step - p->first_step, todo = p->total_steps - step;
  double remaining = done > 0 ? elapsed / (double)done * (double)(todo > 0 ? todo : 0) : 0;
  char el[32], rem[32], rate[32], accs[32] = "";
  progress_format_duration(elapsed, el, sizeof el);
  progress_format_duration(remaining, rem, sizeof rem);
  format_rate(elapsed > 0 ? (double)p->tokens / elapsed : 0, rate, sizeof rate);
  if (acc >= 0) snprintf(accs, sizeof accs, "  acc %5.1f%%", 100.0 * acc);
  if (p->tty) {
    char bar[64];
    format_bar(p->total_steps > 0 ? (double)step / (double)p->total_steps : 0, bar, 24);
    fprintf(p->out, "\r[%s] step %ld/%ld  loss %.4f%s  %s tok/s  %s elapsed  %s left \033[K", bar, step,
            p->total_steps, loss, accs, rate, el, rem);
    p->drawn = 1;
  } else {
    fprintf(p->out, "step %ld/%ld  loss %.4f%s  %s tok/s  elapsed %s  remaining %s\n", step, p->total_steps, loss,
            accs, rate, el, rem);
  }
  fflush(p->out);
}

void progress_break(progress *p) {
  if (p->tty && p->drawn) {
    fputc('\n', p->out);
    fflush(p->out);
  }
  p->drawn = 0;
}
