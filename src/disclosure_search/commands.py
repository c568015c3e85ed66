"""Command implementations behind the CLI; each returns an exit status and prints its summary."""

from __future__ import annotations

import argparse

from disclosure_search.config import Settings
from disclosure_search.errors import DisclosureSearchError


def _pending(name: str) -> DisclosureSearchError:
    return DisclosureSearchError(f"'{name}' is not available in this build yet")


def demo(args: argparse.Namespace, settings: Settings) -> int:
    raise _pending("demo")


def crawl(args: argparse.Namespace, settings: Settings) -> int:
    raise _pending("crawl")


def reindex(args: argparse.Namespace, settings: Settings) -> int:
    raise _pending("reindex")


def serve(args: argparse.Namespace, settings: Settings) -> int:
    raise _pending("serve")


def jobs(args: argparse.Namespace, settings: Settings) -> int:
    raise _pending("jobs")


def search(args: argparse.Namespace, settings: Settings) -> int:
    raise _pending("search")


def check(args: argparse.Namespace, settings: Settings) -> int:
    raise _pending("check")


def stats(args: argparse.Namespace, settings: Settings) -> int:
    raise _pending("stats")


def sample_portal(args: argparse.Namespace, settings: Settings) -> int:
    raise _pending("sample-portal")


def user(args: argparse.Namespace, settings: Settings) -> int:
    raise _pending("user")
