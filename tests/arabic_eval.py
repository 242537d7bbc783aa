"""The real-Arabic evaluation of the text analysis (issue 13), shared by
tests/test_arabic_eval.py and bench/analysis_bench.py.

The text is SaudiNewsNet (31,030 Saudi newspaper articles of July-August
2015, CC BY-NC-SA 4.0; see tests/data/README.md), which we did not write and
do not commit. Each article is cut into tweet-sized posts (paragraphs, long
ones cut at sentence ends to at most 280 characters). Articles extracted up
to 2015-07-31 are the *tuning* part (the stemmer's rules and thresholds
were tried on it); those extracted from 2015-08-01 on are the
*reporting* part, never looked at while tuning.

The labels (tests/data/arabic_words.tsv) are ours: for each query word, the
written forms that count as the word, listed by hand. A post's token counts
as the word when it is one of those forms behind a run of proclitics
(و ف, then ب ك ل, then ال; ل + ال is written لل). A post is "bare" when
the word appears in it as typed, "prefixed" when only with proclitics, and
"suffixed" when only with an ending; a post with several forms is put in the
easiest class, since the easy form alone already finds it. A hit is a stray
when it holds no counted form and none of the forms listed as related.
"""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "tests" / "data" / "arabic_words.tsv"
DATASET = "saudinewsnet"
TUNING_LAST_DAY = "2015-07-31"


def dataset_dir() -> Path | None:
    """Where the fetched SaudiNewsNet JSON files are, or None."""
    candidates = [ROOT / ".." / "shared" / "corpora" / DATASET]
    candidates.append(Path(os.environ.get("ARCHIVE_VIEWER_TESTDATA", "/work/testdata")) / DATASET)
    for c in candidates:
        if (c / "raw").is_dir() and any((c / "raw").glob("*.json")):
            return c / "raw"
    return None


_SENTENCE_END = re.compile(r"(?<=[.!؟?])\s+")


def _chunks(paragraph: str, limit: int = 280) -> Iterator[str]:
    if len(paragraph) <= limit:
        yield paragraph
        return
    current = ""
    for sentence in _SENTENCE_END.split(paragraph):
        if current and len(current) + 1 + len(sentence) > limit:
            yield current
            current = ""
        current = f"{current} {sentence}".strip()
        while len(current) > limit:  # one sentence longer than a post: cut at a space
            cut = current.rfind(" ", 0, limit)
            cut = cut if cut > 0 else limit
            yield current[:cut]
            current = current[cut:].strip()
    if current:
        yield current


def posts(part: str, raw: Path | None = None) -> Iterator[tuple[str, str]]:
    """(post id, text) of the tuning or reporting part, in a fixed order."""
    assert part in ("tuning", "reporting")
    raw = raw or dataset_dir()
    if raw is None:
        return
    for path in sorted(raw.glob("*.json")):
        day = path.stem
        if (day <= TUNING_LAST_DAY) != (part == "tuning"):
            continue
        for a_no, article in enumerate(json.loads(path.read_text(encoding="utf-8"))):
            text = article.get("content") or ""
            p_no = 0
            for paragraph in text.split("\n"):
                paragraph = " ".join(paragraph.split())
                if len(paragraph) < 20:
                    continue
                for chunk in _chunks(paragraph):
                    p_no += 1
                    yield f"{day}-{a_no}-{p_no}", chunk


# Ground truth works on letters only, independent of the analyzer under test.
_MARKS = re.compile("[\u064b-\u065f\u0670\u0640\u06d6-\u06ed]")
_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ی": "ي", "ک": "ك"})
_AR_RUN = re.compile("[\u0621-\u063a\u0641-\u064a\u0671-\u06d3]+")  # after _FOLD


def letters(text: str) -> str:
    return _MARKS.sub("", text).translate(_FOLD)


def words(text: str) -> list[str]:
    return _AR_RUN.findall(letters(text))


def _proclitics() -> list[str]:
    out = set()
    for conj in ("", "و", "ف"):
        for prep in ("", "ب", "ك", "ل"):
            for art in ("", "ال"):
                p = conj + prep + art
                if prep == "ل" and art:
                    p = conj + "لل"
                out.add(p)
    return sorted(out, key=len, reverse=True)


PROCLITICS = _proclitics()


# The article and a possessive pronoun never meet in one word, so الجيشي or
# القلبي is an adjective, not ال + جيشي "my army". ه is left out: once ة is
# folded to ه, الوزيره is الوزيرة "the (woman) minister".
_PRONOUNS = ("هما", "ها", "هم", "هن", "كم", "كن", "نا", "ك", "ي")
_PLURAL_ENDS = ("ين", "ان", "ات", "ون")


@dataclass
class Word:
    query: str
    kind: str
    base: frozenset[str]
    suffixed: frozenset[str]
    prefixed_whole: frozenset[str]  # whole tokens, e.g. لله, that count as prefixed
    related: frozenset[str]
    never: frozenset[str]  # whole tokens that look like a form but are another word

    def classify(self, token: str) -> str | None:
        """'bare', 'prefixed', 'suffixed', 'related' or None for one token."""
        if token in self.never:
            return None
        if token in self.prefixed_whole:
            return "prefixed"
        # A query typed with the article (السعودية) is found as typed by the
        # form with the article: that form is the bare one.
        bare = ("", "ال") if self.query.startswith("ال") and self.query != "الله" else ("",)
        best = None
        for p in PROCLITICS + [""]:
            if not token.startswith(p):
                continue
            rest = token[len(p):]
            if rest in self.base:
                return "bare" if p in bare else "prefixed"
            if rest in self.suffixed and not (
                p.endswith(("ال", "لل")) and rest.endswith(_PRONOUNS) and not rest.endswith(_PLURAL_ENDS)
            ):
                best = "suffixed"
            elif rest in self.related and best is None:
                best = "related"
        return best

    def forms(self) -> set[str]:
        """Every whole token that may be classified as this word's."""
        stems = self.base | self.suffixed | self.related
        return {p + f for p in PROCLITICS + [""] for f in stems} | set(self.prefixed_whole)


