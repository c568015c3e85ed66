"""disclosure-search: crawl, archive and search government information-disclosure documents."""

__version__ = "0.1.0"
