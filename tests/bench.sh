#!/bin/sh
# bench.sh: speed and size figures for `make bench`.  Reports; never fails
# on a number.
#
# 1. Each case of the table below is built RUNS times by a "before" binary
#    (a build of the commit BEFORE, made once into out/bench/ and kept) and
#    by the current one (REPORTC); one aligned table prints, per case and
#    binary, the median over the runs of the wall time, the CPU time
#    (user + system, the workers' included for a batch) and the peak RSS
#    (the largest process, from wait4's rusage), with the pages, pages per
#    second and the PDF size.  Figures vary on a shared machine: a median,
#    not a best run.  Under the table, per binary: the batch's briefs per
#    second and CPU per brief, and a warm worker's CPU per brief (-j 1,
#    the CPU of 120 briefs less that of 10, over 110).
# 2. Fonts: one page of 500 distinct common characters (the first 500 of
#    GB 2312 level 1), its font bytes set in Noto Serif CJK SC (CFF) and in
#    AR PL UMing (TrueType); and one subset of the brief's characters, ours
#    against hb-subset ($BUILD/subset_bench, built by `make bench`).
# 3. Line breaking: ms of CPU per page of 40 lines for first-fit and
#    total-fit (theme linebreak), on the body paragraphs of the examples
#    (from their display lists) and, when there are seed documents, of
#    theirs ($BUILD/linebreak_bench; shaping not counted).
#
# Variables:
#   RUNS         runs per case and binary (3); the figures are medians
#   BEFORE       the commit to compare with (41daec8: main before the
#                streamed rows, page-by-page writing and warm batch
#                workers); empty: the current binary only
#   BENCH_CASES  the cases to run, by name, comma-separated (all)
#   BENCH_HUGE=1 adds a table of 1,000,000 rows
#   BENCH_DB     the fact store of the brief cases (out/facts.db)
#   BENCH_BRIEF  the brief (scripts/asean_brief.lua, else scripts/gci_brief.lua)
#   BENCH_FONTS  a font manifest for every case (default: each binary's own)
#   BENCH_FONTS_PART=0 skips part 2
#   SEEDS_DIR    the seed documents (../shared/seeds); their case is
#                skipped when there are none
REPORTC=${REPORTC:-./reportc}
RUNS=${RUNS:-3}
BEFORE=${BEFORE-41daec8}
DB=${BENCH_DB:-out/facts.db}
BUILD=${BUILD:-out/build}
FONTS=${BENCH_FONTS:+--fonts $BENCH_FONTS}
BENCH_OUT=out/bench
STATES=SGP,MYS,THA,IDN,VNM,PHL,BRN,LAO,MMR,KHM
SEEDS=${SEEDS_DIR:-../shared/seeds}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export SOURCE_DATE_EPOCH=1700000000
status=0

brief=${BENCH_BRIEF:-scripts/asean_brief.lua}
[ -f "$brief" ] || brief=scripts/gci_brief.lua
case $brief in
    */gci_brief.lua) key=focus; brief_args="-D focus=SGP" ;;
    *) key=country; brief_args="-D country=SGP" ;;
esac
[ "$BENCH_HUGE" = 1 ] && huge_rows=1000000 || huge_rows=100000
# Materialised rows outgrow the default limits (512 MB, 120 s) past some
# 40,000 rows: the long tables are measured, not limited.
big="--memory-limit 8192 --time-limit 3600"

# The cases: one line each, `name store kind script arguments...`.  store
# is facts (BENCH_DB), bench (generated: tests/bench/make_db.sh), streamed
# (the same, for a binary with report.db:rows only: a million rows
# materialised would take some 12 GB) or seeds (the seed documents,
# skipped without them); kind is build (one PDF) or
# batch (every PDF of `reportc batch`; the output pattern is added).  The
# arguments are expanded by the shell.  To add a case, add a line.
CASES='
asean-brief      facts build $brief $brief_args
batch-120-j2     facts batch $brief --each $key=$STATES --each period=2019-01..2019-12 -j 2
mail-merge-500   bench build tests/bench/mail.lua -D letters=500
table-10k        bench build tests/bench/table.lua -D rows=10000 $big
table-100k       bench build tests/bench/table.lua -D rows=100000 $big
paras-1000p      bench build tests/bench/paras.lua -D pages=1000
seed-documents   seeds build tests/bench/seeds.lua
'
[ "$BENCH_HUGE" = 1 ] && CASES="$CASES
table-1m         streamed build tests/bench/table.lua -D rows=1000000 $big
"

