"""Composition root: wires settings to adapters and use cases (the only place that does)."""
