"""The on-disk postings format of new segments: ids and weights readable without positions."""

from __future__ import annotations

import itertools
import operator
import pickle
import zlib
from array import array
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import (
    WHOOSH3_HEADER_MAGIC,
    W3Codec,
    W3FieldWriter,
    W3LeafMatcher,
    W3PostingsWriter,
)
from whoosh.reading import TermNotFound
from whoosh.util.numeric import length_to_byte

# -- the postings format ----------------------------------------------------------------------
#
# Whoosh pickles each block of postings as one zlib-compressed tuple (ids, weights, values);
# for fields with positions the values are most of it (90% of the time to read a block).
# Here ids (deltas) and weights are packed arrays compressed on their own, and the values
# (positions, needed only for phrases) a separately compressed pickle: matching and ranking
# never decode a position. Segments record their codec, so older segments still read.

#: zlib level for ids and weights (read on every term) and for positions (phrases only).
_FAST_LEVEL, _VALUES_LEVEL = 1, 3
#: Pickle protocol of a block's data tuple (bytes pickled as bytes; see ``_write_block``).
_DATA_PROTOCOL = 4
#: Blocks shorter than this (most terms have a few postings) are stored as plain tuples.
_SMALL_BLOCK = 16


class SplitPostingsWriter(W3PostingsWriter):
    """Writes blocks as (compressed id deltas, compressed weights, compressed values).

    Blocks of fewer than :data:`_SMALL_BLOCK` postings keep Whoosh's tuples, uncompressed:
    three zlib calls cost more than they save there.
    """

    # set by Whoosh's writer; declared here for the type checker
    _ids: Any
    _weights: Any
    _values: Any
    _maxweight: float
    _minlength: int | None
    _maxlength: int
    _blockcount: int
    _postfile: Any
    _terminfo: Any

    def add_posting(
        self, id_: Any, weight: float, vbytes: bytes, length: int | None = None
    ) -> None:
        """Buffer one posting (Whoosh's method without its per-posting type assertions)."""
        if len(self._ids) >= self._blocklimit:
            self._write_block()
        self._ids.append(id_)
        self._weights.append(weight)
        if weight > self._maxweight:
            self._maxweight = weight
        if vbytes:
            self._values.append(vbytes)
        if length:
            if self._minlength is None or length < self._minlength:
                self._minlength = length
            if length > self._maxlength:
                self._maxlength = length

    def add_arrays(self, ids: array, weights: array, values: list[bytes]) -> None:
        """Write a whole term's postings, already in id order, a block at a time."""
        limit = self._blocklimit
        for start in range(0, len(ids), limit):
            if self._ids:
                self._write_block()
            end = start + limit
            self._ids = ids[start:end]
            self._weights = weights[start:end]
            self._values = values[start:end]
            self._maxweight = max(self._weights)

    def _write_block(self, last: bool = False) -> None:
        """Write the buffered block: Whoosh's layout, the data tuple pickled with protocol 4.

        Whoosh pickles it with protocol 2, which has no bytes type: each compressed array goes
        through ``_codecs.encode`` of a latin-1 string, stored as UTF-8 (about 1.5 times the
        bytes) and decoded back on every read (30 times slower than a protocol-4 load). The
        reader's ``pickle.loads`` reads either, so older segments still read.
        """
        if not self._blockcount:
            self._postfile.write(WHOOSH3_HEADER_MAGIC)
        self._terminfo.add_block(self)
        data = (self._mini_ids(), self._mini_weights(), self._mini_values())
        databytes = pickle.dumps(data, _DATA_PROTOCOL)
        ids = self._ids
        info = (len(ids), ids[-1], self._maxweight, 0, length_to_byte(self._minlength),
                length_to_byte(self._maxlength))
        infobytes = pickle.dumps(info, 2)
        blocklength = len(infobytes) + len(databytes)
        self._postfile.write_int(-blocklength if last else blocklength)
        self._postfile.write(infobytes)
        self._postfile.write(databytes)
        self._blockcount += 1
        self._new_block()

    def _small(self) -> bool:
        return self._byteids or len(self._ids) < _SMALL_BLOCK

    def _mini_ids(self) -> Any:
        if self._small():
            return super()._mini_ids()
        ids = self._ids
        deltas = array("I", map(operator.sub, ids, itertools.chain((0,), ids)))
        return zlib.compress(deltas.tobytes(), _FAST_LEVEL)

    def _mini_weights(self) -> Any:
        weights = super()._mini_weights()
        if self._small() or not isinstance(weights, tuple):
            return weights  # None (all 1.0) or one float for the whole block
        return zlib.compress(array("f", weights).tobytes(), _FAST_LEVEL)

    def _mini_values(self) -> Any:
        values = super()._mini_values()
        if self._small() or not isinstance(values, tuple):
            return values
        return zlib.compress(pickle.dumps(values, 2), _VALUES_LEVEL)


