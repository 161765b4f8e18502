"""End-to-end checks of the foundation: every example report (built here
into a temporary folder) passes real PDF readers, fonts are embedded and
subset with ToUnicode, errors are one clear line with exit 1 and lose
nothing, usage errors exit 2, the sandbox holds, builds are reproducible,
and a page of 500 distinct Chinese characters (taken from the seed
documents; skipped without them) embeds under 200 KB of font data.

Run from the repository root.  Prints FAIL/SKIP/INFO lines and ends with
"N passed, N failed, K skipped"."""

import glob
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile

REPORTC = os.environ.get("REPORTC", "./reportc")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from suite import build_examples, check, finish, seeds_dir, skip  # noqa: E402


def run(*args, env=None):
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run(list(args), capture_output=True, text=True, env=e)


def build(script, out, *extra, env=None):
    return run(REPORTC, "build", script, "-o", out, *extra, env=env)


def check_pdf(path):
    q = run("qpdf", "--check", path)
    check(q.returncode == 0, f"qpdf --check {path}: {q.stdout[-300:]}{q.stderr[-300:]}")
    fonts = run("pdffonts", path)
    lines = fonts.stdout.splitlines()[2:]
    check(fonts.returncode == 0 and fonts.stderr == "" and lines, f"pdffonts {path}: {fonts.stderr}")
    for line in lines:
        cols = line.split()
        # name type... encoding emb sub uni object ID: the last five columns
        emb, sub, uni = cols[-5], cols[-4], cols[-3]
        check((emb, sub, uni) == ("yes", "yes", "yes"),
              f"{path}: font not embedded+subset+unicode: {line}")
    text = run("pdftotext", "-enc", "UTF-8", path, "-")
    check(text.returncode == 0 and text.stderr == "",
          f"pdftotext {path} printed: {text.stderr.strip()}")
    return text.stdout


def check_outputs(d):
    pdfs = build_examples(d)
    if not check(pdfs, f"no example PDFs were built into {d}"):
        return
    for pdf in pdfs:
        check_pdf(pdf)
    gci = os.path.join(d, "gci_brief.pdf")
    if check(os.path.exists(gci), f"{gci} missing"):
        text = run("pdftotext", "-enc", "UTF-8", gci, "-").stdout
        flat = re.sub(r"\s+", "", text)
        db = sqlite3.connect("out/facts.db")
        names = [r[0] for r in db.execute("SELECT country_zh FROM gci WHERE year = 2018")]
        check(len(names) == 10, f"expected 10 GCI 2018 rows, got {len(names)}")
        for name in names:
            check(name in flat, f"gci_brief text lacks the country name {name}")
        for tool in ("pdftoppm", "mutool"):
            with tempfile.TemporaryDirectory() as d:
                if tool == "pdftoppm":
                    cmd = ["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", gci,
                           os.path.join(d, "p")]
                else:
                    cmd = ["mutool", "draw", "-r", "40", "-o", os.path.join(d, "p%d.png"), gci, "1"]
                r = run(*cmd)
                made = glob.glob(os.path.join(d, "*.png"))
                # Debian's MuPDF is built without colour management and says
                # so; mutool draw also reports each page it draws.
                noise = [l for l in r.stderr.splitlines()
                         if l.strip() and "ICC support is not available" not in l
                         and not l.startswith("page ")]
                check(r.returncode == 0 and made and not noise,
                      f"{tool} on {gci}: exit {r.returncode}, {r.stderr.strip()[:300]}")


def check_failure(name, script, extra, expect, d):
    out = os.path.join(d, name + ".pdf")
    with open(out, "w") as f:
        f.write("previous good output")
    r = build(script, out, *extra)
    first = r.stderr.splitlines()[0] if r.stderr else ""
    check(r.returncode == 1, f"{name}: exit {r.returncode}, want 1 ({first})")
    for pattern in expect:
        check(re.search(pattern, first), f"{name}: first error line {first!r} lacks {pattern!r}")
    with open(out) as f:
        check(f.read() == "previous good output", f"{name}: the existing output was touched")
    strays = [p for p in os.listdir(d) if ".tmp-" in p]
    check(not strays, f"{name}: temporary files left: {strays}")
    print(f"INFO {name}: {first}")


