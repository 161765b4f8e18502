#!/bin/sh
# bench.sh: speed and size figures for `make bench`.  Reports; never fails
# on a number.
#
# 1. Each example is built several times as one process; the median wall
#    time, the peak memory (max RSS) and the PDF size are printed.
# 2. The ASEAN brief (scripts/asean_brief.lua, else scripts/gci_brief.lua
#    with -D focus=SGP) the same way.
# 3. The 120-job batch, 10 ASEAN states x 12 months, with -j = the cores:
#    briefs per second, total time, peak memory per worker, mean PDF size
#    (median of BATCH_RUNS runs, figures from the batch's --summary).
#
# RUNS, BATCH_RUNS: repetitions; BENCH_DB: the fact store (out/facts.db);
# BENCH_BRIEF: the brief script (scripts/asean_brief.lua when there is one);
# BENCH_EXAMPLES=0 skips part 1 (for a fact store holding only the gci table).
REPORTC=${REPORTC:-./reportc}
RUNS=${RUNS:-7}
BATCH_RUNS=${BATCH_RUNS:-3}
DB=${BENCH_DB:-out/facts.db}
CORES=$(nproc)
STATES=SGP,MYS,THA,IDN,VNM,PHL,BRN,LAO,MMR,KHM
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export SOURCE_DATE_EPOCH=1700000000

# bench_build NAME SCRIPT [ARGS...]: median time, peak memory, pages, size.
bench_build() {
    name=$1; script=$2; shift 2
    : > "$tmp/times"
    i=0
    while [ $i -lt "$RUNS" ]; do
        t0=$(date +%s%N)
        /usr/bin/time -f '%M' -o "$tmp/t" "$REPORTC" build "$script" -o "$tmp/$name.pdf" \
            --db "$DB" "$@" || exit 1
        t1=$(date +%s%N)
        echo "$(( (t1 - t0) / 1000 )) $(cat "$tmp/t")" >> "$tmp/times"
        i=$((i + 1))
    done
    pages=$(pdfinfo "$tmp/$name.pdf" 2>/dev/null | awk '/^Pages:/ {print $2}')
    size=$(stat -c %s "$tmp/$name.pdf")
    sort -n "$tmp/times" | awk -v n="$name" -v runs="$RUNS" -v pages="$pages" -v size="$size" '
        { t[NR] = $1; if ($2 > m) m = $2 }
        END { printf "%-16s median %6.1f ms over %d runs, peak %5.1f MB, %s pages, %6.1f KB PDF\n",
              n, t[int((NR + 1) / 2)] / 1000, runs, m / 1024, pages, size / 1024 }'
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
    "$REPORTC" batch "$brief" --db "$DB" --each "$key=$STATES" --each period=2019-01..2019-12 \
        -o "$tmp/batch-out/{$key}/{period}.pdf" -j "$CORES" --summary "$tmp/summary.json" \
        2> "$tmp/batch-err"
    status=$?
    t1=$(date +%s%N)
    [ -f "$tmp/summary.json" ] || { cat "$tmp/batch-err"; exit 1; }
    # elapsed-us jobs ok failed peak-worker-KB mean-size-bytes
    tr ',{}' '\n\n\n' < "$tmp/summary.json" | awk -v us=$(( (t1 - t0) / 1000 )) '
        /"max_rss_kb":/      { v = $2 + 0; if (v > rss) rss = v }
        /"size":/            { size += $2; n++ }
        /"status": "failed"/ { failed++ }
        /"status":/          { jobs++ }
        END { printf "%d %d %d %d %d %.0f\n", us, jobs, n, failed, rss, n ? size / n : 0 }' >> "$tmp/batch"
    i=$((i + 1))
done
sort -n "$tmp/batch" | awk -v runs="$BATCH_RUNS" -v cores="$CORES" -v brief="$brief" '
    { line[NR] = $0 }
    END { split(line[int((NR + 1) / 2)], f, " ")
          printf "batch %s: %d briefs (10 states x 12 months), -j %d: %.1f briefs/s, total %.2f s (median of %d), peak per worker %.1f MB, mean PDF %.1f KB",
                 brief, f[2], cores, f[2] / (f[1] / 1e6), f[1] / 1e6, runs, f[5] / 1024, f[6] / 1024
          if (f[4] > 0) printf ", %d FAILED", f[4]
          printf "\n" }'
if [ "$status" -ne 0 ]; then
    grep -v '^	\|^stack traceback' "$tmp/batch-err" | tail -n 5
    exit 1
fi
