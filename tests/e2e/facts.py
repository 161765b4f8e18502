"""The fact store against its seed documents.

Opens out/facts.db (or $FACTS_DB) and checks every stored figure against the
seed text it cites: the seed is read from $SEEDS_DIR, else ../shared/seeds/
relative to the repository root (without either, every comparison with a
seed is reported as skipped and the rest still runs), the locator's
section is found through the `sections` table, and the figure must appear
in that section as the row says it does.  Then consistency: GCI ranks
unique and in the seed's order, market shares within 100, growth rates
that agree with the sizes, the two ASEAN population/internet figures both
present, dates that parse.

Text is compared with whitespace removed (the OCR'd seed splits numbers
with spaces: "2 0 1 3 年"); a line break between two digits becomes a "¦"
so that a footnote mark never runs into the number after it, and private
use characters (OCR debris) are dropped.

Run from the repository root; prints "FAIL ..." per failed check and ends
with "N passed, N failed, K skipped"."""

import os
import re
import sqlite3
import sys
import unicodedata

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from suite import check, finish, seeds_dir, skip  # noqa: E402


# ---------------------------------------------------------------- seeds --


def normalize(text):
    text = re.sub(r"[\ue000-\uf8ff]", "", text)

    def gap(m):
        s, e = m.start(), m.end()
        a = text[s - 1] if s > 0 else ""
        b = text[e] if e < len(text) else ""
        return "¦" if "\n" in m.group(0) and a.isdigit() and b.isdigit() else ""
    return re.sub(r"\s+", gap, text)


def squeeze(s):
    return re.sub(r"\s+", "", s or "")


# --------------------------------------------------------------- numbers --

CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
            "六": 6, "七": 7, "八": 8, "九": 9}
CN_UNIT = {"十": 10, "百": 100, "千": 1000}
QUALIFIER_CHARS = ("以上", "左右", "多", "余")
ARABIC = re.compile(r"\d+(?:\.\d+)?")


def parse_numeral(s):
    """The number at the start of s ("545亿元" -> 545, "第六" -> 6,
    "三百多人" -> 300, "百个" -> 100) and the text after it."""
    if s.startswith("第"):
        s = s[1:]
    m = ARABIC.match(s)
    if m:
        return float(m.group(0)), s[m.end():]
    i, total, cur = 0, 0, None
    while i < len(s) and (s[i] in CN_DIGIT or s[i] in CN_UNIT):
        ch = s[i]
        if ch in CN_DIGIT:
            cur = CN_DIGIT[ch]
        else:
            total += (1 if cur is None else cur) * CN_UNIT[ch]
            cur = None
        i += 1
    if i == 0:
        return None, s
    return float(total + (cur or 0)), s[i:]


def unit_fits(rest, unit):
    """What follows the numeral in the seed agrees with the stored unit
    (qualifier characters such as 多 removed; 6亿 fits 亿人)."""
    rest = unicodedata.normalize("NFKC", rest)
    unit = unicodedata.normalize("NFKC", unit)
    for q in QUALIFIER_CHARS:
        rest = rest.replace(q, "")
    return rest == "" or unit.startswith(rest) or rest.startswith(unit)


def fmt(v):
    return str(int(v)) if float(v).is_integer() else repr(float(v))


def occurrences(hay, needle):
    """Start positions of needle in hay that are not in the middle of a
    number."""
    out, i = [], hay.find(needle)
    while i >= 0:
        before = hay[i - 1] if i > 0 else ""
        end = i + len(needle)
        after = hay[end] if end < len(hay) else ""
        ok = not (needle[:1].isdigit() and (before.isdigit() or before == "."))
        ok = ok and not (needle[-1:].isdigit() and (after.isdigit() or
                                                    (after == "." and hay[end + 1:end + 2].isdigit())))
        if ok:
            out.append(i)
        i = hay.find(needle, i + 1)
    return out


def qualifier_near(region, start, end, qualifier, cue_start=None):
    """Every part of the qualifier ("约…左右" has two) lies within 8
    characters before the figure (or anywhere from the start of its cue),
    inside it, or 4 after it."""
    if not qualifier:
        return True
    lo = max(0, start - 8)
    if cue_start is not None:
        lo = min(lo, cue_start)
    window = region[lo:end + 4]
    return all(part in window for part in qualifier.split("…") if part)


