#!/bin/sh
# bench.sh: speed and size figures for `make bench`.  Reports; never fails
# on a number.  Each example is built several times as one process; the
# median wall time, the peak memory (max RSS) and the PDF size are printed.
REPORTC=${REPORTC:-./reportc}
RUNS=${RUNS:-7}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export SOURCE_DATE_EPOCH=1700000000
for script in scripts/*.lua; do
    name=$(basename "$script" .lua)
    : > "$tmp/times"
    i=0
    while [ $i -lt "$RUNS" ]; do
        t0=$(date +%s%N)
        /usr/bin/time -f '%M' -o "$tmp/t" "$REPORTC" build "$script" -o "$tmp/$name.pdf" || exit 1
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
done
