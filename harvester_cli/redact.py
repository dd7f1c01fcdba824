"""The one redaction layer for everything that leaves the process.

Every text that reaches stdout, stderr, a log line, `job_status`, `system_logs`, the
dead-letter queue or a webhook body goes through `scrub()`. It hides:

- every registered secret value (the settings register theirs while they load, before any
  value is validated, so a setting that fails to validate is never echoed), in its raw,
  URL-encoded (`quote`, `quote_plus`), JSON-escaped, repr-escaped and HTML-escaped forms,
  whatever the case (a server that echoes a secret upper-cased or percent-encoded in
  lower-case hex is caught too);
- credentials inside any URL or form body: the password of the user-info
  (`scheme://user:PASSWORD@host`, the password may hold `/` or `@`), and the value of
  credential-looking parameters (`token`, `key`, `secret`, `signature`, `sig`, `password`,
  `access_token`, `client_secret`, `api_key`, ...), also as JSON members;
- bearer tokens and TikTok-style access tokens (`clt.…`, `act.…`), which no setting knows.

Imports nothing from the project: every layer may use it.
"""

from __future__ import annotations

import html
import json
import re
import threading
from collections.abc import Iterable
from urllib.parse import quote, quote_plus, unquote

REDACTED = "********"
#: shorter values are not registered: masking them would mangle ordinary text
MIN_SECRET_LENGTH = 4
#: fragments of a password split at a URL delimiter are registered from this length on, and a
#: secret cut short (a message shortened to its first N characters) is masked from this length on
MIN_FRAGMENT_LENGTH = 6
#: what marks text that was cut short: an ellipsis or three dots
_CUT = r"(?=\u2026|\.\.\.)"

_lock = threading.Lock()
_registered: dict[str, None] = {}  # an ordered set
_compiled: tuple[re.Pattern, re.Pattern] | None = None
_compiled_for: tuple[str, ...] = ()

