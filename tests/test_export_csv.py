"""CSV export: opens with the csv module, twarc-csv's column names, exactly
the exported posts with their tags and notes, safe in a spreadsheet."""
from __future__ import annotations

import csv
import json

import pytest
from archive_factory import snowflake, v1_status, write_jsonl

from viewer import curation
from viewer.collection import Collection
from viewer.export import collected_ids
from viewer.export.csv import COLUMNS, export_csv, read_id
from viewer.importer import import_paths
from viewer.jobs import Cancelled, Job

# twarc-csv 0.7.2's DEFAULT_TWEET_COLUMNS (DocNow/twarc-csv, dataframe_converter.py),
# copied here as the oracle the header is checked against.
TWARC_CSV_COLUMNS = """id conversation_id referenced_tweets.replied_to.id referenced_tweets.retweeted.id
referenced_tweets.quoted.id author_id in_reply_to_user_id in_reply_to_username retweeted_user_id
retweeted_username quoted_user_id quoted_username created_at text lang source
public_metrics.impression_count public_metrics.reply_count public_metrics.retweet_count
public_metrics.quote_count public_metrics.like_count public_metrics.bookmark_count reply_settings
edit_history_tweet_ids edit_controls.edits_remaining edit_controls.editable_until
edit_controls.is_edit_eligible possibly_sensitive withheld.scope withheld.copyright withheld.country_codes
entities.annotations entities.cashtags entities.hashtags entities.mentions entities.urls context_annotations
attachments.media attachments.media_keys attachments.poll.duration_minutes attachments.poll.end_datetime
attachments.poll.id attachments.poll.options attachments.poll.voting_status attachments.poll_ids author.id
author.created_at author.username author.name author.description author.entities.description.cashtags
author.entities.description.hashtags author.entities.description.mentions author.entities.description.urls
author.entities.url.urls author.url author.location author.pinned_tweet_id author.profile_image_url
author.protected author.public_metrics.followers_count author.public_metrics.following_count
author.public_metrics.listed_count author.public_metrics.tweet_count author.verified author.verified_type
author.withheld.scope author.withheld.copyright author.withheld.country_codes geo.coordinates.coordinates
geo.coordinates.type geo.country geo.country_code geo.full_name geo.geo.bbox geo.geo.type geo.id geo.name
geo.place_id geo.place_type matching_rules __twarc.retrieved_at __twarc.url __twarc.version""".split()

ORIGINAL = v1_status(0, text="Mosul is Iraq in miniature #FreeMosul", handle="voice")
POSTS = [
    ORIGINAL,
    v1_status(1, text="RT @voice: Mosul is Iraq in miniature #FreeMosul", retweeted_status=ORIGINAL),
    v1_status(2, text="الموصل حرة\nسطر ثان #تحرير_الموصل", lang="ar",
              entities={"hashtags": [{"text": "تحرير_الموصل"}], "user_mentions": [], "urls": []}),
    v1_status(3, text="=HYPERLINK(\"http://example.invalid\",\"click\")"),
    v1_status(4, text="@reporter_mosul is the bridge open?"),
]
IDS = [snowflake(i) for i in range(len(POSTS))]


@pytest.fixture
def coll(tmp_path):
    c = Collection.open(tmp_path / "c")
    import_paths(c, [write_jsonl(tmp_path / "s.jsonl", POSTS)])
    yield c
    c.close()


def read(path, encoding="utf-8") -> list[dict[str, str]]:
    with open(path, encoding=encoding, newline="") as f:
        return list(csv.DictReader(f))


def test_the_csv_holds_exactly_the_exported_ids_in_order_with_their_tags(coll, tmp_path):
    curation.tag_posts(coll, "evidence", IDS[1:3])
    curation.tag_posts(coll, "arabic", IDS[2:3])
    chosen = [IDS[2], IDS[0], IDS[1]]
    export_csv(coll, chosen, tmp_path / "out.csv")
    rows = read(tmp_path / "out.csv")
    assert [read_id(r["id"]) for r in rows] == chosen
    assert [json.loads(r["tags"]) if r["tags"] else [] for r in rows] == [["arabic", "evidence"], [], ["evidence"]]


def test_the_header_is_twarc_csvs_names_in_twarc_csvs_order_then_ours(tmp_path):
    ours = [c for c in COLUMNS if c in TWARC_CSV_COLUMNS]
    assert ours == [c for c in TWARC_CSV_COLUMNS if c in ours]
    assert COLUMNS[:len(ours)] == ours
    assert COLUMNS[len(ours):] == ["kind", "collected", "deleted", "media_urls", "media_files", "sources",
                                   "tags", "notes"]


