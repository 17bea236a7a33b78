"""Adapter: see docs/architecture.md."""
