"""Evaluation: generated samples -> features -> metrics, the sets `genbench eval` reads, and
the disk cache of real reference features."""

DEFAULT_METRICS = ("fid", "precision-recall")
"""What `genbench eval` and `genbench.evaluate` compute when no metric is named."""
