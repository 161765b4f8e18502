"""shaping.py: text shaped by HarfBuzz, end to end.

- Glyph ids, advances and offsets of shaped Thai, Lao, Khmer and Myanmar
  samples in the display list equal what `hb-shape` (libharfbuzz-bin)
  gives for the same font, scaled to the run's size.
- pdftotext reads back exactly the text that went in: the samples,
  Vietnamese with its stacked diacritics, and Latin words set with the
  "ff"/"fi"/"ffi" ligatures (one glyph for several characters).
- A word wider than the line, and a chart label too long for its lines,
  is cut only between grapheme clusters: no
  line starts with a combining mark or after a Khmer coeng / Myanmar
  virama, and the lines put together give the text back.
- Every glyph in that PDF, shaped ones included (ligatures, the glyphs
  of a cluster), is the source font's glyph HarfBuzz chose (glyphcheck).
- **bold** uses the family's bold face where it has one (DejaVu Serif
  Bold), and synthesises bold only where it has none (AR PL UMing).
- The TrueType families (fonts/truetype.manifest: AR PL UMing,
  WenQuanYi Micro Hei, DejaVu) still build the ASEAN brief, and so does
  the default manifest.
- A manifest naming a file that is not a font, or a face name the
  collection lacks, fails with one line naming the file.

Self-contained: builds into a temporary folder with its own manifest.
"""

import json
import os
import subprocess
import sys
import tempfile
import unicodedata

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from suite import build, check, finish, lua_string, pdf_text  # noqa: E402
import glyphcheck  # noqa: E402

try:
    from fontTools.ttLib import TTFont
except ImportError:
    print("FAIL fontTools is not importable (install python3-fonttools)")
    print("0 passed, 1 failed")
    sys.exit(1)

NOTO = "/usr/share/fonts/truetype/noto/"
DEJAVU = "/usr/share/fonts/truetype/dejavu/"
# (script, language, font file, sample without spaces)
SAMPLES = [
    ("thai", "th", NOTO + "NotoSansThai-Regular.ttf", "ประเทศไทยที่น้ำใจงาม"),
    ("lao", "lo", NOTO + "NotoSansLao-Regular.ttf", "ສາທາລະນະລັດປະຊາທິປະໄຕປະຊາຊົນລາວ"),
    ("khmer", "km", NOTO + "NotoSansKhmer-Regular.ttf", "ព្រះរាជាណាចក្រកម្ពុជា"),
    ("myanmar", "my", NOTO + "NotoSansMyanmar-Regular.ttf", "ပြည်ထောင်စုသမ္မတမြန်မာနိုင်ငံတော်"),
]
VIETNAMESE = "Cộng hòa Xã hội chủ nghĩa Việt Nam, Tiếng Việt"
LIGATURES = "office affinity fine"
SIZE = 10.5   # the body size of the default theme (五号)

BOLD = "**bold** **加粗**"
MANIFEST = f"""\
serif cjk 0 fonts-arphic-uming /usr/share/fonts/truetype/arphic/uming.ttc
serif latin 0 fonts-dejavu-core {DEJAVU}DejaVuSerif.ttf
serif latin 0 fonts-dejavu-core {DEJAVU}DejaVuSerif-Bold.ttf bold
sans cjk 0 fonts-wqy-microhei /usr/share/fonts/truetype/wqy/wqy-microhei.ttc
sans latin 0 fonts-dejavu-core {DEJAVU}DejaVuSans.ttf
""" + "".join(f"{fam} {script} 0 fonts-noto-core {path}\n"
              for fam in ("serif", "sans") for script, _, path, _ in SAMPLES)


def write_script(d, paragraphs):
    path = os.path.join(d, "shaping.lua")
    with open(path, "w", encoding="utf-8") as f:
        f.write('local report = require "report"\n'
                'local doc = report.document{ title = "shaping" }\n')
        for p in paragraphs:
            f.write(f"doc:paragraph({lua_string(p)})\n")
        f.write("return doc\n")
    return path


def faces_of(manifest_text):
    """Face index -> font file, as the font set numbers them: each distinct
    (file, face) in the order the manifest first names it."""
    seen = []
    for line in manifest_text.splitlines():
        w = line.split("#")[0].split()
        if len(w) >= 5 and (w[4], w[2]) not in seen:
            seen.append((w[4], w[2]))
    return [path for path, _ in seen]


def runs(dl):
    for page in dl["pages"]:
        for t in page["texts"]:
            yield page, t


def hb_shape(font, text, language):
    r = subprocess.run(["hb-shape", "--output-format=json", "--no-glyph-names",
                        f"--language={language}", font, text],
                       capture_output=True, text=True)
    return json.loads(r.stdout) if r.returncode == 0 else None


