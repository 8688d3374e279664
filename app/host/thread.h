/* Worker threads, as the host provides them: POSIX threads on the desktop (thread.c). The
 * explorer's trainer starts its workers here, so a browser build decides how they run (Web
 * Workers with pthreads, or stepped from the frame loop). Locks and condition variables are
 * POSIX's, which both provide. */
#ifndef RNNLAB_HOST_THREAD_H
#define RNNLAB_HOST_THREAD_H

typedef struct host_thread host_thread;

/* Runs fn(arg) on a new thread. NULL if it cannot be started. */
host_thread *host_thread_start(void *(*fn)(void *), void *arg);
/* Waits for the thread to finish and frees it. NULL is fine. */
void host_thread_join(host_thread *t);

#endif
