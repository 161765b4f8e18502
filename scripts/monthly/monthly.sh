#!/bin/sh
# monthly.sh: the monthly run: import the data files dropped in the inbox
# into the fact store, check the store, then build every ASEAN state's
# brief for the month just ended into out/monthly/YYYY-MM/.  Run by
# reportc-monthly.service (with reportc-monthly.timer) or by the line in
# reportc.cron; see "The monthly pipeline" in README.md.
#
#   monthly.sh [--inbox DIR] [BATCH-ARGS...]
#
#   REPORTC_HOME   the folder holding scripts/ and out/facts.db
#                  (default: the checkout this file is in)
#   REPORTC        the reportc to run (default: reportc on PATH, else the
#                  checkout's ./reportc)
#   REPORTC_DB     the fact store (default: out/facts.db under REPORTC_HOME)
#   REPORTC_INBOX  the inbox (default: inbox/ under REPORTC_HOME); --inbox
#                  overrides it
# Other arguments go to `reportc batch` (e.g. -j 4).
#
# The inbox: each *.csv in it is imported with `reportc facts import`
# into the table its name starts with, up to the first '-' or '.':
# indicators-2019-06.csv and indicators.csv go to table indicators.  A
# name with a month after the table (TABLE-YYYY-MM...csv) is imported with
# --replace-period YYYY-MM, so a re-delivered month replaces the first
# delivery.  Files for sources and sections go first (others may cite
# them), the rest in name order.  An imported file moves to inbox/done/
# (an earlier file of the same name there is kept, renamed with .1, .2 ...).
# A file that fails stays where it is with FILE.error beside it (what
# reportc said), and the run stops there: no brief is built and the exit
# status is 1, which systemd records as a failed unit and cron mails.
#
# One run at a time: a second run while one holds the lock beside the
# store (DB.monthly-lock, flock) exits 1 at once.
#
# Then `reportc facts check` (a problem also stops the run, status 1), and
# the batch: -D period=last-month resolved once from the clock in local
# time (or SOURCE_DATE_EPOCH), so a run at 06:00 on the 1st builds the
# month that just ended.  --skip-unchanged: a second run with nothing new
# in the inbox builds nothing; a new import changes the store's digest and
# rebuilds.  exec: the stop signal systemd sends reaches reportc itself.
# Exit status: 1 an import or the check failed; else reportc batch's (0
# ok, 1 a brief failed, 2 usage, 128+N stopped by signal N).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cd "${REPORTC_HOME:-$here/../..}"
reportc=${REPORTC:-$(command -v reportc || echo ./reportc)}
db=${REPORTC_DB:-out/facts.db}
inbox=${REPORTC_INBOX:-inbox}
if [ "${1:-}" = "--inbox" ]; then
    [ $# -ge 2 ] || { echo "monthly.sh: --inbox needs a folder" >&2; exit 2; }
    inbox=$2
    shift 2
fi

say() { echo "monthly.sh: $*" >&2; }

# One run at a time (a timer and a hand-started run, say): a lock beside
# the store, held by this shell and then by reportc batch, which inherits
# the descriptor through exec.
if command -v flock >/dev/null 2>&1; then
    exec 9>"$db.monthly-lock"
    flock -n 9 || { say "another monthly run holds $db.monthly-lock"; exit 1; }
fi

# import_file FILE: one inbox file into its table.
import_file() {
    file=$1
    name=$(basename "$file")
    table=${name%%[-.]*}
    rest=${name#"$table"}
    set -- "$reportc" facts import --db "$db" "$table" "$file"
    case $rest in
        -[12][0-9][0-9][0-9]-[01][0-9]*) set -- "$@" --replace-period "$(echo "$rest" | cut -c2-8)" ;;
    esac
    if out=$("$@" 2>&1); then
        [ -z "$out" ] || echo "$out"
        rm -f "$file.error"
        target=$inbox/done/$name
        n=0
        while [ -e "$target" ]; do n=$((n + 1)); target=$inbox/done/$name.$n; done
        [ "$n" -eq 0 ] || mv "$inbox/done/$name" "$target"
        mv "$file" "$inbox/done/$name"
        return 0
    fi
    printf '%s\n' "$out" > "$file.error"
    say "$file: import failed; see $file.error; no brief built"
    printf '%s\n' "$out" >&2
    return 1
}

if [ -d "$inbox" ]; then
    mkdir -p "$inbox/done"
    for f in "$inbox"/sources*.csv "$inbox"/sections*.csv "$inbox"/*.csv; do
        [ -f "$f" ] || continue
        import_file "$f" || exit 1
    done
fi

"$reportc" facts check --db "$db" || { say "facts check failed; no brief built"; exit 1; }

if [ -f scripts/asean_brief.lua ]; then
    script=scripts/asean_brief.lua; key=country
else
    script=scripts/gci_brief.lua; key=focus
fi
exec "$reportc" batch "$script" --db "$db" \
    --each "$key=SGP,MYS,THA,IDN,VNM,PHL,BRN,LAO,MMR,KHM" -D period=last-month \
    -o "out/monthly/{period}/{$key}.pdf" --skip-unchanged \
    --summary out/monthly/summary.json "$@"
