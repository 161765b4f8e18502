#!/bin/sh
# bench.sh: speed and size figures for `make bench`.  Reports; never fails
# on a number.
#
# 1. Each example is built several times as one process; the first run's
#    wall time (cold: the font files may not be in the page cache yet),
#    the median (warm), the peak memory (max RSS), the PDF size and the
#    bytes of embedded font programs in it are printed.  reportc keeps no
#    cache of its own (src/font/cff.c says why), so cold and warm differ
#    only by the operating system's page cache.
# 2. The ASEAN brief (scripts/asean_brief.lua, else scripts/gci_brief.lua
#    with -D focus=SGP) the same way.
# 3. The 120-job batch, 10 ASEAN states x 12 months, with -j = the cores:
#    briefs per second, total time, time per brief in a worker (total x
#    cores / briefs), peak memory per worker, mean PDF size (median of
#    BATCH_RUNS runs, figures from the batch's --summary).
# 4. Fonts: one page of 500 distinct common characters (the first 500 of
#    GB 2312 level 1), its font bytes set in Noto Serif CJK SC (CFF) and in
#    AR PL UMing (TrueType); and one subset of the brief's characters, ours
#    against hb-subset, cold and warm ($BUILD/subset_bench, built by
#    `make bench`).
# 5. Line breaking: ms of CPU per page of 40 lines for first-fit and
#    total-fit (theme linebreak), on the body paragraphs of the examples
#    (from their display lists) and, when ../shared/seeds is there, of the
#    seed reports ($BUILD/linebreak_bench; shaping not counted).
#
# RUNS, BATCH_RUNS: repetitions; BENCH_DB: the fact store (out/facts.db);
# BENCH_BRIEF: the brief script (scripts/asean_brief.lua when there is one);
# BENCH_FONTS: a font manifest for parts 1-3 (default: reportc's own);
# BENCH_EXAMPLES=0 skips part 1 (for a fact store holding only the gci table).
REPORTC=${REPORTC:-./reportc}
RUNS=${RUNS:-7}
BATCH_RUNS=${BATCH_RUNS:-3}
DB=${BENCH_DB:-out/facts.db}
CORES=$(nproc)
BUILD=${BUILD:-out/build}
FONTS=${BENCH_FONTS:+--fonts $BENCH_FONTS}
STATES=SGP,MYS,THA,IDN,VNM,PHL,BRN,LAO,MMR,KHM
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export SOURCE_DATE_EPOCH=1700000000

# font_bytes PDF: bytes of the embedded font programs (as stored, deflated).
font_bytes() {
    qpdf --json=2 --json-key=qpdf "$1" 2>/dev/null | /usr/bin/python3 -c '
import json, sys
objs = json.load(sys.stdin)["qpdf"][1]
refs = {v for o in objs.values() if isinstance(o.get("value"), dict)
        for k, v in o["value"].items() if k in ("/FontFile", "/FontFile2", "/FontFile3")}
def length(ref):
    n = objs["obj:" + ref]["stream"]["dict"].get("/Length", 0)
    return objs["obj:" + n]["value"] if isinstance(n, str) else n
print(sum(length(r) for r in refs if "obj:" + r in objs))'
}

# bench_build NAME SCRIPT [ARGS...]: first and median time, peak memory,
# pages, size, font bytes.
bench_build() {
    name=$1; script=$2; shift 2
    : > "$tmp/times"
    i=0
    while [ $i -lt "$RUNS" ]; do
        t0=$(date +%s%N)
        # shellcheck disable=SC2086  # $FONTS is empty or two words
        /usr/bin/time -f '%M %U %S' -o "$tmp/t" "$REPORTC" build "$script" -o "$tmp/$name.pdf" \
            --db "$DB" $FONTS "$@" || exit 1
        t1=$(date +%s%N)
        echo "$(( (t1 - t0) / 1000 )) $(cat "$tmp/t")" >> "$tmp/times"
        i=$((i + 1))
    done
    pages=$(pdfinfo "$tmp/$name.pdf" 2>/dev/null | awk '/^Pages:/ {print $2}')
    size=$(stat -c %s "$tmp/$name.pdf")
    fonts=$(font_bytes "$tmp/$name.pdf")
    first=$(head -n 1 "$tmp/times" | cut -d' ' -f1)
    sort -n "$tmp/times" | awk -v n="$name" -v runs="$RUNS" -v pages="$pages" -v size="$size" \
                               -v first="$first" -v fonts="${fonts:-0}" '
        { t[NR] = $1; if ($2 > m) m = $2; cpu += $3 + $4 }
        END { printf "%-16s cold %6.1f ms, warm median %6.1f ms over %d runs (CPU mean %5.1f ms), peak %5.1f MB, %s pages, %6.1f KB PDF, %6.1f KB fonts\n",
              n, first / 1000, t[int((NR + 1) / 2)] / 1000, runs, cpu * 1000 / NR, m / 1024, pages, size / 1024, fonts / 1024 }'
}

