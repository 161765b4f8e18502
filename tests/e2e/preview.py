"""`reportc watch --serve`: the live preview in headless Chromium.

Starts watch with --serve on 127.0.0.1 (port 0: the kernel picks a free
one, watch prints the URL), drives Debian's chromium through chromedriver
(W3C WebDriver over plain HTTP, so no extra Python package), and checks:
the page shows the PDF (pdf.js canvases, one per page); after the script
is edited it changes by itself (server-sent events, no reload): a second
page appears; a syntax error shows a banner with the file:line and the
message while the last good PDF stays; the fix removes the banner and
shows the new PDF.  Screenshots of each step are saved in
out/tests/preview/ (look at them).  Also plain-HTTP checks of the server:
GET only, fixed routes, no path traversal, Host checked, bounded requests.
Skipped (SKIP line) when chromium or chromedriver is missing.
Run from the repository root; ends with "N passed, N failed"."""

import base64
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from suite import REPORTC, check, finish, skip  # noqa: E402

SHOTS = os.path.join("out", "tests", "preview")
CHROME_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--window-size=900,1000", "--hide-scrollbars"]

SCRIPT = '''local report = require "report"
local m = require "mod"
local doc = report.document{ title = "preview test" }
doc:heading(1, m.title)
doc:paragraph("%s")
%s
return doc
'''
SECOND_PAGE = 'doc:pagebreak()\ndoc:heading(1, "第二页")\ndoc:paragraph("新加的一页。")'


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Driver:
    """The few WebDriver commands the test needs."""

    def __init__(self, tmp):
        self.port = free_port()
        self.proc = subprocess.Popen(["chromedriver", f"--port={self.port}"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                self.call("GET", "/status")
                break
            except OSError:
                time.sleep(0.1)
        caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
            "binary": shutil.which("chromium"),
            "args": CHROME_ARGS + [f"--user-data-dir={tmp}/chrome-profile"]}}}}
        self.session = self.call("POST", "/session", caps)["sessionId"]

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as r:
            return json.loads(r.read())["value"]

    def cmd(self, method, path, body=None):
        return self.call(method, f"/session/{self.session}{path}", body)

    def js(self, code):
        return self.cmd("POST", "/execute/sync", {"script": code, "args": []})

    def wait(self, code, what, timeout=30):
        deadline = time.time() + timeout
        value = None
        while time.time() < deadline:
            value = self.js(code)
            if value:
                return value
            time.sleep(0.1)
        check(False, f"the page {what} within {timeout} s (last: {value!r}; page state: {self.state()})")
        return None

    def state(self):
        return self.js("const b = document.body; return {build: b.dataset.build, pages: b.dataset.pages, "
                       "status: b.dataset.status, failed: b.classList.contains('failed'), "
                       "error: document.getElementById('error').textContent, "
                       "canvases: document.querySelectorAll('#pages canvas').length, "
                       "renderError: b.dataset.renderError || ''};")

    def screenshot(self, name):
        png = base64.b64decode(self.cmd("GET", "/screenshot"))
        path = os.path.join(SHOTS, name)
        with open(path, "wb") as f:
            f.write(png)
        return png

    def quit(self):
        try:
            self.cmd("DELETE", "")
        except OSError:
            pass
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def start_watch(tmp, script, pdf, db):
    proc = subprocess.Popen([REPORTC, "watch", script, "-o", pdf, "--db", db, "--serve", "127.0.0.1:0"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    lines, url = [], None
    reader = threading.Thread(target=lambda: [lines.append(l.rstrip("\n")) for l in proc.stderr], daemon=True)
    reader.start()
    deadline = time.time() + 30
    while time.time() < deadline and url is None and proc.poll() is None:
        for line in lines:
            if line.startswith("reportc: preview at "):
                url = line.split()[-1]
        time.sleep(0.02)
    return proc, lines, url, reader


def http(url, method="GET", headers=None, raw=None):
    """(status, body) of one request; raw sends bytes as they are."""
    if raw is not None:
        host, port = url.split("//")[1].split("/")[0].split(":")
        with socket.create_connection((host, int(port)), timeout=10) as s:
            s.sendall(raw)
            data = b""
            try:
                while True:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    data += chunk
            except (socket.timeout, ConnectionResetError):
                pass
        status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/1.1 ") else 0
        return status, data
    req = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def test_http(url):
    status, body = http(url)
    check(status == 200 and b"<title>reportc preview</title>" in body, f"GET / is the page: {status}")
    status, body = http(url + "report.pdf")
    check(status == 200 and body.startswith(b"%PDF-"), f"GET /report.pdf is the PDF: {status}")
    check(http(url, method="POST")[0] == 405, "POST is refused (405)")
    check(http(url + "etc/passwd")[0] == 404, "an unknown path is 404")
    status, body = http(url, raw=b"GET /pdfjs/../../../../etc/passwd HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    check(status == 404 and b"root:" not in body, f"a path climbing out is 404: {status}")
    status, _ = http(url, raw=b"GET / HTTP/1.1\r\nHost: attacker.example\r\n\r\n")
    check(status == 403, f"a foreign Host header is refused (403): {status}")
    status, _ = http(url, raw=b"GET /" + b"a" * 20000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    check(status in (400, 431), f"an oversized request is refused: {status}")
    status, _ = http(url, raw=b"\x00\xff garbage\r\n\r\n")
    check(status == 400, f"garbage is a bad request: {status}")


def run(tmp):
    script, mod, pdf, db = (os.path.join(tmp, n) for n in ("brief.lua", "mod.lua", "brief.pdf", "facts.db"))
    sqlite3.connect(db).close()
    with open(script, "w") as f:
        f.write(SCRIPT % ("预览测试：第一页的正文。", ""))
    with open(mod, "w") as f:
        f.write('return { title = "实时预览" }\n')
    os.makedirs(SHOTS, exist_ok=True)
    for old in os.listdir(SHOTS):
        os.unlink(os.path.join(SHOTS, old))
    watch, lines, url, reader = start_watch(tmp, script, pdf, db)
    if not check(url and url.startswith("http://127.0.0.1:"), f"watch prints the preview URL: {lines}"):
        watch.kill()
        return
    driver = None
    try:
        driver = Driver(tmp)
        driver.cmd("POST", "/url", {"url": url})
        driver.wait("return document.body.dataset.build === '1' && document.body.dataset.pages === '1'",
                    "shows build 1 (one page)")
        s = driver.state()
        check(s["canvases"] == 1 and not s["failed"], f"one page drawn, no banner: {s}")
        shot1 = driver.screenshot("1-first-build.png")

        with open(script, "w") as f:
            f.write(SCRIPT % ("改过的正文：这一段是编辑以后的样子，并且多了第二页。", SECOND_PAGE))
        driver.wait("return document.body.dataset.pages === '2'", "changes by itself to two pages")
        s = driver.state()
        check(s["canvases"] == 2 and int(s["build"]) >= 2, f"the edit shows without a reload: {s}")
        shot2 = driver.screenshot("2-after-edit.png")
        check(shot2 != shot1, "the screenshot changed after the edit")

        with open(mod, "w") as f:
            f.write('return { title = = "坏" }\n')
        driver.wait("return document.body.classList.contains('failed')", "shows an error banner")
        s = driver.state()
        check("mod.lua:1:" in s["error"] and "unexpected symbol" in s["error"],
              f"the banner names the file:line and the message: {s['error']!r}")
        check(s["canvases"] == 2, f"the last good PDF stays under the banner: {s}")
        driver.screenshot("3-error-banner.png")

        with open(mod, "w") as f:
            f.write('return { title = "修好了" }\n')
        driver.wait("return !document.body.classList.contains('failed') && "
                    "document.body.dataset.status === 'ok' && Number(document.body.dataset.build) >= 4",
                    "drops the banner after the fix")
        driver.wait("return document.querySelectorAll('#pages canvas').length === 2", "shows the fixed PDF")
        driver.screenshot("4-fixed.png")

        driver.cmd("POST", "/url", {"url": url + "?viewer=browser"})
        frame = driver.wait("const f = document.querySelector('#pages iframe');"
                            "return f && document.body.dataset.status === 'ok' ? f.getAttribute('src') : null",
                            "shows the PDF in the browser's viewer with ?viewer=browser")
        check(frame and frame.startswith("/report.pdf"), f"the frame shows /report.pdf: {frame}")
        time.sleep(1.5)
        driver.screenshot("5-browser-viewer.png")

        test_http(url)
    finally:
        if driver:
            driver.quit()
        watch.send_signal(signal.SIGINT)
        try:
            status = watch.wait(timeout=20)
        except subprocess.TimeoutExpired:
            watch.kill()
            status = None
        reader.join(timeout=5)
    check(status == 128 + signal.SIGINT, f"SIGINT ends watch --serve with 130: {status}")
    print("INFO screenshots in " + SHOTS + ": " + ", ".join(sorted(os.listdir(SHOTS))))


if shutil.which("chromium") is None or shutil.which("chromedriver") is None:
    skip("preview.py: chromium and chromium-driver are needed for the live preview test")
    sys.exit(finish())
with tempfile.TemporaryDirectory(prefix="reportc-preview-") as tmp:
    run(tmp)
sys.exit(finish())
