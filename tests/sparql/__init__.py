"""Tests of gcm_kg.sparql: the lexer, bounded lookups, results."""
