"""What the service does, as plain functions with no Flask: the SPARQL 1.1 Protocol and Service
Description, linked-data documents, the dataset description, canned queries, SHACL validation and
loading a remote store."""
