#!/usr/bin/env python3
"""The browser build (build-web/) in Debian's Chromium, headless, driven through the DevTools protocol.

Serves the folder with python3 -m http.server on a free port, loads rnnlab.html at a fixed frame rate,
waits until the models train, presses Space, N, R and F12, takes screenshots, and checks:
  - the canvas shows the view: not blank (many distinct colours) and the title read back by OCR;
  - Space pauses and resumes (the picture stops changing while paused), N and R change the picture;
  - F12 downloads a valid PNG (signature, IHDR size = the view's size) through the browser;
  - lesson 1 opens in the presenter (?lesson=1) and shows its narration;
  - the console shows no error and no uncaught exception.
Exits 1 on any failed check. Usage: browser_test.py BUILD_WEB_DIR OUT_DIR [--measure SECONDS]
--measure also reports frames/s and training steps/s of the default view (rnnlab --bench-fps).
"""
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request

import websocket  # Debian: python3-websocket

W, H = 1920, 1080
BAR = 28  # the page's bar above the canvas (app/host/shell.html)
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        failures.append(what)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def http_ok(url):
    try:
        return urllib.request.urlopen(url, timeout=5).status == 200
    except OSError:
        return False


def wait_for(fn, timeout, what):
    end = time.time() + timeout
    while time.time() < end:
        v = fn()
        if v:
            return v
        time.sleep(0.2)
    raise TimeoutError("timed out after %g s waiting for %s" % (timeout, what))


