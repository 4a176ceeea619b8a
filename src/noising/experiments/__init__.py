"""Drivers of the book's experiments, one module per chapter's study (imported by the chapters)."""
