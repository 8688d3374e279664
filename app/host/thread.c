/* Workers on the desktop: POSIX threads (thread.h). */
#define _GNU_SOURCE /* syscall(SYS_gettid): lower the workers' priority, not the process's */
#include "thread.h"
#include <pthread.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

struct host_thread {
  pthread_t th;
  void *(*loop)(void *);
  void *arg;
};

static void *run(void *arg) {
  host_thread *t = arg;
  /* Work yields to drawing: the window stays responsive while both cores train. Best effort. */
  (void)setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 8);
  return t->loop(t->arg);
}

host_thread *host_worker_start(void *(*loop)(void *), int (*turn)(void *), void *arg) {
  (void)turn;
  host_thread *t = malloc(sizeof *t);
  if (!t) return NULL;
  t->loop = loop;
  t->arg = arg;
  if (pthread_create(&t->th, NULL, run, t)) {
    free(t);
    return NULL;
  }
  return t;
}

void host_thread_join(host_thread *t) {
  if (!t) return;
  pthread_join(t->th, NULL);
  free(t);
}

int host_threads(void) { return 1; }

void host_workers_run(double budget_s) { (void)budget_s; }
