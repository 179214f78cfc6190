"""A WSGI app served for real on 127.0.0.1 (werkzeug's threaded server, in a thread) for the tests.

``LiveServer(app)`` starts at once; ``base`` is its root URL, ``url`` its ``/sparql`` endpoint; use it
as a context manager or call :meth:`close`.
"""

from __future__ import annotations

import logging
import threading

from werkzeug.serving import WSGIRequestHandler, make_server


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):  # thousands of requests: keep the output readable
        pass


class _KeepAliveHandler(_QuietHandler):
    protocol_version = "HTTP/1.1"


class LiveServer:
    def __init__(self, app, *, quiet: bool = False, keep_alive: bool = False):
        if quiet:
            logging.getLogger("werkzeug").setLevel(logging.ERROR)
        handler = _KeepAliveHandler if keep_alive else _QuietHandler if quiet else WSGIRequestHandler
        self.server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=handler)
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        self.url = self.base + "/sparql"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(10)

    def __enter__(self) -> "LiveServer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
