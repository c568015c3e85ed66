"""Bitsets of document numbers: a Python int with bit ``n`` set for document number ``n``.

AND/OR/NOT of results are ``& | ~`` on these ints, counts are ``int.bit_count``; the
conversions to and from document numbers run in numpy, through the int's little-endian bytes
(bit ``n`` is bit ``n & 7`` of byte ``n >> 3``, numpy's ``bitorder="little"``).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable

import numpy as np

#: Below this many documents a bitset is built (and, below an eighth of it, read) bit by bit:
#: numpy's fixed cost per call is more than the loop.
_FEW = 512


def as_numbers(docnums: Iterable[int]) -> np.ndarray:
    """Return document numbers as a numpy array (without a copy for an ``array("I")``)."""
    if isinstance(docnums, array) and docnums.typecode == "I":
        return np.frombuffer(docnums, dtype=np.uint32) if docnums else np.zeros(0, np.uint32)
    if isinstance(docnums, np.ndarray):
        return docnums
    return np.fromiter(docnums, dtype=np.int64)


def to_bits(docnums: Iterable[int], size: int) -> int:
    """Return the bitset (bit ``n`` set for each ``n``) of document numbers below ``size``."""
    if isinstance(docnums, (list, array)) and len(docnums) < _FEW:
        packed = bytearray((size >> 3) + 1)
        for docnum in docnums:
            packed[docnum >> 3] |= 1 << (docnum & 7)
        return int.from_bytes(packed, "little")
    numbers = as_numbers(docnums)
    if not len(numbers):
        return 0
    flags = np.zeros(size, dtype=np.uint8)
    flags[numbers] = 1
    return int.from_bytes(np.packbits(flags, bitorder="little").tobytes(), "little")


def flags_array(bits: int, size: int) -> np.ndarray:
    """Return one uint8 per document number below ``size`` (or up to the highest one in
    ``bits``, if that is more), 1 where ``bits`` has it."""
    length = bits.bit_length()
    packed = np.frombuffer(bits.to_bytes((length + 7) // 8, "little"), np.uint8)
    flags = np.unpackbits(packed, bitorder="little")[:length]
    if length < size:
        flags = np.concatenate((flags, np.zeros(size - length, np.uint8)))
    return flags


def flags_of(bits: int, size: int) -> bytes:
    """Return one byte per document number, 1 where ``bits`` has it."""
    return flags_array(bits, size).tobytes()


def numbers_of(bits: int) -> np.ndarray:
    """Return the document numbers in a bitset, ascending, as a numpy array."""
    if not bits:
        return np.zeros(0, np.int64)
    return np.flatnonzero(flags_array(bits, 0))


def from_bits(bits: int) -> list[int]:
    """Return the document numbers in a bitset, ascending."""
    if not bits:
        return []
    if bits.bit_count() < _FEW // 8:  # a few: peel off the lowest bit each time
        found = []
        while bits:
            lowest = bits & -bits
            found.append(lowest.bit_length() - 1)
            bits ^= lowest
        return found
    return numbers_of(bits).tolist()
