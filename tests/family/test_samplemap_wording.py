"""The sample map's refusals said by a wording (webpriv, 2026-12-02): the command line's stay word for word; a front
end's own wording (the web case form's) says every refusal from the same facts, without rewriting the CLI's text.

Before, ``charcot.web.app._form_words`` rewrote the library's CLI messages by string replacement (the usage line, one
hint, a regex for '(--sample-map ID=SAMPLE)') and missed the rest: a web case refused for its 'Sample in a
multi-sample VCF' field said "--sample LAB-0003 and the sample map's pair ... (make --sample and --sample-map
agree)"."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from charcot.errors import InputError
from charcot.family import samplemap as sm

PED, VCF = Path("/x/family.ped"), Path("/x/family.vcf.gz")
IDS, SAMPLES = ["A1", "A2", "A3"], ["S1", "S2", "S3"]

# each refusal as the command line said it before the wording existed (message, hint, file name, line): kept word
# for word (captured from the code before this change)
CLI_WORDS = {
    'opt-not-pair': ("--sample-map 'A1 S1' is not PEDIGREE_ID=VCF_SAMPLE",
        'e.g. --sample-map ADM1059A2=LAB-0002, one pair per --sample-map', None, None),
    'opt-empty-sample': ("--sample-map 'A1=' is not PEDIGREE_ID=VCF_SAMPLE",
        'e.g. --sample-map ADM1059A2=LAB-0002, one pair per --sample-map', None, None),
    'opt-id-twice': ('--sample-map A1=S2 maps the pedigree ID A1 a second time: to S2, after S1',
        'give each pedigree ID one VCF sample', None, None),
    'opt-sample-twice': ('--sample-map A2=S1 reads two pedigree members, A1 and A2, from one VCF sample (S1)',
        "each person's genotypes are one sample's: correct the pair that is wrong", None, None),
    'given-id-twice': ('--sample-map A1=S2 maps the pedigree ID A1 a second time: to S2, after S1',
        'give each pedigree ID one VCF sample', None, None),
    'file-id-twice': ('the sample map maps the pedigree ID A1 a second time: to S2, after S1',
        'give each pedigree ID one VCF sample', 'map.tsv', 2),
    'file-sample-twice': ('the sample map reads two pedigree members, A1 and A2, from one VCF sample (S1)',
        "each person's genotypes are one sample's: correct the pair that is wrong", 'map2.tsv', 2),
    'file-columns': ('a sample-map line needs two columns (pedigree ID, VCF sample); this one has 3',
        'one pair per line, tab-separated (a sample name with spaces needs the tab)', 'map3.tsv', 1),
    'file-empty': ('the sample map has no pairs',
        'one line per genotyped person: pedigree ID, a tab, VCF sample', 'map4.tsv', None),
    'opt-then-file': ('the sample map maps the pedigree ID A1 a second time: to S1, after S9',
        'give each pedigree ID one VCF sample', 'map2.tsv', 1),
    'join-not-in-ped-opt': ('--sample-map A9=S1: A9 is not an individual of the pedigree',
        "the pedigree's IDs (PED column 2): A1, A2, A3", 'family.ped', None),
    'join-not-in-vcf-opt': ('--sample-map A1=S9: S9 (for A1) is not a sample of the VCF',
        "the VCF's samples: S1, S2, S3", 'family.vcf.gz', None),
    'join-not-in-ped-file': ('the sample map: A9 is not an individual of the pedigree',
        "the pedigree's IDs (PED column 2): A1, A2, A3", 'm5.tsv', 1),
    'join-not-in-vcf-given': ('--sample-map: S9 (for A1) is not a sample of the VCF',
        "the VCF's samples: S1, S2, S3", 'family.vcf.gz', None),
    'join-proband-disagree': ('--sample S2 and --sample-map A1=S1 name two VCF samples for the proband A1 (S2 and S1)',
        "give the proband's sample once, or make --sample and --sample-map agree", None, None),
    'join-two-members': ('two pedigree members, P (--sample) and A2 (--sample-map), would be read from one VCF sample (S1)',
        "each person's genotypes are one sample's: correct --sample or the sample map", None, None),
    'join-name-collision': ('the VCF sample S1 is read for A1 (--sample-map), but the pedigree also has an individual S1, whom the same name would read from it',
        'map S1 to its own sample too (--sample-map S1=SAMPLE), or correct the pair for A1', 'family.ped', None),
    'unjoined': ("the proband 'A1' is not a sample of the VCF: its 3 samples (S1, S2, S3) are named otherwise than the pedigree's IDs (A1, A2, A3)",
        "map each pedigree ID to its VCF sample with --sample-map PEDIGREE_ID=VCF_SAMPLE (repeatable) or --sample-map-file FILE (two tab-separated columns: pedigree ID, VCF sample), e.g. --sample-map A1=<the proband's sample in the VCF>; relatives left unmapped count as not genotyped", 'family.vcf.gz', None),
    'text-not-pair': ("the sample map's line 2 'A1 S1' is not PEDIGREE_ID=VCF_SAMPLE",
        'e.g. ADM1059A2=LAB-0002, one pair per line', None, None),
    'text-id-twice': ("the sample map's line 3 (A1=S2) maps the pedigree ID A1 a second time: to S2, after S1",
        'give each pedigree ID one VCF sample', None, None),
    'text-sample-twice': ("the sample map's line 2 (A2=S1) reads two pedigree members, A1 and A2, from one VCF sample (S1)",
        "each person's genotypes are one sample's: correct the pair that is wrong", None, None),
    'pairs-not-in-ped': ("the sample map's pair A9=S1: A9 is not an individual of the pedigree",
        "the pedigree's IDs (PED column 2): A1, A2, A3", 'family.ped', None),
    'pairs-proband-disagree': ("--sample S2 and the sample map's pair A1=S1 name two VCF samples for the proband A1 (S2 and S1)",
        "give the proband's sample once, or make --sample and --sample-map agree", None, None),
}


def _cases(tmp: Path) -> dict[str, Callable[[], object]]:
    files = {"map.tsv": "A1\tS1\nA1\tS2\n", "map2.tsv": "A1\tS1\nA2\tS1\n", "map3.tsv": "A1 S1 X\n",
             "map4.tsv": "# nothing\n", "m5.tsv": "A9\tS1\n"}
    for name, text in files.items():
        (tmp / name).write_text(text)
    return {
        "opt-not-pair": lambda: sm.read_sample_map(["A1 S1"]),
        "opt-empty-sample": lambda: sm.read_sample_map(["A1="]),
        "opt-id-twice": lambda: sm.read_sample_map(["A1=S1", "A1=S2"]),
        "opt-sample-twice": lambda: sm.read_sample_map(["A1=S1", "A2=S1"]),
        "given-id-twice": lambda: sm.read_sample_map(["A1=S2"], given={"A1": "S1"}),
        "file-id-twice": lambda: sm.read_sample_map(file=tmp / "map.tsv"),
        "file-sample-twice": lambda: sm.read_sample_map(file=tmp / "map2.tsv"),
        "file-columns": lambda: sm.read_sample_map(file=tmp / "map3.tsv"),
        "file-empty": lambda: sm.read_sample_map(file=tmp / "map4.tsv"),
        "opt-then-file": lambda: sm.read_sample_map(["A1=S9"], file=tmp / "map2.tsv"),
        "join-not-in-ped-opt": lambda: sm.join_samples(IDS, SAMPLES, sm.read_sample_map(["A9=S1"]), vcf=VCF, ped=PED),
        "join-not-in-vcf-opt": lambda: sm.join_samples(IDS, SAMPLES, sm.read_sample_map(["A1=S9"]), vcf=VCF, ped=PED),
        "join-not-in-ped-file": lambda: sm.join_samples(IDS, SAMPLES, sm.read_sample_map(file=tmp / "m5.tsv"),
                                                        vcf=VCF, ped=PED),
        "join-not-in-vcf-given": lambda: sm.join_samples(IDS, SAMPLES, sm.read_sample_map(given={"A1": "S9"}),
                                                         vcf=VCF, ped=PED),
        "join-proband-disagree": lambda: sm.join_samples(IDS, SAMPLES, sm.read_sample_map(["A1=S1"]), proband="A1",
                                                         proband_sample="S2", vcf=VCF, ped=PED),
        "join-two-members": lambda: sm.join_samples(["P", "A2"], ["S1", "S2"], sm.read_sample_map(["A2=S1"]),
                                                    proband="P", proband_sample="S1", vcf=VCF, ped=PED),
        "join-name-collision": lambda: sm.join_samples(["A1", "S1"], ["S1", "S2"], sm.read_sample_map(["A1=S1"]),
                                                       vcf=VCF, ped=PED),
        "unjoined": lambda: _raise(sm.unjoined_proband_error("A1", IDS, SAMPLES, VCF)),
        "text-not-pair": lambda: sm.read_sample_map_text("\nA1 S1"),
        "text-id-twice": lambda: sm.read_sample_map_text("A1=S1\n\nA1=S2"),
        "text-sample-twice": lambda: sm.read_sample_map_text("A1=S1\nA2=S1"),
        "pairs-not-in-ped": lambda: sm.join_samples(IDS, SAMPLES, sm.sample_map_from_pairs([["A9", "S1"]]), vcf=VCF,
                                                    ped=PED),
        "pairs-proband-disagree": lambda: sm.join_samples(IDS, SAMPLES, sm.sample_map_from_pairs([["A1", "S1"]]),
                                                          proband="A1", proband_sample="S2", vcf=VCF, ped=PED),
    }


def _raise(exc: Exception) -> None:
    raise exc


def _refusal(fn: Callable[[], object]) -> InputError:
    with pytest.raises(InputError) as caught:
        fn()
    return caught.value


def test_the_command_lines_words_are_kept(tmp_path: Path) -> None:
    cases = _cases(tmp_path)
    assert set(cases) == set(CLI_WORDS)
    for name, fn in cases.items():
        exc = _refusal(fn)
        assert (exc.message, exc.hint, Path(exc.path).name if exc.path else None, exc.line) == CLI_WORDS[name], \
            name


class Tagged(sm.Wording):
    """A front end's wording that marks every refusal it says (a refusal not said through the wording has no mark)."""

    def __getattribute__(self, name: str) -> object:
        attr = super().__getattribute__(name)
        if name in ("given", "how", "sample_field", "example") or name.startswith("_") or not callable(attr):
            return attr

        def tagged(*args: object) -> tuple[str, str]:
            message, hint = attr(*args)
            return f"[front] {message}", f"[front] {hint}"
        return tagged


# the refusals of reading one file (the command line's own input) are the CLI's: a form has no file
FILE_ONLY = {"file-columns", "file-empty"}


def test_every_refusal_is_said_by_the_wording_in_force(tmp_path: Path) -> None:
    cases = _cases(tmp_path)
    with sm.worded(Tagged()):
        for name, fn in cases.items():
            exc = _refusal(fn)
            if name in FILE_ONLY:
                assert not exc.message.startswith("[front]"), name
                continue
            assert exc.message.startswith("[front] ") and exc.hint and exc.hint.startswith("[front] "), name
    # outside the block, the command line's again
    assert _refusal(cases["unjoined"]).message == CLI_WORDS["unjoined"][0]


def test_a_wording_given_to_a_map_is_kept_for_its_join() -> None:
    pairs = sm.read_sample_map_text("A9=S1", wording=Tagged())  # read in a front end, joined later by a build
    exc = _refusal(lambda: sm.join_samples(IDS, SAMPLES, pairs, vcf=VCF, ped=PED))
    assert exc.message == "[front] the sample map's line 1 (A9=S1): A9 is not an individual of the pedigree"
