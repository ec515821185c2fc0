"""Whether a premature termination codon (PTC) is predicted to trigger nonsense-mediated decay, judged where the
**new stop codon** falls, not where the variant lies.

The rule (Abou Tayoun et al. 2018, the ClinGen SVI PVS1 tree, after Nagy & Maquat's 50-55 nt rule): a PTC more
than 50 nt upstream of the last exon-exon junction is predicted to cause NMD; a PTC in the last exon, or within the
last 50 nt of the penultimate exon, is predicted to escape it.

* A stop-gain puts the PTC at the variant's own codon.
* A frameshift puts it where the shifted reading frame first meets a stop: HGVS p. names it (``p.(Arg97GlyfsTer26)``
  or ``fs*26``: the 26th codon counted from the first changed residue). Its transcript position is reached by
  walking the canonical transcript's exon table (knowledge base, ``charcot.genome.panel``) downstream from the
  variant by 3 nt per codon, corrected for the indel's length. The variant's place inside its codon is not known
  from a residue number, so the position is good to +-2 nt: a PTC that close to the 50-nt boundary or to the
  last junction is "cannot tell".
* Without the new stop (``p.(Arg97fs)``, ``fsTer?``, no HGVS p.) the prediction is "cannot tell", unless the
  variant itself already lies in the last exon or the last 50 nt of the penultimate exon (a frameshift's stop is
  never upstream of the variant). PVS1 then takes the tree's NMD-escape branch, the conservative outcome.
* Start-proximal PTCs can escape NMD through translation re-initiation (Lindeboom et al. 2016 showed the effect).
  The cut-off is NMDetective-B's (Lindeboom et al. 2019): a stop fewer than 150 nt from the start codon
  (distance start -> stop < 150, i.e. the stop at codon 50 or earlier), as two public implementations of
  NMDetective-B read it (docs/CLINICAL.md). The ClinGen tree does not lower PVS1 for them; charcot says so in the
  reason for a reviewer to weigh, and changes nothing else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from charcot.genome.panel import NMD_PENULTIMATE_NT

if TYPE_CHECKING:
    from charcot.acmg.context import VariantContext
    from charcot.genome.panel import ExonInterval, PanelGene

# NMDetective-B (Lindeboom et al. 2019): start-proximal when the distance from the start codon to the stop is
# < 150 nt, i.e. 3 x (codon - 1) < 150, the stop at codon 50 or earlier (3 x codon <= 150 below is the same set)
START_PROXIMAL_NT = 150
# +-2 nt: a residue number does not say which base of its codon the variant hits
POSITION_SLACK = 2

# 'fs' then the new stop: Ter26, *26, X26 (HGVS 3-letter, 1-letter and legacy forms); 'Ter?' / none = not known
_FS = re.compile(r"p\.\(?(?:[A-Z][a-z]{2}|[A-Z*])(\d+)(?:[A-Z][a-z]{2}|[A-Z])?fs(?:(?:Ter|\*|X)(\d+))?")


@dataclass(frozen=True)
class NmdPrediction:
    outcome: Literal["nmd", "escape", "unknown"]
    reason: str  # where the PTC falls and why, in words
    start_proximal: str | None = None  # a note when the PTC is start-proximal


def frameshift_stop(hgvs_p: str | None) -> tuple[int, int | None] | None:
    """(first changed residue, residue of the new stop or None when not given) from a frameshift HGVS p.;
    None when the text is not a frameshift."""
    if not hgvs_p:
        return None
    m = _FS.search(hgvs_p.split(":")[-1])
    if m is None:
        return None
    first = int(m.group(1))
    return first, (first + int(m.group(2)) - 1) if m.group(2) else None


def _ordered(gene: PanelGene) -> list[ExonInterval]:
    return sorted(gene.exons, key=lambda e: e.number)


def _transcript_offset(gene: PanelGene, exons: list[ExonInterval], g: int) -> int | None:
    """0-based offset of genomic ``g`` in the spliced transcript (5'->3'), None when intronic/outside."""
    t = 0
    for e in exons:
        if e.start <= g <= e.end:
            return t + (g - e.start if gene.strand == "+" else e.end - g)
        t += e.length
    return None


def _judge(exons: list[ExonInterval], t_ptc: int, slack: int, what: str) -> NmdPrediction:
    """NMD outcome for a PTC at transcript offset ``t_ptc`` (+- ``slack`` nt)."""
    last_junction = sum(e.length for e in exons[:-1])  # offset of the last exon's first base
    if len(exons) < 2:
        return NmdPrediction("escape", f"{what} lies in a single-exon transcript (no exon-exon junction)")
    pen = exons[-2]
    if t_ptc - slack >= last_junction:
        return NmdPrediction("escape", f"{what} falls in the last exon ({exons[-1].number}/{len(exons)})")
    # distance from the PTC's first base to the penultimate exon's last base (0 = its last base)
    to_junction = last_junction - 1 - t_ptc
    if t_ptc + slack < last_junction and to_junction - slack >= NMD_PENULTIMATE_NT:
        exon = _exon_at(exons, t_ptc)
        return NmdPrediction("nmd", f"{what} falls in exon {exon}/{len(exons)}, about {to_junction + 1} nt upstream "
                                    f"of the last exon-exon junction (more than {NMD_PENULTIMATE_NT} nt)")
    if t_ptc + slack < last_junction and to_junction + slack < NMD_PENULTIMATE_NT:
        return NmdPrediction("escape", f"{what} falls within the last {NMD_PENULTIMATE_NT} nt of the penultimate exon "
                                       f"({pen.number}/{len(exons)}, {to_junction + 1} nt before the last "
                                       "exon-exon junction)")
    return NmdPrediction("unknown", f"{what} falls about {to_junction + 1} nt before the last exon-exon junction, "
                                    f"too close to the {NMD_PENULTIMATE_NT}-nt boundary (or the junction) to tell "
                                    f"from a residue number (+-{slack} nt)")


def _exon_at(exons: list[ExonInterval], t: int) -> int:
    for e in exons:
        if t < e.length:
            return e.number
        t -= e.length
    return exons[-1].number


def _start_proximal(stop_residue: int | None) -> str | None:
    if stop_residue is None or 3 * stop_residue > START_PROXIMAL_NT:
        return None
    return (f"the premature stop is at codon {stop_residue}, less than {START_PROXIMAL_NT} nt from the start codon, "
            "where translation re-initiation can let a transcript escape NMD (Lindeboom et al. 2016; start-proximal "
            "rule of NMDetective-B, Lindeboom et al. 2019); the ClinGen tree does not lower PVS1 for this, so it is "
            "left for review")


def predict_nmd(ctx: VariantContext, kind: str) -> NmdPrediction:
    """NMD prediction for a stop-gain or frameshift (``kind``) from the new stop's position."""
    gene = ctx.panel_gene
    if gene is None or not gene.exons:
        return NmdPrediction("unknown", "the gene's exon structure is not known in this build")
    exons = _ordered(gene)
    # transcript offset of the variant's first changed base (5'-most in transcript direction); an indel's anchor
    # base (VCF padding) is unchanged
    a = ctx.allele
    anchored = a.is_indel and bool(a.ref) and bool(a.alt) and a.ref[0] == a.alt[0]
    if gene.strand == "+":
        t_anchor = _transcript_offset(gene, exons, a.pos)
        t_var = None if t_anchor is None else t_anchor + (1 if anchored else 0)
    else:
        t_var = _transcript_offset(gene, exons, a.end if (anchored and len(a.ref) > 1) else a.pos)
    tx = f" (exon structure of {gene.transcript})" if gene.transcript else ""
    if gene.mane_numbering is not None:
        tx += f" ({gene.mane_numbering.summary()})"
    if kind == "stop_gained":
        if t_var is None:
            return NmdPrediction("unknown", "the stop-gain is not inside an exon of the canonical transcript" + tx)
        found = _judge(exons, t_var, 0, "the new stop codon (at the variant)")
        return NmdPrediction(found.outcome, found.reason + tx, _start_proximal(ctx.protein_position))
    # frameshift
    # the annotation's HGVS p., else the knowledge base's entry for this allele; the reason quotes the one used
    text = ctx.hgvs_p if frameshift_stop(ctx.hgvs_p) is not None else ctx.known_hgvs_p
    parsed = frameshift_stop(text)
    stop = parsed[1] if parsed is not None else None
    named = (text or ctx.hgvs_p or "").split(":")[-1]
    if t_var is None:
        return NmdPrediction("unknown", "the frameshift is not inside an exon of the canonical transcript" + tx)
    if stop is None:
        # the stop is downstream of the variant: a variant already past the NMD boundary escapes whatever the stop
        lower = _judge(exons, t_var, 0, "the frameshift")
        if lower.outcome == "escape":
            return NmdPrediction("escape", lower.reason + ", so its new stop codon, downstream, does too" + tx)
        said = f"'{named}' does not" if named else "no protein change (HGVS p.) is known, so nothing"
        return NmdPrediction("unknown", f"the position of the new stop codon is not known ({said} name it, e.g. "
                                        "'fsTer26'), so whether the transcript undergoes NMD cannot be predicted")
    first = parsed[0] if parsed is not None else stop
    codon_of_variant = ctx.protein_position or first
    # nt from the variant's codon to the new stop codon in the mutant transcript, then back to reference offsets
    # (an insertion of k bases moves everything after it k bases down; a deletion k bases up)
    shift = len(a.alt) - len(a.ref)
    t_ptc = t_var + 3 * (stop - codon_of_variant) - shift
    found = _judge(exons, t_ptc, POSITION_SLACK, f"the new stop codon (codon {stop}, from {named})")
    return NmdPrediction(found.outcome, found.reason + tx, _start_proximal(stop))
