/* rnnlab files: regular-file reads and atomic writes (see fileio.h). */
#define _GNU_SOURCE /* flock, fopencookie */
#include "fileio.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *reason(int e, char *buf, size_t n) {
  snprintf(buf, n, "%s", strerror(e));
  return buf;
}

static const char *kind_of(mode_t m) {
  if (S_ISDIR(m)) return "a folder";
  if (S_ISFIFO(m)) return "a FIFO (named pipe)";
  if (S_ISCHR(m) || S_ISBLK(m)) return "a device";
  if (S_ISSOCK(m)) return "a socket";
  return "not a regular file";
}

FILE *rl_open_regular(const char *path, rl_error *err) {
  char eb[128];
  if (!path || !*path) {
    rl_fail(err, "no file name given");
    return NULL;
  }
  /* O_NONBLOCK: opening a FIFO with no writer would otherwise wait forever */
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    rl_fail(err, "%s: cannot open: %s", path, reason(errno, eb, sizeof eb));
    return NULL;
  }
  struct stat st;
  if (fstat(fd, &st) != 0) {
    rl_fail(err, "%s: cannot open: %s", path, reason(errno, eb, sizeof eb));
    close(fd);
    return NULL;
  }
  if (!S_ISREG(st.st_mode)) {
    rl_fail(err, "%s: cannot open: it is %s, not a regular file", path, kind_of(st.st_mode));
    close(fd);
    return NULL;
  }
  int fl = fcntl(fd, F_GETFL);
  FILE *f = fl == -1 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) == -1 ? NULL : fdopen(fd, "rb");
  if (!f) {
    rl_fail(err, "%s: cannot open: %s", path, reason(errno, eb, sizeof eb));
    close(fd);
  }
  return f;
}

/* ---- writing ------------------------------------------------------------------------------- */

/* The folder of path ("." for a bare name) and its last component; NULL if out of memory. */
static char *split_path(const char *path, const char **base) {
  char *dir = rl_strdup(path);
  if (!dir) return NULL;
  char *slash = strrchr(dir, '/');
  if (!slash) {
    *base = path;
    dir[0] = '.', dir[1] = '\0';
  } else {
    *base = path + (slash - dir) + 1;
    if (slash == dir) slash[1] = '\0'; /* "/name": the folder is "/" */
    else *slash = '\0';
  }
  return dir;
}

/* Removes NAME.rnnlab-tmp.XXXXXX files in dir that no process holds a lock on: their writer was
 * killed or crashed before renaming them. A live writer holds its flock until it renames, so it
 * is never touched. */