# names whose value is a credential: anything ending in secret/token/password/signature/credential,
# the usual key names (api_key, client_key, ...; never a bare `*_key` such as item_key), and in
# query strings and form bodies also the bare `key`, `sig` and `pwd`
_CREDENTIAL_NAME = (
    r"(?:[\w.-]*[_.-])?(?:secret|access_token|refresh_token|token|password|passwd|signature|"
    r"credentials?|(?:x[_-])?api[_-]?key|(?:client|access|secret|private|subscription)[_-]?key)"
)
# scheme://user:password@  - the password runs to the last '@' of the URL-like token
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)([^\s/?#@:\"'<>]*):([^\s\"'<>]*)@")
# name=value in a query string, a form body or a log line (the value possibly quoted); the bare
# `key`, `sig` and `pwd` only as a parameter of a query string or form body (after ? & ;)
_PARAM = re.compile(
    r"(?i)(?:(?<![\w.-])|(?<=[?&;]))(" + _CREDENTIAL_NAME + r"=['\"]?|(?<=[?&;])(?:key|sig|pwd)=)"
    r"([^&\s\"'<>#]+)"
)
# "name": "value" in JSON
_JSON_MEMBER = re.compile(r"(?i)(\"" + _CREDENTIAL_NAME + r"\"\s*:\s*\")((?:[^\"\\]|\\.)+)(\")")
_BEARER = re.compile(r"(?i)\b(bearer(?:\s+|%20|\+))([A-Za-z0-9._~+/=-]{8,})")
_ACCESS_TOKEN = re.compile(r"(?i)(?<![a-z])(?:clt|act|rft)\.[A-Za-z0-9._~+/=!*-]{16,}")


def forms(secret: str) -> set[str]:
    """The ways a secret can be written back to us."""
    found = {
        secret,
        secret.casefold(),
        html.escape(secret),
        repr(secret)[1:-1],
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
        json.dumps(secret)[1:-1].replace("/", "\\/"),
    }
    # a byte that was not UTF-8 (a lone surrogate from argv or environ) is sent as that byte
    for errors in ("strict", "surrogateescape"):
        try:
            encoded = {
                quote(secret, safe="", errors=errors),
                quote(secret, errors=errors),
                quote_plus(secret, errors=errors),
                quote_plus(secret, safe="", errors=errors),
            }
        except UnicodeEncodeError:
            continue
        # a server that URL-encodes the (URL-encoded) form body it received, or JSON-escapes it
        found |= encoded | {quote(e, safe="") for e in encoded} | {json.dumps(e)[1:-1] for e in encoded}
    return {f for f in found if len(f) >= MIN_SECRET_LENGTH}


def register(*values: str | None) -> None:
    """Secrets that must never leave the process (each value and its forms)."""
    global _compiled
    with _lock:
        for value in values:
            if isinstance(value, str) and len(value) >= MIN_SECRET_LENGTH and value != REDACTED:
                if value not in _registered:
                    _registered[value] = None
                    _compiled = None


def register_url(url: str | None, *, whole: bool = False) -> None:
    """The credentials of a URL: its user-info password (and, for a secret URL, the URL itself
    and its path and query, which servers echo alone)."""
    if not url:
        return
    password = url_password(url)
    if password:
        register(password, unquote(password))
        for part in re.split(r"[@/:?#]", password) + re.split(r"[@/:?#]", unquote(password)):
            if len(part) >= MIN_FRAGMENT_LENGTH:
                register(part)
    if whole:
        register(url.strip(), url.strip().rstrip("/"))
        rest = url.split("://", 1)[-1]
        slash = rest.find("/")
        tail = rest[slash:] if slash >= 0 else ""
        if len(tail.strip("/")) >= 8:
            register(tail, tail.strip("/"))


def url_password(url: str) -> str | None:
    """The password of `scheme://user:password@host/...`, which may hold '/' or '@' unencoded."""
    if "://" not in url:
        return None
    rest = url.split("://", 1)[1]
    if "@" not in rest:
        return None
    userinfo = rest.rsplit("@", 1)[0]
    if ":" not in userinfo:
        return None
    return userinfo.split(":", 1)[1] or None


def registered() -> tuple[str, ...]:
    with _lock:
        return tuple(_registered)


def reset() -> None:
    """Forget every registered secret (a new command in the same process)."""
    global _compiled
    with _lock:
        _registered.clear()
        _compiled = None


def _alternation(texts: Iterable[str]) -> str:
    return "|".join(re.escape(t) for t in sorted(set(texts), key=len, reverse=True))  # the longest wins


def _pattern(extra: tuple[str, ...]) -> tuple[re.Pattern, re.Pattern] | None:
    """(every form of every secret, the start of one cut short), compiled once per set of secrets."""
    global _compiled, _compiled_for
    with _lock:
        values = tuple(_registered) + tuple(v for v in extra if v and v not in _registered)
        if _compiled_for == values and (_compiled is not None or not values):
            return _compiled
        every: set[str] = set()
        for value in values:
            if len(value) >= MIN_SECRET_LENGTH:
                every |= forms(value)
        if not every:
            _compiled, _compiled_for = None, values
            return None
        starts = {form[:n] for form in every for n in range(MIN_FRAGMENT_LENGTH, len(form))}
        _compiled = (
            re.compile(_alternation(every), re.IGNORECASE),
            re.compile(f"(?:{_alternation(starts) or '(?!)'}){_CUT}", re.IGNORECASE),
        )
        _compiled_for = values
        return _compiled


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """The text with every known secret and every credential-looking value masked."""
    if not text:
        return text
    if not isinstance(text, str):
        text = str(text)
    extra = tuple(s for s in secrets if isinstance(s, str) and len(s) >= MIN_SECRET_LENGTH)
    patterns = _pattern(extra)
    if patterns is not None:
        whole, cut_short = patterns
        text = whole.sub(REDACTED, text)
        if "\u2026" in text or "..." in text:
            text = cut_short.sub(REDACTED, text)
    if "://" in text:
        text = _USERINFO.sub(lambda m: f"{m.group(1)}{m.group(2)}:{REDACTED}@", text)
    if "=" in text:
        text = _PARAM.sub(lambda m: m.group(1) + REDACTED, text)
    if '"' in text:
        text = _JSON_MEMBER.sub(lambda m: m.group(1) + REDACTED + m.group(3), text)
    text = _BEARER.sub(lambda m: m.group(1) + REDACTED, text)
    return _ACCESS_TOKEN.sub(REDACTED, text)


def redact_url(url: str) -> str:
    """A URL fit to show: its password and credential parameters hidden."""
    return scrub(url)
