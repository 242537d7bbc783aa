"""Mixed Arabic/English lines as a reader sees them: each paragraph in the
direction of its first strong letter, handles, hashtags, URLs and numbers in
their own order. The checks measure where runs land on screen (QTextLayout
cursor positions), not only the paragraph's direction."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QTextLayout
from ui_helpers import build_collection, post

from viewer.bidi import isolate, runs
from viewer.ui.search.facets import label_for

MIXED = "It has begun. بدأت معركة الموصل #Mosul"
REPLY = "@NinawaNow شكرا على التغطية #IDPs"


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    return build_collection(tmp_path / "coll", [
        post(0, MIXED, lang="en"),
        post(1, REPLY, lang="ar", author_handle="mosul_eye"),
    ])


def x_of(layout: QTextLayout, text: str, stored_offset: int) -> float:
    """Where the cursor between the character before this stored offset and
    the one at it is drawn. Offsets are taken strictly inside a word, where
    both neighbours belong to one run (at a run's edge the cursor has two
    places)."""
    _, to_display = isolate(text)
    return layout.lineAt(0).cursorToX(to_display(stored_offset))[0]


def row_layout(window, row: int) -> QTextLayout:  # type: ignore[no-untyped-def]
    layouts = window.delegate.paragraph_layouts(window.model.index(row), width=900)
    assert len(layouts) == 1 and layouts[0].lineCount() == 1
    return layouts[0]


def test_an_english_sentence_with_arabic_inside_reads_left_to_right_in_order(open_window, mixed):
    window = open_window(mixed)
    layout = row_layout(window, 0)
    assert window.delegate.paragraph_directions(window.model.index(0)) == [(MIXED, False)]
    it = x_of(layout, MIXED, 1)  # I|t
    ar1, ar2 = MIXED.index("بدأت") + 1, MIXED.index("بدأت") + 2  # ب|د , د|أ
    mosul_ar = MIXED.index("الموصل") + 1
    hash_m, m_o = MIXED.index("#Mosul") + 1, MIXED.index("#Mosul") + 2  # #|M , M|o
    # Left to right: "It has begun." first, then the Arabic run, then "#Mosul".
    assert it < x_of(layout, MIXED, mosul_ar) < x_of(layout, MIXED, ar1) < x_of(layout, MIXED, hash_m)
    # Inside the Arabic run letters go right to left …
    assert x_of(layout, MIXED, ar1) > x_of(layout, MIXED, ar2)
    # … and the hashtag reads "#Mosul", left to right.
    assert x_of(layout, MIXED, hash_m) < x_of(layout, MIXED, m_o)


def test_an_arabic_reply_opening_with_a_latin_handle_reads_right_to_left_with_its_runs_intact(open_window, mixed):
    window = open_window(mixed)
    layout = row_layout(window, 1)
    assert window.delegate.paragraph_directions(window.model.index(1)) == [(REPLY, True)]
    at_n, n_i = 1, 2  # @|N , N|i
    shukran = REPLY.index("شكرا") + 1
    hash_i, i_d = REPLY.index("#IDPs") + 1, REPLY.index("#IDPs") + 2  # #|I , I|D
    # The handle opens the paragraph: rightmost, and it reads "@NinawaNow".
    assert x_of(layout, REPLY, at_n) > x_of(layout, REPLY, shukran)
    assert x_of(layout, REPLY, at_n) < x_of(layout, REPLY, n_i)
    # The hashtag ends it: leftmost, and it reads "#IDPs", not "IDPs#".
    assert x_of(layout, REPLY, hash_i) < x_of(layout, REPLY, shukran)
    assert x_of(layout, REPLY, hash_i) < x_of(layout, REPLY, i_d)


def test_the_detail_pane_lays_out_the_reply_the_same_way(qtbot, open_window, mixed):
    window = open_window(mixed)
    window.show_post(window.model.index(1).data(258))
    text = window.detail.text
    assert text.paragraph_directions() == [(REPLY, True)]
    layout = text.document().begin().layout()
    line = layout.lineAt(0)
    _, to_display = isolate(REPLY)
    x = {k: line.cursorToX(to_display(REPLY.index(k) + 1))[0] for k in ("@N", "Ni", "شكرا", "#I", "ID")}
    assert x["@N"] > x["شكرا"] and x["@N"] < x["Ni"]
    assert x["#I"] < x["شكرا"] and x["#I"] < x["ID"]


def test_copying_from_the_detail_pane_gives_the_stored_text_without_marks(open_window, mixed):
    window = open_window(mixed)
    window.show_post(window.model.index(1).data(258))
    text = window.detail.text
    text.selectAll()
    assert text.createMimeDataFromSelection().text() == REPLY


def test_facet_labels_of_arabic_hashtags_are_one_isolate():
    label = label_for("hashtags", "الموصل")
    assert label == "\u2068#الموصل\u2069"
    assert label_for("hashtags", "Mosul") == "#Mosul"


def test_language_facets_show_names_and_explain_twitters_codes():
    assert label_for("langs", "ar") == "Arabic (ar)"
    assert label_for("langs", "qme") == "media only (qme)"
    assert label_for("langs", "zxx") == "no text (media or links only) (zxx)"
    assert label_for("langs", "und") == "undetermined (und)"


def test_the_html_report_isolates_handles_hashtags_and_numbers():
    from viewer.export.html import _text

    assert _text(REPLY) == ("<bdi>@NinawaNow</bdi> شكرا على التغطية <bdi>#IDPs</bdi>")
    assert _text("<b>5</b>") == "&lt;b&gt;<bdi>5</bdi>&lt;/b&gt;"
    assert runs("12:30 في الموصل") == [("12:30", True), (" في الموصل", False)]


LONG_LAST = ("لا نريد تحرير الموصل على يد المليشيات\n#انقذوا_الموصل_من_الحشد\n"
             "صوت اهل نينوى لا يسمع. الحشد الشعبي يدخل الاحياء ونحن نريد الجيش العراقي وحده في المدينة القديمة")


def test_a_post_cut_after_its_third_line_draws_each_shown_line_once(open_window, tmp_path):
    """Three paragraphs, the last longer than the one line left for it: the
    list shows three lines and '…', and no line is laid over another."""
    window = open_window(build_collection(tmp_path / "coll", [post(0, LONG_LAST, lang="ar")]))
    layouts = window.delegate.paragraph_layouts(window.model.index(0), width=320)
    assert [lay.lineCount() for lay in layouts] == [1, 1, 1]
    last = layouts[-1].lineAt(0)
    assert last.textLength() < len(layouts[-1].text())  # the rest is cut, shown as '…'
