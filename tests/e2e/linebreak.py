"""Total-fit paragraph breaking, hyphenation and URL breaks (issue 11), on
the display list of documents built in a temporary folder.

* Every example (scripts/examples.sh) and, when ../shared is there, a
  document of the seed reports' paragraphs: no paragraph of body text or
  footnotes ends in a line of one character; no justified line is
  stretched by more than 0.25 em a gap, and every justified line ends on
  the right margin within 0.5 pt, except in paragraphs the breaker marks
  loose (no set of breaks kept every line within the limit: a token about
  a line long, a long URL); those are counted and listed.
* A paragraph that first-fit ends with a one-character line does not
  end so with total-fit; first-fit (theme linebreak = "first-fit") is
  still there and breaks differently.
* Long English words break only where the en-US patterns allow (Liang's
  algorithm run here on /usr/share/hyphen/hyph_en_US.dic), with a hyphen
  drawn; pdftotext gives the word back with a soft hyphen (U+00AD) at the
  line end.
* A long URL breaks only after / . - ? & = and before a letter or digit.

Run from the repository root; ends with "N passed, N failed"."""

import collections
import glob
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import suite  # noqa: E402
from suite import check, finish, seeds_dir, skip  # noqa: E402

PATTERNS = "/usr/share/hyphen/hyph_en_US.dic"
LIMIT_EM = 0.25
ROLES = ("body", "note")


def lines_of(dl):
    """Body and note lines in layout order: text, right edge, and what the
    breaker recorded (stretch in em a gap, last, loose)."""
    out = []
    for pi, page in enumerate(dl["pages"]):
        by_line = collections.OrderedDict()
        for t in page["texts"]:
            if t["role"] in ROLES:
                by_line.setdefault((t["role"], t["line"]), []).append(t)
        for (role, _), runs in by_line.items():
            runs.sort(key=lambda t: t["x"])
            out.append({"page": pi + 1, "role": role, "text": "".join(t["text"] for t in runs),
                        "x1": max(t["x"] + t["width"] for t in runs),
                        "stretch": runs[0]["stretch"], "last": runs[0]["last"],
                        "loose": runs[0]["loose"], "justify": runs[0]["justify"]})
    return out


def paragraphs(lines):
    """Lines grouped into paragraphs (each ends with a line marked last),
    body and notes apart."""
    cur = {r: [] for r in ROLES}
    for line in lines:
        cur[line["role"]].append(line)
        if line["last"]:
            yield cur[line["role"]]
            cur[line["role"]] = []


def right_margin(lines):
    """Where justified lines end: the most common right edge."""
    edges = collections.Counter(round(l["x1"], 1) for l in lines
                                if l["justify"] and not l["last"])
    return edges.most_common(1)[0][0] if edges else None


def check_document(name, dl, figures):
    lines = lines_of(dl)
    margin = right_margin(lines)
    for para in paragraphs(lines):
        tail = para[-1]["text"].replace(" ", "")
        figures["paragraphs"] += 1
        if len(para) > 1:
            check(len(tail) >= 2, f"{name} p{para[-1]['page']}: paragraph ends in a one-character "
                                  f"line: ...{para[-2]['text'][-12:]!r} / {tail!r}")
        for line in para[:-1]:
            if not line["justify"]:
                continue
            figures["justified"] += 1
            over = line["stretch"] > LIMIT_EM + 1e-3
            off = margin is not None and abs(line["x1"] - margin) > 0.5
            if over or off:
                figures["exceptions"] += 1
                what = (f"stretched {line['stretch']:.3f} em a gap" if over
                        else f"ends at {line['x1']:.2f} pt, margin {margin:.2f} pt")
                print(f"INFO {name} p{line['page']}: {what} (loose paragraph: "
                      f"{bool(line['loose'])}): {line['text'][:60]!r}")
                check(line["loose"], f"{name} p{line['page']}: {what} although the breaker "
                                     f"found breaks within the limit: {line['text'][:60]!r}")


