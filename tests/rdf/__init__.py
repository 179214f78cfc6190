"""Tests of gcm_kg.rdf: the format registry."""
