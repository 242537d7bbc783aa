"""The query language (DESIGN §4): Whoosh's own — AND, OR, NOT, ANDNOT,
( ), "phrases", wildcards*, fuzzy~ — plus the operators people know from
Twitter's search, `-` to leave anything out, and the curator's `tag:` and
`has:note`.

`parse(text)` turns a query string into a small tree of nodes that
viewer.search evaluates: words become index terms by the very analysis the
index used (so الموصل finds والموصل and "fleeing" finds "flee"), #tags and
@handles become exact keywords, and the rest become filters the searcher
answers from its in-memory columns (language, kind, media, time) or from
SQLite at query time (curator tags and notes). Anything it cannot make sense
of raises `QueryError`, whose `message` is one sentence for the person who
typed the query.

Precedence follows Whoosh (and Twitter): `a b OR c` is a AND (b OR c);
explicit AND binds tighter than OR; NOT and `-` apply to what follows them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Iterator, Union

from viewer.textproc import (
    is_arabic,
    normalize_handle,
    normalize_tag,
    stem_arabic,
    text_analyzer,
)

__all__ = [
    "QueryError", "Query", "parse", "OPERATORS",
    "Node", "All", "Empty", "Term", "Phrase", "Pattern", "Fuzzy", "Flags", "Kind", "Lang",
    "TimeRange", "CuratorTag", "HasNote", "HasTag", "Source", "And", "Or", "Not",
]


class QueryError(Exception):
    """A query that cannot be run; `message` is one line for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# ---------------------------------------------------------------------------
# the tree
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class All:
    """Every collected post (the empty query)."""


@dataclass(frozen=True)
class Empty:
    """No post: a word with nothing searchable in it, alone."""


@dataclass(frozen=True)
class Term:
    field: str  # text, hashtags, mentions, author, to
    text: str


@dataclass(frozen=True)
class Phrase:
    terms: tuple[str, ...]
    slop: int = 1


@dataclass(frozen=True)
class Pattern:
    """A wildcard (* and ?) over the terms of a field."""

    field: str
    pattern: str


@dataclass(frozen=True)
class Fuzzy:
    term: str
    maxdist: int = 1


@dataclass(frozen=True)
class Flags:
    bits: int  # viewer.index.FLAG_*: any of them


@dataclass(frozen=True)
class Kind:
    kind: str  # post, reply, quote, retweet


@dataclass(frozen=True)
class Lang:
    code: str


@dataclass(frozen=True)
class TimeRange:
    start: int | None  # epoch seconds, inclusive
    end: int | None  # exclusive


@dataclass(frozen=True)
class CuratorTag:
    name: str


@dataclass(frozen=True)
class Source:
    """Posts read from an imported file: its name (case-insensitive, * and ?
    allowed) or a prefix of its SHA-256."""

    pattern: str


@dataclass(frozen=True)
class HasNote:
    pass


@dataclass(frozen=True)
class HasTag:
    pass


@dataclass(frozen=True)
class Similar:
    """similar:ID: the posts in the same near-copy text or image cluster."""
    post_id: int


@dataclass(frozen=True)
class Copies:
    """copies:N: posts whose text or image cluster has at least N posts."""
    at_least: int


@dataclass(frozen=True)
class And:
    children: tuple["Node", ...]


@dataclass(frozen=True)
class Or:
    children: tuple["Node", ...]


@dataclass(frozen=True)
class Not:
    child: "Node"


Node = Union[All, Empty, Term, Phrase, Pattern, Fuzzy, Flags, Kind, Lang, TimeRange, CuratorTag,
             HasNote, HasTag, Source, Similar, Copies, And, Or, Not]


@dataclass
class Query:
    """A parsed query: the tree, and what a highlighter should mark (the
    terms, tags and handles it searched for, outside any negation)."""

    text: str
    root: Node
    terms: set[str] = field(default_factory=set)  # analysed text terms
    phrases: list[Phrase] = field(default_factory=list)  # marked only where they match
    patterns: list[Pattern | Fuzzy] = field(default_factory=list)  # expanded against the index
    hashtags: set[str] = field(default_factory=set)  # normalised
    mentions: set[str] = field(default_factory=set)  # normalised handles

    @property
    def is_everything(self) -> bool:
        return isinstance(self.root, All)