def check_positions(dl, faces):
    for script, lang, font, sample in SAMPLES:
        found = [t for _, t in runs(dl) if t["text"] == sample]
        if not check(len(found) == 1, f"{script}: one run with the sample, found {len(found)}"):
            continue
        t = found[0]
        check(faces[t["face"]] == font, f"{script}: set in {faces[t['face']]}, not {font}")
        ref = hb_shape(font, sample, lang)
        if not check(ref is not None, f"{script}: hb-shape failed"):
            continue
        upem = units_per_em(font)
        scale = t["size"] / upem
        ours = t["glyphs"]
        check([g[0] for g in ours] == [g["g"] for g in ref],
              f"{script}: glyph ids {[g[0] for g in ours]} != hb-shape's {[g['g'] for g in ref]}")
        pen, worst = 0, 0.0
        x0 = ours[0][1] if ours else 0
        for g, h in zip(ours, ref):
            worst = max(worst, abs((g[1] - x0) - (pen + h["dx"]) * scale),
                        abs(g[2] - h["dy"] * scale))
            pen += h["ax"]
        check(worst < 0.002, f"{script}: positions differ from hb-shape's by up to {worst:.4f} pt")
        check(any(h["dx"] or h["dy"] for h in ref) or script == "lao",
              f"{script}: the sample exercises no mark offsets")
        print(f"INFO {script}: {len(ours)} glyphs match hb-shape ({os.path.basename(font)})")


def units_per_em(font):
    return TTFont(font, lazy=True)["head"].unitsPerEm


def check_ligatures(dl):
    lig = [g for _, t in runs(dl) if "office" in t["text"] for g in t["glyphs"] if g[3] >= 2]
    check(len(lig) >= 3, f"'{LIGATURES}': {len(lig)} ligature glyphs in the display list, want 3+")


def check_bold(dl, faces):
    bold = {t["text"]: t for _, t in runs(dl) if t["text"] in ("bold", "加粗")}
    check(set(bold) == {"bold", "加粗"}, f"bold runs: {sorted(bold)}")
    if "bold" in bold:
        t = bold["bold"]
        check(faces[t["face"]].endswith("DejaVuSerif-Bold.ttf") and t["bold"] == 0,
              f"**bold** in {faces[t['face']]}, synthesised {t['bold']}: want DejaVu Serif Bold, real")
    if "加粗" in bold:
        t = bold["加粗"]
        check(faces[t["face"]].endswith("uming.ttc") and t["bold"] == 1,
              f"**加粗** in {faces[t['face']]}, synthesised {t['bold']}: want UMing, synthesised")


def check_glyphs(pdf, manifest):
    report = glyphcheck.check_pdf(pdf, manifest)
    check(report.ok and not report.all_problems, f"glyph check: {report.summary()}; "
          + "; ".join(str(p) for p in report.all_problems[:5]))
    for f in report.fonts:
        check(0 < f.checked == f.used, f"glyph check: {f.name}: {f.checked} of {f.used} codes checked")
    print(f"INFO glyph check of the samples: {report.summary()}")


def check_text(pdf):
    text = pdf_text(pdf)
    for _, _, _, sample in SAMPLES:
        check(sample in text, f"pdftotext lacks {sample!r}")
    check(VIETNAMESE in text, f"pdftotext lacks {VIETNAMESE!r}")
    check(LIGATURES in text, f"pdftotext lacks {LIGATURES!r}")
    r = subprocess.run(["pdffonts", pdf], capture_output=True, text=True)
    check(r.returncode == 0 and not r.stderr.strip(), f"pdffonts: {r.stderr.strip()}")
    for name in ("NotoSansThai", "NotoSansLao", "NotoSansKhmer", "NotoSansMyanmar", "DejaVuSerif"):
        check(name in r.stdout, f"pdffonts does not list {name}")
    r = subprocess.run(["qpdf", "--check", pdf], capture_output=True, text=True)
    check(r.returncode == 0, f"qpdf --check: {r.stdout[-300:]}")


# A cluster may not start a line with a mark, or end one with a joiner.
JOINERS = {"\u17d2", "\u1039", "\u0e3a", "\u200d"}


def check_clusters(d):
    words = {"khmer": "កម្ពុជា" * 40, "myanmar": "မြန်မာနိုင်ငံ" * 30, "thai": "ที่น้ำใจงาม" * 40}
    script = write_script(d, list(words.values()))
    manifest = os.path.join(d, "fonts.manifest")
    pdf, dl, r = build(script, d, "--fonts", manifest, name="clusters")
    if not check(dl is not None, f"build with long words: {r.stderr.strip()}"):
        return
    lines = {}
    for pi, page in enumerate(dl["pages"]):
        for t in page["texts"]:
            if t["role"] == "body":
                lines.setdefault((pi, t["line"]), []).append(t)
    texts = ["".join(t["text"] for t in sorted(ts, key=lambda t: t["x"]))
             for _, ts in sorted(lines.items())]
    for name, word in words.items():
        mine = [s for s in texts if s and s[0] in word]
        check(len(mine) >= 2, f"{name}: the long word was not cut ({len(mine)} line)")
        check("".join(mine) == word, f"{name}: lines do not give the word back")
        for a, b in zip(mine, mine[1:]):
            check(unicodedata.category(b[0])[0] != "M" and a[-1] not in JOINERS,
                  f"{name}: line break inside a cluster: ...{a[-3:]!r} | {b[:3]!r}...")
        for s in mine:
            check(unicodedata.category(s[0])[0] != "M", f"{name}: a line starts with a mark: {s[:3]!r}")


