"""Benchmark specs: a TOML file read (`load`), checked against the registry (`validate` and
its parts), and held as validated dataclasses with their hashes (`benchmark`), with the budget
and seed grammars they use."""