class SplitLeafMatcher(W3LeafMatcher):
    """Reads blocks written by :class:`SplitPostingsWriter` (Whoosh's matcher interface)."""

    def _read_ids(self) -> None:
        if self._data is None:
            self._read_data()
        if type(self._data[0]) is not bytes:
            super()._read_ids()
            return
        deltas = array("I", zlib.decompress(self._data[0]))
        self._ids = tuple(itertools.accumulate(deltas))

    def _read_weights(self) -> None:
        if self._data is None:
            self._read_data()
        packed = self._data[1]
        if isinstance(packed, bytes):
            self._weights = array("f", zlib.decompress(packed))
        elif packed is None or isinstance(packed, float):  # one weight for the whole block
            # Whoosh builds this array with a generator, a Python step per posting: for a
            # field without frequencies (``chars``) that was most of reading a term
            self._weights = array("f", (1.0 if packed is None else packed,)) * self._blocklength
        else:
            super()._read_weights()

    def _read_values(self) -> None:
        if self._data is None:
            self._read_data()
        packed = self._data[2]
        if isinstance(packed, bytes) and (self._fixedsize is None or self._fixedsize < 0):
            self._values = pickle.loads(zlib.decompress(packed))
        else:
            super()._read_values()


class SplitFieldWriter(W3FieldWriter):
    """Whoosh's field writer, without looking up each posting's document length.

    Those lengths only feed per-block length bounds for Whoosh's own scorers; the engine
    ranks with the per-document lengths, which are stored as before.
    """

    def add_postings(self, schema: Any, lengths: Any, items: Any) -> Any:
        """Write the sorted postings ``items`` of a segment.

        A bulk build's pool (see ``index.bulk``) is written a term at a time from its arrays;
        anything else goes through Whoosh's posting-by-posting path.
        """
        term_arrays = getattr(items, "term_arrays", None)
        if term_arrays is None:
            return super().add_postings(schema, None, items)
        field = None
        for fieldname, text, ids, weights, values in term_arrays():
            if fieldname != field:
                if field is not None:
                    self.finish_field()
                self.start_field(fieldname, schema[fieldname])
                field = fieldname
            self.start_term(text)
            self._postwriter.add_arrays(ids, weights, values)
            self.finish_term()
        if field is not None:
            self.finish_field()
        return None


class SplitCodec(W3Codec):
    """Whoosh's codec with :class:`SplitPostingsWriter` blocks (term vectors unchanged)."""

    def field_writer(self, storage: Any, segment: Any) -> W3FieldWriter:
        """Return the writer of a segment's terms and postings."""
        return SplitFieldWriter(self, storage, segment)

    def postings_writer(self, dbfile: Any, byteids: bool = False) -> W3PostingsWriter:
        """Return the writer of a field's postings (Whoosh's own for term vectors)."""
        if byteids:
            return super().postings_writer(dbfile, byteids=True)
        return SplitPostingsWriter(
            dbfile, blocklimit=self._blocklimit, compression=0, inlinelimit=self._inlinelimit
        )

    def postings_reader(
        self, dbfile: Any, terminfo: Any, format_: Any, term: Any = None, scorer: Any = None
    ) -> Any:
        """Return a matcher over a term's postings."""
        if terminfo.is_inlined():
            return super().postings_reader(dbfile, terminfo, format_, term=term, scorer=scorer)
        offset, length = terminfo.extent()
        return SplitLeafMatcher(dbfile, offset, length, format_, term=term, scorer=scorer)


def read_postings(
    reader: Any, field: str, text: str, offset: int, docnums: array, weights: array
) -> None:
    """Append one segment's postings of a term to ``docnums`` and ``weights`` (block-wise)."""
    try:
        matcher = reader.postings(field, text)
    except TermNotFound:
        return
    add = itertools.repeat(offset)
    if isinstance(matcher, SplitLeafMatcher):  # no deletions: whole blocks, ids in numpy
        while matcher.is_active():
            if matcher._data is None:
                matcher._read_data()
            matcher._read_weights()
            packed = matcher._data[0]
            if type(packed) is bytes:  # deltas: their running sum is the ids
                deltas = np.frombuffer(zlib.decompress(packed), np.uint32)
                running = np.cumsum(deltas, dtype=np.uint32) + np.uint32(offset)
                docnums.frombytes(running.tobytes())
            else:
                docnums.extend(map(operator.add, itertools.accumulate(packed), add))
            weights.extend(matcher._weights)
            matcher._next_block()
        return
    if isinstance(matcher, W3LeafMatcher):  # the same for segments in Whoosh's own format
        while matcher.is_active():
            if matcher._data is None:
                matcher._read_data()
            ids = matcher._data[0]
            if not matcher._byteids:  # delta-coded: the running sum, at C speed
                ids = itertools.accumulate(ids)
            matcher._read_weights()
            docnums.extend(map(operator.add, ids, add))
            weights.extend(matcher._weights)
            matcher._next_block()
        return
    for docnum, weight in matcher.items_as("weight"):
        docnums.append(offset + docnum)
        weights.append(weight)
