"""End-to-end checks of the monthly pipeline, scripts/monthly/monthly.sh.

In a temporary home (scripts/ linked from the repository, a fact store
built by scripts/facts/build.sh, an inbox): a run in June with nothing
imported builds every state's May brief saying there are no indicators;
the synthetic source and June's file dropped in the inbox, a run with
SOURCE_DATE_EPOCH in July imports both (to inbox/done/), checks the store
and builds every state's June brief with that state's figures and
"数据截至 2019-06（导入于 2019-07-10）"; a second run builds nothing new;
a bad file for July stops an August run with exit 1, FILE.error beside
it and no brief built, and so does a store that fails `facts check`;
the fixed file is imported; a re-delivered month is kept in done/ under a
new name; a run while another holds the lock stops at once.  Also: the systemd units pass `systemd-analyze verify` (installed into a
temporary root: their /srv/reportc paths rewritten to it), and the README's
Slurm script is scripts/slurm/briefs.sh verbatim.

Run from the repository root.  Prints FAIL lines and ends with
"N passed, N failed"."""

import csv
import fcntl
import glob
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile

REPORTC = os.path.abspath(os.environ.get("REPORTC", "./reportc"))
REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
MONTHLY = os.path.join(REPO, "scripts", "monthly", "monthly.sh")
EXAMPLE = os.path.join(REPO, "scripts", "facts", "example")
STATES = "SGP MYS THA IDN VNM PHL BRN LAO MMR KHM".split()
sys.path.insert(0, os.path.join(REPO, "tests", "tools"))
from suite import check, finish, pdf_text, skip  # noqa: E402

JUNE_10 = 1560124800      # 2019-06-10 00:00 UTC
JULY_10 = 1562716800      # 2019-07-10 00:00 UTC
AUG_10 = 1565395200       # 2019-08-10 00:00 UTC


def monthly(home, when, *args):
    env = dict(os.environ, REPORTC_HOME=home, REPORTC=REPORTC, SOURCE_DATE_EPOCH=str(when))
    env.pop("REPORTC_INBOX", None)
    env.pop("REPORTC_DB", None)
    return subprocess.run(["sh", MONTHLY, *args, "-j", "2"], capture_output=True, text=True, env=env)


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def pdfs(home, month):
    return sorted(glob.glob(os.path.join(home, "out", "monthly", month, "*.pdf")))


def make_home(tmp):
    home = os.path.join(tmp, "home")
    os.makedirs(os.path.join(home, "out"))
    os.symlink(os.path.join(REPO, "scripts"), os.path.join(home, "scripts"))
    r = subprocess.run(["sh", os.path.join(REPO, "scripts", "facts", "build.sh"),
                        os.path.join(home, "out", "facts.db")], capture_output=True, text=True)
    check(r.returncode == 0, f"build.sh: {r.stderr.strip()}")
    return home if r.returncode == 0 else None


