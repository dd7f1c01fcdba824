"""Public Suffix List lookups, offline.

The list is the snapshot that ships inside the installed ``tldextract`` package
(``tldextract/.tld_set_snapshot``).  It is read once, lazily, on first use; the
package itself is never imported (importing it pulls in ``requests``) and
nothing is ever fetched from the network.

Rules are kept in three sets per section (exact, wildcard, exception) and the
eTLD+1 lookup is the standard PSL algorithm (exceptions win, then the rule
with the most labels).  Unlike the PSL's implicit ``*`` default rule, a host
whose top-level label is not on the list has *no* public suffix here: the
extractor only counts names under a listed suffix.

Hosts given to :class:`SuffixList` methods must already be canonical:
lower case, Unicode (punycode decoded), NFKC, no trailing dot.
"""

from __future__ import annotations

import importlib.util
import threading
from dataclasses import dataclass
from pathlib import Path

__all__ = ["SuffixList", "default_list", "icann_list", "snapshot_path"]

_SNAPSHOT_NAME = ".tld_set_snapshot"
_PRIVATE_MARK = "===BEGIN PRIVATE DOMAINS==="


def snapshot_path() -> Path:
    """Locate the PSL snapshot bundled with tldextract without importing it."""
    spec = importlib.util.find_spec("tldextract")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the Public Suffix List snapshot is missing: install tldextract (>=5.1), which bundles it")
    for location in spec.submodule_search_locations:
        candidate = Path(location) / _SNAPSHOT_NAME
        if candidate.is_file():
            return candidate
    raise RuntimeError(f"tldextract is installed but its {_SNAPSHOT_NAME} file was not found; reinstall tldextract")


@dataclass(frozen=True)
class _Rules:
    exact: frozenset[str]
    wildcard: frozenset[str]  # "*.ck" is stored as "ck"
    exception: frozenset[str]  # "!www.ck" is stored as "www.ck"
    tlds: frozenset[str]  # every top-level label that starts some rule


def _parse(text: str, include_private: bool) -> _Rules:
    exact: set[str] = set()
    wildcard: set[str] = set()
    exception: set[str] = set()
    private = False
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("//"):
            if _PRIVATE_MARK in line:
                private = True
            continue
        if private and not include_private:
            continue
        rule = line.split()[0].lower()
        if rule.startswith("!"):
            exception.add(rule[1:])
        elif rule.startswith("*."):
            wildcard.add(rule[2:])
        else:
            exact.add(rule)
    tlds = {r.rsplit(".", 1)[-1] for r in exact | wildcard | exception}
    return _Rules(frozenset(exact), frozenset(wildcard), frozenset(exception), frozenset(tlds))


class SuffixList:
    """eTLD / eTLD+1 lookups over one parsed Public Suffix List."""

    def __init__(self, text: str, *, include_private: bool = True) -> None:
        rules = _parse(text, include_private)
        self._exact = rules.exact
        self._wildcard = rules.wildcard
        self._exception = rules.exception
        self.tlds: frozenset[str] = rules.tlds
        self.include_private = include_private
        self._cache: dict[str, str | None] = {}

    def suffix_length(self, labels: list[str]) -> int:
        """Number of trailing labels that form the public suffix (0: none listed)."""
        n = len(labels)
        if not n or labels[-1] not in self.tlds:
            return 0
        exact, wildcard, exception = self._exact, self._wildcard, self._exception
        for i in range(n):
            rest = ".".join(labels[i:])
            if rest in exception:
                return n - i - 1
            if rest in exact:
                return n - i
            if i + 1 < n and ".".join(labels[i + 1 :]) in wildcard:
                return n - i
        return 0

    def public_suffix(self, host: str) -> str | None:
        labels = host.split(".")
        k = self.suffix_length(labels)
        return ".".join(labels[-k:]) if k else None

    def registrable(self, host: str) -> str | None:
        """eTLD+1 of a canonical host, or None when it has none."""
        cache = self._cache
        try:
            return cache[host]
        except KeyError:
            pass
        labels = host.split(".")
        k = self.suffix_length(labels)
        result = ".".join(labels[-k - 1 :]) if 0 < k < len(labels) else None
        if result is not None and not all(labels[-k - 1 :]):
            result = None
        if len(cache) > 50_000:
            cache.clear()
        cache[host] = result
        return result

    def is_suffix(self, name: str) -> bool:
        labels = name.split(".")
        return self.suffix_length(labels) == len(labels)


_lock = threading.Lock()
_lists: dict[bool, SuffixList] = {}


def _load(include_private: bool) -> SuffixList:
    sl = _lists.get(include_private)
    if sl is not None:
        return sl
    with _lock:
        sl = _lists.get(include_private)
        if sl is None:
            text = snapshot_path().read_text(encoding="utf-8")
            sl = SuffixList(text, include_private=include_private)
            _lists[include_private] = sl
    return sl


def default_list() -> SuffixList:
    """The product's list: ICANN and private sections (``github.io`` is a suffix)."""
    return _load(True)


def icann_list() -> SuffixList:
    """ICANN section only, as the public conformance labels were made."""
    return _load(False)
