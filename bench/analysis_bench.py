"""The analysis benchmark of issue 13: how well a search finds every written
form of a word, measured on real Arabic (SaudiNewsNet, the reporting part),
for our analyzer and the established stemmers, and the English stemmers on
real English tweets.

For each Arabic stemmer, the selected posts are imported into a fresh
collection with `archive-viewer import` and each of the labelled words
(tests/data/arabic_words.tsv) is searched with `archive-viewer search --ids`,
both run in this process through the CLI's own entry point with the
Arabic stemming step swapped (viewer.textproc.stem_arabic); everything else
(tokenizer, normalisation, query parser, index) is the product's.

    .venv/bin/python bench/analysis_bench.py [--part reporting|tuning] [--limit N]

Prints a table and writes bench/out/analysis_bench.json. The old analyzer
("before") is rebuilt from git (the commit given by --before) when asked.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import io
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import arabic_eval as E  # noqa: E402

import viewer.textproc as textproc  # noqa: E402
from viewer import cli as cli_module  # noqa: E402

OURS = textproc.stem_arabic
DETAILS = False


def _snowball() -> Callable[[str], str] | None:
    try:
        import Stemmer  # PyStemmer
    except ImportError:
        return None
    s = Stemmer.Stemmer("arabic")
    return s.stemWord


def _tashaphyne() -> Callable[[str], str] | None:
    try:
        from tashaphyne.stemming import ArabicLightStemmer
    except ImportError:
        return None
    st = ArabicLightStemmer()

    def stem(word: str) -> str:
        st.light_stem(word)
        return st.get_stem() or word

    return stem


def _before(commit: str) -> Callable[[str], str] | None:
    """The Arabic stemmer as it was at `commit` (before issue 13 the whole
    analysis lived in viewer/textproc.py), loaded from git."""
    try:
        source = subprocess.run(["git", "show", f"{commit}:viewer/textproc.py"], cwd=ROOT,
                                capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    module = types.ModuleType("textproc_before")
    exec(compile(source, f"{commit}:viewer/textproc.py", "exec"), module.__dict__)
    stem: Callable[[str], str] = module.stem_arabic
    return stem


def _cli(args: list[str]) -> str:
    cli_module._load_commands()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        try:
            cli_module.cli.main(args, prog_name="archive-viewer", standalone_mode=False)
        except SystemExit as e:
            if e.code not in (0, None):
                raise
    return out.getvalue()


def measure(name: str, stem: Callable[[str], str], selected: list[tuple[str, str]],
            labels: list[E.Word], work: Path) -> dict[str, float]:
    if stem is not OURS:
        stem = functools.lru_cache(maxsize=500_000)(stem)  # Tashaphyne costs ~0.2 ms a word
    textproc.stem_arabic = stem
    stem_cache = getattr(stem, "cache_clear", None)
    if stem_cache:
        stem_cache()
    coll = work / re.sub(r"\W+", "_", name)
    shutil.rmtree(coll, ignore_errors=True)
    jsonl = work / "posts.jsonl"
    if not jsonl.exists():
        E.write_jsonl(selected, jsonl)
    t0 = time.perf_counter()
    _cli(["--collection", str(coll), "import", str(jsonl)])
    t_import = time.perf_counter() - t0
    ids = E.post_ids(selected)

    def search(q: str) -> set[str]:
        return {ids[i] for i in _cli(["--collection", str(coll), "search", "--ids", q]).split()}

    score = E.score(labels, selected, search)
    if DETAILS:
        text = dict(selected)
        for q, pids in sorted(score.stray_examples.items(), key=lambda kv: -len(kv[1])):
            stems = {stem(textproc.normalize_arabic(q))}
            forms: dict[str, int] = {}
            for pid in pids:
                for t in E.words(text[pid]):
                    if stem(t) in stems or textproc.analyze(t) == textproc.analyze(q):
                        forms[t] = forms.get(t, 0) + 1
            top = sorted(forms.items(), key=lambda kv: -kv[1])[:8]
            print(f"    stray {q}: {len(pids)} {top}")
        for q, miss in score.missed.items():
            counts: dict[str, int] = {}
            for t in miss:
                counts[t] = counts.get(t, 0) + 1
            print(f"    missed {q}: {sorted(counts.items(), key=lambda kv: -kv[1])[:8]}")
    row = score.row()
    row["import_s"] = round(t_import, 1)
    textproc.stem_arabic = OURS
    return row


# English: inflections a reader expects to meet, listed by hand, and what
# each stemmer merges them with among the words of real English tweets.
ENGLISH = {
    "liberate": ["liberated", "liberates", "liberating"],
    "attack": ["attacks", "attacked", "attacking"],
    "vote": ["votes", "voted", "voting", "voter", "voters"],
    "leave": ["leaves", "leaving"],
    "elect": ["elected", "electing", "elects"],
    "campaign": ["campaigns", "campaigned", "campaigning"],
    "protest": ["protests", "protested", "protesting", "protesters", "protester"],
    "support": ["supports", "supported", "supporting", "supporter", "supporters"],
    "kill": ["kills", "killed", "killing"],
    "city": ["cities"],
    "country": ["countries"],
    "agree": ["agreed", "agrees", "agreeing"],
    "deal": ["deals", "dealing"],
    "fight": ["fights", "fighting", "fighter", "fighters"],
    "force": ["forces", "forced"],
    "state": ["states", "stated"],
    "report": ["reports", "reported", "reporting"],
    "live": ["lives", "lived", "living"],
    "free": ["freed", "freedom"],
    "refugee": ["refugees"],
    "negotiate": ["negotiated", "negotiating", "negotiation", "negotiations"],
    "create": ["created", "creating", "creates"],
    "happy": ["happier", "happiest"],
    "try": ["tried", "tries", "trying"],
    "economy": ["economies"],
}


def english_vocabulary() -> set[str]:
    corpora = ROOT / ".." / "shared" / "corpora"
    words: set[str] = set()
    for path in list(corpora.glob("twarc-csv/*.jsonl")) + list(corpora.glob("v1-*/**/*.json*")):
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for m in re.finditer(r'"(?:full_)?text"\s*:\s*"((?:[^"\\]|\\.)*)"', text):
            words.update(w.lower() for w in re.findall(r"[A-Za-z]+", m.group(1)))
    return words


def english_table() -> dict[str, dict[str, float]]:
    from whoosh.lang.porter import stem as porter

    vocab = english_vocabulary()
    stemmers: dict[str, Callable[[str], str]] = {"porter (before)": porter}
    sn = _snowball_english()
    if sn:
        stemmers["snowball english"] = sn
    out = {}
    for name, stem in stemmers.items():
        found = total = strays = hits = 0
        for word, forms in ENGLISH.items():
            target = stem(word)
            total += len(forms)
            found += sum(stem(f) == target for f in forms)
            merged = {v for v in vocab if stem(v) == target}
            hits += len(merged)
            strays += len(merged - set(forms) - {word})
        out[name] = {"recall": 100.0 * found / total, "merged_other": strays, "merged": hits,
                     "vocabulary": len(vocab)}
    return out


def _snowball_english() -> Callable[[str], str] | None:
    try:
        import Stemmer
    except ImportError:
        return None
    return Stemmer.Stemmer("english").stemWord


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--part", default="reporting", choices=("reporting", "tuning"))
    ap.add_argument("--limit", type=int, default=None, help="at most this many posts")
    ap.add_argument("--only", default=None, help="only the analyzers whose name contains this")
    ap.add_argument("--before", default="efde0ee",
                    help="the commit whose analyzer is the 'before' row (default: the one before issue 13)")
    ap.add_argument("--details", action="store_true", help="print the missed forms and the strays")
    args = ap.parse_args()
    global DETAILS
    DETAILS = args.details

    results: dict[str, object] = {}
    if E.dataset_dir() is None:
        print("SaudiNewsNet is not there (tests/data/README.md says how to get it); Arabic skipped")
    else:
        labels = E.load_labels()
        selected = E.select_posts(labels, args.part, args.limit)
        print(f"{args.part} part: {len(selected)} posts, {len(labels)} words")
        analyzers: dict[str, Callable[[str], str]] = {}
        before = _before(args.before)
        if before:
            analyzers[f"before ({args.before})"] = before
        analyzers["ours"] = OURS
        sb, ta = _snowball(), _tashaphyne()
        if sb:
            analyzers["snowball arabic (PyStemmer)"] = sb
        if ta:
            analyzers["tashaphyne light stemmer"] = ta
        arabic: dict[str, dict[str, float]] = {}
        with tempfile.TemporaryDirectory(prefix="analysis-bench-") as tmp:
            for name, stem in analyzers.items():
                if args.only and args.only not in name:
                    continue
                arabic[name] = measure(name, stem, selected, labels, Path(tmp))
                r = arabic[name]
                print(f"  {name:32s} bare {r['bare']:6.2f}  prefixed {r['prefixed']:6.2f}  "
                      f"suffixed {r['suffixed']:6.2f}  strays {r['strays']:5.2f}  (import {r['import_s']} s)",
                      flush=True)
        results["arabic"] = {"part": args.part, "posts": len(selected), "rows": arabic}
        print("targets: prefixed >= 99.5, suffixed >= 90, strays <= 0.2 (% of hits)")
    eng = english_table()
    results["english"] = eng
    print("English (hand-listed inflections of %d words, vocabulary of real tweets):" % len(ENGLISH))
    for name, r in eng.items():
        print(f"  {name:20s} recall {r['recall']:6.2f}  other words merged {r['merged_other']}")
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    (out / "analysis_bench.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
