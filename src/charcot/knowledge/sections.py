"""The sections of the knowledge base: data file, record schema, and (optionally) cross-checks.

A section's schema module ``charcot.knowledge.schema.<name>`` defines ``Record`` (a
``CitedRecord`` subclass) and may define ``check(records, kb) -> list[Problem]`` for checks that
need other sections or the derived tables.
"""

from __future__ import annotations

SECTIONS: tuple[str, ...] = (
    "genes",
    "variants",
    "repeats",
    "penetrance",
    "mechanisms",
    "therapies",
    "jurisdictions",
    "trials",
    "claims",
    "epidemiology",
    "gene_specs",
)
