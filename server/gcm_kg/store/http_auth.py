"""HTTP authentication for the engines gcm-kg talks to: Basic (RFC 7617) or Digest (RFC 7616).

Which one a server wants is read from its challenge (``WWW-Authenticate`` on a ``401``, RFC 9110
§11.6.1): Virtuoso's ``/sparql-graph-crud-auth`` asks for Digest, Fuseki and most proxies for Basic.
:class:`Credentials` starts with Basic (sent pre-emptively, as before) and switches to Digest once
a challenge asks for it; :meth:`Credentials.header` then answers each request with a fresh
``cnonce`` and the next nonce count (RFC 7616 §3.4).
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import threading
from dataclasses import dataclass, field

#: ``name=value`` or ``name="quoted value"`` parameters of a challenge (RFC 9110 §11.2).
_PARAM = re.compile(r'([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))')
_HASHES = {"MD5": hashlib.md5, "MD5-SESS": hashlib.md5, "SHA-256": hashlib.sha256,
           "SHA-256-SESS": hashlib.sha256}


class AuthError(ValueError):
    """A challenge these credentials cannot answer; ``str()`` says why."""


def parse_challenge(header: str) -> tuple[str, dict[str, str]]:
    """``("digest", {...})`` / ``("basic", {...})`` from one ``WWW-Authenticate`` value."""
    scheme, _, rest = header.strip().partition(" ")
    params = {m.group(1).lower(): m.group(2) if m.group(2) is not None else m.group(3)
              for m in _PARAM.finditer(rest)}
    return scheme.lower(), {k: re.sub(r"\\(.)", r"\1", v) for k, v in params.items()}


@dataclass
class Credentials:
    """A user and password; Basic until a server's challenge asks for Digest."""

    user: str
    password: str
    _digest: dict[str, str] | None = field(default=None, repr=False)
    _count: int = field(default=0, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def scheme(self) -> str:
        return "digest" if self._digest is not None else "basic"

    def answer(self, challenges: list[str]) -> None:
        """Take the scheme of a ``401``'s challenges: Digest when offered, else Basic."""
        parsed = [parse_challenge(c) for c in challenges]
        digest = next((params for scheme, params in parsed if scheme == "digest"), None)
        if digest is not None:
            algorithm = digest.get("algorithm", "MD5").upper()
            if algorithm not in _HASHES or "nonce" not in digest:
                raise AuthError(f"the server asks for Digest with {algorithm}, which gcm-kg cannot answer")
            with self._lock:
                self._digest, self._count = digest, 0
        elif any(scheme == "basic" for scheme, _ in parsed):
            self._digest = None
        else:
            raise AuthError("the server asks for an authentication scheme other than Basic or Digest: "
                            + "; ".join(challenges))

    def header(self, method: str, target: str) -> dict[str, str]:
        """The ``Authorization`` header for one request of ``method`` to ``target`` (path?query)."""
        if self._digest is None:
            token = base64.b64encode(f"{self.user}:{self.password}".encode("utf-8")).decode("ascii")
            return {"Authorization": f"Basic {token}"}
        with self._lock:
            self._count += 1
            count = self._count
            digest = dict(self._digest)
        return {"Authorization": _digest_header(digest, self.user, self.password, method, target, count)}


def _digest_header(challenge: dict[str, str], user: str, password: str, method: str, target: str,
                   count: int, cnonce: str | None = None) -> str:
    """RFC 7616 §3.4: the response to a Digest challenge (``qop=auth``, or none for RFC 2069 servers)."""
    algorithm = challenge.get("algorithm", "MD5").upper()
    digest = _HASHES[algorithm]

    def h(text: str) -> str:
        return digest(text.encode("utf-8")).hexdigest()

    realm, nonce = challenge.get("realm", ""), challenge["nonce"]
    cnonce, nc = cnonce or os.urandom(8).hex(), f"{count:08x}"
    ha1 = h(f"{user}:{realm}:{password}")
    if algorithm.endswith("-SESS"):
        ha1 = h(f"{ha1}:{nonce}:{cnonce}")
    ha2 = h(f"{method}:{target}")
    qops = [q.strip() for q in challenge.get("qop", "").split(",") if q.strip()]
    fields = {"username": user, "realm": realm, "nonce": nonce, "uri": target}
    if "auth" in qops:
        response = h(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}")
        extra = f", qop=auth, nc={nc}, cnonce=\"{cnonce}\""
    elif not qops:
        response, extra = h(f"{ha1}:{nonce}:{ha2}"), ""
    else:
        raise AuthError(f"the server asks for Digest with qop={challenge['qop']}, which gcm-kg cannot answer")
    fields["response"] = response
    quoted = ", ".join(f'{k}="{v}"' for k, v in fields.items())
    opaque = f', opaque="{challenge["opaque"]}"' if "opaque" in challenge else ""
    return f"Digest {quoted}, algorithm={challenge.get('algorithm', 'MD5')}{extra}{opaque}"
