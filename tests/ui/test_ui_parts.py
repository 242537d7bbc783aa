"""The window's small parts on their own: query editing for facets, paragraph
direction, completion names, chart axis and export, time zones, settings."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from ui_helpers import build_collection, post

from viewer.model import Mention
from viewer.search import query_edit
from viewer.ui.bidi import is_rtl
from viewer.clock import Clock
from viewer.ui.chart.histogram_view import Event, HistogramWidget, events_from_rows, ticks


def ts(*a: int) -> int:
    return int(datetime(*a, tzinfo=timezone.utc).timestamp())


# -- facets edit the query -------------------------------------------------------

def test_a_facet_adds_its_filter_at_the_end_of_the_query():
    assert query_edit.toggle("civilians", "hashtags", "FreeMosul") == "civilians #FreeMosul"
    assert query_edit.toggle("", "authors", "RamiNadhim_IQ") == "from:RamiNadhim_IQ"
    assert query_edit.toggle("x", "langs", "ar") == "x lang:ar"
    assert query_edit.toggle("x", "tags", "two words") == 'x tag:"two words"'


def test_a_second_click_removes_the_filter_and_keeps_the_rest_as_typed():
    assert query_edit.toggle('"free mosul" #FreeMosul  lang:ar', "hashtags", "FreeMosul") == '"free mosul" lang:ar'


def test_a_hashtag_filter_is_recognised_however_it_was_typed():
    assert query_edit.toggle("#freemosul mosul", "hashtags", "FreeMosul") == "mosul"
    assert query_edit.toggle("#تحرير_الموصل", "hashtags", "تحرير_الموصل") == ""


def test_a_kind_facet_filters_with_the_kind_operator():
    q = query_edit.toggle("mosul", "kinds", "post")
    assert q == "mosul kind:post"
    assert query_edit.toggle(q, "kinds", "post") == "mosul"


def test_the_word_under_the_cursor_is_what_completion_replaces():
    assert query_edit.word_at("mosul #Fre lang:ar", 10) == (6, 10)
    assert query_edit.word_at("#Fre", 2) == (0, 4)


# -- direction ---------------------------------------------------------------------

@pytest.mark.parametrize("text, rtl", [
    ("الموصل تتحرر اليوم", True),
    ("Mosul is free today", False),
    ("@reporter_mosul الموصل تتحرر اليوم", True),  # a leading handle does not decide
    ("https://example.com/a/b الموصل", True),
    ("Families fleeing الموصل tonight", False),
    # The first strong letter decides, as dir="auto" does (not a count of letters).
    ("عاجل: fighting near Nabi Yunus, Mosul", True),
    ("It has begun. بدأت معركة الموصل الآن وسط المدينة #Mosul", False),
    ("#Mosul الموصل", True),  # a leading hashtag does not decide either
    ("عاجل: اشتباكات قرب النبي يونس Mosul", True),
    ("2016 - 10 - 17", False),
])
def test_a_paragraph_reads_in_the_direction_of_its_first_strong_letter(text, rtl):
    assert is_rtl(text) is rtl


# -- completion names ---------------------------------------------------------------

def test_completion_names_come_from_the_collection_most_used_first(tmp_path):
    from viewer.collection import Collection
    from viewer.search.vocabulary import load_vocabulary

    posts = [post(i, "x", hashtags=["FreeMosul"] if i % 2 else ["Freedom"]) for i in range(5)]
    posts.append(post(10, "x", hashtags=["تحرير_الموصل"], mentions=[Mention("NinawaNow")]))
    path = build_collection(tmp_path / "c", posts)
    with Collection.open(path) as coll:
        v = load_vocabulary(coll.db)
    assert v.complete("#free") == ["#Freedom", "#FreeMosul"]
    assert v.complete("#تحر") == ["#تحرير_الموصل"]
    assert v.complete("#تحریر"[:3]) == ["#تحرير_الموصل"]  # Persian yeh folds like Arabic yeh
    assert v.complete("@nin") == ["@NinawaNow"]
    assert v.complete("from:rep") == ["from:reporter_mosul"]
    assert v.complete("mosul") == []


def test_completion_offers_the_curators_tag_names(tmp_path):
    from viewer import curation
    from viewer.collection import Collection
    from viewer.search.vocabulary import load_vocabulary

    path = build_collection(tmp_path / "c", [post(1, "x"), post(2, "y")])
    with Collection.open(path) as coll:
        curation.tag_posts(coll.db, "evidence", [post(1, "").id, post(2, "").id])
        curation.tag_posts(coll.db, "eviction-notices", [post(1, "").id])
        v = load_vocabulary(coll.db)
    assert v.complete("tag:evi") == ["tag:evidence", "tag:eviction-notices"]
    assert v.complete("-tag:evid") == ["-tag:evidence"]


# -- the chart -------------------------------------------------------------------------

def test_axis_labels_fall_on_month_starts_over_a_long_span():
    got = ticks(ts(2016, 10, 10), ts(2017, 7, 16), 12)
    assert [label for _, label in got][:3] == ["Nov 2016", "Dec", "Jan 2017"]
    assert all(datetime.fromtimestamp(t, timezone.utc).day == 1 for t, _ in got)


def test_axis_labels_fall_on_the_midnights_of_the_zone_shown():
    from zoneinfo import ZoneInfo

    got = ticks(ts(2016, 10, 16), ts(2016, 10, 26), 12, ZoneInfo("Asia/Baghdad"))
    assert got and all((t + 3 * 3600) % 86400 == 0 for t, _ in got)


def test_events_are_read_from_their_dates():
    events = events_from_rows([("2016-10-17", "Offensive begins", "text"), ("not a date", "x", ""),
                               ("2017-07-10T00:00:00Z", "Victory", None)])
    assert [(e.ts, e.title) for e in events] == [(ts(2016, 10, 17), "Offensive begins"), (ts(2017, 7, 10), "Victory")]


class _Hist:
    def __init__(self, unit, buckets, start, end):  # type: ignore[no-untyped-def]
        self.unit, self.buckets, self.start, self.end = unit, buckets, start, end


def test_the_chart_exports_png_and_svg(qtbot, tmp_path):
    w = HistogramWidget()
    qtbot.addWidget(w)
    w.resize(800, 160)
    day = 86400
    start = ts(2016, 10, 16)
    w.set_histogram(_Hist("day", [(start + i * day, (i * 7) % 40) for i in range(30)], start, start + 30 * day))
    w.set_events([Event(ts(2016, 10, 17), "Offensive begins")])
    assert w.export_png(tmp_path / "chart.png")
    from PySide6.QtGui import QImage

    img = QImage(str(tmp_path / "chart.png"))
    assert (img.width(), img.height()) == (1600, 320)
    assert w.export_svg(tmp_path / "chart.svg")
    svg = (tmp_path / "chart.svg").read_text()
    assert "<svg" in svg and "Offensive begins" in svg


# -- time zones and settings -----------------------------------------------------------

def test_times_show_in_utc_a_named_zone_or_local_time():
    t = ts(2016, 10, 17, 5, 12)
    assert Clock("UTC").format(t) == "2016-10-17 05:12"
    assert Clock("Asia/Baghdad").format(t) == "2016-10-17 08:12"
    assert Clock("local").format(t) == datetime.fromtimestamp(t).strftime("%Y-%m-%d %H:%M")
    assert Clock("Not/AZone").zone == "UTC"


def test_the_window_remembers_its_query_history_and_splitters(qtbot, open_window, settings, tmp_path):
    path = build_collection(tmp_path / "c", [post(i, f"Mosul update {i}") for i in range(3)])
    w = open_window(path, query="update")
    w.search_bar.add_history("mosul")
    w.body.setSizes([100, 700, 500])
    sizes = w.body.sizes()
    w.set_time_zone("Asia/Baghdad")
    w.close()
    from viewer.ui.main_window import MainWindow

    again = MainWindow(path, settings)
    qtbot.addWidget(again)
    try:
        assert again.search_bar.text() == "update"
        assert again.search_bar.history[:2] == ["update", "mosul"]
        assert again.clock.zone == "Asia/Baghdad"
        again.resize(w.size())
        again.show()
        assert again.body.sizes() == sizes
    finally:
        again.session.close()
