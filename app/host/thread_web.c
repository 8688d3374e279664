/* Workers in the browser (thread.h): no threads. Each worker is a turn function the host calls
 * from its frame loop (host_web.c) and from code that waits for the workers, round robin, within
 * a time budget. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include "thread.h"
#include <stdlib.h>
#include <time.h>

#define MAX_WORKERS 8

struct host_thread {
  int (*turn)(void *);
  void *arg;
};

static host_thread *workers[MAX_WORKERS];
static int nworkers;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

host_thread *host_worker_start(void *(*loop)(void *), int (*turn)(void *), void *arg) {
  (void)loop;
  if (nworkers == MAX_WORKERS) return NULL;
  host_thread *t = malloc(sizeof *t);
  if (!t) return NULL;
  t->turn = turn;
  t->arg = arg;
  workers[nworkers++] = t;
  return t;
}

void host_thread_join(host_thread *t) {
  if (!t) return;
  while (t->turn(t->arg) >= 0) {
  }
  for (int i = 0; i < nworkers; i++)
    if (workers[i] == t) {
      workers[i] = workers[--nworkers];
      break;
    }
  free(t);
}

int host_threads(void) { return 0; }

void host_workers_run(double budget_s) {
  double end = now_s() + budget_s;
  int busy = 1;
  while (busy && nworkers > 0) {
    busy = 0;
    for (int i = 0; i < nworkers; i++)
      if (workers[i]->turn(workers[i]->arg) > 0) busy = 1;
    if (now_s() >= end) break;
  }
}
