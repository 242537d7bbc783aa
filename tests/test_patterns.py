"""Coordinated campaigns (issue 16): near-copy text clusters and same-image
clusters, found at import on archives the tests write, and read back through
the query language and the command line."""
from __future__ import annotations

import io
import json
import random
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image, ImageDraw

from tests.archive_factory import v1_status, write_jsonl
from tests.search_factory import add, post
from viewer.cli import _load_commands, cli
from viewer.collection import Collection
from viewer.importer import import_paths
from viewer.index import index_sink
from viewer.model import LocalFile, Media
from viewer.patterns import rebuild
from viewer.patterns.clusters import clusters_of, list_clusters
from viewer.patterns.text_clusters import (BANDS, MIN_WORDS, NUM_PERM, ROWS, SEED, THRESHOLD, featurize, features,
                                           permutations, signatures)
from viewer.search import QueryError, Searcher

CAMPAIGN = "أهل الموصل لن ينسوا جرائم الروافض في المدينة، والحشد الطائفي لا يمثل العراق #انقذوا_الموصل_من_الحشد #الموصل"
EDITS = [
    lambda t: t,
    lambda t: t.replace("لن ينسوا", "لن ينسى"),                       # one word changed
    lambda t: t + " 😡😡",                                           # emoji added
    lambda t: t.replace("#انقذوا_الموصل_من_الحشد #الموصل", "#الموصل #انقذوا_الموصل_من_الحشد"),  # tag order
    lambda t: t.replace("الموصل لن", "الْمَوْصِل لن"),                  # diacritics
    lambda t: t.replace("المدينة", "المديـــنة"),                       # tatweel
    lambda t: "@AhrarNinawa " + t + " https://t.co/abcdefghij",       # handle and link
    lambda t: t.replace("أهل", "اهل").replace("إ", "ا"),               # hamza dropped
    lambda t: t.replace("الطائفي", "الطائفية").replace("العراق", "العراق!!"),
]
ORGANIC = [
    "القوات العراقية تتقدم في حي الزهراء شرق الموصل وسط اشتباكات مع داعش",
    "عائلات من الموصل تصل الى مخيم الخازر بعد رحلة صعبة عبر خطوط القتال",
    "الحشد يعلن السيطرة على طريق تلعفر غرب الموصل والاهالي ينتظرون",
    "اهل الموصل ينتظرون الماء والكهرباء بعد اسابيع من الحصار في الاحياء الشرقية",
    "Iraqi forces push into the Zahra district of east Mosul amid heavy fighting with ISIS",
    "Families from Mosul reach Khazir camp after a hard journey across the front lines",
]


def _user(handle: str, uid: int) -> dict:
    return {"id": uid, "id_str": str(uid), "screen_name": handle, "name": handle}


def _campaign_file(path: Path, accounts: int = 36) -> tuple[Path, list[str], list[str]]:
    """A v1.1 JSONL harvest: the campaign copied by `accounts` accounts with
    small edits, organic posts that share its vocabulary, and retweets of
    the campaign (which are not copies)."""
    records, campaign_ids, organic_ids = [], [], []
    i = 0
    for a in range(accounts):
        i += 1
        rec = v1_status(i, EDITS[a % len(EDITS)](CAMPAIGN), user=_user(f"voice_{a:02d}", 5000 + a), lang="ar")
        if rec["full_text"].startswith("@AhrarNinawa"):
            rec["entities"]["user_mentions"] = [{"screen_name": "AhrarNinawa", "id_str": "77", "indices": [0, 12]}]
        records.append(rec)
        campaign_ids.append(rec["id_str"])
    for k, text in enumerate(ORGANIC):
        i += 1
        rec = v1_status(i, text, user=_user(f"resident_{k}", 7000 + k))
        records.append(rec)
        organic_ids.append(rec["id_str"])
    for r in range(3):
        i += 1
        records.append(v1_status(i, "RT @voice_00: " + CAMPAIGN, user=_user(f"booster_{r}", 8000 + r),
                                 retweeted_status=records[0]))
    return write_jsonl(path, records), campaign_ids, organic_ids


