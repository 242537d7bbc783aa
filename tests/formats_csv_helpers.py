"""Helpers shared by the format tests: reading a path the way the importer
does, and writing CSV files with twarc-csv's header."""
from __future__ import annotations

import csv
from pathlib import Path
from typing import Any, Iterable

import viewer.formats
import viewer.sources
from viewer.formats import ParseOptions
from viewer.model import Post, Problem, User

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"

# twarc-csv 0.7.2's default columns (DataFrameConverter, input type "tweets"),
# in the order `twarc2 csv` writes them.
TWARC_CSV_COLUMNS = [
    "id", "conversation_id", "referenced_tweets.replied_to.id", "referenced_tweets.retweeted.id",
    "referenced_tweets.quoted.id", "author_id", "in_reply_to_user_id", "in_reply_to_username",
    "retweeted_user_id", "retweeted_username", "quoted_user_id", "quoted_username", "created_at", "text",
    "lang", "source", "public_metrics.impression_count", "public_metrics.reply_count",
    "public_metrics.retweet_count", "public_metrics.quote_count", "public_metrics.like_count",
    "public_metrics.bookmark_count", "reply_settings", "edit_history_tweet_ids",
    "edit_controls.edits_remaining", "edit_controls.editable_until", "edit_controls.is_edit_eligible",
    "possibly_sensitive", "withheld.scope", "withheld.copyright", "withheld.country_codes",
    "entities.annotations", "entities.cashtags", "entities.hashtags", "entities.mentions", "entities.urls",
    "context_annotations", "attachments.media", "attachments.media_keys",
    "attachments.poll.duration_minutes", "attachments.poll.end_datetime", "attachments.poll.id",
    "attachments.poll.options", "attachments.poll.voting_status", "attachments.poll_ids", "author.id",
    "author.created_at", "author.username", "author.name", "author.description",
    "author.entities.description.cashtags", "author.entities.description.hashtags",
    "author.entities.description.mentions", "author.entities.description.urls", "author.entities.url.urls",
    "author.url", "author.location", "author.pinned_tweet_id", "author.profile_image_url", "author.protected",
    "author.public_metrics.followers_count", "author.public_metrics.following_count",
    "author.public_metrics.listed_count", "author.public_metrics.tweet_count", "author.verified",
    "author.verified_type", "author.withheld.scope", "author.withheld.copyright",
    "author.withheld.country_codes", "geo.coordinates.coordinates", "geo.coordinates.type", "geo.country",
    "geo.country_code", "geo.full_name", "geo.geo.bbox", "geo.geo.type", "geo.id", "geo.name",
    "geo.place_id", "geo.place_type", "matching_rules", "__twarc.retrieved_at", "__twarc.url",
    "__twarc.version",
]


def write_csv(path: Path, header: list[str], rows: Iterable[dict[str, Any]], *, delimiter: str = ",",
              encoding: str = "utf-8", lineterminator: str = "\n", bom: bool = False) -> Path:
    """A CSV file as pandas/twarc-csv writes one: minimal quoting, every row
    with every column."""
    with open(path, "w", encoding=encoding, newline="") as f:
        if bom:
            f.write("\ufeff")
        w = csv.writer(f, delimiter=delimiter, lineterminator=lineterminator)
        w.writerow(header)
        for row in rows:
            w.writerow(["" if row.get(h) is None else row.get(h) for h in header])
    return path


def detect(path: Path):
    opened = viewer.sources.expand(path)
    assert len(opened.files) == 1
    src = opened.files[0]
    return src, viewer.formats.detect(src)


def parse(path: Path, options: ParseOptions | None = None, expect: str | None = None) -> list:
    """Every item a file gives, read as the importer reads it."""
    src, fmt = detect(path)
    assert fmt is not None, f"{path.name}: no format recognised it"
    if expect is not None:
        assert fmt.name == expect, f"{path.name}: read as {fmt.name}, not {expect}"
    return list(fmt.parse(src, options or ParseOptions()))


def posts(items: list) -> list[Post]:
    return [i for i in items if isinstance(i, Post)]


def problems(items: list) -> list[Problem]:
    return [i for i in items if isinstance(i, Problem)]


def users(items: list) -> list[User]:
    return [i for i in items if isinstance(i, User)]


def collected(items: list) -> dict[int, Post]:
    return {p.id: p for p in posts(items) if p.collected}


def referenced_only(items: list) -> set[int]:
    coll = collected(items)
    return {p.id for p in posts(items) if not p.collected and p.id not in coll}
