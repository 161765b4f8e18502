"""The PDF writer's output is the same as a reference build's, stream by
stream (issue 12: the content writer without printf, and compression by
libdeflate, must not change what a PDF says).

Every example (scripts/examples.sh) is built with SOURCE_DATE_EPOCH set by
$REPORTC and by a reference reportc: $REPORTC_REF when set, else one built
here from git commit $BYTES_REF exported into a temporary folder.  The
default, acf122b, is main just before the writer without printf and
libdeflate were merged (it has every other change of that merge); a later
change that alters the output on purpose moves it to main before itself.  Both
PDFs are rewritten by qpdf with every stream decoded and no object streams
(--qdf --decode-level=generalized --compress-streams=n; --deterministic-id,
as libharu writes no /ID and qpdf would make one up), so that only the
compression differs between them, and compared byte for byte: page
content, font programs, ToUnicode, dictionaries.  Negative control: the
comparison tells two ASEAN briefs apart.

Skips when there is no reference: no $REPORTC_REF and no git checkout
holding $BYTES_REF.
"""

import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import suite  # noqa: E402
from suite import check, skip, finish  # noqa: E402


def reference(tmp):
    """A reference reportc: $REPORTC_REF, or built from $BYTES_REF; None when neither."""
    ref = os.environ.get("REPORTC_REF")
    if ref:
        return ref
    commit = os.environ.get("BYTES_REF", "acf122b")
    if subprocess.run(["git", "cat-file", "-e", commit + "^{commit}"],
                      capture_output=True).returncode != 0:
        return None
    src = os.path.join(tmp, "ref")
    os.mkdir(src)
    archive = subprocess.run(["git", "archive", commit], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", src], input=archive, check=True)
    r = subprocess.run(["make", "-j2", "reportc"], cwd=src, capture_output=True, text=True)
    if not check(r.returncode == 0, f"building the reference {commit}: {r.stderr[-500:]}"):
        return None
    return os.path.join(src, "reportc")


def decoded(pdf):
    """The PDF with its streams decoded, as qpdf normalises it."""
    r = subprocess.run(["qpdf", "--qdf", "--object-streams=disable", "--compress-streams=n",
                        "--decode-level=generalized", "--deterministic-id", pdf, "-"], capture_output=True)
    check(r.returncode == 0, f"qpdf on {pdf}: {r.stderr.decode()[-300:]}")
    return r.stdout


def differing_lines(a, b):
    """How many lines of two decoded PDFs differ (position by position)."""
    la, lb = a.split(b"\n"), b.split(b"\n")
    return sum(x != y for x, y in zip(la, lb)) + abs(len(la) - len(lb))


def main():
    os.environ["SOURCE_DATE_EPOCH"] = "1700000000"
    with tempfile.TemporaryDirectory() as tmp:
        ref = reference(tmp)
        if ref is None:
            skip("no reference reportc ($REPORTC_REF, or git commit $BYTES_REF)")
            return finish()
        new_dir, ref_dir = os.path.join(tmp, "new"), os.path.join(tmp, "old")
        new = suite.build_examples(new_dir)
        suite.REPORTC = ref
        old = suite.build_examples(ref_dir)
        check(len(new) >= 10 and [os.path.basename(p) for p in new] ==
              [os.path.basename(p) for p in old], "both builds made the same examples")
        for a, b in zip(new, old):
            da, db = decoded(a), decoded(b)
            check(da == db, f"{os.path.basename(a)}: {differing_lines(da, db)} lines of its "
                  "decoded objects differ from the reference's")
        if len(new) >= 2:
            sgp = [p for p in new if p.endswith("asean_SGP.pdf")]
            mys = [p for p in new if p.endswith("asean_MYS.pdf")]
            if sgp and mys:
                check(decoded(sgp[0]) != decoded(mys[0]),
                      "negative control: two ASEAN briefs compare equal")
    return finish()


if __name__ == "__main__":
    sys.exit(main())
