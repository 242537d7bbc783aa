"""HTML report: offline, safe with hostile posts, with images, tags, notes
and provenance. Checked by parsing the report as a browser would."""
from __future__ import annotations

import base64
import hashlib
import io
import re
import struct
import zlib
from datetime import datetime, timezone
from html.parser import HTMLParser

import pytest

from viewer import curation
from viewer.collection import Collection
from viewer.export import ExportError
from viewer.export.html import export_html
from viewer.jobs import Cancelled, Job
from viewer.model import LocalFile, Media, Post
from viewer.store import Store

HOSTILE = '<script>alert(1)</script><img src="http://evil.example/x.png" onerror="alert(2)"> و الموصل'
REMOTE = "https://pbs.example.invalid/media/remote-only.jpg"
WHEN = datetime(2016, 10, 17, 5, 12, tzinfo=timezone.utc)


def png(width: int = 2, height: int = 1) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


IMAGE = png()


def local(name: str, data: bytes) -> LocalFile:
    return LocalFile(name, lambda: io.BytesIO(data), len(data))


@pytest.fixture
def coll(tmp_path):
    c = Collection.open(tmp_path / "c")
    store = Store(c.db, c.media_dir)
    sid = store.start_source(store.begin_import(["harvest.jsonl"]), "/archives/harvest.jsonl", "harvest.jsonl",
                             "ab" * 32, "v2", 10)
    posts = [
        Post(id=1001, created_at=WHEN, text=HOSTILE, author_handle="voice", author_name="<b>Voice</b>",
             author_id=7, lang="ar", location="line 3, data[0]", raw=b"{}",
             media=[Media(key="11", url="https://pbs.example.invalid/media/local.png", alt_text='"><script>x</script>',
                          local=local("tweets_media/1001-local.png", IMAGE)),
                    Media(key="12", url=REMOTE)]),
        Post(id=1002, created_at=WHEN, text="Civilians fleeing the old city", author_handle="reporter",
             author_id=8, location="line 4, data[1]", raw=b"{}"),
    ]
    store.write_batch(sid, posts, [], [])
    curation.tag_posts(c, "evidence", [1001])
    curation.add_note(c, 1001, "check <this> & that")
    yield c
    c.close()


