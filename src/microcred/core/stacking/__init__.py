"""Stacking: rules over micro-credentials that make up a larger credential (issue 5)."""
