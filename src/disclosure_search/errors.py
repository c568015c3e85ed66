"""The project's exception hierarchy: domain errors the CLI and web turn into messages."""

from __future__ import annotations


class DisclosureSearchError(Exception):
    """Base of every error this project raises on purpose (bugs raise built-ins)."""


class ConfigError(DisclosureSearchError):
    """The configuration file or a setting is wrong; the message names the key and line."""


class UsageError(DisclosureSearchError):
    """A command was called with arguments that cannot work (exit status 2)."""


class FetchError(DisclosureSearchError):
    """One URL could not be fetched; recorded with its reason, the crawl goes on."""

    def __init__(self, url: str, reason: str, *, transient: bool = False) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.transient = transient


class ArchiveError(DisclosureSearchError):
    """The archive (WARC files or catalog) cannot be read or written."""


class ExtractError(DisclosureSearchError):
    """A page or attachment could not be turned into text or a Document."""


class UnsupportedFileError(ExtractError):
    """An attachment of a type whose text is not read (.doc, .wps, ...): noted, not a failure."""


class SearchIndexError(DisclosureSearchError):
    """The search index is missing, locked or cannot be opened."""


class QueryError(DisclosureSearchError):
    """A search request is malformed (bad date, unknown category, bad syntax)."""


class LockedError(DisclosureSearchError):
    """Another process holds the crawl lock; the message says who."""


class ChecklistError(DisclosureSearchError):
    """A publication-check checklist is malformed; the message names row and column."""


class ChecklistTooLong(ChecklistError):
    """A checklist has more rows than this way of checking takes at once (the site's limit)."""