# ---------------------------------------------------------------------------
# operators
# ---------------------------------------------------------------------------

# flags bits as in viewer.index (kept literal here so parsing needs no index)
_MEDIA, _IMAGES, _VIDEOS, _LINKS = 1, 2, 4, 8

# What may follow filter:, is: and has:, and what it means. Twitter's own
# spellings first, then the obvious variants.
_FILTERS: dict[str, Node] = {
    "media": Flags(_MEDIA), "images": Flags(_IMAGES), "image": Flags(_IMAGES),
    "photos": Flags(_IMAGES), "photo": Flags(_IMAGES), "twimg": Flags(_IMAGES),
    "videos": Flags(_VIDEOS), "video": Flags(_VIDEOS), "native_video": Flags(_VIDEOS),
    "links": Flags(_LINKS), "link": Flags(_LINKS),
    "retweets": Kind("retweet"), "nativeretweets": Kind("retweet"), "retweet": Kind("retweet"),
    "replies": Kind("reply"), "reply": Kind("reply"),
    "quote": Kind("quote"), "quotes": Kind("quote"),
}
# kind: names one kind exactly (the window's kinds facet writes it); unlike
# filter:, it can also ask for plain posts.
_KINDS = {"post": "post", "posts": "post", "original": "post", "reply": "reply", "replies": "reply",
          "retweet": "retweet", "retweets": "retweet", "quote": "quote", "quotes": "quote"}
_HAS: dict[str, Node] = {"note": HasNote(), "notes": HasNote(), "tag": HasTag(), "tags": HasTag(),
                         **_FILTERS}

# The cheat-sheet (the window shows it; `search --help` prints it).
OPERATORS: list[tuple[str, str]] = [
    ("word other", "posts with both words (Arabic and English forms are matched)"),
    ("word OR other", "posts with either word"),
    ('"exact phrase"', "the words next to each other"),
    ("-word", "leave out posts with the word; works before any operator"),
    ("NOT  AND  ( )", "Whoosh's operators, for longer queries"),
    ("mosu*", "words starting with mosu (? for one letter)"),
    ("mosl~  mosl~2", "words within one (two) letters of mosl"),
    ("#hashtag", "posts with the hashtag (any case, any Arabic spelling)"),
    ("@handle", "posts mentioning the account"),
    ("from:handle", "posts by the account"),
    ("to:handle", "replies to the account"),
    ("lang:ar", "posts in a language (ar, en, und …)"),
    ("since:2016-10-17", "posted on or after that day (UTC)"),
    ("until:2016-11-01", "posted before that day (UTC)"),
    ("filter:media", "with images or video; also filter:images, filter:videos, filter:links"),
    ("filter:retweets", "retweets; also filter:replies, filter:quote"),
    ("kind:post", "one kind only: post, reply, retweet or quote"),
    ("-filter:retweets", "no retweets"),
    ("tag:name", 'posts with the curator\'s tag (tag:"two words")'),
    ("has:note", "posts with a curator's note (has:tag: with any tag)"),
    ("source:tweets.js", "posts read from an imported file, by name (source:harvest-*.jsonl) or sha256 prefix"),
    ("similar:ID", "near-copies of the post's text and re-posts of its images"),
    ("copies:N", "posts copied (text or image) at least N times in the collection"),
]

