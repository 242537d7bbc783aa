"""Light stemming of normalised Arabic tokens, guarded by a lexicon of word
forms attested in real text.

A light stemmer cuts clitics off a word: proclitics (و ف, ب ك ل, ال) in
front and attached pronouns or plural endings behind. Cutting by rule alone
merges words that merely start or end with those letters: the ب of بغداد,
the ل of لبنان, the و of وزير, the ة of الثورة (ثور "bull"). So every cut
here that is not certain asks a lexicon how often each reading occurs in
real text and takes the reading the text supports.

The lexicon is wordfreq's Arabic word list (Wikipedia, subtitles, news, web
text and Twitter; data CC BY-SA 4.0), read through its public API and
normalised with our own normalisation (textproc.fold) the first time an
Arabic token is stemmed.

Input is a token already normalised by textproc.normalize_arabic (ة→ه,
ى→ي, alef forms → ا, no harakat).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import logging
import marshal
import os
import re
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

# The article with the conjunctions and prepositions that can stand before
# it, longest first. ل + ال is written لل. These are cut whenever at least
# two letters remain: a word of two letters after ال (الحب → حب) is common.
_ARTICLE_CLUSTERS = (
    "وبال", "وكال", "فبال", "فكال", "ولل", "فلل",
    "وال", "فال", "بال", "كال", "لل", "ال",
)
# Conjunction (و ف) then preposition (ب ك ل), without the article. These
# letters start many words, so each cut is checked against the lexicon.
_BARE_CLUSTERS = ("وب", "وك", "ول", "فب", "فك", "فل", "و", "ف", "ب", "ك", "ل")

# Words whose ال belongs to the word (relative pronouns) or whose cut would
# leave a common short word of another meaning (الان "now" → ان "that").
_ARTICLE_WORDS = frozenset("""
    الذي التي الذين اللذين اللتين اللذان اللتان اللواتي اللاتي الان الله اللهم
""".split())

# article_stripped() over a string of words, one a line.
_ARTICLE_RE = re.compile(
    "^(?!(?:%s)$)(?:%s)(?=[^\n]{2})" % ("|".join(sorted(_ARTICLE_WORDS)), "|".join(_ARTICLE_CLUSTERS)),
    re.M,
)

# Every written form of "to/for/by God": ل + الله is written لله, and the
# vocative and oath forms are one word with it. They all meet الله.
_ALLAH = frozenset("""
    الله لله ولله فلله بالله وبالله فبالله والله فالله تالله
