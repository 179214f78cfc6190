"""The w3id.org rewrite rules that make our persistent URIs resolve.

Every URI of gcm-kg starts with ``https://w3id.org/gcm-kg/``. w3id.org is an Apache server whose
configuration is a public repository (github.com/perma-id/w3id.org): one folder per namespace,
``gcm-kg/``, holding an ``.htaccess`` of mod_rewrite rules. In a folder's ``.htaccess`` a rule's
pattern is matched against the path *below* that folder (``id/objective/9``, no leading ``/``),
which is why the patterns here start without one.

:func:`htaccess` writes that file for a deployment at ``target``: each kind of URI (:data:`URI_KINDS`)
is forwarded by one rule, with a temporary redirect (RFC 9110 §15.4.3, 302), to the same path
under ``target``. A redirect makes the client repeat its request, ``Accept`` included, at the new
URL; there the server answers as for any of its own URIs (303 from a thing to the document
``Accept`` chooses). The query string goes along unchanged (mod_rewrite appends it when the
substitution has none), so ``?lang=es`` reaches the deployment too. A temporary redirect keeps
the w3id URI the name to cite and to cache under, and lets the deployment move.
"""

from __future__ import annotations

from dataclasses import dataclass

from gcm_kg.core.public_urls import PublicUrlError, site_root

#: The example deployment the committed ``deploy/w3id/.htaccess`` is written for: replace it with
#: the real deployment's root when registering the rules (deploy/README.md).
EXAMPLE_TARGET = "https://gcm-kg.example.org/"

#: Status of the redirects: temporary, so the w3id URI stays the one to cite.
REDIRECT_STATUS = 302


@dataclass(frozen=True)
class UriKind:
    pattern: str   # a regular expression for the path below gcm-kg/, the whole path in group 1
    what: str      # the comment above its rule
    example: str   # one path of this kind (the tests dereference each through the rules)


URI_KINDS: tuple[UriKind, ...] = (
    UriKind("^()$", "the root: the landing page, or the dataset's VoID description for RDF clients", ""),
    UriKind("^(id/.+)$", "things, e.g. id/objective/9; the dataset itself is id/dataset/gcm-kg",
            "id/objective/9"),
    UriKind("^(ontology(?:[/.].*)?)$", "the ontology (terms are ontology#Term), its version IRIs "
            "(ontology/0.1.0) and its documents (ontology.ttl …)", "ontology"),
    UriKind("^(shapes(?:[/.].*)?)$", "the SHACL shapes, each shape (shapes/S01-objective) and their documents",
            "shapes/S01-objective"),
    UriKind("^(graph/.+)$", "the named graphs, e.g. graph/gcm/objectives, and their documents",
            "graph/gcm/objectives"),
)


def _substitution(target: str) -> str:
    """``target`` written so mod_rewrite reads it literally: ``$`` and ``%`` start back-references
    in a substitution, so a ``$`` is escaped; a ``%`` is refused, as mod_rewrite would encode it a
    second time (``%7E`` → ``%257E``) when it escapes the redirect's URL."""
    if "%" in target:
        raise PublicUrlError(f"target {target!r} holds a percent-encoding, which the redirect would "
                             f"encode a second time; give the URL without one")
    return target.replace("$", "\\$")


def htaccess(target: str) -> str:
    """The ``.htaccess`` of the w3id.org ``gcm-kg/`` folder forwarding every URI to ``target``.

    ``target`` is the public root of the deployment (what ``gcm-kg serve --public-url`` is given),
    an absolute http(s) URL; raises :class:`~gcm_kg.core.public_urls.PublicUrlError` otherwise.
    """
    root = site_root(target.strip(), "target")
    substitution = _substitution(root)
    lines = [
        "# Persistent URIs of gcm-kg, a knowledge graph of the Global Compact for Migration:",
        "# https://w3id.org/gcm-kg/…  →  " + root + "…",
        "# Written by `gcm-kg w3id-rules --target " + root + "`; change the target there, not here.",
        "# Each rule sends one kind of URI to the same path at the deployment with a temporary",
        f"# redirect ({REDIRECT_STATUS}); the client asks again there with the same Accept header, and the",
        "# server answers 303 from a thing to the document Accept chooses (HTML, Turtle, JSON-LD,",
        "# N-Triples, RDF/XML). The query string is kept.",
    ]
    if root == EXAMPLE_TARGET:
        lines += ["# " + root + " is the documented example deployment (example.org is reserved, RFC 2606):",
                  "# generate these rules for the real deployment before registering them."]
    lines += [
        "",
        "RewriteEngine on",
    ]
    for kind in URI_KINDS:
        lines += ["", "# " + kind.what, f"RewriteRule {kind.pattern} {substitution}$1 [R={REDIRECT_STATUS},L]"]
    return "\n".join(lines) + "\n"