class Page:
    """One Chromium tab over the DevTools websocket; collects console errors and messages."""

    def __init__(self, ws_url):
        self.ws = websocket.create_connection(ws_url, timeout=60, suppress_origin=True)
        self.next_id = 0
        self.errors, self.console = [], []
        self.downloads = {}
        for m in ("Runtime.enable", "Log.enable", "Page.enable"):
            self.call(m)

    def _event(self, msg):
        method, p = msg.get("method"), msg.get("params", {})
        if method == "Runtime.consoleAPICalled":
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", []))
            self.console.append(text)
            if p.get("type") in ("error", "assert"):
                self.errors.append("console.error: " + text)
        elif method == "Runtime.exceptionThrown":
            d = p.get("exceptionDetails", {})
            self.errors.append("exception: %s %s" % (d.get("text", ""), d.get("exception", {}).get("description", "")))
        elif method == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
            e = p["entry"]
            self.errors.append("log error: %s %s" % (e.get("text", ""), e.get("url", "")))
        elif method == "Browser.downloadProgress":
            self.downloads[p.get("guid")] = p.get("state")

    def call(self, method, **params):
        self.next_id += 1
        mid = self.next_id
        self.ws.send(json.dumps({"id": mid, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == mid:
                if "error" in msg:
                    raise RuntimeError("%s: %s" % (method, msg["error"]))
                return msg.get("result", {})
            self._event(msg)

    def pump(self, seconds):
        """Receives events for a while (console lines, downloads)."""
        end = time.time() + seconds
        while time.time() < end:
            self.ws.settimeout(max(0.05, end - time.time()))
            try:
                self._event(json.loads(self.ws.recv()))
            except websocket.WebSocketTimeoutException:
                pass
        self.ws.settimeout(60)

    def eval(self, expr):
        r = self.call("Runtime.evaluate", expression=expr, returnByValue=True)
        return r.get("result", {}).get("value")

    def key(self, key, code, keycode):
        for t in ("rawKeyDown", "keyUp"):
            self.call("Input.dispatchKeyEvent", type=t, key=key, code=code, windowsVirtualKeyCode=keycode,
                      nativeVirtualKeyCode=keycode)
        self.pump(0.5)

    def screenshot(self, path):
        import base64
        r = self.call("Page.captureScreenshot", format="png")
        with open(path, "wb") as f:
            f.write(base64.b64decode(r["data"]))
        return path

    def load(self, url, timeout=120):
        self.call("Page.navigate", url=url)
        wait_for(lambda: self.eval("typeof Module !== 'undefined' && Module.ready === true"), timeout, "the page to load")


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(33)
    if len(head) < 33 or head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", head[16:24])


def colours(path):
    out = subprocess.run(["convert", path, "-format", "%k", "info:"], capture_output=True, text=True)
    return int(out.stdout.strip() or 0)


def diff(a, b):
    """Fraction of pixels that differ between two screenshots."""
    r = subprocess.run(["compare", "-metric", "AE", "-fuzz", "2%", a, b, "null:"], capture_output=True, text=True)
    try:
        return float(r.stderr.split()[0]) / (W * (H + BAR))
    except (ValueError, IndexError):
        return 1.0


def ocr(path, crop=None):
    src = path
    if crop:
        src = path[:-4] + "-crop.png"
        subprocess.run(["convert", path, "-crop", crop, "+repage", src], check=True)
    r = subprocess.run(["tesseract", src, "-", "--psm", "6"], capture_output=True, text=True)
    return r.stdout


def start_browser(tmp):
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if not exe:
        raise SystemExit("browser_test: chromium is not installed (apt-get install chromium)")
    profile = os.path.join(tmp, "profile")
    args = [exe, "--headless=new", "--no-sandbox", "--no-first-run", "--no-default-browser-check",
            "--disable-dev-shm-usage", "--enable-unsafe-swiftshader", "--hide-scrollbars", "--mute-audio",
            "--window-size=%d,%d" % (W, H), "--remote-debugging-port=0", "--user-data-dir=" + profile,
            "about:blank"]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=open(os.path.join(tmp, "chromium.log"), "w"))
    port_file = os.path.join(profile, "DevToolsActivePort")
    wait_for(lambda: os.path.exists(port_file) and open(port_file).read().strip(), 60, "chromium to start")
    port = int(open(port_file).read().split()[0])
    targets = json.load(urllib.request.urlopen("http://127.0.0.1:%d/json" % port))
    page = next(t for t in targets if t["type"] == "page")
    return proc, page["webSocketDebuggerUrl"], port


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    web, out = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    measure = float(sys.argv[sys.argv.index("--measure") + 1]) if "--measure" in sys.argv else 0
    for f in ("rnnlab.html", "rnnlab.js", "rnnlab.wasm", "rnnlab.data"):
        if not os.path.exists(os.path.join(web, f)):
            raise SystemExit("browser_test: %s/%s is missing: run tools/build-web.sh first" % (web, f))
    os.makedirs(out, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="rnnlab-web-")
    dl = os.path.join(tmp, "downloads")
    os.makedirs(dl)
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "http.server", "--bind", "127.0.0.1", str(port), "-d", web],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    browser = None
    try:
        base = "http://127.0.0.1:%d/rnnlab.html" % port
        wait_for(lambda: http_ok(base), 30, "the web server")
        browser, ws_url, _ = start_browser(tmp)
        p = Page(ws_url)
        p.call("Browser.setDownloadBehavior", behavior="allow", downloadPath=dl, eventsEnabled=True)
        # a 1920x1080 canvas below the page's bar
        p.call("Emulation.setDeviceMetricsOverride", width=W, height=H + BAR, deviceScaleFactor=1, mobile=False)
        if measure:
            run_measure(p, base, measure, out)
        else:
            run_checks(p, base, out, dl)
        for e in p.errors:
            print("  " + e)
        check(not p.errors, "no errors in the browser console (%d)" % len(p.errors))
    finally:
        if browser:
            browser.terminate()
            browser.wait(10)
        server.terminate()
        server.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)
    if failures:
        print("browser_test: %d check(s) failed: %s" % (len(failures), "; ".join(failures)))
        return 1
    print("browser_test: all checks passed")
    return 0