@pytest.fixture
def campaign(tmp_path: Path):
    src, campaign_ids, organic_ids = _campaign_file(tmp_path / "harvest.jsonl")
    coll = Collection.open(tmp_path / "c")
    import_paths(coll, [src], index=index_sink(coll))
    yield coll, campaign_ids, organic_ids
    coll.close()


def test_a_campaign_copied_with_edits_is_one_cluster_found_whole(campaign):
    coll, campaign_ids, _ = campaign
    found = list_clusters(coll.db, kind="text")
    assert [sorted(c.posts) for c in found] == [sorted(int(i) for i in campaign_ids)]
    assert found[0].accounts == 36


def test_organic_posts_sharing_the_vocabulary_are_in_no_cluster(campaign):
    coll, _, organic_ids = campaign
    assert all(clusters_of(coll.db, int(i)) == [] for i in organic_ids)


def test_retweets_of_the_campaign_are_not_counted_as_copies(campaign):
    coll, campaign_ids, _ = campaign
    (c,) = list_clusters(coll.db, kind="text")
    kinds = {k for (k,) in coll.db.execute(
        f"SELECT kind FROM posts WHERE id IN ({','.join(str(p) for p in c.posts)})")}
    assert kinds == {"post"} and c.size == len(campaign_ids)


def _clustered(coll: Collection, texts: list[str]) -> list[list[int]]:
    """Stores one post per text (by its own account), clusters them as an
    import does, and returns the clusters as lists of indexes into texts."""
    from viewer.patterns import PatternSink

    posts = add(coll, [post(t, author=f"a{i}", at=f"2016-10-17T05:{i:02d}") for i, t in enumerate(texts)])
    PatternSink(coll).posts_changed([p.id for p in posts])
    at = {p.id: i for i, p in enumerate(posts)}
    return sorted(sorted(at[pid] for pid in c.posts) for c in list_clusters(coll.db, kind="text"))


def test_short_texts_are_never_glued_together(tmp_path: Path):
    coll = Collection.open(tmp_path / "c")
    short = ["Free Mosul", "Free Mosul!", "free mosul 🇮🇶", "#FreeMosul #Mosul", "Free Mosul #FreeMosul",
             "Mosul is free today", "Mosul is free today #Mosul 🇮🇶"]
    long = "The people of Mosul will never forget what the militias did to their city"
    assert features("Free Mosul now").words < MIN_WORDS
    # The same long text twice does make a cluster: only the short ones stay apart.
    assert _clustered(coll, short + [long, long + " 😡"]) == [[len(short), len(short) + 1]]


def test_a_batch_spread_over_a_range_of_other_posts_is_read_whole(tmp_path: Path):
    # Its texts are read by scanning its id range down from the newest, which
    # here meets 70 other (short) posts: the scan stops and the rest are
    # looked up.
    from viewer.patterns import PatternSink

    coll = Collection.open(tmp_path / "c")
    others = [post(f"Mosul update {i}", author=f"r{i}", id=2000 + i) for i in range(70)]
    copies = [post(EDITS[k](CAMPAIGN), author=f"v{k}", id=pid) for k, pid in enumerate([1998, 1999, 2070, 2071])]
    add(coll, others + copies)
    PatternSink(coll).posts_changed([p.id for p in copies])
    assert [sorted(c.posts) for c in list_clusters(coll.db, kind="text")] == [[1998, 1999, 2070, 2071]]


def test_a_text_drifting_away_is_not_chained_into_the_first_ones_cluster(tmp_path: Path):
    # a ~ drift and drift ~ b (12 words, 9 of 11 word pairs shared), but a and
    # b share 7 of 11 pairs (0.47): b's copies form a cluster of their own.
    w = ("alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa"
         ).split()
    a, drift, b = " ".join(w[0:12]), " ".join(w[2:14]), " ".join(w[4:16])
    coll = Collection.open(tmp_path / "c")
    assert _clustered(coll, [a, a + " !", a + " 🔥", drift, b, b + " !", b + " 🔥"]) == [[0, 1, 2, 3], [4, 5, 6]]


def test_a_post_imported_later_joins_the_existing_cluster(tmp_path: Path):
    src, campaign_ids, _ = _campaign_file(tmp_path / "first.jsonl", accounts=5)
    coll = Collection.open(tmp_path / "c")
    import_paths(coll, [src])
    late = v1_status(500, EDITS[1](CAMPAIGN) + " 🔥", user=_user("late_voice", 9999), lang="ar")
    import_paths(coll, [write_jsonl(tmp_path / "second.jsonl", [late])])
    (c,) = list_clusters(coll.db, kind="text")
    assert sorted(c.posts) == sorted(int(i) for i in campaign_ids + [late["id_str"]])


