"""The bottom layer: IRIs and namespaces, service settings, HTTP content negotiation (no I/O, no Flask)."""
