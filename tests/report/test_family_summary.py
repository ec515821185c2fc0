"""Page 1's family line counts only relatives to counsel, with the family table's own numbers.

Seen on the demo: the affected, deceased father was listed first ("DEMO-F 100%") among "untested relatives at
risk", the table said 99.9 %, and relatives at 0.0-0.1 % were counted as at risk."""

from __future__ import annotations

import re

from charcot.report.build import AT_RISK_MIN_CARRIER_PROBABILITY
from charcot.report.model import Report


def test_family_line_names_only_unaffected_untested_relatives_with_table_numbers(demo_report: Report) -> None:
    line = next(s.text for s in demo_report.summary if s.topic == "Family")
    table = {r.relative: r for r in demo_report.family.relatives_risk}
    named = re.findall(r"([A-Z0-9-]+) (\d+\.\d)%", line)
    assert named, line
    for relative, shown in named:
        r = table[relative]
        assert r.status != "affected" and r.tested in (None, "untested"), line
        assert shown == f"{100 * (r.carrier_probability or 0):.1f}", (relative, shown, r.carrier_probability)
    expected = [r for r in table.values() if r.status != "affected" and r.tested in (None, "untested")
                and (r.carrier_probability or 0) >= AT_RISK_MIN_CARRIER_PROBABILITY]
    assert line.startswith(f"{len(expected)} living, untested, unaffected relatives"), line
    affected = [r.relative for r in table.values() if r.status == "affected"]
    assert affected and not any(f"{a} " in line for a in affected)


def test_members_table_reads_the_status_the_risk_model_uses(demo_report: Report) -> None:
    """Seen on the demo: the appendix listed DEMO-S, DEMO-C1 and DEMO-C2 as 'unknown' (the PED column) while the
    risk table and page 1 called them unaffected (the ages file, which the risk model uses). One status per person."""
    members = {m.id: m for m in demo_report.family.members}
    for r in demo_report.family.relatives_risk:
        assert members[r.relative].affected == r.status, (r.relative, members[r.relative].affected, r.status)


def test_deceased_relatives_are_marked_in_both_family_tables(demo_report: Report) -> None:
    """The drawing marked the father as deceased; neither table did."""
    from charcot.report.render_html import render_html

    dead = [m for m in demo_report.family.members if m.deceased]
    assert dead, "the demo's ages file records a death"
    html = render_html(demo_report)
    for m in dead:
        assert m.death_age is not None
        row = re.search(rf"<tr><td>{re.escape(m.id)} <span class=\"small\">.*?</tr>", html, re.S)
        assert row and f"died at {m.death_age:g}" in row.group(0), m.id
        appendix_row = re.search(rf"<tr><td>{re.escape(m.id)}</td>.*?</tr>", html, re.S)
        assert appendix_row and f"died at {m.death_age:g}" in appendix_row.group(0), m.id


def test_relatives_risk_rows_carry_the_death(demo_report: Report) -> None:
    """The relatives' table of the report JSON carries the vital status, not only the members list."""
    dead = {m.id: m.death_age for m in demo_report.family.members if m.deceased}
    rows = [r for r in demo_report.family.relatives_risk if r.relative in dead]
    assert rows
    for r in rows:
        assert r.deceased and r.death_age == dead[r.relative]
    assert not any(r.deceased for r in demo_report.family.relatives_risk if r.relative not in dead)


def test_a_relative_with_a_row_for_each_of_two_genes_is_counted_once(demo_report: Report) -> None:
    """A family table with two genes has a row per relative and gene: page 1 counted each relative once per gene
    ("6 living ... relatives" for three people) and named them twice. Now each relative is counted once, with the
    higher carrier probability and its gene."""
    from charcot.report.build import _summary

    sod1 = [r for r in demo_report.family.relatives_risk]
    second = [r.model_copy(update={"gene": "FUS", "carrier_probability": (r.carrier_probability or 0) / 2})
              for r in sod1]
    family = demo_report.family.model_copy(update={"relatives_risk": sod1 + second})
    lines = _summary(demo_report.genetics, demo_report.repeats, family, demo_report.clinical,
                     demo_report.therapies, demo_report.items, demo_report.identity)
    line = next(s.text for s in lines if s.topic == "Family" and "living" in s.text)
    people = {r.relative for r in sod1 if r.status != "affected" and r.tested in (None, "untested")
              and not r.deceased and (r.carrier_probability or 0) >= AT_RISK_MIN_CARRIER_PROBABILITY}
    assert line.startswith(f"{len(people)} living, untested, unaffected relatives"), line
    named = re.findall(r"([A-Z0-9-]+) (\d+\.\d)% \((\w+)\)", line)
    assert named and len({n for n, _, _ in named}) == len(named), line
    assert all(gene == "SOD1" for _, _, gene in named), line  # the higher probability is SOD1's here
    assert "SOD1/FUS" in line or "FUS/SOD1" in line