# ---- inputs ---------------------------------------------------------------------

# The generated store, made again when it holds fewer rows than needed.
bench_db() {
    have=$(sqlite3 "$BENCH_OUT/bench.db" 'SELECT rows FROM bench_meta' 2>/dev/null)
    [ "${have:-0}" -ge "$huge_rows" ] && return 0
    mkdir -p "$BENCH_OUT"
    echo "bench: generating $BENCH_OUT/bench.db ($huge_rows rows)"
    sh tests/bench/make_db.sh "$BENCH_OUT/bench.db" "$huge_rows"
}

# The seed documents' paragraphs, one row each, when the seeds are there.
seeds_db() {
    [ -d "$SEEDS" ] || return 1
    [ -f "$BENCH_OUT/seeds.db" ] && [ -z "$(find "$SEEDS" -newer "$BENCH_OUT/seeds.db" | head -n 1)" ] \
        && return 0
    mkdir -p "$BENCH_OUT"
    /usr/bin/python3 - "$SEEDS" "$BENCH_OUT/seeds.db" <<'EOF'
import os, sqlite3, sys
seeds, path = sys.argv[1], sys.argv[2]
if os.path.exists(path + ".tmp"):
    os.remove(path + ".tmp")
db = sqlite3.connect(path + ".tmp")
db.execute("CREATE TABLE seed_paras(doc TEXT, n INTEGER, text TEXT)")
for name in sorted(os.listdir(seeds)):
    with open(os.path.join(seeds, name), encoding="utf-8", errors="replace") as f:
        paras = [p.strip() for p in f.read().split("\n") if p.strip()]
    # Private-use characters (a PDF extraction's icon glyphs) have no font.
    paras = ["".join(c for c in p if not 0xE000 <= ord(c) <= 0xF8FF) for p in paras]
    db.executemany("INSERT INTO seed_paras VALUES(?, ?, ?)",
                   [(name, i, p) for i, p in enumerate(paras)])
db.commit()
db.close()
os.replace(path + ".tmp", path)
EOF
}

# The before binary: BEFORE's tree from git, built in out/bench/ once.  It
# finds its own templates/ and fonts/ beside it, as a checkout does.
before_binary() {
    hash=$(git rev-parse --short=12 "$BEFORE^{commit}" 2>/dev/null) || {
        echo "bench: no commit $BEFORE here: no before column" >&2; return 1; }
    dir=$BENCH_OUT/before-$hash
    if [ ! -x "$dir/reportc" ]; then
        echo "bench: building $BEFORE into $dir (once; the log is $dir.log)" >&2
        rm -rf "$dir"; mkdir -p "$dir"
        git archive "$hash" | tar -x -C "$dir" &&
            make -C "$dir" -j2 reportc > "$dir.log" 2>&1 || {
            echo "bench: building $BEFORE failed (see $dir.log): no before column" >&2
            rm -f "$dir/reportc"; return 1; }
    fi
    echo "$dir/reportc"
}

# measure FILE COMMAND...: run COMMAND; FILE gets its wall time (us), peak
# RSS (KB, its largest process: wait4 counts the children it waited for)
# and CPU seconds (user + system, children included), to the microsecond
# (/usr/bin/time rounds CPU to 10 ms, half a brief).
measure() {
    /usr/bin/python3 -c '
import os, sys, time
t = time.perf_counter()
pid = os.posix_spawnp(sys.argv[2], sys.argv[2:], os.environ)
_, status, ru = os.wait4(pid, 0)
wall = time.perf_counter() - t
with open(sys.argv[1], "w") as f:
    f.write("%d %d %.6f\n" % (wall * 1e6, ru.ru_maxrss, ru.ru_utime + ru.ru_stime))
sys.exit(os.waitstatus_to_exitcode(status) & 255)' "$@"
}

# ---- running a case -----------------------------------------------------------------

# Does BIN stream rows (report.db:rows)?  Asked of the binary itself.
streams() {
    printf '%s\n' 'local report = require "report"' \
        'return report.document{ title = report.db.rows and "streamed" or "materialised" }' \
        > "$tmp/probe.lua"
    "$1" build "$tmp/probe.lua" -o "$tmp/probe.pdf" --db "$BENCH_OUT/bench.db" 2> /dev/null &&
        pdfinfo "$tmp/probe.pdf" 2> /dev/null | grep -q '^Title: *streamed$'
}

