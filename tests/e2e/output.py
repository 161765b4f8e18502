"""End-to-end checks that no output is ever lost, truncated or put where
it destroys something (issue 9, "Output integrity"):

* a full disk (a small tmpfs; skipped where mount is refused) and a file
  size limit (RLIMIT_FSIZE, everywhere): exit 1 naming the cause, the old
  output untouched, no temporary file;
* an output that exists and is not a regular file (a FIFO, a character
  device made with mknod, a folder), or that is one of the build's inputs
  (the script, a module, an image, the database, the manifest, a font),
  for build and for batch output templates and --summary: refused,
  nothing replaced;
* inputs that are FIFOs (script, module, image, --db, manifest, font,
  --jobs CSV): refused at once instead of blocking;
* SIGHUP during a build removes the temporary PDF;
* libharu limits said as causes (a 100 KB URL, a zero page height);
* a non-UTF-8 CSV value still gives a --summary that parses.

Self-contained: every script, module, image, database and manifest is
made in a temporary folder.  Run from the repository root; prints FAIL
lines and ends with "N passed, N failed"."""

import glob
import json
import os
import resource
import signal
import sqlite3
import stat
import subprocess
import sys
import tempfile
import time
import zlib
import struct

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import suite  # noqa: E402
from suite import check, finish  # noqa: E402

REPORTC = os.path.abspath(os.environ.get("REPORTC", "./reportc"))
TIMEOUT = 10          # a FIFO input that blocks is killed after this


def skip(what):
    if hasattr(suite, "skip"):
        suite.skip(what)
    else:
        print("SKIP " + what)


def run(*args, timeout=TIMEOUT, preexec=None, cwd=None):
    """Run reportc; a run that blocks past the timeout comes back with
    returncode None and its stderr so far."""
    try:
        return subprocess.run([REPORTC, *args], capture_output=True, text=True, timeout=timeout,
                              preexec_fn=preexec, cwd=cwd, errors="replace")
    except subprocess.TimeoutExpired as e:
        err = e.stderr.decode("utf-8", "replace") if isinstance(e.stderr, bytes) else (e.stderr or "")
        return subprocess.CompletedProcess(e.cmd, None, "", "(blocked, killed after %d s) %s" % (timeout, err))


def strays(folder):
    return [f for f in glob.glob(os.path.join(folder, "**", "*"), recursive=True) if ".tmp-" in f]


def png(path, rgb):
    """A 4x4 PNG of one colour."""
    raw = b"".join(b"\x00" + bytes(rgb) * 4 for _ in range(4))

    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


BRIEF = """local report = require "report"
local helper = require "lib.helper"
local doc = report.document{ title = "输出测试", author = "reportc tests" }
doc:heading(1, helper.title .. report.param("country", "SGP"))
for i = 1, report.param("paras", 1) do
  doc:paragraph(string.format("第 %d 段：本期网络安全态势保持平稳，各项指标%s。", i, helper.word))
end
if report.param("image", "yes") == "yes" then doc:image{ path = "logo.png", width = 60 } end
return doc
"""
HELPER = """local colors = require "lib.theme.colors"
return { title = "月度简报 ", word = colors.word }
"""
COLORS = 'return { word = "稳中有进" }\n'


def make_project(d):
    """A script that requires lib/helper.lua, which requires
    lib/theme/colors.lua (a module two levels down), an image, and a
    database of its own."""
    write(os.path.join(d, "brief.lua"), BRIEF)
    write(os.path.join(d, "lib", "helper.lua"), HELPER)
    write(os.path.join(d, "lib", "theme", "colors.lua"), COLORS)
    png(os.path.join(d, "logo.png"), (200, 30, 30))
    db = sqlite3.connect(os.path.join(d, "facts.db"))
    db.execute("CREATE TABLE t(x)")
    db.commit()
    db.close()
    return os.path.join(d, "brief.lua"), os.path.join(d, "facts.db")


def truetype_manifest():
    """The TrueType manifest (UMing, DejaVu: a font file the test document
    certainly uses is DejaVuSerif.ttf for its digits): beside the reportc
    under test, else the checkout's; before fonts/truetype.manifest existed
    fonts/fonts.manifest was that manifest."""
    home = os.path.dirname(REPORTC)
    for path in (os.path.join(home, "fonts", "truetype.manifest"), os.path.join(home, "fonts", "fonts.manifest"),
                 "fonts/truetype.manifest", "fonts/fonts.manifest"):
        if os.path.exists(path):
            return path
    return "fonts/fonts.manifest"


