"""RDF as data: the format registry over pyoxigraph's format objects, reading files with positioned
errors, the shipped resource folders, and canonical dumps."""
