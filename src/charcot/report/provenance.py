"""The provenance a report carries, in the words every export states it (Phenopacket MetaData, the FHIR
Provenance resource): software, knowledge base, resources and each input file's identity, as the HTML/PDF report's
header and provenance table give them. Nothing here computes a digest: the report's own are used."""

from __future__ import annotations

from dataclasses import dataclass

from charcot.model import InputFile
from charcot.report.model import Report

# the report's name for the HPO release its terms were checked against (report.build, the phenopacket's "hp")
HPO_RESOURCE = "Human Phenotype Ontology"
# known resources: (Phenopacket id, namespace prefix, URL, IRI prefix[, the name the export gives])
KNOWN_RESOURCES: dict[str, tuple[str, ...]] = {
    "charcot knowledge base": ("charcot-kb", "charcot", "https://github.com/charcot", "charcot:",
                               "charcot ALS knowledge base"),
    "ClinVar": ("clinvar", "ClinVar", "https://www.ncbi.nlm.nih.gov/clinvar/",
                "https://www.ncbi.nlm.nih.gov/clinvar/variation/"),
    "gnomAD": ("gnomad", "gnomAD", "https://gnomad.broadinstitute.org/", "https://gnomad.broadinstitute.org/variant/"),
    "gnomAD coverage summary": ("gnomad-coverage", "gnomAD.coverage", "https://gnomad.broadinstitute.org/downloads",
                                "https://gnomad.broadinstitute.org/downloads#"),
    "resource bundle": ("charcot-resource-bundle", "charcot.bundle", "https://github.com/charcot", "charcot.bundle:"),
    # the phenopacket's "hp" resource (its version the report's release, else "unspecified": no HPO term was given)
    HPO_RESOURCE: ("hp", "HP", "http://purl.obolibrary.org/obo/hp.owl", "http://purl.obolibrary.org/obo/HP_",
                   "human phenotype ontology"),
}


def role_words(role: str) -> str:
    from charcot.report.render_html import INPUT_ROLES

    return INPUT_ROLES.get(role, role.replace("_", " "))


def checksum_words(i: InputFile) -> str:
    return "SHA-256 of the whole file" if i.checksum_method == "sha256" else \
        f"{i.checksum_method}: sampled, not a full checksum"


def input_description(i: InputFile) -> str:
    """One input file as the report's provenance table gives it: role, name, size, digest kind, release."""
    size = f", {i.size_bytes:,} bytes" if i.size_bytes is not None else ""
    release = f", release {i.release}" if i.release else ""
    return f"input {role_words(i.role)}: {i.path}{size}{release} ({checksum_words(i)})"


def input_id(i: InputFile) -> str:
    """The digest as a CURIE-like id: 'sha256:…' for a whole-file digest, 'sha256-sampled:…' otherwise."""
    return f"{i.checksum_method}:{i.sha256}"


@dataclass(frozen=True)
class Software:
    name: str
    version: str
    knowledge: str  # knowledge base version and snapshot date, in words


def software(report: Report) -> Software:
    h = report.header
    return Software(name=h.software, version=h.software_version,
                    knowledge=f"{h.knowledge_version} (snapshot {h.knowledge_snapshot.isoformat()})")


def report_description(report: Report) -> str:
    """What the report is and the statement it carries, in one sentence (the exports' provenance note)."""
    s = software(report)
    return (f"{s.name} {s.version} report {report.header.report_id}, knowledge base {s.knowledge}, sign-off "
            f"{report.signoff.state}. {report.statement}")
