"""Builds viewer/textproc/arabic_lexicon.txt.gz, the lexicon of attested
Arabic stems that guards the light stemmer (viewer/textproc/arabic.py).

It counts the words of the *tuning* part of the real-Arabic evaluation
(SaudiNewsNet, see tests/arabic_eval.py and tests/data/README.md), each
counted under its form without the article cluster (ال وال بال لل …), and
keeps the forms seen at least MIN_COUNT times. The reporting part is never
read here, so the figures measured on it stay honest.

    .venv/bin/python bench/build_arabic_lexicon.py
"""

from __future__ import annotations

import gzip
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import arabic_eval  # noqa: E402

from viewer.textproc.arabic import LEXICON_PATH, article_stripped  # noqa: E402

MIN_COUNT = 3


def main() -> int:
    if arabic_eval.dataset_dir() is None:
        print("SaudiNewsNet is not there (see tests/data/README.md)", file=sys.stderr)
        return 1
    counts: Counter[str] = Counter()
    for _pid, text in arabic_eval.posts("tuning"):
        counts.update(article_stripped(w) for w in arabic_eval.words(text))
    kept = sorted((w, n) for w, n in counts.items() if n >= MIN_COUNT and len(w) >= 2)
    data = "".join(f"{w}\t{n}\n" for w, n in kept).encode("utf-8")
    # mtime=0: a rebuild from the same data gives the same bytes.
    with gzip.GzipFile(LEXICON_PATH, "wb", compresslevel=9, mtime=0) as f:
        f.write(data)
    print(f"{len(kept)} stems -> {LEXICON_PATH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
