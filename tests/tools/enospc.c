/* A full disk for tests, as an LD_PRELOAD shim (tests/cli_fulldisk.sh):
 *
 *   LD_PRELOAD=libenospc.so RNNLAB_FULL_DIR=/some/folder [RNNLAB_FULL_AFTER=N] rnnlab ...
 *
 * write(2) to a regular file inside RNNLAB_FULL_DIR fails with ENOSPC once N bytes (default 0) have
 * been written to such files by this process; the write that crosses N is cut short, as on a disk
 * that fills up mid-file. Other files, pipes and terminals are untouched. Only calls through
 * write() are seen (not glibc's stdio internals); rnnlab writes every output with write()
 * (engine/fileio.c), and a real tmpfs covers the rest where mounting is allowed. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

static long long written;

static int in_full_dir(int fd) {
  const char *dir = getenv("RNNLAB_FULL_DIR");
  struct stat st;
  if (!dir || !*dir || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return 0;
  char link[64], path[4096];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(link, path, sizeof path - 1);
  if (n <= 0) return 0;
  path[n] = 0;
  char real[4096];
  if (!realpath(dir, real)) return 0;
  size_t k = strlen(real);
  return strncmp(path, real, k) == 0 && path[k] == '/';
}

ssize_t write(int fd, const void *buf, size_t count) {
  static ssize_t (*real_write)(int, const void *, size_t);
  if (!real_write) real_write = (ssize_t(*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
  if (count > 0 && in_full_dir(fd)) {
    const char *after = getenv("RNNLAB_FULL_AFTER");
    long long limit = after ? atoll(after) : 0;
    if (written >= limit) {
      errno = ENOSPC;
      return -1;
    }
    if ((long long)count > limit - written) count = (size_t)(limit - written);
    ssize_t k = real_write(fd, buf, count);
    if (k > 0) written += k;
    return k;
  }
  return real_write(fd, buf, count);
}
