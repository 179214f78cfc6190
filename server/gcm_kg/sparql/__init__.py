"""SPARQL as text and results: the one lexer, the service's query policy, bounded lookups, the
canned-query catalogue, the result model and errors, and result writing with the row cap."""
