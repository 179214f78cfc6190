"""``gcm-kg serve`` in memory (its default) over the shipped graph plus extra RDF files.

    python -m benchmarks.serve_memory [--host H] [--port P] [--workers N] FILE...

``gcm-kg serve`` without ``--store`` serves the shipped graph from memory and has no option for
more files, so the benchmark starts the very same ``gcm_kg.serve.serve`` with one change: the
in-memory store it builds also holds FILE... (each in its own ``graph/extra/{stem}`` graph, as
``gcm-kg build`` would put them). Everything else (gunicorn, workers, query processes, settings)
is the default service.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.serve_memory", description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args(argv)

    from gcm_kg import serve as service
    from gcm_kg.settings import Settings
    from gcm_kg.store import EmbeddedStore

    if not hasattr(service, "build_executor"):
        print("gcm_kg.serve has no build_executor(): this launcher needs updating", file=sys.stderr)
        return 2
    default_build = service.build_executor

    def build_executor(settings, **options):
        if settings.store_path is not None:
            return default_build(settings, **options)
        from gcm_kg.executor import ProcessExecutor

        store = EmbeddedStore.in_memory(args.files)
        return ProcessExecutor.in_memory(store, timeout=settings.timeout, max_rows=settings.max_rows,
                                         concurrency=options.get("concurrency", service.THREADS))

    service.build_executor = build_executor
    return service.serve(Settings(), host=args.host, port=args.port, workers=args.workers)


if __name__ == "__main__":
    sys.exit(main())
