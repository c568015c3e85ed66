"""Crawl stage: fetching, politeness, link discovery and list paging."""
