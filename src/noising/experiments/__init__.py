"""Experiment drivers of individual chapters, kept out of the core modules."""