""".split())

# Two-letter stems common enough to be cut to (وحب، بحب، حبك → حب). Other
# two-letter remainders are left alone: باب is not ب + اب, بنت not ب + نت.
_TWO_LETTER_STEMS = frozenset(("حب", "دم", "يد"))

# Attached pronouns and plural/dual endings, longest first.
_PRONOUNS = ("هما", "كما", "هم", "هن", "ها", "كم", "كن", "نا", "ه", "ك", "ي")
_ENDINGS = ("ات", "ون", "ين", "ان")
_SUFFIXES = tuple(sorted(_PRONOUNS + _ENDINGS, key=len, reverse=True))
# The endings that show a noun in ة takes pronouns of its own (ثورته،
# ثورتنا), so a final ه on it is ة and not the pronoun "his". Duals (تين
# تان) are no such sign: a nisba adjective has them too (السعوديتين), and
# مدنية must still meet مدني.
_TA_FORMS = ("ته", "تها", "تهم", "تي", "تك", "تنا", "تكم")

# How much more often the shorter reading must occur than the whole token
# before a bare proclitic is cut. و is cut most readily: وقال is more
# frequent than قال in news, yet is و + قال. ف ب ك ل start many nouns
# (فكرة is not ف + كرة), so they need the shorter word twice as common.
_BARE_RATIO = {"و": 0.3, "ف": 2.0, "ب": 2.0, "ك": 2.0, "ل": 2.0}
# Counts are occurrences per 100 million words (see _lexicon). A reading
# must be seen this often to count at all.
_MIN_ATTESTED = 3
# How often the ة-inflections of a stem (ثورته، ثورتها …) must be seen
# together before a final ه is read as ة.
_MIN_TA_FORMS = 2
# A plural in ات is read as the plural of the bare stem (مشروعات → مشروع)
# when that stem is this many times as common as stem + ة.
_MASCULINE_AT = 10.0
# A final ي is cut as "my" only when the stem is this many times as common
# as the word. wordfreq's subtitles and tweets say "my" often (قلبي، حياتي),
# yet النوري (the al-Nuri mosque) against النور and قتلى against قتل are
# about 1 : 10, so "my" needs more than that.
_MY_RATIO = 11.0


# wordfreq's list of Arabic word forms, and the scale of our counts: a
# frequency times _PER_WORDS, so the rarest form of the large list (10⁻⁸)
# counts 1 and the thresholds read as occurrences per 100 million words.
_WORDLIST = ("ar", "large")
_PER_WORDS = 1e8


def _cache_file() -> Path | None:
    """Where the built table is kept between runs: keyed by wordfreq's
    version and our analysis version, since either changes the table."""
    try:
        version = importlib.metadata.version("wordfreq")
    except importlib.metadata.PackageNotFoundError:
        return None
    from viewer.textproc import ANALYSIS_VERSION

    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "archive-viewer" / f"arabic-lexicon-wordfreq{version}-a{ANALYSIS_VERSION}.marshal"


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, float]:
    """Word forms without their article cluster (as article_stripped gives
    them) → occurrences per 100 million words, from wordfreq. Built once, on
    the first Arabic token stemmed, not at import (about 2 s and 120 MB), and
    kept in the user's cache folder, from which later runs read it in a
    fraction of that."""
    cache = _cache_file()
    if cache is not None:
        try:
            with cache.open("rb") as f:
                got = marshal.load(f)
            if isinstance(got, dict) and got:
                return got
        except (OSError, EOFError, ValueError, TypeError):
            pass  # no cache yet, or a damaged one: build it again
    table = _build_lexicon()
    if cache is not None and table:
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache.with_name(f"{cache.name}.{os.getpid()}.part")
            with tmp.open("wb") as f:
                marshal.dump(table, f)
            os.replace(tmp, cache)
        except OSError as e:  # a read-only home: build it again next time
            log.info("cannot keep the Arabic lexicon in %s: %s", cache, e)
    return table


def _word_hash(word: str) -> int:
    # Stable across processes (str's own hash is salted per process).
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")


class _Counts:
    """The lexicon's counts, two ways. A dict answers in nanoseconds but
    costs 0.4-0.8 s to load, which a one-off command (a search whose hits
    hold twenty Arabic words to highlight) would pay for a few dozen
    lookups. So a process starts on the sorted 64-bit hashes of the words,
    mapped from a file beside the dict's (nothing is read until looked up),
    and loads the dict once it has looked up enough words to be indexing.
    A collision of two forms' hashes among ~700,000 is about one in 10^7."""

    DICT_AFTER = 20_000

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._dict: dict[str, float] | None = None
        self._hashes: Any = None
        self._values: Any = None
        self._lookups = 0
        self._mapped = False

    def get(self, word: str) -> float:
        d = self._dict
        if d is not None:
            return d.get(word, 0.0)
        self._lookups += 1
        if self._lookups > self.DICT_AFTER or not self._map():
            with self._lock:
                if self._dict is None:
                    self._dict = _lexicon()
            return self._dict.get(word, 0.0)
        import numpy as np

        h = np.uint64(_word_hash(word))
        i = int(np.searchsorted(self._hashes, h))
        if i < self._hashes.size and self._hashes[i] == h:
            return float(self._values[i])
        return 0.0

    def _map(self) -> bool:
        """The hashed table, mapped; False when there is none to map (then
        the dict is used, and the hashed file written for the next run)."""
        if self._mapped:
            return self._hashes is not None
        with self._lock:
            if self._mapped:
                return self._hashes is not None
            import numpy as np

            path = _hashed_file()
            arr = None
            if path is not None:
                try:
                    arr = np.load(path, mmap_mode="r", allow_pickle=False)
                    if arr.ndim != 2 or arr.shape[0] != 2 or arr.dtype != np.uint64:
                        arr = None
                except (OSError, ValueError, EOFError):
                    arr = None
                if arr is None:
                    _write_hashed(path, _lexicon())
            if arr is not None:
                self._hashes, self._values = arr[0], arr[1].view(np.float64)
            self._mapped = True
            return arr is not None