def check_chart_labels(d):
    """A chart label too long for its two lines is cut between clusters."""
    # cut points land differently with each start: 一 二 三 ... keep them apart;
    # each body is well over two lines, however the breaker cuts it (total-fit
    # fits "七" and 24 ក្រ in two lines by cutting after 七's line is full)
    bodies = ["ที่น้ำใจ" * 12] + ["က" * i + "မာ" * 24 for i in range(6)] \
        + ["ក" * i + "ក្រ" * 32 for i in range(6)]
    labels = [han + body for han, body in zip("一二三四五六七八九十百千万", bodies)]
    rows = ", ".join(f"{{ name = {lua_string(l)}, v = {i + 1} }}" for i, l in enumerate(labels))
    path = os.path.join(d, "chart.lua")
    with open(path, "w", encoding="utf-8") as f:
        f.write('local report = require "report"\n'
                'local doc = report.document{ title = "chart" }\n'
                f'doc:chart{{ kind = "hbar", rows = {{ {rows} }}, label = "name", value = "v", '
                'width = 300, caption = "labels" }\n'
                "return doc\n")
    pdf, dl, r = build(path, d, "--fonts", os.path.join(d, "fonts.manifest"), name="chart")
    if not check(dl is not None, f"chart with long labels: {r.stderr.strip()}"):
        return
    joined = "".join(t["text"] for _, t in runs(dl) if t["role"] == "chart")
    for label in labels:
        at = joined.find(label[:2])
        n = 0
        while at >= 0 and n < len(label) and joined[at + n] == label[n]:
            n += 1
        if not check(at >= 0 and 0 < n < len(label) and joined[at + n] == "\u2026",
                     f"chart label {label[:8]}...: not cut with an ellipsis"):
            continue
        check(unicodedata.category(label[n])[0] != "M" and label[n - 1] not in JOINERS,
              f"chart label cut inside a cluster: ...{label[n - 3:n]!r} | {label[n:n + 3]!r}")


def check_truetype_manifest(d):
    """The TrueType families through a manifest: the ASEAN brief builds."""
    for manifest in ("fonts/truetype.manifest", "fonts/fonts.manifest"):
        pdf, dl, r = build("scripts/asean_brief.lua", d, "-D", "country=THA", "--fonts", manifest,
                           name="asean_" + os.path.basename(manifest).split(".")[0])
        if not check(dl is not None, f"asean brief with {manifest}: {r.stderr.strip()}"):
            continue
        fonts = subprocess.run(["pdffonts", pdf], capture_output=True, text=True).stdout
        if manifest == "fonts/truetype.manifest":
            check("AR-PL-UMing" in fonts or "UMing" in fonts, f"{manifest}: no UMing in\n{fonts}")
            check("WenQuanYi" in fonts, f"{manifest}: no WenQuanYi in\n{fonts}")
        check("ไทย" in pdf_text(pdf) or "泰国" in pdf_text(pdf), f"{manifest}: text lost")


def check_bad_faces(d):
    """A manifest naming a file that is not a font, or a face name a
    collection lacks: exit 1, one line naming the file and the cause."""
    notfont = os.path.join(d, "notfont.ttf")
    with open(notfont, "w") as f:
        f.write("not a font\n")
    cases = [(notfont, "0", "not a font file"),
             ("/usr/share/fonts/truetype/arphic/uming.ttc", '"No Such Face"',
              'has no face named "No Such Face"')]
    script = write_script(d, ["中文 Latin"])
    for path, face, want in cases:
        manifest = os.path.join(d, "bad.manifest")
        with open(manifest, "w") as f:
            f.write(f"serif cjk {face} fonts-x {path}\nserif latin {face} fonts-x {path}\n"
                    "sans = serif\n")
        pdf, dl, r = build(script, d, "--fonts", manifest, name="bad")
        err = r.stderr.strip()
        check(r.returncode == 1 and len(err.splitlines()) == 1 and path in err and want in err
              and "fonts-x" in err, f"bad face {path} {face}: exit {r.returncode}, {err!r}")


def main():
    for tool in ("hb-shape", "pdftotext", "pdffonts", "qpdf"):
        if subprocess.run(["which", tool], capture_output=True).returncode != 0:
            check(False, f"{tool} is not installed (make deps)")
            return
    with tempfile.TemporaryDirectory() as d:
        manifest = os.path.join(d, "fonts.manifest")
        with open(manifest, "w") as f:
            f.write(MANIFEST)
        script = write_script(d, [s for _, _, _, s in SAMPLES] + [VIETNAMESE, LIGATURES, BOLD])
        pdf, dl, r = build(script, d, "--fonts", manifest)
        if check(dl is not None, f"build the samples: {r.stderr.strip()}"):
            check_positions(dl, faces_of(MANIFEST))
            check_ligatures(dl)
            check_bold(dl, faces_of(MANIFEST))
            check_text(pdf)
            check_glyphs(pdf, manifest)
        check_clusters(d)
        check_chart_labels(d)
        check_truetype_manifest(d)
        check_bad_faces(d)


if __name__ == "__main__":
    main()
    sys.exit(finish())
