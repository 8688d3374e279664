/* Where the program's own files live on this host: the lesson files and the assets it loads
 * (colour maps; fonts come from the system through fontconfig). On the desktop a folder is
 * looked for in this order, and the first that exists is used:
 *   1. an explicit choice: --lessons DIR (lessons only), else $RNNLAB_DATA/lessons or
 *      $RNNLAB_DATA/assets when RNNLAB_DATA is set -- an explicit choice is never passed over;
 *   2. next to the executable: <dir of /proc/self/exe>/../share/rnnlab/{lessons,assets}, which is
 *      where `cmake --install` and the .deb put them (so an installed copy is relocatable);
 *   3. the source tree the program was built from (compiled in), for a developer build; skipped
 *      when RNNLAB_NO_SOURCE_DATA=1 (the install tests use it to make the source tree unreachable).
 * When nothing is found the error lists every place looked and why each was passed over.
 * A browser build points at its packaged files instead. */
#ifndef RNNLAB_HOST_FILES_H
#define RNNLAB_HOST_FILES_H
#include "rl_base.h"
#include <stddef.h>

typedef enum { HOST_LESSONS = 0, HOST_ASSETS = 1 } host_data;

/* Finds the folder of `what`; given is --lessons DIR or NULL (ignored for assets). On success
 * writes the folder to out (n bytes), points *how (if not NULL) at the rule that found it ("--lessons",
 * "RNNLAB_DATA", "next to the executable", "the source tree") and returns 0; -1 with err listing
 * every place looked. */
int host_data_dir(host_data what, const char *given, char *out, size_t n, const char **how, rl_error *err);
/* "lessons" or "assets". */
const char *host_data_name(host_data what);

/* A file the program just wrote for the user (an export): the browser downloads it; the desktop
 * leaves it where it is. */
void host_offer_file(const char *path);

#endif
