"""Pedigree input: PED files and GA4GH Phenopacket ``Family`` JSON, with validation.

Validation (each failure is an ``InputError`` naming file, line and individual):
* at least the six PED columns, unique individual IDs, nobody their own parent;
* both parents or neither (a single known parent needs a placeholder founder for the other);
* every parent ID is an individual of the file, in the same family;
* a father is not recorded as female, a mother not as male, and nobody is both;
* no individual is their own ancestor (a cycle in the parent graph).
Marriage and consanguinity loops are legal pedigrees: ``Pedigree.loops()`` reports them and the
risk engine says which method it used for them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from charcot.errors import InputError
from charcot.family.model import Individual, Observation, Sex, Status, TestResult

_SEX = {"1": Sex.MALE, "2": Sex.FEMALE, "male": Sex.MALE, "female": Sex.FEMALE, "m": Sex.MALE, "f": Sex.FEMALE}
_STATUS = {"2": Status.AFFECTED, "1": Status.UNAFFECTED, "affected": Status.AFFECTED,
           "unaffected": Status.UNAFFECTED}
_MISSING_PARENT = {"0", "", ".", "-9", "NA"}
# PED/PLINK: sex 1 male, 2 female, 0 (or -9, 'other', 'unknown') unknown; phenotype 1 unaffected,
# 2 affected, 0 or -9 missing. Anything else (a typo such as 'x' or '7') is refused, never guessed.
_SEX_UNKNOWN = {"0", "-9", "other", "unknown", "u", ".", "na"}
_STATUS_UNKNOWN = {"0", "-9", "unknown", ".", "na"}


@dataclass
class Pedigree:
    """Individuals keyed by ID, in file order, plus what the input said about ages and tests."""

    individuals: dict[str, Individual]
    source: str | None = None
    observations: dict[str, Observation] = field(default_factory=dict)
    proband: str | None = None
    notes: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.individuals)

    def __iter__(self) -> Iterator[Individual]:
        return iter(self.individuals.values())

    def __getitem__(self, key: str) -> Individual:
        return self.individuals[key]

    def __contains__(self, key: object) -> bool:
        return key in self.individuals

    @property
    def ids(self) -> list[str]:
        return list(self.individuals)

    def status_of(self, iid: str, observations: Mapping[str, Observation] | None = None) -> Status:
        """One status per person: the observation's (ages file) status when it gives one, else the PED column.
        ``observations`` defaults to the pedigree's own (those read with it)."""
        obs = (self.observations if observations is None else observations).get(iid)
        return obs.status if obs is not None and obs.status is not None else self.individuals[iid].status

    def children(self, parent: str) -> list[str]:
        return [i.id for i in self if parent in (i.father, i.mother)]

    def founders(self) -> list[str]:
        return [i.id for i in self if i.father is None]

    def couples(self) -> list[tuple[str, str]]:
        """Distinct (father, mother) pairs that have at least one child, in file order."""
        seen: dict[tuple[str, str], None] = {}
        for ind in self:
            if ind.father is not None and ind.mother is not None:
                seen.setdefault((ind.father, ind.mother), None)
        return list(seen)

    def loops(self) -> list[list[str]]:
        """Marriage / consanguinity loops: for each independent cycle of the individual–couple graph,
        the people on it (in file order). Empty for a loopless pedigree."""
        from charcot.family.peeling import build_graph

        ids = self.ids
        index = {iid: k for k, iid in enumerate(ids)}
        father = np.array([index.get(self[i].father or "", -1) for i in ids], dtype=np.int64)
        mother = np.array([index.get(self[i].mother or "", -1) for i in ids], dtype=np.int64)
        return [[ids[k] for k in loop] for loop in build_graph(father, mother).loops]


def _err(message: str, path: Path | str | None, line: int | None = None, record: str | None = None, *,
         hint: str) -> InputError:
    return InputError(message, path=path, line=line, record=record, hint=hint)


