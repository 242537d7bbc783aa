"""HTML report: one offline file (or one folder with its images) to hand on.

The report must be safe to open anywhere, whatever the archive held:

- every piece of text from the collection goes through `html.escape`, so a
  post whose text is HTML shows that HTML as text;
- no `<script>`, no link, and no address that points outside the report: a
  remote media URL is printed as text, never put in `src` or `href`;
  images are the collection's own files, inlined as `data:` URIs (one file)
  or copied beside the report (folder);
- a Content-Security-Policy `<meta>` that allows nothing but those images and
  the one inline style sheet (by its hash), so that even a mistake here could
  not load anything from the network;
- `dir="auto"` on every text, so Arabic reads right to left.

Provenance: each post lists the source files and the line or entry it came
from; the report ends with the table of those files and their SHA-256.
"""
from __future__ import annotations

import base64
import hashlib
import html
import os
import re
import shutil
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Sequence, TextIO

from viewer.export.common import (
    Bundle,
    ExportError,
    ExportResult,
    atomic_file,
    iter_bundles,
    record_export,
    sources_table,
    target_db,
    note_missing,
)
from viewer.bidi import runs
from viewer.jobs import Job

# Images larger than this are listed, not inlined into a single-file report.
MAX_INLINE_BYTES = 8 * 1024 * 1024
REPORT_NAME = "report.html"
MEDIA_DIR = "media"
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
_KIND_LABEL = {"post": "post", "reply": "reply", "retweet": "retweet", "quote": "quote"}

CSS = """
:root { color-scheme: light dark; }
body { font-family: "Noto Naskh Arabic", "Noto Sans", "Segoe UI", "Geeza Pro", Tahoma, sans-serif;
       margin: 0 auto; max-width: 52rem; padding: 1.5rem; line-height: 1.5; }
header dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
header dt { font-weight: bold; }
header dd { margin: 0; overflow-wrap: anywhere; }
article { border: 1px solid #8884; border-radius: .5rem; padding: .8rem 1rem; margin: 1rem 0; }
.meta { font-size: .9rem; opacity: .85; display: flex; flex-wrap: wrap; gap: .2rem .8rem; }
.author { font-weight: bold; }
.id, .sha { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .85rem; }
.text, .note p, blockquote p { white-space: pre-wrap; overflow-wrap: anywhere; unicode-bidi: plaintext; }
blockquote { margin: .5rem 0; padding: .3rem .8rem; border-inline-start: 3px solid #8886; }
.media { display: flex; flex-wrap: wrap; gap: .5rem; }
.media figure { margin: 0; max-width: 100%; }
.media img { max-width: 100%; max-height: 24rem; border-radius: .3rem; }
.media figcaption, .remote { font-size: .8rem; opacity: .8; overflow-wrap: anywhere; }
.tags { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .3rem; }
.tags li { padding: 0 .5rem; border-radius: .8rem; color: #fff; font-size: .85rem; background: #7f8c8d; }
.note { background: #f1c40f22; border-radius: .3rem; padding: .2rem .6rem; margin: .4rem 0; }
.note .by { font-size: .8rem; opacity: .8; }
.prov { font-size: .8rem; opacity: .8; padding-inline-start: 1.2rem; }
table { border-collapse: collapse; font-size: .85rem; width: 100%; }
td, th { border: 1px solid #8884; padding: .2rem .4rem; text-align: start; overflow-wrap: anywhere; }
"""


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _text(value: Any) -> str:
    """Post text escaped, its handles, hashtags, URLs and numbers each in a
    <bdi>: they keep their order in a paragraph of either direction and do
    not decide the paragraph's direction (dir="auto" skips them)."""
    return "".join(f"<bdi>{_e(piece)}</bdi>" if run else _e(piece)
                   for piece, run in runs("" if value is None else str(value)))


def _image_type(head: bytes) -> str | None:
    """The MIME type of an image we are willing to show, from its first bytes
    (not its name: an archive chose the name)."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


class _Images:
    """The collection's image files, inlined or copied beside the report."""

    def __init__(self, media_dir: Path | None, mode: str, folder: Path | None):
        self.media_dir = media_dir
        self.mode = mode  # "embed", "folder" or "none"
        self.folder = folder
        self.copied: dict[str, str] = {}
        self.files: list[str] = []

    def src(self, rel: str | None) -> tuple[str | None, str]:
        """(the `src` of a local image, or None; why not, when None)."""
        if self.mode == "none" or not rel or self.media_dir is None:
            return None, "image not included"
        # `rel` comes from our own database, but a copied collection could
        # have been altered: never read outside media/.
        base = self.media_dir.resolve()
        path = (base / rel).resolve()
        if base not in path.parents or not path.is_file():
            return None, "image file missing from the collection"
        try:
            with open(path, "rb") as f:
                head = f.read(16)
        except OSError:
            return None, "image file unreadable"
        mime = _image_type(head)
        if mime is None:
            return None, "not an image the report shows (video or other file)"
        if self.mode == "embed":
            size = path.stat().st_size
            if size > MAX_INLINE_BYTES:
                return None, f"image too large to inline ({size:,} bytes)"
            data = base64.b64encode(path.read_bytes()).decode("ascii")
            return f"data:{mime};base64,{data}", ""
        if rel not in self.copied:
            name = f"{MEDIA_DIR}/{path.name}"
            assert self.folder is not None
            dest = self.folder / name
            dest.parent.mkdir(exist_ok=True)
            if not dest.exists():
                shutil.copyfile(path, dest)
                self.files.append(str(dest))
            self.copied[rel] = name
        return self.copied[rel], ""


