"""Tags, notes, saved searches, events and the audit log (DESIGN §6), on a
real collection imported from a small archive the test writes."""
from __future__ import annotations

import json
import re
import sqlite3

import pytest
from archive_factory import snowflake, v1_status, write_jsonl
from conftest import SAMPLE

from viewer import curation
from viewer.collection import Collection
from viewer.curation import CurationError
from viewer.importer import import_paths
from viewer.jobs import Cancelled, Job

TEXTS = [
    "Troops raise the flag over Hamidiyya #FreeMosul",
    "المدنيون ينزحون من الموصل #تحرير_الموصل",
    "Civilians fleeing the old city",
    "قادمون يا نينوى #قادمون_يا_نينوى",
    "Heavy fighting near the airport #Mosul",
    "Aid convoy reaches the camp",
]
IDS = [snowflake(i) for i in range(len(TEXTS))]


def status(i: int, text: str) -> dict:
    """A v1.1 status whose hashtags are the ones its text shows."""
    tags = [{"text": t} for t in re.findall(r"#(\w+)", text)]
    return v1_status(i, text=text, entities={"hashtags": tags, "user_mentions": [], "urls": []})


def build(tmp_path, index: bool = False) -> Collection:
    coll = Collection.open(tmp_path / "c")
    src = write_jsonl(tmp_path / "s.jsonl", [status(i, t) for i, t in enumerate(TEXTS)])
    sink = None
    if index:
        from viewer.index import index_sink

        sink = index_sink(coll)
    import_paths(coll, [src], index=sink)
    return coll


@pytest.fixture
def coll(tmp_path):
    c = build(tmp_path)
    yield c
    c.close()


def search_ids(coll: Collection, query: str) -> list[int]:
    from viewer.search import Searcher

    return sorted(int(i) for i in Searcher(coll).search(query, sort="time").ids)


# -- tags ------------------------------------------------------------------


def test_tagging_posts_puts_the_tag_on_exactly_those_posts(coll):
    res = curation.tag_posts(coll, "evidence", IDS[:3])
    assert (res["added"], res["already"], res["missing"]) == (3, 0, 0)
    assert curation.posts_with_tag(coll, "evidence") == sorted(IDS[:3])


def test_tagging_again_adds_nothing_and_says_so(coll):
    curation.tag_posts(coll, "evidence", IDS[:2])
    res = curation.tag_posts(coll, "evidence", IDS[:3])
    assert (res["added"], res["already"]) == (1, 2)
    assert curation.get_tag(coll, "evidence")["count"] == 3


def test_ids_that_are_no_post_are_reported_and_left_alone(coll):
    res = curation.tag_posts(coll, "evidence", [IDS[0], 42])
    assert (res["added"], res["missing"]) == (1, 1)
    assert curation.posts_with_tag(coll, "evidence") == [IDS[0]]


def test_untagging_takes_the_tag_off_only_the_given_posts(coll):
    curation.tag_posts(coll, "evidence", IDS)
    res = curation.untag_posts(coll, "evidence", IDS[:2])
    assert (res["removed"], res["not_tagged"]) == (2, 0)
    assert curation.posts_with_tag(coll, "evidence") == sorted(IDS[2:])


def test_a_tag_name_is_one_tag_whatever_its_case(coll):
    curation.create_tag(coll, "Evidence")
    with pytest.raises(CurationError, match="already exists"):
        curation.create_tag(coll, "evidence")
    curation.tag_posts(coll, "EVIDENCE", IDS[:1])
    assert [t["name"] for t in curation.list_tags(coll)] == ["Evidence"]


@pytest.mark.parametrize("bad", ["", "two words", 'say"what', "tag:x", "x" * 65])
def test_a_tag_name_must_survive_being_typed_after_tag_colon(coll, bad):
    with pytest.raises(CurationError):
        curation.create_tag(coll, bad)


def test_arabic_tag_names_are_allowed(coll):
    curation.tag_posts(coll, "نازحون", IDS[1:2])
    assert curation.posts_with_tag(coll, "نازحون") == [IDS[1]]


def test_new_tags_get_a_colour_and_recolouring_accepts_names_and_hex(coll):
    tag = curation.create_tag(coll, "evidence")
    assert tag["colour"].startswith("#") and len(tag["colour"]) == 7
    assert curation.recolour_tag(coll, "evidence", "red")["colour"] == curation.NAMED_COLOURS["red"]
    assert curation.recolour_tag(coll, "evidence", "#0F0")["colour"] == "#00ff00"
    with pytest.raises(CurationError, match="not a colour"):
        curation.recolour_tag(coll, "evidence", "url(http://example.invalid)")


