"""GA4GH VRS 2.0 Allele identifiers for reported variants, computed by the ga4gh.vrs library (substitutions:
by the specification's digest with hashlib, the same ids, see ``_substitution``).

A VRS id is the digest of the *normalised* allele on the chromosome's refget sequence (``SQ.…``, one per
chromosome and build, from ``genome/data/refget.json``, derived by ``scripts/derive_refget.py``). The
library's normaliser reads the reference sequence through a data proxy. charcot has no genome at run
time, so the proxy here serves only what is known for certain: the VCF record's REF bases at their
position, plus, when a resource bundle with a reference FASTA is given, the bundle's sequence. That is
enough for a substitution (SNV or MNV: after trimming, nothing is shifted), which gives the same id as
with the whole genome. An insertion or deletion must be shifted along repeated sequence around it; when
the proxy cannot serve that sequence the id is "not computed" with that reason, never guessed from the
un-normalised allele (which would be a different, non-interoperable id).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from charcot.genome.normalise import trim
from charcot.variants.model import VrsAllele

_TABLE = Path(__file__).resolve().parents[1] / "genome" / "data" / "refget.json"
_BASES = re.compile(r"^[ACGTN]+$")
NOT_INSTALLED = ("the ga4gh.vrs library is not installed (install charcot with the 'exports' extra: "
                 "pip install 'charcot[exports]')")

_NEEDS_REFERENCE = ("an insertion or deletion is normalised by shifting it along the reference sequence around "
                    "it, which was not available (give a resource bundle with the reference genome: charcot "
                    "resources build --reference)")

# (contig, 0-based start, end) -> sequence, or None when the reference does not cover it
ReferenceFetch = Callable[[str, int, int], str | None]


class SequenceNotAvailable(KeyError):
    """The normaliser asked for reference sequence beyond what charcot knows for certain."""


@cache
def refget_table() -> dict[str, dict[str, str]]:
    """Build -> chromosome (``1``..``22``, ``X``, ``Y``) -> refget accession."""
    return dict(json.loads(_TABLE.read_text(encoding="utf-8"))["digests"])


class _KnownSequence:
    """A ga4gh.vrs data proxy over the sequence charcot knows for certain (see the module text)."""

    def __init__(self, accession: str, contig: str, length: int, pos0: int, ref: str,
                 fetch: ReferenceFetch | None) -> None:
        self.alias, self.contig, self.length = f"ga4gh:{accession}", contig, length
        self.pos0, self.ref, self.fetch = pos0, ref, fetch

    def get_metadata(self, identifier: str) -> dict[str, Any]:
        if identifier != self.alias:
            raise KeyError(identifier)
        return {"length": self.length, "aliases": [self.alias]}

    def get_sequence(self, identifier: str, start: int | None = None, end: int | None = None) -> str:
        if identifier != self.alias:
            raise KeyError(identifier)
        lo, hi = (0 if start is None else start), (self.length if end is None else end)
        if self.pos0 <= lo and hi <= self.pos0 + len(self.ref):
            return self.ref[lo - self.pos0:hi - self.pos0]
        text = self.fetch(self.contig, lo, hi) if self.fetch is not None else None
        if text is None or len(text) != hi - lo:
            raise SequenceNotAvailable(f"{self.contig}:{lo}-{hi}")
        return text.upper()


def vrs_allele(build: str | None, chrom: str, pos: int, ref: str, alt: str, *,
               reference: ReferenceFetch | None = None) -> VrsAllele:
    """The VRS Allele id of ``chrom:pos ref>alt`` (VCF convention: 1-based, left-anchored indels) in ``build``."""
    from charcot.genome.builds import contig_lengths, normalise_contig

    contig = normalise_contig(chrom)
    if build not in ("GRCh37", "GRCh38"):
        return VrsAllele(status="not computed", reason="the genome build is not known")
    accession = refget_table()[build].get(contig)
    if accession is None:
        return VrsAllele(status="not computed", build=build,
                         reason=f"no refget sequence digest for chromosome {contig} in {build} in charcot's table")
    ref, alt = ref.upper(), alt.upper()
    if not _BASES.match(ref) or not _BASES.match(alt) or ref == alt:
        return VrsAllele(status="not computed", build=build, refget_accession=accession,
                         reason="the allele is not a sequence change of plain bases (symbolic or reference allele)")
    length = contig_lengths()[_build(build)].get(contig)
    if length is None or pos < 1 or pos - 1 + len(ref) > length:
        return VrsAllele(status="not computed", build=build, refget_accession=accession,
                         reason=f"position {pos} is outside chromosome {contig} of {build}")
    if len(ref) == len(alt):
        return _substitution(build, accession, pos, ref, alt)
    if reference is None and _shifts_past_ref(ref, alt):
        # (the library would ask for the base after REF and get SequenceNotAvailable: the same answer, tested)
        return VrsAllele(status="not computed", build=build, refget_accession=accession, reason=_NEEDS_REFERENCE)
    return _normalised(build, accession, contig, length, pos, ref, alt, reference)


def _normalised(build: str, accession: str, contig: str, length: int, pos: int, ref: str, alt: str,
                reference: ReferenceFetch | None) -> VrsAllele:
    """Normalise the allele with the ga4gh.vrs library (an insertion or deletion is shifted) and identify it."""
    try:
        from ga4gh.core import ga4gh_identify
        from ga4gh.vrs import models, normalize
    except ImportError:
        return VrsAllele(status="not computed", build=build, refget_accession=accession, reason=NOT_INSTALLED)

    literal = models.Allele(
        location=models.SequenceLocation(sequenceReference=models.SequenceReference(refgetAccession=accession),
                                         start=pos - 1, end=pos - 1 + len(ref)),
        state=models.LiteralSequenceExpression(sequence=alt))
    proxy = _KnownSequence(accession, contig, length, pos - 1, ref, reference)
    try:
        allele = normalize(literal, proxy)
    except SequenceNotAvailable:
        return VrsAllele(status="not computed", build=build, refget_accession=accession, reason=_NEEDS_REFERENCE)
    # validate with the library: the normalised allele re-parsed from its JSON gets the same identifier
    again = models.Allele(**allele.model_dump(exclude_none=True))
    vrs_id = ga4gh_identify(allele)
    location_id = ga4gh_identify(allele.location)
    if vrs_id is None or vrs_id != ga4gh_identify(again) or not vrs_id.startswith("ga4gh:VA."):
        return VrsAllele(status="not computed", build=build, refget_accession=accession,
                         reason="the ga4gh.vrs library did not give a stable identifier for this allele")
    state = allele.state
    sequence = getattr(state, "sequence", None)
    return VrsAllele(status="computed", id=vrs_id, location_id=location_id, refget_accession=accession, build=build,
                     start=int(allele.location.start), end=int(allele.location.end),
                     sequence=None if sequence is None else str(getattr(sequence, "root", sequence)))


def _shifts_past_ref(ref: str, alt: str) -> bool:
    """True for an insertion or deletion that, trimmed of the bases REF and ALT share (first at the start, then at
    the end), still ends where REF ends: the normaliser shifts it to the right as far as it can, so it must read
    the reference base after REF. Other alleles go to the library, which may still ask for sequence it lacks."""
    while ref and alt and ref[0] == alt[0]:
        ref, alt = ref[1:], alt[1:]
    trimmed_end = False
    while ref and alt and ref[-1] == alt[-1]:
        ref, alt, trimmed_end = ref[:-1], alt[:-1], True
    return (not ref or not alt) and not trimmed_end


def _sha512t24u(blob: bytes) -> str:
    """The GA4GH digest: SHA-512 truncated to 24 bytes, base64url (VRS 2.0, "Computed identifiers")."""
    import base64
    import hashlib

    return base64.urlsafe_b64encode(hashlib.sha512(blob).digest()[:24]).decode("ascii")


def _substitution(build: str, accession: str, pos: int, ref: str, alt: str) -> VrsAllele:
    """A substitution (REF and ALT of the same length, different): normalising it only trims the bases REF and
    ALT share at both ends, nothing is shifted, so its identifiers are the digests of the VRS 2.0 serialisation
    (keys sorted, no white space, the location replaced by its digest), computed here without importing the
    ga4gh.vrs library (about 0.75 s; tests/variants/test_vrs.py checks the ids against the library's)."""
    # of equal length and different, REF and ALT keep at least one base each when trimmed (the VCF minimal form)
    minimal = trim(pos, ref, alt)
    start, end, alt = minimal.pos - 1, minimal.pos - 1 + len(minimal.ref), minimal.alt
    location = _sha512t24u(
        f'{{"end":{end},"sequenceReference":{{"refgetAccession":{json.dumps(accession)},'
        f'"type":"SequenceReference"}},"start":{start},"type":"SequenceLocation"}}'.encode("ascii"))
    allele = _sha512t24u(f'{{"location":"{location}","state":{{"sequence":"{alt}",'
                         f'"type":"LiteralSequenceExpression"}},"type":"Allele"}}'.encode("ascii"))
    return VrsAllele(status="computed", id=f"ga4gh:VA.{allele}", location_id=f"ga4gh:SL.{location}",
                     refget_accession=accession, build=build, start=start, end=end, sequence=alt)


def bundle_reference(resources: Path | None) -> ReferenceFetch | None:
    """The reference sequence of a resource bundle (``reference.fa.gz``: panel regions at their real
    coordinates, N elsewhere) as a fetch function; a stretch with an N is "not available"."""
    if resources is None or not (Path(resources) / "reference.fa.gz").is_file():
        return None
    import pysam

    fasta = pysam.FastaFile(str(Path(resources) / "reference.fa.gz"))
    names = set(fasta.references)

    def fetch(contig: str, start: int, end: int) -> str | None:
        name = next((n for n in (contig, f"chr{contig}", "chrM" if contig == "MT" else "") if n in names), None)
        if name is None or start < 0 or end > fasta.get_reference_length(name):
            return None
        text = fasta.fetch(name, start, end).upper()
        return None if "N" in text else text

    return fetch


def _build(name: str) -> Any:
    from charcot.model import Build

    return Build(name)
