"""Index stage: the analyzer and the search backend (Whoosh behind a small interface)."""
