"""Benchmarks of the gcm-kg SPARQL service against `oxigraph serve` and rdflib-endpoint.

``python -m benchmarks.generate`` writes a synthetic graph shaped like the gcm-kg data,
``python -m benchmarks.run`` compares the three servers on it and ``python -m benchmarks.load``
is a reliability load test of the gcm-kg service alone.
"""
