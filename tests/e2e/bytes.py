"""Steps 1 and 2 of issue 12 (the content writer without printf, and
compression by libdeflate) did not change what a PDF says, stream by
stream.

The claim is about one change, so the test compares the two commits that
bracket it rather than today's output (which later typography changes
alter on purpose): $BYTES_BEFORE (default acf122b, main just before the
writer and libdeflate were merged) and $BYTES_AFTER (default a36dffe, the
merge that landed them).  Each is exported from git into out/bytes/<commit>
(kept between runs), built there with its own facts store, and builds its
own examples (its scripts/examples.sh) with SOURCE_DATE_EPOCH set.  Both
PDFs of each example are rewritten by qpdf with every stream decoded and no
object streams (--qdf --decode-level=generalized --compress-streams=n;
--deterministic-id, as libharu writes no /ID and qpdf would make one up), so
that only the compression can differ, and compared byte for byte: page
content, font programs, ToUnicode, dictionaries.  Negative control: the
comparison tells two ASEAN briefs apart.

Skips when the checkout has no git history holding both commits (an
exported tarball or a shallow clone).
"""

import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import suite  # noqa: E402
from suite import check, skip, finish  # noqa: E402


ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def built_tree(commit):
    """out/bytes/<commit>: that commit exported and built (reportc and its
    facts store); None when git does not hold it or the build failed."""
    if subprocess.run(["git", "cat-file", "-e", commit + "^{commit}"], cwd=ROOT,
                      capture_output=True).returncode != 0:
        return None
    tree = os.path.join(ROOT, "out", "bytes", commit)
    if not os.path.exists(os.path.join(tree, ".built")):
        shutil.rmtree(tree, ignore_errors=True)
        os.makedirs(tree)
        archive = subprocess.run(["git", "archive", commit], cwd=ROOT, capture_output=True,
                                 check=True).stdout
        subprocess.run(["tar", "-x", "-C", tree], input=archive, check=True)
        r = subprocess.run(["make", "-j2", "reportc", "out/facts.db"], cwd=tree,
                           capture_output=True, text=True)
        if not check(r.returncode == 0, f"building {commit}: {r.stderr[-500:]}"):
            return None
        open(os.path.join(tree, ".built"), "w").close()
    return tree


def examples_of(tree, d):
    """Build the examples of `tree` with its own reportc into `d`; the PDFs, sorted."""
    r = subprocess.run(["sh", "scripts/examples.sh", d], cwd=tree, capture_output=True, text=True,
                       env=dict(os.environ, REPORTC="./reportc"))
    if not check(r.returncode == 0, f"examples of {tree}: {(r.stderr or r.stdout).strip()[-500:]}"):
        return []
    return sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith(".pdf"))


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
    before_c = os.environ.get("BYTES_BEFORE", "acf122b")
    after_c = os.environ.get("BYTES_AFTER", "a36dffe")
    before, after = built_tree(before_c), built_tree(after_c)
    if before is None or after is None:
        skip(f"git history without {before_c} and {after_c}")
        return finish()
    with tempfile.TemporaryDirectory() as tmp:
        old = examples_of(before, os.path.join(tmp, "before"))
        new = examples_of(after, os.path.join(tmp, "after"))
        check(len(new) >= 10 and [os.path.basename(p) for p in new] ==
              [os.path.basename(p) for p in old], "both commits made the same examples")
        for a, b in zip(new, old):
            da, db = decoded(a), decoded(b)
            check(da == db, f"{os.path.basename(a)}: {differing_lines(da, db)} lines of its "
                  f"decoded objects differ between {before_c} and {after_c}")
        sgp = [p for p in new if p.endswith("asean_SGP.pdf")]
        mys = [p for p in new if p.endswith("asean_MYS.pdf")]
        if check(sgp and mys, "the ASEAN briefs of Singapore and Malaysia were built"):
            check(decoded(sgp[0]) != decoded(mys[0]),
                  "negative control: two ASEAN briefs compare equal")
    return finish()


if __name__ == "__main__":
    sys.exit(main())
