"""Bitsets of document numbers: a Python int with bit ``n`` set for document number ``n``.

AND/OR/NOT of results are ``& | ~`` on these ints, counts are ``int.bit_count``; the
conversions to and from lists run at C speed through bytes.
"""

from __future__ import annotations

import itertools
from array import array
from collections import deque
from collections.abc import Iterable

#: Below this many documents, bitsets are built (and, below an eighth of it, read) bit by bit.
_FEW = 512
_TO_ASCII = bytes.maketrans(b"\x00\x01", b"01")
_TO_FLAGS = bytes.maketrans(b"01", b"\x00\x01")


def to_bits(docnums: Iterable[int], size: int) -> int:
    """Return the bitset (bit ``n`` set for each ``n``) of document numbers below ``size``."""
    if isinstance(docnums, (list, array)) and len(docnums) < _FEW:
        packed = bytearray((size >> 3) + 1)
        for docnum in docnums:
            packed[docnum >> 3] |= 1 << (docnum & 7)
        return int.from_bytes(packed, "little")
    flags = bytearray(size)
    deque(map(flags.__setitem__, docnums, itertools.repeat(1)), maxlen=0)  # C-speed loop
    return int(flags.translate(_TO_ASCII)[::-1] or b"0", 2)


def flags_of(bits: int, size: int) -> bytes:
    """Return one byte per document number, 1 where ``bits`` has it."""
    return bin(bits)[:1:-1].encode().translate(_TO_FLAGS).ljust(size, b"\x00")


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
    flags = flags_of(bits, 0)
    return list(itertools.compress(range(len(flags)), flags))