def validate(individuals: Mapping[str, Individual], path: Path | str | None,
             notes: list[str] | None = None) -> None:
    """Structural checks shared by every reader; raises InputError on the first problem. With a
    ``notes`` list (repair mode) a parent from another family ID is noted instead of refused."""
    if not individuals:
        raise _err("the pedigree has no individuals", path, hint="a PED file needs one line per person")
    for ind in individuals.values():
        where: dict[str, Any] = {"line": ind.line, "record": ind.id}
        if ind.id in (ind.father, ind.mother):
            raise _err(f"individual {ind.id} is listed as their own parent", path, **where,
                       hint="column 3 is the father, column 4 the mother (0 for a founder); fix the IDs on this line")
        if (ind.father is None) != (ind.mother is None):
            known = ind.father or ind.mother
            raise _err(f"individual {ind.id} has one parent ({known}) but the other is missing", path, **where,
                       hint="add a placeholder founder line for the unknown parent and name it in this line")
        for role, pid in (("father", ind.father), ("mother", ind.mother)):
            if pid is None:
                continue
            if pid not in individuals:
                raise _err(f"{role} {pid!r} of {ind.id} is not an individual in the file", path, **where,
                           hint=f"add a line for {pid} (founders have parents 0 0) or fix the ID")
            par = individuals[pid]
            if par.family != ind.family and notes is not None:
                notes.append(f"{ind.id} (family {ind.family}) has {role} {pid} from family {par.family}: "
                             "families joined")
            elif par.family != ind.family:
                raise _err(f"{role} {pid} of {ind.id} belongs to family {par.family}, not {ind.family}", path,
                           **where, hint="parents and children must share the family ID (column 1)")
            if role == "father" and par.sex is Sex.FEMALE:
                raise _err(f"{pid} is the father of {ind.id} but is recorded as female", path, **where,
                           hint="column 3 is the father, column 4 the mother; check sex (column 5: 1 male, 2 female)")
            if role == "mother" and par.sex is Sex.MALE:
                raise _err(f"{pid} is the mother of {ind.id} but is recorded as male", path, **where,
                           hint="column 3 is the father, column 4 the mother; check sex (column 5: 1 male, 2 female)")
        if ind.father is not None and ind.father == ind.mother:
            raise _err(f"{ind.father} is both father and mother of {ind.id}", path, **where,
                       hint="column 3 is the father, column 4 the mother (0 for a founder); fix the IDs on this line")
    fathers = {i.father for i in individuals.values() if i.father}
    mothers = {i.mother for i in individuals.values() if i.mother}
    both = sorted(fathers & mothers)
    if both:
        first = individuals[both[0]]
        raise _err(f"{both[0]} is a father of some individuals and a mother of others", path,
                   line=first.line, record=first.id,
                   hint="each parent is a father (column 3) or a mother (column 4), never both; check the IDs")
    # Cycle in the parent graph (someone their own ancestor): iterative DFS with colours.
    colour: dict[str, int] = {}
    for start in individuals:
        if colour.get(start):
            continue
        stack: list[tuple[str, int]] = [(start, 0)]
        while stack:
            node, state = stack.pop()
            if state == 0:
                if colour.get(node) == 2:
                    continue
                colour[node] = 1
                stack.append((node, 1))
                ind = individuals[node]
                for pid in (ind.father, ind.mother):
                    if pid is None:
                        continue
                    if colour.get(pid) == 1:
                        raise _err(f"{pid} is their own ancestor (through {node})", path,
                                   line=individuals[pid].line, record=pid,
                                   hint="a parent column points back down the pedigree; check the IDs")
                    if not colour.get(pid):
                        stack.append((pid, 0))
            else:
                colour[node] = 2


def add_missing_parents(individuals: dict[str, Individual]) -> list[str]:
    """Repair in place: a parent ID that has no line becomes a founder of the parent's sex, and a
    single missing parent becomes a placeholder founder ``<child>~father``/``<child>~mother``.
    Returns one note per repair (the CLI prints them; nothing is repaired silently)."""
    notes: list[str] = []
    placeholders: set[str] = set()
    for ind in list(individuals.values()):
        father, mother = ind.father, ind.mother
        if (father is None) != (mother is None):
            if father is None:
                father = f"{ind.id}~father"
                notes.append(f"{ind.id}: unknown father added as placeholder founder {father}")
            else:
                mother = f"{ind.id}~mother"
                notes.append(f"{ind.id}: unknown mother added as placeholder founder {mother}")
            individuals[ind.id] = ind.model_copy(update={"father": father, "mother": mother})
            placeholders.update(x for x in (father, mother) if x is not None)
        for pid, sex in ((father, Sex.MALE), (mother, Sex.FEMALE)):
            if pid is not None and pid not in individuals:
                individuals[pid] = Individual(id=pid, family=ind.family, sex=sex)
                if pid not in placeholders:
                    notes.append(f"{pid}: parent without a line added as a founder")
    return notes