def figure_after_cue(region, cue, written, limit=40):
    """Positions of `written` that follow the (single) occurrence of cue
    within `limit` characters with no other Arabic number in between.
    Returns (list of positions, message, where the cue starts)."""
    cue = squeeze(cue)
    hits = [m.start() for m in re.finditer(re.escape(cue), region)]
    if len(hits) != 1:
        return [], f"cue {cue!r} occurs {len(hits)} times in the section (want exactly 1)", None
    c_end = hits[0] + len(cue)
    tail = region[c_end:c_end + limit + len(written)]
    for k in occurrences(tail, written):
        if k > limit:
            break
        between = tail[:k]
        if not ARABIC.search(between):
            return [c_end + k], "", hits[0]
        break
    return [], (f"{written!r} is not the first figure within {limit} characters after cue {cue!r}: "
                f"{tail[:limit + 10]!r}"), hits[0]


# ------------------------------------------------------------------ main --

def main():
    db_path = os.environ.get("FACTS_DB") or (sys.argv[1] if len(sys.argv) > 1 else "out/facts.db")
    seeds = seeds_dir()
    if seeds is None:
        print("INFO no seed documents (../shared/seeds or $SEEDS_DIR): "
              "each comparison with a seed is skipped")
    if not check(os.path.isfile(db_path), f"{db_path} missing (run: sh scripts/facts/build.sh {db_path})"):
        sys.exit(finish())
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row

    def rows(sql, *args):
        return db.execute(sql, args).fetchall()

    # -- required tables and columns
    required = {
        "sources": "id seed title publisher published",
        "gci": "year iso3 country_zh country_en rank_global score rank_asean tier source_id locator",
        "facts": "id topic subject metric period value unit qualifier source_id locator note",
        "market_share": "year scope segment share_pct source_id locator",
        "industry_size": "year scope value unit growth_pct qualifier source_id locator",
        "funding_rounds": "year round_size count share_pct sort_order source_id locator",
        "events": "date title place actors source_id locator",
        "sections": "source_id ord locator anchor nth",
    }
    for table, cols in required.items():
        have = {r[1] for r in db.execute(f"PRAGMA table_info({table})")}
        missing = [c for c in cols.split() if c not in have]
        check(have and not missing, f"table {table}: missing {'table' if not have else 'columns ' + ', '.join(missing)}")

    # -- sources and their seed texts
    texts = {}
    for s in rows("SELECT * FROM sources ORDER BY id"):
        if seeds is None:
            skip(f"source {s['id']}: seed file {s['seed']} and its sections")
        elif check(os.path.isfile(os.path.join(seeds, s["seed"])),
                   f"source {s['id']}: seed file {s['seed']} not in {seeds}"):
            with open(os.path.join(seeds, s["seed"]), encoding="utf-8") as f:
                texts[s["id"]] = normalize(f.read())
        check(s["published"] is None or re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", s["published"]),
              f"source {s['id']}: published {s['published']!r} is not YYYY[-MM[-DD]]")
    seed_files = sorted(f for f in os.listdir(seeds) if f.endswith(".txt")) if seeds else []
    cited = {r[0] for r in rows("SELECT seed FROM sources")}
    for f in seed_files:
        check(f in cited, f"seed {f} has no row in sources")

    # -- sections: anchors found in order; a section runs to the next anchor
    regions = {}
    for sid, text in texts.items():
        secs = rows("SELECT * FROM sections WHERE source_id = ? ORDER BY ord", sid)
        check(len(secs) > 0, f"source {sid}: no sections")
        pos, found = 0, []
        for sec in secs:
            anchor = squeeze(sec["anchor"])
            at, start = -1, pos
            for _ in range(sec["nth"]):
                at = text.find(anchor, start)
                if at < 0:
                    break
                start = at + len(anchor)
            if check(at >= 0, f"{sid} section {sec['locator']!r}: anchor {anchor!r} "
                               f"(occurrence {sec['nth']}) not found after the previous section"):
                found.append((sec["locator"], at))
                pos = at + len(anchor)
        for i, (locator, at) in enumerate(found):
            end = found[i + 1][1] if i + 1 < len(found) else len(text)
            regions[(sid, locator)] = text[at:end]

    def region_of(table, key, r):
        if seeds is None:
            skip(f"{table} {key}: against its seed text")
            return None
        reg = regions.get((r["source_id"], r["locator"]))
        check(reg is not None, f"{table} {key}: locator {r['locator']!r} is not a section of {r['source_id']}")
        return reg

    # -- GCI
    asean = {"SGP": "新加坡", "MYS": "马来西亚", "THA": "泰国", "IDN": "印度尼西亚", "PHL": "菲律宾",
             "VNM": "越南", "BRN": "文莱", "MMR": "缅甸", "KHM": "柬埔寨", "LAO": "老挝"}
    g2018 = rows("SELECT * FROM gci WHERE year = 2018 ORDER BY rank_global")
    check(sorted(r["iso3"] for r in g2018) == sorted(asean),
          f"gci 2018: want the ten ASEAN states, have {sorted(r['iso3'] for r in g2018)}")
    for year_rows in [rows("SELECT * FROM gci WHERE year = ? ORDER BY rank_global", y[0])
                      for y in rows("SELECT DISTINCT year FROM gci")]:
        ranks = [r["rank_global"] for r in year_rows]
        check(len(ranks) == len(set(ranks)), f"gci {year_rows[0]['year']}: global ranks not unique {ranks}")
        ar = [r["rank_asean"] for r in year_rows if r["iso3"] in asean]
        if any(a is not None for a in ar):
            check(ar == list(range(1, len(ar) + 1)),
                  f"gci {year_rows[0]['year']}: rank_asean {ar} does not follow the global ranks")
    for r in rows("SELECT * FROM gci ORDER BY year, rank_global"):
        key = f"{r['year']} {r['iso3']}"
        if r["iso3"] in asean:
            check(r["country_zh"] == asean[r["iso3"]],
                  f"gci {key}: country_zh {r['country_zh']!r}, want {asean[r['iso3']]!r}")
        reg = region_of("gci", key, r)
        if reg is None:
            continue
        pat = re.escape(r["country_zh"]) + r"[:：]?" + str(r["rank_global"]) + r"(?![\d.])"
        check(re.search(pat, reg), f"gci {key}: {r['country_zh']} with rank {r['rank_global']} "
                                   f"not found together in {r['locator']!r}")
        check(r["score"] is None or 0 <= r["score"] <= 100, f"gci {key}: score {r['score']} out of range")
        if r["rank_asean"] is not None:
            listed = [m.group(1) for m in re.finditer(
                "(" + "|".join(map(re.escape, asean.values())) + r")\d+", reg)]
            check(r["country_zh"] in listed and listed.index(r["country_zh"]) + 1 == r["rank_asean"],
                  f"gci {key}: rank_asean {r['rank_asean']} is not its place in the seed's list {listed}")

    # -- facts
    for r in rows("SELECT * FROM facts ORDER BY id"):
        key = r["id"]
        reg = region_of("facts", key, r)
        written = squeeze(r["as_written"])
        if r["value"] is not None:
            num, rest = parse_numeral(written)
            check(num is not None and abs(num - r["value"]) < 1e-9,
                  f"facts {key}: value {r['value']} but the seed writes {written!r}")
            check(unit_fits(rest, r["unit"]),
                  f"facts {key}: unit {r['unit']!r} does not fit {written!r}")
        else:
            check(r["note"], f"facts {key}: value is NULL without a note")
        if reg is None:
            continue
        cue_at = None
        if r["cue"]:
            hits, msg, cue_at = figure_after_cue(reg, r["cue"], written)
            check(hits, f"facts {key}: {msg} in {r['locator']!r}")
        else:
            hits = occurrences(reg, written)
            check(hits, f"facts {key}: {written!r} not in {r['locator']!r}")
        if hits:
            check(any(qualifier_near(reg, h, h + len(written), r["qualifier"], cue_at) for h in hits),
                  f"facts {key}: qualifier {r['qualifier']!r} not next to {written!r} in {r['locator']!r}")

    # ASEAN population and internet users: the report gives two of each.
    for metric, want in (("总人口", {6.0, 6.2}), ("网民规模", {2.0, 2.6})):
        got = rows("SELECT value, locator FROM facts WHERE subject = '东盟' AND metric = ?", metric)
        check({r["value"] for r in got} >= want and len({r["locator"] for r in got}) >= 2,
              f"facts: ASEAN {metric} should be stored twice with its two locators, "
              f"have {[(r['value'], r['locator']) for r in got]}")
    # figures a brief is expected to find
    for fid in ("cai2013.cncert.partner_countries", "cai2013.cncert.partner_orgs",
                "cai2013.cncert.mou_orgs", "cai2013.cncert.requests_2013",
                "cai2013.cncert.uscert_complaints_2013", "cai2013.cn.defaced_sites_2013",
                "cai2013.cn.hijacked_hosts_2013", "zhu2014.cn.defaced_sites_2012",
                "zhu2014.cn.backdoored_sites_2012", "zhu2014.us.cybercrime_loss",
                "an2024.sea.internet_adult_share", "an2024.ssa.mobile_payment_growth",
                "an2024.mena.mobile_payment_growth"):
        check(rows("SELECT 1 FROM facts WHERE id = ?", fid), f"facts: {fid} missing")
    cn = rows("SELECT value FROM facts WHERE id IN ('cai2013.cncert.requests_2013', "
              "'cai2013.cncert.uscert_complaints_2013') ORDER BY value")
    if len(cn) == 2:
        check(cn[0][0] <= cn[1][0], "facts: US-CERT complaints exceed all CNCERT requests")
    sg = rows("SELECT f.value, g.rank_global FROM facts f JOIN gci g ON g.iso3 = 'SGP' AND g.year = 2018 "
              "WHERE f.id = 'caict2019.sgp.gci_rank_text'")
    if sg:
        check(sg[0][0] == sg[0][1], f"facts: Singapore's GCI rank in the text ({sg[0][0]}) differs from the table ({sg[0][1]})")

    # -- market shares
    for r in rows("SELECT * FROM market_share ORDER BY year, scope, segment"):
        key = f"{r['year']} {r['scope']} {r['segment']}"
        reg = region_of("market_share", key, r)
        if reg is None:
            continue
        written = fmt(r["share_pct"]) + "%"
        if r["cue"]:
            hits, msg, _ = figure_after_cue(reg, r["cue"], written)
            check(hits, f"market_share {key}: {msg}")
        else:
            hits = occurrences(reg, written)
            check(hits, f"market_share {key}: {written} not in {r['locator']!r}")
        core = r["segment"][2:] if r["segment"].startswith("安全") else r["segment"]
        check(any(core in reg[max(0, h - 40):h] for h in hits),
              f"market_share {key}: segment {core!r} not named just before {written}")
        check(str(r["year"]) in reg, f"market_share {key}: year {r['year']} not in {r['locator']!r}")
    for r in rows("SELECT year, scope, sum(share_pct) AS s, count(*) AS n FROM market_share GROUP BY year, scope"):
        check(r["s"] <= 100.05, f"market_share {r['year']} {r['scope']}: shares sum to {r['s']} > 100")
    # a scope whose rows say 完整分项 (the seed gives every segment) must add up to 100
    full = rows("SELECT year, scope, sum(share_pct) AS s FROM market_share m WHERE EXISTS ("
                "SELECT 1 FROM market_share n WHERE n.year = m.year AND n.scope = m.scope "
                "AND n.note LIKE '%完整分项%') GROUP BY year, scope")
    for r in full:
        check(abs(r["s"] - 100) <= 0.5, f"market_share {r['year']} {r['scope']}: full breakdown sums to {r['s']}")
    for scope, seg in (("WORLD", "安全服务"), ("CN", "安全硬件"), ("CN", "安全服务")):
        check(rows("SELECT 1 FROM market_share WHERE year = 2018 AND scope = ? AND segment = ?", scope, seg),
              f"market_share: 2018 {scope} {seg} missing")
    top = rows("SELECT segment FROM market_share WHERE year = 2018 AND scope = 'CN' ORDER BY share_pct DESC LIMIT 1")
    check(top and top[0][0] == "安全硬件", "market_share: the seed says hardware is China's largest segment in 2018")

    # -- industry size
    for r in rows("SELECT rowid, * FROM industry_size ORDER BY scope, year"):
        key = f"{r['scope']} {r['year']}"
        reg = region_of("industry_size", key, r)
        if reg is None:
            continue
        written = fmt(r["value"]) + r["unit"]
        cue_at = None
        if r["cue"]:
            hits, msg, cue_at = figure_after_cue(reg, r["cue"], written)
            check(hits, f"industry_size {key}: {msg}")
        else:
            hits = occurrences(reg, written)
            check(hits, f"industry_size {key}: {written} not in {r['locator']!r}")
        if hits and r["qualifier"]:
            check(any(qualifier_near(reg, h, h + len(written), r["qualifier"], cue_at) for h in hits),
                  f"industry_size {key}: qualifier {r['qualifier']!r} not next to {written}")
        if r["year"] is not None:
            check(str(r["year"]) in reg, f"industry_size {key}: year not in {r['locator']!r}")
        if hits and r["growth_pct"] is not None:
            h = hits[0] + len(written)
            m = ARABIC.search(reg, h)
            check(m and m.start() - h <= 8 and float(m.group(0)) == r["growth_pct"] and
                  reg[m.end():m.end() + 1] in ("%", "％"),
                  f"industry_size {key}: growth {r['growth_pct']}% is not the figure right after {written}")
    cn = {r["year"]: r for r in rows("SELECT * FROM industry_size WHERE scope = 'CN'")}
    check(2017 in cn and 2018 in cn, "industry_size: China 2017 and 2018 missing")
    for y in sorted(cn):
        if y - 1 in cn and cn[y]["growth_pct"] is not None:
            calc = (cn[y]["value"] / cn[y - 1]["value"] - 1) * 100
            check(abs(calc - cn[y]["growth_pct"]) <= 0.5,
                  f"industry_size CN {y}: growth {cn[y]['growth_pct']}% but {cn[y - 1]['value']} -> "
                  f"{cn[y]['value']} is {calc:.1f}%")

    # -- funding rounds
    fr = rows("SELECT * FROM funding_rounds ORDER BY year, sort_order")
    check(len([r for r in fr if r["year"] == 2018]) >= 3, "funding_rounds: 2018 bands missing")
    for r in fr:
        key = f"{r['year']} {r['round_size']}"
        reg = region_of("funding_rounds", key, r)
        if reg is None or r["count"] is None:
            continue
        written = f"{r['count']}{r['unit']}"
        hits, msg, _ = figure_after_cue(reg, r["round_size"], written, limit=6)
        check(hits, f"funding_rounds {key}: {msg}")
        check(str(r["year"]) in reg, f"funding_rounds {key}: year not in {r['locator']!r}")
        check(r["share_pct"] is None or 0 <= r["share_pct"] <= 100, f"funding_rounds {key}: share out of range")
    for y in {r["year"] for r in fr}:
        orders = [r["sort_order"] for r in fr if r["year"] == y]
        check(len(orders) == len(set(orders)), f"funding_rounds {y}: sort_order not unique")
        shares = [r["share_pct"] for r in fr if r["year"] == y and r["share_pct"] is not None]
        check(sum(shares) <= 100.05, f"funding_rounds {y}: shares sum to {sum(shares)}")

    # -- events
    ocr = str.maketrans({"〇": "0", "ｉ": "1", "ｌ": "1", "Ｏ": "0"})
    for r in rows("SELECT rowid, * FROM events ORDER BY date"):
        key = f"{r['date']} {r['title']}"
        m = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", r["date"])
        if not check(m, f"events {key}: date {r['date']!r} is not YYYY[-MM[-DD]]"):
            continue
        y, mo, d = (int(x) if x else None for x in m.groups())
        check((mo is None or 1 <= mo <= 12) and (d is None or 1 <= d <= 31), f"events {key}: impossible date")
        check(r["title"] and r["title"].strip(), f"events {key}: empty title")
        reg = region_of("events", key, r)
        if reg is None:
            continue
        daw = squeeze(r["date_as_written"])
        if not daw:
            check(r["note"], f"events {key}: no date_as_written and no note")
            continue
        check(daw in reg, f"events {key}: {daw!r} not in {r['locator']!r}")
        t = daw.translate(ocr)
        years = [int(x) for x in re.findall(r"(?<!\d)(\d{4})(?!\d)", t)]
        dm = re.search(r"(?<!\d)(\d{1,2})月(?:(\d{1,2})日)?", t)
        wm = int(dm.group(1)) if dm else None
        wd = int(dm.group(2)) if dm and dm.group(2) else None
        iso = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", t)
        if iso:
            years, wm, wd = [int(iso.group(1))], int(iso.group(2)), int(iso.group(3))
        check(not years or y in years, f"events {key}: year {y} not in {daw!r}")
        check(wm is None or mo is None or wm == mo, f"events {key}: month {mo} but the seed writes {daw!r}")
        check(wd is None or d is None or wd == d, f"events {key}: day {d} but the seed writes {daw!r}")
        guessed = (not years) or (mo is not None and wm is None) or (d is not None and wd is None)
        check(not guessed or r["note"],
              f"events {key}: date is more precise than {daw!r} without a note saying why")

    # -- every row's source exists (build.sh enforces it too)
    for table in ("gci", "facts", "market_share", "industry_size", "funding_rounds", "events", "sections"):
        bad = rows(f"SELECT count(*) FROM {table} WHERE source_id NOT IN (SELECT id FROM sources)")[0][0]
        check(bad == 0, f"{table}: {bad} rows cite an unknown source")

    sys.exit(finish())


if __name__ == "__main__":
    main()
