"""The README's API examples, run as written against the sample portal's documents."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from disclosure_search.config import Settings, SourceSettings
from disclosure_search.index.analyzer import fold
from disclosure_search.web.app import create_app

README = Path(__file__).resolve().parents[2] / "README.md"


def _examples() -> list[tuple[str, str]]:
    """(curl command, the answer shown under it) for every ``$ curl`` line of the README."""
    lines = README.read_text(encoding="utf-8").splitlines()
    return [(line[2:], lines[i + 1]) for i, line in enumerate(lines)
            if line.startswith("$ curl ")]


def _request_target(command: str) -> str:
    """The path and query curl would send for ``command`` (``-G``/``-d``/``--data-urlencode``)."""
    words = shlex.split(command)[1:]
    url, data = "", []
    while words:
        word = words.pop(0)
        if word == "-G":
            continue
        if word == "-d":
            data.append(words.pop(0))
        elif word == "--data-urlencode":
            name, _, value = words.pop(0).partition("=")
            data.append(urlencode({name: value}))
        else:
            url = word
    assert url.isascii(), f"raw non-ASCII in a URL is answered 400 Bad URI: {url}"
    parts = urlsplit(url)
    query = "&".join(q for q in (parts.query, *data) if q)
    return parts.path + ("?" + query if query else "")


@pytest.fixture(scope="module")
def app(portal_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    data_dir = portal_index.parent
    settings = Settings(
        data_dir=data_dir,
        sources=(SourceSettings(id="kjj", name="示例市科技局", start_urls=("http://kjj/",)),
                 SourceSettings(id="city", name="示例市人民政府", start_urls=("http://city/",))),
    )
    application = create_app(settings, test_config={"TESTING": True})
    yield application
    application.extensions["disclosure_search"].close()


def test_the_readme_has_api_examples() -> None:
    assert len(_examples()) >= 6


@pytest.mark.parametrize(("command", "answer"), _examples(), ids=lambda v: v[:60])
def test_readme_example_answers_as_shown(app: Flask, command: str, answer: str) -> None:
    client: FlaskClient = app.test_client()
    response = client.get(_request_target(command))
    body = response.get_json()
    shown = re.search(r'"status": (\d+)', answer)
    assert response.status_code == (int(shown.group(1)) if shown else 200), body
    assert body["ok"] is (shown is None)
    if shown:
        start = answer.split('"error": "', 1)[1].split("…")[0].split("，")[0]
        assert body["error"].startswith(start)
        return
    for name, value in re.findall(r'"(\w+)": "([^"…]+)"', answer.split('"hits"')[0]):
        assert body["query"].get(name, body.get(name)) == value, name
    assert body["hits"], "an example that shows hits finds some"
    for name, value in re.findall(r'"(agency|doc_number|validity)": "([^"…]+)"',
                                  answer.split('"hits"', 1)[-1].split('"facets"')[0]):
        assert fold(body["hits"][0][name]) == fold(value), name  # either script
