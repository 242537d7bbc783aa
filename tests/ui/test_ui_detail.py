"""The detail pane: the whole post, its local images at full size, remote
media as references, the original it retweets or quotes, the reply thread,
provenance and raw JSON, tags and notes."""
from __future__ import annotations

import json

import pytest
from PySide6.QtWidgets import QLabel
from ui_helpers import WAIT_MS, build_collection, post

from viewer.collection import Collection
from viewer.ui.detail.pane import PlainText, PostCard, Reference
from viewer.ui.timeline import PostRole


def one(path, sql: str):  # type: ignore[no-untyped-def]
    with Collection.open(path) as coll:
        row = coll.db.execute(sql).fetchone()
    if row is None:
        pytest.skip(f"the sample has no post for: {sql}")
    return row[0]


def show(qtbot, window, post_id: int) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(window.detailShown, timeout=WAIT_MS):
        window.show_post(post_id)


def labels(widget) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(lab.text() for lab in widget.findChildren(QLabel))


def test_a_posts_local_images_are_shown_at_full_size(qtbot, window, sample_path):
    pid = one(sample_path, "SELECT m.post_id FROM media m JOIN posts p ON p.id = m.post_id "
                           "WHERE m.file IS NOT NULL AND p.collected = 1 AND p.kind != 'retweet' "
                           "ORDER BY m.width LIMIT 1")
    show(qtbot, window, pid)
    images = window.detail.images
    assert images
    qtbot.waitUntil(lambda: all(v.loaded for v in images), timeout=WAIT_MS)
    with Collection.open(sample_path) as coll:
        width = coll.db.execute("SELECT width FROM media WHERE post_id = ? AND file IS NOT NULL", [pid]).fetchone()[0]
    pix = images[0].pixmap()
    # At full size unless the pane is narrower than the image.
    assert pix.width() == min(width or pix.width(), images[0].width())


def test_remote_media_are_listed_as_text_to_copy(qtbot, window, sample_path):
    pid = one(sample_path, "SELECT m.post_id FROM media m JOIN posts p ON p.id = m.post_id "
                           "WHERE m.file IS NULL AND m.url IS NOT NULL AND p.collected = 1 AND p.kind = 'post' LIMIT 1")
    show(qtbot, window, pid)
    with Collection.open(sample_path) as coll:
        urls = {r[0] for r in coll.db.execute("SELECT url FROM media WHERE post_id = ?", [pid])}
    shown = {r.field.text() for r in window.detail.findChildren(Reference)}
    assert urls <= shown
    assert not window.detail.images


def test_a_retweet_shows_the_original(qtbot, window, sample_path):
    pid = one(sample_path, "SELECT p.id FROM posts p JOIN posts o ON o.id = p.retweet_of "
                           "WHERE p.kind = 'retweet' AND p.collected = 1 LIMIT 1")
    show(qtbot, window, pid)
    d = window.detail.detail
    assert d.original is not None and d.original.id == d.row.retweet_of
    assert "Retweeted post" in labels(window.detail)
    assert any(c for c in window.detail.findChildren(PostCard))


def test_a_reply_shows_its_thread_as_far_as_the_collection_has_it(qtbot, window, sample_path):
    pid = one(sample_path, "SELECT p.id FROM posts p JOIN posts parent ON parent.id = p.reply_to "
                           "WHERE p.collected = 1 LIMIT 1")
    show(qtbot, window, pid)
    d = window.detail.detail
    assert d.ancestors and d.ancestors[-1].id == d.row.reply_to
    cards = window.detail._thread_area.widget().findChildren(PostCard)
    assert len(cards) >= 2  # the parent(s) and the post itself


def test_provenance_names_the_file_and_the_line_and_the_raw_json_is_there(qtbot, window, sample_path):
    pid = one(sample_path, "SELECT post_id FROM raw r JOIN sources s ON s.id = r.source_id "
                           "WHERE s.name LIKE '%harvest%' AND r.collected = 1 LIMIT 1")
    show(qtbot, window, pid)
    with Collection.open(sample_path) as coll:
        location = coll.db.execute("SELECT location FROM raw WHERE post_id = ? AND collected = 1", [pid]).fetchone()[0]
    prov = labels(window.detail._source_area.widget())
    assert "search-harvest.jsonl.gz" in prov and location in prov
    raw = window.detail.raw.toPlainText()
    assert str(pid) in raw
    body = raw.split("\n", 1)[1].split("\n\n//")[0]
    json.loads(body)  # each record is shown as JSON


def test_tags_and_notes_are_shown(qtbot, open_window, tmp_path):
    from viewer import curation

    path = build_collection(tmp_path / "c", [post(1, "Families fleeing Mosul")])
    pid = post(1, "").id
    with Collection.open(path) as coll:
        curation.tag_posts(coll.db, "civilians", [pid])
        curation.add_note(coll.db, pid, "Check against the UN report of that week.")
    window = open_window(path)
    show(qtbot, window, pid)
    text = labels(window.detail)
    assert "civilians" in text
    notes = [t.toPlainText() for t in window.detail.findChildren(PlainText)]
    assert "Check against the UN report of that week." in notes
    # The row carries the tag chip and the note mark.
    row = window.model.index(0).data(PostRole)
    assert row.tags[0][0] == "civilians" and row.has_note
