"""The timeline: a list model over a result set's ids (model.py), a delegate
that paints each row as plain text (delegate.py), and the view (view.py)."""
from viewer.ui.timeline.delegate import TimelineDelegate, context_line
from viewer.ui.timeline.model import MAX_PAGES, PAGE, HighlightRole, IdRole, PostRole, TimelineModel
from viewer.ui.timeline.view import TimelineView

__all__ = ["TimelineDelegate", "context_line", "MAX_PAGES", "PAGE", "HighlightRole", "IdRole", "PostRole",
           "TimelineModel", "TimelineView"]
