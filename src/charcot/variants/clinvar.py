"""ClinVar's tab-delimited ``variant_summary.txt.gz`` (protein changes for PS1/PM5) and the discordance flag
between charcot's class and a ClinVar assertion.

The official ``clinvar.vcf.gz`` has no protein change; ``variant_summary`` names each variant on its
transcript, e.g. ``NM_000454.5(SOD1):c.14C>T (p.Ala5Val)``, with its ``VariationID`` (the VCF's ID column) and
``Assembly``. Only rows of the patient's build and of the panel genes are kept.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from charcot.errors import InputError
from charcot.model import AcmgClass
from charcot.variants.model import ClinVar, ClinVarDiscordance

# Columns of variant_summary.txt (ClinVar's README for the tab-delimited files)
SUMMARY_COLUMNS = ("#AlleleID", "Type", "Name", "GeneSymbol", "ClinicalSignificance", "ReviewStatus", "Assembly",
                   "VariationID")
_PROTEIN = re.compile(r"\((p\.[A-Za-z0-9_*=?]+)\)\s*$")
MIN_STARS = 2


def read_variant_summary(path: Path, build: str, genes: Iterable[str] | None = None) -> dict[str, str]:
    """VariationID -> protein change (``p.Ala5Val``) for the rows of ``build`` (GRCh37/GRCh38) and ``genes``."""
    path = Path(path)
    if not path.exists():
        from charcot.structured import file_not_found

        raise file_not_found(path, "ClinVar variant_summary")
    wanted = {g.upper() for g in genes} if genes is not None else None
    opener: Any = gzip.open if path.suffix == ".gz" else open
    out: dict[str, str] = {}
    try:
        with opener(path, "rt", encoding="utf-8", errors="replace") as handle:
            header = handle.readline().rstrip("\n").split("\t")
            missing = [c for c in SUMMARY_COLUMNS if c not in header]
            if missing:
                raise InputError(f"not a ClinVar variant_summary file: column(s) {', '.join(missing)} missing",
                                 path=path, line=1, hint="use ClinVar's tab_delimited/variant_summary.txt.gz")
            col = {c: header.index(c) for c in SUMMARY_COLUMNS}
            for line in handle:
                v = line.rstrip("\n").split("\t")
                if len(v) < len(header) or v[col["Assembly"]] != build:
                    continue
                if wanted is not None and v[col["GeneSymbol"]].upper() not in wanted:
                    continue
                m = _PROTEIN.search(v[col["Name"]])
                if m:
                    out[v[col["VariationID"]]] = m.group(1)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise InputError(f"the ClinVar variant_summary file could not be read ({exc})", path=path,
                         hint="give ClinVar's variant_summary.txt.gz, complete (gzip -t FILE)") from None
    return out


def _group(text: str) -> int | None:
    """+1 pathogenic/likely pathogenic, 0 uncertain, -1 benign/likely benign; None for anything else."""
    t = text.lower().replace("_", " ")
    if "conflicting" in t:
        return None
    first = re.split(r"[|,/;]", t)[0].strip()
    if first in ("pathogenic", "likely pathogenic") or t.startswith("pathogenic/likely pathogenic"):
        return 1
    if first in ("benign", "likely benign") or t.startswith("benign/likely benign"):
        return -1
    if first == "uncertain significance":
        return 0
    return None


def clinvar_discordance(cls: AcmgClass | None, clinvar: ClinVar | None) -> ClinVarDiscordance | None:
    """A typed flag when ClinVar (>= 2 stars) and charcot disagree (P/LP vs VUS vs LB/B, either way)."""
    if clinvar is None or (clinvar.stars or 0) < MIN_STARS:
        return None
    theirs = _group(clinvar.significance)
    if theirs is None:
        return None
    stars = int(clinvar.stars or 0)
    if cls is None:
        return ClinVarDiscordance(
            clinvar_significance=clinvar.significance, clinvar_stars=stars, charcot_class="not classified",
            direction="charcot could not classify",
            note=f"ClinVar ({stars} stars) says {clinvar.significance}; charcot could not classify the variant "
                 "(consequence unknown). Review it; ClinVar's assertion is not evidence.")
    mine = 1 if cls.at_least_likely_pathogenic else -1 if cls in (AcmgClass.LIKELY_BENIGN, AcmgClass.BENIGN) else 0
    if mine == theirs:
        return None
    direction = "ClinVar more pathogenic" if theirs > mine else "ClinVar more benign"
    return ClinVarDiscordance(
        clinvar_significance=clinvar.significance, clinvar_stars=stars, charcot_class=cls.value, direction=direction,
        note=f"charcot classifies {cls.value} but ClinVar ({stars} stars) says {clinvar.significance}: review the "
             "evidence (ClinVar's assertion is shown, never counted, PP5/BP6 retired).")
