"""Sweeps: a spec (TOML -> validated dataclasses), its budget, the training engine that spends
it, the runner that trains entries x seeds and the run records it keeps on disk."""
