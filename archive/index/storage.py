"""The index's folder as Whoosh storage whose files are read through memory maps.

Whoosh's ``FileStorage`` reads a segment's files with a seek and a read per lookup (its term
table is a binary search: a fuzzy word's automaton walk is a million of them at 100,000
clippings), and a compound segment is copied into memory whole at every new searcher. Here each
file is mapped read-only: nothing is copied at open, pages are read in place as they are
touched and shared with the OS cache, and a lookup is a slice of the map.
"""

from __future__ import annotations

import mmap
from struct import Struct

from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import BufferFile, StructFile

from ..crashpoints import crash_point

_BYTE = Struct("!B")
_SBYTE = Struct("!b")
_USHORT = Struct("!H")
_INT = Struct("!i")
_UINT = Struct("!I")
_LONG = Struct("!q")
_ULONG = Struct("!Q")
_FLOAT = Struct("!f")


class MappedFile(BufferFile):
    """A read-only file over a memory map: Whoosh's in-memory file, without the copy its
    ``BufferFile`` makes (a ``BytesIO`` of the whole buffer)."""

    def __init__(self, mapped: mmap.mmap, name: str | None = None) -> None:
        # not BufferFile.__init__: the map is its own file object (read, seek, tell)
        self._buf = mapped
        self._name = name
        self.file = mapped
        self.onclose = None
        self.is_real = False
        self.is_closed = False

    def get(self, position: int, length: int) -> bytes:
        return self._buf[position : position + length]

    def get_byte(self, position: int) -> int:
        return self._buf[position]

    def get_sbyte(self, position: int) -> int:
        return _SBYTE.unpack_from(self._buf, position)[0]

    def get_ushort(self, position: int) -> int:
        return _USHORT.unpack_from(self._buf, position)[0]

    def get_int(self, position: int) -> int:
        return _INT.unpack_from(self._buf, position)[0]

    def get_uint(self, position: int) -> int:
        return _UINT.unpack_from(self._buf, position)[0]

    def get_long(self, position: int) -> int:
        return _LONG.unpack_from(self._buf, position)[0]

    def get_ulong(self, position: int) -> int:
        return _ULONG.unpack_from(self._buf, position)[0]

    def get_float(self, position: int) -> float:
        return _FLOAT.unpack_from(self._buf, position)[0]


class MappedStorage(FileStorage):
    """A folder of index files; those opened for reading are memory-mapped (an empty file,
    which cannot be mapped, is read plainly)."""

    def open_file(self, name: str, **kwargs: object) -> StructFile:
        with open(self._fpath(name), "rb") as handle:
            try:
                mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
            except ValueError:  # empty
                return super().open_file(name, **kwargs)
        return MappedFile(mapped, name=name)

    def rename_file(self, oldname: str, newname: str, safe: bool = False) -> None:
        # Whoosh renames one file: a commit's new table of contents into place
        crash_point("index.during")
        super().rename_file(oldname, newname, safe=safe)
