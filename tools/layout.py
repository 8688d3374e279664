#!/usr/bin/env python3
"""The shape of the tree: which folder may use which, and how long functions are.

    python3 tools/layout.py report [LIB.a ...]   files per folder, the longest functions, call circles
    python3 tools/layout.py check LIB.a ...      exits 1 (naming file and line) when a rule is broken
    python3 tools/layout.py selftest             each rule catches a planted violation (check runs it first)
NM names the toolchain's nm (ctest passes CMake's); default nm.

Rules (README "Layout"; each folder's main header says the same in prose):
  - only app/host/ and the raster backend app/draw/gfx_sdl.* include SDL (or SDL_ttf, fontconfig),
    and only their objects reference SDL, TTF or fontconfig symbols;
  - engine/ includes nothing from app/;
  - app/draw/ knows nothing of RNNs: from engine/ it includes only rl_base.h and fileio.h;
  - app/ folders include only along the arrows in ARROWS (a folder's tests/ count as the folder);
  - no call circles between object files: the graph "a.o calls a function defined in b.o" (nm on
    the static libraries) has no cycle;
  - no function in app/ (outside tests) is longer than LONG lines unless the comment just above it
    says why it stays in one piece (the word "unsplit" in that comment).
Standard library only: runs wherever the build does.
"""
import collections
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NM = os.environ.get("NM") or "nm"
LONG = 80
# Which app folders each folder may include from (engine/ is open to all of app/).
ARROWS = {
    "app/draw": {"app/draw"},
    "app/host": {"app/host", "app/draw"},
    "app/explorer": {"app/explorer", "app/draw", "app/host"},
    "app/lessons": {"app/lessons", "app/explorer", "app/draw", "app/host"},
    "app/cli": {"app/cli", "app/lessons", "app/explorer", "app/draw", "app/host"},
    "app": {"app/cli"},  # main.c
}
SDL_FILES = re.compile(r"^app/(host/|draw/gfx_sdl\.)")
SDL_INCLUDE = re.compile(r"^\s*#\s*include\s*[<\"](SDL2?/|SDL_|fontconfig/)")
INCLUDE = re.compile(r"^\s*#\s*include\s*\"([^\"]+)\"")
DRAW_MAY_USE = {"rl_base.h", "fileio.h"}
SDL_SYMBOL = re.compile(r"^(SDL_|TTF_|Fc[A-Z])")


def sources():
    out = []
    for top in ("app", "engine", "tests"):
        for d, _, files in os.walk(os.path.join(ROOT, top)):
            for f in files:
                if f.endswith((".c", ".h")):
                    out.append(os.path.relpath(os.path.join(d, f), ROOT))
    return sorted(out)


def folder_of(path):
    """app/explorer/tests/x.c -> app/explorer; app/main.c -> app; engine/x.c -> engine."""
    parts = path.split("/")
    if parts[0] == "app":
        return "app" if len(parts) == 2 else "app/" + parts[1]
    return parts[0]


def is_test(path):
    return "/tests/" in path or path.startswith("tests/")


def resolve(path, inc):
    """Where "inc" included from path is found: the file's own folder, then app/, engine/, tests/."""
    for base in (os.path.dirname(path), "app", "engine", "tests"):
        cand = os.path.normpath(os.path.join(base, inc))
        if os.path.exists(os.path.join(ROOT, cand)):
            return cand
    return None


def read(path):
    with open(os.path.join(ROOT, path), encoding="utf-8", errors="replace") as f:
        return f.read().split("\n")


def include_rules(files):
    errors = []
    for p in files:
        folder = folder_of(p)
        for n, line in enumerate(read(p), 1):
            where = "%s:%d" % (p, n)
            if SDL_INCLUDE.match(line) and not SDL_FILES.match(p):
                errors.append("%s: includes SDL outside app/host and the raster backend: %s" % (where, line.strip()))
            m = INCLUDE.match(line)
            if not m:
                continue
            target = resolve(p, m.group(1))
            if target is None:
                continue  # a system header written with quotes, or a generated one
            tf = folder_of(target)
            if folder == "engine" and tf != "engine":
                errors.append("%s: engine/ includes %s" % (where, target))
            elif folder == "app/draw" and tf == "engine" and os.path.basename(target) not in DRAW_MAY_USE:
                errors.append("%s: app/draw knows nothing of RNNs, but includes %s" % (where, target))
            elif folder in ARROWS and tf.startswith("app") and tf not in ARROWS[folder]:
                errors.append("%s: %s may not include from %s (%s)" % (where, folder, tf, target))
    return errors


