#!/bin/sh
# examples.sh: builds every example report into one folder: each
# scripts/*.lua once, and the ASEAN brief once per member state.  The one
# list of examples: `make demo` runs it into out/, the end-to-end tests into
# a temporary folder of their own.
#
#   sh scripts/examples.sh FOLDER      (env REPORTC, default ./reportc)
set -e
out=${1:?usage: sh scripts/examples.sh FOLDER}
REPORTC=${REPORTC:-./reportc}
ASEAN="SGP MYS THA IDN VNM PHL BRN LAO MMR KHM"
mkdir -p "$out"
for s in scripts/*.lua; do
    n=$(basename "$s" .lua)
    [ "$n" = asean_brief ] && continue
    echo "  build $s -> $out/$n.pdf"
    "$REPORTC" build "$s" -o "$out/$n.pdf"
done
for c in $ASEAN; do
    echo "  build scripts/asean_brief.lua -D country=$c -> $out/asean_$c.pdf"
    "$REPORTC" build scripts/asean_brief.lua -D country="$c" -o "$out/asean_$c.pdf"
done
