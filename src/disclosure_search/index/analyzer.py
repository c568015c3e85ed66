"""Chinese text analysis shared by indexing and querying: script folding, jieba words, bigrams."""

from __future__ import annotations

import logging
import operator
import os
import re
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from importlib import resources

import jieba

from disclosure_search.vocabulary.folding import fold

log = logging.getLogger(__name__)

#: A token: its folded text and its character offsets into the original string.
Token = tuple[str, int, int]
Segmenter = Callable[[str], Iterable[Token]]
#: Set this environment variable to segment with the jieba package even if rjieba is installed.
PURE_PYTHON_ENV = "DISCLOSURE_SEARCH_PURE_JIEBA"

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[0-9a-z_]+(?:[.\-][0-9a-z_]+)*")
_lock = threading.Lock()


def _data_lines(name: str) -> list[str]:
    raw = resources.files("disclosure_search.index").joinpath("data", name).read_text("utf-8")
    return [line.strip() for line in raw.splitlines() if line.strip() and line[0] != "#"]


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """Return the stop words (folded) that are never indexed or searched."""
    return frozenset(fold(word) for word in _data_lines("stopwords.txt"))


def _user_words() -> Iterator[tuple[str, int | None, str | None]]:
    for line in _data_lines("userdict.txt"):
        word, *rest = line.split()
        freq = int(rest[0]) if rest and rest[0].isdigit() else None
        yield fold(word), freq, rest[1] if len(rest) > 1 else None


def _python_jieba() -> Segmenter:
    jieba.setLogLevel(logging.WARNING)  # its INFO lines would land on every CLI run's stderr
    tokenizer = jieba.Tokenizer()
    tokenizer.tmp_dir = os.path.join(tempfile.gettempdir(), "disclosure-search-jieba")
    os.makedirs(tokenizer.tmp_dir, exist_ok=True)
    tokenizer.initialize()
    for word, freq, tag in _user_words():
        tokenizer.add_word(word, freq, tag)
    return lambda chunk: tokenizer.tokenize(chunk, mode="search")


def _rust_jieba() -> Segmenter | None:
    try:
        import rjieba
    except ImportError:
        return None
    tokenizer = rjieba.Jieba()
    for word, freq, tag in _user_words():
        tokenizer.add_word(word, freq, tag)
    return lambda chunk: tokenizer.tokenize(chunk, mode="search")


@lru_cache(maxsize=1)
def _tokenizer() -> Segmenter:
    """Build the process's segmenter once: jieba's dictionary plus the user dictionary.

    ``rjieba`` (jieba-rs: the same dictionary and algorithm, the same tokens on Chinese text,
    about 8x faster) is used when installed, else the jieba package.
    """
    with _lock:
        segmenter = None if os.environ.get(PURE_PYTHON_ENV) else _rust_jieba()
        if segmenter is None:
            segmenter = _python_jieba()
        log.debug("jieba dictionary loaded")
        return segmenter


def warm_up() -> None:
    """Load the jieba dictionary now rather than on the first document."""
    _tokenizer()


def iter_words(text: str) -> Iterator[Token]:
    """Yield jieba search-mode words of ``text`` with true offsets into the original text.

    Text is folded first (see :func:`fold`); stop words, spaces and punctuation are dropped.
    Search mode also yields the dictionary sub-words of long words (科技局 -> 科技, 科技局).

    Args:
        text: original text, Traditional or Simplified.

    Yields:
        ``(folded word, start, end)`` with ``fold(text)[start:end] == word``.
    """
    return iter(_words(text))


@lru_cache(maxsize=8)
def _words(text: str) -> tuple[Token, ...]:
    """The words of ``text`` without stop words (cached: several fields read one text)."""
    stops = stop_words()
    return tuple(token for token in _segmented(text) if token[0] not in stops)


@lru_cache(maxsize=8)
def _segmented(text: str) -> tuple[Token, ...]:
    """Segment once: a body is indexed as words with positions and as sub-word bigrams."""
    return tuple(_segment_all(text))


def _segment_all(text: str) -> Iterator[Token]:
    folded = fold(text)
    tokenizer = _tokenizer()
    for match in _WORD.finditer(folded):
        base = match.start()
        chunk = match.group()
        if not _CJK.match(chunk):
            yield chunk, base, match.end()
            continue
        for word, start, end in tokenizer(chunk):
            yield word, base + start, base + end