# ---- functions ------------------------------------------------------------------------------------

def strip_code(text):
    """Comments and string/char literals blanked, newlines kept (so line numbers stay)."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append(c + re.sub(r"[^\n]", " ", text[i + 1:j]) + (c if j < n else ""))
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def functions(path):
    """(name, first line, last line) of each function defined at file scope."""
    code = strip_code("\n".join(read(path)))
    code = re.sub(r"^[ \t]*#.*$", lambda m: " " * len(m.group(0)), code, flags=re.M)  # directives
    out, depth, i, start = [], 0, 0, 0

    def line_of(pos):
        return code.count("\n", 0, pos) + 1

    while i < len(code):
        c = code[i]
        if c == "{" and depth == 0:
            head = code[start:i]
            m = re.search(r"([A-Za-z_]\w*)\s*\([^;{}]*\)\s*(__attribute__\s*\(\(.*\)\)\s*)?$", head, re.S)
            if m and not re.search(r"=\s*$", head) and m.group(1) not in ("if", "for", "while", "switch"):
                d, j = 0, i
                while j < len(code):
                    d += code[j] == "{"
                    d -= code[j] == "}"
                    if d == 0:
                        break
                    j += 1
                out.append((m.group(1), line_of(start + m.start(1)), line_of(j)))
                i = start = j + 1
                continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                start = i + 1
        elif c == ";" and depth == 0:
            start = i + 1
        i += 1
    return out


def says_why(lines, first):
    """The comment just above line `first` (1-based; the declaration may start a line or two
    earlier) mentions "unsplit"."""
    k = first - 2
    while k >= 0 and lines[k].strip() and not lines[k].strip().endswith("*/") and not lines[k].strip().startswith("//"):
        k -= 1
    block = []
    while k >= 0 and (lines[k].strip().startswith(("/*", "*", "//")) or lines[k].strip().endswith("*/")):
        block.append(lines[k])
        k -= 1
    return "unsplit" in "\n".join(block)


def long_functions(files):
    """(lines, file, first line, name, says why) of every function, longest first."""
    found = []
    for p in files:
        if p.endswith(".c"):
            lines = read(p)
            found += [(b - a + 1, p, a, name, says_why(lines, a)) for name, a, b in functions(p)]
    return sorted(found, reverse=True)


def length_rule(files):
    return ["%s:%d: %s is %d lines (more than %d, and the comment above it does not say why it is unsplit)"
            % (p, a, name, length, LONG)
            for length, p, a, name, why in long_functions([f for f in files if f.startswith("app/") and not is_test(f)])
            if length > LONG and not why]


# ---- the call graph -------------------------------------------------------------------------------

def nm_output(libs):
    return "\n".join(subprocess.run([NM, "-A", lib], capture_output=True, text=True, check=True).stdout for lib in libs)


def graph_from_nm(text):
    """object -> the objects it calls, and object -> its undefined symbols, from `nm -A` output."""
    defined, used, objs = {}, collections.defaultdict(set), set()
    for line in text.splitlines():
        m = re.match(r"^[^:]+:([^:]+):\s*(?:[0-9a-fA-F]+)?\s+([A-Za-z])\s+(\S+)$", line)
        if not m:
            continue
        obj, kind, sym = m.groups()
        objs.add(obj)
        if kind == "U":
            used[obj].add(sym)
        elif kind in "TDBRC":
            defined[sym] = obj
    graph = {o: set() for o in objs}
    for o, syms in used.items():
        for s in syms:
            d = defined.get(s)
            if d and d != o:
                graph[o].add(d)
    return graph, used


def circles(graph):
    """Strongly connected components of more than one object (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def object_sources(files):
    """object name (x.c.o) -> source path; names are unique across the tree."""
    return {os.path.basename(p) + ".o": p for p in files if p.endswith(".c")}


def call_rules(nm_text, files):
    graph, used = graph_from_nm(nm_text)
    objsrc = object_sources(files)
    errors = ["call circle: " + " <-> ".join(objsrc.get(o, o) for o in c) for c in circles(graph)]
    for obj, syms in sorted(used.items()):
        src = objsrc.get(obj, obj)
        hits = sorted(s for s in syms if SDL_SYMBOL.match(s))
        if hits and not SDL_FILES.match(src):
            errors.append("%s calls %s outside app/host and the raster backend" % (src, ", ".join(hits[:5])))
    return errors


# ---- commands -------------------------------------------------------------------------------------

def report(libs):
    files = sources()
    per = collections.OrderedDict()
    for p in files:
        f = folder_of(p) + ("/tests" if is_test(p) and not p.startswith("tests/") else "")
        c = per.setdefault(f, [0, 0])
        c[0] += 1
        c[1] += len(read(p))
    print("files per folder (.c and .h):")
    for f, (n, lines) in sorted(per.items()):
        print("  %-22s %3d files %6d lines" % (f, n, lines))
    fn = long_functions([p for p in files if not is_test(p)])
    print("longest functions outside tests (lines):")
    for length, p, a, name, why in fn[:15]:
        print("  %4d  %s:%d %s%s" % (length, p, a, name, "  (says why it is unsplit)" if why else ""))
    over = [x for x in fn if x[0] > LONG and x[1].startswith("app/")]
    print("app/ functions over %d lines: %d (%d of them say why)" % (LONG, len(over), sum(1 for x in over if x[4])))
    if libs:
        graph, _ = graph_from_nm(nm_output(libs))
        objsrc = object_sources(files)
        cs = circles(graph)
        print("call circles between object files: %s" % ("none" if not cs else ""))
        for c in cs:
            print("  " + " <-> ".join(objsrc.get(o, o) for o in c))


def selftest():
    """Plants one violation of each rule in a small tree and checks that each is reported."""
    global ROOT
    saved, ROOT = ROOT, tempfile.mkdtemp(prefix="layout-selftest-")
    plant = {
        "app/explorer/bad_sdl.c": "#include <SDL2/SDL.h>\n",
        "engine/bad_engine.c": '#include "draw/gfx.h"\n',
        "app/draw/gfx.h": "\n",
        "app/draw/bad_rnn.c": '#include "model.h"\n',
        "engine/model.h": "\n",
        "app/draw/bad_arrow.c": '#include "explorer/panel.h"\n',
        "app/explorer/panel.h": "\n",
        "app/cli/long.c": "static int f(void) {\n" + "  x();\n" * LONG + "}\n",
        "app/cli/long_ok.c": "/* unsplit: one table */\nstatic int g(void) {\n" + "  x();\n" * LONG + "}\n",
    }
    try:
        for path, text in plant.items():
            os.makedirs(os.path.dirname(os.path.join(ROOT, path)), exist_ok=True)
            with open(os.path.join(ROOT, path), "w") as f:
                f.write(text)
        files = sources()
        errors = include_rules(files) + length_rule(files)
        nm = ("lib.a:a.c.o:0000000000000000 T fa\nlib.a:a.c.o:                 U fb\n"
              "lib.a:b.c.o:0000000000000000 T fb\nlib.a:b.c.o:                 U fa\n"
              "lib.a:bad_sdl.c.o:                 U SDL_CreateWindow\n")
        errors += call_rules(nm, files + ["app/explorer/a.c", "app/explorer/b.c"])
    finally:
        shutil.rmtree(ROOT)
        ROOT = saved
    expect = ["bad_sdl.c:1: includes SDL", "engine/ includes app/draw/gfx.h", "app/draw knows nothing of RNNs",
              "app/draw may not include from app/explorer", "long.c:1: f is %d lines" % (LONG + 2),
              "call circle: app/explorer/a.c <-> app/explorer/b.c", "bad_sdl.c calls SDL_CreateWindow"]
    missing = [e for e in expect if not any(e in x for x in errors)]
    extra = [x for x in errors if not any(e in x for e in expect)]
    for m in missing:
        print("layout selftest: a planted violation was not reported: %s" % m)
    for x in extra:
        print("layout selftest: reported what was not planted: %s" % x)
    return 1 if missing or extra else 0


def check(libs):
    if selftest():
        return 1
    files = sources()
    errors = include_rules(files) + length_rule(files)
    if not libs:
        errors.append("check needs the static libraries (for the call graph)")
    else:
        errors += call_rules(nm_output(libs), files)
    for e in errors:
        print(e)
    print("layout: %d problem(s) in %d files" % (len(errors), len(files)))
    return 1 if errors else 0


def main(argv):
    if len(argv) < 2 or argv[1] not in ("report", "check", "selftest"):
        print(__doc__)
        return 2
    if argv[1] == "report":
        report(argv[2:])
        return 0
    if argv[1] == "selftest":
        return selftest()
    return check(argv[2:])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
