#!/bin/sh
# run.sh: runs every fuzz harness, one at a time, for SECONDS each.
#
#   sh tests/fuzz/run.sh SECONDS BUILD     (what `make fuzz` does)
#
# Each harness starts from a scratch copy of tests/fuzz/corpus/<name>/ (the
# committed corpus never grows); its log is out/fuzz/<name>.log and a
# crashing input is kept as out/fuzz/crashes/<name>-crash-<sha1> (also
# leak-, timeout-, oom-).  Prints one line per harness: runs, coverage,
# corpus size; exits 1 if any harness found something, naming the input.
secs=${1:?usage: run.sh SECONDS BUILD}
build=${2:?usage: run.sh SECONDS BUILD}
mkdir -p out/fuzz/crashes
status=0; ran=0
for bin in "$build"/fuzz_*; do
    [ -x "$bin" ] || continue
    name=${bin##*/fuzz_}
    log=out/fuzz/$name.log
    scratch=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-$name.XXXXXX")
    [ -d "tests/fuzz/corpus/$name" ] && cp -R "tests/fuzz/corpus/$name/." "$scratch/"
    seeds=$(ls "$scratch" | wc -l)
    ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=0 \
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
        "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
               -artifact_prefix="out/fuzz/crashes/$name-" "$scratch" >"$log" 2>&1
    rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -n 1)
    found=$(ls "$scratch" | wc -l)
    rm -rf "$scratch"
    ran=$((ran + 1))
    if [ "$rc" -ne 0 ]; then
        status=1
        input=$(sed -n 's/.*Test unit written to //p' "$log" | tail -n 1)
        echo "fuzz_$name: FAILED (exit $rc) after ${runs:-?} runs; input: ${input:-none written}; log: $log"
        grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error)' "$log" | head -n 5
    else
        echo "fuzz_$name: ok, ${secs} s, ${runs:-?} runs, ${cov:-no coverage line}, corpus $seeds -> $found"
    fi
done
[ "$ran" -gt 0 ] || { echo "no fuzz harness in $build"; exit 1; }
exit $status
