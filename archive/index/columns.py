"""Reading a sortable field's column by global docnum, segment by segment.

Whoosh's reader of several segments leaves out the segments that have no value at all for a
field (a segment of clippings without a language, say), so its column shifts: each docnum is
looked up in its own segment here, with a default where the segment has no column.
"""

from __future__ import annotations

import bisect

from whoosh.reading import IndexReader


def as_text(value: object) -> str:
    """A term or column value as text (Whoosh gives bytes or str; None is "")."""
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value or "")


class Column:
    """``column[docnum]``: the field's value for a document of ``reader``, or ``default``."""

    def __init__(
        self, reader: IndexReader, fieldname: str, default: object = None, *, translate: bool = True
    ) -> None:
        self.default = default
        self._offsets: list[int] = []
        self._readers: list[object | None] = []
        self._sizes: list[int] = []
        for leaf, offset in reader.leaf_readers():
            self._offsets.append(offset)
            self._sizes.append(leaf.doc_count_all())
            has = leaf.has_column(fieldname)
            self._readers.append(
                leaf.column_reader(fieldname, translate=translate) if has else None
            )

    def __getitem__(self, docnum: int) -> object:
        at = bisect.bisect_right(self._offsets, docnum) - 1
        column = self._readers[at]
        if column is None:
            return self.default
        return column[docnum - self._offsets[at]]

    def values(self) -> list[object]:
        """Every document's value, in docnum order."""
        found: list[object] = []
        for column, size in zip(self._readers, self._sizes, strict=True):
            found.extend(list(column) if column is not None else [self.default] * size)
        return found