def old_output(path):
    with open(path, "wb") as f:
        f.write(b"%PDF-1.4 the previous complete output\n")
    return read_bytes(path)


# ---- a full disk and a file size limit -------------------------------------------

def test_full_disk(tmp, script, db):
    mnt = os.path.join(tmp, "small")
    os.makedirs(mnt)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8k", "tmpfs", mnt], capture_output=True)
    if r.returncode != 0:
        skip("full disk on a small tmpfs: mount refused (%s)" % r.stderr.decode().strip())
        return
    try:
        out = os.path.join(mnt, "brief.pdf")
        before = old_output(out)
        r = run("build", script, "--db", db, "-o", out, "-D", "paras=200")
        check(r.returncode == 1, f"full disk: exit 1, got {r.returncode}: {r.stderr[-300:]}")
        check("No space left on device" in r.stderr and "brief.pdf" in r.stderr,
              f"full disk: the message names the output and the cause: {r.stderr[-300:]}")
        check(read_bytes(out) == before, "full disk: the old output is untouched")
        check(not strays(mnt), f"full disk: no temporary file left: {strays(mnt)}")
    finally:
        subprocess.run(["umount", mnt])


def limit_file_size():
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
    signal.signal(signal.SIGXFSZ, signal.SIG_DFL)   # Python ignores it; reportc must itself


def test_file_size_limit(tmp, script, db):
    d = os.path.join(tmp, "fsize")
    os.makedirs(d)
    out = os.path.join(d, "brief.pdf")
    before = old_output(out)
    r = run("build", script, "--db", db, "-o", out, preexec=limit_file_size)
    check(r.returncode == 1, f"file size limit: exit 1, got {r.returncode}: {r.stderr[-300:]}")
    check("File too large" in r.stderr, f"file size limit: the message names the cause: {r.stderr[-300:]}")
    check(read_bytes(out) == before, "file size limit: the old output is untouched")
    check(not strays(d), f"file size limit: no temporary file left: {strays(d)}")
    r = run("build", script, "--db", db, "-o", out)
    check(r.returncode == 0 and read_bytes(out)[:5] == b"%PDF-" and read_bytes(out) != before,
          f"without the limit the same build replaces the output: {r.stderr[-300:]}")


# ---- outputs that are not regular files, or are inputs --------------------------------