def test_renaming_a_tag_keeps_its_posts(coll):
    curation.tag_posts(coll, "evidence", IDS[:2])
    curation.rename_tag(coll, "evidence", "verified")
    assert curation.posts_with_tag(coll, "verified") == sorted(IDS[:2])
    assert curation.get_tag(coll, "evidence") is None


def test_renaming_onto_another_tag_is_refused(coll):
    curation.create_tag(coll, "a")
    curation.create_tag(coll, "b")
    with pytest.raises(CurationError, match="already exists"):
        curation.rename_tag(coll, "a", "B")


def test_deleting_a_tag_takes_it_off_every_post(coll):
    curation.tag_posts(coll, "evidence", IDS)
    res = curation.delete_tag(coll, "evidence")
    assert res["count"] == len(IDS)
    assert curation.list_tags(coll) == []
    assert coll.db.execute("SELECT count(*) FROM post_tags").fetchone()[0] == 0


def test_a_cancelled_tagging_changes_nothing(coll):
    job = Job()
    job.cancel()
    with pytest.raises(Cancelled):
        curation.tag_posts(coll, "evidence", IDS, job=job)
    assert curation.list_tags(coll) == []


def test_tags_of_gives_each_posts_tags_for_the_chips(coll):
    curation.tag_posts(coll, "b-tag", IDS[:2])
    curation.tag_posts(coll, "a-tag", IDS[1:3])
    got = curation.tags_of(coll, IDS)
    assert [t["name"] for t in got[IDS[1]]] == ["a-tag", "b-tag"]
    assert IDS[4] not in got


# -- the audit log -----------------------------------------------------------


def test_every_curation_action_lands_in_the_audit_log(coll):
    curation.tag_posts(coll, "evidence", IDS[:2], query="#FreeMosul")
    curation.untag_posts(coll, "evidence", IDS[:1])
    curation.recolour_tag(coll, "evidence", "blue")
    curation.rename_tag(coll, "evidence", "verified")
    note = curation.add_note(coll, IDS[0], "check the flag")
    curation.edit_note(coll, note["id"], "flag confirmed")
    curation.delete_note(coll, note["id"])
    curation.delete_tag(coll, "verified")
    actions = [e["action"] for e in reversed(curation.audit_log(coll))]
    assert actions == ["tag-create", "tag", "untag", "tag-recolour", "tag-rename",
                       "note-add", "note-edit", "note-delete", "tag-delete"]
    for e in curation.audit_log(coll):
        assert e["ts"].endswith("Z") and e["actor"]


def test_the_log_says_which_posts_a_bulk_tagging_touched(coll):
    curation.tag_posts(coll, "evidence", IDS[:2], query="#FreeMosul")
    (entry,) = curation.audit_log(coll, action="tag")
    assert entry["detail"]["ids"] == [str(i) for i in sorted(IDS[:2])]
    assert entry["detail"]["query"] == "#FreeMosul"


def test_rename_and_delete_keep_the_earlier_log_entries_as_they_were(coll):
    curation.tag_posts(coll, "evidence", IDS[:2])
    before = curation.audit_log(coll)
    curation.rename_tag(coll, "evidence", "verified")
    curation.delete_tag(coll, "verified")
    after = curation.audit_log(coll)
    assert after[-len(before):] == before
    rename, delete = after[1]["detail"], after[0]["detail"]
    assert (rename["from"], rename["to"]) == ("evidence", "verified")
    assert delete["tag"] == "verified" and delete["ids"] == [str(i) for i in sorted(IDS[:2])]


def test_the_audit_log_cannot_be_rewritten_or_deleted(coll):
    curation.tag_posts(coll, "evidence", IDS[:1])
    for sql in ("UPDATE audit SET action = 'nothing'", "DELETE FROM audit"):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            coll.db.conn.execute(sql)
        coll.db.conn.rollback()
    assert len(curation.audit_log(coll)) == 2


def test_the_guard_is_in_the_database_file_for_every_later_connection(tmp_path):
    coll = build(tmp_path)
    curation.tag_posts(coll, "evidence", IDS[:1])
    coll.close()
    raw = sqlite3.connect(tmp_path / "c" / "collection.db")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        raw.execute("DELETE FROM audit")
    raw.close()


def test_the_actor_comes_from_the_environment(coll, monkeypatch):
    monkeypatch.setenv(curation.ACTOR_ENV, "archivist-7")
    curation.tag_posts(coll, "evidence", IDS[:1])
    assert {e["actor"] for e in curation.audit_log(coll)} == {"archivist-7"}


