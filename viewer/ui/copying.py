"""What a person copies from a post: its text, its link, its id. The link is
Twitter's address for the post, as text only: nothing here ever opens it."""
from __future__ import annotations

from PySide6.QtGui import QGuiApplication

from viewer.store.rows import PostRow


def post_link(handle: str | None, post_id: int) -> str:
    """https://x.com/<handle>/status/<id>; without a handle, x.com's own
    address for any post by id."""
    return f"https://x.com/{handle}/status/{int(post_id)}" if handle else f"https://x.com/i/status/{int(post_id)}"


def copy_text(row: PostRow) -> str:
    text = row.display_text
    QGuiApplication.clipboard().setText(text)
    return text


def copy_link(row: PostRow) -> str:
    link = post_link(row.author_handle, row.id)
    QGuiApplication.clipboard().setText(link)
    return link


def copy_id(row: PostRow) -> str:
    pid = str(row.id)
    QGuiApplication.clipboard().setText(pid)
    return pid
