"""Reporting: run records -> comparison tables (terminal, Markdown, CSV) and figures."""
