#!/bin/sh
# build.sh OUT.db: builds the fact store from schema.sql and one CSV per
# table (scripts/facts/<table>.csv: header row naming the table's columns in
# order, UTF-8, RFC 4180 quoting; an empty field is NULL).
#
# The database is built in a temporary file beside OUT.db and renamed onto
# it only when everything has loaded and checked out, so a failure leaves
# OUT.db as it was (or absent).  Any complaint from sqlite3's CSV reader
# (wrong column count, stray or unterminated quote), a header that does not
# match the table, a value of the wrong type, or a broken reference stops
# the build with a message naming the CSV.
set -e

if [ $# -ne 1 ] || [ -z "$1" ]; then
    echo "usage: sh scripts/facts/build.sh OUT.db" >&2
    exit 2
fi
out=$1
here=$(cd "$(dirname "$0")" && pwd)
command -v sqlite3 >/dev/null 2>&1 || {
    echo "build.sh: sqlite3 command-line tool not found (apt-get install sqlite3)" >&2
    exit 1
}

outdir=$(dirname "$out")
mkdir -p "$outdir"
tmp=$(mktemp "$outdir/.facts.db.XXXXXX")
trap 'rm -f "$tmp" "$tmp-journal"' EXIT
trap 'exit 1' HUP INT TERM
rm -f "$tmp"

fail() {
    echo "build.sh: $*" >&2
    exit 1
}

# sql STATEMENTS: runs against the temp database; any output on stderr
# counts as failure.
sql() {
    err=$(sqlite3 -bail "$tmp" "$@" 2>&1 >/dev/null) || { echo "$err" >&2; return 1; }
    [ -z "$err" ] || { echo "$err" >&2; return 1; }
}

sql ".read '$here/schema.sql'" || fail "schema.sql failed to load"

tables=$(sqlite3 "$tmp" "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")

# Every CSV must belong to a table, and every table must have its CSV.
for csv in "$here"/*.csv; do
    [ -e "$csv" ] || continue
    t=$(basename "$csv" .csv)
    echo "$tables" | grep -qx "$t" || fail "$csv: no table '$t' in schema.sql"
done

# Load parents first so that a broken reference names the child's CSV.
order="sources sections"
for t in $tables; do
    case " $order " in *" $t "*) ;; *) order="$order $t" ;; esac
done

for t in $order; do
    csv=$here/$t.csv
    [ -f "$csv" ] || fail "missing $csv for table $t"
    cols=$(sqlite3 "$tmp" "SELECT group_concat(name, ',') FROM (SELECT name FROM pragma_table_info('$t') ORDER BY cid)")
    head=$(head -n 1 "$csv" | tr -d '\r' | sed 's/^\xEF\xBB\xBF//')
    [ "$head" = "$cols" ] || fail "$csv: header '$head' does not match the columns of table $t: '$cols'"
    stage_cols=$(echo "$cols" | sed 's/,/ TEXT, /g; s/$/ TEXT/')
    select_cols=$(sqlite3 "$tmp" "SELECT group_concat('NULLIF(' || name || ', '''')', ', ') FROM (SELECT name FROM pragma_table_info('$t') ORDER BY cid)")
    sql "CREATE TABLE stage_$t ($stage_cols)" || fail "$csv: cannot create staging table"
    msg=$(sqlite3 -bail "$tmp" ".import --csv --skip 1 '$csv' stage_$t" 2>&1) || fail "$csv: import failed: $msg"
    [ -z "$msg" ] || fail "$csv: malformed CSV:
$msg"
    n=$(sqlite3 "$tmp" "SELECT count(*) FROM stage_$t")
    msg=$(sqlite3 -bail "$tmp" "PRAGMA foreign_keys = ON; INSERT INTO $t SELECT $select_cols FROM stage_$t; DROP TABLE stage_$t;" 2>&1) \
        || fail "$csv: rejected by table $t: $msg"
    [ -z "$msg" ] || fail "$csv: $msg"
    echo "  $t: $n rows"
done

# References (source_id, locator) must resolve.
bad=$(sqlite3 "$tmp" "PRAGMA foreign_key_check")
if [ -n "$bad" ]; then
    first=$(echo "$bad" | head -n 1 | cut -d'|' -f1)
    fail "$here/$first.csv: references that do not resolve (table|rowid|parent|fk):
$bad"
fi
ok=$(sqlite3 "$tmp" "PRAGMA integrity_check")
[ "$ok" = "ok" ] || fail "integrity check: $ok"
sql "VACUUM" || fail "vacuum failed"

mv -f "$tmp" "$out"
trap - EXIT
echo "build.sh: wrote $out"