# run_case BIN NAME STORE KIND ARGS...: RUNS runs; appends one table row.
run_case() {
    bin=$1; label=$2; name=$3; store=$4; kind=$5; shift 5
    # An example script is the binary's own commit's (today's may use
    # options the before binary does not know); the bench's own scripts
    # are the same for both.
    if [ -f "$(dirname "$bin")/$1" ] && [ "$(dirname "$bin")" != . ]; then
        script="$(dirname "$bin")/$1"; shift; set -- "$script" "$@"
    fi
    if [ "$store" = streamed ] && ! streams "$bin"; then
        printf '%-16s %-7s skipped: no report.db:rows in this binary\n' "$name" "$label" >> "$tmp/table"
        return
    fi
    case $store in
        facts) db=$DB ;;
        bench|streamed) db=$BENCH_OUT/bench.db ;;
        seeds) db=$BENCH_OUT/seeds.db ;;
    esac
    : > "$tmp/runs"
    i=0
    while [ $i -lt "$RUNS" ]; do
        rm -rf "$tmp/out"; mkdir -p "$tmp/out"
        if [ "$kind" = batch ]; then out="$tmp/out/{$key}/{period}.pdf"; else out="$tmp/out/$name.pdf"; fi
        # shellcheck disable=SC2086  # $FONTS is empty or two words
        measure "$tmp/t" "$bin" "$kind" "$@" -o "$out" --db "$db" $FONTS > /dev/null 2> "$tmp/err"
        rc=$?
        if [ $rc -ne 0 ]; then
            printf '%-16s %-7s failed (exit %d): %s\n' "$name" "$label" $rc \
                "$(grep -v '^	\|^stack traceback' "$tmp/err" | tail -n 1 | cut -c1-120)" >> "$tmp/table"
            status=1
            return
        fi
        cat "$tmp/t" >> "$tmp/runs"
        i=$((i + 1))
    done
    pages=0; size=0; pdfs=0; rows=-
    for f in $(find "$tmp/out" -name '*.pdf'); do
        p=$(pdfinfo "$f" 2>/dev/null | awk '/^Pages:/ {print $2}')
        pages=$((pages + ${p:-0})); size=$((size + $(stat -c %s "$f"))); pdfs=$((pdfs + 1))
    done
    title=$(pdfinfo "$tmp/out/$name.pdf" 2>/dev/null | sed -n 's/^Title: *\(.*\) rows$/\1/p')
    [ -n "$title" ] && rows=$title
    # Each figure's own median over the runs.
    for col in 1 2 3; do
        awk -v c=$col '{ print $c }' "$tmp/runs" | sort -g |
            awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
    done | tr '\n' ' ' > "$tmp/med"
    read -r wall_us rss_kb cpu < "$tmp/med"
    awk -v n="$name" -v b="$label" -v r="$rows" -v w="$wall_us" -v c="$cpu" -v p="$pages" \
        -v m="$rss_kb" -v s="$size" -v k="$pdfs" 'BEGIN {
        printf "%-16s %-7s %-12s %8.3f %8.3f %6d %8.1f %8.1f %10.1f\n",
               n, b, r, w / 1e6, c, p, p / (w / 1e6), m / 1024, s / 1024 }' >> "$tmp/table"
    # The batch: per brief, for the line under the table.
    [ "$kind" = batch ] && awk -v b="$label" -v w="$wall_us" -v c="$cpu" -v k="$pdfs" 'BEGIN {
        printf "  %-7s %d briefs: %.1f briefs/s, CPU %.1f ms per brief (workers and parent)\n",
               b, k, k / (w / 1e6), c * 1000 / k }' >> "$tmp/notes"
}

# warm_brief BIN LABEL: a batch worker's CPU per brief once warm (fonts,
# compiled script, shape cache, font programs kept): the CPU of 120
# briefs less that of 10, over 110, with one worker (-j 1).
warm_brief() {
    bin=$1; label=$2; script=$brief
    if [ -f "$(dirname "$bin")/$brief" ] && [ "$(dirname "$bin")" != . ]; then
        script="$(dirname "$bin")/$brief"
    fi
    for n in 10 120; do
        months=2019-01; [ $n = 120 ] && months=2019-01..2019-12
        : > "$tmp/runs"
        i=0
        while [ $i -lt "$RUNS" ]; do
            rm -rf "$tmp/out"; mkdir -p "$tmp/out"
            # shellcheck disable=SC2086  # $FONTS is empty or two words
            measure "$tmp/t" "$bin" batch "$script" --each "$key=$STATES" --each "period=$months" \
                -j 1 -o "$tmp/out/{$key}/{period}.pdf" --db "$DB" $FONTS > /dev/null 2>&1 || return 0
            cat "$tmp/t" >> "$tmp/runs"
            i=$((i + 1))
        done
        awk '{ print $3 }' "$tmp/runs" | sort -g |
            awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }' > "$tmp/cpu$n"
    done
    awk -v b="$label" -v a="$(cat "$tmp/cpu10")" -v z="$(cat "$tmp/cpu120")" 'BEGIN {
        printf "  %-7s warm worker (-j 1): %.1f ms CPU per brief (120 briefs against 10)\n",
               b, (z - a) * 1000 / 110 }' >> "$tmp/notes"
}