def read_ped(path: str | Path, *, repair: bool = False) -> Pedigree:
    """Read a PED/FAM file (whitespace separated; lines starting with '#' are comments/headers).
    With ``repair`` missing parents are added as placeholder founders (see add_missing_parents)."""
    from charcot.structured import read_text

    p = Path(path)
    text = read_text(p, "PED file")
    individuals: dict[str, Individual] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        cols = re.split(r"\s+", line)
        if len(cols) < 6:
            raise _err(f"expected at least 6 columns (family, individual, father, mother, sex, phenotype), "
                       f"found {len(cols)}", p, line=number, hint="PED columns are whitespace separated")
        fam, iid, fid, mid, sex, phen = cols[:6]
        if sex.lower() not in _SEX and sex.lower() not in _SEX_UNKNOWN:
            raise _err(f"sex code {sex!r} of {iid} is not a PED code", p, line=number, record=iid,
                       hint="column 5 is sex: 1 male, 2 female, 0 unknown")
        if phen.lower() not in _STATUS and phen.lower() not in _STATUS_UNKNOWN:
            raise _err(f"phenotype code {phen!r} of {iid} is not a PED code", p, line=number, record=iid,
                       hint="column 6 is affection status: 1 unaffected, 2 affected, 0 or -9 unknown")
        if iid in _MISSING_PARENT:
            raise _err(f"individual ID {iid!r} is not allowed", p, line=number,
                       hint="an individual ID is a name or number; 0 means 'no parent' and cannot be one")
        if iid in individuals:
            raise _err(f"individual {iid} appears twice (first on line {individuals[iid].line})", p, line=number,
                       record=iid, hint="individual IDs must be unique across the file")
        individuals[iid] = Individual(
            id=iid, family=fam,
            father=None if fid in _MISSING_PARENT else fid,
            mother=None if mid in _MISSING_PARENT else mid,
            sex=_SEX.get(sex.lower(), Sex.UNKNOWN),
            status=_STATUS.get(phen.lower(), Status.UNKNOWN),
            line=number,
        )
    notes = add_missing_parents(individuals) if repair else []
    validate(individuals, p, notes if repair else None)
    return Pedigree(individuals, source=str(p), notes=notes)


_ISO_AGE = re.compile(r"^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?$")


def parse_iso_age(text: str) -> float | None:
    """ISO 8601 duration as used by phenopackets (``P70Y``, ``P45Y6M``) → years; None if not one."""
    m = _ISO_AGE.match(text.strip())
    if not m or not any(m.groups()):
        return None
    y, mo, w, d = (float(g) if g else 0.0 for g in m.groups())
    return y + mo / 12 + w * 7 / 365.25 + d / 365.25


def _phenopacket_age(packet: Mapping[str, Any]) -> float | None:
    subject = packet.get("subject") or {}
    tale = subject.get("timeAtLastEncounter") or {}
    age = tale.get("age") or {}
    iso = age.get("iso8601duration")
    return parse_iso_age(iso) if isinstance(iso, str) else None