static void remove_stale(const char *dir, const char *base) {
  size_t blen = strlen(base), ilen = strlen(RL_TMP_INFIX), dlen = strlen(dir);
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *de;
  while ((de = readdir(d)) != NULL) {
    const char *n = de->d_name;
    if (strlen(n) != blen + ilen + 6 || memcmp(n, base, blen) != 0 || memcmp(n + blen, RL_TMP_INFIX, ilen) != 0)
      continue;
    char *p = malloc(dlen + strlen(n) + 2);
    if (!p) break;
    sprintf(p, "%s/%s", dir, n);
    int fd = open(p, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    struct stat a, b;
    if (fd >= 0 && fstat(fd, &a) == 0 && S_ISREG(a.st_mode) && flock(fd, LOCK_EX | LOCK_NB) == 0 &&
        lstat(p, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev)
      unlink(p);
    if (fd >= 0) close(fd);
    free(p);
  }
  closedir(d);
}

static void wfile_clear(rl_wfile *w) {
  free(w->path);
  free(w->tmp);
  memset(w, 0, sizeof *w);
  w->fd = -1;
}

void rl_wfile_abort(rl_wfile *w) {
  if (!w) return;
  if (w->fd >= 0) close(w->fd);
  if (w->tmp) unlink(w->tmp);
  wfile_clear(w);
}

/* Reports errno e for w's file, closes w (removing its temporary) and returns -1. */
static int wfile_fail(rl_wfile *w, int e, const char *what, rl_error *err) {
  char eb[128];
  if (!e) e = EIO;
  rl_fail(err, "%s: %s: %s", w->path ? w->path : "?", what, reason(e, eb, sizeof eb));
  rl_wfile_abort(w);
  w->error = e;
  return -1;
}

static void sync_folder(const char *path) {
  const char *base;
  char *dir = split_path(path, &base);
  if (!dir) return;
  int dfd = open(dir, O_RDONLY | O_CLOEXEC);
  if (dfd >= 0) {
    (void)fsync(dfd); /* best effort: some file systems refuse to sync a folder */
    close(dfd);
  }
  free(dir);
}

int rl_wfile_begin(rl_wfile *w, const char *path, rl_error *err) {
  char eb[128];
  memset(w, 0, sizeof *w);
  w->fd = -1;
  if (!path || !*path) return rl_fail(err, "no file name given");
  size_t plen = strlen(path);
  if (path[plen - 1] == '/') return rl_fail(err, "%s: is a folder name, not a file name", path);
  struct stat st;
  if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
    return rl_fail(err, "%s: cannot write: it is %s, not a regular file", path, kind_of(st.st_mode));
  mode_t mode = stat(path, &st) == 0 ? (st.st_mode & 0777) : 0644; /* a document, like the file it replaces */
  const char *base;
  char *dir = split_path(path, &base);
  w->path = rl_strdup(path);
  w->tmp = malloc(plen + strlen(RL_TMP_INFIX) + 7);
  if (!dir || !w->path || !w->tmp) {
    free(dir);
    wfile_clear(w);
    return rl_fail(err, "%s: out of memory", path);
  }
  remove_stale(dir, base);
  free(dir);
  for (int attempt = 0; attempt < 10; attempt++) {
    sprintf(w->tmp, "%s%sXXXXXX", path, RL_TMP_INFIX);
    int fd = mkstemp(w->tmp);
    if (fd < 0) {
      int e = errno;
      rl_fail(err, "%s: cannot create a file in that folder: %s", path, reason(e, eb, sizeof eb));
      wfile_clear(w);
      return -1;
    }
    /* hold the lock, then make sure no cleaner removed the file before we got it */
    struct stat a, b;
    int held = flock(fd, LOCK_EX) == 0 && fstat(fd, &a) == 0 && lstat(w->tmp, &b) == 0 && a.st_ino == b.st_ino &&
               a.st_dev == b.st_dev;
    if (!held) {
      close(fd);
      continue;
    }
    (void)fcntl(fd, F_SETFD, FD_CLOEXEC);
    if (fchmod(fd, mode) != 0) {
      w->fd = fd;
      return wfile_fail(w, errno, "cannot set the permissions of a new file", err);
    }
    w->fd = fd;
    return 0;
  }
  rl_fail(err, "%s: cannot create a temporary file in that folder", path);
  wfile_clear(w);
  return -1;
}

int rl_wfile_write(rl_wfile *w, const void *data, size_t n, rl_error *err) {
  if (w->fd < 0) return rl_fail(err, "%s: the file is not open for writing", w->path ? w->path : "?");
  const char *p = data;
  size_t done = 0;
  while (done < n) {
    ssize_t k = write(w->fd, p + done, n - done);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) {
      int e = k < 0 ? errno : ENOSPC; /* write() returning 0 for a regular file: nothing fits */
      if (w->published) {
        /* NAME itself: cut the partial write off and close it, keeping what was there before */
        (void)ftruncate(w->fd, (off_t)w->size);
        close(w->fd);
        w->fd = -1;
        free(w->tmp);
        w->tmp = NULL;
      }
      return wfile_fail(w, e, "cannot write", err);
    }
    done += (size_t)k;
  }
  w->size += (long long)n;
  return 0;
}

int rl_wfile_printf(rl_wfile *w, rl_error *err, const char *fmt, ...) {
  char small[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (n < 0) return wfile_fail(w, EINVAL, "cannot format", err);
  if ((size_t)n < sizeof small) return rl_wfile_write(w, small, (size_t)n, err);
  char *big = malloc((size_t)n + 1);
  if (!big) return wfile_fail(w, ENOMEM, "cannot format", err);
  va_start(ap, fmt);
  vsnprintf(big, (size_t)n + 1, fmt, ap);
  va_end(ap);
  int rc = rl_wfile_write(w, big, (size_t)n, err);
  free(big);
  return rc;
}

int rl_wfile_sync(rl_wfile *w, rl_error *err) {
  if (w->fd < 0) return rl_fail(err, "%s: the file is not open for writing", w->path ? w->path : "?");
  if (fsync(w->fd) != 0) return wfile_fail(w, errno, "cannot write (fsync)", err);
  return 0;
}

int rl_wfile_publish(rl_wfile *w, rl_error *err) {
  if (w->published) return rl_wfile_sync(w, err);
  if (rl_wfile_sync(w, err) != 0) return -1;
  if (rename(w->tmp, w->path) != 0) return wfile_fail(w, errno, "cannot replace the file", err);
  free(w->tmp);
  w->tmp = NULL;
  w->published = 1;
  sync_folder(w->path);
  return 0;
}

int rl_wfile_commit(rl_wfile *w, rl_error *err) {
  if (rl_wfile_sync(w, err) != 0) return -1;
  int fd = w->fd;
  w->fd = -1;
  if (close(fd) != 0) return wfile_fail(w, errno, "cannot write (close)", err);
  if (!w->published) {
    if (rename(w->tmp, w->path) != 0) return wfile_fail(w, errno, "cannot replace the file", err);
    free(w->tmp);
    w->tmp = NULL;
    sync_folder(w->path);
  }
  wfile_clear(w);
  return 0;
}

int rl_write_file(const char *path, const void *data, size_t n, rl_error *err) {
  rl_wfile w;
  if (rl_wfile_begin(&w, path, err) != 0 || rl_wfile_write(&w, data, n, err) != 0) return -1;
  return rl_wfile_commit(&w, err);
}

/* ---- a FILE* on an rl_wfile ---------------------------------------------------------------- */

static ssize_t cookie_write(void *c, const char *buf, size_t n) {
  rl_wfile *w = c;
  rl_error e;
  if (w->fd < 0 || rl_wfile_write(w, buf, n, &e) != 0) {
    errno = w->error ? w->error : EIO;
    return -1;
  }
  return (ssize_t)n;
}

static int cookie_close(void *c) {
  rl_wfile *w = c;
  rl_error e;
  int rc = w->fd < 0 ? -1 : rl_wfile_commit(w, &e), en = w->error ? w->error : EIO;
  free(w);
  if (rc) errno = en;
  return rc ? -1 : 0;
}

FILE *rl_fopen_atomic(const char *path, rl_error *err) {
  rl_wfile *w = malloc(sizeof *w);
  if (!w) {
    rl_fail(err, "%s: out of memory", path ? path : "?");
    return NULL;
  }
  if (rl_wfile_begin(w, path, err) != 0) {
    free(w);
    return NULL;
  }
  cookie_io_functions_t io = {NULL, cookie_write, NULL, cookie_close};
  FILE *f = fopencookie(w, "w", io);
  if (!f) {
    rl_fail(err, "%s: out of memory", path);
    rl_wfile_abort(w);
    free(w);
  }
  return f;
}
