"""Experiment drivers for the chapters, one module per chapter."""