def read_phenopacket_family(path: str | Path) -> Pedigree:
    """Read a GA4GH Phenopacket v2 ``Family`` (JSON): ``pedigree.persons`` give the structure; the
    proband's and relatives' ``subject.timeAtLastEncounter`` give ages when present."""
    p = Path(path)
    from charcot.structured import loads_json, read_text

    doc = loads_json(read_text(p, "Phenopacket Family"), p)
    if not isinstance(doc, dict) or not isinstance(doc.get("pedigree"), dict):
        raise _err("no 'pedigree' object: not a Phenopacket Family", p,
                   hint="expected {\"id\": ..., \"proband\": {...}, \"pedigree\": {\"persons\": [...]}}")
    persons = doc["pedigree"].get("persons")
    if not isinstance(persons, list):
        raise _err("'pedigree.persons' must be a list", p,
                   hint="give the Phenopacket Family's pedigree as {\"persons\": [...]}")
    sex_map = {"MALE": Sex.MALE, "FEMALE": Sex.FEMALE}
    status_map = {"AFFECTED": Status.AFFECTED, "UNAFFECTED": Status.UNAFFECTED}
    individuals: dict[str, Individual] = {}
    for index, person in enumerate(persons, start=1):
        if not isinstance(person, dict) or not person.get("individualId"):
            raise _err(f"person #{index} has no individualId", p, record=f"#{index}",
                       hint="every person of the pedigree needs its individualId")
        iid = str(person["individualId"])
        if iid in individuals:
            raise _err(f"individual {iid} appears twice", p, record=iid, hint="list each person once")
        fid = str(person.get("paternalId") or "0")
        mid = str(person.get("maternalId") or "0")
        individuals[iid] = Individual(
            id=iid, family=str(person.get("familyId") or doc.get("id") or "family"),
            father=None if fid in _MISSING_PARENT else fid,
            mother=None if mid in _MISSING_PARENT else mid,
            sex=sex_map.get(str(person.get("sex", "")).upper(), Sex.UNKNOWN),
            status=status_map.get(str(person.get("affectedStatus", "")).upper(), Status.UNKNOWN),
            line=index,
        )
    validate(individuals, p)
    observations: dict[str, Observation] = {}
    proband_id: str | None = None
    packets = [doc.get("proband"), *list(doc.get("relatives") or [])]
    for i, packet in enumerate(packets):
        if not isinstance(packet, dict):
            continue
        sid = (packet.get("subject") or {}).get("id")
        if i == 0 and isinstance(sid, str):
            proband_id = sid
        age = _phenopacket_age(packet)
        vital = (packet.get("subject") or {}).get("vitalStatus") or {}
        dead = str(vital.get("status", "")).upper() == "DECEASED"
        death_iso = ((vital.get("timeOfDeath") or {}).get("age") or {}).get("iso8601duration")
        death_age = parse_iso_age(death_iso) if isinstance(death_iso, str) else None
        if isinstance(sid, str) and sid in individuals and (age is not None or dead):
            observations[sid] = Observation(age=age, deceased=True if dead else None,
                                            death_age=death_age if dead else None)
    return Pedigree(individuals, source=str(p), observations=observations, proband=proband_id)


def read_pedigree(path: str | Path, *, repair: bool = False) -> Pedigree:
    """PED file, or Phenopacket Family when the file is JSON (``.json`` or starts with '{')."""
    p = Path(path)
    if p.is_dir():
        raise _err("is a folder, not a PED file", p, hint="give the PED file inside it")
    if p.suffix.lower() == ".json":
        return read_phenopacket_family(p)
    from charcot.outputs import is_stream
    from charcot.structured import read_text

    if is_stream(path):  # standard input or a pipe (read once, kept by read_text): sniffed from its text
        head = read_text(p, "PED file")[:64].lstrip().encode()
    else:
        try:
            with open(p, "rb") as handle:
                head = handle.read(64).lstrip()
        except FileNotFoundError as exc:
            raise _err("file not found", p, hint="check the path (and the current folder for a relative path)") from exc
    if head.startswith(b"{"):
        return read_phenopacket_family(p)
    return read_ped(p, repair=repair)


_TEST = {"carrier": TestResult.CARRIER, "positive": TestResult.CARRIER, "pos": TestResult.CARRIER,
         "+": TestResult.CARRIER, "noncarrier": TestResult.NONCARRIER, "non-carrier": TestResult.NONCARRIER,
         "negative": TestResult.NONCARRIER, "neg": TestResult.NONCARRIER, "-": TestResult.NONCARRIER,
         "": TestResult.UNTESTED, "untested": TestResult.UNTESTED, "na": TestResult.UNTESTED,
         ".": TestResult.UNTESTED}
_DECEASED: dict[str, bool | None] = {"": None, "yes": True, "y": True, "true": True, "1": True, "deceased": True,
                                     "no": False, "n": False, "false": False, "0": False, "alive": False}
_OBS_STATUS = {"affected": Status.AFFECTED, "2": Status.AFFECTED, "unaffected": Status.UNAFFECTED,
               "1": Status.UNAFFECTED, "unknown": Status.UNKNOWN, "0": Status.UNKNOWN}


# the ages file's columns (every command's --ages help names them: charcot.cli_contract.ages_option)
AGES_COLUMNS = ("id", "age", "status", "onset_age", "test", "deceased", "death_age")