# -- notes -------------------------------------------------------------------


def test_notes_are_added_edited_and_deleted(coll):
    note = curation.add_note(coll, IDS[0], "Flag seen in two other posts")
    assert [n["text"] for n in curation.notes_for(coll, IDS[0])] == ["Flag seen in two other posts"]
    curation.edit_note(coll, note["id"], "Flag confirmed")
    assert curation.notes_for(coll, IDS[0])[0]["text"] == "Flag confirmed"
    curation.delete_note(coll, note["id"])
    assert curation.notes_for(coll, IDS[0]) == []


def test_the_log_keeps_a_notes_earlier_text(coll):
    note = curation.add_note(coll, IDS[0], "first reading")
    curation.edit_note(coll, note["id"], "second reading")
    edit = curation.audit_log(coll, action="note-edit")[0]["detail"]
    assert (edit["from"], edit["text"]) == ("first reading", "second reading")


def test_a_note_needs_text_and_a_real_post(coll):
    with pytest.raises(CurationError):
        curation.add_note(coll, IDS[0], "   ")
    with pytest.raises(CurationError, match="no post"):
        curation.add_note(coll, 42, "orphan")


def test_the_note_editor_saves_adds_replaces_and_clears_one_note(coll):
    curation.set_note(coll, IDS[0], "draft")
    curation.set_note(coll, IDS[0], "final")
    assert [n["text"] for n in curation.notes_for(coll, IDS[0])] == ["final"]
    assert curation.set_note(coll, IDS[0], "") is None
    assert curation.notes_for(coll, IDS[0]) == []


# -- saved searches and events --------------------------------------------------


def test_saved_searches_are_listed_by_name_and_saving_again_replaces(coll):
    curation.save_search(coll, "flags", "#FreeMosul flag")
    curation.save_search(coll, "civilians", "civilians OR المدنيون")
    curation.save_search(coll, "flags", "#FreeMosul")
    assert [(s["name"], s["query"]) for s in curation.saved_searches(coll)] == [
        ("civilians", "civilians OR المدنيون"), ("flags", "#FreeMosul")]
    curation.delete_saved_search(coll, "flags")
    assert [s["name"] for s in curation.saved_searches(coll)] == ["civilians"]


def test_events_are_kept_in_date_order_and_editable(coll):
    late = curation.add_event(coll, "2017-07-10", "Victory declared")
    curation.add_event(coll, "2016-10-17", "Offensive begins", "from several axes")
    curation.edit_event(coll, late["id"], title="Victory declared in Mosul")
    assert [(e["date"], e["title"]) for e in curation.list_events(coll)] == [
        ("2016-10-17", "Offensive begins"), ("2017-07-10", "Victory declared in Mosul")]
    curation.delete_event(coll, late["id"])
    assert len(curation.list_events(coll)) == 1


def test_an_event_needs_a_real_date(coll):
    with pytest.raises(CurationError, match="not a date"):
        curation.add_event(coll, "17/10/2016", "Offensive begins")
    assert curation.add_event(coll, "2016-10-17T05:12:00Z", "H-hour")["date"] == "2016-10-17T05:12:00Z"


@pytest.mark.skipif(not (SAMPLE / "events.json").exists(), reason="the bundled sample is absent")
def test_the_samples_five_turning_points_load_once(coll):
    added = curation.load_events(coll, SAMPLE / "events.json")
    assert [e["date"] for e in added] == ["2016-10-17", "2017-01-24", "2017-02-19", "2017-06-21", "2017-07-10"]
    assert curation.load_events(coll, SAMPLE / "events.json") == []
    assert len(curation.list_events(coll)) == 5


def test_an_events_file_that_is_not_a_list_of_events_is_refused(coll, tmp_path):
    bad = tmp_path / "events.json"
    bad.write_text(json.dumps([{"date": "someday", "title": "x"}]))
    with pytest.raises(CurationError, match="event 1"):
        curation.load_events(coll, bad)
    assert curation.list_events(coll) == []


# -- with search -----------------------------------------------------------------


@pytest.fixture
def indexed(tmp_path):
    c = build(tmp_path, index=True)
    yield c
    c.close()


def test_tagging_a_searchs_results_then_tag_search_finds_exactly_those(indexed):
    hits = search_ids(indexed, "#FreeMosul OR civilians")
    assert hits == sorted([IDS[0], IDS[2]])
    curation.tag_posts(indexed, "flags", hits, query="#FreeMosul OR civilians")
    assert search_ids(indexed, "tag:flags") == hits


