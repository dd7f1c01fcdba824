"""Domain categories from the curated file bundled with the package (no network service).

`harvester_cli/data/categories.csv` holds one `domain,category` per line: a registrable domain
as harvester stores it, or `*.suffix` for every registrable domain under a public suffix of the
Public Suffix List's private section (`*.myshopify.com`: `glowlab.myshopify.com` is a hosted
shop). The file is read once, on first use.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from importlib import resources

__all__ = ["CATEGORIES", "Categories", "category_of", "load"]

#: every category the file may use, in the order they are documented
CATEGORIES = ("shortener", "link_in_bio", "marketplace", "store_platform", "social", "payment", "app_store")

_FILE = "categories.csv"


@dataclass(frozen=True)
class Categories:
    exact: dict[str, str]  # registrable domain -> category
    suffixes: dict[str, str]  # public suffix (without "*.") -> category of the domains under it

    def of(self, domain: str | None) -> str | None:
        """The category of a registrable domain, or None when the file does not know it."""
        if not domain:
            return None
        found = self.exact.get(domain)
        if found is not None:
            return found
        dot = domain.find(".")
        while dot >= 0:  # glowlab.myshopify.com -> myshopify.com -> com
            found = self.suffixes.get(domain[dot + 1 :])
            if found is not None:
                return found
            dot = domain.find(".", dot + 1)
        return None

    def members(self, category: str) -> tuple[list[str], list[str]]:
        """(domains, suffixes) of one category, each sorted."""
        return (
            sorted(d for d, c in self.exact.items() if c == category),
            sorted(s for s, c in self.suffixes.items() if c == category),
        )


def parse(text: str, source: str = _FILE) -> Categories:
    """Read the file's lines; an unknown category or a malformed line is a ValueError naming it."""
    exact: dict[str, str] = {}
    suffixes: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#") or line == "domain,category":
            continue
        name, sep, category = (part.strip() for part in line.partition(","))
        if not sep or not name or category not in CATEGORIES:
            raise ValueError(
                f"{source}:{number}: expected 'domain,category' with a category among {', '.join(CATEGORIES)}: {line!r}"
            )
        name = name.lower()
        target = suffixes if name.startswith("*.") else exact
        key = name[2:] if name.startswith("*.") else name
        if key in target:
            raise ValueError(f"{source}:{number}: {name} is listed twice")
        target[key] = category
    return Categories(exact, suffixes)


_lock = threading.Lock()
_loaded: Categories | None = None


def load() -> Categories:
    """The bundled categories (read once)."""
    global _loaded
    if _loaded is None:
        with _lock:
            if _loaded is None:
                text = resources.files("harvester_cli").joinpath("data", _FILE).read_text(encoding="utf-8")
                _loaded = parse(text)
    return _loaded


def category_of(domain: str | None) -> str | None:
    return load().of(domain)
