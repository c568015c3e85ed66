"""The shared vocabulary: answers every stage gives the same way (URLs, attachments, ...).

This package sits in the base layer beside ``models``, ``config`` and ``errors``: any stage
may import it, and it imports no stage. Each module answers one question once, so the crawler,
the extractor, the index and the reports cannot drift apart on it.
"""
