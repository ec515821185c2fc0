"""Which VCF sample holds each pedigree member's genotypes.

A laboratory's family VCF names its samples by accession number, the PED by family IDs: the two are joined by the
user's map (``--sample-map PEDIGREE_ID=VCF_SAMPLE``, repeatable, or ``--sample-map-file``, two columns), by
``--sample`` for the proband, and otherwise by the same name. A member joined to no sample is not genotyped (untested,
never a non-carrier). Every ambiguity is refused: an ID the pedigree does not have, a sample the VCF does not have, one
ID given two samples, two people read from one sample, ``--sample`` and the map naming two samples for the proband."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from charcot.errors import InputError
from charcot.model import first_names

OPTION = "--sample-map"
FILE_OPTION = "--sample-map-file"
# how a member was joined to a sample (the report and the segregation output say it)
BY_MAP, BY_SAMPLE, BY_NAME = "--sample-map", "--sample", "same name"
SHOWN = 6  # names shown in an error (first_names)
USAGE = (f"map each pedigree ID to its VCF sample with {OPTION} PEDIGREE_ID=VCF_SAMPLE (repeatable) or "
         f"{FILE_OPTION} FILE (two tab-separated columns: pedigree ID, VCF sample)")


@dataclass
class SampleMap(Mapping[str, str]):
    """The user's pairs, pedigree ID -> VCF sample, with where each was given (for the error that names it)."""

    pairs: dict[str, str] = field(default_factory=dict)
    origin: dict[str, tuple[Path | None, int | None, str]] = field(default_factory=dict)

    def __getitem__(self, iid: str) -> str:
        return self.pairs[iid]

    def __iter__(self) -> Iterator[str]:
        return iter(self.pairs)

    def __len__(self) -> int:
        return len(self.pairs)

    def _add(self, iid: str, sample: str, where: tuple[Path | None, int | None, str]) -> None:
        earlier = self.pairs.get(iid)
        if earlier is not None and earlier != sample:
            path, line, said = where
            raise InputError(f"{said} maps the pedigree ID {iid} a second time: to {sample}, after {earlier}",
                             path=path, line=line, hint="give each pedigree ID one VCF sample")
        other = next((i for i, s in self.pairs.items() if s == sample and i != iid), None)
        if other is not None:
            path, line, said = where
            raise InputError(f"{said} reads two pedigree members, {other} and {iid}, from one VCF sample ({sample})",
                             path=path, line=line,
                             hint="each person's genotypes are one sample's: correct the pair that is wrong")
        self.pairs[iid] = sample
        self.origin.setdefault(iid, where)

    def where(self, iid: str) -> tuple[Path | None, int | None, str]:
        return self.origin.get(iid, (None, None, OPTION))


def _pair(text: str, said: str, path: Path | None = None, line: int | None = None,
          per: str = f"{OPTION} ADM1059A2=LAB-0002, one pair per {OPTION}") -> tuple[str, str]:
    iid, eq, sample = text.partition("=")
    iid, sample = iid.strip(), sample.strip()
    if not eq or not iid or not sample:
        raise InputError(f"{said} {text!r} is not PEDIGREE_ID=VCF_SAMPLE", path=path, line=line, hint=f"e.g. {per}")
    return iid, sample


def read_sample_map(values: Sequence[str] = (), file: Path | None = None,
                    given: Mapping[str, str] | None = None) -> SampleMap:
    """The pairs of ``--sample-map`` values and of a ``--sample-map-file`` (two columns: pedigree ID and VCF sample,
    tab-separated, or separated by spaces when neither holds one; '#' starts a comment line), and ``given`` (pairs
    already checked, e.g. a stored report's). The same pair given twice is one pair."""
    out = SampleMap()
    for iid, sample in (given or {}).items():
        out._add(iid, sample, (None, None, OPTION))
    for value in values:
        iid, sample = _pair(value, OPTION)
        out._add(iid, sample, (None, None, f"{OPTION} {value}"))
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
            out._add(cells[0], cells[1], (file, number, "the sample map"))
        if not out.pairs:
            raise InputError("the sample map has no pairs", path=file,
                             hint="one line per genotyped person: pedigree ID, a tab, VCF sample")
    return out


FIELD = "the sample map"  # the web case form's field: one --sample-map value per line


