#!/usr/bin/env python3
"""The shape of the tree: which folder may use which, and how long functions are.

    python3 tools/layout.py report [LIB.a ...]   files per folder, the longest functions, call circles
    python3 tools/layout.py check LIB.a ...      exits 1 (naming file and line) when a rule is broken

Rules (README "Layout"; the folders' main headers say the same in prose):
  - only app/host/ and the raster backend app/draw/gfx_sdl.* include SDL (or SDL_ttf, fontconfig),
    and only their objects reference SDL, TTF or fontconfig symbols;
  - engine/ includes nothing from app/ (and never SDL);
  - app/draw/ knows nothing of RNNs: from engine/ it includes only rl_base.h and fileio.h;
  - app/ folders include only along the arrows below (a folder's tests/ count as the folder);
  - no call circles between object files: the graph "a.o calls a function defined in b.o" (from
    nm on the static libraries) has no cycle;
  - no function in app/ (outside tests) is longer than LONG lines unless the comment just above it
    says why it is not split (the word "unsplit" in that comment).
Standard library only: runs wherever the build does.
"""
import collections
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
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
            if SDL_INCLUDE.match(line) and not SDL_FILES.match(p) and not p.startswith("app/host/"):
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
    raw = "\n".join(read(path))
    code = strip_code(raw)
    code = re.sub(r"^[ \t]*#.*$", lambda m: " " * len(m.group(0)), code, flags=re.M)  # directives
    out, depth, i = [], 0, 0
    line_of = lambda pos: code.count("\n", 0, pos) + 1
    start_of_decl = 0
    while i < len(code):
        c = code[i]
        if c == "{":
            if depth == 0:
                head = code[start_of_decl:i]
                m = re.search(r"([A-Za-z_]\w*)\s*\([^;{}]*\)\s*(__attribute__\s*\(\(.*\)\)\s*)?$", head, re.S)
                if m and not re.search(r"=\s*$", head) and m.group(1) not in ("if", "for", "while", "switch"):
                    body_start = i
                    d, j = 0, i
                    while j < len(code):
                        if code[j] == "{":
                            d += 1
                        elif code[j] == "}":
                            d -= 1
                            if d == 0:
                                break
                        j += 1
                    out.append((m.group(1), line_of(start_of_decl + m.start(1)), line_of(j)))
                    i = j + 1
                    start_of_decl = i
                    continue
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                start_of_decl = i + 1
        elif c == ";" and depth == 0:
            start_of_decl = i + 1
        i += 1
    return out


def says_why(lines, first):
    """The comment just above line `first` (1-based) mentions "unsplit"."""
    k = first - 2
    while k >= 0 and lines[k].strip() and not lines[k].strip().endswith("*/") and not lines[k].strip().startswith("//"):
        k -= 1  # the declaration may start on an earlier line (return type on its own line)
    block = []
    while k >= 0 and (lines[k].strip().startswith(("/*", "*", "//")) or lines[k].strip().endswith("*/")):
        block.append(lines[k])
        k -= 1
    return "unsplit" in "\n".join(block)


def long_functions(files):
    found = []
    for p in files:
        if not p.endswith(".c"):
            continue
        lines = read(p)
        for name, a, b in functions(p):
            found.append((b - a + 1, p, a, name, says_why(lines, a)))
    found.sort(reverse=True)
    return found


# ---- the call graph -------------------------------------------------------------------------------

def call_graph(libs):
    defined, used, objs = {}, collections.defaultdict(set), set()
    for lib in libs:
        out = subprocess.run(["nm", "-A", lib], capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
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
    """Strongly connected components with more than one object (Tarjan)."""
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


def sdl_users(used, objsrc):
    bad = []
    for obj, syms in sorted(used.items()):
        src = objsrc.get(obj, obj)
        if SDL_FILES.match(src):
            continue
        hits = sorted(s for s in syms if SDL_SYMBOL.match(s))
        if hits:
            bad.append("%s calls %s outside app/host and the raster backend" % (src, ", ".join(hits[:5])))
    return bad


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
    fn = [x for x in long_functions([p for p in files if not is_test(p)])]
    print("longest functions outside tests (lines):")
    for length, p, a, name, why in fn[:15]:
        print("  %4d  %s:%d %s%s" % (length, p, a, name, "  (says why it is not split)" if why else ""))
    over = [x for x in fn if x[0] > LONG and x[1].startswith("app/")]
    print("app/ functions over %d lines: %d (%d of them say why)" % (LONG, len(over), sum(1 for x in over if x[4])))
    if libs:
        graph, _ = call_graph(libs)
        objsrc = object_sources(files)
        cs = circles(graph)
        print("call circles between object files: %s" % ("none" if not cs else ""))
        for c in cs:
            print("  " + " <-> ".join(objsrc.get(o, o) for o in c))


def check(libs):
    files = sources()
    errors = include_rules(files)
    for length, p, a, name, why in long_functions([p for p in files if p.startswith("app/") and not is_test(p)]):
        if length > LONG and not why:
            errors.append("%s:%d: %s is %d lines (more than %d, and the comment above it does not say why it is "
                          "unsplit)" % (p, a, name, length, LONG))
    if not libs:
        errors.append("check needs the static libraries (for the call graph)")
    else:
        graph, used = call_graph(libs)
        objsrc = object_sources(files)
        for c in circles(graph):
            errors.append("call circle: " + " <-> ".join(objsrc.get(o, o) for o in c))
        errors += sdl_users(used, objsrc)
    for e in errors:
        print(e)
    print("layout: %d problem(s)" % len(errors))
    return 1 if errors else 0


def main(argv):
    if len(argv) < 2 or argv[1] not in ("report", "check"):
        print(__doc__)
        return 2
    libs = argv[2:]
    if argv[1] == "report":
        report(libs)
        return 0
    return check(libs)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