_NEEDS = {
    "from": "from: needs an account, like from:mosul_eye.",
    "to": "to: needs an account, like to:mosul_eye.",
    "lang": "lang: needs a language code, like lang:ar or lang:en.",
    "since": "since: needs a date, like since:2016-10-17.",
    "until": "until: needs a date, like until:2016-11-01.",
    "filter": "filter: needs what to keep, like filter:media or filter:retweets.",
    "is": "is: needs a kind of post, like is:retweet or is:reply.",
    "has": "has: needs what the posts have, like has:note or has:media.",
    "tag": 'tag: needs a tag name, like tag:evidence (or tag:"two words").',
    "kind": "kind: needs a kind of post: post, reply, retweet or quote.",
    "source": "source: needs an imported file's name or sha256, like source:tweets.js or source:harvest-*.jsonl.",
    "similar": "similar: needs a post id, like similar:787954310789947395.",
    "copies": "copies: needs a number of posts, like copies:10.",
}
_OPERATOR_NAMES = tuple(_NEEDS)

_HANDLE = re.compile(r"^[A-Za-z0-9_]{1,50}$")
_LANG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")
# Punctuation that ends a sentence, not a hashtag or handle ("#Mosul," "@x.").
_TRAILING = ".,;:!?،؛؟…'\"”’)]}"
_DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d_%H:%M:%S_UTC", "%Y-%m-%d_%H:%M:%S", "%Y-%m-%dT%H:%M:%SZ",
                 "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%MZ", "%Y-%m-%dT%H:%M")


def _date(op: str, value: str) -> int:
    for fmt in _DATE_FORMATS:
        try:
            return int(datetime.strptime(value, fmt).replace(tzinfo=timezone.utc).timestamp())
        except ValueError:
            continue
    raise QueryError(f"{op}:{value} is not a date; write it as YYYY-MM-DD (UTC), like {op}:2016-10-17.")


def _handle(op: str, value: str) -> str:
    h = normalize_handle(value)
    if not _HANDLE.match(h):
        raise QueryError(f"{op}:{value} is not an account handle; write it like {op}:mosul_eye.")
    return h


def _operator(op: str, value: str) -> Node:
    if not value:
        raise QueryError(_NEEDS[op])
    if op == "from":
        return Term("author", _handle(op, value))
    if op == "to":
        return Term("to", _handle(op, value))
    if op == "lang":
        if not _LANG.match(value):
            raise QueryError(f"lang:{value} is not a language code; write it like lang:ar or lang:en.")
        return Lang(value.lower())
    if op == "since":
        return TimeRange(_date(op, value), None)
    if op == "until":
        return TimeRange(None, _date(op, value))
    if op == "tag":
        return CuratorTag(value)
    if op == "source":
        return Source(value)
    if op == "similar":
        if not value.isdigit() or len(value) > 20 or int(value) >= 2 ** 63:
            raise QueryError(f"similar:{value} is not a post id; write its digits, like similar:787954310789947395.")
        return Similar(int(value))
    if op == "copies":
        if not value.isdigit() or len(value) > 9 or int(value) < 2:
            raise QueryError(f"copies:{value} is not a number of posts; write 2 or more, like copies:10.")
        return Copies(int(value))
    if op == "kind":
        kind = _KINDS.get(value.lower())
        if kind is None:
            raise QueryError(f"kind:{value} is not a kind of post; use post, reply, retweet or quote.")
        return Kind(kind)
    table = _HAS if op == "has" else _FILTERS
    node = table.get(value.lower())
    if node is None:
        choices = "note, tag, " if op == "has" else ""
        raise QueryError(f"{op}:{value} is not something to filter on; use {choices}media, images, "
                         "videos, links, retweets, replies or quote.")
    return node


# ---------------------------------------------------------------------------
# tokens
# ---------------------------------------------------------------------------

_KEYWORDS = {"AND", "OR", "NOT", "ANDNOT"}


@dataclass
class _Tok:
    kind: str  # "(", ")", "-", "KW", "PHRASE", "WORD", "OP"
    text: str
    pos: int
    value: str = ""  # OP: the value; PHRASE: the slop suffix
    quoted: bool = False


