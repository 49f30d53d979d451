"""Test and benchmark tooling of the newspaper archive: renderer, corpora, scoring, re-flows."""