def run_checks(p, base, out, dl):
    t0 = time.time()
    p.load(base + "?fps=30")
    print("page ready in %.1f s" % (time.time() - t0))
    p.pump(6)  # the models train for a while
    a = p.screenshot(os.path.join(out, "web-default.png"))
    n = colours(a)
    check(n > 200, "the default view is drawn (%d colours)" % n)
    text = ocr(a)
    check("Why does the RNN forget" in text or "RNN" in text and "LSTM" in text,
          "the view's title and the models' names read back by OCR")
    p.pump(1.5)
    b = p.screenshot(os.path.join(out, "web-training.png"))
    check(diff(a, b) > 0.001, "training changes the picture (%.3f%% of pixels)" % (100 * diff(a, b)))
    p.key(" ", "Space", 32)  # pause
    p.pump(1.0)
    c = p.screenshot(os.path.join(out, "web-paused-1.png"))
    p.pump(1.5)
    d = p.screenshot(os.path.join(out, "web-paused-2.png"))
    check(diff(c, d) < 0.0005, "Space pauses training (%.4f%% of pixels change)" % (100 * diff(c, d)))
    p.key("n", "KeyN", 78)  # a new example
    p.pump(1.0)
    e = p.screenshot(os.path.join(out, "web-new-example.png"))
    check(diff(d, e) > 0.001, "N shows another example (%.3f%% of pixels change)" % (100 * diff(d, e)))
    p.key("r", "KeyR", 82)  # reset
    p.pump(1.0)
    f = p.screenshot(os.path.join(out, "web-reset.png"))
    check(diff(e, f) > 0.001, "R resets the models (%.3f%% of pixels change)" % (100 * diff(e, f)))
    p.key(" ", "Space", 32)  # train again
    p.pump(2.0)
    p.key("F12", "F12", 123)  # export the view: a download
    try:
        name = wait_for(lambda: [x for x in os.listdir(dl) if x.endswith(".png")], 20, "the F12 download")[0]
        shutil.copy(os.path.join(dl, name), os.path.join(out, "web-export.png"))
        size = png_size(os.path.join(out, "web-export.png"))
        vw, vh = p.eval("[Module.canvas.width, Module.canvas.height]")
        check(size is not None and size == (vw, vh), "F12 downloads %s: a PNG of %s, the canvas is %dx%d" % (name, size, vw, vh))
        check(colours(os.path.join(out, "web-export.png")) > 200, "the exported PNG shows the view")
    except TimeoutError as ex:
        check(False, str(ex))
    # a lesson in the presenter
    p.load(base + "?fps=30&lesson=1")
    p.pump(4)
    g = p.screenshot(os.path.join(out, "web-lesson1.png"))
    text = ocr(g)
    check(colours(g) > 100 and len(re.findall(r"[A-Za-z]{4,}", text)) > 10,
          "lesson 1 shows its narration (%d words read)" % len(re.findall(r"[A-Za-z]{4,}", text)))
    # the page links every lesson the data file holds (the links are made from the lesson files' count)
    here = os.path.dirname(os.path.abspath(__file__))
    want = len([f for f in os.listdir(os.path.join(here, "..", "..", "lessons")) if f.endswith(".lesson")])
    links = p.eval("document.querySelectorAll('#lessons a').length")
    check(links == want, "the page links all %d lessons (%s links)" % (want, links))


def run_measure(p, base, seconds, out):
    p.load(base + "?fps=0&args=--bench-fps%%20%d" % int(seconds + 5) + os.environ.get("RNNLAB_WEB_QUERY", ""))
    p.pump(seconds)
    lines = [l for l in p.console if l.startswith("frames/s")]
    print("\n".join(lines))
    vals = [(float(m.group(1)), int(m.group(2))) for m in (re.match(r"frames/s ([\d.]+)\s+steps (\d+)", l) for l in lines) if m]
    if len(vals) >= 4:
        body = vals[2:]  # after the start
        fps = sum(v[0] for v in body) / len(body)
        sps = (body[-1][1] - vals[1][1]) / (len(body))
        print("measure: %.1f frames/s, %.0f training steps/s over all models, %d steps in %d s"
              % (fps, sps, vals[-1][1], len(vals)))
    p.screenshot(os.path.join(out, "web-measure.png"))


if __name__ == "__main__":
    sys.exit(main())
