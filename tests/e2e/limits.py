"""limits.py: the time and memory limits hold for the whole process, the
SQL function allow-list, and images validated before the PDF backend.

Each runaway a script can start (a plain loop, a looping xpcall handler or
__gc finaliser, string.rep of an empty string, a backtracking pattern, an
endless recursive CTE) must stop within --time-limit + 2 s with exit 1, a
one-line message naming the limit, and no output or temporary file.  Each
memory hog (64 MB paragraphs, a paragraph too long to lay out, randomblob, a
growing Lua table, a 30000x30000 PNG) must stop with exit 1 and a peak RSS within --memory-limit + 10%.
Broken images (truncated, bad zlib data, bad CRC, absurd size, a JPEG
without scan data) fail with "file.lua:N: image 'name': defect".  Batch
jobs get the limits each, from their own start.

Self-contained: its scripts, database and images are made in a temporary
folder.  Prints FAIL/INFO lines and ends with "N passed, N failed"."""

import json
import os
import re
import sqlite3
import struct
import subprocess
import sys
import tempfile
import time
import zlib

REPORTC = os.environ.get("REPORTC", "./reportc")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from suite import check, finish, pdf_text, skip  # noqa: E402

TIME_LIMIT = 2
MEMORY_MB = 200
GNU_TIME = "/usr/bin/time"


def under_asan():
    """An AddressSanitizer build has no RLIMIT_DATA (runlimits.h), so the
    cases only that limit catches are skipped there."""
    with open(REPORTC, "rb") as f:
        return b"__asan_init" in f.read()


ASAN = under_asan()


def script(d, name, body, prelude=""):
    path = os.path.join(d, name + ".lua")
    with open(path, "w") as f:
        f.write('local report = require "report"\n'
                'local doc = report.document{ title = "t" }\n'
                'doc:paragraph("x")\n' + prelude + body + "\nreturn doc\n")
    return path


def run(d, path, *extra, timeout=60):
    """Build `path` into d/out.pdf; (exit status, stderr, seconds, peak RSS
    in KB or None).  A build still running after `timeout` is killed
    (status None)."""
    out = os.path.join(d, "out.pdf")
    rss_file = os.path.join(d, "rss.txt")
    cmd = [REPORTC, "build", path, "-o", out, "--db", os.path.join(d, "facts.db"), *extra]
    if os.path.exists(GNU_TIME):
        cmd = [GNU_TIME, "-f", "%M", "-o", rss_file] + cmd
    started = time.monotonic()
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        status, err = r.returncode, r.stderr
    except subprocess.TimeoutExpired as e:
        status, err = None, (e.stderr or b"").decode("utf-8", "replace")
    seconds = time.monotonic() - started
    rss = None
    if status is not None and os.path.exists(rss_file):
        with open(rss_file) as f:
            lines = [l for l in f.read().split("\n") if l.strip().isdigit()]
            rss = int(lines[-1]) if lines else None
        os.unlink(rss_file)
        # GNU time reports the child's status itself: strip its line.
        err = "\n".join(l for l in err.split("\n") if not l.startswith("Command exited"))
    return status, err, seconds, rss


def leftovers(d):
    """Output or temporary files a failed build left."""
    return [f for f in os.listdir(d) if f.startswith("out.pdf") or ".tmp-" in f]


def first_line(err):
    lines = [l for l in err.split("\n") if l.strip()]
    return lines[0] if lines else ""


def expect_failure(d, name, status, err, want):
    line = first_line(err)
    check(status == 1, f"{name}: exit {status}, want 1 ({line[:200]})")
    check(re.search(want, line), f"{name}: message '{line[:300]}' lacks /{want}/")
    left = leftovers(d)
    check(not left, f"{name}: left {left}")
    for f in left:
        os.unlink(os.path.join(d, f))


def make_db(d):
    db = sqlite3.connect(os.path.join(d, "facts.db"))
    db.execute("CREATE TABLE t(x INTEGER)")
    db.executemany("INSERT INTO t VALUES (?)", [(i,) for i in range(1, 11)])
    db.commit()
    db.close()


# ---- time ------------------------------------------------------------------

