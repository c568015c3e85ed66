"""The private parts of Whoosh that index/codec.py and index/engine.py rely on, named one by one.

The engine reads Whoosh's postings blocks itself and the codec writes them its own way; both
subclass Whoosh internals (W3Codec, W3FieldWriter, W3PostingsWriter, W3LeafMatcher) and touch
their private members, and SplitPostingsWriter.add_posting is a copy of Whoosh's method. A new
whoosh-reloaded release may change any of it without notice: this test says which member
moved, so an upgrade fails here, clearly, and not as wrong search results.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import inspect
import io
import re
from array import array
from pathlib import Path
from typing import Any

import pytest
from whoosh import fields, formats
from whoosh import index as windex
from whoosh.codec import whoosh3
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile
from whoosh.reading import TermNotFound

from disclosure_search.index.codec import SplitCodec, SplitLeafMatcher, read_postings

ROOT = Path(__file__).resolve().parents[2]
PINNED = "2.7.5"
#: sha256 of Whoosh's W3PostingsWriter.add_posting, which SplitPostingsWriter.add_posting copies
#: (without the per-posting type assertions). If this changes, compare the two and update both.
ADD_POSTING_SHA256 = "09bb36fe5125764de936e43904586cae72837d78a83c2d444ec9dc93a6c6ddd4"

#: (class, member, what of ours uses it): members set on instances are checked on live ones.
WRITER_MEMBERS = (
    "_blocklimit", "_byteids", "_ids", "_weights", "_values", "_maxweight", "_minlength",
    "_maxlength", "_write_block", "_mini_ids", "_mini_weights", "_mini_values",
)
MATCHER_MEMBERS = (
    "_data", "_read_data", "_read_ids", "_ids", "_read_weights", "_weights", "_read_values",
    "_values", "_fixedsize", "_byteids", "_next_block", "is_active",
)
CODEC_MEMBERS = ("_blocklimit", "_inlinelimit")
SIGNATURES = {
    (whoosh3.W3Codec, "field_writer"): "(self, storage, segment)",
    (whoosh3.W3Codec, "postings_writer"): "(self, dbfile, byteids=False)",
    (whoosh3.W3Codec, "postings_reader"):
        "(self, dbfile, terminfo, format_, term=None, scorer=None)",
    (whoosh3.W3FieldWriter, "add_postings"): "(self, schema, lengths, items)",
    (whoosh3.W3PostingsWriter, "add_posting"): "(self, id_, weight, vbytes, length=None)",
    (FileStorage, "open_file"): "(self, name, **kwargs)",  # index/storage.py overrides it
    (FileStorage, "_fpath"): "(self, fname)",  # and calls it
    (StructFile, "get"): "(self, position, length)",  # MappedFile.get
    (whoosh3.W3LeafMatcher, "__init__"):
        "(self, postfile, startoffset, length, format_, term=None, byteids=None, scorer=None)",
}


def _moved(owner: str, member: str, user: str) -> str:
    return (f"whoosh-reloaded {importlib.metadata.version('whoosh-reloaded')}: {owner} no longer "
            f"has {member!r}, which {user} relies on. index/codec.py and index/engine.py read "
            "Whoosh's private postings format (see index/README.md); adapt them or pin the "
            f"version they were written for ({PINNED}).")


def test_whoosh_is_pinned_exactly() -> None:
    project = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'"whoosh-reloaded=={PINNED}"' in project, "pin whoosh-reloaded exactly in pyproject"
    for lock in ("requirements.lock", "requirements-dev.lock"):
        text = (ROOT / lock).read_text(encoding="utf-8")
        assert re.search(rf"^whoosh-reloaded=={re.escape(PINNED)}$", text, re.M), lock
    assert importlib.metadata.version("whoosh-reloaded") == PINNED


def test_the_copied_add_posting_is_still_whooshs() -> None:
    source = inspect.getsource(whoosh3.W3PostingsWriter.add_posting)
    digest = hashlib.sha256(source.encode()).hexdigest()
    assert digest == ADD_POSTING_SHA256, (
        "Whoosh's W3PostingsWriter.add_posting changed; index/codec.py's "
        "SplitPostingsWriter.add_posting is a copy of it: compare them, then update the hash")


@pytest.mark.parametrize(("key", "signature"), list(SIGNATURES.items()),
                         ids=[f"{c.__name__}.{m}" for c, m in SIGNATURES])
def test_overridden_and_called_signatures(key: tuple[type, str], signature: str) -> None:
    cls, name = key
    assert str(inspect.signature(getattr(cls, name))) == signature, _moved(
        cls.__name__, f"{name}{signature}", "index/codec.py")


def test_postings_writer_members() -> None:
    writer = whoosh3.W3PostingsWriter(StructFile(io.BytesIO()), blocklimit=4, compression=0)
    writer.start_postings(formats.Frequency(), whoosh3.W3TermInfo())
    for member in WRITER_MEMBERS:
        assert hasattr(writer, member), _moved("W3PostingsWriter", member, "SplitPostingsWriter")


def test_codec_members() -> None:
    codec = whoosh3.W3Codec(blocklimit=32, inlinelimit=1)
    for member in CODEC_MEMBERS:
        assert hasattr(codec, member), _moved("W3Codec", member, "SplitCodec")


def _index(folder: Path, codec: Any) -> Any:
    schema = fields.Schema(body=fields.TEXT(phrase=True))
    ix = windex.create_in(str(folder), schema)
    writer = ix.writer(codec=codec)
    for n in range(300):  # "common" in every document: blocks of 32, many of them
        writer.add_document(body=" ".join(["common"] * (1 + n % 5) + ([f"w{n % 7}"])))
    writer.commit()
    return ix


@pytest.mark.parametrize("codec", [whoosh3.W3Codec(blocklimit=32), SplitCodec(blocklimit=32)],
                         ids=["whoosh-format", "split-format"])
def test_leaf_matcher_members_and_block_layout(codec: Any, tmp_path: Path) -> None:
    ix = _index(tmp_path, codec)
    with ix.searcher() as searcher:
        ((leaf, _offset),) = searcher.reader().leaf_readers()
        matcher = leaf.postings("body", "common")
        assert isinstance(matcher, whoosh3.W3LeafMatcher)
        matcher._read_weights()
        for member in MATCHER_MEMBERS:
            assert hasattr(matcher, member), _moved("W3LeafMatcher", member, "codec.read_postings")
        assert len(matcher._data) == 3, _moved("W3LeafMatcher", "_data as (ids, weights, "
                                                "values)", "codec.read_postings")
        # what read_postings decodes from the blocks is what Whoosh's public API gives
        expected = list(leaf.postings("body", "common").items_as("weight"))
        docnums, weights = array("I"), array("f")
        read_postings(leaf, "body", "common", 0, docnums, weights)
        assert list(zip(docnums, weights, strict=True)) == [(d, float(w)) for d, w in expected]
        assert len(expected) == 300
        assert isinstance(leaf.postings("body", "w3"), SplitLeafMatcher) == isinstance(
            codec, SplitCodec)
        with pytest.raises(TermNotFound):
            leaf.postings("body", "absent")
