/* Workers, as the host runs them. On the desktop (thread.c) each worker is a POSIX thread of its
 * own, at a lower priority so drawing stays smooth. In the browser (thread_web.c) there are no
 * threads: the host calls the workers' turns from its frame loop within a time budget per frame,
 * so a page needs no SharedArrayBuffer and no special server headers. A worker is therefore
 * written twice over the same code: a loop for a thread, and one turn of that loop.
 * Locks and condition variables are POSIX's, which both provide (single-threaded in the browser). */
#ifndef RNNLAB_HOST_THREAD_H
#define RNNLAB_HOST_THREAD_H

typedef struct host_thread host_thread;

/* Starts a worker: loop(arg) on a thread of its own, or turn(arg) called by the host again and
 * again (turn returns 1 after work, 0 when it had nothing to do, -1 when the worker is finished;
 * it must not block). NULL if it cannot be started. */
host_thread *host_worker_start(void *(*loop)(void *), int (*turn)(void *), void *arg);
/* Waits for the worker to finish (a turned worker: runs its turns until it returns -1) and frees
 * it. NULL is fine. */
void host_thread_join(host_thread *t);

/* 1 where workers have threads of their own, 0 where the host turns them. */
int host_threads(void);
/* Turns every turned worker, round robin, until they all have nothing to do or `budget_s`
 * seconds have passed. Code waiting for workers calls it when host_threads() is 0. Nothing on
 * the desktop. */
void host_workers_run(double budget_s);

#endif
