"""A bundled, realistic disclosure portal built from real documents, for the demo and tests."""

from __future__ import annotations

from disclosure_search.sample_portal.data import PortalDocument, load_documents
from disclosure_search.sample_portal.server import ListedItem, SamplePortal, serve_forever

__all__ = ["ListedItem", "PortalDocument", "SamplePortal", "load_documents", "serve_forever"]
