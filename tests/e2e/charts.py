"""Chart geometry against data, from the display list: every bar's length,
every slice's angle and every point's position must match its value within
0.5%; every chart label must be text in the PDF (pdftotext finds it), not a
path; bad chart data must give an error naming the chart and the row.

Builds each example script with --display-list.  Run from the repository
root; ends with "N passed, N failed"."""

import glob
import math
import os
import re
import subprocess
import sys
import tempfile

REPORTC = os.environ.get("REPORTC", "./reportc")
TOL = 0.005
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import suite  # noqa: E402
from suite import check, finish  # noqa: E402


def close(got, want, scale):
    """Within 0.5% of the expected size (scale: the full extent, for 0)."""
    return abs(got - want) <= TOL * max(abs(want), 1e-9) + 1e-6 * scale


def path_bbox(page, index):
    return page["paths"][index]["bbox"]


def check_bar(chart, page, m, name):
    x0, y0, x1, y1 = path_bbox(page, m["path"])
    px0, py0, px1, py1 = chart["plot"]
    span = (px1 - px0) if chart["horizontal"] else (py1 - py0)
    scale = span / (chart["hi"] - chart["lo"])
    got = (x1 - x0) if chart["horizontal"] else (y1 - y0)
    want = abs(m["value"]) * scale if chart["stacked"] else abs(m["value"] - chart["base"]) * scale
    check(close(got, want, span),
          f"{name}: bar series {m['series']} row {m['cat'] + 1} value {m['value']}: "
          f"length {got:.3f}, want {want:.3f}")


def slice_sweep(ops, donut):
    """Angle of a slice path, clockwise from its first radius to its last."""
    def angle(x, y, cx, cy):
        return math.atan2(x - cx, y - cy)  # 0 at 12 o'clock, clockwise
    start = ops[1][1:3]
    if donut:
        # M inner, L outer start, C... outer arc, L inner end, C... inner arc, Z
        k = next(i for i in range(2, len(ops)) if ops[i][0] == "L")
        end = ops[k - 1][5:7]
    else:
        end = ops[-2][5:7]
    return start, end


def check_slices(chart, page, marks, name):
    by_series = {}
    for m in marks:
        by_series.setdefault(m["series"], []).append(m)
    for series, ms in by_series.items():
        total = sum(m["value"] for m in ms)
        covered = 0.0
        for m in ms:
            want = m["value"] / total
            check(close(m["fraction"], want, 1),
                  f"{name}: slice {m['cat'] + 1} fraction {m['fraction']}, want {want}")
            ops = page["paths"][m["path"]]["ops"]
            (sx, sy), (ex, ey) = slice_sweep(ops, chart["kind"] == "donut")
            a0 = math.atan2(sx - m["cx"], sy - m["cy"])
            a1 = math.atan2(ex - m["cx"], ey - m["cy"])
            sweep = (a1 - a0) % (2 * math.pi)
            if want > 0.999:
                sweep = 2 * math.pi
            check(close(sweep, want * 2 * math.pi, 2 * math.pi),
                  f"{name}: series {series} slice {m['cat'] + 1} ({m['value']}): "
                  f"angle {math.degrees(sweep):.3f} deg, want {want * 360:.3f}")
            covered += sweep
        check(abs(covered - 2 * math.pi) < 1e-3, f"{name}: series {series} slices cover {covered}")


def check_point(chart, m, name):
    px0, py0, px1, py1 = chart["plot"]
    lo, hi = (chart["lo2"], chart["hi2"]) if m["axis"] else (chart["lo"], chart["hi"])
    f = (m["value"] - lo) / (hi - lo)
    if chart["invert"] and not m["axis"]:
        f = 1 - f
    want = py0 + f * (py1 - py0)
    check(close(m["cy"] - py0, want - py0, py1 - py0),
          f"{name}: point series {m['series']} row {m['cat'] + 1} value {m['value']}: "
          f"y {m['cy']:.3f}, want {want:.3f}")


def check_example(script):
    with tempfile.TemporaryDirectory() as d:
        pdf, dl, r = suite.build(script, d)
        if not check(dl is not None, f"{script}: {r.stderr.strip()}"):
            return 0
        flat = re.sub(r"\s+", "", suite.pdf_text(pdf))
    for chart in dl["charts"]:
        name = f"{script} chart {chart['number']} ({chart['kind']})"
        page = dl["pages"][chart["page"]]
        slices = [m for m in chart["marks"] if m["kind"] == "s"]
        for m in chart["marks"]:
            if m["kind"] == "b":
                check_bar(chart, page, m, name)
            elif m["kind"] == "p" and chart["kind"] != "scatter":
                check_point(chart, m, name)
        if slices:
            check_slices(chart, page, slices, name)
    labels = [t["text"] for p in dl["pages"] for t in p["texts"] if t["role"] == "chart"]
    for label in labels:
        check(re.sub(r"\s+", "", label) in flat, f"{script}: chart label {label!r} is not PDF text")
    return len(dl["charts"])


def check_bad_data():
    cases = [
        ("bad-number", 'rows = {{n="甲", v=1}, {n="乙", v="abc"}}', r"chart 'T': row 2 \(乙\).*abc.*not a number"),
        ("negative-pie", 'kind = "pie", rows = {{n="甲", v=1}, {n="乙", v=-3}}', r"chart 'T': row 2 \(乙\).*negative"),
        ("empty", 'rows = {}', r"chart 'T': the query returned no rows"),
    ]
    with tempfile.TemporaryDirectory() as d:
        for name, opts, pattern in cases:
            script = os.path.join(d, name + ".lua")
            with open(script, "w") as f:
                f.write('local report = require "report"\nlocal doc = report.document{}\n'
                        f'doc:chart{{ caption = "T", label = "n", value = "v", {opts} }}\nreturn doc\n')
            out = os.path.join(d, name + ".pdf")
            r = subprocess.run([REPORTC, "build", script, "-o", out], capture_output=True, text=True)
            first = r.stderr.splitlines()[0] if r.stderr else ""
            check(r.returncode == 1 and re.search(name + r"\.lua:3: " + pattern, first),
                  f"{name}: exit {r.returncode}, message {first!r}")
            check(not os.path.exists(out), f"{name}: left {out}")


def main():
    total = 0
    for script in sorted(glob.glob("scripts/*.lua")):
        total += check_example(script)
    check(total >= 4, f"only {total} charts in the examples")
    print(f"INFO checked {total} example charts")
    check_bad_data()
    return finish()


if __name__ == "__main__":
    sys.exit(main())
