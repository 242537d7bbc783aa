"""Undo and redo of curation in the window (Edit › Undo / Redo).

A thin stack over `viewer.curation.revert`: each step is the audit ids one
write left in the log; undoing a step reverts them (newest first) on a worker,
which logs each undo as its own action, and the undo's own audit ids become
the redo step. Like QUndoStack, but the commands live in the audit log, so
they survive nothing but this window's session and never hide a change.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Signal


@dataclass
class Step:
    ids: list[int]  # audit rows to revert, oldest first
    label: str  # "tag “x” on 3 posts"
    area: str  # tags, notes, searches, events
    posts: list[int] = field(default_factory=list)


class UndoStack(QObject):
    """Steps to undo and to redo; `changed` when either side changes."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.undo_steps: list[Step] = []
        self.redo_steps: list[Step] = []

    def push(self, step: Step) -> None:
        """A new action: it can be undone, and what was undone before can no
        longer be redone (as in every editor)."""
        self.undo_steps.append(step)
        self.redo_steps.clear()
        self.changed.emit()

    def take_undo(self) -> Step | None:
        step = self.undo_steps.pop() if self.undo_steps else None
        self.changed.emit()
        return step

    def take_redo(self) -> Step | None:
        step = self.redo_steps.pop() if self.redo_steps else None
        self.changed.emit()
        return step

    def undone(self, step: Step) -> None:
        self.redo_steps.append(step)
        self.changed.emit()

    def redone(self, step: Step) -> None:
        self.undo_steps.append(step)
        self.changed.emit()

    def clear(self) -> None:
        self.undo_steps.clear()
        self.redo_steps.clear()
        self.changed.emit()

    @property
    def undo_text(self) -> str:
        return f"&Undo {self.undo_steps[-1].label}" if self.undo_steps else "&Undo"

    @property
    def redo_text(self) -> str:
        return f"&Redo {self.redo_steps[-1].label}" if self.redo_steps else "&Redo"
