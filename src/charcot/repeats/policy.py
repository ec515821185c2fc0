"""The interval policy (``interval_policy.yaml``): which category an estimated repeat size may show.

The rules are data with their sources; this module reads and checks them (every rule the interpreter applies is
there once, its outcome is one it knows, its sources are bibliography keys, its words fill), and
:mod:`charcot.repeats.interpret` applies them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from charcot.errors import KnowledgeError

POLICY_FILE = Path(__file__).with_name("interval_policy.yaml")
# the cases charcot.repeats.interpret tells apart: each must have exactly one rule
RULES = ("normal_estimate_interval_beyond_normal", "expanded_estimate_interval_reaches_normal",
         "interval_spans_categories_beyond_normal", "no_interval_no_read_type")
OUTCOMES = ("indeterminate", "estimate")
_FIELDS = {"estimate": "pathogenic", "categories": "intermediate or pathogenic", "reach": "pathogenic",
           "thresholds": "a threshold set"}


@dataclass(frozen=True)
class IntervalRule:
    id: str
    when: str
    outcome: str  # "indeterminate" or "estimate"
    reason: str  # a template of _FIELDS
    sources: tuple[str, ...]

    @property
    def indeterminate(self) -> bool:
        return self.outcome == "indeterminate"

    def words(self, **fields: str) -> str:
        return " ".join(self.reason.format(**fields).split())


@cache
def interval_rules() -> dict[str, IntervalRule]:
    """The policy's rules by id, checked once per process."""
    from charcot.knowledge import get_knowledge
    from charcot.structured import loads_yaml

    where = str(POLICY_FILE)
    raw = loads_yaml(POLICY_FILE.read_text(encoding="utf-8"), where)  # the strict reader: a key twice is an error
    items = raw.get("rules") if isinstance(raw, dict) else None
    if not isinstance(items, list):
        raise KnowledgeError("expected a top-level 'rules:' list", path=where)
    bibliography = get_knowledge().bibliography
    rules: dict[str, IntervalRule] = {}
    for item in items:
        if not isinstance(item, dict) or set(item) != {"id", "when", "outcome", "reason", "sources"}:
            raise KnowledgeError(f"rule {item!r} must have exactly id, when, outcome, reason and sources", path=where)
        rule = IntervalRule(str(item["id"]), str(item["when"]), str(item["outcome"]), str(item["reason"]),
                            tuple(str(s) for s in item["sources"] or ()))
        if rule.id not in RULES or rule.id in rules:
            raise KnowledgeError(f"rule {rule.id!r} is unknown or repeated (the rules are {', '.join(RULES)})",
                                 path=where)
        if rule.outcome not in OUTCOMES:
            raise KnowledgeError(f"rule {rule.id}: outcome {rule.outcome!r} is not one of {', '.join(OUTCOMES)}",
                                 path=where)
        unknown = [s for s in rule.sources if s not in bibliography]
        if not rule.sources or unknown:
            raise KnowledgeError(f"rule {rule.id}: sources {unknown or '(none)'} are not bibliography keys",
                                 path=where)
        try:
            rule.words(**_FIELDS)
        except (KeyError, IndexError, ValueError) as exc:
            raise KnowledgeError(f"rule {rule.id}: its reason names an unknown field ({exc})", path=where) from None
        rules[rule.id] = rule
    missing = [r for r in RULES if r not in rules]
    if missing:
        raise KnowledgeError(f"no rule for {', '.join(missing)}", path=where)
    return rules
