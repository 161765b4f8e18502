#!/bin/sh
# examples.sh: builds every example report into one folder: each
# scripts/*.lua once, and the ASEAN brief once per member state.  The one
# list of examples: `make demo` runs it into out/, the end-to-end tests into
# a temporary folder of their own.
#
#   sh scripts/examples.sh FOLDER      (env REPORTC, default ./reportc)
#
# DISPLAY_LISTS=1 also writes each PDF's display list beside it
# (FOLDER/NAME.json), for the tests that read the layout.
set -e
out=${1:?usage: sh scripts/examples.sh FOLDER}
REPORTC=${REPORTC:-./reportc}

# build NAME ARGS...: one example into $out/NAME.pdf
build() {
    n=$1; shift
    if [ -n "$DISPLAY_LISTS" ]; then
        "$REPORTC" build "$@" -o "$out/$n.pdf" --display-list "$out/$n.json"
    else
        "$REPORTC" build "$@" -o "$out/$n.pdf"
    fi
}
ASEAN="SGP MYS THA IDN VNM PHL BRN LAO MMR KHM"
mkdir -p "$out"
for s in scripts/*.lua; do
    n=$(basename "$s" .lua)
    [ "$n" = asean_brief ] && continue
    echo "  build $s -> $out/$n.pdf"
    build "$n" "$s"
done
for c in $ASEAN; do
    echo "  build scripts/asean_brief.lua -D country=$c -> $out/asean_$c.pdf"
    build "asean_$c" scripts/asean_brief.lua -D country="$c"
done
