/* Where files live in the browser (files.h): the packaged data (build-web/rnnlab.data, mounted at
 * RNNLAB_WEB_DATA, "/data"), and exports handed to the browser as downloads. Model files come in
 * through the page's file picker or a drop on the canvas: the page writes them into the in-memory
 * file system and calls rnnlab_web_open (below), which the program sees as a dropped file. */
#include "files.h"
#include <SDL2/SDL.h>
#include <emscripten.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#ifndef RNNLAB_WEB_DATA
#define RNNLAB_WEB_DATA "/data"
#endif

const char *host_data_name(host_data what) { return what == HOST_LESSONS ? "lessons" : "assets"; }

/* One place: the packaged files (or, for lessons, a folder the page's arguments name). */
int host_data_dir(host_data what, const char *given, char *out, size_t n, const char **how, rl_error *err) {
  const char *dir = what == HOST_LESSONS && given ? given : NULL;
  char packaged[64];
  snprintf(packaged, sizeof packaged, "%s/%s", RNNLAB_WEB_DATA, host_data_name(what));
  if (!dir) dir = packaged;
  struct stat st;
  if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
    return rl_fail(err, "cannot find the %s folder; looked in: %s (%s)", host_data_name(what), dir,
                   dir == packaged ? "the page's packaged data" : "--lessons");
  }
  snprintf(out, n, "%s", dir);
  if (how) *how = dir == packaged ? "the page's packaged data" : "--lessons";
  return 0;
}

/* The file, read from the in-memory file system, as a download named after its last part. */
EM_JS(void, web_download, (const char *cpath), {
  var path = UTF8ToString(cpath);
  var data;
  try { data = FS.readFile(path); } catch (e) { console.warn('rnnlab: cannot read ' + path); return; }
  var name = path.split('/').pop();
  var types = {png: 'image/png', csv: 'text/csv', svg: 'image/svg+xml', gif: 'image/gif', pdf: 'application/pdf'};
  var type = types[name.split('.').pop().toLowerCase()] || 'application/octet-stream';
  var url = URL.createObjectURL(new Blob([data], {type: type}));
  var a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(function() { URL.revokeObjectURL(url); }, 10000);
  if (Module.onDownload) Module.onDownload(name, data.length);
});

void host_offer_file(const char *path) {
  if (path && *path) web_download(path);
}

/* Called by the page when a file was chosen or dropped and written to `path`. */
EMSCRIPTEN_KEEPALIVE void rnnlab_web_open(const char *path) {
  SDL_Event ev;
  SDL_zero(ev);
  ev.type = SDL_DROPFILE;
  ev.drop.file = SDL_strdup(path);
  if (ev.drop.file && SDL_PushEvent(&ev) != 1) SDL_free(ev.drop.file);
}
