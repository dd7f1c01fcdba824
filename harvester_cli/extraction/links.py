"""Normalising a link as a comment wrote it, for grouping (pure, no IO).

``normalise_link(written, domain)`` turns ``written`` (``domain_mentions.written``: a URL, a
host with a path, a bare or defanged name) into the form `harvester links` groups by:

* the scheme (``https://``, ``hxxps://``) and a leading ``www.`` are dropped;
* the host is lower-cased and shown in Unicode (``xn--mller-kva.de`` -> ``müller.de``), with
  defanged dots (``[.]`` ``(.)`` ``[dot]`` ``(dot)``, `` dot ``, `` . ``, ``。``, the words for
  "dot" such as `` kropka `` or ``ドット``) read as dots, invisible characters removed; a
  port is dropped; a host that does not resolve to the mention's registrable domain (a
  spelled-out name the extractor read another way) becomes that domain;
* tracking parameters are dropped from the query (``utm_*``, ``fbclid``, ``gclid``, ``si``, ...,
  see TRACKING_PARAMETERS); every other parameter is kept as written and in its order, so the
  affiliate ``tag=`` or ``ref=`` that says who is paid stays;
* the path is kept as written (paths are case-sensitive), without trailing slashes; the
  fragment (``#...``), which never reaches the server, is dropped.

``https://www.amazon.com/dp/B0C7XJ2K9M?tag=glowmaya-20&utm_source=tt`` ->
``amazon.com/dp/B0C7XJ2K9M?tag=glowmaya-20``; ``WALMART.COM`` -> ``walmart.com``.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from .extractor import _IGN, find_mentions, registrable_domain
from .words_world import DOT_WORDS_GLUED, DOT_WORDS_SPACED

__all__ = ["LINK_MAX", "TRACKING_PARAMETERS", "TRACKING_PREFIXES", "normalise_link"]

#: the longest link kept (a written form is at most 200 characters already)
LINK_MAX = 400

#: query parameters that only say where a click came from: dropped
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "li_fat_id",
        "igshid",
        "igsh",
        "si",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "mkt_tok",
        "srsltid",
        "_hsenc",
        "_hsmi",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "rb_clickid",
        "s_cid",
        "epik",
        "sc_cid",
        "ef_id",
        "wickedid",
        "irclickid",
        "_kx",
        "spm",
    }
)
#: parameter name prefixes of the same kind (utm_source, utm_medium, ...)
TRACKING_PREFIXES = ("utm_",)

_SCHEME = re.compile(r"^\s*(?:[a-z][a-z0-9+.\-]{0,15}:)?//", re.IGNORECASE)
_HXXP = re.compile(r"^\s*h[tx]{2}ps?\[?:\]?//", re.IGNORECASE)
# defanged and spelled-out dots (the comment language's word for it too: "kropka", "ドット"),
# and the dot-likes IDNA maps to "."
_DOT = re.compile(
    r"\s*(?:\[\.\]|\(\.\)|\[dot\]|\(dot\)|\{dot\}|\{\.\})\s*|\s+dot\s+|\s+\.\s+|[\u3002\uff0e\uff61]"
    r"|\s+(?:" + "|".join(DOT_WORDS_SPACED) + r")\s+|\s*(?:" + "|".join(DOT_WORDS_GLUED) + r")\s*",
    re.IGNORECASE,
)
# default-ignorable characters browsers remove from a host (the extractor's list)
_IGNORABLE = re.compile(f"[{_IGN}]")
_PORT = re.compile(r":[0-9]*$")


def _split(text: str) -> tuple[str, str, str]:
    """(host, path, query) of a link without its scheme; the fragment is dropped."""
    end = len(text)
    for ch in "/?#":
        i = text.find(ch)
        if 0 <= i < end:
            end = i
    host, rest = text[:end], text[end:]
    rest = rest.split("#", 1)[0]
    path, _, query = rest.partition("?")
    return host, path, query


def _canon_host(host: str) -> str:
    host = _IGNORABLE.sub("", _DOT.sub(".", host.strip()))
    if "@" in host:  # user-info is never part of what identifies the site
        host = host.rsplit("@", 1)[1]
    host = _PORT.sub("", host).strip(".").lower()
    labels = []
    for label in host.split("."):
        if label.startswith("xn--"):
            try:
                label = codecs.decode(label[4:].encode("ascii"), "punycode")
            except (UnicodeError, ValueError):
                pass
        labels.append(unicodedata.normalize("NFKC", label).lower())
    if len(labels) >= 3 and labels[0] == "www":
        labels = labels[1:]
    return ".".join(labels)


def _query(query: str) -> str:
    kept = []
    for part in query.split("&"):
        if not part:
            continue
        name = part.split("=", 1)[0].strip().lower()
        if name in TRACKING_PARAMETERS or name.startswith(TRACKING_PREFIXES):
            continue
        kept.append(part)
    return "&".join(kept)


def normalise_link(written: str, domain: str) -> str:
    """The link `written` (a mention of registrable `domain`) normalised for grouping."""
    text = (written or "").strip()
    text = _HXXP.sub("", text, count=1)
    text = _SCHEME.sub("", text, count=1)
    host, path, query = _split(text)
    host = _canon_host(host)
    if host != domain and (not host.endswith("." + domain) or registrable_domain(host) != domain):
        host = domain
    path = path.rstrip("/")
    query = _query(query)
    link = host + path + ("?" + query if query else "")
    return link[:LINK_MAX]


_linked: dict[tuple[str, str], str] = {}


def find_linked_mentions(text: str) -> list[tuple[str, str, str]]:
    """`find_mentions` with each mention's normalised link: (domain, written, link), what
    `extract` stores, so the links report never has to fill the link in later."""
    out = []
    for domain, written in find_mentions(text):
        link = _linked.get((written, domain))
        if link is None:
            if len(_linked) > 50_000:
                _linked.clear()
            link = _linked[(written, domain)] = normalise_link(written, domain)
        out.append((domain, written, link))
    return out