def test_a_collection_without_stored_bands_is_clustered_whole_at_its_next_import(tmp_path: Path):
    # As a collection made before clusters existed, or by their first
    # version (whose band table the import drops): its posts have no bands.
    src, campaign_ids, _ = _campaign_file(tmp_path / "first.jsonl", accounts=5)
    coll = Collection.open(tmp_path / "c")
    import_paths(coll, [src])
    with coll.db.conn:
        coll.db.execute("DELETE FROM text_band_chunks")
        coll.db.execute("DELETE FROM text_clusters")
        coll.db.execute("CREATE TABLE text_bands(key INTEGER, post_id INTEGER)")
    late = v1_status(500, EDITS[2](CAMPAIGN), user=_user("late_voice", 9999), lang="ar")
    import_paths(coll, [write_jsonl(tmp_path / "second.jsonl", [late])])
    (c,) = list_clusters(coll.db, kind="text")
    assert sorted(c.posts) == sorted(int(i) for i in campaign_ids + [late["id_str"]])
    assert not coll.db["text_bands"].exists()


def test_minhash_signatures_equal_datasketchs_for_the_same_feature_hashes():
    from datasketch import MinHash

    batch = featurize([CAMPAIGN, EDITS[6](CAMPAIGN), *ORGANIC])
    assert len(batch.rows) == 2 + len(ORGANIC) and batch.has_tag[:2].all() and not batch.has_tag[2:].any()
    sigs = signatures(batch)
    for k in range(len(batch.rows)):
        m = MinHash(num_perm=NUM_PERM, seed=SEED, scheme="affine32", hashfunc=lambda v: v)
        m.update_batch(sorted(batch.items(k)))
        assert m.hashvalues.tolist() == sigs[k].tolist()


def test_permutations_and_bands_are_datasketchs_own():
    import datasketch_reference as dsi

    a, b = dsi.affine32_permutations(NUM_PERM, SEED)
    assert (a.tolist(), b.tolist()) == tuple(x.tolist() for x in permutations())
    assert dsi.optimal_param(THRESHOLD - 0.1, NUM_PERM, 0.3, 0.7) == (BANDS, ROWS)


def test_rebuild_finds_the_same_clusters_as_the_import(campaign):
    coll, _, _ = campaign
    before = [(c.kind, sorted(c.posts)) for c in list_clusters(coll.db)]
    rebuild(coll)
    assert [(c.kind, sorted(c.posts)) for c in list_clusters(coll.db)] == before


def test_similar_and_copies_in_the_query_language(campaign):
    coll, campaign_ids, organic_ids = campaign
    with Searcher(coll) as s:
        assert sorted(s.search(f"similar:{campaign_ids[3]}").ids) == sorted(int(i) for i in campaign_ids)
        assert len(s.search(f"similar:{organic_ids[0]}")) == 0
        assert len(s.search("copies:36")) == 36
        assert len(s.search("copies:37")) == 0
        assert len(s.search("copies:10 -from:voice_00")) == 35


@pytest.mark.parametrize("query", ["similar:abc", "copies:1", "copies:", "similar:"])
def test_bad_similar_and_copies_say_what_to_write(campaign, query):
    coll, _, _ = campaign
    with Searcher(coll) as s, pytest.raises(QueryError) as e:
        s.search(query)
    assert ("similar:" in e.value.message) or ("copies:" in e.value.message)


# -- images --------------------------------------------------------------------

PALETTE = [(200, 40, 40), (30, 120, 200), (240, 220, 60), (20, 20, 20), (240, 240, 240)]


def _picture(seed: int) -> Image.Image:
    """A made-up photo: shapes in PALETTE, laid out by the seed."""
    rng = random.Random(seed)
    im = Image.new("RGB", (480, 320), PALETTE[4])
    d = ImageDraw.Draw(im)
    for _ in range(40):
        x, y = rng.randrange(480), rng.randrange(320)
        w, h = rng.randrange(20, 160), rng.randrange(20, 120)
        box = (x, y, x + w, y + h)
        (d.ellipse if rng.random() < 0.5 else d.rectangle)(box, fill=rng.choice(PALETTE[:4]))
    return im