if [ "${BENCH_EXAMPLES:-1}" != 0 ]; then
    for script in scripts/*.lua; do
        bench_build "$(basename "$script" .lua)" "$script"
    done
fi

brief=${BENCH_BRIEF:-scripts/asean_brief.lua}
[ -f "$brief" ] || brief=scripts/gci_brief.lua
case $brief in
    */gci_brief.lua) key=focus; fixed="-D focus=SGP" ;;
    *) key=country; fixed="" ;;
esac
# shellcheck disable=SC2086  # $fixed is empty or two words
bench_build "asean brief" "$brief" $fixed

# The batch: each run into a fresh folder, figures from its summary.  A
# failed brief is counted and reported, and makes the bench exit 1 at the
# end, as a failed example build does above.
: > "$tmp/batch"
i=0
while [ $i -lt "$BATCH_RUNS" ]; do
    rm -rf "$tmp/batch-out"
    t0=$(date +%s%N)
    # shellcheck disable=SC2086  # $FONTS is empty or two words
    /usr/bin/time -f '%U %S' -o "$tmp/bt" "$REPORTC" batch "$brief" --db "$DB" $FONTS --each "$key=$STATES" --each period=2019-01..2019-12 \
        -o "$tmp/batch-out/{$key}/{period}.pdf" -j "$CORES" --summary "$tmp/summary.json" \
        2> "$tmp/batch-err"
    status=$?
    t1=$(date +%s%N)
    [ -f "$tmp/summary.json" ] || { cat "$tmp/batch-err"; exit 1; }
    # elapsed-us jobs ok failed peak-worker-KB mean-size-bytes cpu-seconds
    tr ',{}' '\n\n\n' < "$tmp/summary.json" | awk -v us=$(( (t1 - t0) / 1000 )) \
            -v cpu="$(awk '{ print $1 + $2 }' "$tmp/bt")" '
        /"max_rss_kb":/      { v = $2 + 0; if (v > rss) rss = v }
        /"size":/            { size += $2; n++ }
        /"status": "failed"/ { failed++ }
        /"status":/          { jobs++ }
        END { printf "%d %d %d %d %d %.0f %.3f\n", us, jobs, n, failed, rss, n ? size / n : 0, cpu }' >> "$tmp/batch"
    i=$((i + 1))
done
sort -n "$tmp/batch" | awk -v runs="$BATCH_RUNS" -v cores="$CORES" -v brief="$brief" '
    { line[NR] = $0 }
    END { split(line[int((NR + 1) / 2)], f, " ")
          printf "batch %s: %d briefs (10 states x 12 months), -j %d: %.1f briefs/s, total %.2f s (median of %d), %.1f ms per brief in a worker (CPU %.1f ms), peak per worker %.1f MB, mean PDF %.1f KB",
                 brief, f[2], cores, f[2] / (f[1] / 1e6), f[1] / 1e6, runs, f[1] / 1e3 * cores / f[2], f[7] * 1000 / f[2], f[5] / 1024, f[6] / 1024
          if (f[4] > 0) printf ", %d FAILED", f[4]
          printf "\n" }'

