"""Every bibliography key the classifier cites in code must exist in the knowledge base."""

from charcot.acmg.sources import missing_sources


def test_classifier_sources_are_in_the_bibliography() -> None:
    assert missing_sources() == []
