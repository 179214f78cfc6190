"""The ``gcm-kg`` command line: validate, export, build, load, serve, query, search, w3id-rules,
release, diff.

Each subcommand parses its options here and calls one plain function of the module that owns the
concern; exit codes are the contract CI pipelines rely on (0 ok, 1 findings, 2 bad input).
"""

from __future__ import annotations

import argparse
import re
import sys
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from gcm_kg import __version__
from gcm_kg.core.namespaces import BASE

if TYPE_CHECKING:
    from gcm_kg.core.settings import Settings


_VALIDATE_FORMATS = ("text", "turtle", "json", "junit", "sarif", "github", "markdown", "codeclimate")


def _add_validate(sub) -> None:
    p = sub.add_parser(
        "validate", help="validate RDF against the gcm-kg SHACL shapes",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Validate RDF files (default: the shipped ontology + data) against SHACL shapes\n"
                    "(default: the shipped shapes). Each result names the file, line and column where\n"
                    "its focus node is described (a blank node: the named subject that encloses it).",
        epilog="exit status: 0 nothing fails (see --fail-on and --baseline), 1 something does,\n"
               "  2 an input, shapes or baseline file cannot be read or parsed (file:line:column on\n"
               "  stderr) or a report cannot be written.\n\n"
               "formats: text (file:line:col: severity: message, grouped by focus node), turtle (the\n"
               "  W3C SHACL report), json, junit, sarif (SARIF 2.1.0, for code scanning), github\n"
               "  (GitHub Actions annotations), markdown (a summary table, e.g. for\n"
               "  $GITHUB_STEP_SUMMARY), codeclimate (GitLab code quality).\n\n"
               "examples:\n"
               "  gcm-kg validate data/ --format github --report sarif=shacl.sarif\n"
               "  gcm-kg validate data/ --write-baseline shacl-baseline.json   # accept what is there now\n"
               "  gcm-kg validate data/ --baseline shacl-baseline.json         # fail only on new results")
    p.add_argument("files", nargs="*", type=Path, help="RDF files or folders to validate (default: ontology + data)")
    p.add_argument("--shapes", action="append", type=Path, metavar="FILE",
                   help="shapes file(s) to use instead of the shipped shapes (repeatable; checked against "
                        "SHACL-SHACL first)")
    p.add_argument("--format", default="text", choices=_VALIDATE_FORMATS,
                   help="report format on stdout (default: text)")
    p.add_argument("--report", action="append", default=[], type=_report_argument, metavar="FORMAT=FILE",
                   help="also write the report in FORMAT to FILE, from the same run (repeatable), "
                        "e.g. --report sarif=shacl.sarif --report markdown=$GITHUB_STEP_SUMMARY")
    p.add_argument("--fail-on", default="violation", choices=["violation", "warning", "info"],
                   help="the lowest severity that fails (exit 1): violation (default; warnings and infos "
                        "pass, as SHACL conformance), warning, or info (any result fails)")
    p.add_argument("--baseline", type=Path, metavar="FILE",
                   help="a baseline written by --write-baseline: its results do not fail, only new ones do "
                        "(matched on shape, focus node, path and value; a blank node by its nearest named "
                        "subject and the path to it)")
    p.add_argument("--write-baseline", type=Path, metavar="FILE",
                   help="write every current result to FILE as a baseline (JSON); without --baseline the "
                        "run is then judged against it, so it exits 0")
    p.add_argument("--no-locations", action="store_true",
                   help="do not read the files for the line of each result (quicker on very large files)")
    p.add_argument("--endpoint", metavar="URL",
                   help="validate what this SPARQL 1.1 endpoint serves (every graph but shapes and queries); "
                        "results have no file location")
    _add_auth(p)
    p.set_defaults(func=_run_validate)


def _report_argument(text: str) -> tuple[str, Path]:
    fmt, sep, file = text.partition("=")
    if not sep or not file or fmt not in _VALIDATE_FORMATS:
        raise argparse.ArgumentTypeError(f"expected FORMAT=FILE with FORMAT one of {', '.join(_VALIDATE_FORMATS)}")
    return fmt, Path(file)


