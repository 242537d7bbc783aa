"""The long run of the import fuzzer (issue 12): `make fuzz`.

Mutates small real archives of every format (tests/fuzz_support.py: one
record changed, or the whole file cut, re-encoded or compressed), imports
each case through the command line into a fresh collection and counts:
cases by mutation, exit statuses, exceptions that escaped, failures reported
by class, posts of untouched records that were lost, and `verify` results.
Figures to stdout and bench/out/fuzz.json.
"""
from __future__ import annotations

import argparse
import collections
import json
import random
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from click.testing import CliRunner  # noqa: E402
from fuzz_support import Case, expected_by_record, make_case, seeds, write_case  # noqa: E402

from viewer.cli import _load_commands, cli  # noqa: E402
from viewer.collection import Collection  # noqa: E402


def reason_class(reason: str) -> str:
    """A failure's reason without its particulars (numbers, quoted text)."""
    r = re.sub(r"\(.*", "", reason)
    r = re.sub(r"\d[\d,]*", "N", r)
    r = re.sub(r"post N: ", "", r)
    return " ".join(r.split()[:6])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=12)
    args = ap.parse_args()
    _load_commands()
    all_seeds = seeds()
    if not all_seeds:
        sys.exit("no seeds: ../shared/corpora and archives/mosul are both absent")
    runner = CliRunner()
    expected: dict[str, dict[int, set[int]]] = {}
    for s in all_seeds:
        with tempfile.TemporaryDirectory() as d:
            path = write_case(Case(s, s.body(), s.filename, set(), "pristine"), Path(d) / "in")
            runner.invoke(cli, ["import", "--no-index", "--collection", f"{d}/c", str(path)])
            with Collection.open(Path(d) / "c", create=False) as coll:
                expected[s.name] = expected_by_record(coll, s)

    kinds: collections.Counter[str] = collections.Counter()
    exits: collections.Counter[int] = collections.Counter()
    escaped: collections.Counter[str] = collections.Counter()
    reasons: collections.Counter[str] = collections.Counter()
    lost_by_kind: collections.Counter[str] = collections.Counter()
    verify_failed: list[dict] = []
    examples_lost: list[dict] = []
    posts_required = posts_lost = 0
    rnd = random.Random(args.seed)
    t0 = time.perf_counter()
    for i in range(args.cases):
        s = all_seeds[i % len(all_seeds)]
        case = make_case(s, random.Random(rnd.getrandbits(32)))
        kinds[f"{s.name}/{case.kind}"] += 1
        want = set().union(*(expected[s.name].get(k, set()) for k in case.intact))
        with tempfile.TemporaryDirectory() as d:
            path = write_case(case, Path(d) / "in")
            coll = f"{d}/c"
            res = runner.invoke(cli, ["import", "--json", "--collection", coll, str(path)])
            exits[res.exit_code] += 1
            if res.exception is not None and not isinstance(res.exception, SystemExit):
                escaped[type(res.exception).__name__] += 1
            try:
                report = json.loads(res.stdout)
                for f in report.get("failures", []):
                    reasons[reason_class(str(f.get("reason")))] += 1
            except ValueError:
                pass
            try:
                with Collection.open(Path(coll), create=False) as c:
                    got = {r[0] for r in c.db.execute("SELECT id FROM posts WHERE collected = 1")}
            except Exception as e:  # noqa: BLE001 - counted, not raised: this is the fuzzer
                escaped[f"open: {type(e).__name__}"] += 1
                got = set()
            missing = want - got
            posts_required += len(want)
            posts_lost += len(missing)
            if missing:
                lost_by_kind[case.kind] += len(missing)
                if len(examples_lost) < 20:
                    examples_lost.append({"seed": s.name, "kind": case.kind, "lost": len(missing)})
            check = runner.invoke(cli, ["verify", "--collection", coll])
            if check.exit_code != 0 and len(verify_failed) < 20:
                verify_failed.append({"seed": s.name, "kind": case.kind, "output": check.output[-300:]})
        if (i + 1) % 250 == 0:
            print(f"{i + 1} cases, {posts_lost} posts lost, {sum(escaped.values())} escaped", file=sys.stderr)
    elapsed = time.perf_counter() - t0
    out = {
        "cases": args.cases,
        "seeds": [s.name for s in all_seeds],
        "seconds": round(elapsed, 1),
        "exit_status": dict(exits),
        "exceptions_escaped": dict(escaped),
        "posts_of_untouched_records": posts_required,
        "posts_lost": posts_lost,
        "posts_lost_by_mutation": dict(lost_by_kind),
        "lost_examples": examples_lost,
        "verify_failed": len(verify_failed),
        "verify_failed_examples": verify_failed,
        "failures_by_class": dict(reasons.most_common(40)),
        "cases_by_mutation": dict(sorted(kinds.items())),
    }
    dest = ROOT / "bench" / "out"
    dest.mkdir(parents=True, exist_ok=True)
    (dest / "fuzz.json").write_text(json.dumps(out, indent=2, ensure_ascii=False))
    print(json.dumps({k: v for k, v in out.items() if k != "cases_by_mutation"}, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
