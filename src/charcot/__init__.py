"""charcot: an ALS clinical-genomics toolkit.

charcot supports, and does not replace, clinical judgement.
"""

__version__ = "0.1.0"

CLINICAL_JUDGEMENT_STATEMENT = (
    "This report supports, and does not replace, the clinical judgement of the treating "
    "clinician and genetic counsellor. Findings must be confirmed in an accredited laboratory "
    "before they are used for diagnosis, treatment or family decisions."
)
