"""HTTP: the app factory, the one error table, problems, CORS, page builders and templates, and
thin views by area (:mod:`.views`)."""