def _run_validate(args) -> int:
    if args.endpoint:
        from gcm_kg.services.load import run_validate_remote

        if args.files:
            print("gcm-kg validate: give either FILES or --endpoint, not both", file=sys.stderr)
            return 2
        if args.report or args.baseline or args.write_baseline or args.fail_on != "violation":
            print("gcm-kg validate: --report, --baseline, --write-baseline and --fail-on apply to files, "
                  "not to --endpoint", file=sys.stderr)
            return 2
        return run_validate_remote(args.endpoint, args.shapes, args.format, sys.stdout, _auth(args))
    from gcm_kg.services.validation import GateOptions, run_validate

    options = GateOptions(fail_on=args.fail_on, baseline=args.baseline, write_baseline=args.write_baseline,
                          reports=tuple(args.report), locations=not args.no_locations)
    return run_validate(args.files or None, args.shapes, args.format, sys.stdout, options)


def _add_auth(p, text: str = "HTTP Basic credentials for --endpoint") -> None:
    group = p.add_mutually_exclusive_group()
    group.add_argument("--auth", metavar="USER:PASS", help=text)
    group.add_argument("--auth-env", metavar="VAR",
                       help="read the USER:PASS credentials from the environment variable VAR")


def _auth(args):
    from gcm_kg.store.remote import parse_auth

    return parse_auth(args.auth, args.auth_env)


def _add_load(sub) -> None:
    p = sub.add_parser("load", help="load the graph into another SPARQL 1.1 store",
                       description="Store ontology, data, shapes, the canned queries and EXTRA_FILES, one "
                                   "named graph each, through the SPARQL 1.1 Graph Store HTTP Protocol (PUT "
                                   "replaces each graph: loading twice leaves the same data), then check "
                                   "each graph's triple count through the query endpoint. Exit 0 when every "
                                   "count matches, 1 when one does not, 2 on errors.")
    p.add_argument("--endpoint", required=True, metavar="URL", help="the store's SPARQL query URL")
    p.add_argument("--graph-store", metavar="URL",
                   help="the store's Graph Store Protocol URL (default: --endpoint; oxigraph: .../store; "
                        "Virtuoso: .../sparql-graph-crud-auth with --auth)")
    _add_auth(p, "credentials for the Graph Store: Basic or Digest, as its challenge asks (Virtuoso's "
                 "DBA account); sent to --endpoint only when Basic")
    p.add_argument("extra_files", nargs="*", type=Path, metavar="EXTRA_FILES", help="more RDF files to load")
    p.set_defaults(func=_run_load)


def _run_load(args) -> int:
    from gcm_kg.services.load import run_load

    return run_load(args.endpoint, args.graph_store, _auth(args), args.extra_files, sys.stdout, sys.stderr)


def _add_export(sub) -> None:
    p = sub.add_parser("export", help="dump the whole graph",
                       description="Write ontology + data + shapes as one RDF document to stdout or --output.")
    p.add_argument("--format", default="ttl", choices=["nt", "ttl", "jsonld", "nq"], help="output format")
    p.add_argument("--output", "-o", type=Path, help="file to write (default: stdout)")
    p.set_defaults(func=_run_export)


def _run_export(args) -> int:
    from gcm_kg.rdf.export import export, write_atomically
    from gcm_kg.store.embedded import shipped_store

    if args.output:
        write_atomically(args.output, lambda out: export(args.format, out, shipped_store()))
    else:
        export(args.format, sys.stdout.buffer, shipped_store())
    return 0


def _add_build(sub) -> None:
    p = sub.add_parser("build", help="bulk-load a persistent on-disk store",
                       description="Bulk-load ontology, data, shapes and EXTRA_FILES into a new on-disk "
                                   "store that `gcm-kg serve --store DIR` opens read-only. The triple "
                                   "counts and the store's file list are recorded in DIR/gcm-kg-store.json, "
                                   "so serve starts without rescanning an unchanged store; the full-text "
                                   "search index is saved as DIR/search.sqlite.")
    p.add_argument("--store", required=True, type=Path, metavar="DIR", help="directory to create")
    p.add_argument("--no-search-index", action="store_true",
                   help="do not build the full-text search index DIR/search.sqlite (serve then builds it "
                        "in memory at start)")
    p.add_argument("extra_files", nargs="*", type=Path, metavar="EXTRA_FILES", help="more RDF files to load")
    p.set_defaults(func=_run_build)


