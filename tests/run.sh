#!/bin/sh
# run.sh: runs every test program and adds their counts up.
#
# Each program (unit tests in $BUILD/test_*, end-to-end tests in
# tests/e2e/*.sh and *.py) ends its output with "N passed, N failed" and,
# when it can skip checks (an input the repository does not hold, such as
# ../shared/seeds), ", K skipped".  A program that dies without that line
# counts as one failure.  The last line printed here is the suite's total,
# "N passed, N failed, K skipped", which CI reads.
BUILD=${TEST_BUILD:-out/build}
export REPORTC=${REPORTC:-./reportc}
export TEST_BUILD=$BUILD
# Debian's python3 has python3-fonttools; a python3 earlier on PATH (pyenv,
# a virtualenv) may not.
PY=${PYTHON:-python3}
[ -x /usr/bin/python3 ] && [ -z "$PYTHON" ] && PY=/usr/bin/python3
passed=0; failed=0; skipped=0
log=$(mktemp); trap 'rm -f "$log"' EXIT

run() {
    name=$1; shift
    "$@" >"$log" 2>&1
    status=$?
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
    if [ -z "$line" ]; then
        echo "FAIL $name: no result line (exit $status)"; tail -n 20 "$log"
        failed=$((failed + 1)); return
    fi
    p=$(echo "$line" | cut -d' ' -f1); f=$(echo "$line" | cut -d' ' -f3)
    s=$(echo "$line" | sed -n 's/^[0-9]* passed, [0-9]* failed, \([0-9]*\) skipped.*/\1/p')
    if [ "$f" -eq 0 ] && [ "$status" -ne 0 ]; then f=1; fi
    [ "$f" -ne 0 ] && grep -v -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 40
    grep -E '^(INFO|PASSCOUNT)' "$log"
    grep -E '^SKIP' "$log" | head -n 3     # why; the count is on the result line
    printf '%-28s %s\n' "$name" "$line"
    passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + ${s:-0}))
}

for t in "$BUILD"/test_*; do
    [ -x "$t" ] && run "$(basename "$t")" "$t"
done
for t in tests/e2e/*.sh; do
    [ -f "$t" ] && run "$(basename "$t")" sh "$t"
done
for t in tests/e2e/*.py; do
    [ -f "$t" ] && run "$(basename "$t")" "$PY" "$t"
done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