def _tokens(q: str) -> Iterator[_Tok]:
    i, n = 0, len(q)
    while i < n:
        c = q[i]
        if c.isspace():
            i += 1
        elif c in "()":
            yield _Tok(c, c, i)
            i += 1
        elif c == '"':
            end = q.find('"', i + 1)
            if end < 0:
                raise QueryError("A quotation mark is not closed.")
            j = end + 1
            m = re.match(r"~(\d*)", q[j:])
            slop = ""
            if m:
                slop = m.group(1) or "1"
                j += m.end()
            yield _Tok("PHRASE", q[i + 1:end], i, value=slop)
            i = j
        elif c == "-" and (i + 1 >= n or q[i + 1].isspace() or q[i + 1] == ")"):
            raise QueryError("A '-' must be followed by what to leave out, like -filter:retweets or -word.")
        elif c == "-" and (i == 0 or q[i - 1].isspace() or q[i - 1] == "("):
            yield _Tok("-", c, i)
            i += 1
        else:
            j = i
            while j < n and not q[j].isspace() and q[j] not in '()"':
                j += 1
            word = q[i:j]
            m = re.match(r"^([A-Za-z_]+):(.*)$", word)
            if m and m.group(1).lower() in _OPERATOR_NAMES:
                op, value = m.group(1).lower(), m.group(2)
                quoted = False
                if not value and j < n and q[j] == '"':
                    end = q.find('"', j + 1)
                    if end < 0:
                        raise QueryError(f"The quotation mark after {op}: is not closed.")
                    value, j, quoted = q[j + 1:end].strip(), end + 1, True
                yield _Tok("OP", op, i, value=value, quoted=quoted)
            elif m and m.group(2) and not m.group(2).startswith("//"):
                raise QueryError(f"'{m.group(1)}:' is not an operator this search knows; use from:, to:, "
                                 "lang:, since:, until:, filter:, kind:, has:, is:, tag:, source:, similar: "
                                 "or copies: "
                                 "(or leave out the colon).")
            elif word in _KEYWORDS:
                yield _Tok("KW", word, i)
            else:
                yield _Tok("WORD", word, i)
            i = j


# ---------------------------------------------------------------------------
# the parser
# ---------------------------------------------------------------------------

_ANALYZER = text_analyzer()


def _terms(text: str) -> list[str]:
    return [t.text for t in _ANALYZER(text, mode="query")]


# Deeper nesting than this is refused with a message: the parser and the
# searcher walk the tree recursively, and a few hundred levels is already
# far beyond any query a person writes. Redundant pairs, (((x))), and
# chains of NOT or '-' do not count: they are flattened first.
MAX_DEPTH = 100


def _without_redundant_parentheses(toks: list[_Tok]) -> list[_Tok]:
    """Drops every pair of parentheses that only wraps another pair:
    ((x)) is (x). Unbalanced ones are left for the parser to report."""
    match: dict[int, int] = {}
    stack: list[int] = []
    for i, t in enumerate(toks):
        if t.kind == "(":
            stack.append(i)
        elif t.kind == ")" and stack:
            match[stack.pop()] = i
    drop: set[int] = set()
    for i, j in match.items():
        if toks[i + 1].kind == "(" and match.get(i + 1) == j - 1:
            drop.update((i, j))
    return [t for k, t in enumerate(toks) if k not in drop] if drop else toks


