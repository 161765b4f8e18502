"""suite.py: what the end-to-end tests share: counting checks, and the
closing "N passed, N failed, K skipped" line that tests/run.sh adds up.

    sys.path.insert(0, <repo>/tests/tools)
    from suite import check, skip, finish
    check(cond, "what went wrong")   # prints "FAIL what went wrong" when false
    skip("what could not be checked, and why")   # prints "SKIP ..."
    sys.exit(finish())               # prints the closing line, 1 if any failed

A check is skipped only for a missing input the repository does not hold
(the seed documents in ../shared/seeds, see seeds_dir); anything the
repository can build, a test builds itself into a temporary folder
(build, build_examples).  It also reads a PDF's text (pdf_text).
"""

import json
import os
import subprocess

passed = failed = skipped = 0


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


def skip(what):
    """Count one check that could not run; print a SKIP line saying why."""
    global skipped
    skipped += 1
    print("SKIP " + what)


def finish():
    """Print the closing line; the exit status for the test."""
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0


def seeds_dir():
    """The seed documents' folder: $SEEDS_DIR, else ../shared/seeds from the
    repository root; None when neither is a folder (a clone on its own)."""
    for d in (os.environ.get("SEEDS_DIR"), os.path.join("..", "shared", "seeds")):
        if d and os.path.isdir(d):
            return d
    return None


REPORTC = os.environ.get("REPORTC", "./reportc")


def lua_string(s):
    """`s` as a Lua string literal."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def require_fonttools():
    """Tests that read glyph outlines need fontTools: without it they fail
    (a missing package is an install step, not a reason to skip)."""
    try:
        import fontTools  # noqa: F401
    except ImportError:
        print("FAIL fontTools is not importable (install python3-fonttools)")
        print("0 passed, 1 failed")
        raise SystemExit(1)


def build_paragraphs(d, name, paragraphs, escape=False, **theme):
    """Build a document of `paragraphs` (markup unless `escape`) under a
    theme of `theme`'s fields into `d`; (pdf, display list), a FAIL and
    None for both when the build failed."""
    fields = ", ".join(f"{k} = {lua_string(v) if isinstance(v, str) else v}"
                       for k, v in theme.items())
    path = os.path.join(d, name + ".lua")
    with open(path, "w", encoding="utf-8") as f:
        f.write('local report = require "report"\n'
                f'local doc = report.document{{ title = "t", theme = {{ {fields} }} }}\n')
        for p in paragraphs:
            text = f"report.escape({lua_string(p)})" if escape else lua_string(p)
            f.write(f"doc:paragraph({text})\n")
        f.write("return doc\n")
    pdf, dl, r = build(path, d, name=name)
    check(dl is not None, f"{name}: {r.stderr.strip()}")
    return pdf, dl


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


def build_examples(d):
    """Build every example report into folder `d` (scripts/examples.sh, as
    `make demo` does into out/).  Returns the PDFs made, sorted; [] and a
    FAIL when the build failed."""
    r = subprocess.run(["sh", "scripts/examples.sh", d], capture_output=True, text=True,
                       env=dict(os.environ, REPORTC=REPORTC))
    if not check(r.returncode == 0, f"building the examples: {(r.stderr or r.stdout).strip()[-500:]}"):
        return []
    return sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith(".pdf"))


def pdf_text(pdf):
    """The text pdftotext reads from `pdf` (UTF-8)."""
    return subprocess.run(["pdftotext", "-enc", "UTF-8", pdf, "-"], capture_output=True,
                          text=True).stdout
