#!/usr/bin/env bash
# Re-create the Scout trio fixtures of tests/data/report from the shared data (see SOURCES.md).
# usage: tests/data/report/cut.sh [SHARED_DATA_DIR]   (default: <repo>/../shared/data)
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../../.." && pwd)
SHARED=${1:-$REPO/../shared/data}
T=$REPO/tests/data/report
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
PYTHONPATH=$REPO/src "${PYTHON:-$REPO/.venv/bin/python}" - "$TMP" <<'PY'
import sys
from charcot.genome.panel import knowledge_panel
from charcot.model import Build
open(f"{sys.argv[1]}/GRCh37.bed", "w").write(knowledge_panel(Build.GRCh37).bed())
PY
# panel regions plus the whole of X and Y (the sex check reads them)
printf 'X\t0\t155270560\nY\t0\t59373566\n' >> "$TMP/GRCh37.bed"
bcftools view --no-version -R "$TMP/GRCh37.bed" "$SHARED/vcf/annotated/scout_643594.clinical.vcf.gz" \
  -Oz -o "$T/scout_643594_trio.vcf.gz"
tabix -f -p vcf "$T/scout_643594_trio.vcf.gz"
cp "$SHARED/vcf/annotated/scout_643594.ped" "$T/scout_643594.ped"
cp "$SHARED/str/scout/643594.clinical.str.stranger.vcf.gz" "$T/scout_643594.str.vcf.gz"
