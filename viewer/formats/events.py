"""A file of dated timeline events (`[{"date", "title", "text"}]`), such as the
bundled sample's `events.json`: not posts, so an import passes over it
quietly; curation loads it into the events table."""
from __future__ import annotations

import re
from typing import Iterator

from ..model import Item
from ..sources import SourceFile
from . import ParseOptions, register_file

# The first object of a JSON array whose keys include "date" and "title"
# and nothing a tweet has.
_FIRST = re.compile(r'^\s*\[\s*\{(?=[^{}]*"date"\s*:)(?=[^{}]*"title"\s*:)'
                    r'(?![^{}]*"(?:id|id_str|full_text|tweet|created_at)"\s*:)')


class EventsFile:
    name = "events"
    label = "timeline events"
    auxiliary = True

    def sniff(self, src: SourceFile, head: str) -> bool:
        return bool(_FIRST.match(head))

    def parse(self, src: SourceFile, options: ParseOptions) -> Iterator[Item]:
        return iter(())


register_file(EventsFile())
