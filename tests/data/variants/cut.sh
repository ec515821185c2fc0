#!/usr/bin/env bash
# Re-create the fixtures of tests/data/variants from the shared data (see SOURCES.md).
# usage: tests/data/variants/cut.sh [SHARED_DATA_DIR]   (default: <repo>/../shared/data)
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../../.." && pwd)
SHARED=${1:-$REPO/../shared/data}
S=$SHARED/vcf
T=$REPO/tests/data/variants
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cd "$REPO"
.venv/bin/python - "$TMP" <<'PY'
import sys
from charcot.genome.panel import knowledge_panel
from charcot.model import Build
for b in Build:
    p = knowledge_panel(b)
    open(f"{sys.argv[1]}/{b.value}.bed", "w").write(p.bed())
    open(f"{sys.argv[1]}/{b.value}_chr.bed", "w").write(p.bed(chr_prefix=True))
PY
cd "$TMP"
V="--no-version"
bcftools view $V -R GRCh37_chr.bed "$S/sample/PG_NA12878_hg19-chr21.vcf.gz" -Oz -o "$T/na12878_hg19_panel.vcf.gz"
bcftools view $V -R GRCh38_chr.bed "$S/sample/PG_NA12878_hg38-chr21.vcf.gz" -Oz -o "$T/na12878_hg38_panel.vcf.gz"
bcftools view $V -R GRCh37.bed "$S/sample/exomiser_Pfeiffer.vcf.gz" -Oz -o "$T/pfeiffer_panel.vcf.gz"
bcftools view $V -r chr21:30000000-35000000 "$S/sample/PG_NA12878_hg38-chr21.vcf.gz" -Oz -o "$T/na12878_hg38_chr21_30-35Mb.vcf.gz"
set +o pipefail  # head closes the pipe early
{ bcftools view $V -h "$S/annotated/scout_643594.clinical.vcf.gz"
  { bcftools view $V -H -R GRCh37.bed "$S/annotated/scout_643594.clinical.vcf.gz"
    { bcftools view $V -H "$S/annotated/scout_643594.clinical.vcf.gz" || true; } | head -25; } | sort -k1,1V -k2,2n -u; } \
  | bgzip -c > "$T/scout_643594_subset.vcf.gz"
set -o pipefail
grep -P "^chr(21|4|6)\t" GRCh38_chr.bed > gvcf.bed
bcftools view $V --targets-overlap variant -T gvcf.bed "$S/gvcf/GLnexus_NA12878.g.vcf.gz" -Oz -o "$T/glnexus_na12878_gvcf_subset.g.vcf.gz"
for f in na12878_hg19_panel na12878_hg38_panel pfeiffer_panel scout_643594_subset; do tabix -f -p vcf "$T/$f.vcf.gz"; done
for f in scout_vep104_annotated.vcf scout_vep113_existing_variation.vcf slivar_with-bcsq.vcf slivar_comphet.csq.vcf; do
  cp "$S/annotated/$f" "$T/$f"; chmod 644 "$T/$f"; done
cp "$SHARED/str/scout/justhusky_exphun_hugelymodelbat.eh5.vcf" "$T/"; chmod 644 "$T/justhusky_exphun_hugelymodelbat.eh5.vcf"