wanted() {
    [ -z "$BENCH_CASES" ] && return 0
    case ",$BENCH_CASES," in *",$1,"*) return 0 ;; esac
    return 1
}

# ---- the table ------------------------------------------------------------------------

binaries="after=$REPORTC"
if [ -n "$BEFORE" ] && before=$(before_binary); then binaries="before=$before $binaries"; fi
: > "$tmp/table"; : > "$tmp/notes"
echo "$CASES" | while read -r name store kind script args; do
    [ -n "$name" ] && wanted "$name" || continue
    if { [ "$store" = bench ] || [ "$store" = streamed ]; } && ! bench_db; then
        printf '%-16s skipped: cannot generate %s\n' "$name" "$BENCH_OUT/bench.db" >> "$tmp/table"
        continue
    fi
    if [ "$store" = seeds ] && ! seeds_db; then
        printf '%-16s skipped: no seed documents (%s)\n' "$name" "$SEEDS" >> "$tmp/table"
        continue
    fi
    for b in $binaries; do
        # shellcheck disable=SC2086  # the arguments are words
        eval "run_case \"\${b#*=}\" \"\${b%%=*}\" \"\$name\" \"\$store\" \"\$kind\" $script $args"
    done
    echo "$status" > "$tmp/status"
done
[ -f "$tmp/status" ] && status=$(cat "$tmp/status")
if wanted batch-120-j2; then
    for b in $binaries; do warm_brief "${b#*=}" "${b%%=*}"; done
fi

echo "reportc bench: each figure the median of $RUNS runs (RUNS=$RUNS) on $(nproc) cores," \
     "SOURCE_DATE_EPOCH fixed"
echo "  before = ${before:-none} (commit ${BEFORE:-none}), after = $REPORTC"
echo "  rows: how a table's rows reached it (streamed: report.db:rows; materialised: report.db:query)"
echo "  a batch's pages and PDF size are those of all its PDFs; peak RSS is its largest process"
printf '%-16s %-7s %-12s %8s %8s %6s %8s %8s %10s\n' case binary rows "wall s" "CPU s" \
    pages pages/s "peak MB" "PDF KB"
cat "$tmp/table"
[ -s "$tmp/notes" ] && { echo "batch:"; cat "$tmp/notes"; }

# ---- part 2: fonts -------------------------------------------------------------------
[ "${BENCH_FONTS_PART:-1}" = 0 ] && exit $status

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
if [ -x "$BUILD/subset_bench" ] && [ -f "$noto" ] &&
        "$REPORTC" build "$brief" $brief_args --db "$DB" -o "$tmp/brief.pdf" 2> /dev/null; then
    pdftotext "$tmp/brief.pdf" "$tmp/brief.txt" 2>/dev/null
    echo "one font subset of the brief's characters, ours vs hb-subset:"
    "$BUILD/subset_bench" "$noto" 2 "$tmp/brief.txt" "$RUNS" | sed 's/^/  /'
    "$BUILD/subset_bench" "$uming" 0 "$tmp/brief.txt" "$RUNS" | sed 's/^/  /'
fi
# Part 3: line breaking.  The examples' paragraphs as their display lists
# hold them (runs have no spaces: Latin words run together, which only
# makes tokens longer).
if [ -x "$BUILD/linebreak_bench" ]; then
    for s in scripts/*.lua; do
        "$REPORTC" build "$s" -o "$tmp/lb.pdf" --db "$DB" --display-list "$tmp/lb-$(basename "$s" .lua).json" \
            2>/dev/null || true
    done
    /usr/bin/python3 - "$tmp" "$SEEDS" <<'PY'
import collections, glob, json, os, sys
tmp, seeds_dir = sys.argv[1], sys.argv[2]
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
for path in sorted(glob.glob(os.path.join(seeds_dir, "*.txt"))):
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

exit $status