def read_observations(path: str | Path, pedigree: Pedigree) -> dict[str, Observation]:
    """Read ``ages.tsv``: tab-separated with a header naming ``id`` and ``age`` and optionally
    ``status`` (affected/unaffected/unknown), ``onset_age``, ``test`` (carrier/noncarrier),
    ``deceased`` (yes/no) and ``death_age`` (age at death; implies deceased)."""
    from charcot.structured import read_text

    p = Path(path)
    lines = read_text(p, "ages file").splitlines()
    rows = [(n, ln) for n, ln in enumerate(lines, start=1) if ln.strip() and not ln.startswith("##")]
    if not rows:
        raise _err("empty ages file", p, hint="header line: id<TAB>age[<TAB>status<TAB>onset_age<TAB>test<TAB>deceased<TAB>death_age]")
    header = [h.strip().lstrip("#").lower() for h in rows[0][1].split("\t")]
    if "id" not in header or "age" not in header:
        raise _err("the header must name the columns 'id' and 'age'", p, line=rows[0][0],
                   hint="header line: id<TAB>age[<TAB>status<TAB>onset_age<TAB>test<TAB>deceased<TAB>death_age]")
    out: dict[str, Observation] = {}
    for number, line in rows[1:]:
        cells = [c.strip() for c in line.split("\t")]
        cells += [""] * (len(header) - len(cells))
        row = dict(zip(header, cells, strict=False))
        iid = row["id"]
        if iid not in pedigree:
            raise _err(f"individual {iid!r} is not in the pedigree", p, line=number, record=iid,
                       hint="give the individual IDs of the PED file (its second column)")
        if iid in out:
            raise _err(f"individual {iid} is listed twice", p, line=number, record=iid,
                       hint="give each relative one line of the ages file")

        def number_or_none(name: str, number: int = number, row: dict[str, str] = row, iid: str = iid) -> float | None:
            value = row.get(name, "")
            if value in ("", "NA", "."):
                return None
            try:
                f = float(value)
            except ValueError:
                raise _err(f"{name} {value!r} is not a number", p, line=number, record=iid,
                           hint="give the age in whole or decimal years, e.g. 54 or 54.5 (or leave it empty)") from None
            if not 0 <= f <= 120:
                raise _err(f"{name} {f:g} is outside 0–120 years", p, line=number, record=iid,
                           hint="give the age in years, e.g. 54")
            return f

        age = number_or_none("age")
        onset = number_or_none("onset_age")
        status_text = row.get("status", "").lower()
        if status_text and status_text not in _OBS_STATUS:
            raise _err(f"status {row['status']!r} is not affected/unaffected/unknown", p, line=number, record=iid,
                       hint="write affected, unaffected or unknown (or leave it empty to keep the PED's)")
        test_text = row.get("test", "").lower()
        if test_text not in _TEST:
            raise _err(f"test {row['test']!r} is not carrier/noncarrier/untested", p, line=number, record=iid,
                       hint="write carrier, noncarrier or untested (or leave it empty)")
        if onset is not None and age is not None and onset > age:
            raise _err(f"onset age {onset:g} is after the current age {age:g}", p, line=number, record=iid,
                       hint="check both ages: onset_age is the age at the first symptom")
        status = _OBS_STATUS[status_text] if status_text else None
        if onset is not None and status is not None and status is not Status.AFFECTED:
            # the model reads an onset age only for an affected person: it would be dropped without a word
            raise _err(f"onset age {onset:g} given but status is {status_text!r}", p, line=number, record=iid,
                       hint="an onset age means the person has ALS: set status to affected, or leave onset_age empty")
        if onset is not None and status is None:
            status = Status.AFFECTED
        death_age = number_or_none("death_age")
        dead_text = row.get("deceased", "").lower()
        if dead_text not in _DECEASED:
            raise _err(f"deceased {row['deceased']!r} is not yes/no", p, line=number, record=iid,
                       hint="deceased: yes or no (or leave empty); age at death goes in death_age")
        deceased = _DECEASED[dead_text]
        if death_age is not None and deceased is False:
            raise _err(f"death_age {death_age:g} given but deceased is 'no'", p, line=number, record=iid,
                       hint="leave deceased empty or 'yes' for someone who died, or remove death_age")
        if death_age is not None and age is not None and death_age > age:
            raise _err(f"age at death {death_age:g} is after the recorded age {age:g}", p, line=number, record=iid,
                       hint="for a deceased relative give the age at death in death_age and leave age empty "
                            "(or the same value)")
        if death_age is not None and onset is not None and onset > death_age:
            raise _err(f"onset age {onset:g} is after the age at death {death_age:g}", p, line=number, record=iid,
                       hint="check both ages: onset_age is the age at the first symptom, death_age the age at death")
        out[iid] = Observation(age=age, onset_age=onset, status=status, test=_TEST[test_text],
                               deceased=True if death_age is not None else deceased, death_age=death_age)
    return out
