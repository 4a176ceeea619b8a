"""Drivers and helpers that chapters use for their experiments and displays."""
