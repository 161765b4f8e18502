"""End-to-end checks of `reportc batch`: a broken job fails alone; a batch
stopped by SIGTERM leaves only complete PDFs and a re-run with
--skip-unchanged builds just the rest; a worker killed with SIGKILL costs
one job and leaves no temporary file; shards 1/3..3/3 cover every job
exactly once; -j 1 and -j 2 give byte-identical PDFs, and a warm worker's
PDFs (fonts, font programs and compiled modules kept) are each job's own
`reportc build`, byte for byte; month keywords,
CSV job lists and usage errors; a changed --compress level rebuilds
under --skip-unchanged; and `make bench` (tests/bench.sh) prints
its figures.

Run from the repository root.  Uses out/facts.db when it exists, else a
small fact store made here.  Prints FAIL lines and ends with
"N passed, N failed"."""

import glob
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

REPORTC = os.environ.get("REPORTC", "./reportc")
SCRIPT = "tests/lua/batch_brief.lua"
STATES = "SGP,MYS,THA,IDN,VNM,PHL,BRN,LAO,MMR,KHM"
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from suite import check, finish  # noqa: E402


def env_with(extra=None):
    e = dict(os.environ)
    e.update(extra or {})
    return e


def batch(*args, env=None):
    return subprocess.run([REPORTC, "batch", SCRIPT, "--db", DB, *args],
                          capture_output=True, text=True, env=env_with(env))


def pdfs(folder):
    return sorted(glob.glob(os.path.join(folder, "**", "*.pdf"), recursive=True))


def strays(folder):
    """Temporary files: <output>.tmp-XXXXXX, <output>.inputs.tmp-XXXXXX."""
    out = []
    for root, _, files in os.walk(folder):
        out += [os.path.join(root, f) for f in files if ".tmp-" in f]
    return out


