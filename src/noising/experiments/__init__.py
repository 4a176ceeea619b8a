"""Experiment drivers of the book's chapters (one module per chapter)."""
