"""The property of issue 12, checked on mutated real archives: whatever is
done to one record of a file (or to the file as a whole: cut, re-encoded,
compressed), no exception escapes, the exit status is 0, 1 or 2, every post
of every untouched record is imported, and `verify` passes."""
from __future__ import annotations

import json
import os
import random
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from fuzz_support import expected_by_record, make_case, seeds, write_case
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from viewer.cli import _load_commands, cli
from viewer.collection import Collection

_load_commands()
SEEDS = seeds()
EXAMPLES = int(os.environ.get("ARCHIVE_VIEWER_FUZZ_EXAMPLES", "40"))
_expected: dict[str, dict[int, set[int]]] = {}

pytestmark = pytest.mark.skipif(not SEEDS, reason="neither ../shared/corpora nor the bundled sample is present")


def expected(seed) -> dict[int, set[int]]:
    if seed.name not in _expected:
        with tempfile.TemporaryDirectory() as d:
            path = write_case(make_case.__globals__["Case"](seed, seed.body(), seed.filename, set(), "pristine"),
                              Path(d) / "in")
            res = CliRunner().invoke(cli, ["import", "--no-index", "--collection", f"{d}/c", str(path)])
            assert res.exit_code == 0, res.output
            with Collection.open(Path(d) / "c", create=False) as coll:
                _expected[seed.name] = expected_by_record(coll, seed)
        assert _expected[seed.name], f"{seed.name}: the pristine seed imports no post"
    return _expected[seed.name]


def test_every_seed_maps_each_record_to_its_posts():
    for seed in SEEDS:
        assert set(expected(seed)) == set(range(len(seed.records))), seed.name


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(which=st.integers(min_value=0, max_value=max(len(SEEDS) - 1, 0)), salt=st.integers(0, 2**32 - 1))
def test_a_mutated_archive_loses_nothing_but_the_mutated_record(which, salt):
    seed = SEEDS[which]
    case = make_case(seed, random.Random(salt))
    want = set().union(*(expected(seed).get(k, set()) for k in case.intact))
    with tempfile.TemporaryDirectory() as d:
        path = write_case(case, Path(d) / "in")
        coll = f"{d}/c"
        res = CliRunner().invoke(cli, ["import", "--json", "--collection", coll, str(path)])
        assert res.exception is None or isinstance(res.exception, SystemExit), (case.kind, repr(res.exception))
        assert res.exit_code in (0, 1, 2), (case.kind, res.output)
        if res.exit_code == 0:
            json.loads(res.stdout)
        with Collection.open(Path(coll), create=False) as c:
            got = {r[0] for r in c.db.execute("SELECT id FROM posts WHERE collected = 1")}
        assert want <= got, (seed.name, case.kind, sorted(want - got)[:5])
        check = CliRunner().invoke(cli, ["verify", "--collection", coll])
        assert check.exit_code == 0, (case.kind, check.output)
