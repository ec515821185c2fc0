"""When one sample's genotype call is trusted: the thresholds every check of a call reads (the de novo check of
``charcot.family.denovo``, the confirmation flags of ``charcot.variants.api``). Constants only: imported on the
interpretation path, where a module with dataclasses would cost start-up time (issue 20); also read by the cohort
collapse's genotype QC (``charcot.population``)."""

# Genotype quality and depth for a call to count (GATK GQ is phred-scaled; 20 = 1% error).
MIN_GQ = 20
MIN_DP = 10
# Below this QUAL the caller is less than 99 % sure the variant is present (phred 20): a kept call is flagged.
MIN_QUAL = 20.0
# A sample's own genotype filter (FORMAT/FT) that lets its call through: PASS, or none applied ('.' or empty).
FT_PASSING = frozenset({"PASS", ".", ""})
# A record's FILTER when the caller's filters were not applied to it (the VCF's missing value, VCF 4.3 1.6.1): the call
# is kept, as PASS is, but it is not said to have passed, and a reported one is flagged for confirmation.
FILTER_NOT_APPLIED = "."
# A hemizygous (or homozygous) call should carry (nearly) only the allele's reads: below this share it may be a
# heterozygous call, a post-zygotic mosaic, contamination, a duplication or an artefact.
HEMIZYGOUS_MIN_AB = 0.8
