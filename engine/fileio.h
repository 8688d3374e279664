/* rnnlab files: how the engine and the app open what they read and write what they write.
 *
 * Reading: rl_open_regular opens without blocking and refuses anything that is not a regular
 * file, so a FIFO, a device or a folder given as a model, checkpoint or text file is an error
 * that names it, never a hang inside open().
 *
 * Writing: every file rnnlab writes (models, gradients, checkpoints, PNG figures, CSV tables,
 * training logs) goes through rl_wfile, so a full disk, a kill or a crash never leaves a
 * half-written file under the real name:
 *   rl_wfile_begin    creates NAME.rnnlab-tmp.XXXXXX in NAME's folder (same file system, so the
 *                     rename below is atomic) and holds an flock on it while it is written. First it
 *                     removes the temporaries of NAME that no process holds: a kill or a crash can
 *                     strand one, and the next write of NAME cleans it up.
 *   rl_wfile_write    write(2) until every byte is written, retrying short writes.
 *   rl_wfile_commit   fsync, close, rename over NAME, fsync the folder (best effort).
 * Every return value is checked. On any error the message names NAME and the reason, the
 * temporary is removed (the rl_wfile is then closed: no abort needed) and NAME is left exactly as
 * it was. rl_write_file does all three for a buffer; rl_fopen_atomic gives a FILE* on top of an
 * rl_wfile for fprintf-style writers (CSV tables).
 *
 * A log that grows while a program runs (rnnlab train --log) calls rl_wfile_publish once its first
 * lines are written: they are synced and renamed to NAME, and later writes append to NAME itself.
 * A later write that fails is cut back (ftruncate), so NAME still ends after the last whole write.
 */
#ifndef RNNLAB_FILEIO_H
#define RNNLAB_FILEIO_H
#include "rl_base.h"
#include <stdio.h>

#define RL_TMP_INFIX ".rnnlab-tmp." /* NAME + this + 6 characters from mkstemp */

/* Opens path for reading ("rb") if it is a regular file; NULL with a message naming it otherwise. */
FILE *rl_open_regular(const char *path, rl_error *err);

typedef struct {
  int fd;          /* -1 when closed (committed, failed or aborted) */
  int error;       /* errno of the failure that closed it, 0 if none */
  int published;   /* 1 after rl_wfile_publish: writes append to NAME itself */
  long long size;  /* bytes written so far */
  char *path;      /* NAME (owned) */
  char *tmp;       /* the temporary's name until it is renamed (owned) */
} rl_wfile;

int rl_wfile_begin(rl_wfile *w, const char *path, rl_error *err);
int rl_wfile_write(rl_wfile *w, const void *data, size_t n, rl_error *err);
int rl_wfile_printf(rl_wfile *w, rl_error *err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int rl_wfile_commit(rl_wfile *w, rl_error *err);
int rl_wfile_publish(rl_wfile *w, rl_error *err);
int rl_wfile_sync(rl_wfile *w, rl_error *err); /* fsync (a published log, before a checkpoint) */
void rl_wfile_abort(rl_wfile *w);              /* removes the temporary; NAME keeps its old bytes */

/* The whole file at once: begin, write, commit. */
int rl_write_file(const char *path, const void *data, size_t n, rl_error *err);

/* A FILE* whose writes go through an rl_wfile (fopencookie: glibc, musl). fclose commits: it
 * returns 0 once the file is in place, or EOF with errno saying why, and then the previous file is
 * kept (a failed write already removed the temporary; ferror is set from then on). */
FILE *rl_fopen_atomic(const char *path, rl_error *err);

#endif