def test_notes_travel_in_their_column(coll, tmp_path):
    curation.add_note(coll, IDS[0], "Seen in two other posts,\nsame flag")
    export_csv(coll, IDS[:1], tmp_path / "out.csv")
    assert json.loads(read(tmp_path / "out.csv")[0]["notes"]) == ["Seen in two other posts,\nsame flag"]


def test_the_file_is_plain_utf8_and_quotes_every_field(coll, tmp_path):
    export_csv(coll, IDS, tmp_path / "out.csv")
    raw = (tmp_path / "out.csv").read_bytes()
    assert raw.startswith(b'"id",')
    second = raw.split(b"\r\n")[1]
    assert second.startswith(f'"{IDS[0]}",'.encode()) and b',,' not in second


def test_ids_are_plain_digits_that_read_back_as_twarc_csv_users_read_them(coll, tmp_path):
    export_csv(coll, IDS[1:2], tmp_path / "out.csv")
    # twarc-csv users read id columns as strings (pandas dtype=str); so does csv.
    row = read(tmp_path / "out.csv")[0]
    assert row["id"] == str(IDS[1])
    assert row["referenced_tweets.retweeted.id"] == str(IDS[0])
    assert row["author_id"] == POSTS[1]["user"]["id_str"] == row["author.id"]


def test_plain_csv_for_programs_has_text_as_stored(coll, tmp_path):
    export_csv(coll, IDS, tmp_path / "out.csv", guard_formulas=False)
    rows = read(tmp_path / "out.csv")
    assert [int(r["id"]) for r in rows] == IDS
    assert rows[3]["text"] == POSTS[3]["full_text"]


def test_a_post_that_looks_like_a_formula_cannot_run_in_a_spreadsheet(coll, tmp_path):
    export_csv(coll, IDS, tmp_path / "out.csv")
    rows = read(tmp_path / "out.csv")
    assert rows[3]["text"] == "'" + POSTS[3]["full_text"]
    assert rows[4]["text"] == "'@reporter_mosul is the bridge open?"


def test_arabic_and_line_breaks_survive(coll, tmp_path):
    export_csv(coll, IDS, tmp_path / "out.csv")
    row = read(tmp_path / "out.csv")[2]
    assert row["text"] == "الموصل حرة\nسطر ثان #تحرير_الموصل"
    assert json.loads(row["entities.hashtags"]) == ["#تحرير_الموصل"]
    assert row["lang"] == "ar"


def test_a_retweet_names_its_original_and_its_author(coll, tmp_path):
    export_csv(coll, IDS[1:2], tmp_path / "out.csv")
    row = read(tmp_path / "out.csv")[0]
    assert row["referenced_tweets.retweeted.id"] == str(IDS[0])
    assert row["retweeted_username"] == "voice"
    assert row["retweeted_user_id"] == ORIGINAL["user"]["id_str"]
    assert row["kind"] == "retweet"
    assert row["created_at"].endswith(".000Z")


def test_each_row_says_where_the_post_came_from(coll, tmp_path):
    export_csv(coll, IDS[:1], tmp_path / "out.csv")
    (where,) = json.loads(read(tmp_path / "out.csv")[0]["sources"])
    assert where.startswith("s.jsonl: line 1")


def test_ids_that_are_no_post_are_left_out(coll, tmp_path):
    res = export_csv(coll, [IDS[0], 42], tmp_path / "out.csv")
    assert res.posts == 1 and res.skipped
    assert len(read(tmp_path / "out.csv")) == 1


def test_the_export_lands_in_the_audit_log(coll, tmp_path):
    export_csv(coll, IDS[:2], tmp_path / "out.csv", query="#FreeMosul")
    (entry,) = curation.audit_log(coll, action="export")
    assert entry["detail"]["format"] == "csv"
    assert entry["detail"]["ids"] == [str(i) for i in IDS[:2]]
    assert entry["detail"]["query"] == "#FreeMosul"


def test_a_cancelled_export_leaves_no_file(coll, tmp_path):
    job = Job()
    job.cancel()
    with pytest.raises(Cancelled):
        export_csv(coll, IDS, tmp_path / "out.csv", job=job)
    assert list(tmp_path.glob("out.csv*")) == [] and list(tmp_path.glob(".out.csv*")) == []
    assert curation.audit_log(coll, action="export") == []


def test_exporting_everything_means_every_collected_post_oldest_first(coll):
    assert collected_ids(coll) == IDS
