#!/bin/sh
#SBATCH --job-name=asean-briefs
#SBATCH --array=1-4
#SBATCH --cpus-per-task=8
#SBATCH --output=/srv/reportc/out/briefs/slurm-%A_%a.log
cd "${REPORTC_HOME:-/srv/reportc}" || exit 1
exec "${REPORTC:-reportc}" batch scripts/asean_brief.lua \
    --each country=SGP,MYS,THA,IDN,VNM,PHL,BRN,LAO,MMR,KHM --each period=2019-01..2019-12 \
    -o 'out/briefs/{country}/{period}.pdf' --skip-unchanged \
    --shard "$SLURM_ARRAY_TASK_ID/4" --summary "out/briefs/summary-$SLURM_ARRAY_TASK_ID.json"
