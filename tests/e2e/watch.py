"""`reportc watch`: rebuild on change, keep the last good PDF on error.

In a temporary folder, a script that requires a module and queries the
fact store is watched.  Editing the module (in place, and by writing a new
file and renaming it over the old one, as many editors save) rebuilds the
PDF; a syntax error in the module leaves the PDF as it was and prints the
error with the module's file:line; fixing it rebuilds; a change to the
fact store rebuilds; SIGTERM and SIGINT end watch with 128+N, leaving no
temporary file.  Rebuild latencies are printed (INFO), never judged.
Run from the repository root; ends with "N passed, N failed"."""

import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from suite import REPORTC, check, finish, pdf_text  # noqa: E402

SCRIPT = '''local report = require "report"
local m = require "mod"
local n = report.db:value("SELECT count(*) FROM notes")
local doc = report.document{ title = "watch test" }
doc:heading(1, m.title)
doc:paragraph(string.format("笔记共 %d 条。", n))
return doc
'''


class Watch:
    """reportc watch in the background, its stderr collected line by line."""

    def __init__(self, args, cwd):
        self.lines = []
        self.proc = subprocess.Popen([os.path.abspath(REPORTC), "watch", *args], cwd=cwd, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stderr:
            self.lines.append(line.rstrip("\n"))

    def wait_line(self, pred, after, timeout=30):
        """The first line from index `after` on that satisfies pred."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            for i in range(after, len(self.lines)):
                if pred(self.lines[i]):
                    return i, self.lines[i]
            if self.proc.poll() is not None and not self.reader.is_alive():
                break
            time.sleep(0.01)
        return None, None

    def stop(self, sig):
        self.proc.send_signal(sig)
        try:
            status = self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            status = None
        self.reader.join(timeout=5)
        return status


def write(path, text, rename=False):
    if rename:
        with open(path + ".new", "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(path + ".new", path)
    else:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)


def read_bytes(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return None


def rebuilt(w, after, what, pdf, expect):
    """Wait for the next 'built' line; check the PDF says `expect`."""
    t0 = time.time()
    i, line = w.wait_line(lambda s: " built " in s or "not rebuilt" in s, after)
    elapsed = time.time() - t0
    ok = check(line is not None and " built " in line, f"{what}: the PDF is rebuilt: {line} {w.lines[-5:]}")
    if ok:
        print(f"INFO {what}: rebuilt {elapsed:.2f} s after the change")
        text = pdf_text(pdf)
        check(expect in text, f"{what}: the new PDF says {expect!r}: {text[:120]!r}")
    return (i + 1) if i is not None else len(w.lines)


def run(tmp):
    script, mod, pdf = (os.path.join(tmp, n) for n in ("brief.lua", "mod.lua", "out.pdf"))
    db = os.path.join(tmp, "facts.db")
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE notes(x)")
    con.execute("INSERT INTO notes VALUES(1)")
    con.commit()
    con.close()
    write(script, SCRIPT)
    write(mod, 'return { title = "第一版标题" }\n')
    w = Watch([script, "-o", pdf, "--db", db], tmp)
    try:
        at = rebuilt(w, 0, "the first build", pdf, "第一版标题")
        time.sleep(0.2)
        write(mod, 'return { title = "第二版标题" }\n')
        at = rebuilt(w, at, "editing the required module", pdf, "第二版标题")
        time.sleep(0.2)
        write(mod, 'return { title = "第三版标题" }\n', rename=True)
        at = rebuilt(w, at, "a module saved by rename", pdf, "第三版标题")

        good = read_bytes(pdf)
        time.sleep(0.2)
        write(mod, 'return { title = = "坏" }\n')
        i, line = w.wait_line(lambda s: " built " in s or "not rebuilt" in s, at)
        check(line is not None and "not rebuilt" in line and "mod.lua:1:" in line,
              f"a syntax error is printed with the module's file:line: {line}")
        time.sleep(0.3)
        check(read_bytes(pdf) == good, "the failed build leaves the last good PDF in place")
        check(subprocess.run(["qpdf", "--check", pdf], capture_output=True).returncode == 0,
              "and it is still a valid PDF")
        at = (i + 1) if i is not None else len(w.lines)
        write(mod, 'return { title = "修好的标题" }\n')
        at = rebuilt(w, at, "fixing the error", pdf, "修好的标题")

        time.sleep(0.2)
        con = sqlite3.connect(db)
        con.execute("INSERT INTO notes VALUES(2)")
        con.commit()
        con.close()
        at = rebuilt(w, at, "a change to the fact store", pdf, "笔记共 2 条")

        time.sleep(0.3)
        before = len(w.lines)
        write(os.path.join(tmp, "unrelated.txt"), "x")
        time.sleep(0.5)
        check(not any(" built " in s for s in w.lines[before:]),
              f"a file the build did not read changes nothing: {w.lines[before:]}")
    finally:
        status = w.stop(signal.SIGTERM)
    check(status == 128 + signal.SIGTERM, f"SIGTERM ends watch with {128 + signal.SIGTERM}, got {status}")
    check(any("watch stopped" in s for s in w.lines), f"it says it stopped: {w.lines[-3:]}")
    check(not [f for f in os.listdir(tmp) if ".tmp-" in f], f"no temporary file left: {os.listdir(tmp)}")

    w = Watch([script, "-o", pdf, "--db", db], tmp)
    w.wait_line(lambda s: " built " in s, 0)
    status = w.stop(signal.SIGINT)
    check(status == 128 + signal.SIGINT, f"SIGINT ends watch with {128 + signal.SIGINT}, got {status}")

    later = os.path.join(tmp, "later.lua")
    w = Watch([later, "-o", os.path.join(tmp, "later.pdf"), "--db", db], tmp)
    i, line = w.wait_line(lambda s: "not rebuilt" in s, 0)
    check(line is not None and "later.lua" in line, f"a script not there yet: the error names it: {line}")
    write(later, SCRIPT)
    _, line = w.wait_line(lambda s: " built " in s, (i or 0) + 1)
    check(line is not None, f"creating the script starts the build: {w.lines[-3:]}")
    w.stop(signal.SIGTERM)

    for spec, host, public in (("0", "http://127.0.0.1:", False), ("[::1]:0", "http://[::1]:", False),
                               ("0.0.0.0:0", "http://0.0.0.0:", True)):
        w = Watch([script, "-o", pdf, "--db", db, "--serve", spec], tmp)
        _, line = w.wait_line(lambda s: s.startswith("reportc: preview at "), 0)
        warned = any("reachable from other machines" in s for s in w.lines)
        w.stop(signal.SIGTERM)
        if spec.startswith("[::1]") and line is None and any("cannot listen" in s for s in w.lines):
            print("INFO no IPv6 loopback here: --serve [::1]:0 not checked")
            continue
        check(line is not None and line.split()[-1].startswith(host) and warned == public,
              f"--serve {spec} listens on {host}... (warning about other machines: {public}): {w.lines[:3]}")

    r = subprocess.run([REPORTC, "watch"], capture_output=True, text=True)
    check(r.returncode == 2 and "watch needs a script" in r.stderr, f"no script: usage error: {r.stderr[:200]}")
    r = subprocess.run([REPORTC, "watch", script, "--serve", "localhost:80x"], capture_output=True, text=True)
    check(r.returncode == 2 and "--serve" in r.stderr, f"a bad --serve is a usage error: {r.stderr[:200]}")


with tempfile.TemporaryDirectory(prefix="reportc-watch-") as tmp:
    run(tmp)
sys.exit(finish())
