/* engine/fileio: atomic writes (exact bytes, no temporary left, the old file kept when a write is
 * abandoned), stale temporaries of killed writers removed while a live writer's is kept, a
 * published log appended in place, and reading that refuses FIFOs, folders and devices at once
 * instead of blocking. The full-disk behaviour of every command is tests/cli_fulldisk.sh. */
#define _DEFAULT_SOURCE /* flock */
#define _POSIX_C_SOURCE 200809L
#include "fileio.h"
#include "testutil.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[512];

static const char *in_dir(const char *name) {
  static char buf[16][1024];
  static int k;
  k = (k + 1) % 16;
  snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
  return buf[k];
}

/* The whole content of a file (malloc'd, NUL-terminated), or NULL. */
static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  char *b = malloc(1 << 16);
  size_t n = fread(b, 1, (1 << 16) - 1, f);
  fclose(f);
  b[n] = 0;
  if (len) *len = n;
  return b;
}

static int same_content(const char *path, const char *want) {
  char *got = slurp(path, NULL);
  int ok = got && strcmp(got, want) == 0;
  free(got);
  return ok;
}

static int temporaries(void) {
  int n = 0;
  DIR *d = opendir(dir);
  struct dirent *de;
  while (d && (de = readdir(d)) != NULL) n += strstr(de->d_name, RL_TMP_INFIX) != NULL;
  if (d) closedir(d);
  return n;
}

static void touch(const char *path, const char *content) {
  FILE *f = fopen(path, "wb");
  fputs(content, f);
  fclose(f);
}

static void test_write(void) {
  rl_error err = {{0}};
  const char *p = in_dir("a.txt");
  CHECK(rl_write_file(p, "first", 5, &err) == 0);
  CHECK(same_content(p, "first"));
  struct stat st;
  CHECK(stat(p, &st) == 0 && (st.st_mode & 0777) == 0644);
  CHECK(chmod(p, 0600) == 0);
  CHECK(rl_write_file(p, "second", 6, &err) == 0);
  CHECK(same_content(p, "second"));
  CHECK(stat(p, &st) == 0 && (st.st_mode & 0777) == 0600); /* the replaced file's permissions */
  CHECK(temporaries() == 0);

  /* abandoned half way: the old bytes stay, no temporary is left */
  rl_wfile w;
  CHECK(rl_wfile_begin(&w, p, &err) == 0);
  CHECK(rl_wfile_write(&w, "par", 3, &err) == 0);
  CHECK(temporaries() == 1);
  rl_wfile_abort(&w);
  CHECK(same_content(p, "second"));
  CHECK(temporaries() == 0);

  /* errors name the file and the reason */
  CHECK(rl_write_file(in_dir("no-such-folder/x.txt"), "x", 1, &err) == -1);
  CHECKF(strstr(err.msg, "no-such-folder/x.txt") && strstr(err.msg, "No such file"), "%s", err.msg);
  CHECK(rl_write_file(dir, "x", 1, &err) == -1);
  CHECKF(strstr(err.msg, dir) && strstr(err.msg, "folder"), "%s", err.msg);
  CHECK(rl_write_file(in_dir("a.txt/"), "x", 1, &err) == -1);
  CHECKF(strstr(err.msg, "folder name"), "%s", err.msg);

  /* fprintf-style writers */
  FILE *f = rl_fopen_atomic(in_dir("t.csv"), &err);
  CHECK(f != NULL);
  fprintf(f, "x,y\n%d,%d\n", 1, 2);
  CHECK(same_content(in_dir("t.csv"), "") || access(in_dir("t.csv"), F_OK) != 0); /* not there before fclose */
  CHECK(temporaries() == 1);
  CHECK(fclose(f) == 0);
  CHECK(same_content(in_dir("t.csv"), "x,y\n1,2\n"));
  CHECK(temporaries() == 0);
  CHECK(rl_fopen_atomic(in_dir("no-such-folder/t.csv"), &err) == NULL);
  CHECKF(strstr(err.msg, "no-such-folder/t.csv"), "%s", err.msg);
}

/* A killed writer's temporary is removed by the next write of the same file; one that a live
 * writer holds (its flock), other files' temporaries and look-alikes are kept. */
