"""Archive stage: WARC files written as received, and the SQLite catalog that points into them."""