def _encoded(im: Image.Image, fmt: str = "PNG", **kw) -> bytes:
    b = io.BytesIO()
    im.save(b, fmt, **kw)
    return b.getvalue()


def _photo_post(n: int, data: bytes, author: str, name: str):
    p = post(f"Photo number {n} from the city today, look at this picture carefully please", author=author)
    p.media = [Media(f"m{n}", "photo", f"https://pbs.example/{n}.jpg",
                     local=LocalFile(name, lambda d=data: io.BytesIO(d), len(data)))]
    return p


def test_the_same_photo_re_encoded_resized_or_cropped_is_one_cluster_and_other_pictures_are_not(tmp_path: Path):
    coll = Collection.open(tmp_path / "c")
    photo, w, h = _picture(1), 480, 320
    copies = [
        _encoded(photo),
        _encoded(photo, "JPEG", quality=60),
        _encoded(photo.resize((240, 160)), "JPEG", quality=80),
        _encoded(photo.crop((int(w * 0.05), 0, w, int(h * 0.95)))),
        _encoded(photo.crop((int(w * 0.04), int(h * 0.04), int(w * 0.96), int(h * 0.96))).resize((300, 200))),
    ]
    # Other pictures in the very same colours, re-encoded too.
    others = [_encoded(_picture(s), "JPEG", quality=70) for s in (2, 3, 4)]
    posts = [_photo_post(i, d, f"copier_{i}", f"copy{i}.jpg") for i, d in enumerate(copies)]
    posts += [_photo_post(10 + i, d, f"other_{i}", f"other{i}.jpg") for i, d in enumerate(others)]
    add(coll, posts)
    from viewer.patterns import PatternSink

    PatternSink(coll).posts_changed([p.id for p in posts])
    found = list_clusters(coll.db, kind="image")
    assert [sorted(c.posts) for c in found] == [sorted(p.id for p in posts[:5])]
    assert found[0].accounts == 5


def _captioned(im: Image.Image, top: bool, colour: tuple[int, int, int]) -> Image.Image:
    """The picture with a caption bar of 12% of its height added above or below."""
    bar = im.height * 12 // 100
    out = Image.new("RGB", (im.width, im.height + bar), colour)
    out.paste(im, (0, bar if top else 0))
    ink = (255, 255, 255) if sum(colour) < 300 else (0, 0, 0)
    ImageDraw.Draw(out).text((20, (2 if top else im.height + 2)), "SHARE before they delete it #Mosul", fill=ink)
    return out


def test_a_photo_re_posted_with_a_caption_bar_even_cropped_joins_its_original(tmp_path: Path):
    from viewer.patterns import PatternSink

    coll = Collection.open(tmp_path / "c")
    photo, w, h = _picture(5), 480, 320
    cropped = photo.crop((int(w * 0.07), 0, w, int(h * 0.93)))
    copies = [
        _encoded(photo),
        _encoded(_captioned(photo, top=False, colour=(0, 0, 0)), "JPEG", quality=55),
        _encoded(_captioned(cropped, top=True, colour=(255, 255, 255)), "JPEG", quality=60),
    ]
    others = [_encoded(_captioned(_picture(s), top=False, colour=(0, 0, 0)), "JPEG", quality=55) for s in (6, 7)]
    posts = [_photo_post(i, d, f"copier_{i}", f"copy{i}.jpg") for i, d in enumerate(copies)]
    posts += [_photo_post(10 + i, d, f"other_{i}", f"other{i}.jpg") for i, d in enumerate(others)]
    add(coll, posts)
    PatternSink(coll).posts_changed([p.id for p in posts])
    found = list_clusters(coll.db, kind="image")
    assert [sorted(c.posts) for c in found] == [sorted(p.id for p in posts[:3])]


