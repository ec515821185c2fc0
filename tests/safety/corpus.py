"""The bad-input corpus (issue 12): each case turns a real fixture from tests/data into one broken or
hostile input, inside a temporary folder, and names the command that reads it and the words the
error must contain. test_corpus.py runs every case through the real command line."""

from __future__ import annotations

import gzip
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pysam

DATA = Path(__file__).resolve().parents[1] / "data"
VCF38 = DATA / "variants" / "na12878_hg38_panel.vcf.gz"
VCF37 = DATA / "variants" / "na12878_hg19_panel.vcf.gz"
GVCF = DATA / "variants" / "glnexus_na12878_gvcf_subset.g.vcf.gz"
TRIO = DATA / "family" / "ashk_trio_subset.vcf.gz"
EH = DATA / "repeats" / "643594.clinical.str.vcf"
EH5 = DATA / "repeats" / "justhusky_exphun_hugelymodelbat.eh5.vcf"
EH_GZ = DATA / "repeats" / "643594.clinical.str.annotated.limits.vcf.gz"
STRANGER = DATA / "repeats" / "643594.clinical.str.stranger.vcf.gz"
TRGT = DATA / "repeats" / "NIST.trgt.stranger.vcf.gz"
TRGT_PLAIN = DATA / "repeats" / "sample.trgt.vcf"
GANGSTR = DATA / "repeats" / "ceu_ex.gangstr.head.vcf.gz"
GANGSTR_PLAIN = DATA / "repeats" / "trio_chr21_gangstr.head.vcf"
HIPSTR = DATA / "repeats" / "trio_chr21_hipstr.head.vcf"
LONGTR = DATA / "repeats" / "HG002_htt_test.longtr.vcf.gz"
EH_JSON = DATA / "repeats" / "eh_example_repeats.json"
PED = DATA / "family" / "three_generation.ped"
AGES = DATA / "family" / "ages.tsv"
CASE = DATA / "clinical" / "example_case.yaml"
PACKET = DATA / "clinical" / "example_phenopacket.json"
CLAIM = DATA / "therapy" / "claim_class1_rct.yaml"
FACTS = DATA / "therapy" / "sod1_patient.yaml"


@dataclass(frozen=True)
class Case:
    """``make(tmp)`` writes the bad input(s) into ``tmp`` and returns the command line (without the
    output option) and the name the message must show (the file, or the option or value at fault)."""

    id: str
    kind: str
    make: Callable[[Path], tuple[list[str], str]]
    expect: str


# --- builders ------------------------------------------------------------------------------------


def text_of(path: Path) -> str:
    if path.suffix == ".gz":
        with gzip.open(path, "rt") as handle:
            return handle.read()
    return path.read_text()


def bgzip(text: str, out: Path) -> Path:
    plain = out.parent / (out.name + ".plain")
    plain.write_text(text)
    pysam.tabix_compress(str(plain), str(out), force=True)
    plain.unlink()
    return out


def map_records(text: str, fn: Callable[[list[str]], list[str] | None]) -> str:
    out = []
    for line in text.splitlines():
        if line.startswith("#") or not line:
            out.append(line)
            continue
        cols = fn(line.split("\t"))
        if cols is not None:
            out.append("\t".join(cols))
    return "\n".join(out) + "\n"


def set_col(index: int, value: str) -> Callable[[list[str]], list[str]]:
    def fn(cols: list[str]) -> list[str]:
        cols = list(cols)
        cols[index] = value
        return cols
    return fn


def set_format(key: str, value: str) -> Callable[[list[str]], list[str]]:
    """Set FORMAT field ``key`` of every called sample column in every record that has it."""
    def fn(cols: list[str]) -> list[str]:
        cols = list(cols)
        keys = cols[8].split(":")
        if key not in keys:
            return cols
        for sample in range(9, len(cols)):
            vals = cols[sample].split(":")
            if len(vals) < len(keys):
                continue  # a no-call column ('./.')
            vals[keys.index(key)] = value
            cols[sample] = ":".join(vals)
        return cols
    return fn


def set_info(key: str, value: str) -> Callable[[list[str]], list[str]]:
    def fn(cols: list[str]) -> list[str]:
        cols = list(cols)
        items = cols[7].split(";")
        items = [f"{key}={value}" if i.split("=")[0] == key else i for i in items]
        cols[7] = ";".join(items)
        return cols
    return fn


def flip(data: bytes, fraction: float, bit: int = 2) -> bytes:
    """Flip one bit inside the compressed data (past the first block's header, before the EOF block)."""
    b = bytearray(data)
    i = 18 + int((len(b) - 18 - 28 - 8) * fraction)
    b[i] ^= 1 << bit
    return bytes(b)


def file_case(id: str, kind: str, command: list[str], name: str, content: Callable[[], bytes | str],
              expect: str, extra: list[str] | None = None) -> Case:
    """A case whose bad input is one file called ``name``, placed where ``{f}`` is in ``command``."""
    def make(tmp: Path) -> tuple[list[str], str]:
        path = tmp / name
        data = content()
        if isinstance(data, str):
            path.write_text(data)
        else:
            path.write_bytes(data)
        argv = [str(path) if a == "{f}" else a for a in command] + (extra or [])
        return argv, name
    return Case(id, kind, make, expect)


# --- small-variant VCFs ---------------------------------------------------------------------------

INTERPRET = ["interpret", "{f}"]


def _vcf38_text() -> str:
    return text_of(VCF38)


def _header_only(text: str) -> str:
    return "".join(line + "\n" for line in text.splitlines() if line.startswith("#"))


def _drop_header(prefix: str) -> Callable[[], str]:
    return lambda: "".join(line + "\n" for line in _vcf38_text().splitlines() if not line.startswith(prefix))


