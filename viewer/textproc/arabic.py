"""Light stemming of normalised Arabic tokens, guarded by a lexicon of stems
attested in real text.

A light stemmer cuts clitics off a word: proclitics (و ف, ب ك ل, ال) in
front and attached pronouns or plural endings behind. Cutting by rule alone
merges words that merely start or end with those letters: the ب of بغداد,
the ل of لبنان, the و of وزير, the ة of الثورة (ثور "bull"). So every cut
here that is not certain asks a lexicon how often each reading occurs in
real text (arabic_lexicon.txt.gz, built by bench/build_arabic_lexicon.py
from the tuning part of SaudiNewsNet, a corpus of Saudi newspapers) and
takes the reading the text supports.

Input is a token already normalised by textproc.normalize_arabic (ة→ه,
ى→ي, alef forms → ا, no harakat).
"""

from __future__ import annotations

import gzip
from functools import lru_cache
from pathlib import Path

LEXICON_PATH = Path(__file__).with_name("arabic_lexicon.txt.gz")

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
# The endings that show a noun in ة has its own inflections (ثورته،
# الثورات), so a final ه on it is ة and not the pronoun "his".
_TA_FORMS = ("ته", "تها", "تهم", "تي", "تك", "تنا", "تكم", "تين", "تان")

# How much more often the shorter reading must occur than the whole token
# before a bare proclitic is cut. و is cut most readily: وقال is more
# frequent than قال in news, yet is و + قال. ف ب ك ل start many nouns
# (فكرة is not ف + كرة), so they need the shorter word twice as common.
_BARE_RATIO = {"و": 0.3, "ف": 2.0, "ب": 2.0, "ك": 2.0, "ل": 2.0}
_MIN_ATTESTED = 3


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, int]:
    try:
        with gzip.open(LEXICON_PATH, "rt", encoding="utf-8") as f:
            return {w: int(n) for w, _, n in (line.rstrip("\n").partition("\t") for line in f)}
    except OSError:
        # A broken install must not stop search; the stemmer then only cuts
        # what needs no lexicon (the article clusters).
        return {}


def _count(word: str) -> int:
    return _lexicon().get(word, 0)


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
    return n >= 2 and (not verbs_too or _count(stem + "ت") < n)


def _is_nisba(word: str) -> bool:
    """True when ``word`` ending in ي is an adjective with its own feminine
    and plurals (سعودي: سعودية، سعوديين), so the ي is not "my"."""
    n = _count(word + "ه") + _count(word + "ين") + _count(word + "ون")
    return n >= max(2, _count(word) // 2)


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
            singular = _count(stem + "ه") >= max(_MIN_ATTESTED, whole // 2)
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
            # "my" is rare beside the bare noun (قلبي : قلب ≈ 1 : 8); a word in
            # ي about as common as its stem is an adjective or a name of its
            # own: النوري (the al-Nuri mosque) is not النور, قتلى not قتل.
            needed = whole * 4
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