_ORDER = {"bare": 0, "prefixed": 1, "suffixed": 2, "related": 3}


def load_labels(path: Path = LABELS) -> list[Word]:
    out = []
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader((line for line in f if not line.startswith("#")), delimiter="\t"):
            def forms(col: str, row: dict[str, str] = row) -> frozenset[str]:
                return frozenset(letters(w) for w in (row.get(col) or "").split())
            out.append(Word(
                query=row["query"], kind=row["kind"], base=forms("base"),
                suffixed=forms("suffixed"), prefixed_whole=forms("prefixed_whole"),
                related=forms("related"), never=forms("never"),
            ))
    return out


def post_class(word: Word, tokens: Iterable[str]) -> str | None:
    best = None
    for t in tokens:
        c = word.classify(t)
        if c is not None and (best is None or _ORDER[c] < _ORDER[best]):
            best = c
    return best


@dataclass
class Score:
    totals: dict[str, int] = field(default_factory=lambda: {"bare": 0, "prefixed": 0, "suffixed": 0})
    found: dict[str, int] = field(default_factory=lambda: {"bare": 0, "prefixed": 0, "suffixed": 0})
    hits: int = 0
    strays: int = 0
    missed: dict[str, list[str]] = field(default_factory=dict)  # query -> example tokens
    stray_examples: dict[str, list[str]] = field(default_factory=dict)

    def recall(self, cls: str) -> float:
        return 100.0 * self.found[cls] / self.totals[cls] if self.totals[cls] else 100.0

    @property
    def stray_pct(self) -> float:
        return 100.0 * self.strays / self.hits if self.hits else 0.0

    def row(self) -> dict[str, float]:
        return {
            "bare": self.recall("bare"), "prefixed": self.recall("prefixed"),
            "suffixed": self.recall("suffixed"), "strays": self.stray_pct,
            "posts": float(sum(self.totals.values())), "hits": float(self.hits),
        }


def select_posts(labels: list[Word], part: str, limit: int | None = None) -> list[tuple[str, str]]:
    """The posts of a part that hold a counted form, a related form or a
    look-alike (a token containing a base form's letters): the posts a
    search of our words can find or wrongly find."""
    cores = sorted({b for w in labels for b in w.base if len(b) >= 2}, key=len, reverse=True)
    core_re = re.compile("|".join(map(re.escape, cores)))
    out = []
    for pid, text in posts(part):
        if core_re.search(letters(text)):
            out.append((pid, text))
            if limit is not None and len(out) >= limit:
                break
    return out


def score(labels: list[Word], selected: list[tuple[str, str]],
          search: Callable[[str], set[str]]) -> Score:
    """Scores one analyzer: `search(query)` returns the ids of the hits."""
    s = Score()
    posts_of: dict[str, set[str]] = {}
    tokens_of: dict[str, list[str]] = {}
    for pid, text in selected:
        toks = words(text)
        tokens_of[pid] = toks
        for t in toks:
            posts_of.setdefault(t, set()).add(pid)
    for w in labels:
        hits = search(w.query)
        s.hits += len(hits)
        cls: dict[str, str] = {}  # post -> easiest class
        example: dict[str, str] = {}
        for form in w.forms():
            c = w.classify(form)
            if c is None:
                continue
            for pid in posts_of.get(form, ()):
                if pid not in cls or _ORDER[c] < _ORDER[cls[pid]]:
                    cls[pid] = c
                    example[pid] = form
        for pid, c in cls.items():
            if c not in s.totals:
                continue
            s.totals[c] += 1
            if pid in hits:
                s.found[c] += 1
            else:
                s.missed.setdefault(w.query, []).append(example[pid])
        for pid in hits:
            if pid not in cls:
                s.strays += 1
                s.stray_examples.setdefault(w.query, []).append(pid)
    return s


def write_jsonl(selected: list[tuple[str, str]], path: Path) -> None:
    """Writes the posts as flattened API v2 lines, one post per line, which
    `archive-viewer import` reads."""
    with path.open("w", encoding="utf-8") as f:
        for i, (_pid, text) in enumerate(selected):
            f.write(json.dumps({
                "id": str(10**15 + i), "text": text, "lang": "ar",
                "created_at": "2015-08-01T00:00:00.000Z",
                "author_id": "1", "author": {"id": "1", "username": "news"},
                "conversation_id": str(10**15 + i),
            }, ensure_ascii=False) + "\n")


def post_ids(selected: list[tuple[str, str]]) -> dict[str, str]:
    """Our post id -> the id written by write_jsonl."""
    return {str(10**15 + i): pid for i, (pid, _t) in enumerate(selected)}


def cli_search(collection: Path, env: dict[str, str] | None = None) -> Callable[[str], set[str]]:
    """search(query) through a real `archive-viewer search --ids`."""
    def run(query: str) -> set[str]:
        proc = subprocess.run(
            [sys.executable, "-m", "viewer", "--collection", str(collection), "search", "--ids", query],
            capture_output=True, text=True, cwd=ROOT, env={**os.environ, **(env or {})}, check=True,
        )
        return set(proc.stdout.split())
    return run