def _check_depth(toks: list[_Tok]) -> None:
    depth = deepest = 0
    for t in toks:
        if t.kind == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif t.kind == ")":
            depth -= 1
    if deepest > MAX_DEPTH:
        raise QueryError(f"The query nests parentheses {deepest} deep; at most {MAX_DEPTH} levels "
                         "can be searched.")


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.toks = _without_redundant_parentheses(list(_tokens(text)))
        _check_depth(self.toks)
        self.i = 0
        self.query = Query(text, All())
        self._negated = 0

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> _Tok:
        t = self.toks[self.i]
        self.i += 1
        return t

    def parse(self) -> Query:
        if not self.toks:
            return self.query
        root = self.seq()
        if (t := self.peek()) is not None:
            if t.kind == ")":
                raise QueryError("A closing parenthesis has no opening one.")
            raise QueryError(f"'{t.text}' cannot stand there.")  # pragma: no cover - seq consumes all
        self.query.root = root
        return self.query

    # seq := orx+        (implicit AND, the loosest)
    def seq(self) -> Node:
        parts = [self.orx()]
        while (t := self.peek()) is not None and t.kind != ")":
            if t.kind == "KW" and t.text != "NOT":
                raise QueryError(f"{t.text} needs something before it.")
            parts.append(self.orx())
        return _and(parts)

    # orx := andx (OR andx)*
    def orx(self) -> Node:
        parts = [self.andx()]
        while (t := self.peek()) is not None and t.kind == "KW" and t.text == "OR":
            self.take()
            self._need_operand("OR")
            parts.append(self.andx())
        return _or(parts)

    # andx := unary ((AND|ANDNOT) unary)*
    def andx(self) -> Node:
        node = self.unary()
        while (t := self.peek()) is not None and t.kind == "KW" and t.text in ("AND", "ANDNOT"):
            self.take()
            self._need_operand(t.text)
            if t.text == "AND":
                node = _and([node, self.unary()])
            else:
                self._negated += 1
                right = self.unary()
                self._negated -= 1
                node = _and([node, _not(right)])
        return node

    def _need_operand(self, op: str) -> None:
        t = self.peek()
        if t is None or t.kind == ")" or (t.kind == "KW" and t.text != "NOT"):
            raise QueryError(f"{op} needs something after it.")

    # unary := (NOT | -) unary | primary
    def unary(self) -> Node:
        # A chain of NOT and '-' is counted in a loop, not by recursion, so
        # NOT NOT … x of any length is parsed (an even count cancels out).
        count = 0
        while (t := self.peek()) is not None and (t.kind == "-" or (t.kind == "KW" and t.text == "NOT")):
            self.take()
            self._need_operand("NOT" if t.kind == "KW" else "-")
            count += 1
        if not count:
            return self.primary()
        self._negated += count % 2
        child = self.primary()
        self._negated -= count % 2
        return _not(child) if count % 2 else child

    def primary(self) -> Node:
        t = self.peek()
        if t is None:
            raise QueryError("The query ends where something was expected.")
        if t.kind == "(":
            self.take()
            inner = self.peek()
            if inner is None:
                raise QueryError("A parenthesis is not closed.")
            if inner.kind == ")":
                raise QueryError("A pair of parentheses holds nothing.")
            node = self.seq()
            if self.peek() is None:
                raise QueryError("A parenthesis is not closed.")
            self.take()
            return node
        if t.kind == ")":
            raise QueryError("A closing parenthesis has no opening one.")
        if t.kind == "KW":
            raise QueryError(f"{t.text} needs something before it.")
        self.take()
        if t.kind == "PHRASE":
            return self.phrase(t)
        if t.kind == "OP":
            return self.operator(t)
        return self.word(t.text)

    # -- leaves ------------------------------------------------------------
    def phrase(self, t: _Tok) -> Node:
        terms = _terms(t.text)
        if not terms:
            if not t.text.strip():
                raise QueryError("A pair of quotation marks holds nothing.")
            return Empty()
        if len(terms) == 1:
            self._mark(terms)
            return Term("text", terms[0])
        node = Phrase(tuple(terms), int(t.value) if t.value else 1)
        self._mark_phrase(node)
        return node

    def operator(self, t: _Tok) -> Node:
        return _operator(t.text, t.value)

    def word(self, raw: str) -> Node:
        if raw[0] in "#＃@＠" and len(raw) > 1:
            return self.sign(raw[0], raw[1:])
        m = re.match(r"^(.*?)~(\d?)$", raw)
        if m and m.group(1) and "*" not in raw and "?" not in raw:
            terms = _terms(m.group(1))
            if len(terms) != 1:
                return self.word(m.group(1))
            node = Fuzzy(terms[0], int(m.group(2) or 1))
            if not self._negated:
                self.query.patterns.append(node)
            return node
        boost = re.match(r"^(.+?)\^\d+(?:\.\d+)?$", raw)
        if boost:
            raw = boost.group(1)  # a boost only weighs relevance; the match is the word's
        if "*" in raw or "?" in raw:
            return self.pattern(raw)
        terms = _terms(raw)
        if not terms:
            return Empty()
        if len(terms) == 1:
            self._mark(terms)
            return Term("text", terms[0])
        # One word the analysis cuts in several (al-Nuri, تحرير_الموصل, 17.10):
        # the pieces side by side, as Twitter matches them.
        split = Phrase(tuple(terms))
        self._mark_phrase(split)
        return split

    def pattern(self, raw: str) -> Node:
        if not raw.strip("*?"):
            if "?" in raw:
                raise QueryError(f"'{raw}' has no letters to search for.")
            return All()
        # Normalised as the index's words are (case, Arabic letter forms),
        # never stemmed: cutting letters around a * would change its meaning.
        toks = [t.text for t in _ANALYZER(raw, tokenize=False, mode="query")]
        pattern = toks[0] if toks else raw.lower()
        literal = re.match(r"^([^*?]+)\*$", pattern)
        if literal and is_arabic(literal.group(1)):
            # The index holds Arabic words without their clitics (الموصل is
            # stored as موصل), so strip them from a prefix too: الموص* → موص*.
            pattern = stem_arabic(literal.group(1)) + "*"
        node = Pattern("text", pattern)
        if not self._negated:
            self.query.patterns.append(node)
        return node

    def sign(self, sign: str, value: str) -> Node:
        value = value.rstrip(_TRAILING)
        star = value.endswith("*")
        value = value.rstrip("*")
        if sign in "#＃":
            norm = normalize_tag(value)
            if not norm:
                raise QueryError(f"'{sign}{value}' is not a hashtag.")
            if star:
                return Pattern("hashtags", norm + "*")
            if not self._negated:
                self.query.hashtags.add(norm)
            return Term("hashtags", norm)
        handle = normalize_handle(value)
        if not _HANDLE.match(handle):
            raise QueryError(f"'{sign}{value}' is not an account handle.")
        if star:
            return Pattern("mentions", handle + "*")
        if not self._negated:
            self.query.mentions.add(handle)
        return Term("mentions", handle)

    def _mark(self, terms: list[str]) -> None:
        if not self._negated:
            self.query.terms.update(terms)

    def _mark_phrase(self, node: Phrase) -> None:
        # Kept apart from the single words: a phrase's words are marked only
        # where the phrase matched, not wherever one of them stands alone.
        if not self._negated:
            self.query.phrases.append(node)


# A word with nothing searchable in it ("!!!", a lone tatweel) is left out
# of what it stands beside, as Whoosh leaves out a stop word; alone, it
# matches nothing.


def _and(parts: list[Node]) -> Node:
    flat: list[Node] = []
    for p in parts:
        if isinstance(p, And):
            flat.extend(p.children)
        elif not isinstance(p, (All, Empty)):  # x AND everything = x
            flat.append(p)
    if not flat:
        return Empty() if any(isinstance(p, Empty) for p in parts) else All()
    return flat[0] if len(flat) == 1 else And(tuple(flat))


def _or(parts: list[Node]) -> Node:
    flat: list[Node] = []
    for p in parts:
        if isinstance(p, Or):
            flat.extend(p.children)
        elif not isinstance(p, Empty):
            flat.append(p)
    if not flat:
        return Empty()
    if any(isinstance(p, All) for p in flat):
        return All()
    return flat[0] if len(flat) == 1 else Or(tuple(flat))


def _not(child: Node) -> Node:
    if isinstance(child, Empty):
        return All()
    return child.child if isinstance(child, Not) else Not(child)


def parse(text: str) -> Query:
    """Understand a query string; raises QueryError with a readable message."""
    return _Parser(text or "").parse()
