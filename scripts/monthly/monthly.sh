#!/bin/sh
# monthly.sh: the monthly batch: every ASEAN state's brief for the month
# just ended, into out/monthly/YYYY-MM/.  Run by reportc-monthly.service
# (with reportc-monthly.timer) or by the line in reportc.cron; see
# "Batch and scheduled runs" in README.md.
#
#   REPORTC_HOME  the folder holding scripts/ and out/facts.db
#                 (default: the checkout this file is in)
#   REPORTC       the reportc to run (default: reportc on PATH, else the
#                 checkout's ./reportc)
# Extra arguments go to `reportc batch` (e.g. --db PATH, -j 4).
#
# -D period=last-month is resolved once, from the clock in local time, so
# a run at 00:30 on the 1st builds the month that just ended.  A run that
# was stopped, or a second run the same month, rebuilds only what is
# missing or whose inputs changed (--skip-unchanged).  exec: the stop
# signal systemd sends reaches reportc itself, which stops its workers
# and leaves no partial PDF.  Exit status: reportc's (0 ok, 1 a brief
# failed, 2 usage, 128+N stopped by signal N).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cd "${REPORTC_HOME:-$here/../..}"
reportc=${REPORTC:-$(command -v reportc || echo ./reportc)}
if [ -f scripts/asean_brief.lua ]; then
    script=scripts/asean_brief.lua; key=country
else
    script=scripts/gci_brief.lua; key=focus
fi
exec "$reportc" batch "$script" \
    --each "$key=SGP,MYS,THA,IDN,VNM,PHL,BRN,LAO,MMR,KHM" -D period=last-month \
    -o "out/monthly/{period}/{$key}.pdf" --skip-unchanged \
    --summary out/monthly/summary.json "$@"
