"""The ``gcm-kg`` command (:mod:`.main`) and ``gcm-kg serve`` under gunicorn (:mod:`.serve`)."""
