/* Where the program's own files live on this host: the assets it loads (colour maps) and the
 * lesson files. On the desktop: the source tree's folders (compiled in), unless the user names
 * others; a browser build points at its packaged files instead. */
#ifndef RNNLAB_HOST_FILES_H
#define RNNLAB_HOST_FILES_H

/* The assets folder (holds colormaps/). */
const char *host_assets_dir(void);
/* The lessons folder: given (--lessons) if not NULL, else $RNNLAB_LESSONS, else ./lessons if it
 * exists, else the source tree's. */
const char *host_lessons_dir(const char *given);

#endif
