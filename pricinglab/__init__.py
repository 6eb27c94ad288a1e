"""Pricing Lab's Python side (being written: see docs/api.md)."""