def _time(iso: str | None) -> str:
    return iso.replace("T", " ").replace("Z", " UTC") if iso else "date unknown"


def _source_label(s: dict[str, Any]) -> str:
    name = s.get("name") or s.get("path") or f"source {s.get('source_id')}"
    where = f", {s['location']}" if s.get("location") else ""
    how = "" if s.get("collected") else " (embedded in another post)"
    return f"{name}{where}{how} [source {s.get('source_id')}]"


def _tag_class(tag_id: int) -> str:
    return f"tag-{int(tag_id)}"


def _post_html(b: Bundle, images: _Images) -> str:
    p = b.post
    parts = [f'<article id="p{int(p["id"])}">']
    handle = p.get("author_handle")
    parts.append('<div class="meta">'
                 f'<span class="author" dir="auto">{_e(p.get("author_name") or handle or "unknown author")}</span>'
                 + (f'<bdi class="handle" dir="ltr">@{_e(handle)}</bdi>' if handle else "")
                 + f'<span class="time">{_e(_time(p.get("created_at")))}</span>'
                 f'<span class="kind">{_e(_KIND_LABEL.get(str(p.get("kind")), p.get("kind")))}'
                 f'{"" if p.get("collected") else ", only known as an original"}'
                 f'{", deleted" if p.get("deleted") else ""}</span>'
                 f'<span class="id">id {_e(p["id"])}</span></div>')
    parts.append(f'<p class="text" dir="auto">{_text(p.get("text"))}</p>')
    for key, label in (("retweet_of", "Retweet of"), ("quote_of", "Quotes"), ("reply_to", "Reply to")):
        rid = p.get(key)
        if not rid:
            continue
        ref = b.refs.get(rid)
        who = f"@{ref['author_handle']}" if ref and ref.get("author_handle") else (
            f"@{p['reply_to_handle']}" if key == "reply_to" and p.get("reply_to_handle") else "")
        head = f"{label} {who} (id {rid})".replace("  ", " ")
        body = f'<p dir="auto">{_text(ref.get("text"))}</p>' if ref and ref.get("text") and key != "reply_to" else ""
        parts.append(f'<blockquote><div class="meta" dir="auto">{_text(head)}</div>{body}</blockquote>')
    if b.media:
        parts.append('<div class="media">')
        for m in b.media:
            src, why = images.src(m.get("file"))
            alt = m.get("alt_text") or ""
            caption = [c for c in (m.get("type"), alt) if c]
            if src:
                parts.append(f'<figure><img src="{_e(src)}" alt="{_e(alt)}">'
                             f'<figcaption dir="auto">{_e(" · ".join(caption))}</figcaption></figure>')
            elif m.get("url") or m.get("file"):
                address = m.get("url") or ""
                extra = f" — {why}" if m.get("file") else ""
                parts.append(f'<p class="remote" dir="auto">{_e(m.get("type") or "media")}, not fetched: '
                             f'<span dir="ltr">{_e(address)}</span>{_e(extra)}'
                             f'{(" — " + _e(alt)) if alt else ""}</p>')
        parts.append("</div>")
    if b.tags:
        parts.append('<ul class="tags">' + "".join(
            f'<li class="{_tag_class(t["id"])}" dir="auto"><bdi>{_e(t["name"])}</bdi></li>' for t in b.tags) + "</ul>")
    for n in b.notes:
        parts.append(f'<div class="note"><p dir="auto">{_text(n["text"])}</p>'
                     f'<div class="by">note by {_e(n.get("author") or "unknown")}, '
                     f'{_e(_time(n.get("updated_at") or n.get("created_at")))}</div></div>')
    if b.sources:
        parts.append('<ul class="prov">' + "".join(
            f'<li dir="auto">{_e(_source_label(s))}</li>' for s in b.sources) + "</ul>")
    parts.append("</article>")
    return "\n".join(parts)


def _css(tags: dict[int, str]) -> str:
    rules = [CSS]
    for tid, colour in sorted(tags.items()):
        if _HEX.match(colour or ""):
            rules.append(f".tags li.{_tag_class(tid)} {{ background: {colour}; }}")
    return "\n".join(rules) + "\n"