RUNAWAYS = [
    ("plain loop", "while true do end", r"loop\.lua:4: time limit of 2 s exceeded"),
    ("pcall in a loop", "while true do pcall(function() while true do end end) end",
     r"pcall\.lua:4: time limit of 2 s exceeded"),
    ("xpcall with a looping handler", "xpcall(error, function() while true do end end)",
     r"time limit of 2 s exceeded"),
    ("looping __gc finaliser", "setmetatable({}, {__gc = function() while true do end end})",
     r"time limit of 2 s exceeded"),
    ("string.rep of an empty string", 'local s = string.rep("", math.maxinteger)',
     r"time limit of 2 s exceeded"),
    ("backtracking string.find",
     'string.find(string.rep("a", 5000), string.rep(".-", 12) .. "b")',
     r"time limit of 2 s exceeded"),
    ("endless recursive CTE",
     'report.db:query("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) '
     'SELECT count(*) FROM c")',
     r"cte\.lua:4: query failed: time limit of 2 s exceeded \(SQL: WITH RECURSIVE"),
]
NAMES = ["loop", "pcall", "xpcall", "gc", "rep", "find", "cte"]


def test_time_limits(d):
    for (what, body, want), name in zip(RUNAWAYS, NAMES):
        path = script(d, name, body)
        status, err, seconds, _ = run(d, path, "--time-limit", str(TIME_LIMIT),
                                      timeout=TIME_LIMIT + 20)
        print(f"INFO time limit {TIME_LIMIT} s, {what}: exit {status} after {seconds:.2f} s")
        expect_failure(d, what, status, err, want)
        check(seconds <= TIME_LIMIT + 2, f"{what}: stopped after {seconds:.1f} s, "
              f"over the limit + 2 s")


# ---- memory ----------------------------------------------------------------

HOGS = [
    ("16 paragraphs of 64 MB", "paras",
     'for i = 1, 16 do doc:paragraph(string.rep("x", 64 * 1024 * 1024)) end',
     r"memory limit of 200 MB", True),
    ("a 20 MB paragraph (the layout's allocations)", "para20",
     'doc:paragraph(string.rep("x", 20 * 1024 * 1024))',
     r"out of memory allocating \d+ bytes for .* \(memory limit of 200 MB\)", True),
    ("randomblob(999000000) twice", "blob",
     'report.db:query("SELECT randomblob(999000000) AS a, randomblob(999000000) AS b")',
     r"blob\.lua:4: query failed: memory limit of 200 MB exceeded", False),
    ("a Lua table without end", "table",
     "local t = {} for i = 1, 1e9 do t[i] = i end",
     r"table\.lua:4: memory limit of 200 MB exceeded", False),
    ("a thousand 10 MB strings", "strings",
     'local t = {} for i = 1, 1000 do t[i] = string.rep("y", 1e7) .. i end',
     r"strings\.lua:4: memory limit of 200 MB exceeded", False),
]


def gray_png(path, w, h):
    """A valid 8-bit greyscale PNG of w x h zero pixels, streamed."""
    def chunk(t, data):
        return struct.pack(">I", len(data)) + t + data + struct.pack(">I", zlib.crc32(t + data))
    z = zlib.compressobj(9)
    row = bytes(w + 1)
    parts = []
    block = row * 64
    for _ in range(h // 64):
        parts.append(z.compress(block))
    parts.append(z.compress(row * (h % 64)))
    parts.append(z.flush())
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)))
        f.write(chunk(b"IDAT", b"".join(parts)) + chunk(b"IEND", b""))


def test_memory_limits(d):
    limit_kb = MEMORY_MB * 1024
    for what, name, body, want, rlimit_only in HOGS:
        if ASAN and rlimit_only:
            skip(f"{what}: an AddressSanitizer build has no RLIMIT_DATA")
            continue
        path = script(d, name, body)
        status, err, seconds, rss = run(d, path, "--memory-limit", str(MEMORY_MB), timeout=120)
        print(f"INFO memory limit {MEMORY_MB} MB, {what}: exit {status} after {seconds:.2f} s, "
              f"peak RSS {rss} KB")
        expect_failure(d, what, status, err, want)
        if rss is not None and not ASAN:
            check(rss <= limit_kb * 1.1, f"{what}: peak RSS {rss} KB over {MEMORY_MB} MB + 10%")
    gray_png(os.path.join(d, "huge.png"), 30000, 30000)
    path = script(d, "huge", 'doc:image{ path = "huge.png", width = 100 }')
    status, err, seconds, rss = run(d, path, "--memory-limit", str(MEMORY_MB), timeout=120)
    print(f"INFO memory limit {MEMORY_MB} MB, a 30000x30000 PNG: exit {status} after "
          f"{seconds:.2f} s, peak RSS {rss} KB")
    expect_failure(d, "a 30000x30000 PNG", status, err,
                   r"huge\.lua:4: image 'huge\.png': image of 30000x30000 pixels too large")
    if rss is not None and not ASAN:
        check(rss <= limit_kb * 1.1, f"30000x30000 PNG: peak RSS {rss} KB over the limit + 10%")
    os.unlink(os.path.join(d, "huge.png"))


