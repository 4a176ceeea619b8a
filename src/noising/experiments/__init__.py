"""Experiment drivers of the book's chapters: each module reproduces one chapter's experiments."""