def _csp(css: str, folder: bool) -> str:
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
    # A folder's images are relative files: 'self' where the folder is
    # served, file: where it is opened from disk (some browsers give each
    # local file its own origin). Neither reaches the network.
    img = "'self' file: data:" if folder else "data:"
    return (f"default-src 'none'; img-src {img}; style-src 'sha256-{digest}'; "
            "base-uri 'none'; form-action 'none'")


def _header(f: TextIO, title: str, css: str, folder: bool, info: list[tuple[str, str]]) -> None:
    f.write("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n")
    f.write(f'<meta http-equiv="Content-Security-Policy" content="{_e(_csp(css, folder))}">\n')
    f.write('<meta name="referrer" content="no-referrer">\n')
    f.write('<meta name="viewport" content="width=device-width, initial-scale=1">\n')
    f.write(f"<title>{_e(title)}</title>\n<style>{css}</style>\n</head>\n<body>\n")
    f.write(f'<header><h1 dir="auto">{_e(title)}</h1><dl>')
    for k, v in info:
        f.write(f'<dt>{_e(k)}</dt><dd dir="auto">{_e(v)}</dd>')
    f.write("</dl></header>\n<main>\n")


def _footer(f: TextIO, used: dict[int, dict[str, Any]]) -> None:
    f.write("</main>\n<section><h2>Sources</h2><table><thead><tr><th>source</th><th>file</th><th>format</th>"
            "<th>imported</th><th>SHA-256</th></tr></thead><tbody>\n")
    for sid, s in sorted(used.items()):
        f.write(f'<tr><td>{_e(sid)}</td><td dir="auto">{_e(s.get("path") or s.get("name"))}</td>'
                f'<td>{_e(s.get("format"))}</td><td>{_e(_time(s.get("finished_at")))}</td>'
                f'<td class="sha">{_e(s.get("sha256"))}</td></tr>\n')
    f.write("</tbody></table></section>\n</body>\n</html>\n")


def export_html(target: Any, ids: Sequence[int], out: Path | str, *, images: str | None = None,
                title: str | None = None, job: Job | None = None, query: str | None = None,
                actor: str | None = None) -> ExportResult:
    """Write a report of the posts `ids` (in that order).

    `out` ending in .html/.htm is one file with its images inlined; any other
    `out` is a folder (new or empty) holding report.html and media/.
    `images` ("embed", "folder", "none") overrides that choice of images.
    """
    db = target_db(target)
    out = Path(out)
    ids = [int(i) for i in ids]
    single = out.suffix.lower() in (".html", ".htm")
    mode = images or ("embed" if single else "folder")
    if mode not in ("embed", "folder", "none"):
        raise ExportError(f"images must be embed, folder or none, not {mode!r}")
    if mode == "folder" and single:
        raise ExportError("images copied beside the report need a folder: give a path without .html")
    media_dir = getattr(target, "media_dir", None)
    created_folder = False
    if single:
        page = out
        folder = None
    else:
        if out.exists() and (not out.is_dir() or any(out.iterdir())):
            raise ExportError(f"{out}: choose a new or empty folder for the report")
        created_folder = not out.exists()
        out.mkdir(parents=True, exist_ok=True)
        folder = out
        page = out / REPORT_NAME
    pics = _Images(Path(media_dir) if media_dir else None, mode, folder)
    tags = {r[0]: r[1] for r in db.execute("SELECT id, colour FROM tags").fetchall()}
    css = _css(tags)
    name = getattr(target, "name", None) or "collection"
    info = [("Collection", str(name)),
            ("Exported", datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")),
            ("Search", query if query else "(selection)"),
            ("Posts", f"{len(ids):,}")]
    all_sources = sources_table(db)
    used: dict[int, dict[str, Any]] = {}
    written = 0
    try:
        with atomic_file(page) as tmp, open(tmp, "w", encoding="utf-8") as f:
            _header(f, title or f"Posts from {name}", css, mode == "folder", info)
            for batch in iter_bundles(db, ids, job, "Writing report"):
                for b in batch:
                    f.write(_post_html(b, pics))
                    f.write("\n")
                    for s in b.sources:
                        if s["source_id"] in all_sources:
                            used[s["source_id"]] = all_sources[s["source_id"]]
                written += len(batch)
            _footer(f, used)
    except BaseException:
        if created_folder:
            shutil.rmtree(out, ignore_errors=True)
        elif folder is not None:
            for p in pics.files:
                try:
                    os.unlink(p)
                except OSError:
                    pass
        raise
    result = ExportResult("html", str(page), written, records=written, files=pics.files)
    note_missing(result, len(ids))
    record_export(target, result, ids, query, actor)
    return result
