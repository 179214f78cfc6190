"""The one store factory: :func:`open_store` turns :class:`~gcm_kg.core.settings.Settings` into a
:class:`~gcm_kg.store.base.GraphStore`, for ``gcm-kg serve``, :func:`gcm_kg.web.app.create_app` and
the command line alike, so every path applies the same row cap and time limit.

* ``--endpoint URL``: a :class:`~gcm_kg.store.remote.RemoteStore` (the limit is an HTTP deadline);
* ``killable=True`` (``gcm-kg serve``): a :class:`~gcm_kg.store.executor.ProcessExecutor` over the
  in-memory store (plus extra files) or the on-disk store, so queries can be stopped at the limit
  and at the memory budget (``Settings.query_memory``, by default
  :func:`~gcm_kg.store.executor.default_memory_budget`); the caller starts it (:meth:`~gcm_kg.store.executor.ProcessExecutor.start`) before forking;
* otherwise an :class:`~gcm_kg.store.embedded.EmbeddedStore` in this process, with the row cap
  (queries are not stopped at the time limit: nothing in one process can stop a pyoxigraph query).
"""

from __future__ import annotations

from gcm_kg.core.settings import Settings
from gcm_kg.store.base import GraphStore
from gcm_kg.store.embedded import EmbeddedStore

#: Queries one web worker may run at once by default (its threads; see ``gcm-kg serve``).
DEFAULT_CONCURRENCY = 2


def open_store(settings: Settings, *, killable: bool = False,
               concurrency: int = DEFAULT_CONCURRENCY) -> GraphStore:
    """The store ``settings`` describe; raises ``StoreOpenError`` naming the path of a bad store."""
    if settings.endpoint:
        from gcm_kg.store.remote import RemoteStore

        return RemoteStore(settings.endpoint, timeout=settings.timeout, auth=settings.endpoint_auth,
                           max_rows=settings.max_rows, timeout_param=settings.endpoint_timeout_param,
                           data_version=settings.data_version)
    if killable:
        from gcm_kg.store.executor import ProcessExecutor, default_memory_budget

        budget = settings.query_memory if settings.query_memory is not None else default_memory_budget()
        options = dict(timeout=settings.timeout, max_rows=settings.max_rows, memory_budget=budget,
                       concurrency=concurrency)
        if settings.store_path is not None:
            return ProcessExecutor.on_disk(settings.store_path, **options)
        return ProcessExecutor.in_memory(EmbeddedStore.in_memory(settings.extra_files), **options)
    store = (EmbeddedStore.open_read_only(settings.store_path) if settings.store_path is not None
             else EmbeddedStore.in_memory(settings.extra_files))
    store.max_rows = settings.max_rows
    return store
