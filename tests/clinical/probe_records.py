"""Pieces of the clinical records the reviewer-probe tests write (tests/*/test_probeclin_*.py): one patient with
bulbar onset in January 2024, diagnosed 2024-06-10, and that day's visit; each test adds what it probes."""

BULBAR_2024 = """sex: male
date_of_birth: 1960-03-01
onset: {date: 2024-01, region: bulbar}
diagnosis: {date: 2024-06-10, el_escorial_at_diagnosis: definite}
"""

FIRST_VISIT = """  - date: 2024-06-10
    alsfrs_r: {q1: 3, q2: 3, q3: 3, q4: 4, q5a: 4, q6: 4, q7: 4, q8: 4, q9: 4, q10: 4, q11: 4, q12: 4}
    fvc_percent_predicted: 80
"""
