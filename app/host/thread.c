/* Worker threads on the desktop: POSIX threads (thread.h). */
#include "thread.h"
#include <pthread.h>
#include <stdlib.h>

struct host_thread {
  pthread_t th;
};

host_thread *host_thread_start(void *(*fn)(void *), void *arg) {
  host_thread *t = malloc(sizeof *t);
  if (!t) return NULL;
  if (pthread_create(&t->th, NULL, fn, arg)) {
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