def iter_word_positions(text: str) -> Iterator[tuple[str, int, int, int]]:
    """Yield the words of :func:`iter_words` with positions that still count stop words.

    A stop word leaves a gap, so a quoted phrase 清洁生产 does not match 清洁和生产.

    Args:
        text: original text, Traditional or Simplified.

    Yields:
        ``(folded word, start, end, position)``.
    """
    stops = stop_words()
    for pos, (word, start, end) in enumerate(_segmented(text)):
        if word not in stops:
            yield word, start, end, pos


def stop_gaps(text: str) -> int:
    """Return how many stop words lie between the first and last indexed word of ``text``."""
    tokens = _segmented(text)
    stops = stop_words()
    kept = [i for i, (word, _, _) in enumerate(tokens) if word not in stops]
    if not kept:
        return 0
    return sum(1 for word, _, _ in tokens[kept[0] : kept[-1]] if word in stops)


def words(text: str) -> list[str]:
    """Return the folded jieba words of ``text`` (see :func:`iter_words`), in order."""
    return [word for word, _, _ in iter_words(text)]


def iter_bigrams(text: str) -> Iterator[Token]:
    """Yield overlapping character bigrams of CJK runs, and whole ASCII words, with offsets.

    A CJK run of one character yields that character. This is the sub-word recall field:
    农业 is found inside 中国农业发展银行 whatever jieba made of the long name.

    Args:
        text: original text, Traditional or Simplified.

    Yields:
        ``(folded gram, start, end)`` in text order.
    """
    folded = fold(text)
    for match in _WORD.finditer(folded):
        chunk, base = match.group(), match.start()
        if not _CJK.match(chunk) or len(chunk) == 1:
            yield chunk, base, match.end()
            continue
        for i in range(len(chunk) - 1):
            yield chunk[i : i + 2], base + i, base + i + 2


def iter_subgrams(text: str) -> Iterator[Token]:
    """Yield the bigrams inside jieba words of three or more CJK characters that are not words.

    With the words of the same text this covers every bigram inside a word, at a fraction
    of the index size of all bigrams: 展银 inside 农业发展银行, 农业 if jieba had not made it
    a word. Bigrams across word boundaries are not covered.

    Args:
        text: original text, Traditional or Simplified.

    Yields:
        ``(folded bigram, start, end)`` in text order.
    """
    tokens = _words(text)
    seen = {word for word, _, _ in tokens}
    for word, start, _ in tokens:
        if len(word) < 3 or not _CJK.fullmatch(word):
            continue
        for i in range(len(word) - 1):
            gram = word[i : i + 2]
            if gram not in seen:
                yield gram, start + i, start + i + 2


#: A run of letters and digits of any script: copied pieces are matched inside these runs.
_RUN = re.compile(r"[^\W_]+")


def chargram_set(text: str) -> set[str]:
    """Return every overlapping two-character piece of the letter-and-digit runs of ``text``.

    Unlike :func:`iter_bigrams`, digits and Latin letters are split too and a run goes on
    across scripts (``政府2020年`` gives ``府2``, ``20``, ``02``, ``0年``), so any copied piece
    of two or more letters or digits has all its pieces here. A run of one character gives
    that character. Folded first (see :func:`fold`); punctuation and spaces end a run.
    """
    grams: set[str] = set()
    for run in _RUN.findall(fold(text)):
        if len(run) == 1:
            grams.add(run)
        else:
            grams.update(map(operator.add, run, run[1:]))
    return grams


def chargram_runs(text: str) -> list[list[str]]:
    """Return the two-character pieces of each letter-and-digit run of a query, in order.

    Runs of one character are left out when a longer run is there (the piece it came from
    may go on in the document: ``、公安`` is ``公安``); a text of only such runs keeps them.
    """
    runs = _RUN.findall(fold(text))
    if any(len(run) > 1 for run in runs):
        return [list(map(operator.add, run, run[1:])) for run in runs if len(run) > 1]
    return [[run] for run in runs]


def bigrams(text: str) -> list[str]:
    """Return the folded bigrams of ``text`` (see :func:`iter_bigrams`), in order."""
    return [gram for gram, _, _ in iter_bigrams(text)]