def check_examples(d):
    env = dict(os.environ, REPORTC=suite.REPORTC, DISPLAY_LISTS="1")
    r = subprocess.run(["sh", "scripts/examples.sh", d], capture_output=True, text=True, env=env)
    if not check(r.returncode == 0, f"building the examples: {(r.stderr or r.stdout)[-400:]}"):
        return
    figures = collections.Counter()
    jsons = sorted(glob.glob(os.path.join(d, "*.json")))
    check(len(jsons) >= 5, f"only {len(jsons)} display lists from the examples")
    for path in jsons:
        import json
        with open(path) as f:
            check_document(os.path.basename(path)[:-5], json.load(f), figures)
    print(f"INFO examples: {figures['paragraphs']} paragraphs, {figures['justified']} justified "
          f"lines, {figures['exceptions']} over the limit or off the margin")


def seed_paragraphs():
    seeds = seeds_dir()
    if seeds is None:
        return None
    out = []
    for path in sorted(glob.glob(os.path.join(seeds, "*.txt"))):
        with open(path, encoding="utf-8", errors="replace") as f:
            for p in f.read().split("\n\n"):
                p = " ".join(p.split())
                # private-use characters no installed face has
                p = "".join(c for c in p if not (0xE000 <= ord(c) <= 0xF8FF or c == "\ufffd"))
                if len(p) >= 40:
                    out.append(p)
    return out


def build_paragraphs(d, name, paragraphs, **theme):
    return suite.build_paragraphs(d, name, paragraphs, escape=True, **theme)


def check_seeds(d):
    paras = seed_paragraphs()
    if paras is None:
        skip("seed paragraphs: ../shared/seeds is not there")
        return
    figures = collections.Counter()
    _, dl = build_paragraphs(d, "seeds", paras)
    if dl:
        check_document("seeds", dl, figures)
    print(f"INFO seeds: {figures['paragraphs']} paragraphs, {figures['justified']} justified "
          f"lines, {figures['exceptions']} over the limit or off the margin (loose paragraphs)")
    _, first = build_paragraphs(d, "seeds_first", paras, linebreak="first-fit")
    if dl and first:
        a = [l["text"] for l in lines_of(dl)]
        b = [l["text"] for l in lines_of(first)]
        check(a != b, "seeds: first-fit and total-fit break every line the same")
        check("".join(a).replace("\u00ad", "") == "".join(b),
              "seeds: total-fit and first-fit lines do not hold the same text")


def check_runt(d):
    """Ten characters a line and 21 of them: first-fit leaves the last alone."""
    size, left = 10.5, 72.0
    text = "甲乙丙丁戊己庚辛壬癸" * 2 + "完"
    theme = dict(indent=0, margin_left=left, margin_right=595.28 - left - 10 * size)
    for mode, runt in (("first-fit", True), ("total-fit", False)):
        _, dl = build_paragraphs(d, "runt_" + mode.replace("-", ""), [text], linebreak=mode, **theme)
        if dl is None:
            continue
        lines = [l["text"] for l in lines_of(dl)]
        check("".join(lines) == text, f"runt {mode}: lines {lines} lose text")
        check((len(lines[-1]) < 2) == runt,
              f"runt {mode}: lines {lines}: a one-character last line {'expected' if runt else 'left'}")


def liang(word, patterns, left, right):
    """Positions i (1..len-1) where a hyphen may come before word[i]."""
    w = "." + word.lower() + "."
    values = [0] * (len(w) + 1)
    for i in range(len(w)):
        for j in range(i + 1, min(len(w), i + patterns[1]) + 1):
            v = patterns[0].get(w[i:j])
            if v:
                for k, x in enumerate(v):
                    values[i + k] = max(values[i + k], x)
    return {i for i in range(left, len(word) - right + 1) if values[i + 1] % 2 == 1}


def load_patterns():
    pats, longest = {}, 0
    with open(PATTERNS, encoding="utf-8") as f:
        lines = f.read().split("\n")
    left, right = 2, 3
    for line in lines[1:]:
        line = line.strip()
        if line.startswith("LEFTHYPHENMIN"):
            left = max(left, int(line.split()[1]))
        elif line.startswith("RIGHTHYPHENMIN"):
            right = max(right, int(line.split()[1]))
        elif line and not line[0].isupper():
            letters = re.sub(r"\d", "", line)
            vals, k = [0] * (len(letters) + 1), 0
            for ch in line:
                if ch.isdigit():
                    vals[k] = int(ch)
                else:
                    k += 1
            pats[letters] = vals
            longest = max(longest, len(letters))
    return (pats, longest), left, right