def _hashed_file() -> Path | None:
    cache = _cache_file()
    return None if cache is None else cache.with_suffix(".hashes.npy")


def _write_hashed(path: Path, table: dict[str, float]) -> None:
    if not table:
        return
    import numpy as np

    hashes = np.fromiter((_word_hash(w) for w in table), dtype=np.uint64, count=len(table))
    values = np.fromiter(table.values(), dtype=np.float64, count=len(table))
    order = np.argsort(hashes, kind="stable")
    arr = np.stack([hashes[order], values[order].view(np.uint64)])
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.part.npy")
        np.save(tmp, arr, allow_pickle=False)
        os.replace(tmp, path)
    except OSError as e:
        log.info("cannot keep the hashed Arabic lexicon in %s: %s", path, e)


_COUNTS = _Counts()


def _build_lexicon() -> dict[str, float]:
    try:
        import wordfreq

        buckets = wordfreq.get_frequency_list(*_WORDLIST)
    except (ImportError, LookupError, OSError, ValueError):
        # A broken install must not stop search; the stemmer then only cuts
        # what needs no lexicon (the article clusters).
        return {}
    # Imported here: viewer.textproc imports this module.
    from viewer.textproc import _ARABIC_LETTERS, fold

    # wordfreq folds less than we do (أ and ا, ة and ه stay apart), so its
    # forms are folded with our normalisation and the frequencies of forms
    # that meet are added up. Each bucket is processed as one string, which
    # is many times faster than a call per word: NFKC, casefold and our
    # table act on each character alone, and the separators stay.
    only_arabic = re.compile("^[%s]{2,}$" % _ARABIC_LETTERS, re.M)
    table: dict[str, float] = {}
    get = table.get
    for centibels, words in enumerate(buckets):
        # wordfreq's list is bucketed by frequency: bucket i holds the words
        # of frequency 10^(-i/100).
        n = _PER_WORDS * 10 ** (-centibels / 100)
        forms = _ARTICLE_RE.sub("", "\n".join(only_arabic.findall(fold("\n".join(words)))))
        for w in forms.split("\n"):
            if w:
                table[w] = get(w, 0.0) + n
    # wordfreq keeps its raw list cached as well (about 60 MB); only our
    # table is used from here on.
    clear = getattr(wordfreq.get_frequency_list, "cache_clear", None)
    if clear is not None:
        clear()
    return table


def _count(word: str) -> float:
    return _COUNTS.get(word)


def article_stripped(token: str) -> str:
    """The token without a leading article cluster (وال، بال، لل …) when two
    letters or more remain; the lexicon counts words in this form."""
    if token in _ARTICLE_WORDS:
        return token
    for p in _ARTICLE_CLUSTERS:
        if token.startswith(p) and len(token) - len(p) >= 2:
            return token[len(p):]
    return token


def _strip_article(token: str) -> str | None:
    """The word after an article cluster, or None when there is none."""
    if token in _ARTICLE_WORDS:
        return None
    for p in _ARTICLE_CLUSTERS:
        if token.startswith(p) and len(token) - len(p) >= 2:
            rest = token[len(p):]
            if p.endswith("لل"):
                # لل is ل + ال, or ل before a word that starts with ل:
                # للبنان is ل + لبنان, not ل + ال + بنان.
                alt = token[len(p) - 1:]
                if _count(alt) > _count(rest):
                    return alt
            return rest
    return None


def _long_enough(stem: str) -> bool:
    return len(stem) >= 3 or stem in _TWO_LETTER_STEMS


def _strip_bare(token: str) -> str:
    """Cuts a conjunction/preposition cluster without the article when the
    lexicon shows the remainder is a word and more common than the whole."""
    # The whole token read with only a suffix cut competes too: بلدي is
    # بلد + ي "my country", not ب + لدي "I have".
    own = _strip_suffix(token)
    whole = max(_count(token), _count(own) if own else 0)
    for p in _BARE_CLUSTERS:
        if not token.startswith(p):
            continue
        rest = token[len(p):]
        if not _long_enough(rest):
            continue
        rest_own = _strip_suffix(rest)
        n = max(_count(rest), _count(rest_own) if rest_own else 0)
        if n >= _MIN_ATTESTED and n >= _BARE_RATIO[p[-1]] * whole:
            return rest
    return token


