"""Find the registrable domains that a comment mentions.

One precompiled scanner does the work.  At each position it tries, in order:

1. a URL with a scheme (``https://``, ``http://``, ``ftp://``, defanged ``hxxp://``):
   the host is taken liberally (Unicode, symbols), the path/query is consumed
   so that names inside it never count;
2. an e-mail address, masked ones included (``a***@***``): consumed, ignored;
3. an ``@mention`` (``@jake.tv``): consumed, ignored;
4. a bare host name: labels joined by a dot, a defanged dot (``[.]`` ``(.)``
   ``[dot]`` ``(dot)``), a spelled-out `` dot `` or the comment language's word for
   it (`` kropka ``, `` nokta ``, `` chấm ``, `` точка ``, ``ドット``, ``จุด``, ...: see
   ``words_world``), a dot with a space on each side, or a dot-like that IDNA maps to
   ``.`` (``．``; ``。`` and ``｡`` before a Latin letter or digit), ending in a letter
   label that is not followed by a letter or digit of its own script.

Labels are runs of one script (Latin, CJK, or another one such as Cyrillic, Thai,
Arabic), so a name ends where the script changes ("lazada.co.thค่ะ", "ozon.ruпо");
default-ignorable characters inside a name (zero-width space and joiners, word joiner,
soft hyphen, BOM, bidi marks, hangul fillers) are removed as browsers remove them
("tem\u200bu.com" is temu.com), and a name never starts right after a letter and such a
character.  A name in Japanese or Thai, written without spaces, starts at the last change
between kana and kanji or after the last Thai word for "at"/"from"/"web"; a top-level label
in those scripts may run into the next word ("ร้านค้า.ไทยค่ะ").

Every host is then canonicalised (NFKC, lower case, punycode decoded) and
looked up in the Public Suffix List (private section included); bare names go
through heuristics that reject file names, run-on sentences and the like (see
:func:`_plausible`).  A quick pre-check skips texts that cannot contain a name.

Only the first MAX_TEXT_CHARS (10,000) characters of a text are looked at, cut back to the
last white space before that point (so a name is never cut in two), which keeps time and
memory per text bounded whatever arrives: the regular expression engine needs a few hundred
bytes per character of one long run such as ``a.a.a.…com``.  Host names longer than a DNS
name can be (127 labels) are refused before their labels are examined.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

from .psl import SuffixList, default_list, icann_list
from .words import (
    COMMON_WORDS,
    CORPORATE_TLDS,
    FILE_STEM_RE,
    FILE_STEMS,
    FILE_TLDS_STRONG,
    FILE_TLDS_WEAK,
    KNOWN_SITES,
    MAIL_SERVICES,
    NEVER_WORD_TLDS,
    NOT_SITES,
    PLACE_TLDS,
    PT_AFTER_COM,
    RUN_ON_ENDINGS,
    RUN_ON_TAILS,
    STOP_WORDS,
    WORD_TLDS_EXTRA,
)
from .words_world import (
    DOT_WORDS_GLUED,
    DOT_WORDS_SPACED,
    KNOWN_SITES_WORLD,
    MARKERS,
    NOT_DOT_PAIRS,
    THAI_CUES,
)
from .words_world import (
    STOP as STOP_WORLD,
)
from .words_world import (
    WORDS as WORDS_WORLD,
)

__all__ = [
    "MAX_TEXT_CHARS",
    "Mention",
    "extract_domains",
    "find_mentions",
    "is_registrable_domain",
    "registrable_domain",
]

WRITTEN_MAX = 200
#: the most characters of one text the extractor looks at (see the module docstring)
MAX_TEXT_CHARS = 10_000
#: a cut inside the last this many characters before the cap moves back to white space
_CUT_BACK = 300
#: more labels than a host name can have (at most 253 characters: 127 one-letter labels)
_MAX_LABELS = 128


class Mention(NamedTuple):
    """One domain a text mentions, with the text as written at its first occurrence."""

    domain: str
    written: str


# --------------------------------------------------------------------------- patterns

# Scripts written without spaces: a bare name never runs into them (twitter-text does the same).
_CJK = (
    "\u1100-\u11ff\u2e80-\u2fdf\u2ff0-\u303f\u3040-\u30ff\u3100-\u312f\u3130-\u318f"
    "\u31a0-\u31ff\u3200-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7ff"
    "\uf900-\ufaff\uff66-\uffdc\U00020000-\U0003134f"
)
# The letters of those scripts that a host label may hold (kana, the prolonged sound mark,
# ideographs and their iteration mark, hangul; not their punctuation).
_CJK_L = (
    "\u3005\u3041-\u3096\u309d-\u309f\u30a1-\u30fa\u30fc-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7a3\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003134f"
)
# Full-width punctuation and symbols (not the full-width letters, digits or full stop).
_FW_PUNCT = "\uff01-\uff0d\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\uffe0-\uffee"
# Default-ignorable characters (zero-width space/joiners, word joiner, soft hyphen, BOM,
# bidi marks, variation selectors, tags): browsers and IDNA drop them from a host name, so
# inside a name they are removed, never taken for its end ("tem\u200bu.com" is temu.com).
_IGN = (
    "\u00ad\u034f\u061c\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f"
    "\ufe00-\ufe0f\ufeff\U0001bca0-\U0001bca3\U000e0000-\U000e0fff"
    "\u115f\u1160\u3164\uffa0"  # the hangul fillers, letters that show as nothing
)
_IGN_RE = re.compile(f"[{_IGN}]")
_IGN_CHARS = "\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\ufeff"
# Latin letters (ASCII, Latin-1, Latin Extended, Vietnamese, full-width) and their combining
# marks: a Latin label ends where another script starts ("lazada.co.thค่ะ", "ozon.ruпо").
_LAT = (
    "A-Za-z\u00aa\u00b5\u00ba\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02af\u1e00-\u1eff"
    "\u2c60-\u2c7f\ua720-\ua7ff\uff21-\uff3a\uff41-\uff5a"
)
_LAT_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\ufe20-\ufe2f"
# Combining marks of other scripts, which \w does not match (Thai vowels and tone marks,
# Arabic harakat, Hebrew points, Indic vowel signs): part of the word they sit on.
_OTH_MARKS = (
    "\u0483-\u0489\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7\u0610-\u061a"
    "\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e4\u06e7\u06e8\u06ea-\u06ed"
    "\u0900-\u0903\u093a-\u094f\u0951-\u0957\u0962\u0963\u0981-\u0983\u09bc-\u09d7"
    "\u0e31\u0e34-\u0e3a\u0e47-\u0e4e\u0eb1\u0eb4-\u0ebc\u0ec8-\u0ecd"
)
_LATW = rf"[{_LAT}{_LAT_MARKS}0-9_\uff10-\uff19]"  # a character of a Latin label
_LATL = rf"[{_LAT}{_LAT_MARKS}]"  # a character of a Latin top-level label
_OTHW = rf"(?:[^\W{_LAT}{_CJK}]|[{_OTH_MARKS}])"  # of a label in another script
_OTHL = rf"(?:[^\W\d_{_LAT}{_CJK}]|[{_OTH_MARKS}])"
_CJKW = rf"[{_CJK_L}]"
_OTH1 = rf"[^\W{_LAT}{_CJK}]"  # a letter or digit of another script (no combining mark)
_W = rf"[^\W{_CJK}]"  # any word character but CJK
_J = rf"[\-{_IGN}]+"  # what may join the parts of one label: hyphens, ignorable characters
# (possessive: a label never gives back part of a run of its letters)
_LAT_LABEL = rf"{_LATW}++(?:{_J}{_LATW}++)*+"
_OTH_LABEL = rf"{_OTHW}++(?:{_J}{_OTHW}++)*+"
_CJK_LABEL = rf"{_CJKW}++(?:{_J}{_CJKW}++)*+"
_LABEL = rf"(?:{_LAT_LABEL}|{_OTH_LABEL}|{_CJK_LABEL})"
# The first label: it does not start inside a word of its own script, nor after such a word
# and an ignorable character ("tem\u200bu.com" never yields "u.com").
_FIRST_LABEL = (
    rf"(?:(?<!{_LATW})(?<!{_LATW}[{_IGN}])(?<!{_LATW}[{_IGN}]{{2}}){_LAT_LABEL}"
    rf"|(?<!{_OTHW})(?<![^\W{_LAT}{_CJK}][{_IGN}]){_OTH_LABEL}"
    rf"|(?<!{_CJKW}){_CJK_LABEL})"
)
_TLD = (
    rf"(?:[xX][nN]--[a-zA-Z0-9]+(?:-+[a-zA-Z0-9]+)*(?!{_LATW})"
    rf"|{_LATL}++(?:[{_IGN}]++{_LATL}++)*+(?!{_LATW})(?!{_J}{_LATW})"
    rf"|{_OTHL}++(?:[{_IGN}]++{_OTHL}++)*+(?!{_OTHW})(?!{_J}{_OTHW})"
    rf"|{_CJKW}++(?:[{_IGN}]++{_CJKW}++)*+)"
)
_DOT_WORD = r"[dD][oO][tT]"
_SP = "[ \t\u00a0\u3000]"  # the spaces around a spelled-out dot (no-break, ideographic too)


def _any_case(word: str) -> str:
    return "".join(f"[{c.lower()}{c.upper()}]" if c.lower() != c.upper() else re.escape(c) for c in word)


# (spelled out in both cases, and behind a look-ahead on their first letters, which keeps
# the scanner fast: it tries them after every space)
_NATIVE_SPACED = (
    "(?=["
    + "".join(sorted({c for w in DOT_WORDS_SPACED for c in (w[0].lower(), w[0].upper())}))
    + "])(?:"
    + "|".join(_any_case(w) for w in DOT_WORDS_SPACED)
    + ")"
)
_NATIVE_GLUED = "(?:" + "|".join(DOT_WORDS_GLUED) + ")"
# The dot-likes that IDNA maps to ".": full-width "．" always; ideographic "。" and
# half-width "｡" only before a Latin letter or digit (a "。" ending a Japanese sentence
# before more Japanese is a full stop).
_IDEO_DOT = "[\u3002\uff61](?=[A-Za-z0-9\uff21-\uff3a\uff41-\uff5a\uff10-\uff19])"
_SEP = (
    rf"(?:[{_IGN}]*+(?:[.\uff0e]|{_IDEO_DOT})[{_IGN}]*+"
    rf"|{_SP}*+(?:[\[({{<]{_SP}*+(?:\.|{_DOT_WORD}){_SP}*+[\])}}>]{_SP}*+"
    rf"|{_NATIVE_GLUED}{_SP}*+(?=[A-Za-z0-9])"
    rf"|(?<={_SP})(?:{_DOT_WORD}|{_NATIVE_SPACED}|\.){_SP}++))"
)
# Characters of a URL path or query.  Stops at white space, quotes, brackets, CJK and emoji.
_PATH_CH = (
    rf"[^\s<>\"'`{{}}|\\^\[\]\u2018-\u201f\u00ab\u00bb\u2600-\u27bf"
    rf"\U0001f000-\U0001faff{_CJK}{_FW_PUNCT}]"
)
# Host characters after a scheme: anything a host may hold, symbols and emoji included
# (``http://✪df.ws``); a trailing emoji is cut off when the name is resolved.
_URL_HOST_CH = rf"(?:[\w\-.\uff0e{_IGN}{_OTH_MARKS}\u2190-\u2bff\U0001f000-\U0001faff]|{_IDEO_DOT})"

_SCANNER = re.compile(
    rf"""
    # Gate: every alternative starts a word or an @, and no alternative starts inside a
    # word of the same script (CJK excepted), so most positions fail on a few checks.
    # (not after a letter of the same script; after a Latin one only when another starts)
    (?=[\w@\uff20])(?:(?<!{_LATW})(?:(?<!{_OTH1})|(?!{_OTH1}))|(?={_OTH1})(?<={_LATW}))
    (?:
    (?P<url>(?<![A-Za-z0-9+.\-])
        (?:[hH][tTxX]{{2}}[pP][sS]?|[fF][tT][pP][sS]?)://
        (?:[^\s/?\#@<>"'`\[\]]*@)?
        (?P<uh>{_URL_HOST_CH}+)
        (?::\d{{1,5}}(?!\d))?
        (?P<up>[/?\#]{_PATH_CH}*)?
    )
    |(?P<email>(?<![\w.+%'*@\uff20\-])[\w.+%'*\-{_IGN}]++[@\uff20][\w.*\-{_IGN}]*)
    |(?P<mention>[@\uff20][\w.{_IGN}]+)
    |(?P<host>(?:(?<![\-.\uff0e@\uff20])|(?<=\.\.))
        {_FIRST_LABEL}(?:{_SEP}{_LABEL})*{_SEP}{_TLD})
        (?P<path>/{_PATH_CH}*|\?(?=[\w%.\-]+=){_PATH_CH}*)?
    )""",
    re.VERBOSE,
)

_SEP_SPLIT = re.compile(_SEP)
_SPACED_SEP = re.compile(rf"{_SP}+({_DOT_WORD}|{_NATIVE_SPACED}|\.){_SP}+")
_PLAIN_HOST = re.compile(rf"[^\s\[\](){{}}<>\uff0e\u3002\uff61{_IGN}]+")
_GLUED_SEP = re.compile(_NATIVE_GLUED)
_URL_SPLIT = re.compile(r"[.\uff0e\u3002\uff61]")
_BRACKET_SEP = re.compile(r"[\[({<]")
_ASCII_LABEL = re.compile(r"[a-z0-9_]+(?:-+[a-z0-9_]+)*")
_WWW = re.compile(r"www\d{0,2}")
_LAUGH = re.compile(
    r"(?:[hjk][aeiu]){2,}h?|k{3,}|(?:wk)+w?k?|(?:rs)+|(?:js)+j?|(?:sj)+s?|l+o+l+|lmf?a+o+|x+d+|"
    r"a+w+|hm{2,}|m{3,}|"
    r"u+g+h+|a+h+|o+h+|e+h+|u+h+|h+a+h*|j+a+j*|z+|w+o+w+|y+a+y*|o+k+|n+o+|y+e+s+|s+i+|a+y+|"
    r"u+y+|o+m+g+"
)
_PT_VERB = re.compile(r"\w{2,}(?:ei|ou|ando|endo|indo|ado|ada|ido|ida|amos|emos|imos)")
_NEXT_WORD = re.compile(r"\s+([^\W\d_]+)")
_PRECHECK = re.compile(
    rf"[.\uff0e](?:[^\W\d_]|[{_IGN}])|{_IDEO_DOT}|{_SP}\.{_SP}|\.{_SP}*[\])}}>]|[dD][oO][tT]|://"
    rf"|{_SP}{_NATIVE_SPACED}|{_NATIVE_GLUED}"
)

# --------------------------------------------------------------------------- labels


def _nfkc_lower(s: str) -> str:
    s = unicodedata.normalize("NFKC", s).lower()
    t = unicodedata.normalize("NFKC", s)
    if t != s:
        t = unicodedata.normalize("NFKC", t.lower())
    return t


def _unicode_label_ok(label: str) -> bool:
    # Letters and digits of any script, "-", and the symbol/emoji blocks a URL host may
    # hold ("✪df.ws", "💩.la"): exactly what the scanner reads back, so every stored
    # domain is found again when written as a URL.  Combining marks count after a letter
    # (Thai vowels and tone marks, Arabic harakat: "ร้านค้า").
    for i, ch in enumerate(label):
        if ch == "-" or ch.isalnum():
            continue
        if i and unicodedata.category(ch) in ("Mn", "Mc"):
            continue
        if "\u2190" <= ch <= "\u2bff" or "\U0001f000" <= ch <= "\U0001faff":
            continue
        return False
    try:
        encoded = label.encode("punycode")
    except (UnicodeError, ValueError):  # pragma: no cover - defensive
        return False
    return len(encoded) + 4 <= 63


def _canon_label(label: str) -> str | None:
    """Canonical form of one host label, or None when it cannot be a host label."""
    if not label.isascii():
        # Default-ignorable characters are dropped as IDNA does; a Turkish dotted capital I
        # is the i a Turkish keyboard writes ("HEPSİBURADA.COM"), not "i" + U+0307.
        label = _nfkc_lower(_IGN_RE.sub("", label).replace("\u0130", "I"))
    else:
        label = label.lower()
    if label.startswith("xn--"):
        if not label.isascii():
            return None
        try:
            decoded = label[4:].encode("ascii").decode("punycode")
        except (UnicodeError, ValueError):
            return None
        if not decoded or decoded.isascii():
            return None
        label = _nfkc_lower(decoded)
    if not label or len(label) > 63:
        return None
    if label.isascii():
        if not _ASCII_LABEL.fullmatch(label) or label[0] == "_" or label[-1] == "_":
            return None
        return label
    if label[0] == "-" or label[-1] == "-" or not _unicode_label_ok(label):
        return None
    return label


def _canon_labels(labels: list[str]) -> list[str] | None:
    out = []
    for raw in labels:
        c = _canon_label(raw)
        if c is None:
            return None
        out.append(c)
    if sum(len(x) + 1 for x in out) > 254:
        return None
    return out


def _registrable_of(labels: list[str], psl: SuffixList) -> tuple[str, int] | None:
    """(registrable domain, number of labels before it) for canonical labels."""
    k = psl.suffix_length(labels)
    n = len(labels)
    if k and k >= n and psl.include_private:
        # The host is itself a private-section suffix ("github.io", "carrd.co"):
        # a mention of the platform's own site, counted as its ICANN eTLD+1.
        k = icann_list().suffix_length(labels)
    if not k or k >= n:
        return None
    head = n - k - 1
    if "_" in labels[head]:
        return None
    return ".".join(labels[head:]), head


# --------------------------------------------------------------------------- heuristics

_word_tlds: frozenset[str] | None = None


def _get_word_tlds(psl: SuffixList) -> frozenset[str]:
    global _word_tlds
    if _word_tlds is None:
        _word_tlds = frozenset(((COMMON_WORDS | WORD_TLDS_EXTRA) & psl.tlds) - NEVER_WORD_TLDS)
    return _word_tlds


_REPEATS = re.compile(r"(.)\1{2,}")


def _capitalized(written: str) -> bool:
    """A label written like the first word of a sentence ("So", "Es"; not "SO", "so")."""
    return len(written) >= 2 and written[0].isupper() and written[1:].islower()


def _is_wordish(label: str) -> bool:
    """A word of the comment languages, chat slang or a laugh ("lindaaa" -> "linda")."""
    if label in COMMON_WORDS or _LAUGH.fullmatch(label) is not None:
        return True
    if _REPEATS.search(label):
        return _REPEATS.sub(r"\1", label) in COMMON_WORDS or _REPEATS.sub(r"\1\1", label) in COMMON_WORDS
    return False


# "jess at gmail", "jess[at]gmail", "jess (at) gmail", "jess @ gmail": what precedes a mail host.
_AT_BEFORE = re.compile(r"(?:[\w.+\-]\s*(?:[\[({<]\s*at\s*[\])}>]|[@\uff20])|\w\s+at)\s*$", re.IGNORECASE)
_USER_AT_BEFORE = re.compile(r"(?:^|[\s:,;(])([\w.+\-]+)\s+at\s+$", re.IGNORECASE)
_MAIL_LOCAL_PARTS = frozenset(
    [
        "name",
        "user",
        "username",
        "yourname",
        "firstname",
        "lastname",
        "info",
        "contact",
        "hello",
        "support",
        "sales",
        "admin",
        "help",
        "orders",
        "team",
        "press",
        "office",
        "mail",
        "email",
        "kontakt",
        "ventas",
        "contato",
        "atendimento",
    ]
)
_USERISH = re.compile(r"[\d._+]")
# "use code TIKTOK20 at shein dot com": the word before "at" is a discount code, not a mailbox
_CODE_AT_BEFORE = re.compile(r"\b(?:code|coupon|promo)\s*:?\s*[\w.+\-]+\s+at\s+$", re.IGNORECASE)
_MAIL_CUE = re.compile(r"mail|correo|contact|kontakt|escr[ií]b|escrev|schreib|write|reach", re.IGNORECASE)
_BRACKET_AT_BEFORE = re.compile(r"[\w.+\-]\s*[\[({<]\s*at\s*[\])}>]\s*$", re.IGNORECASE)


_world_tlds: dict[str, tuple[frozenset[str], ...]] | None = None


_world_markers: dict[str, re.Pattern[str]] = {}


def _get_world_tlds(psl: SuffixList) -> dict[str, tuple[frozenset[str], ...]]:
    """TLDs that read as a word of one of the languages of issue 14, with the word lists of
    the languages in which they do ("ve": Turkish "and", "co": Polish "what")."""
    global _world_tlds
    if _world_tlds is None:
        table: dict[str, list[frozenset[str]]] = {}
        markers: dict[str, list[str]] = {}
        for lang, words in WORDS_WORLD.items():
            for tld in words & psl.tlds:
                table.setdefault(tld, []).append(words)
                if lang in MARKERS:
                    markers.setdefault(tld, []).append(MARKERS[lang])
        for tld, letters in markers.items():
            _world_markers[tld] = re.compile("[" + "".join(letters) + "]")
        _world_tlds = {tld: tuple(ws) for tld, ws in table.items()}
    return _world_tlds


def _cyrillic(s: str) -> bool:
    return "\u0400" <= s[:1] <= "\u052f"


def _is_wordish_any(label: str) -> bool:
    """A word of any comment language, the ten of issue 14 included."""
    return _is_wordish(label) or any(label in ws for ws in WORDS_WORLD.values())


# The suffixes a name in CJK script may have when an ideographic full stop stands for its dot
# ("ヨドバシ。com"); after a Japanese sentence ("最高。Amazonで") anything else is prose.
# Dot words that also mean "a point" in ordinary prose (English and French "point").
_POINT_WORDS = frozenset({"point", "punto", "punt", "ponto", "punkt"})

_IDEO_SUFFIXES = frozenset("com net org jp co.jp ne.jp or.jp ac.jp cn com.cn tw com.tw kr co.kr hk com.hk".split())


def _plausible(
    domain: str,
    labels: list[str],
    head: int,
    *,
    spaced: bool,
    strong: bool,
    text: str,
    start: int,
    end: int,
    tld_written: str,
    psl: SuffixList,
    native: str | None = None,
    ideo_head: bool = False,
) -> bool:
    """Whether a bare (scheme-less) name is a real mention rather than prose or a file."""
    before = text[max(0, start - 40) : start]
    if _BRACKET_AT_BEFORE.search(before):
        return False  # "jess[at]example[dot]com": an obfuscated e-mail address
    name = labels[head]
    if name in MAIL_SERVICES and _AT_BEFORE.search(before):
        return False  # "jess at gmail dot com", "jess @ gmail.com"
    if spaced:
        m = _USER_AT_BEFORE.search(before)
        if m:
            user = m.group(1).lower()
            if user in _MAIL_LOCAL_PARTS:
                return False  # "info at brand dot com", "name at brand dot com"
            if (
                not _is_wordish(user)
                and not _CODE_AT_BEFORE.search(before)
                and (_USERISH.search(user) or _MAIL_CUE.search(text, max(0, start - 60), start))
            ):
                # "email me: jess at jessbrand dot com", "jess.m at brand dot com",
                # but not "available at nordstrom dot com"
                return False
    if domain in KNOWN_SITES or domain in KNOWN_SITES_WORLD:
        return True
    if domain in NOT_SITES:
        return False
    if name.isdigit() or _WWW.fullmatch(name):
        return False
    suffix_labels = labels[head + 1 :]
    tld = suffix_labels[0] if len(suffix_labels) == 1 else None
    # "berlin.de", "paris.fr": a place under its own country's TLD is the place's site;
    # "Madrid.Es precioso" (the TLD written as a sentence start) is still prose.
    place = tld is not None and tld in PLACE_TLDS.get(name, ()) and not _capitalized(tld_written)
    if tld is None and not strong and _is_wordish(name):
        # "this.is.it": every label of a multi-label suffix reads as a word too.
        word_tlds = _get_word_tlds(psl)
        if all(x in word_tlds for x in suffix_labels):
            return False
    if tld is not None:
        if tld in FILE_TLDS_STRONG and not strong:
            return False
        if tld in FILE_TLDS_WEAK and not strong and (name in FILE_STEMS or FILE_STEM_RE.fullmatch(name)):
            return False
        if tld in CORPORATE_TLDS and not strong:
            return False
        if not strong and not place and tld in _get_word_tlds(psl):
            if _is_wordish(name):
                return False
            if tld not in _SHOP_CCTLDS and _capitalized(tld_written):
                return False  # "Sarah.So pretty": a sentence starting after a missing space
            for tlds, ending in RUN_ON_ENDINGS:
                if tld in tlds and ending.fullmatch(name):
                    return False
        if tld == "com" and not strong and (_is_wordish(name) or _PT_VERB.fullmatch(name)):
            m = _NEXT_WORD.match(text, end)
            if m and m.group(1).lower() in PT_AFTER_COM:
                return False  # Portuguese "com" is "with": "amei.com certeza"
    if ideo_head:
        # "ヨドバシ。com": a CJK name, an ideographic full stop, a Latin suffix, only for the
        # suffixes such names have and not written as a sentence start ("すごい。Shopで").
        suffix = ".".join(suffix_labels)
        if suffix not in _IDEO_SUFFIXES or _capitalized(tld_written):
            return False
    world = _get_world_tlds(psl)
    if tld is not None and not strong and not place:
        langs = world.get(tld)
        if langs is not None:
            if any(name in ws for ws in langs):
                return False  # "güzel.ve ucuz", "świetne.co za", "bellissima.io"
            marker = _world_markers.get(tld)
            if marker is not None and marker.search(name):
                return False  # "Beğendim.De biraz", "dostałam.co za"
            if _cyrillic(name) and _cyrillic(tld):
                return False  # "быстро.дети": Cyrillic word TLDs end a sentence
            nxt = _NEXT_WORD.match(text, end)
            if tld not in _SHOP_CCTLDS and nxt is not None and any(nxt.group(1).lower() in ws for ws in langs):
                # "wczoraj.to jest", "aldım.ne güzel": the sentence goes on (not for the shop
                # ccTLDs: "douglas.de y llegó", "zalando.de had it" are sites)
                return False
            if (
                tld not in _SHOP_CCTLDS
                and _capitalized(tld_written)
                and (tld not in NEVER_WORD_TLDS or _is_wordish_any(name))
            ):
                return False  # "génial.Je commande", "Супер.Дети": a sentence starts
        if len(name) == 1 and text[end : end + 1] == "." and (tld in _get_word_tlds(psl) or tld in world):
            return False  # "m.in.", "p.es.": an abbreviation
    if spaced and not strong:
        if name in STOP_WORDS or name in STOP_WORLD or _LAUGH.fullmatch(name):
            return False  # "the dot com bubble", "love it . com", "le point de vue"
        if (
            tld is not None
            and not place
            and (tld in _get_word_tlds(psl) or tld in world)
            and (_is_wordish(name) if native is None else _is_wordish_any(name))
        ):
            return False  # "I love you . so much"
        if native is not None:
            if len(name) < 2 or (native, suffix_labels[0]) in NOT_DOT_PAIRS:
                return False  # "un point de départ"
            if native in _POINT_WORDS and _is_wordish_any(name):
                return False  # "a great point com...": "point" is a word of its own
            if any(name in ws for ws in WORDS_WORLD.values()):
                return False  # "điểm chấm vn", "tak jest kropka pl": a sentence
    return True


# --------------------------------------------------------------------------- scanning


def _resolve_url_host(host: str, psl: SuffixList) -> str | None:
    host = host.rstrip(".\uff0e\u3002\uff61" + _IGN_CHARS)
    if not host:
        return None
    # (a host name has at most 127 labels: more are never split off and never examined)
    raw = _URL_SPLIT.split(host, maxsplit=_MAX_LABELS)
    labels = _canon_labels(raw) if len(raw) <= _MAX_LABELS else None
    if labels is not None:
        r = _registrable_of(labels, psl)
        if r is not None:
            return r[0]
    # Fallback: the host ran into trailing text ("example.comだよね", "temu.com✨").
    for j in range(min(len(raw) - 1, _MAX_LABELS - 1), 0, -1):
        last = raw[j]
        cut = _cut_label(last)
        if cut is None or cut == last:
            continue
        labels = _canon_labels(raw[:j] + [cut])
        if labels is None:
            continue
        r = _registrable_of(labels, psl)
        if r is not None:
            return r[0]
    return None


_CUT_RE = re.compile(r"[A-Za-z0-9\-]+|[^\W_]+")


def _cut_label(label: str) -> str | None:
    m = _CUT_RE.match(label)
    return m.group(0) if m else None


def _written(s: str) -> str:
    s = s.rstrip(".,;:!?")
    if s.endswith(")") and s.count("(") < s.count(")"):
        s = s[:-1].rstrip(".,;:!?")
    return s[:WRITTEN_MAX]


# French and Italian elisions before a name: "d'aliexpress.com", "dall'app", "sull'unieuro.it"
_ELISIONS = frozenset("l d j qu c n s m t jusqu lorsqu puisqu dell dall all sull nell coll quell un bell".split())
_NAME_AFTER_ELISION = re.compile(r"[^\W\d_]{3,}")


def _elided(text: str, start: int) -> bool:
    """Whether the apostrophe before ``start`` ends an elided article or preposition
    ("d'", "l'", "dall'") and a word of three letters or more follows it (not "it's.so")."""
    i = start - 1
    while i > 0 and text[i - 1].isalpha() and start - i < 8:
        i -= 1
    if i > 0 and text[i - 1].isalnum():
        return False
    return text[i : start - 1].lower() in _ELISIONS and _NAME_AFTER_ELISION.match(text, start) is not None


def _context_rejects(text: str, start: int, end: int) -> bool:
    """Masked text, path segments and e-mail-like glue around a bare name."""
    if start:
        prev = text[start - 1]
        if prev in "'\u2019":
            if start >= 2 and text[start - 2].isalpha() and not _elided(text, start):
                return True  # "that's.so", "i'm.so": a contraction, not a name
        elif prev == "/":
            if start >= 2:
                p2 = text[start - 2]
                if p2 != "/" and (p2.isalnum() or p2 in "._-~%"):
                    return True
        elif prev == "*":
            i = start - 1
            while i > 0 and text[i - 1] == "*":
                i -= 1
            if i > 0 and text[i - 1].isalnum():
                return True
    if end < len(text):
        nxt = text[end]
        if nxt == "*":
            i = end
            while i < len(text) and text[i] == "*":
                i += 1
            if i < len(text) and (text[i].isalnum() or text[i] in "@\uff20"):
                return True
        elif nxt in "@\uff20":
            return True
    return False


# Country TLDs of the comment languages' markets: "Amazon.De" is written that way.
_SHOP_CCTLDS = frozenset({"de", "es", "at"})


class _HostInfo(NamedTuple):
    """What a bare host text resolves to, independent of the text around it."""

    domain: str
    labels: list[str]  # canonical labels up to the registrable domain's suffix
    head: int  # index of the registrable domain's first label
    tld_written: str  # the last label as written ("So" in "Sarah.So")
    whole: bool  # no trailing labels were dropped
    www: bool
    defanged: bool  # "[.]", "(dot)": written on purpose, never prose
    spaced: bool  # " dot ", " . ", " kropka "
    native: str | None  # the word for "dot" that was used ("kropka"), if one was
    ideo_head: bool  # a CJK name followed by an ideographic full stop ("ヨドバシ。com")
    cut: int  # characters after the top-level label that are not part of it ("ไทยค่ะ")


_host_cache: dict[str, _HostInfo | None] = {}


def _host_info(host: str, psl: SuffixList) -> _HostInfo | None:
    try:
        return _host_cache[host]
    except KeyError:
        pass
    info = _resolve_bare(host, psl)
    if len(_host_cache) > 20_000:
        _host_cache.clear()
    _host_cache[host] = info
    return info


def _no_space_script(ch: str) -> bool:
    """Thai, Lao and the CJK scripts, written without spaces between words."""
    return "\u0e00" <= ch <= "\u0eff" or _CJK_CHAR.match(ch) is not None


_CJK_CHAR = re.compile(f"[{_CJK_L}]")


_SCRIPT_BLOCKS = (
    ("\u0370", "\u03ff"),  # Greek
    ("\u0400", "\u052f"),  # Cyrillic
    ("\u0590", "\u05ff"),  # Hebrew
    ("\u0600", "\u08ff"),  # Arabic
    ("\u0900", "\u0dff"),  # Indic
    ("\u0e00", "\u0eff"),  # Thai, Lao
)


def _script_of(ch: str) -> int:
    for i, (lo, hi) in enumerate(_SCRIPT_BLOCKS):
        if lo <= ch <= hi:
            return i
    return -1


def _script_run(label: str) -> int:
    """Length of the start of ``label`` written in the script of its first letter."""
    first = _script_of(label[0])
    for i, ch in enumerate(label):
        if ch.isalpha() and _script_of(ch) != first:
            return i
    return len(label)


def _tld_prefix(last: str, psl: SuffixList) -> str | None:
    """The longest start of a top-level label in Thai or CJK script that is a top-level domain:
    such a label runs into the words after it ("ร้านค้า.ไทยค่ะ", "twitter.みんなです")."""
    for n in range(min(len(last) - 1, 12), 1, -1):
        c = _canon_label(last[:n])
        if c is not None and c in psl.tlds:
            return last[:n]
    return None


def _resolve_bare(host: str, psl: SuffixList) -> _HostInfo | None:
    defanged = spaced = False
    native: str | None = None
    ideo: list[bool] | None = None
    if _PLAIN_HOST.fullmatch(host) and _GLUED_SEP.search(host) is None:
        raw = host.split(".", _MAX_LABELS)
    else:
        raw = _SEP_SPLIT.split(host, maxsplit=_MAX_LABELS)
    if len(raw) > _MAX_LABELS:
        return None  # more labels than a host name can hold: never a registrable name
    if not _PLAIN_HOST.fullmatch(host) or _GLUED_SEP.search(host) is not None:
        ideo = []
        for i, sep in enumerate(_SEP_SPLIT.findall(host)):
            core = _IGN_RE.sub("", sep)
            ideo.append(core in ("\u3002", "\uff61"))
            if _BRACKET_SEP.search(sep):
                defanged = True
            elif core not in (".", "\uff0e", "\u3002", "\uff61"):
                spaced = True
                word = core.strip(" \t\u00a0\u3000").lower()
                if word not in (".", "dot"):
                    native = word
                    if word in DOT_WORDS_GLUED and not (raw[i].isascii() and raw[i + 1].isascii()):
                        return None  # "ドット", "จุด" only between Latin labels
    cut = 0
    last = raw[-1]
    if not last.isascii() and not _no_space_script(last[0]) and _canon_label(last) not in psl.tlds:
        # a top-level label in one script running into a word of another ("рфค่ะ")
        k = _script_run(last)
        if k < len(last):
            cut, raw[-1] = len(last) - k, last[:k]
    elif _no_space_script(last[0]):
        if ideo and ideo[-1]:
            return None
        c = _canon_label(last)
        if c is None or c not in psl.tlds:
            prefix = _tld_prefix(last, psl)
            if prefix is None:
                return None
            cut = len(last) - len(prefix)
            raw[-1] = prefix
    labels = _canon_labels(raw)
    if labels is None:
        return None
    www = len(labels) >= 3 and _WWW.fullmatch(labels[0]) is not None
    # Longest host first, then drop trailing labels ("shein.com.thanks").
    n = len(labels)
    while n >= 2:
        cand = labels[:n]
        r = _registrable_of(cand, psl)
        if r is not None:
            domain, head = r
            if (
                n > 2
                and (
                    (labels[n - 1] in RUN_ON_TAILS and head < n - 2)
                    or (
                        _capitalized(raw[n - 1])
                        and (labels[n - 1] in _get_word_tlds(psl) or labels[n - 1] in _get_world_tlds(psl))
                    )
                )
                and _registrable_of(labels[: n - 1], psl) is not None
            ):
                # "shein.com.so cheap": com.so is a suffix, but the ".so" starts a sentence;
                # so does a word TLD written as a sentence start ("allegro.pl.To najlepsze").
                n -= 1
                continue
            ideo_head = bool(ideo and ideo[head] and not raw[head].isascii())
            return _HostInfo(
                domain,
                cand,
                head,
                raw[n - 1],
                n == len(labels),
                www,
                defanged,
                spaced,
                native,
                ideo_head,
                cut,
            )
        n -= 1
        if not labels[n - 1][:1].isalpha():
            break
    return None


def _kana_class(ch: str) -> str:
    if "\u3041" <= ch <= "\u309f":
        return "h"
    if "\u30a1" <= ch <= "\u30ff" or "\uff66" <= ch <= "\uff9f":
        return "k"
    if "\uac00" <= ch <= "\ud7a3":
        return "g"
    return "c"


def _trim_start(text: str, start: int, end: int) -> int:
    """Where a host name whose first label is in a script without spaces really starts.

    Japanese: the last run of one kind of character before the dot ("これはヨドバシ.com" ->
    "ヨドバシ", "今日ヨドバシ" -> "ヨドバシ"), an honorific お/ご before kanji kept
    ("私はお名前.com" -> "お名前").  Thai: after the last word that comes before a name
    ("ที่" at, "จาก" from, "เว็บ" web)."""
    j = start
    thai = "\u0e00" <= text[start] <= "\u0e7f"
    while j < end and (("\u0e00" <= text[j] <= "\u0e7f") if thai else _CJK_CHAR.match(text[j]) is not None):
        j += 1
    label = text[start:j]
    if thai:
        best = start
        for cue in THAI_CUES:
            k = label.rfind(cue)
            if k >= 0 and len(label) - (k + len(cue)) >= 2:
                best = max(best, start + k + len(cue))
        return best
    cut = _particle_cut(text, start, j)
    if cut is not None:
        return cut
    k = j - 1
    while k > start and text[k] == "\u30fc":
        k -= 1
    cls = _kana_class(text[k])
    if cls in "hc" and any(_kana_class(ch) in "hk" for ch in label):
        # a name of kanji and kana with no particle before it ("かわいい雑貨", "東京みやげ"):
        # the whole run is the name; cutting at the change of script would keep only its end
        return start
    while k > start and (text[k - 1] == "\u30fc" or _kana_class(text[k - 1]) == cls):
        if not _CJK_CHAR.match(text[k - 1]):
            break
        k -= 1
    if cls == "c" and k > start and text[k - 1] in "\u304a\u3054":  # お ご
        k -= 1
    return k


#: Japanese particles that end the words before a name ("これは|ヨドバシ", "日本語の|東京みやげ").
_PARTICLES = frozenset("\u306f\u304c\u3092\u306b\u3067\u3068\u3082\u3078\u306e\u3084")  # はがをにでともへのや


def _particle_cut(text: str, start: int, end: int) -> int | None:
    """Where the name starts after the last particle that ends a run of hiragana before kanji
    or katakana, keeping an honorific お/ご before kanji ("私はお名前" -> "お名前"); None when
    there is none."""
    for p in range(end - 1, start, -1):
        if _kana_class(text[p]) == "h" or _kana_class(text[p - 1]) != "h":
            continue
        if text[p - 1] in _PARTICLES:
            return p
        if (
            text[p - 1] in "\u304a\u3054"
            and p - 2 > start
            and text[p - 2] in _PARTICLES
            and _kana_class(text[p]) == "c"
        ):
            return p - 1
    return None


def _bare_host(m: re.Match[str], text: str, psl: SuffixList) -> tuple[str, str] | None:
    start, end = m.span("host")
    host = m.group("host")
    if _no_space_script(host[0]):
        trimmed = _trim_start(text, start, end)
        if trimmed != start:
            start, host = trimmed, text[trimmed:end]
    if _context_rejects(text, start, end):
        return None
    info = _host_info(host, psl)
    if info is None:
        return None
    path = m.group("path") if not info.cut else None
    end -= info.cut
    has_path = bool(path and len(path) > 1 and path[0] == "/")
    strong = info.whole and (info.defanged or info.www or has_path)
    if _plausible(
        info.domain,
        info.labels,
        info.head,
        spaced=info.spaced,
        strong=strong,
        text=text,
        start=start,
        end=end,
        tld_written=info.tld_written,
        psl=psl,
        native=info.native,
        ideo_head=info.ideo_head,
    ):
        return info.domain, text[start : m.end() if path else end]
    return None


def _scan(text: str, psl: SuffixList, out: dict[str, str]) -> None:
    search = _SCANNER.search
    pos = 0
    while True:
        m = search(text, pos)
        if m is None:
            return
        pos = m.end()
        if m.start("host") >= 0:
            found = _bare_host(m, text, psl)
            if found is None:
                # "#ad ponto dot com": a word for "dot" may be a name itself; when a short
                # spelled-out name is rejected, read on from its first such word.
                seps = _SPACED_SEP.findall(m.group("host"), 0, 200)
                if seps and len(seps) <= 4:
                    nxt = _SPACED_SEP.search(text, m.start("host"), m.end("host"))
                    if nxt is not None:
                        pos = nxt.start(1)
            elif found[0] not in out:
                out[found[0]] = _written(found[1])
        elif m.start("url") >= 0:
            domain = _resolve_url_host(m.group("uh"), psl)
            if domain is not None:
                if domain not in out:
                    out[domain] = _written(m.group("url"))
            else:
                # Not a host after all ("hxxps://shein[.]com"): read on from the host.
                pos = m.start("uh")
        # e-mail addresses and @mentions are consumed and ignored


def _bounded(text: str) -> str:
    """The part of a text the extractor looks at: the first MAX_TEXT_CHARS characters, cut
    back to the last white space within _CUT_BACK characters of the cap."""
    if len(text) <= MAX_TEXT_CHARS:
        return text
    head = text[:MAX_TEXT_CHARS]
    if not text[MAX_TEXT_CHARS].isspace():
        for i in range(MAX_TEXT_CHARS - 1, MAX_TEXT_CHARS - _CUT_BACK, -1):
            if head[i].isspace():
                return head[:i]
    return head


def _mentions(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    if not text or not isinstance(text, str):
        return out
    text = _bounded(text)
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        # decomposed accents (some Vietnamese keyboards write "cha\u0302\u0301m")
        text = unicodedata.normalize("NFC", text)
    if _PRECHECK.search(text) is None:
        return out
    _scan(text, default_list(), out)
    return out


# --------------------------------------------------------------------------- public API


def extract_domains(text: str) -> list[str]:
    """Sorted, unique registrable domains (eTLD+1, lower case Unicode) that ``text`` mentions
    (in its first MAX_TEXT_CHARS characters)."""
    found = _mentions(text)
    return sorted(found) if found else []


def find_mentions(text: str) -> list[Mention]:
    """One :class:`Mention` per distinct domain, in order of first appearance."""
    return [Mention(d, w) for d, w in _mentions(text).items()]


def registrable_domain(host: str) -> str | None:
    """Canonical registrable domain of a host name (``WWW.Example.co.uk.`` -> ``example.co.uk``).

    Accepts Unicode or punycode, any case, a trailing dot.  Returns None when the
    name is not under a public suffix or is not a valid host name.  No prose
    heuristics are applied: this is for names already known to be host names.
    """
    if not isinstance(host, str):
        return None
    host = host.strip().rstrip(".")
    if not host or any(c.isspace() for c in host):
        return None
    labels = _canon_labels(re.split(r"[.\uff0e\u3002\uff61]", host))
    if labels is None:
        return None
    r = _registrable_of(labels, default_list())
    return r[0] if r else None


def is_registrable_domain(s: str) -> bool:
    """True when ``s`` is exactly a canonical registrable domain, as the extractor stores them.

    Canonical: lower case, Unicode (no ``xn--``), NFKC, no trailing dot, valid labels,
    exactly one label above a public suffix (private suffixes included).
    """
    if not isinstance(s, str) or not s or s != s.strip():
        return False
    labels = s.split(".")
    if any(label.startswith("xn--") for label in labels):
        return False
    canon = _canon_labels(labels)
    if canon is None or canon != labels:
        return False
    r = _registrable_of(canon, default_list())
    return r is not None and r[0] == s
