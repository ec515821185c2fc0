"""Results that leave the building: ClinVar submission, FHIR R4 Genomics Reporting bundle (``charcot export``).

Each export reads a finished ``report.json`` (the typed ``Report``) and is validated with the receiver's own
schema or a maintained library before it is written."""