def check_errors():
    with tempfile.TemporaryDirectory() as d:
        check_failure("lua-error", "tests/lua/lua_error.lua", [],
                      [r"^reportc: tests/lua/lua_error\.lua:6: ", r"index a nil value"], d)
        check_failure("sql-error", "tests/lua/sql_error.lua", [],
                      [r"tests/lua/sql_error\.lua:4: ", r"no such table: no_such_table",
                       r"SQL: SELECT rank FROM no_such_table"], d)
        manifest = os.path.join(d, "fonts.manifest")
        with open(manifest, "w") as f:
            f.write("serif cjk 0 fonts-arphic-uming /nonexistent/uming.ttc\n"
                    "serif latin 0 fonts-dejavu-core /usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf\n"
                    "sans cjk 0 fonts-wqy-microhei /usr/share/fonts/truetype/wqy/wqy-microhei.ttc\n"
                    "sans latin 0 fonts-dejavu-core /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf\n")
        check_failure("missing-font", "tests/lua/minimal.lua", ["--fonts", manifest],
                      [r"/nonexistent/uming\.ttc", r"fonts-arphic-uming"], d)
        check_failure("missing-db", "tests/lua/minimal.lua", ["--db", "/nonexistent/facts.db"],
                      [r"/nonexistent/facts\.db"], d)
        check_failure("missing-param", "scripts/gci_brief.lua", ["-D", "year=abc"],
                      [r"gci_brief\.lua:\d+: .*year"], d)
        r = build("tests/lua/sandbox.lua", os.path.join(d, "sandbox.pdf"))
        check(r.returncode == 0, f"sandbox probes: {r.stderr.strip()}")


def check_usage():
    for args, want in (([], 2), (["frobnicate"], 2), (["build"], 2),
                       (["build", "x.lua", "--bogus"], 2), (["--help"], 0), (["--version"], 0)):
        r = run(REPORTC, *args)
        check(r.returncode == want, f"reportc {' '.join(args)}: exit {r.returncode}, want {want}")


def check_reproducible():
    env = {"SOURCE_DATE_EPOCH": "1700000000"}
    with tempfile.TemporaryDirectory() as d:
        a, b = os.path.join(d, "a.pdf"), os.path.join(d, "b.pdf")
        build("scripts/gci_brief.lua", a, env=env)
        build("scripts/gci_brief.lua", b, env=env)
        same = os.path.exists(a) and open(a, "rb").read() == open(b, "rb").read()
        check(same, "two builds with SOURCE_DATE_EPOCH differ")
        if os.path.exists(a):
            info = run("pdfinfo", a).stdout
            check("2023" in info and "Nov" in info, f"creation date not from SOURCE_DATE_EPOCH: {info}")


def distinct_han(seeds, n):
    seen = []
    for path in sorted(glob.glob(os.path.join(seeds, "*.txt"))):
        for ch in open(path, encoding="utf-8").read():
            if "\u4e00" <= ch <= "\u9fff" and ch not in seen:
                seen.append(ch)
                if len(seen) == n:
                    return "".join(seen)
    return "".join(seen)


def font_bytes(pdf):
    """Total size of the embedded font programs, as stored (compressed)."""
    j = json.loads(run("qpdf", "--json=2", "--json-stream-data=none", pdf).stdout)
    objs = j["qpdf"][1]
    total = 0
    for key, obj in objs.items():
        d = obj.get("value") or {}
        for k in ("/FontFile2", "/FontFile", "/FontFile3"):
            if isinstance(d, dict) and k in d:
                s = objs.get("obj:" + d[k])
                if s:
                    length = s["stream"]["dict"]["/Length"]
                    if isinstance(length, str):   # an indirect "N 0 R"
                        length = objs["obj:" + length]["value"]
                    total += length
    return total


def check_font_size():
    seeds = seeds_dir()
    if seeds is None:
        skip("500 distinct Chinese characters: no seed documents (../shared/seeds or $SEEDS_DIR)")
        return
    chars = distinct_han(seeds, 500)
    if not check(len(chars) == 500, f"only {len(chars)} distinct Han characters in {seeds}"):
        return
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "chars.pdf")
        r = build("tests/lua/minimal.lua", out, "-D", "text=" + chars)
        if not check(r.returncode == 0, f"500-character page: {r.stderr.strip()}"):
            return
        size = font_bytes(out)
        print(f"INFO 500 distinct Chinese characters: {size} bytes of embedded font data, "
              f"PDF {os.path.getsize(out)} bytes")
        check(0 < size < 200 * 1024, f"font data {size} bytes, want < 200 KB")
        text = re.sub(r"\s+", "", run("pdftotext", "-enc", "UTF-8", out, "-").stdout)
        check(all(c in text for c in chars), "500-character page: text lost characters")


def main():
    if not os.path.exists(REPORTC):
        check(False, f"{REPORTC} not built")
    else:
        with tempfile.TemporaryDirectory(prefix="foundation.") as d:
            check_outputs(d)
        check_errors()
        check_usage()
        check_reproducible()
        check_font_size()
    return finish()


if __name__ == "__main__":
    sys.exit(main())
