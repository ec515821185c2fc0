"""The web case form's words for the sample map's refusals (``charcot.family.samplemap.Wording``).

The library says each refusal from its facts (which line or pair, which kind, which IDs and samples); this wording
says them in the form's terms: its "Sample map" field (one ``PEDIGREE_ID=VCF_SAMPLE`` pair per line) and its
"Sample in a multi-sample VCF" field, never the command line's ``--sample-map``, ``--sample-map-file`` or ``--sample``.

Two places, two rules:

- The answer to the form (a 422 page or the API's JSON detail) names the line and what is wrong with it, never what
  was typed on it: no pedigree ID, no VCF sample (an error page is not the place for a patient's identifiers; the
  person still has her text in the form she sent).
- A build of the case (its failure is recorded with the case and shown on the case page, beside the case's sample-map
  table and, once built, its report) names the stored pair and the VCF's samples, as ``charcot report`` does: that is
  what the person corrects it with.
"""

from __future__ import annotations

from collections.abc import Sequence

from charcot.family.samplemap import (
    BY_MAP,
    BY_SAMPLE,
    FIELD,
    GIVEN_LINE,
    GIVEN_STORED,
    Given,
    Wording,
    Words,
)

SAMPLE_FIELD = "Sample in a multi-sample VCF"  # the case form's label (new_case.html.j2)
MAP_FIELD = "Sample map"
EXAMPLE = "ADM1059A2=LAB-0002, one pair per line"


class FormWording(Wording):
    """The case form's words: a line by its number, a stored pair as the case page's table shows it."""

    def given(self, g: Given) -> str:
        if g.how == GIVEN_LINE:
            return f"{FIELD}'s line {g.line}"  # the line's text is the person's own, not repeated
        if g.how == GIVEN_STORED:
            return f"{FIELD}'s pair {g.text}"
        return FIELD

    def how(self, how: str) -> str:
        return {BY_MAP: FIELD, BY_SAMPLE: f"the '{SAMPLE_FIELD}' field"}.get(how, how)

    def sample_field(self, value: str) -> str:
        return f"the '{SAMPLE_FIELD}' field ({value})"

    def not_a_pair(self, g: Given) -> Words:
        return f"{self.given(g)} is not PEDIGREE_ID=VCF_SAMPLE", f"e.g. {EXAMPLE}"

    def id_twice(self, g: Given, first: Given, iid: str, sample: str, earlier: str) -> Words:
        return (f"{self.given(g)} gives a pedigree ID a second VCF sample ({self._first(first)} gave it another)",
                "give each pedigree ID one VCF sample: correct or remove one of the two lines")

    def sample_twice(self, g: Given, first: Given, sample: str, other: str, iid: str) -> Words:
        return (f"{self.given(g)} reads a second pedigree member from the VCF sample that {self._first(first)} "
                "reads", "each person's genotypes are one sample's: correct the line that is wrong")

    def proband_twice(self, g: Given, proband: str, proband_sample: str, mapped: str) -> Words:
        message, _hint = super().proband_twice(g, proband, proband_sample, mapped)
        return message, f"give the proband's sample once, or make the '{SAMPLE_FIELD}' field and {FIELD} agree"

    def one_sample_two_members(self, sample: str, other: str, other_how: str, iid: str, iid_how: str) -> Words:
        message, _hint = super().one_sample_two_members(sample, other, other_how, iid, iid_how)
        return message, f"each person's genotypes are one sample's: correct the '{SAMPLE_FIELD}' field or {FIELD}"

    def same_name(self, iid: str, other: str, other_how: str) -> Words:
        message, _hint = super().same_name(iid, other, other_how)
        return message, f"map {iid} to its own sample too (a line {iid}=SAMPLE in {FIELD}), or correct the pair for " \
                        f"{other}"

    def unjoined_proband(self, proband: str, pedigree_ids: Sequence[str], vcf_samples: Sequence[str]) -> Words:
        message, _hint = super().unjoined_proband(proband, pedigree_ids, vcf_samples)
        return message, (f"give the case form's {MAP_FIELD.lower()}, one line per member: PEDIGREE_ID=VCF_SAMPLE, "
                         f"e.g. {proband}=<the proband's sample in the VCF>; relatives left unmapped count as not "
                         "genotyped")

    def _first(self, g: Given) -> str:
        """The earlier line or pair a line clashes with, by its place only."""
        if g.how == GIVEN_LINE:
            return f"line {g.line}"
        if g.how == GIVEN_STORED:
            return f"pair {g.line}"
        return "an earlier pair"


FORM = FormWording()