# ---- options -----------------------------------------------------------------

def test_options(d):
    path = script(d, "fine", "")
    for opt in ("--time-limit", "--memory-limit"):
        for bad in ("0", "-1", "abc", "1.5", "", "99999999999"):
            for cmd in ("build", "batch"):
                r = subprocess.run([REPORTC, cmd, path, opt, bad, "--db", os.path.join(d, "facts.db"),
                                    "-o", os.path.join(d, "fine.pdf")],
                                   capture_output=True, text=True, timeout=30)
                check(r.returncode == 2 and opt in r.stderr and "whole number" in r.stderr,
                      f"{cmd} {opt} '{bad}': exit {r.returncode}, {first_line(r.stderr)[:200]}")
    status, err, _, _ = run(d, path, "--time-limit", "5", "--memory-limit", "300")
    check(status == 0, f"a build within the limits failed: {first_line(err)}")
    if os.path.exists(os.path.join(d, "out.pdf")):
        os.unlink(os.path.join(d, "out.pdf"))


# ---- SQL functions -------------------------------------------------------------

def test_sql_functions(d):
    for name, sql, want in [
        ("fts3tok", "SELECT fts3_tokenizer('simple') AS p", r"fts3_tokenizer"),
        ("loadext", "SELECT load_extension('/tmp/x.so') AS p", r"load_extension"),
        ("readfile", "SELECT readfile('/etc/passwd') AS p", r"readfile"),
    ]:
        path = script(d, name, f'report.db:query("{sql}")')
        status, err, _, _ = run(d, path)
        expect_failure(d, f"SQL {sql}", status, err,
                       re.escape(name) + r"\.lua:4: query failed: .*" + want + r".*\(SQL: SELECT")
        check("not authorized" in err or "no such function" in err,
              f"SQL {sql}: neither refused nor unknown: {first_line(err)}")
    # What reports use keeps working: core, aggregate, window, date, math, JSON.
    body = (
        'local v = report.db:query([[SELECT printf("%.1f", avg(x)) AS a, sum(x) AS s, count(*) AS n,\n'
        '  max(x) AS mx, group_concat(x, "+") AS g, date("2019-01-31", "+1 day") AS d,\n'
        '  json_object("k", 2) AS j, round(sqrt(16.0)) AS r, upper("ab") AS u,\n'
        '  coalesce(NULL, "c") AS c, substr("abcdef", 2, 3) AS sub FROM t]])[1]\n'
        'local w = report.db:query("SELECT x, rank() OVER (ORDER BY x DESC) AS k, '
        'lag(x) OVER (ORDER BY x) AS l FROM t ORDER BY x LIMIT 2")\n'
        'doc:paragraph(table.concat({v.a, v.s, v.n, v.mx, v.g, v.d, v.j, v.r, v.u, v.c, v.sub,'
        ' w[1].k, w[2].l}, " | "))\n')
    path = script(d, "allowed", body)
    out = os.path.join(d, "allowed.pdf")
    r = subprocess.run([REPORTC, "build", path, "-o", out, "--db", os.path.join(d, "facts.db")],
                       capture_output=True, text=True, timeout=60)
    if check(r.returncode == 0, f"allowed SQL functions: {first_line(r.stderr)}"):
        text = re.sub(r"\s+", " ", pdf_text(out))
        want = '5.5 | 55 | 10 | 10 | 1+2+3+4+5+6+7+8+9+10 | 2019-02-01 | {"k":2} | 4.0 | AB | c | bcd | 10 | 1'
        check(want in text, f"allowed SQL functions: text '{text[:300]}' lacks '{want}'")
        os.unlink(out)


# ---- images -----------------------------------------------------------------

def png_chunk(t, data):
    return struct.pack(">I", len(data)) + t + data + struct.pack(">I", zlib.crc32(t + data))


def rgb_png(w=32, h=16):
    raw = b"".join(b"\x01" + bytes((x * 5 + y * 9) & 255 for x in range(w * 3)) for y in range(h))
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + png_chunk(b"IDAT", zlib.compress(raw)) + png_chunk(b"IEND", b""))