def read_sample_map_text(text: str, *, field: str = FIELD) -> SampleMap:
    """A form's sample map: one ``PEDIGREE_ID=VCF_SAMPLE`` pair per line, each read as one ``--sample-map`` value (the
    same rules and messages, the line named instead of the option); blank lines are skipped, the same pair twice is
    one pair. Empty text is no map."""
    out = SampleMap()
    for number, raw in enumerate(text.splitlines(), start=1):
        value = raw.strip()
        if not value:
            continue
        said = f"{field}'s line {number}"
        iid, sample = _pair(value, said, per="ADM1059A2=LAB-0002, one pair per line")
        out._add(iid, sample, (None, None, f"{said} ({value})"))
    return out


def sample_map_from_pairs(pairs: Sequence[Sequence[str]], *, field: str = FIELD) -> SampleMap:
    """A stored map (``[pedigree ID, VCF sample]`` pairs, checked when given) with each pair named as the form's
    (the error of a pair the PED or the VCF does not have names the pair)."""
    out = SampleMap()
    for iid, sample in pairs:
        out._add(iid, sample, (None, None, f"{field}'s pair {iid}={sample}"))
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
                 ped: Path | None = None) -> SampleJoin:
    """Join the pedigree's members to the VCF's samples: the map's pairs, the proband to ``proband_sample``
    (``--sample``) when the proband is no VCF sample by name, the others by the same name. Refused (InputError):
    a mapped ID not in the pedigree, a mapped sample not in the VCF, ``--sample`` and the map disagreeing on the
    proband, two members read from one sample."""
    sample_map = sample_map or SampleMap()
    ids, in_vcf = list(pedigree_ids), set(vcf_samples)
    known = set(ids)
    for iid, sample in sample_map.pairs.items():
        path, line, said = sample_map.where(iid)
        if iid not in known:
            raise InputError(f"{said}: {iid} is not an individual of the pedigree", path=path or ped, line=line,
                             hint=f"the pedigree's IDs (PED column 2): {first_names(ids, SHOWN)}")
        if sample not in in_vcf:
            raise InputError(f"{said}: {sample} (for {iid}) is not a sample of the VCF", path=path or vcf, line=line,
                             hint=f"the VCF's samples: {first_names(vcf_samples, SHOWN)}")
    samples = dict(sample_map.pairs)
    how = dict.fromkeys(samples, BY_MAP)
    if proband is not None and proband_sample is not None:
        mapped = samples.get(proband)
        if mapped is not None and mapped != proband_sample:
            path, line, said = sample_map.where(proband)
            raise InputError(f"--sample {proband_sample} and {said} name two VCF samples for the proband {proband} "
                             f"({proband_sample} and {mapped})", path=path, line=line,
                             hint=f"give the proband's sample once, or make --sample and {OPTION} agree")
        if mapped is None and proband not in in_vcf and proband_sample in in_vcf:
            samples[proband], how[proband] = proband_sample, BY_SAMPLE
    for iid, sample in list(samples.items()):
        other = next((o for o, s in samples.items() if s == sample and o != iid), None)
        if other is not None:
            raise InputError(f"two pedigree members, {other} ({how[other]}) and {iid} ({how[iid]}), would be read "
                             f"from one VCF sample ({sample})",
                             hint="each person's genotypes are one sample's: correct --sample or the sample map")
    taken = {s: iid for iid, s in samples.items()}
    for iid in ids:
        if iid in samples or iid not in in_vcf:
            continue
        if iid in taken and len(vcf_samples) == 1:
            continue  # a one-sample VCF is the patient's alone: the user's link wins, no relative is read from it
        if iid in taken:
            other = taken[iid]
            raise InputError(f"the VCF sample {iid} is read for {other} ({how[other]}), but the pedigree also has an "
                             f"individual {iid}, whom the same name would read from it", path=ped,
                             hint=f"map {iid} to its own sample too ({OPTION} {iid}=SAMPLE), or correct the pair "
                                  f"for {other}")
        samples[iid], how[iid] = iid, BY_NAME
    return SampleJoin(samples=samples, how=how, vcf_samples=tuple(vcf_samples))


def unjoined_proband_error(proband: str, pedigree_ids: Sequence[str], vcf_samples: Sequence[str],
                           vcf: Path | None) -> InputError:
    """The error for a family VCF none of whose samples is the proband's: names the option, with a few of the VCF's
    sample names and of the pedigree's IDs (never genotypes)."""
    return InputError(
        f"the proband {proband!r} is not a sample of the VCF: its {len(vcf_samples)} samples ({first_names(vcf_samples, SHOWN)}) "
        f"are named otherwise than the pedigree's IDs ({first_names(pedigree_ids, SHOWN)})", path=vcf,
        hint=f"{USAGE}, e.g. {OPTION} {proband}=<the proband's sample in the VCF>; relatives left unmapped count as "
             "not genotyped")
