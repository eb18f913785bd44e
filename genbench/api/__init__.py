"""The contract for plugins."""
