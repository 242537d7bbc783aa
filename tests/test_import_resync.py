"""A damaged *first* element of an array costs only itself (issue 12): with no
intact sibling read yet, the reader must still pick up at the second
element, not one late, in every format that holds its posts in an array."""
from __future__ import annotations

import json

import pytest
from archive_factory import snowflake, v1_status, v2_page

from viewer.importer import import_paths

N = 5


def ids(coll) -> set[int]:
    return {r[0] for r in coll.db.execute("SELECT id FROM posts WHERE collected = 1")}


def damage(text: str, first: object, how: str, anchor: str) -> str:
    """`text` with its first element (`first`, written by json.dumps) damaged
    at `anchor` (a key of it) or at its end."""
    start = text.index(json.dumps(first))
    end = start + len(json.dumps(first))
    if how == "a key loses its closing quote":
        at = text.index(anchor, start) + len(anchor) - 1  # a string then runs on past the key
        return text[:at] + text[at + 1:]
    if how == "its first key loses its opening quote":
        at = text.index(anchor, start)
        return text[:at] + text[at + 1:]
    if how == "its end and the comma after it are gone":
        # Its last two characters and the comma: the next element starts right
        # after an unterminated string.
        assert text[end:end + 2] == ", "
        return text[:end - 2] + " " + text[end + 2:]
    raise AssertionError(how)


HOW = ["a key loses its closing quote", "its first key loses its opening quote",
       "its end and the comma after it are gone"]


def _anchors(how: str, key: str, first_key: str) -> str:
    return first_key if how == "its first key loses its opening quote" else key


@pytest.mark.parametrize("how", HOW)
def test_a_json_array_whose_first_status_is_damaged_keeps_all_the_others(collection, tmp_path, how):
    statuses = [v1_status(i) for i in range(N)]
    text = json.dumps(statuses)
    path = tmp_path / "home.json"
    path.write_text(damage(text, statuses[0], how, _anchors(how, '"screen_name"', '"created_at"')))
    report = import_paths(collection, [path])
    assert ids(collection) == {snowflake(i) for i in range(1, N)}
    assert any("damaged JSON" in f.reason for f in report.failures)


@pytest.mark.parametrize("how", HOW)
def test_a_v1_search_response_whose_first_status_is_damaged_keeps_all_the_others(collection, tmp_path, how):
    statuses = [v1_status(i) for i in range(N)]
    text = json.dumps({"statuses": statuses, "search_metadata": {"count": N}})
    path = tmp_path / "search.json"
    path.write_text(damage(text, statuses[0], how, _anchors(how, '"screen_name"', '"created_at"')))
    import_paths(collection, [path])
    assert ids(collection) == {snowflake(i) for i in range(1, N)}


@pytest.mark.parametrize("how", HOW)
def test_a_v2_page_whose_first_tweet_is_damaged_keeps_all_the_others(collection, tmp_path, how):
    page = v2_page([(i, f"post number {i}") for i in range(N)])
    for t in page["data"]:
        t["entities"] = {"hashtags": [{"start": 0, "end": 3, "tag": "a"}, {"start": 4, "end": 6, "tag": "b"}]}
    text = json.dumps(page)
    path = tmp_path / "page.json"
    path.write_text(damage(text, page["data"][0], how, _anchors(how, '"author_id"', '"id"')))
    import_paths(collection, [path])
    assert ids(collection) == {snowflake(i) for i in range(1, N)}


@pytest.mark.parametrize("how", HOW)
def test_a_tweets_js_whose_first_entry_is_damaged_keeps_all_the_others(collection, tmp_path, how):
    entries = [{"tweet": {"id_str": str(snowflake(i)), "id": str(snowflake(i)), "full_text": f"post {i}",
                          "created_at": "Mon Oct 17 05:12:00 +0000 2016",
                          "entities": {"hashtags": [{"text": "a", "indices": ["0", "2"]},
                                                    {"text": "b", "indices": ["3", "5"]}]}}}
               for i in range(N)]
    (tmp_path / "data").mkdir()
    text = "window.YTD.tweets.part0 = " + json.dumps(entries)
    # An entry has one key of its own (`tweet`): the damage goes inside it.
    damaged = damage(text, entries[0], how, _anchors(how, '"full_text"', '"id_str"'))
    (tmp_path / "data" / "tweets.js").write_text(damaged)
    import_paths(collection, [tmp_path / "data" / "tweets.js"])
    assert ids(collection) == {snowflake(i) for i in range(1, N)}


@pytest.mark.parametrize("how", HOW)
def test_a_grailbird_month_whose_first_tweet_is_damaged_keeps_all_the_others(collection, tmp_path, how):
    month = [v1_status(i) | {"created_at": "2016-10-17 05:12:00 +0000"} for i in range(N)]
    path = tmp_path / "2016_10.js"
    text = "Grailbird.data.tweets_2016_10 =\n" + json.dumps(month)
    path.write_text(damage(text, month[0], how, _anchors(how, '"screen_name"', '"created_at"')))
    import_paths(collection, [path])
    assert ids(collection) == {snowflake(i) for i in range(1, N)}