def jpeg(d):
    """A small JPEG from cjpeg (libjpeg-turbo-progs), or None."""
    ppm = os.path.join(d, "j.ppm")
    with open(ppm, "wb") as f:
        f.write(b"P6\n16 16\n255\n" + bytes((i * 37) & 255 for i in range(16 * 16 * 3)))
    try:
        r = subprocess.run(["cjpeg", "-quality", "75", ppm], capture_output=True, timeout=30)
    except FileNotFoundError:
        return None
    os.unlink(ppm)
    return r.stdout if r.returncode == 0 else None


def test_images(d):
    good = rgb_png()
    idat = good.index(b"IDAT") - 4
    idat_len = struct.unpack(">I", good[idat:idat + 4])[0]
    bad_zlib = bytearray(good)
    bad_zlib[idat + 8 + 2] ^= 0xFF                     # inside the deflate data
    crc = zlib.crc32(bytes(bad_zlib[idat + 4:idat + 8 + idat_len]))
    bad_zlib[idat + 8 + idat_len:idat + 12 + idat_len] = struct.pack(">I", crc)
    bad_crc = bytearray(good)
    bad_crc[idat + 8 + idat_len] ^= 1
    absurd = (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", 1000000, 1000000, 8, 6, 0, 0, 0))
              + good[idat:])
    cases = [
        ("truncated PNG", "cut.png", good[:idat + 8 + idat_len // 2], r"truncated IDAT data"),
        ("bad zlib data", "zlib.png", bytes(bad_zlib), r"bad zlib data in IDAT|bad filter type|IDAT data too short"),
        ("bad CRC", "crc.png", bytes(bad_crc), r"bad CRC in IDAT chunk"),
        ("absurd size", "absurd.png", absurd, r"image of 1000000x1000000 pixels too large"),
        ("not an image", "text.png", b"hello, world\n" * 10, r"not a PNG or JPEG image"),
    ]
    j = jpeg(d)
    if j is None:
        skip("the JPEG cases: cjpeg (libjpeg-turbo-progs, in make deps) is not installed")
    else:
        sos = j.index(b"\xff\xda")
        sos_len = struct.unpack(">H", j[sos + 2:sos + 4])[0]
        cases.append(("JPEG without scan data", "noscan.jpg", j[:sos + 2 + sos_len] + b"\xff\xd9",
                      r"no scan data"))
        cases.append(("truncated JPEG", "cut.jpg", j[:len(j) // 2 + sos // 2], r"truncated|no end of image"))
    for what, name, data, want in cases:
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)
        path = script(d, "img", 'doc:paragraph("y")\n' f'doc:image{{ path = "{name}", width = 100 }}')
        status, err, _, _ = run(d, path)
        line_want = r"img\.lua:5: image '" + re.escape(name) + "': " + f"({want})"
        expect_failure(d, what, status, err, line_want)
    for name, data in [("good.png", good), ("good.jpg", j)]:
        if data is None:
            continue
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)
        path = script(d, "img", f'doc:image{{ path = "{name}", width = 100 }}')
        status, err, _, _ = run(d, path)
        out = os.path.join(d, "out.pdf")
        if check(status == 0, f"a valid {name}: exit {status}: {first_line(err)}"):
            r = subprocess.run(["pdfimages", "-list", out], capture_output=True, text=True)
            rows = r.stdout.splitlines()[2:]
            check(len(rows) == 1 and (" 32 " in rows[0] or " 16 " in rows[0]),
                  f"{name}: pdfimages lists {rows}")
            q = subprocess.run(["qpdf", "--check", out], capture_output=True, text=True)
            check(q.returncode == 0, f"{name}: qpdf --check: {q.stdout[-200:]}")
            os.unlink(out)


# ---- batch: limits per job --------------------------------------------------------

BATCH_SCRIPT = """local report = require "report"
local doc = report.document{ title = "t" }
local mode = report.param("mode", "ok")
doc:paragraph("job " .. mode)
if mode:sub(1, 4) == "hang" then xpcall(error, function() while true do end end) end
if mode:sub(1, 3) == "hog" then
  for i = 1, 16 do doc:paragraph(string.rep("x", 64 * 1024 * 1024)) end
end
if mode:sub(1, 4) == "half" then doc:paragraph(string.rep("x", 80 * 1024 * 1024):sub(1, 10)) end
if mode:sub(1, 4) == "spin" then
  local n = 0
  for i = 1, tonumber(report.param("n", "0")) do n = n + i end
end
return doc
"""


def batch(d, *args, timeout=120):
    started = time.monotonic()
    r = subprocess.run([REPORTC, "batch", os.path.join(d, "bat.lua"), "--db", os.path.join(d, "facts.db"),
                        "-j", "1", *args], capture_output=True, text=True, timeout=timeout)
    return r, time.monotonic() - started


def test_batch(d):
    with open(os.path.join(d, "bat.lua"), "w") as f:
        f.write(BATCH_SCRIPT)
    out = os.path.join(d, "b")
    summary = os.path.join(d, "summary.json")
    r, seconds = batch(d, "--each", "mode=ok1,hang1,ok2,hang2,ok3", "-o", out + "/{mode}.pdf",
                       "--time-limit", str(TIME_LIMIT), "--summary", summary)
    print(f"INFO batch of 5 jobs, 2 runaways, --time-limit {TIME_LIMIT}: exit {r.returncode} "
          f"after {seconds:.1f} s")
    check(r.returncode == 1, f"batch with runaway jobs: exit {r.returncode}: {r.stderr[-300:]}")
    made = sorted(os.listdir(out)) if os.path.isdir(out) else []
    check([f for f in made if f.endswith(".pdf")] == ["ok1.pdf", "ok2.pdf", "ok3.pdf"],
          f"batch outputs: {made}")
    check(not [f for f in made if ".tmp-" in f], f"batch left temporary files: {made}")
    if os.path.exists(summary):
        with open(summary) as f:
            jobs = json.load(f)["jobs"]
        for job in jobs:
            hang = job["params"]["mode"].startswith("hang")
            check(job["status"] == ("failed" if hang else "ok"), f"batch job {job['params']}: {job['status']}")
            if hang:
                check("time limit of 2 s exceeded" in job.get("error", ""),
                      f"batch job {job['params']}: error '{job.get('error')}'")
    else:
        check(False, "batch wrote no summary")
    check(seconds <= 2 * (TIME_LIMIT + 2) + 15, f"batch took {seconds:.1f} s")

    # Memory per job too: a hog fails alone; jobs that each use about 160 MB
    # of a 200 MB limit all build in the same worker, before and after it.
    if ASAN:
        skip("memory limits per batch job: an AddressSanitizer build has no RLIMIT_DATA")
    else:
        r, seconds = batch(d, "--each", "mode=half1,hog1,half2,half3", "-o", out + "/{mode}.pdf",
                           "--memory-limit", str(MEMORY_MB))
        made = sorted(f for f in os.listdir(out) if f.startswith(("half", "hog")) and f.endswith(".pdf"))
        check(r.returncode == 1 and "hog1" in r.stderr and "memory limit of 200 MB exceeded" in r.stderr,
              f"batch memory hog: exit {r.returncode}: {r.stderr[-300:]}")
        check(made == ["half1.pdf", "half2.pdf", "half3.pdf"], f"batch under a memory limit made {made}")

    # A warm worker: jobs that each take well under the limit but together
    # over it all succeed, so the limit is counted per job.
    limit = 4
    times = []
    for n in (1000000, 30000000):
        r, t = batch(d, "--each", "mode=spin0", "-D", f"n={n}", "-o", out + "/{mode}.pdf")
        if not check(r.returncode == 0, f"calibration job failed: {r.stderr[-300:]}"):
            return
        times.append(t)
    per_step = max((times[1] - times[0]) / 29000000, 1e-9)
    n = int(limit * 0.35 / per_step)
    r, seconds = batch(d, "--each", "mode=spin1,spin2,spin3,spin4", "-D", f"n={n}",
                       "-o", out + "/{mode}.pdf", "--time-limit", str(limit), timeout=300)
    print(f"INFO warm worker: 4 jobs of about {limit * 0.35:.1f} s each under --time-limit {limit}: "
          f"exit {r.returncode} after {seconds:.1f} s")
    if seconds <= limit + 1:
        print("INFO the jobs ran faster than calibrated; the per-job check shows nothing this run")
    check(r.returncode == 0, f"warm worker: jobs failed together past the per-job limit: {r.stderr[-400:]}")


def main():
    with tempfile.TemporaryDirectory() as d:
        make_db(d)
        test_options(d)
        test_time_limits(d)
        test_memory_limits(d)
        test_sql_functions(d)
        test_images(d)
        test_batch(d)
    return finish()


if __name__ == "__main__":
    sys.exit(main())
