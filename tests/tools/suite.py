"""suite.py: what the end-to-end tests share: counting checks, and the
closing "N passed, N failed" line that tests/run.sh adds up.

    sys.path.insert(0, <repo>/tests/tools)
    from suite import check, finish
    check(cond, "what went wrong")   # prints "FAIL what went wrong" when false
    sys.exit(finish())               # prints the closing line, 1 if any failed

It also builds a script with its display list (build) and reads a PDF's
text (pdf_text), which most of the tests do.
"""

import json
import os
import subprocess

passed = failed = 0


def check(cond, what):
    """Count one check; print a FAIL line when it does not hold."""
    global passed, failed
    cond = bool(cond)
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL " + what)
    return cond


def finish():
    """Print the closing line; the exit status for the test."""
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


REPORTC = os.environ.get("REPORTC", "./reportc")


def build(script, d, *extra, name="x"):
    """Build `script` into folder `d` with its display list.  Returns (pdf
    path, display list, finished process); the first two are None when the
    build failed."""
    pdf, js = os.path.join(d, name + ".pdf"), os.path.join(d, name + ".json")
    r = subprocess.run([REPORTC, "build", script, "-o", pdf, "--display-list", js, *extra],
                       capture_output=True, text=True)
    if r.returncode != 0:
        return None, None, r
    with open(js) as f:
        return pdf, json.load(f), r


def pdf_text(pdf):
    """The text pdftotext reads from `pdf` (UTF-8)."""
    return subprocess.run(["pdftotext", "-enc", "UTF-8", pdf, "-"], capture_output=True,
                          text=True).stdout
