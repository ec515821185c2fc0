"""Allele representation: minimal (parsimonious) alleles after multi-allelic splitting, and a
reference-free check for indels that are not left-aligned.

Left-alignment proper needs the reference sequence, which charcot does not ship. One step of
left-shift can nevertheless be detected from the record alone: a deletion ``REF=aD, ALT=a`` (``a``
the anchor base) can move one base left exactly when the last deleted base equals the anchor
(``D[-1] == a``), and likewise for an insertion ``REF=a, ALT=aI`` when ``I[-1] == a``
(Tan et al. 2015, "Unified representation of genetic variants"). Such records are flagged, not
silently rewritten: their keys would not match resources that use normalised records.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Allele:
    pos: int
    ref: str
    alt: str

    @property
    def end(self) -> int:
        return self.pos + len(self.ref) - 1

    @property
    def is_snv(self) -> bool:
        return len(self.ref) == 1 and len(self.alt) == 1

    @property
    def is_indel(self) -> bool:
        return len(self.ref) != len(self.alt)

    @property
    def length_change(self) -> int:
        return len(self.alt) - len(self.ref)


def is_symbolic(alt: str) -> bool:
    return alt.startswith("<") or "[" in alt or "]" in alt or alt in ("*", ".")


def trim(pos: int, ref: str, alt: str) -> Allele:
    """Minimal representation: drop shared trailing bases, then shared leading bases, keeping one
    anchor base for indels (as bcftools norm does after splitting)."""
    if is_symbolic(alt):
        return Allele(pos, ref, alt)
    r, a = ref.upper(), alt.upper()
    while len(r) > 1 and len(a) > 1 and r[-1] == a[-1]:
        r, a = r[:-1], a[:-1]
    while len(r) > 1 and len(a) > 1 and r[0] == a[0]:
        r, a = r[1:], a[1:]
        pos += 1
    return Allele(pos, r, a)


def left_shiftable(allele: Allele) -> bool:
    """True when a (trimmed) simple indel could be shifted at least one base to the left."""
    r, a = allele.ref, allele.alt
    if is_symbolic(a) or len(r) == len(a):
        return False
    if len(r) > 1 and len(a) == 1 and r[0] == a[0]:  # deletion with anchor
        return r[-1] == r[0]
    if len(a) > 1 and len(r) == 1 and r[0] == a[0]:  # insertion with anchor
        return a[-1] == a[0]
    return False


def variant_key(chrom: str, allele: Allele) -> str:
    """'CHROM-POS-REF-ALT' with the chromosome without 'chr' (the key other modules use)."""
    return f"{chrom}-{allele.pos}-{allele.ref}-{allele.alt}"