def test_special_outputs(tmp, script, db):
    d = os.path.join(tmp, "special")
    os.makedirs(d)
    fifo = os.path.join(d, "fifo.pdf")
    os.mkfifo(fifo)
    r = run("build", script, "--db", db, "-o", fifo)
    check(r.returncode == 1 and "fifo.pdf" in r.stderr and "FIFO" in r.stderr,
          f"-o a FIFO: exit 1 naming it, got {r.returncode}: {r.stderr[-300:]}")
    check(stat.S_ISFIFO(os.stat(fifo).st_mode), "-o a FIFO: it is still a FIFO")

    dev = os.path.join(d, "null")
    try:
        os.mknod(dev, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except OSError as e:
        skip(f"-o a character device: mknod refused ({e})")
    else:
        r = run("build", script, "--db", db, "-o", dev)
        check(r.returncode == 1 and dev in r.stderr and "character device" in r.stderr,
              f"-o a character device: exit 1 naming it, got {r.returncode}: {r.stderr[-300:]}")
        check(stat.S_ISCHR(os.stat(dev).st_mode), "-o a character device: it is still one")

    folder = os.path.join(d, "folder.pdf")
    os.makedirs(folder)
    r = run("build", script, "--db", db, "-o", folder)
    check(r.returncode == 1 and "folder.pdf" in r.stderr,
          f"-o a folder: exit 1 naming it, got {r.returncode}: {r.stderr[-300:]}")
    check(os.path.isdir(folder), "-o a folder: still a folder")

    dl = os.path.join(d, "dl-fifo.json")
    os.mkfifo(dl)
    r = run("build", script, "--db", db, "-o", os.path.join(d, "ok.pdf"), "--display-list", dl)
    check(r.returncode == 1 and stat.S_ISFIFO(os.stat(dl).st_mode),
          f"--display-list a FIFO: refused, still a FIFO: {r.returncode} {r.stderr[-300:]}")
    same = os.path.join(d, "same.pdf")
    r = run("build", script, "--db", db, "-o", same, "--display-list", os.path.join(d, ".", "same.pdf"))
    check(r.returncode == 2 and "same.pdf" in r.stderr and not os.path.exists(same),
          f"-o and --display-list the same file: a usage error: {r.returncode} {r.stderr[-300:]}")
    check(not strays(d), f"special outputs: no temporary file left: {strays(d)}")


def project_with_fonts(d):
    """make_project, plus a manifest naming a copy of a font it uses."""
    script, db = make_project(d)
    fonts_dir = os.path.join(d, "fonts")
    os.makedirs(fonts_dir)
    font = os.path.join(fonts_dir, "serif-latin.ttf")
    with open("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", "rb") as src, open(font, "wb") as dst:
        dst.write(src.read())
    manifest = os.path.join(d, "fonts.manifest")
    with open(manifest, "w") as f:
        for line in open(truetype_manifest()):
            f.write(line.replace("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", font))
    return script, db, manifest, font


def test_output_is_input(tmp):
    cases = [("the script", lambda s, db, m, f: s), ("the database", lambda s, db, m, f: db),
             ("a module two levels down", lambda s, db, m, f: os.path.join(os.path.dirname(s), "lib",
                                                                           "theme", "colors.lua")),
             ("the image", lambda s, db, m, f: os.path.join(os.path.dirname(s), "logo.png")),
             ("the font manifest", lambda s, db, m, f: m), ("a font file", lambda s, db, m, f: f)]
    for n, (what, pick) in enumerate(cases):      # a fresh project each: on failure one is destroyed
        script, db, manifest, font = project_with_fonts(os.path.join(tmp, "inputs-%d" % n))
        path = pick(script, db, manifest, font)
        before = read_bytes(path)
        r = run("build", script, "--db", db, "--fonts", manifest, "-o", path)
        check(r.returncode == 1 and path in r.stderr,
              f"-o {what}: exit 1 naming it, got {r.returncode}: {r.stderr[-300:]}")
        check(read_bytes(path) == before, f"-o {what}: the file is unchanged")
    d = os.path.join(tmp, "inputs")
    script, db, manifest, font = project_with_fonts(d)
    rel = os.path.relpath(script)          # the same file by another name
    r = run("build", script, "--db", db, "--fonts", manifest, "-o", rel)
    check(r.returncode == 1, f"-o the script by a relative path: refused: {r.stderr[-300:]}")
    left = [f for f in strays(tmp) if "/inputs" in f]
    check(not left, f"output is input: no temporary file left: {left}")

    # batch: templates that land on an input, or on special files
    d = os.path.join(tmp, "inputs-batch1")
    script, db = make_project(d)
    before = read_bytes(db)
    r = run("batch", script, "--db", db, "--each", "country=facts", "-o", os.path.join(d, "{country}.db"))
    check(r.returncode == 1 and db in r.stderr and read_bytes(db) == before,
          f"batch -o landing on the database: exit 1 naming it, db unchanged: {r.returncode} {r.stderr[-300:]}")
    d = os.path.join(tmp, "inputs-batch")
    script, db = make_project(d)
    before = read_bytes(script)
    r = run("batch", script, "--db", db, "--each", "country=brief", "-o", os.path.join(d, "{country}.lua"))
    check(r.returncode == 1 and read_bytes(script) == before,
          f"batch -o landing on the script: refused, script unchanged: {r.returncode} {r.stderr[-300:]}")
    d = os.path.join(tmp, "inputs-batch2")
    script, db = make_project(d)
    fifo = os.path.join(d, "SGP.pdf")
    os.mkfifo(fifo)
    r = run("batch", script, "--db", db, "--each", "country=SGP,MYS", "-o", os.path.join(d, "{country}.pdf"))
    check(r.returncode == 1 and fifo in r.stderr and stat.S_ISFIFO(os.stat(fifo).st_mode),
          f"batch -o landing on a FIFO: refused, still a FIFO: {r.returncode} {r.stderr[-300:]}")
    sfifo = os.path.join(d, "summary.json")
    os.mkfifo(sfifo)
    r = run("batch", script, "--db", db, "--each", "country=THA", "-o", os.path.join(d, "b-{country}.pdf"),
            "--summary", sfifo)
    check(r.returncode != 0 and stat.S_ISFIFO(os.stat(sfifo).st_mode),
          f"--summary a FIFO: refused, still a FIFO: {r.returncode} {r.stderr[-300:]}")
    check(not strays(d), f"batch outputs: no temporary file left: {strays(d)}")


# ---- inputs that are FIFOs ----------------------------------------------------------

def test_fifo_inputs(tmp):
    d = os.path.join(tmp, "fifo-in")
    script, db = make_project(d)
    out = os.path.join(d, "out.pdf")

    def fifo(name):
        p = os.path.join(d, name)
        os.mkfifo(p)
        return p

    manifest_src = truetype_manifest()
    font_fifo = fifo("font.ttc")
    manifest = os.path.join(d, "fifo-font.manifest")
    with open(manifest, "w") as f:
        for line in open(manifest_src):
            f.write(line.replace("/usr/share/fonts/truetype/arphic/uming.ttc", font_fifo))
    write(os.path.join(d, "needs_fifo.lua"), 'local report = require "report"\nlocal m = require "fifomod"\n'
          'return report.document{}\n')
    fifo("fifomod.lua")
    write(os.path.join(d, "fifo_image.lua"), 'local report = require "report"\nlocal doc = report.document{}\n'
          'doc:image{ path = "pic.png" }\nreturn doc\n')
    fifo("pic.png")
    csv = fifo("jobs.csv")
    cases = [
        ("--db", ["build", script, "--db", fifo("facts-fifo.db"), "-o", out], "facts-fifo.db"),
        ("the script", ["build", fifo("script.lua"), "--db", db, "-o", out], "script.lua"),
        ("a module", ["build", os.path.join(d, "needs_fifo.lua"), "--db", db, "-o", out], "fifomod.lua"),
        ("an image", ["build", os.path.join(d, "fifo_image.lua"), "--db", db, "-o", out], "pic.png"),
        ("--fonts", ["build", script, "--db", db, "--fonts", fifo("m.manifest"), "-o", out], "m.manifest"),
        ("a font file", ["build", script, "--db", db, "--fonts", manifest, "-o", out], "font.ttc"),
        ("batch --jobs", ["batch", script, "--db", db, "--jobs", csv, "-o", d + "/j-{country}.pdf"], "jobs.csv"),
        ("batch --db", ["batch", script, "--db", os.path.join(d, "facts-fifo.db"), "--each", "country=SGP",
                        "-o", d + "/k-{country}.pdf"], "facts-fifo.db"),
    ]
    for what, args, name in cases:
        started = time.time()
        r = run(*args)
        check(r.returncode == 1 and name in r.stderr
              and ("FIFO" in r.stderr or "not a regular file" in r.stderr),
              f"{what} a FIFO: exit 1 at once naming it, got {r.returncode} after "
              f"{time.time() - started:.1f} s: {r.stderr[-300:]}")
    check(not os.path.exists(out), "no output from a FIFO input")


# ---- SIGHUP during a build -----------------------------------------------------------

def test_sighup(tmp, script, db):
    d = os.path.join(tmp, "hup")
    os.makedirs(d)
    out = os.path.join(d, "brief.pdf")
    before = old_output(out)
    # Long enough to write that the temporary file can be seen: many pages.
    proc = subprocess.Popen([REPORTC, "build", script, "--db", db, "-o", out, "-D", "paras=3000",
                             "-D", "image=no"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 60
    seen = False
    while time.time() < deadline and proc.poll() is None:
        if glob.glob(out + ".tmp-*"):
            seen = True
            proc.send_signal(signal.SIGHUP)
            break
        time.sleep(0.0005)
    proc.communicate(timeout=60)
    if not seen:
        check(False, f"SIGHUP: the temporary PDF was never seen (exit {proc.returncode}); "
              "make the document larger")
        return
    check(proc.returncode == -signal.SIGHUP, f"SIGHUP: the build dies of SIGHUP, got {proc.returncode}")
    check(not strays(d), f"SIGHUP: no temporary file left: {strays(d)}")
    check(read_bytes(out) == before, "SIGHUP: the old output is untouched")


def test_batch_sighup(tmp, script, db):
    d = os.path.join(tmp, "bhup")
    proc = subprocess.Popen([REPORTC, "batch", script, "--db", db, "--each", "country=A,B,C,D,E,F,G,H",
                             "-D", "paras=600", "-D", "image=no", "-o", d + "/{country}.pdf", "-j", "2",
                             "--summary", d + "/summary.json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 60
    while time.time() < deadline and proc.poll() is None and not glob.glob(d + "/*.tmp-*"):
        time.sleep(0.0005)
    proc.send_signal(signal.SIGHUP)
    proc.communicate(timeout=60)
    check(proc.returncode == 128 + signal.SIGHUP, f"batch SIGHUP: exit 129, got {proc.returncode}")
    check(not strays(d), f"batch SIGHUP: no temporary file left: {strays(d)}")


# ---- libharu limits as causes --------------------------------------------------------

def test_libharu_causes(tmp, db):
    d = os.path.join(tmp, "haru")
    write(os.path.join(d, "url.lua"), 'local report = require "report"\nlocal doc = report.document{}\n'
          'doc:paragraph("见[链接](https://example.com/" .. string.rep("a", 100000) .. ")。")\nreturn doc\n')
    write(os.path.join(d, "height.lua"), 'local report = require "report"\n'
          'local doc = report.document{ theme = { page_height = 0 } }\ndoc:paragraph("正文。")\nreturn doc\n')
    r = run("build", os.path.join(d, "url.lua"), "--db", db, "-o", os.path.join(d, "u.pdf"))
    check(r.returncode == 1 and "65535" in r.stderr and "URL" in r.stderr and "0x" not in r.stderr,
          f"a 100 KB URL: exit 1 naming the limit, no error number: {r.stderr[-300:]}")
    r = run("build", os.path.join(d, "height.lua"), "--db", db, "-o", os.path.join(d, "h.pdf"))
    check(r.returncode == 1 and "0x" not in r.stderr and "page" in r.stderr,
          f"page height 0: exit 1 with a cause, no libharu number: {r.stderr[-300:]}")
    check(not strays(d), f"libharu errors: no temporary file left: {strays(d)}")


# ---- the batch summary is JSON whatever the CSV holds -----------------------------------

def test_summary_utf8(tmp, script, db):
    d = os.path.join(tmp, "utf8")
    os.makedirs(d)
    csv = os.path.join(d, "jobs.csv")
    with open(csv, "wb") as f:
        f.write(b"country,label\nSGP,caf\xe9\nMYS,\xff\xfe bad \xc3\n")
    r = run("batch", script, "--db", db, "--jobs", csv, "-o", d + "/{country}.pdf", "--summary", d + "/s.json")
    try:
        with open(d + "/s.json", encoding="utf-8") as f:
            s = json.load(f)
        labels = sorted(j["params"]["label"] for j in s["jobs"])
        check(labels == sorted(["caf\ufffd", "\ufffd\ufffd bad \ufffd"]),
              f"invalid UTF-8 becomes U+FFFD: {labels}")
    except (ValueError, OSError) as e:
        check(False, f"the summary of a CSV with non-UTF-8 values parses as JSON: {e} ({r.stderr[-200:]})")


with tempfile.TemporaryDirectory(prefix="reportc-output-") as tmp:
    script, db = make_project(os.path.join(tmp, "project"))
    r = run("build", script, "--db", db, "-o", os.path.join(tmp, "first.pdf"))
    if check(r.returncode == 0, f"the test project builds: {r.stderr[-400:]}"):
        test_full_disk(tmp, script, db)
        test_file_size_limit(tmp, script, db)
        test_special_outputs(tmp, script, db)
        test_output_is_input(tmp)
        test_fifo_inputs(tmp)
        test_sighup(tmp, script, db)
        test_batch_sighup(tmp, script, db)
        test_libharu_causes(tmp, db)
        test_summary_utf8(tmp, script, db)

sys.exit(finish())
