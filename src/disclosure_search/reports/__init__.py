"""Staff reports from the archive: publication check, annual counts, changes, crawl health."""