def test_pictures_hashed_by_an_older_version_still_match_new_copies(tmp_path: Path):
    from viewer.patterns import PatternSink, image_clusters

    coll = Collection.open(tmp_path / "c")
    photo = _picture(8)
    first = _photo_post(1, _encoded(photo), "original", "a.png")
    add(coll, [first])
    PatternSink(coll).posts_changed([first.id])
    # Before caption bars were stripped, a file kept only its first CROPS hashes.
    with coll.db.conn:
        for fid, blob in coll.db.conn.execute("SELECT id, hashes FROM image_hashes").fetchall():
            coll.db.conn.execute("UPDATE image_hashes SET hashes = ? WHERE id = ?",
                                 [blob[:8 * image_clusters.CROPS], fid])
    copy = _photo_post(2, _encoded(photo.resize((300, 200)), "JPEG", quality=60), "copier", "b.jpg")
    add(coll, [copy])
    PatternSink(coll).posts_changed([copy.id])
    assert [sorted(c.posts) for c in list_clusters(coll.db, kind="image")] == [sorted([first.id, copy.id])]


# -- command line ----------------------------------------------------------------

def test_clusters_json_lists_the_campaign_with_its_span(campaign):
    coll, campaign_ids, _ = campaign
    _load_commands()
    res = CliRunner().invoke(cli, ["clusters", "--collection", str(coll.path), "--json"])
    assert res.exit_code == 0, res.output
    (c,) = json.loads(res.output)["clusters"]
    assert c["kind"] == "text" and c["size"] == 36 and c["accounts"] == 36
    assert sorted(c["posts"]) == sorted(campaign_ids)
    assert c["first"] == "2016-10-17T05:01:00Z" and c["last"] == "2016-10-17T05:36:00Z"
    assert c["id"].startswith("text-")


def test_clusters_of_a_query_count_only_its_posts(campaign):
    coll, _, _ = campaign
    _load_commands()
    res = CliRunner().invoke(cli, ["clusters", "--collection", str(coll.path), "--query",
                                   "from:voice_00 OR from:voice_01 OR from:voice_02", "--json"])
    assert res.exit_code == 0, res.output
    assert [c["size"] for c in json.loads(res.output)["clusters"]] == [3]


def test_clusters_min_size_leaves_out_smaller_ones(campaign):
    coll, _, _ = campaign
    _load_commands()
    res = CliRunner().invoke(cli, ["clusters", "--collection", str(coll.path), "--min-size", "37", "--json"])
    assert res.exit_code == 0 and json.loads(res.output) == {"clusters": []}


def test_clusters_with_a_bad_query_exits_2(campaign):
    coll, _, _ = campaign
    _load_commands()
    res = CliRunner().invoke(cli, ["clusters", "--collection", str(coll.path), "--query", "copies:x"])
    assert res.exit_code == 2 and "copies:" in res.output


def test_network_writes_a_graphml_gephi_reads_with_retweet_edges(campaign, tmp_path: Path):
    import networkx as nx

    coll, _, _ = campaign
    _load_commands()
    out = tmp_path / "net.graphml"
    res = CliRunner().invoke(cli, ["network", "--collection", str(coll.path), str(out), "--json"])
    assert res.exit_code == 0, res.output
    g = nx.read_graphml(out)
    assert g.nodes["booster_0"]["posts"] == 1
    edges = [(a, b, d["kind"], d["weight"]) for a, b, d in g.edges(data=True)]
    assert ("booster_0", "voice_00", "retweet", 1) in edges
    assert ("voice_06", "AhrarNinawa", "mention", 1) in edges


def test_network_refuses_an_unknown_file_type(campaign, tmp_path: Path):
    coll, _, _ = campaign
    _load_commands()
    res = CliRunner().invoke(cli, ["network", "--collection", str(coll.path), str(tmp_path / "net.csv")])
    assert res.exit_code == 2 and ".gexf or .graphml" in res.output


def test_the_reindex_command_rebuilds_lost_clusters(campaign):
    coll, campaign_ids, _ = campaign
    with coll.db.conn:
        coll.db.execute("DELETE FROM text_clusters")
        coll.db.execute("DELETE FROM text_band_chunks")
    assert list_clusters(coll.db) == []
    _load_commands()
    res = CliRunner().invoke(cli, ["reindex", "--collection", str(coll.path)])
    assert res.exit_code == 0, res.output
    (c,) = list_clusters(coll.db, kind="text")
    assert sorted(c.posts) == sorted(int(i) for i in campaign_ids)