def vcf_cases() -> list[Case]:
    t = _vcf38_text
    record_mutations = [
        ("pos-zero", set_col(1, "0"), "POS 0 is not a position"),
        ("pos-negative", set_col(1, "-5"), "POS '-5' is not a positive whole number"),
        ("pos-alpha", set_col(1, "12a"), "is not a positive whole number"),
        ("pos-huge", set_col(1, "99999999999"), "beyond the end of chr21"),
        ("ref-x", set_col(3, "X"), "REF 'X' is not a sequence of bases"),
        ("ref-digits", set_col(3, "123"), "is not a sequence of bases"),
        ("alt-empty-symbolic", set_col(4, "<>"), "ALT '<>' is not an allele"),
        ("alt-open-symbolic", set_col(4, "<DEL"), "is not an allele"),
        ("alt-digit", set_col(4, "7"), "is not an allele"),
        ("gt-beyond-alts", set_col(9, "1/7"), "names allele 7"),
        ("gt-beyond-alts-phased", set_col(9, "0|3"), "names allele 3"),
        ("gt-alpha", set_col(9, "a/b"), "cannot parse this record"),
        ("alt-dot-with-gt", set_col(4, "."), "names allele"),
        ("contig-undeclared", set_col(0, "chrUn_weird"), "not declared in the header"),
        ("no-sample-column", lambda c: c[:8], "no genotype"),
        ("spaces-not-tabs", lambda c: [" ".join(c)], "cannot parse this record"),
    ]
    cases = [file_case(f"vcf-{n}", "vcf", INTERPRET, "patient.vcf", (lambda fn=fn: map_records(t(), fn)), e)
             for n, fn, e in record_mutations]
    cases += [
        file_case("vcf-empty", "vcf", INTERPRET, "patient.vcf", lambda: "", "the file is empty"),
        file_case("vcf-header-only", "vcf", INTERPRET, "patient.vcf", lambda: _header_only(t()), "no records"),
        file_case("vcf-header-only-bgzip", "vcf", INTERPRET, "patient.vcf.gz",
                  lambda: _bgz_bytes(_header_only(t())), "no records"),
        file_case("vcf-plain-text", "vcf", INTERPRET, "patient.vcf", lambda: "hello\nworld\n", "not a VCF"),
        file_case("vcf-binary", "vcf", INTERPRET, "patient.vcf", lambda: bytes(range(256)) * 8, "not a VCF"),
        file_case("vcf-utf16", "vcf", INTERPRET, "patient.vcf", lambda: t().encode("utf-16"), "UTF-16"),
        file_case("vcf-bom", "vcf", INTERPRET, "patient.vcf", lambda: b"\xef\xbb\xbf" + t().encode(),
                  "byte-order mark"),
        file_case("vcf-no-fileformat", "vcf", INTERPRET, "patient.vcf", _drop_header("##fileformat"),
                  "fileformat"),
        file_case("vcf-no-chrom-line", "vcf", INTERPRET, "patient.vcf", _drop_header("#CHROM"), "#CHROM"),
        file_case("vcf-no-gt-header", "vcf", INTERPRET, "patient.vcf", _drop_header("##FORMAT=<ID=GT"),
                  "FORMAT/GT"),
        file_case("vcf-truncated-gzip", "vcf", INTERPRET, "patient.vcf.gz",
                  lambda: VCF38.read_bytes()[: VCF38.stat().st_size // 2], "truncated or corrupt"),
        file_case("vcf-gzip-header-only-bytes", "vcf", INTERPRET, "patient.vcf.gz",
                  lambda: VCF38.read_bytes()[:10], "truncated or corrupt"),
        file_case("vcf-duplicate-sample", "vcf", INTERPRET, "patient.vcf", lambda: _dup_sample(t()),
                  "sample name"),
        file_case("vcf-sample-not-found", "vcf", INTERPRET, "patient.vcf", t, "not in the file",
                  extra=["--sample", "NOBODY"]),
        file_case("vcf-build-mismatch", "vcf", INTERPRET, "patient.vcf", t, "--build GRCh37",
                  extra=["--build", "GRCh37"]),
        file_case("vcf-multisample-no-choice", "vcf", INTERPRET, "trio.vcf.gz", TRIO.read_bytes, "samples"),
        file_case("gvcf-end-before-pos", "vcf", INTERPRET, "patient.g.vcf",
                  lambda: map_records(text_of(GVCF), _end_before_pos), "before it starts"),
    ]
    cases += [file_case(f"vcf-bitflip-{k}", "vcf", INTERPRET, "patient.vcf.gz",
                        (lambda f=f: flip(VCF38.read_bytes(), f)), "truncated or corrupt")
              for k, f in enumerate((0.1, 0.3, 0.5, 0.7, 0.9, 0.99))]
    cases += [file_case(f"gvcf-bitflip-{k}", "vcf", INTERPRET, "patient.g.vcf.gz",
                        (lambda f=f: flip(GVCF.read_bytes(), f)), "truncated or corrupt")
              for k, f in enumerate((0.2, 0.6))]
    cases += [
        Case("vcf-missing-file", "vcf", lambda tmp: (["interpret", str(tmp / "absent.vcf.gz")], "absent.vcf.gz"),
             "not found"),
        Case("vcf-is-a-folder", "vcf", _folder_vcf, "directory"),
        Case("vcf-hpo-bad-syntax", "vcf", lambda tmp: (["interpret", str(VCF38), "--hpo", "HP:XYZ"], "HP:XYZ"),
             "not an HPO term"),
        Case("vcf-hpo-six-digits", "vcf", lambda tmp: (["interpret", str(VCF38), "--hpo", "HP:000735"],
                                                        "HP:000735"), "not an HPO term"),
    ]
    cases += index_cases() + bcf_cases()
    return cases


def _bgz_bytes(text: str) -> bytes:
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        return bgzip(text, Path(d) / "x.vcf.gz").read_bytes()


def _dup_sample(text: str) -> str:
    lines = []
    for line in text.splitlines():
        if line.startswith("#CHROM"):
            line = line + "\tNA12878"
        elif not line.startswith("#"):
            line = line + "\t" + line.split("\t")[9]
        lines.append(line)
    return "\n".join(lines) + "\n"


def _end_before_pos(cols: list[str]) -> list[str]:
    if "END=" not in cols[7]:
        return cols
    return set_info("END", str(max(1, int(cols[1]) - 5)))(cols)


def _folder_vcf(tmp: Path) -> tuple[list[str], str]:
    folder = tmp / "calls.vcf.gz"
    folder.mkdir()
    return ["interpret", str(folder)], "calls.vcf.gz"


def _indexed_copy(tmp: Path, source: Path = VCF38, name: str = "patient.vcf.gz") -> Path:
    vcf = tmp / name
    shutil.copy(source, vcf)
    return vcf


def _changed_copy(tmp: Path, name: str = "patient.vcf.gz") -> Path:
    """VCF38 rewritten after it was indexed (a longer header: every record moves), so VCF38's own index
    no longer matches it. An index that is merely older but right is checked and used (issue 20)."""
    with gzip.open(VCF38, "rt") as handle:
        lines = handle.read().splitlines()
    lines[1:1] = [f"##charcot_test_padding={'N' * 200}"] * 300
    plain = tmp / "changed.vcf"
    plain.write_text("\n".join(lines) + "\n")
    vcf = tmp / name
    pysam.tabix_compress(str(plain), str(vcf), force=True)
    plain.unlink()
    return vcf


def _index_case(id: str, index_bytes: Callable[[Path], bytes], expect: str, suffix: str = ".tbi",
                older: bool = False) -> Case:
    def make(tmp: Path) -> tuple[list[str], str]:
        vcf = _changed_copy(tmp) if older else _indexed_copy(tmp)
        index = Path(str(vcf) + suffix)
        index.write_bytes(index_bytes(tmp))
        if older:
            st = vcf.stat()
            os.utime(index, ns=(st.st_atime_ns, st.st_mtime_ns - 5 * 10**9))
        else:
            st = index.stat()
            os.utime(vcf, ns=(st.st_atime_ns, st.st_mtime_ns - 10**9))
        return ["interpret", str(vcf)], index.name
    return Case(id, "index", make, expect)


def _csi_of(source: Path) -> Callable[[Path], bytes]:
    def build(tmp: Path) -> bytes:
        other = tmp / "other" / source.name
        other.parent.mkdir(exist_ok=True)
        shutil.copy(source, other)
        pysam.tabix_index(str(other), preset="vcf", csi=True, force=True, keep_original=True)
        data = Path(str(other) + ".csi").read_bytes()
        shutil.rmtree(other.parent)
        return data
    return build


def _cohort_foreign_index(tmp: Path) -> tuple[list[str], str]:
    cohort = DATA / "population" / "synthetic300.vcf.gz"
    vcf = tmp / "cohort.vcf.gz"
    shutil.copy(cohort, vcf)
    shutil.copy(DATA / "population" / "cyvcf2_test.189samples.vcf.gz.tbi", Path(str(vcf) + ".tbi"))
    return ["cohort", "burden", str(vcf), "--phenotypes", str(DATA / "population" / "synthetic300.pheno.tsv"),
            "--outdir", str(tmp / "report")], "cohort.vcf.gz.tbi"


def _report_index(older: bool) -> Callable[[Path], tuple[list[str], str]]:
    def make(tmp: Path) -> tuple[list[str], str]:
        vcf = _changed_copy(tmp) if older else _indexed_copy(tmp)
        index = Path(str(vcf) + ".tbi")
        shutil.copy(Path(str(VCF38 if older else VCF37) + ".tbi"), index)
        st = vcf.stat()
        os.utime(index, ns=(st.st_atime_ns, st.st_mtime_ns + (-5 if older else 5) * 10**9))
        return ["report", "--vcf", str(vcf), "--no-pdf", "--outdir", str(tmp / "report")], index.name
    return make


def index_cases() -> list[Case]:
    own = Path(str(VCF38) + ".tbi")
    foreign = Path(str(VCF37) + ".tbi")
    return [
        Case("index-report-foreign", "index", _report_index(older=False), "does not belong to this file"),
        Case("index-report-older", "index", _report_index(older=True), "older than the data"),
        Case("index-cohort-foreign", "index", _cohort_foreign_index, "does not belong to this file"),
        _index_case("index-foreign-tbi", lambda tmp: foreign.read_bytes(), "does not belong to this file"),
        _index_case("index-foreign-csi", _csi_of(VCF37), "does not belong to this file", suffix=".csi"),
        _index_case("index-older-than-data", lambda tmp: own.read_bytes(), "older than the data", older=True),
        _index_case("index-garbage", lambda tmp: bytes(range(256)) * 4, "index"),
        _index_case("index-empty", lambda tmp: b"", "index"),
        _index_case("index-truncated", lambda tmp: own.read_bytes()[: len(own.read_bytes()) // 2], "index"),
        _index_case("index-bitflip", lambda tmp: flip(own.read_bytes(), 0.5), "index"),
    ]


def _bcf_bytes(tmp: Path) -> bytes:
    out = tmp / "conv.bcf"
    with pysam.VariantFile(str(VCF38)) as src, pysam.VariantFile(str(out), "wb", header=src.header) as dst:
        for rec in src:
            dst.write(rec)
    data = out.read_bytes()
    out.unlink()
    return data


def _bcf_case(id: str, mutate: Callable[[bytes], bytes], expect: str) -> Case:
    def make(tmp: Path) -> tuple[list[str], str]:
        path = tmp / "patient.bcf"
        path.write_bytes(mutate(_bcf_bytes(tmp)))
        return ["interpret", str(path)], "patient.bcf"
    return Case(id, "bcf", make, expect)


def bcf_cases() -> list[Case]:
    return [
        _bcf_case("bcf-truncated", lambda b: b[: len(b) // 2], "truncated or corrupt"),
        _bcf_case("bcf-bitflip-early", lambda b: flip(b, 0.2), "truncated or corrupt"),
        _bcf_case("bcf-bitflip-late", lambda b: flip(b, 0.8), "truncated or corrupt"),
        _bcf_case("bcf-half-block", lambda b: b[: len(b) - 100], "truncated or corrupt"),
    ]


# --- repeat callers --------------------------------------------------------------------------------

REPEATS = ["repeats", "{f}"]


def _at_locus(src: Path, place: Callable[[list[str]], None], fields: dict[str, str]) -> str:
    """The real header and first record of ``src`` (GangSTR, HipSTR or LongTR test data), the record moved
    onto a catalogued locus by ``place`` (chrom, POS, REF, INFO) and its first sample's FORMAT ``fields`` set:
    only catalogued loci are interpreted, so a bad value elsewhere would never be read."""
    lines = text_of(src).splitlines()
    header = [line for line in lines if line.startswith("#")]
    cols = next(line for line in lines if line and not line.startswith("#")).split("\t")
    place(cols)
    keys = cols[8].split(":")
    values = cols[9].split(":") + ["."] * max(0, len(keys) - len(cols[9].split(":")))
    for key, value in fields.items():
        values[keys.index(key)] = value
    cols[9] = ":".join(values)
    return "\n".join([*header, "\t".join(cols)]) + "\n"


def _gangstr_c9_grch37(cols: list[str]) -> None:
    # GangSTR: POS..END is the repeat itself (1-based): C9orf72 GRCh37 27573527-27573544
    cols[0], cols[1], cols[3] = "chr9", "27573527", "ggccccggccccggcccc"
    cols[7] = "END=27573544;RU=ggcccc;PERIOD=6;REF=3;GRID=1,5;STUTTERUP=0.05;STUTTERDOWN=0.05;STUTTERP=0.9;EXPTHRESH=-1"


def _hipstr_atxn2_grch37(cols: list[str]) -> None:
    # HipSTR: INFO START..END is the repeat (1-based inclusive): ATXN2 GRCh37 112036754-112036822
    cols[0], cols[1], cols[7] = "chr12", "112036754", "START=112036754;END=112036822;PERIOD=3"


def _longtr_atxn2_grch38(cols: list[str]) -> None:
    # LongTR writes HipSTR's fields: ATXN2 GRCh38 111598950-111599018
    cols[0], cols[1], cols[7] = "chr12", "111598950", "START=111598950;END=111599018;PERIOD=3"


def str_locus_value_cases() -> list[Case]:
    """Impossible values of GangSTR (REPCN, REPCI), HipSTR and LongTR (GB) at a catalogued locus."""
    gangstr = ["--sample", "NA12878", "--build", "GRCh37"]
    mutations: list[tuple[str, Path, Callable[[list[str]], None], dict[str, str], list[str], str]] = [
        ("gangstr-repcn-negative", GANGSTR_PLAIN, _gangstr_c9_grch37, {"GT": "0/1", "REPCN": "-3,-3",
                                                                       "REPCI": "-3--3,-3--3"}, gangstr,
         "is negative"),
        ("gangstr-repcn-huge", GANGSTR_PLAIN, _gangstr_c9_grch37, {"GT": "0/1", "REPCN": "3,999999",
                                                                   "REPCI": "3-3,999990-999999"}, gangstr,
         "beyond any plausible length"),
        ("gangstr-repci-excludes-call", GANGSTR_PLAIN, _gangstr_c9_grch37, {"GT": "0/1", "REPCN": "3,8",
                                                                            "REPCI": "3-3,50-60"}, gangstr,
         "does not contain the call"),
        ("gangstr-repci-reversed", GANGSTR_PLAIN, _gangstr_c9_grch37, {"GT": "0/1", "REPCN": "3,8",
                                                                       "REPCI": "3-3,9-1"}, gangstr,
         "does not contain the call"),
        ("gangstr-repcn-text", GANGSTR_PLAIN, _gangstr_c9_grch37, {"GT": "0/1", "REPCN": "three,8"}, gangstr,
         "cannot read the GangSTR fields"),
        ("hipstr-gb-negative-length", HIPSTR, _hipstr_atxn2_grch37, {"GT": "0|1", "GB": "0|-300"},
         ["--sample", "NA12878"], "is negative"),
        ("hipstr-gb-huge", HIPSTR, _hipstr_atxn2_grch37, {"GT": "0|1", "GB": "0|99999999"},
         ["--sample", "NA12878"], "beyond any plausible length"),
        ("hipstr-gb-text", HIPSTR, _hipstr_atxn2_grch37, {"GT": "0|1", "GB": "0|long"},
         ["--sample", "NA12878"], "cannot read the HipSTR fields"),
        ("longtr-gb-negative-length", LONGTR, _longtr_atxn2_grch38, {"GT": "0|1", "GB": "0|-300"}, [],
         "is negative"),
        ("longtr-gb-huge", LONGTR, _longtr_atxn2_grch38, {"GT": "0|1", "GB": "0|99999999"}, [],
         "beyond any plausible length"),
        ("longtr-gb-text", LONGTR, _longtr_atxn2_grch38, {"GT": "0|1", "GB": "x|y"}, [],
         "cannot read the LongTR fields"),
    ]
    return [file_case(f"str-{name}", "str", REPEATS, f"{name.split('-')[0]}.vcf",
                      (lambda src=src, place=place, fields=fields: _at_locus(src, place, fields)), expect,
                      extra=extra)
            for name, src, place, fields, extra, expect in mutations]


def str_cases() -> list[Case]:
    cases: list[Case] = []
    value_mutations = [
        ("eh", EH, "REPCN", "-3/-3", "is negative"),
        ("eh", EH, "REPCN", "999999/2", "beyond any plausible length"),
        ("eh", EH, "REPCI", "50-60/50-60", "does not contain the call"),
        ("eh", EH, "REPCI", "9-1/9-1", "does not contain the call"),
        ("eh", EH, "REPCN", "abc/2", "cannot read the ExpansionHunter fields"),
        ("eh5", EH5, "REPCN", "-1/2", "is negative"),
        ("eh5", EH5, "REPCI", "100-200/2-2", "does not contain the call"),
        ("trgt", TRGT, "MC", "-5,-5", "is negative"),
        ("trgt", TRGT, "MC", "30000,2", "beyond any plausible length"),
        ("trgt", TRGT, "AL", "1,1", "cannot hold the motif count"),
        ("trgt", TRGT, "MC", "x,y", "cannot read the TRGT fields"),
    ]
    for k, (caller, src, key, value, expect) in enumerate(value_mutations):
        name = f"{caller}.vcf"
        cases.append(file_case(f"str-{caller}-{key.lower()}-{k}", "str", REPEATS, name,
                               (lambda src=src, key=key, value=value: map_records(text_of(src),
                                                                                 set_format(key, value))), expect))
    structural = [("eh", EH), ("eh-gz", EH_GZ), ("trgt", TRGT), ("trgt-plain", TRGT_PLAIN), ("gangstr", GANGSTR),
                  ("gangstr-plain", GANGSTR_PLAIN), ("hipstr", HIPSTR), ("longtr", LONGTR), ("eh5", EH5)]
    for caller, src in structural:
        suffix = ".vcf.gz" if src.suffix == ".gz" else ".vcf"
        name = f"{caller}{suffix}"
        cases += [
            file_case(f"str-{caller}-empty", "str", REPEATS, name, lambda: b"", "empty"),
            file_case(f"str-{caller}-no-chrom-line", "str", REPEATS, f"{caller}.vcf",
                      (lambda src=src: "".join(x + "\n" for x in text_of(src).splitlines()
                                               if x.startswith("##"))), "#CHROM"),
            file_case(f"str-{caller}-binary", "str", REPEATS, f"{caller}.vcf", lambda: bytes(range(256)) * 8,
                      "not"),
        ]
        if suffix == ".vcf.gz":
            cases += [
                file_case(f"str-{caller}-truncated-gz", "str", REPEATS, name,
                          (lambda src=src: src.read_bytes()[: src.stat().st_size // 2]), "truncated or corrupt"),
                file_case(f"str-{caller}-bitflip", "str", REPEATS, name,
                          (lambda src=src: flip(src.read_bytes(), 0.5)), "truncated or corrupt"),
            ]
    cases += [
        file_case("str-stranger-multisample", "str", REPEATS, "stranger.vcf.gz", STRANGER.read_bytes,
                  "--sample"),
        file_case("str-stranger-unknown-sample", "str", REPEATS, "stranger.vcf.gz", STRANGER.read_bytes,
                  "NOBODY", extra=["--sample", "NOBODY"]),
        file_case("str-eh-json-invalid", "str", REPEATS, "eh.json", lambda: EH_JSON.read_text()[:-40],
                  "not valid JSON"),
        file_case("str-eh-json-duplicate-key", "str", REPEATS, "eh.json",
                  lambda: EH_JSON.read_text().replace("{", '{"LocusResults": {}, ', 1), "appears twice"),
        file_case("str-eh-json-deep", "str", REPEATS, "eh.json",
                  lambda: '{"LocusResults": ' + "[" * 5000 + "]" * 5000 + "}", "nested"),
        file_case("str-eh-json-nan", "str", REPEATS, "eh.json",
                  lambda: EH_JSON.read_text().replace("{", '{"x": NaN, ', 1), "NaN"),
        file_case("str-eh-json-not-eh", "str", REPEATS, "eh.json", lambda: '{"hello": 1}', "LocusResults"),
        file_case("str-eh-json-loci-list", "str", REPEATS, "eh.json", lambda: '{"LocusResults": [1, 2]}',
                  "LocusResults"),
        file_case("str-eh-json-negative-size", "str", REPEATS, "eh.json",
                  lambda: _eh_json_genotype("-3/2", None), "is negative"),
        file_case("str-eh-json-size-alpha", "str", REPEATS, "eh.json",
                  lambda: _eh_json_genotype("abc/2", None), "is not a pair of repeat sizes"),
        file_case("str-eh-json-ci-excludes", "str", REPEATS, "eh.json",
                  lambda: _eh_json_genotype(None, "50-60/50-60"), "does not contain the call"),
        file_case("str-eh-json-empty", "str", REPEATS, "eh.json", lambda: "", "empty"),
        file_case("str-eh-json-gzipped", "str", REPEATS, "eh.json", lambda: gzip.compress(EH_JSON.read_bytes()),
                  "gzip"),
    ]
    return cases


def _eh_json_genotype(genotype: str | None, ci: str | None) -> str:
    """The real ExpansionHunter JSON with every repeat call's Genotype and/or CI replaced."""
    data = json.loads(EH_JSON.read_text())
    for locus in data["LocusResults"].values():
        for variant in (locus.get("Variants") or {}).values():
            if variant.get("VariantType") == "Repeat" and variant.get("Genotype"):
                if genotype is not None:
                    variant["Genotype"] = genotype
                if ci is not None:
                    variant["GenotypeConfidenceInterval"] = ci
    return json.dumps(data)


# --- pedigrees and ages ------------------------------------------------------------------------------

RISK = ["risk", "{f}", "--gene", "SOD1"]


def _ped_line(index: int, column: int, value: str) -> Callable[[], str]:
    def build() -> str:
        lines = PED.read_text().splitlines()
        data = [i for i, x in enumerate(lines) if x.strip() and not x.startswith("#")]
        cols = lines[data[index]].split("\t")
        cols[column] = value
        lines[data[index]] = "\t".join(cols)
        return "\n".join(lines) + "\n"
    return build


def ped_cases() -> list[Case]:
    ped = PED.read_text
    first = ped().splitlines()[0]
    cases = [
        file_case("ped-sex-x", "ped", RISK, "family.ped", _ped_line(0, 4, "x"), "sex code 'x'"),
        file_case("ped-sex-7", "ped", RISK, "family.ped", _ped_line(1, 4, "7"), "sex code '7'"),
        file_case("ped-sex-3", "ped", RISK, "family.ped", _ped_line(2, 4, "3"), "sex code '3'"),
        file_case("ped-phenotype-7", "ped", RISK, "family.ped", _ped_line(0, 5, "7"), "phenotype code '7'"),
        file_case("ped-phenotype-x", "ped", RISK, "family.ped", _ped_line(1, 5, "x"), "phenotype code 'x'"),
        file_case("ped-phenotype-quantitative", "ped", RISK, "family.ped", _ped_line(2, 5, "3.7"),
                  "phenotype code '3.7'"),
        file_case("ped-gzipped", "ped", RISK, "family.ped", lambda: gzip.compress(ped().encode()), "gzip"),
        file_case("ped-utf16", "ped", RISK, "family.ped", lambda: ped().encode("utf-16"), "UTF-16"),
        file_case("ped-latin1", "ped", RISK, "family.ped", lambda: ped().encode() + "FAM\tJos\xe9".encode("latin-1"),
                  "not UTF-8"),
        file_case("ped-duplicate-individual", "ped", RISK, "family.ped", lambda: ped() + first + "\n",
                  "appears twice"),
        file_case("ped-own-parent", "ped", RISK, "family.ped", _ped_line(2, 2, "CH"), "their own parent"),
        file_case("ped-father-female", "ped", RISK, "family.ped", _ped_line(2, 2, "GM"), "is the father"),
        file_case("ped-one-parent", "ped", RISK, "family.ped", _ped_line(2, 3, "0"), "the other is missing"),
        file_case("ped-absent-parent", "ped", RISK, "family.ped", _ped_line(2, 2, "NOBODY"), "not an individual"),
        file_case("ped-five-columns", "ped", RISK, "family.ped",
                  lambda: "\n".join("\t".join(x.split("\t")[:5]) for x in ped().splitlines()) + "\n",
                  "at least 6 columns"),
        file_case("ped-empty", "ped", RISK, "family.ped", lambda: "", "empty"),
        file_case("ped-only-comments", "ped", RISK, "family.ped", lambda: "# nothing\n", "no individuals"),
        file_case("ped-missing-id", "ped", RISK, "family.ped", _ped_line(0, 1, "0"), "not allowed"),
        Case("ped-missing-file", "ped", lambda tmp: (["risk", str(tmp / "absent.ped"), "--gene", "SOD1"],
                                                     "absent.ped"), "not found"),
        Case("ped-is-folder", "ped", _folder("family.ped", RISK), "folder"),
        file_case("family-json-duplicate-key", "ped", RISK, "family.json",
                  lambda: '{"id": "f", "id": "g", "pedigree": {"persons": []}}', "appears twice"),
        file_case("family-json-deep", "ped", RISK, "family.json", lambda: "[" * 3000 + "]" * 3000, "nested"),
        file_case("family-json-invalid", "ped", RISK, "family.json", lambda: '{"pedigree": ', "not valid JSON"),
    ]
    ages_rows = [
        ("ages-age-alpha", "CH\tabc\tunaffected\t", "is not a number"),
        ("ages-age-150", "CH\t150\tunaffected\t", "outside 0"),
        ("ages-age-negative", "CH\t-4\tunaffected\t", "outside 0"),
        ("ages-unknown-id", "NOBODY\t40\tunaffected\t", "not in the pedigree"),
        ("ages-status-bad", "CH\t40\tmaybe\t", "status 'maybe'"),
        ("ages-test-bad", "CH\t40\tunaffected\tpositive-ish", "test 'positive-ish'"),
    ]

    def ages_with(row: str) -> str:
        return "id\tage\tstatus\ttest\n" + row + "\n"

    cases += [Case(n, "ages", _ages_case(lambda row=row: ages_with(row)), e) for n, row, e in ages_rows]
    cases += [
        Case("ages-duplicate-id", "ages", _ages_case(lambda: AGES.read_text() + AGES.read_text().splitlines()[1] + "\n"),
             "listed twice"),
        Case("ages-onset-after-age", "ages",
             _ages_case(lambda: "id\tage\tstatus\tonset_age\nCH\t40\taffected\t60\n"), "after the current age"),
        Case("ages-no-age-column", "ages", _ages_case(lambda: "id\tyears\nCH\t40\n"), "'id' and 'age'"),
        Case("ages-empty", "ages", _ages_case(lambda: ""), "empty"),
        Case("ages-gzipped", "ages", _ages_case(lambda: gzip.compress(AGES.read_bytes())), "gzip"),
        Case("ages-deceased-bad", "ages", _ages_case(lambda: "id\tage\tdeceased\nCH\t70\tmaybe\n"), "deceased"),
    ]
    return cases


def _folder(name: str, command: list[str]) -> Callable[[Path], tuple[list[str], str]]:
    def make(tmp: Path) -> tuple[list[str], str]:
        folder = tmp / name
        folder.mkdir()
        return [str(folder) if a == "{f}" else a for a in command], name
    return make


def _ages_case(content: Callable[[], str | bytes]) -> Callable[[Path], tuple[list[str], str]]:
    def make(tmp: Path) -> tuple[list[str], str]:
        ages = tmp / "ages.tsv"
        data = content()
        if isinstance(data, str):
            ages.write_text(data)
        else:
            ages.write_bytes(data)
        return ["risk", str(PED), "--gene", "SOD1", "--ages", str(ages)], "ages.tsv"
    return make


# --- clinical records, phenopackets, claims, patient facts -------------------------------------------------

CLINICAL = ["clinical", "{f}"]
CLAIMCHECK = ["claim", "check", "{f}"]
THERAPIES = ["therapies", "{f}"]


def _replace(source: Path, old: str, new: str, count: int = 1) -> Callable[[], str]:
    def build() -> str:
        text = source.read_text()
        assert old in text, (source, old)
        return text.replace(old, new, count)
    return build


def structured_cases(prefix: str, command: list[str], source: Path, kind: str) -> list[Case]:
    """The hostile-YAML set, applied to one kind of YAML input."""
    text = source.read_text
    first_key_line = next(x for x in text().splitlines() if x and not x.startswith("#") and not x.startswith(" "))
    deep = "x: " + "[" * 5000 + "]" * 5000 + "\n"
    return [
        file_case(f"{prefix}-duplicate-key", kind, command, "input.yaml", lambda: text() + first_key_line + "\n",
                  "appears twice"),
        file_case(f"{prefix}-deep-nesting", kind, command, "input.yaml", lambda: text() + deep, "nested"),
        file_case(f"{prefix}-alias", kind, command, "input.yaml", lambda: "a: &x 1\nb: *x\n" + text(), "aliases"),
        file_case(f"{prefix}-tab-indent", kind, command, "input.yaml", lambda: "a:\n\t- 1\n" + text(),
                  "not valid YAML"),
        file_case(f"{prefix}-unclosed-quote", kind, command, "input.yaml", lambda: 'a: "open\n' + text(),
                  "not valid YAML"),
        file_case(f"{prefix}-top-level-list", kind, command, "input.yaml", lambda: "- 1\n- 2\n", "mapping"),
        file_case(f"{prefix}-empty", kind, command, "input.yaml", lambda: "", "empty"),
        file_case(f"{prefix}-gzipped", kind, command, "input.yaml", lambda: gzip.compress(text().encode()), "gzip"),
        file_case(f"{prefix}-utf16", kind, command, "input.yaml", lambda: text().encode("utf-16"), "UTF-16"),
        file_case(f"{prefix}-invalid-date", kind, command, "input.yaml", lambda: "when: 2026-13-45\n" + text(),
                  "2026-13-45"),
        file_case(f"{prefix}-json-duplicate-key", kind, command, "input.json",
                  lambda: json.dumps({"a": 1})[:-1] + ', "a": 2}', "appears twice"),
        file_case(f"{prefix}-json-deep", kind, command, "input.json", lambda: "[" * 5000 + "]" * 5000, "nested"),
        file_case(f"{prefix}-json-nan", kind, command, "input.json", lambda: '{"a": NaN}', "NaN"),
        file_case(f"{prefix}-json-trailing-comma", kind, command, "input.json", lambda: '{"a": 1,}',
                  "not valid JSON"),
        Case(f"{prefix}-missing-file", kind,
             lambda tmp: ([str(tmp / "absent.yaml") if a == "{f}" else a for a in command], "absent.yaml"),
             "not found"),
    ]


def clinical_cases() -> list[Case]:
    cases = structured_cases("case", CLINICAL, CASE, "case")
    cases += [
        file_case("case-invalid-month", "case", CLINICAL, "case.yaml",
                  _replace(CASE, "date_of_birth: 1961-03-02", "date_of_birth: 2026-13-45"), "2026-13-45"),
        file_case("case-invalid-day", "case", CLINICAL, "case.yaml",
                  _replace(CASE, "- date: 2024-11-05", "- date: 2024-02-30"), "2024-02-30"),
        file_case("case-future-visit", "case", CLINICAL, "case.yaml",
                  _replace(CASE, "- date: 2025-08-26", "- date: 2099-08-26"), "in the future"),
        file_case("case-future-death", "case", CLINICAL, "case.yaml",
                  lambda: CASE.read_text() + "death_date: 2099-03-02\n", "in the future"),
        file_case("case-onset-after-visit", "case", CLINICAL, "case.yaml",
                  _replace(CASE, "date: 2024-02          #", "date: 2025-03-01  #"), "before symptom onset"),
        file_case("case-duplicate-sex", "case", CLINICAL, "case.yaml",
                  _replace(CASE, "sex: male\n", "sex: male\nsex: female\n"), "'sex' appears twice"),
        file_case("case-bad-hpo", "case", CLINICAL, "case.yaml", lambda: CASE.read_text() + "hpo_terms: [HP:XYZ]\n",
                  "HP:XYZ"),
        file_case("case-alsfrs-item-5", "case", CLINICAL, "case.yaml", _replace(CASE, "q1: 4", "q1: 5"), "q1"),
        file_case("case-unknown-field", "case", CLINICAL, "case.yaml", lambda: CASE.read_text() + "favourite: 1\n",
                  "favourite"),
    ]
    packet = PACKET.read_text

    def packet_edit(fn: Callable[[dict[str, object]], None]) -> Callable[[], str]:
        def build() -> str:
            data = json.loads(packet())
            fn(data)
            return json.dumps(data, indent=1)
        return build

    def bad_hpo(d: dict[str, object]) -> None:
        d["phenotypicFeatures"] = [{"type": {"id": "HP:XYZ", "label": "nonsense"}}]

    def bad_time(d: dict[str, object]) -> None:
        d["subject"]["dateOfBirth"] = "1958-19-40T00:00:00Z"  # type: ignore[index]

    def unknown_field(d: dict[str, object]) -> None:
        d["subject"]["favouriteColour"] = "blue"  # type: ignore[index]

    def no_disease(d: dict[str, object]) -> None:
        d["diseases"] = []

    cases += [
        file_case("packet-duplicate-sex", "phenopacket", CLINICAL, "packet.json",
                  lambda: packet().replace('"sex": "FEMALE"', '"sex": "FEMALE", "sex": "MALE"', 1), "'sex' appears twice"),
        file_case("packet-bad-hpo", "phenopacket", CLINICAL, "packet.json", packet_edit(bad_hpo), "HP:XYZ"),
        file_case("packet-bad-timestamp", "phenopacket", CLINICAL, "packet.json", packet_edit(bad_time), "1958-19-40"),
        file_case("packet-unknown-field", "phenopacket", CLINICAL, "packet.json", packet_edit(unknown_field),
                  "favouriteColour"),
        file_case("packet-no-disease", "phenopacket", CLINICAL, "packet.json", packet_edit(no_disease), "disease"),
        file_case("packet-truncated", "phenopacket", CLINICAL, "packet.json", lambda: packet()[: len(packet()) // 2],
                  "not valid JSON"),
        file_case("packet-deep", "phenopacket", CLINICAL, "packet.json",
                  lambda: packet().replace("{", '{"x": ' + "[" * 3000 + "]" * 3000 + ", ", 1), "nested"),
        file_case("packet-bom-duplicate", "phenopacket", CLINICAL, "packet.json",
                  lambda: "\ufeff" + packet().replace('"sex": "FEMALE"', '"sex": "FEMALE", "sex": "MALE"', 1),
                  "appears twice"),
        Case("report-packet-bad-hpo", "phenopacket", _report_packet(bad_hpo), "HP:XYZ"),
        Case("report-packet-duplicate-key", "phenopacket", _report_packet_text(
            lambda: packet().replace('"sex": "FEMALE"', '"sex": "FEMALE", "sex": "MALE"', 1)), "appears twice"),
    ]
    cases += structured_cases("claim", CLAIMCHECK, CLAIM, "claim")
    cases += [
        file_case("claim-negative-n", "claim", CLAIMCHECK, "claim.yaml", _replace(CLAIM, "n: 200", "n: -200"), "n"),
        file_case("claim-missing-text", "claim", CLAIMCHECK, "claim.yaml",
                  lambda: "\n".join(x for x in CLAIM.read_text().splitlines() if not x.startswith("text:")) + "\n",
                  "text"),
        file_case("claim-bad-design", "claim", CLAIMCHECK, "claim.yaml", _replace(CLAIM, "design: rct", "design: magic"),
                  "design"),
    ]
    cases += structured_cases("facts", THERAPIES, FACTS, "facts")
    cases += [
        file_case("facts-unknown-field", "facts", THERAPIES, "facts.yaml", lambda: FACTS.read_text() + "colour: 1\n",
                  "colour"),
        file_case("facts-alsfrs-over-48", "facts", THERAPIES, "facts.yaml", _replace(FACTS, "alsfrs_r: 40", "alsfrs_r: 60"),
                  "alsfrs_r"),
    ]
    return cases


def _report_packet(fn: Callable[[dict[str, object]], None]) -> Callable[[Path], tuple[list[str], str]]:
    def make(tmp: Path) -> tuple[list[str], str]:
        data = json.loads(PACKET.read_text())
        fn(data)
        path = tmp / "packet.json"
        path.write_text(json.dumps(data))
        return ["report", "--vcf", str(VCF38), "--phenopacket", str(path), "--no-pdf", "--outdir",
                str(tmp / "report")], "packet.json"
    return make


def _report_packet_text(content: Callable[[], str]) -> Callable[[Path], tuple[list[str], str]]:
    def make(tmp: Path) -> tuple[list[str], str]:
        path = tmp / "packet.json"
        path.write_text(content())
        return ["report", "--vcf", str(VCF38), "--phenopacket", str(path), "--no-pdf", "--outdir",
                str(tmp / "report")], "packet.json"
    return make


# --- resources --------------------------------------------------------------------------------------------


def resource_cases() -> list[Case]:
    cases: list[Case] = []
    for option in ("--clinvar", "--gnomad"):
        name = option.strip("-")
        variants: list[tuple[str, Callable[[], bytes | str], str]] = [
            ("not-a-vcf", lambda: "hello\n", "not"),
            ("empty", lambda: b"", "empty"),
            ("truncated", lambda: VCF37.read_bytes()[: VCF37.stat().st_size // 2], "truncated or corrupt"),
            ("bitflip", lambda: flip(VCF37.read_bytes(), 0.5), "corrupt"),
        ]
        for label, content, expect in variants:
            cases.append(Case(f"resource-{name}-{label}", "resource",
                              _resource(option, f"{name}.vcf.gz", content), expect))
        cases.append(Case(f"resource-{name}-missing", "resource",
                          lambda tmp, option=option, name=name: (
                              ["interpret", str(VCF38), option, str(tmp / f"{name}.vcf.gz")], f"{name}.vcf.gz"),
                          "not found"))
    return cases


def _resource(option: str, name: str, content: Callable[[], bytes | str]) -> Callable[[Path], tuple[list[str], str]]:
    """A damaged resource beside a real (and newer) index, so the damage itself is reached."""
    def make(tmp: Path) -> tuple[list[str], str]:
        path = tmp / name
        data = content()
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        index = Path(str(path) + ".tbi")
        shutil.copy(Path(str(VCF37) + ".tbi"), index)
        st = index.stat()
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - 10**9))
        return ["interpret", str(VCF38), option, str(path)], name
    return make


def all_cases() -> list[Case]:
    return vcf_cases() + str_cases() + str_locus_value_cases() + ped_cases() + clinical_cases() + resource_cases()
