"""Report → one self-contained HTML file (inline CSS, plots as data: URIs, no external references).

Jinja2 autoescaping is on for every template: VCF INFO/ID fields, names and notes are user-supplied
and may carry markup.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

from charcot.report.model import RelativeRisk, Report

if TYPE_CHECKING:
    import jinja2

# The inputs table's roles (``InputFile.role``, machine words in report.json) in a reader's words
INPUT_ROLES = {"vcf": "small-variant VCF", "str_vcf": "repeat-caller file", "ped": "pedigree (PED)",
               "ages": "relatives' ages", "clinical": "clinical record", "phenopacket": "phenopacket",
               "clinvar": "ClinVar", "gnomad": "gnomAD", "gnomad_coverage": "gnomAD coverage summary",
               "resources": "resource bundle manifest"}


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("charcot.report", "templates"),
        autoescape=True,  # always, not only for .html: every string may come from a user's file
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pct"] = lambda v: "–" if v is None else f"{100 * float(v):.1f}%"
    env.filters["human"] = lambda v: str(v).replace("_", " ")
    # Jinja's 'capitalize' lowercases the rest ('VCF' -> 'vcf', 'X ploidy' -> 'x ploidy'): only the first letter
    env.filters["first_upper"] = lambda v: str(v)[:1].upper() + str(v)[1:]
    env.filters["input_role"] = lambda v: INPUT_ROLES.get(str(v), str(v).replace("_", " "))
    # a long 'what' (e.g. the 55 genes outside a requested panel) is named on page 1 by its head; the appendix has all
    env.filters["headline"] = lambda v: str(v).split(": ", 1)[0] if len(str(v)) > 120 else str(v)
    env.filters["linkify"] = linkify
    env.filters["gene_gap_groups"] = gene_gap_groups
    env.tests["gene_specific"] = _gene_specific
    env.filters["cite"] = cite
    env.filters["cite_text"] = cite_text
    env.filters["patient_risk"] = _patient_risk
    return env


def _patient_risk(own: RelativeRisk) -> str:
    """An unaffected patient's own risk of onset in page 1's words (the family section says the same sentence)."""
    from charcot.report.build import patient_risk_line

    return patient_risk_line(own)


# Public identifiers → their public pages. Applied to escaped text, so the patterns see no markup.
_LINKS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\bPMID:?\s?(\d{4,9})\b"), "https://pubmed.ncbi.nlm.nih.gov/{0}/"),
    (re.compile(r"\b(NCT\d{8})\b"), "https://clinicaltrials.gov/study/{0}"),
    (re.compile(r"\bVCV0*(\d{1,9})\b"), "https://www.ncbi.nlm.nih.gov/clinvar/variation/{0}/"),
    (re.compile(r"\b(HGNC:\d{1,6})\b"), "https://www.genenames.org/data/gene-symbol-report/#!/hgnc_id/{0}"),
]
_CITATION = re.compile(r"\[((?:S-[A-Za-z0-9_.-]+)(?:,\s*S-[A-Za-z0-9_.-]+)*)\]")


def gene_gap_groups(items: Iterable[Any]) -> list[tuple[str, list[str]]]:
    """Genes not assessed, grouped for page 1's alerts: (reason, gene names), sorted by reason. A gene alone in its
    kind keeps its own reason; several genes outside the span of the VCF's records share one line
    (variants.model.reason_kind), each gene's own sentence staying in What was not assessed."""
    from charcot.variants.model import reason_kind

    groups: dict[str, list[Any]] = {}
    for item in items:
        groups.setdefault(reason_kind(item.reason or ""), []).append(item)
    return sorted((kind if len(group) > 1 else (group[0].reason or ""), [i.name for i in group])
                  for kind, group in groups.items())


def _gene_specific(reason: str | None) -> bool:
    """Whether a gene's not-assessed reason is its own (names its coordinates) rather than one shared by many genes."""
    from charcot.variants.model import reason_kind

    return bool(reason) and reason_kind(reason or "") != reason


def linkify(text: object) -> Markup:
    """Escape ``text``, then link PMIDs, NCT numbers, ClinVar variation ids and HGNC ids to their pages."""
    out = str(escape(str(text)))
    for pattern, url in _LINKS:
        out = pattern.sub(_linker(url), out)
    return Markup(out)


def _linker(url: str) -> Callable[[re.Match[str]], str]:
    def repl(m: re.Match[str]) -> str:
        return f'<a href="{url.format(m.group(1))}">{m.group(0)}</a>'

    return repl


def cite(keys: object) -> Markup:
    """A list of bibliography keys as links to the reference list."""
    if not keys:
        return Markup("")
    links = [f'<a class="cite" href="#ref-{escape(k)}">{escape(k)}</a>' for k in keys]  # type: ignore[attr-defined]
    return Markup("[" + ", ".join(links) + "]")


def cite_text(text: object) -> Markup:
    """Link '[S-Key, S-Key]' citations inside a sentence to the reference list (the rest linkified)."""
    out = str(linkify(text))

    def repl(m: re.Match[str]) -> str:
        return str(cite([k.strip() for k in m.group(1).split(",")]))

    return Markup(_CITATION.sub(repl, out))


def render_html(report: Report, *, for_pdf: bool = False) -> str:
    return environment().get_template("report.html.j2").render(r=report, for_pdf=for_pdf)
