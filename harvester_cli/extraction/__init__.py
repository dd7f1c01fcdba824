"""Pure domain extraction from comment text (no IO beyond reading the bundled PSL once).

Public API:

* :func:`extract_domains` -- sorted unique registrable domains a text mentions;
* :func:`find_mentions` -- the same as :class:`Mention` ``(domain, written)`` pairs,
  in order of first appearance, ``written`` being the text as the comment wrote it;
* :func:`find_linked_mentions` -- ``(domain, written, link)``, the link normalised for grouping
  (:mod:`.links`), as ``extract`` stores them;
* :func:`is_registrable_domain` -- whether a string is a canonical registrable domain;
* :func:`registrable_domain` -- canonical registrable domain of a host name, or None.

A text is looked at up to its first :data:`MAX_TEXT_CHARS` (10,000) characters.
"""

from .extractor import (
    MAX_TEXT_CHARS,
    WRITTEN_MAX,
    Mention,
    extract_domains,
    find_mentions,
    is_registrable_domain,
    registrable_domain,
)
from .links import find_linked_mentions

__all__ = [
    "MAX_TEXT_CHARS",
    "WRITTEN_MAX",
    "Mention",
    "extract_domains",
    "find_linked_mentions",
    "find_mentions",
    "is_registrable_domain",
    "registrable_domain",
]