# Part 4: fonts.  Manifests in the family/role/face/package/file format.
/usr/bin/python3 -c '
print("".join(bytes([0xB0 + i // 94, 0xA1 + i % 94]).decode("gb2312") for i in range(500)))' \
    > "$tmp/chars500.txt"
printf '%s\n' 'local report = require "report"' 'local doc = report.document{ title = "500" }' \
    'doc:paragraph(report.param("text", ""))' 'return doc' > "$tmp/chars500.lua"
noto=/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc
uming=/usr/share/fonts/truetype/arphic/uming.ttc
dejavu=/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
for face in "noto 2 $noto" "uming 0 $uming"; do
    # shellcheck disable=SC2086  # three words
    set -- $face
    { echo "serif cjk $2 - $3"; echo "serif latin 0 - $dejavu"
      echo "sans cjk $2 - $3"; echo "sans latin 0 - $dejavu"
      echo "fallback cjk 0 - /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"
      echo "fallback latin 0 - $dejavu"; } > "$tmp/$1.manifest"
    if [ -f "$3" ] && "$REPORTC" build "$tmp/chars500.lua" -o "$tmp/chars500-$1.pdf" --db "$DB" \
            --fonts "$tmp/$1.manifest" -D "text=$(cat "$tmp/chars500.txt")" 2> "$tmp/err"; then
        awk -v n="$1" -v f="$(font_bytes "$tmp/chars500-$1.pdf")" -v s="$(stat -c %s "$tmp/chars500-$1.pdf")" \
            'BEGIN { printf "500 distinct characters in %-5s: %6.1f KB fonts, %6.1f KB PDF\n", n, f / 1024, s / 1024 }'
    else
        echo "500 distinct characters in $1: not built ($(head -c 200 "$tmp/err"))"
    fi
done
if [ -x "$BUILD/subset_bench" ] && [ -f "$noto" ]; then
    pdftotext "$tmp/asean brief.pdf" "$tmp/brief.txt" 2>/dev/null
    echo "one font subset of the brief's characters, ours vs hb-subset:"
    "$BUILD/subset_bench" "$noto" 2 "$tmp/brief.txt" "$RUNS" | sed 's/^/  /'
    "$BUILD/subset_bench" "$uming" 0 "$tmp/brief.txt" "$RUNS" | sed 's/^/  /'
fi

# Part 5: line breaking.  The examples' paragraphs as their display lists
# hold them (runs have no spaces: Latin words run together, which only
# makes tokens longer).
if [ -x "$BUILD/linebreak_bench" ]; then
    for s in scripts/*.lua; do
        "$REPORTC" build "$s" -o "$tmp/lb.pdf" --db "$DB" --display-list "$tmp/lb-$(basename "$s" .lua).json" \
            2>/dev/null || true
    done
    /usr/bin/python3 - "$tmp" <<'PY'
import collections, glob, json, os, sys
tmp = sys.argv[1]
paras = []
for path in sorted(glob.glob(os.path.join(tmp, "lb-*.json"))):
    cur = ""
    for page in json.load(open(path))["pages"]:
        lines = collections.OrderedDict()
        for t in page["texts"]:
            if t["role"] == "body":
                lines.setdefault(t["line"], []).append(t)
        for runs in lines.values():
            runs.sort(key=lambda t: t["x"])
            cur += "".join(t["text"] for t in runs).replace("\u00ad", "")
            if runs[0].get("last"):
                paras.append(cur)
                cur = ""
open(os.path.join(tmp, "examples.txt"), "w").write("\n\n".join(paras) + "\n")
seeds = []
for path in sorted(glob.glob(os.path.join("..", "shared", "seeds", "*.txt"))):
    for p in open(path, encoding="utf-8", errors="replace").read().split("\n\n"):
        p = "".join(c for c in " ".join(p.split()) if not (0xE000 <= ord(c) <= 0xF8FF or c == "\ufffd"))
        if len(p) >= 40:
            seeds.append(p)
if seeds:
    open(os.path.join(tmp, "seeds.txt"), "w").write("\n\n".join(seeds) + "\n")
PY
    echo "line breaking (CPU per page of 40 lines, shaping not counted):"
    "$BUILD/linebreak_bench" "$tmp/examples.txt" 200 | sed 's/^/  examples: /'
    if [ -f "$tmp/seeds.txt" ]; then
        "$BUILD/linebreak_bench" "$tmp/seeds.txt" 200 | sed 's/^/  seeds: /'
    fi
fi

if [ "$status" -ne 0 ]; then
    grep -v '^	\|^stack traceback' "$tmp/batch-err" | tail -n 5
    exit 1
fi
