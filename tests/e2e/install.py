"""`make install`: the installed tree works on its own, and its man page is
well formed.

Installs with DESTDIR into a temporary folder (PREFIX=/usr/local), then
runs the installed reportc from another folder on an example script copied
there, with --db pointing at a fact store built into the temporary folder:
the script's `require "templates.brief"` must be served from the installed
share folder (a probe module placed only there proves it), the PDF must be
valid and hold the brief's text.  The man page must render with
`man --warnings` silent, carry the version `reportc --version` prints, and
have the sections Debian's conventions ask for; lexgrog must read its NAME.
Run from the repository root; ends with "N passed, N failed"."""

import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from suite import check, finish, pdf_text, skip  # noqa: E402

PREFIX = "/usr/local"
SECTIONS = ["NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "EXIT STATUS", "ENVIRONMENT", "FILES",
            "EXAMPLES", "SEE ALSO"]


def run(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, **kw)


def test_installed_build(dest, tmp):
    exe = dest + PREFIX + "/bin/reportc"
    share = dest + PREFIX + "/share/reportc"
    check(os.access(exe, os.X_OK), f"the binary is installed at {exe}")
    check(os.path.isfile(share + "/fonts/fonts.manifest"), "the font manifest is installed")
    check(os.path.isfile(share + "/templates/brief.lua")
          and os.path.isfile(share + "/templates/themes/report.lua"), "the templates are installed")
    if not os.access(exe, os.X_OK):
        return
    db = os.path.join(tmp, "facts.db")
    r = run(["sh", "scripts/facts/build.sh", db])
    if not check(r.returncode == 0, f"a fact store is built for the test: {r.stderr[-300:]}"):
        return
    work = os.path.join(tmp, "elsewhere")
    os.makedirs(work)
    shutil.copy("scripts/gci_brief.lua", work)
    # Served only by the installed tree: proves `require` looks there.
    with open(share + "/templates/install_probe.lua", "w") as f:
        f.write('return "installed templates"\n')
    with open(os.path.join(work, "probe.lua"), "w") as f:
        f.write('local report = require "report"\n'
                'local probe = require "install_probe"\n'
                'local brief = require "templates.brief"\n'
                'local doc = report.document{ title = "probe", theme = brief.theme }\n'
                'doc:paragraph("模板来自" .. probe)\n'
                'return doc\n')
    r = run([exe, "build", "gci_brief.lua", "--db", db], cwd=work)
    pdf = os.path.join(work, "gci_brief.pdf")
    check(r.returncode == 0 and os.path.isfile(pdf),
          f"the installed reportc builds an example from another folder: {r.stderr[-400:]}")
    if os.path.isfile(pdf):
        q = run(["qpdf", "--check", pdf])
        check(q.returncode == 0, f"qpdf --check passes: {q.stdout[-200:]}")
        text = pdf_text(pdf)
        check("东盟" in text and "网络安全" in text, f"the PDF holds the brief's text: {text[:200]!r}")
    r = run([exe, "build", "probe.lua", "--db", db], cwd=work)
    check(r.returncode == 0 and re.search(r"模板来自\s*installed templates",
                                          pdf_text(os.path.join(work, "probe.pdf"))),
          f"require finds modules in the installed share folder: {r.stderr[-300:]}")
    os.unlink(share + "/templates/install_probe.lua")


def test_man_page(dest):
    page = dest + PREFIX + "/share/man/man1/reportc.1"
    if not check(os.path.isfile(page), f"the man page is installed at {page}"):
        return
    if shutil.which("man") is None:
        skip("man-db is not installed: the man page was not rendered")
        return
    env = dict(os.environ, LC_ALL="C.UTF-8", MANWIDTH="80", MANROFFSEQ="")
    r = run(["man", "--warnings", "-E", "UTF-8", "-l", page], env=env)
    check(r.returncode == 0 and r.stderr == "", f"man --warnings renders it silently: {r.stderr[:400]}")
    heads = re.findall(r"^([A-Z][A-Z ]+)$", r.stdout, re.M)
    check(heads == SECTIONS, f"its sections are {SECTIONS}: {heads}")
    version = run(["./reportc", "--version"]).stdout.split()[-1]
    with open(page, encoding="utf-8") as f:
        th = next(line for line in f if line.startswith(".TH"))
    check(f'"reportc {version}"' in th, f"the page names reportc {version}: {th.strip()}")
    helped = set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", run(["./reportc", "--help"]).stdout))
    missing = sorted(o for o in helped if o not in r.stdout)
    check(len(helped) > 10 and not missing, f"every option of reportc --help is in the page: missing {missing}")
    for word in ("SOURCE_DATE_EPOCH", "watch", "batch", "EXIT STATUS"):
        check(word in r.stdout, f"the page documents {word}")
    if shutil.which("lexgrog"):
        r = run(["lexgrog", page])
        check(r.returncode == 0 and "reportc - " in r.stdout, f"lexgrog reads its NAME: {r.stdout} {r.stderr}")


with tempfile.TemporaryDirectory(prefix="reportc-install-") as tmp:
    dest = os.path.join(tmp, "dest")
    r = run(["make", "-s", "install", "DESTDIR=" + dest, "PREFIX=" + PREFIX])
    if check(r.returncode == 0, f"make install DESTDIR=... PREFIX={PREFIX} succeeds: {r.stderr[-400:]}"):
        test_installed_build(dest, tmp)
        test_man_page(dest)

sys.exit(finish())
