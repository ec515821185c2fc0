"""Genome builds, contig names and coordinate conventions (1-based inclusive inside charcot)."""
