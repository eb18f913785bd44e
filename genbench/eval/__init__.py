"""Evaluation: generated samples -> features -> metrics, the sets `genbench eval` reads, and
the disk cache of real reference features."""