ENGLISH = ("The internationalization of telecommunications infrastructure requires "
           "comprehensive standardization, interoperability and responsibilities shared among "
           "governmental organizations, whose representatives negotiate extraordinarily "
           "complicated agreements about telecommunications.")
URL = "https://www.caict.ac.cn/kxyj/qwfb/bps/201809/t20180919_185440.htm?id=3&page=22"


def check_hyphens(d):
    if not check(os.path.exists(PATTERNS), f"{PATTERNS} is missing (make deps: hyphen-en-us)"):
        return
    patterns, left, right = load_patterns()
    words = set(re.findall(r"[A-Za-z]+", ENGLISH))
    hyphenated = 0
    for margin in (300, 330, 360):
        pdf, dl = build_paragraphs(d, f"english_{margin}", [ENGLISH], indent=0, margin_right=margin)
        if dl is None:
            continue
        lines = [l["text"] for l in lines_of(dl)]
        # the runs hold no spaces: find each line end in the source text
        chars = [i for i, c in enumerate(ENGLISH) if c != " "]
        pos = 0
        for line in lines[:-1]:
            pos += len(line.rstrip("\u00ad"))
            if not line.endswith("\u00ad"):
                continue
            hyphenated += 1
            at = chars[pos]
            start = re.search(r"[A-Za-z]*$", ENGLISH[:at]).start()
            end = at + re.match(r"[A-Za-z]*", ENGLISH[at:]).end()
            word, head = ENGLISH[start:end], ENGLISH[start:at]
            check(len(head) > 0 and end > at, f"a hyphen outside a word: {ENGLISH[start:end + 5]!r}")
            check(len(head) in liang(word, patterns, left, right),
                  f"{word} hyphenated as {head}-{ENGLISH[at:end]}, not at a pattern point "
                  f"{sorted(liang(word, patterns, left, right))}")
        text = suite.pdf_text(pdf)
        joined = re.sub(r"\u00ad\s*", "", text)
        check(all(w in joined for w in words),
              f"margin {margin}: pdftotext does not give every word back: {text[:300]!r}")
        if any(l.endswith("\u00ad") for l in lines):
            check(re.search(r"[a-z]\u00ad\n", text), f"margin {margin}: no soft hyphen at a line end in {text!r}")
    check(hyphenated > 0, "no line of the English paragraph ended in a hyphen")
    # first-fit does not hyphenate: a different set of lines
    _, ff = build_paragraphs(d, "english_ff", [ENGLISH], indent=0, margin_right=330,
                             linebreak="first-fit")
    _, tf = build_paragraphs(d, "english_tf", [ENGLISH], indent=0, margin_right=330)
    if ff and tf:
        check([l["text"] for l in lines_of(ff)] != [l["text"] for l in lines_of(tf)],
              "first-fit and total-fit break the English paragraph the same")
        check(not any(l["text"].endswith("\u00ad") for l in lines_of(ff)),
              "first-fit hyphenated a word")


def check_urls(d):
    text = f"详见{URL}，以及{URL}的说明。"
    cuts = 0
    for margin in (300, 340, 380, 420):
        _, dl = build_paragraphs(d, f"url_{margin}", [text], indent=0, margin_right=margin)
        if dl is None:
            continue
        lines = [l["text"] for l in lines_of(dl)]
        check("".join(lines) == text, f"url {margin}: lines {lines} lose text")
        pos = 0
        for line in lines[:-1]:
            pos += len(line)
            for start in (m.start() for m in re.finditer(re.escape(URL), text)):
                if start < pos < start + len(URL):
                    cuts += 1
                    check(text[pos - 1] in "/.-?&=" and text[pos].isalnum()
                          and pos - start > len("https://www."),
                          f"url {margin}: broken at {text[pos - 8:pos]!r}|{text[pos:pos + 8]!r}")
    check(cuts > 0, "no URL was broken across lines")


def main():
    with tempfile.TemporaryDirectory() as d:
        check_runt(d)
        check_hyphens(d)
        check_urls(d)
        check_seeds(d)
        ex = os.path.join(d, "examples")
        os.mkdir(ex)
        check_examples(ex)
    sys.exit(finish())


if __name__ == "__main__":
    main()