def summary(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def qpdf_ok(path):
    return subprocess.run(["qpdf", "--check", path], capture_output=True).returncode == 0


def make_fact_store(path):
    """The gci table the example brief reads, for machines where `make`
    has not built out/facts.db."""
    rows = [("SGP", "新加坡", "Singapore", 6), ("MYS", "马来西亚", "Malaysia", 8),
            ("THA", "泰国", "Thailand", 35), ("IDN", "印度尼西亚", "Indonesia", 41),
            ("VNM", "越南", "Viet Nam", 50), ("PHL", "菲律宾", "Philippines", 58),
            ("BRN", "文莱", "Brunei Darussalam", 64), ("LAO", "老挝", "Lao P.D.R.", 120),
            ("KHM", "柬埔寨", "Cambodia", 131), ("MMR", "缅甸", "Myanmar", 134)]
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE sources(id TEXT PRIMARY KEY, title TEXT, publisher TEXT, published TEXT)")
    db.execute("INSERT INTO sources VALUES('itu-gci-2018', 'Global Cybersecurity Index 2018', 'ITU', '2019')")
    db.execute("CREATE TABLE gci(year INTEGER, iso3 TEXT, country_zh TEXT, country_en TEXT,"
               " rank_global INTEGER, source_id TEXT, locator TEXT)")
    db.executemany("INSERT INTO gci VALUES(2018, ?, ?, ?, ?, 'itu-gci-2018', 'test data')", rows)
    db.commit()
    db.close()


# ---- one broken job among forty ---------------------------------------------

def test_broken_job(tmp):
    out = os.path.join(tmp, "broken")
    r = batch("--each", "country=" + STATES, "--each", "period=2019-01..2019-04",
              "-D", "fail=LAO:2019-03", "-o", out + "/{country}/{period}.pdf", "-j", "2",
              "--summary", out + "/summary.json")
    check(r.returncode == 1, f"a batch with a failed job exits 1, got {r.returncode}: {r.stderr[-400:]}")
    check(len(pdfs(out)) == 39, f"39 of 40 PDFs built, got {len(pdfs(out))}")
    check(not os.path.exists(out + "/LAO/2019-03.pdf"), "the broken job wrote no PDF")
    check("country=LAO period=2019-03" in r.stderr and "no figures for LAO in 2019-03" in r.stderr,
          f"stderr names the broken job and its error: {r.stderr[-400:]}")
    check(r.stderr.count("failed (") == 1, f"only one job reported failed: {r.stderr[-400:]}")
    check(not strays(out), f"no temporary files left: {strays(out)}")
    s = summary(out + "/summary.json")
    bad = [j for j in s["jobs"] if j["status"] == "failed"]
    check(s["ok"] == 39 and len(bad) == 1 and bad[0]["params"]["country"] == "LAO"
          and "no figures" in bad[0].get("error", ""),
          f"the summary lists 39 ok and the failure with its error: {bad}")


# ---- stopped midway, then resumed ----------------------------------------------

def test_interrupt_and_resume(tmp):
    out = os.path.join(tmp, "resume")
    args = [REPORTC, "batch", SCRIPT, "--db", DB, "--each", "country=" + STATES,
            "--each", "period=2019-01..2019-04", "-D", "spin=1500000",
            "-o", out + "/{country}-{period}.pdf", "-j", "2"]
    proc = subprocess.Popen(args + ["--summary", out + "/first.json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 30
    while time.time() < deadline and proc.poll() is None and len(pdfs(out)) < 6:
        time.sleep(0.01)
    stopped_midway = proc.poll() is None
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    if not check(stopped_midway, "the batch was still running when six PDFs existed "
                 "(make the jobs slower: -D spin)"):
        return
    check(proc.returncode != 0, f"a stopped batch exits non-zero, got {proc.returncode}")
    check("interrupted" in err, f"it says it was interrupted: {err[-300:]}")
    check(not strays(out), f"no temporary files after SIGTERM: {strays(out)}")
    first = pdfs(out)
    check(0 < len(first) < 40, f"the batch stopped midway ({len(first)} of 40 PDFs)")
    check(all(qpdf_ok(p) for p in first), "every PDF left by the stopped batch is complete")
    done = {j["output"]: os.stat(j["output"]) for j in summary(out + "/first.json")["jobs"]
            if j["status"] == "ok"}

    r = subprocess.run(args + ["--skip-unchanged", "--summary", out + "/second.json"],
                       capture_output=True, text=True)
    check(r.returncode == 0, f"the re-run succeeds: {r.stderr[-400:]}")
    after = pdfs(out)
    check(len(after) == 40, f"the re-run completes the batch: {len(after)} PDFs")
    check(all(qpdf_ok(p) for p in after), "every PDF passes qpdf --check after the re-run")
    check(not strays(out), f"no temporary files after the re-run: {strays(out)}")
    second = {j["output"]: j["status"] for j in summary(out + "/second.json")["jobs"]}
    check(done and all(second[p] == "skipped" for p in done),
          "the jobs finished before SIGTERM are skipped on the re-run")
    same = [p for p, st in done.items()
            if (os.stat(p).st_ino, os.stat(p).st_mtime_ns) == (st.st_ino, st.st_mtime_ns)]
    check(len(same) == len(done), f"their PDFs were not rewritten ({len(same)} of {len(done)})")
    check(sum(1 for s in second.values() if s == "ok") == 40 - len(done),
          "every other job is built on the re-run")


# ---- a worker killed outright ---------------------------------------------------------

def test_worker_killed(tmp):
    out = os.path.join(tmp, "killed")
    proc = subprocess.Popen([REPORTC, "batch", SCRIPT, "--db", DB, "--each", "country=" + STATES,
                             "--each", "period=2019-01..2019-04", "-D", "spin=1500000",
                             "-o", out + "/{country}-{period}.pdf", "-j", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 30
    while time.time() < deadline and proc.poll() is None and len(pdfs(out)) < 3:
        time.sleep(0.01)
    try:
        with open(f"/proc/{proc.pid}/task/{proc.pid}/children") as f:
            workers = [int(w) for w in f.read().split()]
    except OSError:
        workers = []
    if workers:
        os.kill(workers[0], signal.SIGKILL)
    _, err = proc.communicate(timeout=60)
    if not check(workers, "found a worker to kill while the batch ran"):
        return
    check(proc.returncode == 1, f"a batch that lost a job to a killed worker exits 1, got {proc.returncode}")
    check("killed by signal 9" in err, f"the job of the killed worker is named: {err[-300:]}")
    # The killed job's own PDF is absent, or complete if the kill came after
    # it was renamed into place (while its record was being written).
    lost = re.search(r"-> (\S+): its worker \(pid \d+\) was killed by signal 9", err)
    others = [p for p in pdfs(out) if lost is None or p != lost.group(1)]
    check(len(others) == 39 and all(qpdf_ok(p) for p in pdfs(out)),
          f"the other 39 jobs were built by a new worker, every PDF complete ({len(others)} PDFs)")
    check(not strays(out), f"no temporary file of the killed worker is left: {strays(out)}")


# ---- shards -----------------------------------------------------------------------

def test_shards(tmp):
    out = os.path.join(tmp, "shards")
    seen = []
    for k, workers in ((1, "1"), (2, "2"), (3, "3")):
        r = batch("--each", "country=" + STATES, "--each", "period=2019-01..2019-04",
                  "-o", out + "/{country}-{period}.pdf", "--shard", f"{k}/3", "-j", workers,
                  "--summary", f"{out}/shard{k}.json")
        check(r.returncode == 0, f"shard {k}/3 succeeds: {r.stderr[-300:]}")
        s = summary(f"{out}/shard{k}.json")
        check(s["total_jobs"] == 40, f"shard {k}/3 knows the whole batch is 40 jobs")
        seen += [(j["index"], j["params"]["country"], j["params"]["period"]) for j in s["jobs"]]
    indices = sorted(i for i, _, _ in seen)
    check(indices == list(range(40)), f"shards cover jobs 0..39 exactly once: {indices}")
    want = {(c, f"2019-{m:02d}") for c in STATES.split(",") for m in range(1, 5)}
    check({(c, p) for _, c, p in seen} == want and len(seen) == 40,
          "shards cover every country x period exactly once")
    check(len(pdfs(out)) == 40, f"the three shards wrote 40 PDFs, got {len(pdfs(out))}")


# ---- reproducible across workers --------------------------------------------------

def test_reproducible(tmp):
    sde = {"SOURCE_DATE_EPOCH": "1700000000"}
    one, two = os.path.join(tmp, "j1"), os.path.join(tmp, "j2")
    for folder, workers in ((one, "1"), (two, "2")):
        r = batch("--each", "country=SGP,MYS,THA", "--each", "period=2019-01..2019-03",
                  "-o", folder + "/{country}-{period}.pdf", "-j", workers, env=sde)
        check(r.returncode == 0, f"-j {workers} batch succeeds: {r.stderr[-300:]}")
    names = [os.path.basename(p) for p in pdfs(one)]
    check(len(names) == 9, f"nine PDFs with -j 1, got {len(names)}")
    differ = [n for n in names if open(os.path.join(one, n), "rb").read()
              != open(os.path.join(two, n), "rb").read()]
    check(not differ, f"-j 1 and -j 2 give byte-identical PDFs (differ: {differ})")
    single = os.path.join(tmp, "single.pdf")
    r = subprocess.run([REPORTC, "build", SCRIPT, "--db", DB, "-o", single, "-D", "country=MYS",
                        "-D", "period=2019-02"], capture_output=True, env=env_with(sde))
    check(r.returncode == 0 and open(single, "rb").read()
          == open(os.path.join(two, "MYS-2019-02.pdf"), "rb").read(),
          "`reportc build` of one job gives the batch's PDF byte for byte")


def font_names(pdf):
    r = subprocess.run(["pdffonts", pdf], capture_output=True, text=True)
    return sorted(line.split()[0] for line in r.stdout.splitlines()[2:] if line.strip())


def test_warm_worker_bytes(tmp):
    """A worker keeps fonts, font programs (by exact glyph set) and compiled
    modules from one job to the next: every PDF of a one-worker batch is
    the PDF `reportc build` makes of that job alone, byte for byte, also
    when the worker re-used a font program (two PDFs with the same subset
    names drew the same glyphs, so the second took the first's program)."""
    sde = {"SOURCE_DATE_EPOCH": "1700000000"}
    cases = [(SCRIPT, DB, "country=SGP,MYS", "period=2019-01..2019-03")]
    if os.path.exists("scripts/asean_brief.lua") and DB == "out/facts.db":
        cases.append(("scripts/asean_brief.lua", DB, "country=SGP,THA", "period=2019-01..2019-02"))
    for script, db, countries, periods in cases:
        name = os.path.basename(script)
        folder = os.path.join(tmp, "warm-" + name)
        r = subprocess.run([REPORTC, "batch", script, "--db", db, "--each", countries, "--each", periods,
                            "-o", folder + "/{country}-{period}.pdf", "-j", "1"],
                           capture_output=True, text=True, env=env_with(sde))
        check(r.returncode == 0, f"warm {name}: the batch succeeds: {r.stderr[-300:]}")
        made = pdfs(folder)
        check(len(made) >= 4, f"warm {name}: its PDFs: {made}")
        differ, fonts = [], {}
        for pdf in made:
            country, period = os.path.basename(pdf)[:-4].split("-", 1)
            alone = os.path.join(tmp, "alone.pdf")
            r = subprocess.run([REPORTC, "build", script, "--db", db, "-o", alone, "-D", "country=" + country,
                                "-D", "period=" + period], capture_output=True, text=True, env=env_with(sde))
            if r.returncode != 0 or open(alone, "rb").read() != open(pdf, "rb").read():
                differ.append(os.path.basename(pdf))
            key = tuple(font_names(pdf))
            fonts[key] = fonts.get(key, 0) + 1
        check(not differ, f"warm {name}: each batch PDF is the job built alone, byte for byte (differ: {differ})")
        check(max(fonts.values()) >= 2,
              f"warm {name}: some PDFs share their font subsets, so a font program was re-used: {fonts}")


# ---- month keywords, CSV, usage ------------------------------------------------------

def test_months_and_csv(tmp):
    out = os.path.join(tmp, "months")
    sde = {"SOURCE_DATE_EPOCH": "1704067200"}      # 2024-01-01 00:00 UTC
    r = batch("--each", "country=SGP", "-D", "period=last-month", "-o", out + "/{period}.pdf",
              "--summary", out + "/s.json", env=sde)
    check(r.returncode == 0 and os.path.exists(out + "/2023-12.pdf"),
          f"-D period=last-month is 2023-12 on 2024-01-01: {r.stderr[-300:]}")
    r = batch("--each", "country=SGP", "--each", "period=2023-11..this-month",
              "-o", out + "/r-{period}.pdf", env=sde)
    check(r.returncode == 0 and [os.path.basename(p) for p in pdfs(out) if "/r-" in p]
          == ["r-2023-11.pdf", "r-2023-12.pdf", "r-2024-01.pdf"],
          f"a month range may end at this-month and crosses the year: {pdfs(out)}")

    csv_path = os.path.join(tmp, "jobs.csv")
    with open(csv_path, "w", encoding="utf-8") as f:
        f.write('country,period\r\nSGP,2019-01\r\n"MYS",2019-02\r\n\r\nTHA,"2019-03"\r\n')
    r = batch("--jobs", csv_path, "-o", out + "/csv/{country}_{period}.pdf", "--summary",
              out + "/csv.json")
    got = [(j["params"]["country"], j["params"]["period"]) for j in summary(out + "/csv.json")["jobs"]] \
        if r.returncode == 0 else []
    check(got == [("SGP", "2019-01"), ("MYS", "2019-02"), ("THA", "2019-03")],
          f"--jobs FILE.csv gives one job per row, in order: {got} {r.stderr[-300:]}")

    for args, what in ((["--each", "country=SGP,MYS", "-o", out + "/{nope}.pdf"], "an unknown {name}"),
                       (["--each", "country=SGP,MYS", "-o", out + "/same.pdf"], "a template shared by jobs"),
                       (["--each", "period=2019-05..2019-01"], "a backwards range"),
                       (["--shard", "4/3"], "a shard beyond N"),
                       (["-j", "0"], "-j 0")):
        r = batch(*args)
        check(r.returncode == 2 and r.stderr.startswith("reportc: "),
              f"{what} is a usage error (exit 2), got {r.returncode}: {r.stderr[:200]}")


# ---- --skip-unchanged sees every file the build read -------------------------------

SKIP_BRIEF = """local report = require "report"
local helper = require "lib.helper"          -- which requires lib.theme.colors
local brief = require "templates.brief"      -- looked for beside this script first
local doc = report.document{ title = "跳过测试", theme = brief.theme }
doc:paragraph(helper.word .. report.param("country"))
doc:image{ path = "logo.png", width = 40 }
return doc
"""


def write_file(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data.encode() if isinstance(data, str) else data)


def tiny_png(rgb):
    import struct
    import zlib
    raw = b"".join(b"\x00" + bytes(rgb) * 2 for _ in range(2))

    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def test_skip_from_reads(tmp):
    proj = os.path.join(tmp, "skip")
    script = os.path.join(proj, "brief.lua")
    colors = os.path.join(proj, "lib", "theme", "colors.lua")
    write_file(script, SKIP_BRIEF)
    write_file(os.path.join(proj, "lib", "helper.lua"),
               'local colors = require "lib.theme.colors"\nreturn { word = colors.word }\n')
    write_file(colors, 'return { word = "稳中有进" }\n')
    write_file(os.path.join(proj, "logo.png"), tiny_png((200, 30, 30)))
    out = os.path.join(proj, "out")

    def run_batch(tag):
        time.sleep(0.25)        # files changed in the last 0.1 s get no record (inputs.c TOO_NEW)
        r = subprocess.run([REPORTC, "batch", script, "--db", DB, "--each", "country=SGP,MYS",
                            "-o", out + "/{country}.pdf", "--skip-unchanged",
                            "--summary", out + "/" + tag + ".json"], capture_output=True, text=True)
        if r.returncode != 0:
            check(False, f"{tag}: the batch succeeds: {r.stderr[-300:]}")
            return []
        return [j["status"] for j in summary(out + "/" + tag + ".json")["jobs"]]

    check(run_batch("first") == ["ok", "ok"], "skip: the first run builds both")
    record = open(out + "/SGP.pdf.inputs", encoding="utf-8").read()
    check(colors in record and os.path.join(proj, "logo.png") in record,
          f"skip: the record lists the module two levels down and the image: {record[:600]}")
    check(run_batch("same") == ["skipped", "skipped"], "skip: nothing changed: both skipped")
    os.utime(colors, (time.time() + 5, time.time() + 5))
    check(run_batch("touched") == ["skipped", "skipped"],
          "skip: a module only touched (contents decide, never timestamps): skipped")
    write_file(colors, 'return { word = "稳步回升" }\n')
    check(run_batch("module") == ["ok", "ok"],
          "skip: an edit to a module two levels down (brief -> lib.helper -> lib.theme.colors) rebuilds")
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", out + "/SGP.pdf", "-"], capture_output=True,
                          text=True).stdout
    check("稳步回升" in text, f"skip: the rebuilt PDF has the edited text: {text[:80]!r}")
    check(run_batch("again") == ["skipped", "skipped"], "skip: unchanged again: skipped")
    write_file(os.path.join(proj, "logo.png"), tiny_png((30, 30, 200)))
    check(run_batch("image") == ["ok", "ok"], "skip: an edited image rebuilds")
    shadow = os.path.join(proj, "templates", "brief.lua")
    write_file(shadow, 'return { theme = {} }\n')
    check(run_batch("shadow") == ["ok", "ok"],
          "skip: a module created where require looks first (shadowing templates/) rebuilds")
    check(run_batch("final") == ["skipped", "skipped"], "skip: and then skips again")
    # A file whose times say it changed just now (here: in the future) cannot
    # vouch by identity: no record, so the next run builds again.
    write_file(colors, 'return { word = "持续向好" }\n')
    os.utime(colors, (time.time() + 60, time.time() + 60))
    check(run_batch("fresh") == ["ok", "ok"] and not os.path.exists(out + "/SGP.pdf.inputs"),
          "skip: a module changed too recently to trust its times: built, no record")
    check(run_batch("fresh2") == ["ok", "ok"], "skip: without a record the job is built again")
    os.utime(colors, (time.time() - 10, time.time() - 10))
    run_batch("settled")
    check(run_batch("settled2") == ["skipped", "skipped"], "skip: once its times settle, skipped again")
    check(not strays(proj), f"skip: no temporary files: {strays(proj)}")


def test_skip_compress(tmp):
    """The deflate level is an input: the same files at another --compress
    make another PDF, so the job is rebuilt; the default spelled out or left
    out is the same level, so that one is skipped."""
    out = os.path.join(tmp, "compress")

    def run_batch(tag, *level):
        r = batch("--each", "country=SGP", "-o", out + "/{country}.pdf", "--skip-unchanged",
                  *level, "--summary", out + "/" + tag + ".json")
        if r.returncode != 0:
            check(False, f"compress {tag}: the batch succeeds: {r.stderr[-300:]}")
            return []
        return [j["status"] for j in summary(out + "/" + tag + ".json")["jobs"]]

    time.sleep(0.25)            # inputs written in the last 0.1 s get no record
    check(run_batch("first") == ["ok"], "compress: the first run builds")
    check(run_batch("same") == ["skipped"], "compress: same options: skipped")
    check(run_batch("named", "--compress=default") == ["skipped"],
          "compress: --compress=default is the level used without the option: skipped")
    size_default = os.path.getsize(out + "/SGP.pdf")
    check(run_batch("small", "--compress=small") == ["ok"], "compress: --compress=small rebuilds")
    record = open(out + "/SGP.pdf.inputs", encoding="utf-8").read()
    check("\ncompress 12\n" in record, f"compress: the record holds the level: {record[:300]}")
    check(run_batch("small2", "--compress=small") == ["skipped"], "compress: small again: skipped")
    check(run_batch("fast", "--compress=fast") == ["ok"], "compress: --compress=fast rebuilds")
    size_fast = os.path.getsize(out + "/SGP.pdf")
    check(size_fast != size_default, f"compress: fast and default differ ({size_fast} vs {size_default})")
    check(run_batch("back") == ["ok"], "compress: back to the default rebuilds")
    check(os.path.getsize(out + "/SGP.pdf") == size_default, "compress: the default PDF again")


# ---- the benchmark ---------------------------------------------------------------------

def test_bench():
    """The brief and the batch cases only, once each, without the before
    binary (building it takes a minute): the table's shape, not its numbers."""
    env = {"RUNS": "1", "BEFORE": "", "BENCH_FONTS_PART": "0", "BENCH_DB": DB,
           "BENCH_CASES": "asean-brief,batch-120-j2"}
    if DB != "out/facts.db":
        env["BENCH_BRIEF"] = "scripts/gci_brief.lua"
    r = subprocess.run(["sh", "tests/bench.sh"], capture_output=True, text=True,
                       env=env_with(env), timeout=600)
    if r.returncode != 0:       # a brief of another part failing: say so, the figures still count
        print("INFO bench exit status %d: %s" % (r.returncode, (r.stdout + r.stderr)[-400:]))
    for figure in ("median of 1 runs", "wall s", "CPU s", "pages/s", "peak MB", "PDF KB", "briefs/s",
                   "ms per brief", "warm worker (-j 1)"):
        check(figure in r.stdout, f"the bench prints '{figure}': {r.stdout[-600:]}")
    rows = [line.split() for line in r.stdout.splitlines()]
    for case in ("asean-brief", "batch-120-j2"):
        row = [f for f in rows if f[:2] == [case, "after"]]
        check(len(row) == 1 and len(row[0]) == 9 and float(row[0][4]) > 0 and int(row[0][5]) > 0,
              f"the bench has a row of figures for {case}: {row}")
    for line in r.stdout.splitlines():
        print("INFO bench: " + line)


with tempfile.TemporaryDirectory(prefix="reportc-batch-") as tmp:
    DB = "out/facts.db"
    if not os.path.exists(DB):
        DB = os.path.join(tmp, "facts.db")
        make_fact_store(DB)
    started = time.time()
    test_broken_job(tmp)
    test_interrupt_and_resume(tmp)
    test_worker_killed(tmp)
    test_shards(tmp)
    test_reproducible(tmp)
    test_warm_worker_bytes(tmp)
    test_months_and_csv(tmp)
    test_skip_from_reads(tmp)
    test_skip_compress(tmp)
    test_bench()
    print(f"INFO batch tests took {time.time() - started:.1f} s")

sys.exit(finish())
