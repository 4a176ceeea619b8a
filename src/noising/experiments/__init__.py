"""Experiment drivers of the book's chapters (one module per chapter), tested like the package."""