static void test_stale(void) {
  rl_error err = {{0}};
  const char *stale = in_dir("m.bin" RL_TMP_INFIX "Ab12Cd"), *live = in_dir("m.bin" RL_TMP_INFIX "Zz99Yy");
  const char *other = in_dir("n.bin" RL_TMP_INFIX "Ab12Cd"), *alike = in_dir("m.bin.tmp.Ab12Cd");
  touch(stale, "stale");
  touch(live, "live");
  touch(other, "other");
  touch(alike, "alike");
  int fd = open(live, O_RDONLY);
  CHECK(fd >= 0 && flock(fd, LOCK_EX) == 0);
  CHECK(rl_write_file(in_dir("m.bin"), "model", 5, &err) == 0);
  CHECK(access(stale, F_OK) != 0);
  CHECK(access(live, F_OK) == 0);
  CHECK(access(other, F_OK) == 0 && access(alike, F_OK) == 0);
  close(fd); /* the live writer "dies": its temporary is now stale */
  CHECK(rl_write_file(in_dir("m.bin"), "model2", 6, &err) == 0);
  CHECK(access(live, F_OK) != 0);
  CHECK(access(other, F_OK) == 0);
  unlink(other);
  unlink(alike);
  CHECK(temporaries() == 0);
}

/* A log: published after its header, then appended to in place. */
static void test_publish(void) {
  rl_error err = {{0}};
  const char *p = in_dir("log.csv");
  touch(p, "old log\n");
  rl_wfile w;
  CHECK(rl_wfile_begin(&w, p, &err) == 0);
  CHECK(rl_wfile_printf(&w, &err, "step,loss\n") == 0);
  CHECK(same_content(p, "old log\n")); /* not yet published */
  CHECK(rl_wfile_publish(&w, &err) == 0);
  CHECK(same_content(p, "step,loss\n"));
  CHECK(temporaries() == 0);
  CHECK(rl_wfile_printf(&w, &err, "%d,%.1f\n", 1, 0.5) == 0);
  CHECK(same_content(p, "step,loss\n1,0.5\n")); /* on disk as soon as written */
  char big[2000];
  memset(big, 'x', sizeof big - 1);
  big[sizeof big - 1] = 0;
  CHECK(rl_wfile_printf(&w, &err, "%s", big) == 0); /* longer than the formatting buffer */
  CHECK(w.size == 16 + 1999);
  CHECK(rl_wfile_commit(&w, &err) == 0);
  CHECK(w.fd == -1 && w.path == NULL);
  size_t len;
  free(slurp(p, &len));
  CHECK(len == 16 + 1999);
  CHECK(rl_wfile_write(&w, "x", 1, &err) == -1); /* closed */
}

static void test_read(void) {
  rl_error err = {{0}};
  const char *fifo = in_dir("pipe");
  CHECK(mkfifo(fifo, 0600) == 0);
  /* would block forever in fopen() without O_NONBLOCK (ctest's timeout would catch it) */
  FILE *f = rl_open_regular(fifo, &err);
  CHECK(f == NULL);
  CHECKF(strstr(err.msg, fifo) && strstr(err.msg, "FIFO"), "%s", err.msg);
  CHECK(rl_open_regular(dir, &err) == NULL);
  CHECKF(strstr(err.msg, "folder"), "%s", err.msg);
  CHECK(rl_open_regular("/dev/null", &err) == NULL);
  CHECKF(strstr(err.msg, "device"), "%s", err.msg);
  CHECK(rl_open_regular(in_dir("missing"), &err) == NULL);
  CHECKF(strstr(err.msg, "cannot open") && strstr(err.msg, "missing"), "%s", err.msg);
  /* writing over a FIFO is refused too (rename would replace it) */
  CHECK(rl_write_file(fifo, "x", 1, &err) == -1);
  CHECKF(strstr(err.msg, "FIFO"), "%s", err.msg);
  unlink(fifo);
  touch(in_dir("r.txt"), "hello");
  f = rl_open_regular(in_dir("r.txt"), &err);
  char buf[8] = {0};
  CHECK(f && fread(buf, 1, 7, f) == 5 && strcmp(buf, "hello") == 0);
  if (f) fclose(f);
}

int main(void) {
  snprintf(dir, sizeof dir, "%s", test_tmpdir());
  test_write();
  test_stale();
  test_publish();
  test_read();
  return test_summary("test_fileio");
}