def _has_ta_forms(stem: str, verbs_too: bool = True) -> bool:
    """True when the lexicon shows ``stem + ة`` inflecting as a noun in ة
    (ثورته، ثورتها). A verb shows the same endings (قالته) but also stands
    with a bare ت (قالت "she said"), which a noun in ة never does."""
    n = sum(_count(stem + t) for t in _TA_FORMS)
    return n >= _MIN_TA_FORMS and (not verbs_too or _count(stem + "ت") < n)


def _is_nisba(word: str) -> bool:
    """True when ``word`` ending in ي is an adjective with its own feminine
    and plurals (سعودي: سعودية، سعوديين), so the ي is not "my"."""
    n = _count(word + "ه") + _count(word + "ين") + _count(word + "ون")
    return n >= max(_MIN_TA_FORMS, _count(word) / 2)


def _strip_suffix(word: str) -> str | None:
    """One suffix cut, with ة restored from ت before it (حياتنا → حياه),
    or None when no cut is supported by the lexicon."""
    whole = _count(word)
    for s in _SUFFIXES:
        if not word.endswith(s):
            continue
        stem = word[: -len(s)]
        if not _long_enough(stem) or (s in _ENDINGS and len(stem) < 3):
            continue  # حبات "grains" is not a plural of حب
        if s == "ه" and _has_ta_forms(stem):
            return None  # the ه is ة: الثورة is not ثور + "his"
        if s == "ي" and _is_nisba(word):
            return None  # سعودي is not سعود + "my"
        if s == "ات":
            # حكومات → حكومه; عملات is the plural of عملة "currency", not of
            # عمل "work", which the inflections of عملة tell.
            # A verb never takes ات, so its ت forms count here too (عملتها).
            # A masculine noun also takes ات (مشروعات), and its stem + ه may
            # be common as another word (مشروعة "lawful"): then the bare stem,
            # far more common, is the singular.
            singular = _count(stem + "ه") >= max(_MIN_ATTESTED, whole / 2, _count(stem) / _MASCULINE_AT)
            if singular or _has_ta_forms(stem, verbs_too=False) or _count(stem) < _MIN_ATTESTED:
                best = stem + "ه"
            else:
                best = stem
        elif stem.endswith("ت"):
            # ة is written ت before an ending: حكومته، الدولتين → حكومه، دوله.
            best = max((stem[:-1] + "ه", stem), key=_count)
        else:
            best = stem
        n = _count(best)
        # A plural can be more common than its singular (المواطنين), so a
        # plural ending needs only an attested stem; a pronoun, which any
        # noun takes, needs the stem to be the more common reading.
        needed = whole * 0.1 if s in ("ات", "ون", "ين") else whole
        if s == "ي":
            # A word in ي anywhere near as common as its stem is an adjective
            # or a name of its own: النوري (the al-Nuri mosque) is not النور,
            # قتلى not قتل (see _MY_RATIO).
            needed = whole * _MY_RATIO
        if n >= _MIN_ATTESTED and n > needed:
            return best
    return None


# Whole words that the rules would cut into another word: فيمن is في + من
# "among whom", not ف + يمن "Yemen"; شعبان is a month, not a dual of شعب.
# الامارات is the country, not the plural of امارة "emirate".
_WHOLE_WORDS = frozenset((
    "فيمن", "فيما", "شعبان", "رمضان", "سلمان", "عثمان", "امارات", "كانون", "تشرين",
))


@lru_cache(maxsize=200_000)
def stem_arabic(token: str) -> str:
    """The stem of a normalised Arabic token: proclitics, then up to two
    suffixes (السعوديين → سعودي, حياتنا → حياه), each cut only where the
    lexicon supports it. Tokens of the word الله in any of its written
    forms (لله، ولله، بالله) all give الله."""
    if token in _ALLAH:
        return "الله"
    if token in _WHOLE_WORDS or token in _ARTICLE_WORDS:
        return token
    word = _strip_article(token)
    if word is None:
        word = _strip_bare(token)
    if word in _WHOLE_WORDS:
        return word
    for _ in range(2):
        cut = _strip_suffix(word)
        if cut is None:
            break
        restored = cut.endswith("ه") and not word.startswith(cut)
        word = cut
        if restored:
            break  # that ه is a restored ة: cutting it as "his" would undo it
    return word
