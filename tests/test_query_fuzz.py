"""Issue 13 item 5: no query crashes the parser, the searcher or the CLI.
Any string gets a result or one QueryError line (exit status 2 in the CLI),
never a traceback, up to 10,000 characters and 1,000 levels of nesting."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search_factory import add, post
from viewer.collection import Collection
from viewer.search import QueryError, Searcher
from viewer.search.query import parse

ROOT = Path(__file__).resolve().parents[1]

# The pieces a query is made of, good and bad: operators, quotes,
# parentheses, '-', ':', Arabic with its marks, hashtags, wildcards.
PIECES = [
    "(", ")", '"', "-", ":", "*", "?", "~", "~2", "^2", "#", "@", "AND", "OR", "NOT", "ANDNOT",
    "from:", "to:", "lang:", "since:", "until:", "filter:", "kind:", "has:", "is:", "tag:",
    "from:mosul_eye", "lang:ar", "since:2016-10-17", "until:2016-11-01", "filter:media",
    "kind:post", "has:note", 'tag:"two words"', "since:99999-99-99", "http://x.y/z",
    "mosul", "Fleeing", "liberated", "الموصل", "ببغداد", "لله", "حياتنا", "الْمَوْصِل", "ـ",
    "#الموصل", "#Mosul", "@mosul_eye", "mos*", "الموص*", "mosl~", "＃", "＠", "،", "؟", "_",
]
tokens = st.lists(st.sampled_from(PIECES), max_size=40).map(" ".join) | st.lists(
    st.sampled_from(PIECES), max_size=40).map("".join)
anything = st.text(max_size=300) | tokens


def _parse_or_message(q: str) -> None:
    try:
        parse(q)
    except QueryError as e:
        assert e.message and "\n" not in e.message


@settings(max_examples=300, deadline=None)
@given(anything)
def test_the_parser_gives_a_query_or_a_one_line_message(q):
    _parse_or_message(q)


@pytest.fixture(scope="module")
def collection(tmp_path_factory):
    coll = Collection.open(tmp_path_factory.mktemp("fuzz") / "coll")
    add(coll, [post("Mosul liberated #Mosul @mosul_eye"), post("وصل الجيش إلى الموصل ببغداد #الموصل"),
               post("الحمد لله على حياتنا")])
    return coll


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(anything)
def test_the_searcher_gives_a_result_or_a_one_line_message(collection, q):
    try:
        rs = Searcher(collection).search(q)
        rs.hits(0, 5)
    except QueryError as e:
        assert e.message and "\n" not in e.message


@pytest.mark.parametrize("q", [
    "(" * 1000 + "mosul" + ")" * 1000,
    "(" * 5000 + "mosul",
    "- " * 1000 + "mosul",
    "NOT " * 1000 + "mosul",
    "-" * 1000 + "mosul",
    " ".join(["mosul OR (الموصل AND"] * 500) + " x" + ")" * 500,
    "mosul " * 2000,
    "الموصل" * 2000,
    '"' + "mosul " * 2000 + '"',
    "mos* " * 1000,
])
def test_long_and_deeply_nested_queries_give_a_result_or_a_message(collection, q):
    try:
        Searcher(collection).search(q).hits(0, 5)
    except QueryError as e:
        assert e.message and "\n" not in e.message


@pytest.mark.slow
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(anything, st.just("(" * 1000 + "x" + ")" * 1000), st.just("NOT " * 3000 + "x")))
def test_the_cli_never_prints_a_traceback(collection, q):
    proc = subprocess.run(
        [sys.executable, "-m", "viewer", "--collection", str(collection.path), "search", "--", q],
        capture_output=True, text=True, cwd=ROOT, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert "Traceback" not in proc.stderr
    assert proc.returncode in (0, 2), proc.stderr
    if proc.returncode == 2:
        assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