def expected_figures():
    """{state: [(metric, value text), ...]} from the example month."""
    out = {}
    with open(os.path.join(EXAMPLE, "indicators-2019-06.csv"), encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            v = float(row["value"])
            out.setdefault(row["country"], []).append((row["metric"], f"{v:g}"))
    return out


def test_pipeline(tmp):
    home = make_home(tmp)
    if home is None:
        return
    db = os.path.join(home, "out", "facts.db")
    inbox = os.path.join(home, "inbox")

    # June: nothing delivered yet, so May's briefs say so plainly
    r = monthly(home, JUNE_10)
    check(r.returncode == 0, f"run with an empty store: exit {r.returncode}: {r.stderr.strip()[-300:]}")
    may = pdfs(home, "2019-05")
    check(len(may) == 10, f"May: {len(may)} briefs, want 10")
    if may:
        text = re.sub(r"\s+", "", pdf_text(may[0]))
        check("本期监测指标" in text and "监测指标：本期数据尚未导入" in text,
              "a brief for a month without indicators says there are none")

    # July: the month's file (and its source) in the inbox
    os.makedirs(inbox)
    for name in ("indicators-2019-06.csv", "sources-synthetic.csv"):
        shutil.copy(os.path.join(EXAMPLE, name), inbox)
    r = monthly(home, JULY_10)
    check(r.returncode == 0, f"run with June's file: exit {r.returncode}: {r.stderr.strip()[-500:]}")
    check("sources-synthetic.csv: UTF-8, 1 row -> table sources" in r.stdout and
          r.stdout.index("sources-synthetic.csv") < r.stdout.index("indicators-2019-06.csv"),
          f"the source is imported before the indicators that cite it: {r.stdout!r}")
    check("replacing period 2019-06: 30 added" in r.stdout, f"the month's file is imported: {r.stdout!r}")
    check(sorted(os.listdir(os.path.join(inbox, "done"))) == ["indicators-2019-06.csv", "sources-synthetic.csv"]
          and sorted(os.listdir(inbox)) == ["done"], f"imported files move to done/: {os.listdir(inbox)}")
    june = pdfs(home, "2019-06")
    check([os.path.basename(p) for p in june] == sorted(s + ".pdf" for s in STATES),
          f"June: every state's brief: {[os.path.basename(p) for p in june]}")
    figures = expected_figures()
    for p in june:
        state = os.path.basename(p)[:3]
        text = pdf_text(p)
        flat = re.sub(r"\s+", "", text)
        missing = [(m, v) for m, v in figures[state] if m not in flat or not re.search(
            r"(?<![\d.])" + re.escape(v) + r"(?![\d.])", text)]
        check(not missing, f"{state}: the June brief lacks its figures {missing}")
        check("数据截至2019-06（导入于2019-07-10）" in flat, f"{state}: no 数据截至 … 导入于 line")
        check("合成示例数据" in flat, f"{state}: the synthetic data is not labelled as such")
    stamps = {p: digest(p) for p in june}

    # the same month again: nothing new
    r = monthly(home, JULY_10)
    check(r.returncode == 0, f"second run: exit {r.returncode}: {r.stderr.strip()[-300:]}")
    summary = os.path.join(home, "out", "monthly", "summary.json")
    if not check(os.path.isfile(summary), "second run: no summary.json"):
        return
    with open(summary, encoding="utf-8") as f:
        s = json.load(f)
    check(s["skipped"] == 10 and s["ok"] == 0, f"second run: {s['ok']} built, {s['skipped']} skipped")
    check(all(digest(p) == d for p, d in stamps.items()), "second run: a brief changed")

    # August: a bad July file stops the run before any brief
    bad = open(os.path.join(EXAMPLE, "indicators-2019-06.csv"), encoding="utf-8", newline="").read()
    bad = bad.replace("2019-06", "2019-07").replace(",1661,", ",n/a,")
    with open(os.path.join(inbox, "indicators-2019-07.csv"), "w", encoding="utf-8", newline="") as f:
        f.write(bad)
    before = digest(db)
    r = monthly(home, AUG_10)
    check(r.returncode == 1, f"bad file: exit {r.returncode}, want 1")
    err = os.path.join(inbox, "indicators-2019-07.csv.error")
    check(os.path.isfile(os.path.join(inbox, "indicators-2019-07.csv")), "bad file: it stays in the inbox")
    check(os.path.isfile(err) and "indicators-2019-07.csv:2: column 'value': 'n/a' is not a REAL" in open(err).read(),
          "bad file: FILE.error names the line and column")
    check("indicators-2019-07.csv:2:" in r.stderr, f"bad file: the run's output says why: {r.stderr!r}")
    check(not os.path.exists(os.path.join(home, "out", "monthly", "2019-07")), "bad file: a brief was built")
    check(digest(db) == before, "bad file: the fact store changed")

    # the file fixed: imported, the error report gone, July built
    with open(os.path.join(inbox, "indicators-2019-07.csv"), "w", encoding="utf-8", newline="") as f:
        f.write(bad.replace(",n/a,", ",1700,"))
    r = monthly(home, AUG_10)
    check(r.returncode == 0 and not os.path.exists(err) and len(pdfs(home, "2019-07")) == 10,
          f"fixed file: exit {r.returncode}, {len(pdfs(home, '2019-07'))} briefs: {r.stderr.strip()[-300:]}")

    # a re-delivered month: the first file is kept in done/ under a new name
    shutil.copy(os.path.join(EXAMPLE, "indicators-2019-06.csv"), inbox)
    r = monthly(home, AUG_10)
    done = sorted(os.listdir(os.path.join(inbox, "done")))
    check(r.returncode == 0 and "indicators-2019-06.csv.1" in done and "0 added, 0 changed, 0 removed" in r.stdout,
          f"re-delivery: exit {r.returncode}, done/ {done}")

    # a second run while one holds the lock (flock(2), as flock(1) takes it) stops at once
    if shutil.which("flock"):
        with open(os.path.join(home, "out", "facts.db.monthly-lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            r = monthly(home, AUG_10)
        check(r.returncode == 1 and "another monthly run holds" in r.stderr,
              f"a run while another holds the lock: exit {r.returncode}: {r.stderr.strip()!r}")
    else:
        skip("flock missing (util-linux): the one-run-at-a-time lock not checked")

    # a store that fails facts check builds nothing
    c = sqlite3.connect(db)
    c.execute("INSERT INTO indicators VALUES ('SGP', '2019-08', 'x', 1, '个', 'ghost', 'p')")
    c.commit()
    c.close()
    r = monthly(home, 1568073600)     # 2019-09-10
    check(r.returncode == 1 and "facts check failed" in r.stderr and
          not os.path.exists(os.path.join(home, "out", "monthly", "2019-08")),
          f"a broken store: exit {r.returncode}: {r.stderr.strip()[-300:]}")


def test_units(tmp):
    if shutil.which("systemd-analyze") is None:
        skip("systemd-analyze missing (apt-get install systemd, or make deps): units not verified")
        return
    root = os.path.join(tmp, "root")
    units = os.path.join(root, "etc", "systemd", "system")
    script = os.path.join(root, "srv", "reportc", "scripts", "monthly", "monthly.sh")
    os.makedirs(units)
    os.makedirs(os.path.dirname(script))
    shutil.copy(MONTHLY, script)
    os.chmod(script, 0o755)
    names = ["reportc-monthly.service", "reportc-monthly.timer"]
    for n in names:
        with open(os.path.join(REPO, "scripts", "monthly", n), encoding="utf-8") as f:
            text = f.read()
        check("/srv/reportc" in text or n.endswith(".timer"), f"{n}: expected paths under /srv/reportc")
        with open(os.path.join(units, n), "w", encoding="utf-8") as f:
            f.write(text.replace("/srv/reportc", os.path.join(root, "srv", "reportc")))

    def verify():
        return subprocess.run(["systemd-analyze", "verify", *["./" + n for n in names]], cwd=units,
                              capture_output=True, text=True)
    r = verify()
    check(r.returncode == 0 and not r.stderr.strip(), f"systemd-analyze verify: {r.stderr.strip()}")
    os.chmod(script, 0o644)              # the negative control: verify does look at ExecStart
    r = verify()
    check(r.returncode != 0 and "not executable" in r.stderr, f"verify of a unit whose ExecStart cannot run: {r.stderr!r}")


def test_slurm_script():
    with open(os.path.join(REPO, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    with open(os.path.join(REPO, "scripts", "slurm", "briefs.sh"), encoding="utf-8") as f:
        script = f.read()
    blocks = re.findall(r"```sh\n(.*?)```", readme, re.S)
    check(any(b == script for b in blocks), "README.md's Slurm script is not scripts/slurm/briefs.sh verbatim")
    check(script.startswith("#!/bin/sh\n#SBATCH") and "--shard \"$SLURM_ARRAY_TASK_ID/4\"" in script,
          "scripts/slurm/briefs.sh is the array job")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        test_pipeline(tmp)
        test_units(tmp)
        test_slurm_script()
    sys.exit(finish())


if __name__ == "__main__":
    main()
