"""Jobs: the nightly crawl under APScheduler, and the lock shared with the crawl command."""