def _run_build(args) -> int:
    import time

    from gcm_kg.store.build import build_store

    started = time.perf_counter()
    store = build_store(args.store, args.extra_files)
    counts = store.counts()
    size = sum(f.stat().st_size for f in args.store.rglob("*") if f.is_file())
    print(f"built {args.store}: {counts.triples} triples in {len(counts.graphs)} graphs, "
          f"{size / 1e6:.1f} MB, {time.perf_counter() - started:.1f} s")
    if not args.no_search_index:
        from gcm_kg.services.search import INDEX_FILE, save_index

        index = save_index(store, args.store)
        print(f"built the search index {args.store / INDEX_FILE}: {index.size} resources, "
              f"{index.build_seconds:.1f} s")
    return 0


#: Size suffixes of ``--query-memory``: powers of 1024, as in ``ulimit``, systemd and container limits.
_SIZE_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
#: Less than this leaves a query process no room to answer even a simple join.
MIN_QUERY_MEMORY = 32 << 20


def parse_size(text: str) -> int:
    """``512M``, ``2G``, ``1GiB``, ``1.5g``, ``1073741824`` → bytes (K, M, G, T are powers of 1024;
    an optional ``B`` or ``iB`` may follow). An argparse ``type``: bad values end in exit status 2."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:I?B)?\s*", text.upper())
    if match is None or (match.group(2) == "" and text.strip().upper().endswith("IB")):
        raise argparse.ArgumentTypeError(f"{text!r} is not a size: write e.g. 512M, 2G or 1GiB")
    size = int(float(match.group(1)) * _SIZE_UNITS[match.group(2)])
    if size < MIN_QUERY_MEMORY:
        raise argparse.ArgumentTypeError(f"{text!r} is too small: give at least {MIN_QUERY_MEMORY >> 20}M")
    return size


def _seconds(text: str) -> int:
    """A whole number of seconds, 0 or more (argparse type: a bad value is a clear usage error)."""
    if not text.isdigit() or len(text) > 9:
        raise argparse.ArgumentTypeError(f"expected a whole number of seconds, 0 or more, not {text!r}")
    return int(text)


def _add_serve(sub) -> None:
    p = sub.add_parser("serve", help="serve the SPARQL endpoint and linked data",
                       description="Serve /sparql (SPARQL 1.1 Protocol), linked data and the API under "
                                   "gunicorn over the embedded store: in memory by default (ontology, data, "
                                   "shapes and EXTRA_FILES, each extra file in its own graph), or --store DIR. "
                                   "Exit 2 when an EXTRA_FILE cannot be parsed (file, line and column named) "
                                   "or the store cannot be opened.")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--store", type=Path, metavar="DIR", help="persistent store built by `gcm-kg build`")
    p.add_argument("--workers", type=int, default=None, help="worker processes (default: number of cores)")
    p.add_argument("--timeout", type=float, default=30.0, help="query time limit in seconds (default 30)")
    p.add_argument("--max-rows", type=int, default=10_000, help="row cap of SELECT results (default 10000)")
    p.add_argument("--query-memory", type=parse_size, default=None, metavar="SIZE",
                   help="memory the queries running at once may use together, on top of what the query "
                        "process holds at rest, e.g. 512M, 2G, 1GiB (default: 1 GiB, or a quarter of the "
                        "machine's memory if that is less); a query past it gets 503 and the query process "
                        "is replaced")
    p.add_argument("--base-uri", default=BASE, help=f"base of the IRIs to dereference (default {BASE})")
    p.add_argument("--cors-origin", action="append", default=[], metavar="ORIGIN",
                   help="allow cross-origin requests from ORIGIN (repeatable; '*' for any, without credentials)")
    p.add_argument("--allow-service", action="append", default=[], metavar="URL",
                   help="allow SPARQL SERVICE calls to this endpoint (repeatable; default: SERVICE refused)")
    p.add_argument("--public-url", metavar="URL",
                   help="public root of the site behind a reverse proxy, e.g. https://example.org/kg/ "
                        "(endpoint URL/sparql, dumps URL/download/…); a URL ending in /sparql is read as "
                        "its parent, with a warning. Default: the root each request came to")
    p.add_argument("--proxy-headers", action="store_true",
                   help="trust X-Forwarded-For, -Proto, -Host, -Port and -Prefix from the one proxy in front "
                        "(use only when every request comes through it); default: ignored")
    p.add_argument("--endpoint", metavar="URL",
                   help="answer from this SPARQL 1.1 endpoint (loaded with `gcm-kg load`) instead of the "
                        "embedded store; its default graph must be the union of its graphs")
    _add_auth(p)
    p.add_argument("--endpoint-timeout-param", metavar="NAME",
                   help="request parameter by which the endpoint takes a time limit in seconds "
                        "(Fuseki, QLever: timeout); default: none sent")
    p.add_argument("--data-version", metavar="TEXT",
                   help="version of the --endpoint's data (change it whenever they change): GET answers then "
                        "carry an ETag and Cache-Control; without it, answers from --endpoint are not cacheable")
    p.add_argument("--cache-max-age", type=_seconds, default=60, metavar="SECONDS",
                   help="how long a cache in front may reuse a GET answer of /sparql and /api/queries "
                        "(Cache-Control: max-age; 0: no-cache, revalidate every time with If-None-Match). "
                        "Default 60")
    p.add_argument("extra_files", nargs="*", type=Path, metavar="EXTRA_FILES",
                   help="more RDF files to serve from memory, each in graph <.../graph/extra/NAME> "
                        "(for --store, give them to `gcm-kg build`; for --endpoint, to `gcm-kg load`)")
    p.set_defaults(func=_run_serve)


def serve_settings(args) -> Settings:
    """The :class:`Settings` of ``gcm-kg serve``; a warning about how an option was read (e.g. a
    ``--public-url`` ending in ``/sparql``) is printed on stderr, a bad value raises
    :class:`~gcm_kg.core.public_urls.PublicUrlError`."""
    from gcm_kg.core.public_urls import PublicUrlWarning
    from gcm_kg.core.settings import Settings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", PublicUrlWarning)
        settings = Settings(base_uri=args.base_uri, store_path=args.store, extra_files=tuple(args.extra_files),
                            timeout=args.timeout, query_memory=args.query_memory,
                            max_rows=args.max_rows, cors_origins=tuple(args.cors_origin),
                            allow_service=tuple(args.allow_service), public_url=args.public_url,
                            proxy_headers=args.proxy_headers,
                            endpoint=args.endpoint, endpoint_auth=_auth(args),
                            endpoint_timeout_param=args.endpoint_timeout_param,
                            data_version=args.data_version, cache_max_age=args.cache_max_age)
    for warning in caught:
        print(f"gcm-kg serve: warning: {warning.message}", file=sys.stderr)
    return settings


def _run_serve(args) -> int:
    from gcm_kg.cli.serve import serve

    settings = serve_settings(args)
    if args.endpoint and args.store:
        print("gcm-kg serve: give either --store or --endpoint, not both", file=sys.stderr)
        return 2
    if args.extra_files and (args.store or args.endpoint):
        where = "`gcm-kg build --store DIR EXTRA_FILES`" if args.store else "`gcm-kg load --endpoint URL EXTRA_FILES`"
        print(f"gcm-kg serve: EXTRA_FILES are served from memory only; add them with {where}", file=sys.stderr)
        return 2
    if args.data_version is not None and not args.endpoint:
        print("gcm-kg serve: --data-version is for --endpoint (the embedded store's own contents give "
              "its validators)", file=sys.stderr)
        return 2
    return serve(settings, host=args.host, port=args.port, workers=args.workers)


def _add_query(sub) -> None:
    p = sub.add_parser("query", help="run a canned research query",
                       description="Run a canned query of queries/ on the embedded store (or --endpoint).")
    p.add_argument("name", nargs="?", help="query name (omit to list them)")
    p.add_argument("--param", action="append", default=[], metavar="K=V", help="parameter value (repeatable)")
    p.add_argument("--format", default="table", choices=["table", "csv", "json"])
    p.add_argument("--endpoint", help="a SPARQL 1.1 endpoint URL to query instead of the embedded store")
    p.set_defaults(func=_run_query)


def _run_query(args) -> int:
    from gcm_kg.services.canned import run_cli_query

    return run_cli_query(args.name, args.param, args.format, args.endpoint, sys.stdout)


def _add_search(sub) -> None:
    from gcm_kg.services.search import DEFAULT_LIMIT, KINDS, LANGUAGES

    p = sub.add_parser(
        "search", help="full-text search over labels, texts, passages and names",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Search the human-readable texts of the graph (labels, alternative labels, definitions,\n"
                    "question and statement texts, quoted passages, titles of works, names of organisations)\n"
                    "in English and Spanish, ranked by BM25, with the matches of each hit marked **like this**.\n"
                    "Every word must match, ignoring case and accents (migracion finds Migración); English\n"
                    "words match their other forms (smuggled finds smuggling); \"a phrase\" in quotes matches\n"
                    "its words in order, and prefix* matches the words it begins.",
        epilog="exit status: 0 hits found, 1 none, 2 a search that cannot be read or a store that cannot\n"
               "  be opened.\n\n"
               "examples:\n"
               "  gcm-kg search migracion --lang es\n"
               "  gcm-kg search '\"consular protection\"' --kind question --kind statement\n"
               "  gcm-kg search 'reintegr*' --store DIR --format json")
    p.add_argument("text", metavar="TEXT", help="the search")
    p.add_argument("--kind", action="append", default=[], choices=list(KINDS),
                   help="only hits of this kind (repeatable)")
    p.add_argument("--lang", choices=list(LANGUAGES), help="only texts in this language")
    p.add_argument("--limit", type=int, default=DEFAULT_LIMIT, help=f"hits to show (default {DEFAULT_LIMIT})")
    p.add_argument("--offset", type=int, default=0, help="hits to skip (default 0)")
    p.add_argument("--format", default="text", choices=["text", "json"], help="output format (default text)")
    source = p.add_mutually_exclusive_group()
    source.add_argument("--store", type=Path, metavar="DIR",
                        help="search a store built by `gcm-kg build` (its saved index, if it has one)")
    source.add_argument("--endpoint", metavar="URL", help="search what this SPARQL 1.1 endpoint serves")
    _add_auth(p)
    p.add_argument("extra_files", nargs="*", type=Path, metavar="EXTRA_FILES",
                   help="more RDF files to search, with the shipped graph (right after TEXT)")
    p.set_defaults(func=_run_search)


def _run_search(args) -> int:
    from gcm_kg.core.settings import Settings
    from gcm_kg.services.search import Filters, run_cli_search
    from gcm_kg.store.factory import open_store

    if args.extra_files and (args.store or args.endpoint):
        print("gcm-kg search: EXTRA_FILES are searched with the shipped graph only, not with --store or "
              "--endpoint", file=sys.stderr)
        return 2
    if args.limit < 1 or args.offset < 0:
        print("gcm-kg search: --limit must be at least 1 and --offset at least 0", file=sys.stderr)
        return 2
    settings = Settings(store_path=args.store, endpoint=args.endpoint, endpoint_auth=_auth(args),
                        extra_files=tuple(args.extra_files))
    store = open_store(settings)
    return run_cli_search(store, args.store, args.text, Filters(kinds=tuple(args.kind), lang=args.lang),
                          limit=args.limit, offset=args.offset, fmt=args.format, timeout=settings.timeout,
                          out=sys.stdout, err=sys.stderr)


def _add_w3id_rules(sub) -> None:
    p = sub.add_parser("w3id-rules", help="write the w3id.org redirect rules for a deployment",
                       description="Write the .htaccess of the gcm-kg/ folder of the w3id.org repository "
                                   "(github.com/perma-id/w3id.org): every URI under https://w3id.org/gcm-kg/ "
                                   "(the root, id/…, ontology, shapes/…, graph/…) is redirected (302, keeping "
                                   "Accept and the query string) to the same path under --target. "
                                   "Exit 2 when --target is not an absolute http(s) URL.")
    p.add_argument("--target", required=True, metavar="URL",
                   help="public root of the deployment, as given to `gcm-kg serve --public-url`, "
                        "e.g. https://gcm-kg.example.org/")
    p.add_argument("--output", "-o", type=Path, help="file to write (default: stdout)")
    p.set_defaults(func=_run_w3id_rules)


def _run_w3id_rules(args) -> int:
    from gcm_kg.services.w3id import htaccess

    rules = htaccess(args.target)
    if args.output:
        args.output.write_text(rules, encoding="utf-8")
    else:
        sys.stdout.write(rules)
    return 0


def _add_release(sub) -> None:
    p = sub.add_parser(
        "release", help="cut a release of the data, or check that the data are the current release",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Cut release VERSION of the data in this source tree: write data/release.ttl (DCAT 3\n"
                    "versioning: dcat:version, dct:issued and dct:modified today, adms:versionNotes,\n"
                    "dcat:previousVersion), freeze the four dumps, gzipped, with SHA256SUMS under\n"
                    "releases/VERSION/, set the version and date in CITATION.cff and .zenodo.json and\n"
                    "open the version's section of CHANGELOG.md. Commit all of it together.",
        epilog="exit status: 0 done (with --check: the data are the current release), 1 with --check: the\n"
               "  data differ from the release they state, 2 a bad version (not X.Y.Z, or not above every\n"
               "  published release), no notes, or not run from a source tree.\n\n"
               "examples:\n"
               "  gcm-kg release --check\n"
               "  gcm-kg release --version 0.2.0 --notes 'Adds the round table 4 questions.'")
    p.add_argument("--version", dest="release_version", metavar="X.Y.Z", help="the version to cut")
    p.add_argument("--notes", default="", help="what changed (adms:versionNotes, and CHANGELOG.md under Data)")
    p.add_argument("--check", action="store_true",
                   help="only say whether the shipped data are the release they state (their N-Quads dump has "
                        "its recorded SHA-256)")
    p.set_defaults(func=_run_release)


def _run_release(args) -> int:
    from gcm_kg.rdf.releases import ReleaseError
    from gcm_kg.rdf.resources import source_checkout
    from gcm_kg.services import releases
    from gcm_kg.store.shipped import shipped_quads

    if args.check:
        result = releases.check(shipped_quads())
        print(result.explain(), file=sys.stdout if result.ok else sys.stderr)
        return 0 if result.ok else 1
    if not args.release_version:
        print("gcm-kg release: give --version X.Y.Z (or --check)", file=sys.stderr)
        return 2
    checkout = source_checkout()
    if checkout is None:
        print("gcm-kg release: run it from a source tree (an editable install); an installed package "
              "cannot change its own data", file=sys.stderr)
        return 2
    try:
        release = releases.cut(args.release_version, args.notes, checkout=checkout, quads_of=shipped_quads)
    except ReleaseError as error:
        print(f"gcm-kg release: {error}", file=sys.stderr)
        return 2
    print(f"release {release.version}: {release.folder.relative_to(checkout)}/ and {releases.RELEASE_FILE}; "
          f"review CHANGELOG.md, then commit")
    return 0


def _add_diff(sub) -> None:
    p = sub.add_parser(
        "diff", help="what changed between two dumps or releases",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Compare two dumps (.nt .ttl .jsonld .nq .trig …, optionally .gz), release folders or\n"
                    "published release versions: the statements added and removed, grouped by the entity\n"
                    "they describe. Blank nodes compare by structure (RDFC-1.0 canonical labels).",
        epilog="exit status: 0 no differences, 1 differences, 2 an input cannot be read.\n\n"
               "examples:\n"
               "  gcm-kg diff 0.1.0 0.2.0\n"
               "  gcm-kg export --format nq -o now.nq && gcm-kg diff 0.1.0 now.nq --format trig")
    p.add_argument("old", help="dump file, release folder or release version")
    p.add_argument("new", help="dump file, release folder or release version")
    p.add_argument("--format", default="text", choices=["text", "trig"],
                   help="text (per entity, - removed and + added) or trig (graphs urn:gcm-kg:diff:added and "
                        "urn:gcm-kg:diff:removed)")
    p.set_defaults(func=_run_diff)


def _run_diff(args) -> int:
    from gcm_kg.rdf import diff

    result = diff.compare(diff.read_side(args.old), diff.read_side(args.new))
    if args.format == "trig":
        sys.stdout.buffer.write(diff.as_rdf(result))
    else:
        sys.stdout.write(diff.as_text(result))
    return 0 if result.empty else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gcm-kg", description="The GCM knowledge graph: validate RDF against its shapes, export it, "
                                   "build or load a store, serve the SPARQL endpoint and linked data, "
                                   "run canned research queries, search the texts, "
                                   "write the w3id.org redirect rules, cut and compare releases.")
    parser.add_argument("--version", action="version", version=f"gcm-kg {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in (_add_validate, _add_export, _add_build, _add_load, _add_serve, _add_query, _add_search,
                _add_w3id_rules, _add_release, _add_diff):
        add(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    from gcm_kg.core.public_urls import PublicUrlError
    from gcm_kg.rdf.rdfio import RdfFileError
    from gcm_kg.store.remote import EndpointConfigError
    from gcm_kg.store.base import StoreOpenError

    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (RdfFileError, StoreOpenError, FileExistsError, EndpointConfigError, PublicUrlError) as error:
        print(f"gcm-kg {args.command}: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
