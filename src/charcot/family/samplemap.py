"""Which VCF sample holds each pedigree member's genotypes.

A laboratory's family VCF names its samples by accession number, the PED by family IDs: the two are joined by the
user's map (``--sample-map PEDIGREE_ID=VCF_SAMPLE``, repeatable, or ``--sample-map-file``, two columns), by
``--sample`` for the proband, and otherwise by the same name. A member joined to no sample is not genotyped (untested,
never a non-carrier). Every ambiguity is refused: an ID the pedigree does not have, a sample the VCF does not have, one
ID given two samples, two people read from one sample, ``--sample`` and the map naming two samples for the proband.

Each refusal is said by a ``Wording``: the command line's (``CLI``, the default) or an application's own (the web case
form's, ``charcot.web.wording``), from the same facts (``Given``: which option, file line or form line gave a pair),
so each front end words the same error in its own terms without rewriting the other's text. ``worded`` sets the
wording in force for everything a build calls (a report built by the web app refuses in the form's words)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

from charcot.errors import InputError
from charcot.model import first_names

OPTION = "--sample-map"
FILE_OPTION = "--sample-map-file"
SAMPLE_OPTION = "--sample"
# how a member was joined to a sample (the report and the segregation output say it)
BY_MAP, BY_SAMPLE, BY_NAME = "--sample-map", "--sample", "same name"
SHOWN = 6  # names shown in an error (first_names)
USAGE = (f"map each pedigree ID to its VCF sample with {OPTION} PEDIGREE_ID=VCF_SAMPLE (repeatable) or "
         f"{FILE_OPTION} FILE (two tab-separated columns: pedigree ID, VCF sample)")
FIELD = "the sample map"  # the web case form's field: one --sample-map value per line

# how a pair was given (Given.how)
GIVEN_OPTION, GIVEN_FILE, GIVEN_LINE, GIVEN_STORED, GIVEN_CHECKED = "option", "file", "line", "stored", "checked"


@dataclass(frozen=True)
class Given:
    """Where one pair was given: an option's value (``text``), a map file's line (``path``, ``line``), a form's line
    (``line``, ``text``), a stored map's pair (``line``: its place in the map, ``text``), or pairs checked before
    (a stored report's)."""

    how: str
    text: str = ""
    path: Path | None = None
    line: int | None = None


Words = tuple[str, str]  # an error's message and its hint


class Wording:
    """The words of the sample map's refusals. This one is the command line's (``CLI``): the options by name, the pair
    as typed. A front end with other fields subclasses it and says the same facts in its own terms; each method gets
    the facts (which pair, where given, which IDs and samples) and returns the message and the hint."""

    example = f"{OPTION} ADM1059A2=LAB-0002, one pair per {OPTION}"  # a pair's form, for a value that is not one

    def given(self, g: Given) -> str:
        """Where the pair was given, as the subject of a message."""
        if g.how == GIVEN_OPTION:
            return f"{OPTION} {g.text}"
        if g.how == GIVEN_FILE:
            return "the sample map"  # the file and its line are the error's location
        if g.how == GIVEN_LINE:
            return f"{FIELD}'s line {g.line} ({g.text})"
        if g.how == GIVEN_STORED:
            return f"{FIELD}'s pair {g.text}"
        return OPTION

    def how(self, how: str) -> str:
        """How a member was joined (``BY_MAP``, ``BY_SAMPLE``, ``BY_NAME``), in these words."""
        return how

    def sample_field(self, value: str) -> str:
        """The proband's sample as given (``--sample VALUE``)."""
        return f"{SAMPLE_OPTION} {value}"

    def not_a_pair(self, g: Given) -> Words:
        said = OPTION if g.how == GIVEN_OPTION else (f"{FIELD}'s line {g.line}" if g.how == GIVEN_LINE else
                                                     self.given(g))
        example = self.example if g.how == GIVEN_OPTION else "ADM1059A2=LAB-0002, one pair per line"
        return f"{said} {g.text!r} is not PEDIGREE_ID=VCF_SAMPLE", f"e.g. {example}"

    def id_twice(self, g: Given, first: Given, iid: str, sample: str, earlier: str) -> Words:
        return (f"{self.given(g)} maps the pedigree ID {iid} a second time: to {sample}, after {earlier}",
                "give each pedigree ID one VCF sample")

    def sample_twice(self, g: Given, first: Given, sample: str, other: str, iid: str) -> Words:
        return (f"{self.given(g)} reads two pedigree members, {other} and {iid}, from one VCF sample ({sample})",
                "each person's genotypes are one sample's: correct the pair that is wrong")

    def not_in_pedigree(self, g: Given, iid: str, pedigree_ids: Sequence[str]) -> Words:
        return (f"{self.given(g)}: {iid} is not an individual of the pedigree",
                f"the pedigree's IDs (PED column 2): {first_names(pedigree_ids, SHOWN)}")

    def not_in_vcf(self, g: Given, iid: str, sample: str, vcf_samples: Sequence[str]) -> Words:
        return (f"{self.given(g)}: {sample} (for {iid}) is not a sample of the VCF",
                f"the VCF's samples: {first_names(vcf_samples, SHOWN)}")

    def proband_twice(self, g: Given, proband: str, proband_sample: str, mapped: str) -> Words:
        return (f"{self.sample_field(proband_sample)} and {self.given(g)} name two VCF samples for the proband "
                f"{proband} ({proband_sample} and {mapped})",
                f"give the proband's sample once, or make {SAMPLE_OPTION} and {OPTION} agree")

    def one_sample_two_members(self, sample: str, other: str, other_how: str, iid: str, iid_how: str) -> Words:
        return (f"two pedigree members, {other} ({self.how(other_how)}) and {iid} ({self.how(iid_how)}), would be "
                f"read from one VCF sample ({sample})",
                f"each person's genotypes are one sample's: correct {SAMPLE_OPTION} or the sample map")

    def same_name(self, iid: str, other: str, other_how: str) -> Words:
        return (f"the VCF sample {iid} is read for {other} ({self.how(other_how)}), but the pedigree also has an "
                f"individual {iid}, whom the same name would read from it",
                f"map {iid} to its own sample too ({OPTION} {iid}=SAMPLE), or correct the pair for {other}")

    def unjoined_proband(self, proband: str, pedigree_ids: Sequence[str], vcf_samples: Sequence[str]) -> Words:
        return (f"the proband {proband!r} is not a sample of the VCF: its {len(vcf_samples)} samples "
                f"({first_names(vcf_samples, SHOWN)}) are named otherwise than the pedigree's IDs "
                f"({first_names(pedigree_ids, SHOWN)})",
                f"{USAGE}, e.g. {OPTION} {proband}=<the proband's sample in the VCF>; relatives left unmapped count "
                "as not genotyped")


CLI = Wording()
_IN_FORCE: ContextVar[Wording] = ContextVar("charcot_sample_map_wording", default=CLI)


def wording_in_force() -> Wording:
    """The wording of this context (``worded``), the command line's by default."""
    return _IN_FORCE.get()


@contextlib.contextmanager
def worded(wording: Wording) -> Iterator[None]:
    """Within the block, every refusal of this module not given a wording is said in ``wording`` (a web build's
    report is built by the report package, which calls ``join_samples`` and ``unjoined_proband_error`` itself)."""
    token = _IN_FORCE.set(wording)
    try:
        yield
    finally:
        _IN_FORCE.reset(token)


def _located(g: Given) -> tuple[Path | None, int | None]:
    """An error's file and line: a map file's; an option or a form's line is named in the message."""
    return (g.path, g.line) if g.how == GIVEN_FILE else (None, None)


@dataclass
class SampleMap(Mapping[str, str]):
    """The user's pairs, pedigree ID -> VCF sample, with where each was given (for the error that names it) and the
    wording its refusals are said in (None: the wording in force)."""

    pairs: dict[str, str] = field(default_factory=dict)
    origin: dict[str, Given] = field(default_factory=dict)
    wording: Wording | None = None

    def __getitem__(self, iid: str) -> str:
        return self.pairs[iid]

    def __iter__(self) -> Iterator[str]:
        return iter(self.pairs)

    def __len__(self) -> int:
        return len(self.pairs)

    def words(self) -> Wording:
        return self.wording or wording_in_force()

    def _add(self, iid: str, sample: str, where: Given) -> None:
        earlier = self.pairs.get(iid)
        if earlier is not None and earlier != sample:
            message, hint = self.words().id_twice(where, self.where(iid), iid, sample, earlier)
            path, line = _located(where)
            raise InputError(message, path=path, line=line, hint=hint)
        other = next((i for i, s in self.pairs.items() if s == sample and i != iid), None)
        if other is not None:
            message, hint = self.words().sample_twice(where, self.where(other), sample, other, iid)
            path, line = _located(where)
            raise InputError(message, path=path, line=line, hint=hint)
        self.pairs[iid] = sample
        self.origin.setdefault(iid, where)

    def where(self, iid: str) -> Given:
        return self.origin.get(iid, Given(GIVEN_CHECKED))


def _pair(text: str, where: Given, wording: Wording) -> tuple[str, str]:
    iid, eq, sample = text.partition("=")
    iid, sample = iid.strip(), sample.strip()
    if not eq or not iid or not sample:
        message, hint = wording.not_a_pair(where)
        path, line = _located(where)
        raise InputError(message, path=path, line=line, hint=hint)
    return iid, sample


def read_sample_map(values: Sequence[str] = (), file: Path | None = None,
                    given: Mapping[str, str] | None = None, *, wording: Wording | None = None) -> SampleMap:
    """The pairs of ``--sample-map`` values and of a ``--sample-map-file`` (two columns: pedigree ID and VCF sample,
    tab-separated, or separated by spaces when neither holds one; '#' starts a comment line), and ``given`` (pairs
    already checked, e.g. a stored report's). The same pair given twice is one pair."""
    out = SampleMap(wording=wording)
    words = out.words()
    for iid, sample in (given or {}).items():
        out._add(iid, sample, Given(GIVEN_CHECKED))
    for value in values:
        iid, sample = _pair(value, Given(GIVEN_OPTION, value), words)
        out._add(iid, sample, Given(GIVEN_OPTION, value))
    if file is not None:
        from charcot.structured import read_text

        text = read_text(file, "sample map")  # missing, a folder, gzipped, not UTF-8: in words
        for number, raw in enumerate(text.splitlines(), start=1):
            line = raw.strip("\r\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            cells = [c.strip() for c in line.split("\t")] if "\t" in line else line.split()
            cells = [c for c in cells if c]
            if len(cells) != 2:
                raise InputError(f"a sample-map line needs two columns (pedigree ID, VCF sample); this one has "
                                 f"{len(cells)}", path=file, line=number,
                                 hint="one pair per line, tab-separated (a sample name with spaces needs the tab)")
            out._add(cells[0], cells[1], Given(GIVEN_FILE, path=file, line=number))
        if not out.pairs:
            raise InputError("the sample map has no pairs", path=file,
                             hint="one line per genotyped person: pedigree ID, a tab, VCF sample")
    return out


def read_sample_map_text(text: str, *, wording: Wording | None = None) -> SampleMap:
    """A form's sample map: one ``PEDIGREE_ID=VCF_SAMPLE`` pair per line, each read as one ``--sample-map`` value (the
    same rules; a refusal names the line, in ``wording``'s words); blank lines are skipped, the same pair twice is one
    pair. Empty text is no map."""
    out = SampleMap(wording=wording)
    for number, raw in enumerate(text.splitlines(), start=1):
        value = raw.strip()
        if not value:
            continue
        where = Given(GIVEN_LINE, value, line=number)
        iid, sample = _pair(value, where, out.words())
        out._add(iid, sample, where)
    return out


def sample_map_from_pairs(pairs: Sequence[Sequence[str]], *, wording: Wording | None = None) -> SampleMap:
    """A stored map (``[pedigree ID, VCF sample]`` pairs, checked when given) with each pair named as the form's
    (the error of a pair the PED or the VCF does not have names the pair)."""
    out = SampleMap(wording=wording)
    for number, (iid, sample) in enumerate(pairs, start=1):
        out._add(iid, sample, Given(GIVEN_STORED, f"{iid}={sample}", line=number))
    return out


@dataclass(frozen=True)
class SampleJoin:
    """Pedigree ID -> the VCF sample its genotypes are read from (genotyped members only), and how each was joined."""

    samples: dict[str, str]
    how: dict[str, str]
    vcf_samples: tuple[str, ...]

    @property
    def unused(self) -> list[str]:
        """VCF samples no pedigree member is read from."""
        used = set(self.samples.values())
        return [s for s in self.vcf_samples if s not in used]

    def renamed(self) -> dict[str, str]:
        """The members read from a sample of another name."""
        return {iid: s for iid, s in self.samples.items() if s != iid}


def join_samples(pedigree_ids: Sequence[str], vcf_samples: Sequence[str], sample_map: SampleMap | None = None, *,
                 proband: str | None = None, proband_sample: str | None = None, vcf: Path | None = None,
                 ped: Path | None = None, wording: Wording | None = None) -> SampleJoin:
    """Join the pedigree's members to the VCF's samples: the map's pairs, the proband to ``proband_sample``
    (``--sample``) when the proband is no VCF sample by name, the others by the same name. Refused (InputError, in
    ``wording``, else the map's, else the wording in force): a mapped ID not in the pedigree, a mapped sample not in
    the VCF, ``--sample`` and the map disagreeing on the proband, two members read from one sample."""
    sample_map = sample_map or SampleMap()
    words = wording or sample_map.words()
    ids, in_vcf = list(pedigree_ids), set(vcf_samples)
    known = set(ids)
    for iid, sample in sample_map.pairs.items():
        where = sample_map.where(iid)
        path, line = _located(where)
        if iid not in known:
            message, hint = words.not_in_pedigree(where, iid, ids)
            raise InputError(message, path=path or ped, line=line, hint=hint)
        if sample not in in_vcf:
            message, hint = words.not_in_vcf(where, iid, sample, vcf_samples)
            raise InputError(message, path=path or vcf, line=line, hint=hint)
    samples = dict(sample_map.pairs)
    how = dict.fromkeys(samples, BY_MAP)
    if proband is not None and proband_sample is not None:
        mapped = samples.get(proband)
        if mapped is not None and mapped != proband_sample:
            where = sample_map.where(proband)
            path, line = _located(where)
            message, hint = words.proband_twice(where, proband, proband_sample, mapped)
            raise InputError(message, path=path, line=line, hint=hint)
        if mapped is None and proband not in in_vcf and proband_sample in in_vcf:
            samples[proband], how[proband] = proband_sample, BY_SAMPLE
    for iid, sample in list(samples.items()):
        other = next((o for o, s in samples.items() if s == sample and o != iid), None)
        if other is not None:
            message, hint = words.one_sample_two_members(sample, other, how[other], iid, how[iid])
            raise InputError(message, hint=hint)
    taken = {s: iid for iid, s in samples.items()}
    for iid in ids:
        if iid in samples or iid not in in_vcf:
            continue
        if iid in taken and len(vcf_samples) == 1:
            continue  # a one-sample VCF is the patient's alone: the user's link wins, no relative is read from it
        if iid in taken:
            other = taken[iid]
            message, hint = words.same_name(iid, other, how[other])
            raise InputError(message, path=ped, hint=hint)
        samples[iid], how[iid] = iid, BY_NAME
    return SampleJoin(samples=samples, how=how, vcf_samples=tuple(vcf_samples))


def unjoined_proband_error(proband: str, pedigree_ids: Sequence[str], vcf_samples: Sequence[str],
                           vcf: Path | None, *, wording: Wording | None = None) -> InputError:
    """The error for a family VCF none of whose samples is the proband's: says how to map them (the option, or the
    wording in force's field), with a few of the VCF's sample names and of the pedigree's IDs (never genotypes)."""
    message, hint = (wording or wording_in_force()).unjoined_proband(proband, pedigree_ids, vcf_samples)
    return InputError(message, path=vcf, hint=hint)