def test_tag_search_follows_rename_and_untag_at_once(indexed):
    curation.tag_posts(indexed, "flags", IDS[:3])
    curation.rename_tag(indexed, "flags", "verified")
    curation.untag_posts(indexed, "verified", IDS[:1])
    assert search_ids(indexed, "tag:verified") == sorted(IDS[1:3])
    assert search_ids(indexed, "tag:flags") == []


def test_a_note_is_found_by_has_note(indexed):
    curation.add_note(indexed, IDS[4], "airport: check the date")
    assert search_ids(indexed, "has:note") == [IDS[4]]


# -- undo and redo ---------------------------------------------------------------------

def _step(fn):  # type: ignore[no-untyped-def]
    """Run one curation call; the audit ids it wrote (what Undo takes back)."""
    with curation.recording() as ids:
        fn()
    return ids


def test_undoing_a_bulk_tagging_takes_the_tag_off_exactly_the_posts_it_added(coll):
    curation.tag_posts(coll, "evidence", IDS[:2])
    (step,) = _step(lambda: curation.tag_posts(coll, "evidence", IDS[:5]))
    undone = curation.revert(coll, step)
    assert undone["action"] == "undo" and undone["changed"] == 3 and sorted(undone["posts"]) == sorted(IDS[2:5])
    # The two tagged before stay tagged: undo takes back that action, not the tag.
    assert curation.posts_with_tag(coll, "evidence") == sorted(IDS[:2])


def test_an_undo_is_its_own_entry_in_the_audit_log_and_its_redo_too(coll):
    written = _step(lambda: curation.tag_posts(coll, "evidence", IDS[:3]))
    # A new tag is made on the way (logged, not undone); the tagging is the step.
    (step,) = [i for i in written if curation.undoable(coll, i)]
    undo = curation.revert(coll, step)
    redo = curation.revert(coll, undo["audit_id"])
    assert redo["action"] == "redo"
    assert curation.posts_with_tag(coll, "evidence") == sorted(IDS[:3])
    log = curation.audit_log(coll)
    assert [e["action"] for e in log[:3]] == ["redo", "undo", "tag"]
    assert log[1]["detail"]["undoes"] == step and log[0]["detail"]["undoes"] == undo["audit_id"]
    assert sorted(log[1]["detail"]["op"]["ids"]) == sorted(str(i) for i in IDS[:3])


def test_undoing_an_untag_puts_the_tag_back(coll):
    curation.tag_posts(coll, "evidence", IDS[:4])
    (step,) = _step(lambda: curation.untag_posts(coll, "evidence", IDS[1:3]))
    curation.revert(coll, step)
    assert curation.posts_with_tag(coll, "evidence") == sorted(IDS[:4])


def test_note_edits_undo_to_the_text_before_and_a_deleted_note_comes_back(coll):
    note = curation.add_note(coll, IDS[0], "first reading")
    (edit,) = _step(lambda: curation.edit_note(coll, note["id"], "second reading"))
    curation.revert(coll, edit)
    assert [n["text"] for n in curation.notes_for(coll, IDS[0])] == ["first reading"]
    (gone,) = _step(lambda: curation.delete_note(coll, note["id"]))
    assert curation.notes_for(coll, IDS[0]) == []
    curation.revert(coll, gone)
    (back,) = curation.notes_for(coll, IDS[0])
    assert (back["id"], back["text"], back["author"]) == (note["id"], "first reading", note["author"])


def test_saved_searches_and_events_undo(coll):
    (saved,) = _step(lambda: curation.save_search(coll, "airport", "airport"))
    (changed,) = _step(lambda: curation.save_search(coll, "airport", "airport lang:en"))
    curation.revert(coll, changed)
    assert [s["query"] for s in curation.saved_searches(coll)] == ["airport"]
    curation.revert(coll, saved)
    assert curation.saved_searches(coll) == []
    (added,) = _step(lambda: curation.add_event(coll, "2016-10-17", "Offensive begins"))
    (edited,) = _step(lambda: curation.edit_event(coll, curation.list_events(coll)[0]["id"], title="Offensive"))
    curation.revert(coll, edited)
    assert [e["title"] for e in curation.list_events(coll)] == ["Offensive begins"]
    curation.revert(coll, added)
    assert curation.list_events(coll) == []


def test_what_cannot_be_undone_says_so(coll):
    (made,) = _step(lambda: curation.create_tag(coll, "later"))
    assert not curation.undoable(coll, made)
    with pytest.raises(CurationError):
        curation.revert(coll, made)
