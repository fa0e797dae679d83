"""factcheck: answer questions about CSAM investigations from curated, cited fact-checks."""

__version__ = "0.1.0"
