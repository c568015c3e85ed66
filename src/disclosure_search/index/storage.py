"""How index files are opened: read through a memory map, never copied, never read by syscall.

Whoosh's ``FileStorage`` opens each segment file as a buffered file object, so every term
lookup and every postings block is a ``seek`` and a ``read`` system call (at 100,000
documents a query made some 7,000 of them, most of its time); its compound files copy each
sub-file into memory instead, once per process. Here a segment file is mapped read-only:
a read is a slice of the mapping, the pages are the kernel's page cache, shared by every
process that opens the index (web workers, the nightly job), and a process holds no copy
of its own. A mapping outlives the removal of its file, so a searcher keeps reading its own
generation after a commit deletes that generation's files.
"""

from __future__ import annotations

import mmap
from pathlib import Path
from typing import Any

from whoosh import index as windex
from whoosh.fields import Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile


class MappedFile(StructFile):
    """A read-only index file over a memory map (``get`` is one slice, no system call)."""

    def __init__(self, mapped: mmap.mmap, name: str | None = None, onclose: Any = None) -> None:
        super().__init__(mapped, name=name, onclose=onclose)
        self._map = mapped

    def get(self, position: int, length: int) -> bytes:
        """Return ``length`` bytes at ``position``."""
        return self._map[position : position + length]


class MappedStorage(FileStorage):
    """Whoosh's file storage, with files opened for reading as :class:`MappedFile`."""

    def open_file(self, name: str, **kwargs: Any) -> StructFile:
        """Open an existing file of the index for reading, memory-mapped."""
        with open(self._fpath(name), "rb") as handle:
            try:
                mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
            except ValueError:  # an empty file cannot be mapped; nothing to read anyway
                return super().open_file(name, **kwargs)
        return MappedFile(mapped, name=name, **kwargs)


def open_index(index_dir: Path) -> windex.FileIndex:
    """Open the index in ``index_dir`` with its files memory-mapped."""
    return MappedStorage(str(index_dir)).open_index()


def create_index(index_dir: Path, schema: Schema) -> windex.FileIndex:
    """Create an empty index in ``index_dir`` (files read back memory-mapped)."""
    return MappedStorage(str(index_dir)).create_index(schema)