class Page(HTMLParser):
    """Every element with its attributes, and the text a reader sees."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.style = ""
        self._in_style = False
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.style += data
        else:
            self.text.append(data)

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.elements if t == tag]

    @property
    def shown(self) -> str:
        return "".join(self.text)


URL_ATTRS = {"src", "href", "srcset", "action", "formaction", "poster", "data", "background", "xlink:href"}


def remote_references(page: Page) -> list[str]:
    out = []
    for tag, attrs in page.elements:
        for name, value in attrs.items():
            v = (value or "").strip().lower()
            if name in URL_ATTRS and not (v.startswith("data:image/") or re.match(r"^media/[0-9a-f]{64}\.\w+$", v)):
                out.append(f"<{tag} {name}={value}>")
            if "url(" in v:
                out.append(f"<{tag} {name}={value}>")
    if "url(" in page.style:
        out.append("url( in the style sheet")
    return out


def report(coll, tmp_path, **kw) -> Page:
    export_html(coll, [1001, 1002], tmp_path / "report.html", **kw)
    return Page((tmp_path / "report.html").read_text(encoding="utf-8"))


def test_the_report_references_nothing_outside_itself(coll, tmp_path):
    page = report(coll, tmp_path)
    assert remote_references(page) == []
    for tag in ("script", "link", "iframe", "object", "embed", "base", "a", "form"):
        assert page.all(tag) == [], tag


def test_a_posts_html_is_shown_as_text(coll, tmp_path):
    page = report(coll, tmp_path)
    assert HOSTILE in page.shown
    assert "<b>Voice</b>" in page.shown
    assert "check <this> & that" in page.shown
    assert [a.get("onerror") for _, a in page.elements if "onerror" in a] == []


def test_a_strict_content_security_policy_allows_only_the_inline_style_and_inline_images(coll, tmp_path):
    page = report(coll, tmp_path)
    (meta,) = [a for a in page.all("meta") if (a.get("http-equiv") or "").lower() == "content-security-policy"]
    csp = meta["content"]
    assert "default-src 'none'" in csp and "img-src data:;" in csp
    digest = base64.b64encode(hashlib.sha256(page.style.encode("utf-8")).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in csp


def test_a_local_image_is_inlined_and_a_remote_one_shown_as_its_address(coll, tmp_path):
    page = report(coll, tmp_path)
    (img,) = page.all("img")
    assert base64.b64decode(img["src"].split(",", 1)[1]) == IMAGE
    assert img["src"].startswith("data:image/png;base64,")
    assert img["alt"] == '"><script>x</script>'
    assert REMOTE in page.shown


def test_text_takes_its_direction_from_its_own_script(coll, tmp_path):
    page = report(coll, tmp_path)
    texts = [a for t, a in page.elements if t == "p" and a.get("class") == "text"]
    assert len(texts) == 2 and all(a.get("dir") == "auto" for a in texts)


def test_handles_hashtags_and_numbers_in_post_text_are_isolated_with_bdi(coll, tmp_path):
    report(coll, tmp_path)
    html_text = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert '<bdi class="handle" dir="ltr">@voice</bdi>' in html_text
    # The URL inside the hostile text is one isolated run, still escaped.
    assert "<bdi>http://evil.example/x.png&quot;</bdi>" in html_text


def test_the_report_file_gets_the_users_normal_permissions(coll, tmp_path):
    import os
    import stat

    report(coll, tmp_path)
    umask = os.umask(0o022)
    os.umask(umask)
    assert stat.S_IMODE((tmp_path / "report.html").stat().st_mode) == 0o666 & ~umask


def test_tags_notes_and_provenance_are_in_the_report(coll, tmp_path):
    page = report(coll, tmp_path)
    tags = [a for t, a in page.elements if t == "li" and (a.get("class") or "").startswith("tag-")]
    assert len(tags) == 1 and "evidence" in page.shown
    assert "harvest.jsonl, line 3, data[0]" in page.shown
    assert "ab" * 32 in page.shown  # the source file's SHA-256


def test_a_folder_report_copies_its_images_beside_it(coll, tmp_path):
    res = export_html(coll, [1001, 1002], tmp_path / "report")
    page = Page((tmp_path / "report" / "report.html").read_text(encoding="utf-8"))
    assert remote_references(page) == []
    (img,) = page.all("img")
    assert (tmp_path / "report" / img["src"]).read_bytes() == IMAGE
    assert res.files == [str(tmp_path / "report" / img["src"])]


def test_a_folder_report_wants_a_new_or_empty_folder(coll, tmp_path):
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "keep.txt").write_text("mine")
    with pytest.raises(ExportError, match="new or empty folder"):
        export_html(coll, [1001], tmp_path / "busy")
    assert [p.name for p in (tmp_path / "busy").iterdir()] == ["keep.txt"]


def test_a_cancelled_report_leaves_nothing_behind(coll, tmp_path):
    job = Job()
    job.cancel()
    with pytest.raises(Cancelled):
        export_html(coll, [1001, 1002], tmp_path / "report", job=job)
    with pytest.raises(Cancelled):
        export_html(coll, [1001, 1002], tmp_path / "report.html", job=job)
    assert list(tmp_path.iterdir()) == [tmp_path / "c"]


def test_the_report_lands_in_the_audit_log(coll, tmp_path):
    export_html(coll, [1001, 1002], tmp_path / "report.html", query="#FreeMosul")
    (entry,) = curation.audit_log(coll, action="export")
    assert (entry["detail"]["format"], entry["detail"]["posts"]) == ("html", 2)
