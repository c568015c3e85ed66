"""End to end in headless Chromium: search, filter, read, view a captured copy, run axe-core."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from disclosure_search.web.server import SiteServer

from .conftest import NEEDS_ARCHIVE, SiteData

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason="needs Debian's chromium at /usr/bin/chromium (apt-get install "
                              "chromium fonts-noto-cjk)"),
]
needs_axe = pytest.mark.skipif(
    not AXE.exists(), reason="needs node_modules/axe-core (run `npm ci` at the repository root)"
)


@pytest.fixture(scope="module")
def site(site_data: SiteData) -> Iterator[str]:
    """The real server on the fixture data dir, in a thread, on a free port."""
    server = SiteServer(site_data.settings, "127.0.0.1", 0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield server.url.rstrip("/")
    server.stop()
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu",
                  "--disable-background-networking"],
        )
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    yield tab
    context.close()


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_search_filter_and_open_a_document(page: Any, site: str) -> None:
    page.goto(site + "/")
    page.locator("#q").fill("通知")
    page.get_by_label("分类", exact=True).select_option("规范性文件")
    page.get_by_role("button", name="检索").first.click()
    page.wait_for_url("**/search?**")
    assert "category=" in page.url and "q=" in page.url
    summary = page.locator("#summary").inner_text()
    assert "共" in summary and "条结果" in summary
    _shot(page, "results")
    page.locator(".facet a").first.click()
    page.wait_for_load_state()
    assert page.locator("#q").input_value() == "通知"  # the box keeps the words
    page.go_back()
    assert page.locator("#category").input_value() == "规范性文件"  # back keeps filters
    page.locator("ol.hits h3 a").first.click()
    page.wait_for_url("**/doc/**")
    assert page.locator("table.metadata").is_visible()
    _shot(page, "document")


@NEEDS_ARCHIVE
def test_archived_script_never_runs(page: Any, site: str, site_data: SiteData) -> None:
    errors: list[str] = []
    page.on("dialog", lambda dialog: errors.append(dialog.message))
    page.goto(f"{site}/doc/{site_data.hostile_id}/captures/1")
    frame_el = page.locator("iframe.archived")
    frame_el.wait_for()
    frame = page.frame_locator("iframe.archived")
    assert frame.locator("h1").inner_text() == "科技局存档正文"
    page.wait_for_timeout(300)
    assert page.title().startswith("存档副本")  # the archived script did not rename us
    assert "PWNED" not in page.title()
    inner = page.frames[1]
    assert inner.evaluate("document.title") != "PWNED"  # not even inside the sandbox
    assert errors == []
    _shot(page, "captured")


def test_keyboard_skip_link_and_visible_focus(page: Any, site: str) -> None:
    page.goto(site + "/search?q=通知")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_phone_width_has_no_sideways_scroll(browser: Any, site: str) -> None:
    context = browser.new_context(viewport={"width": 320, "height": 640}, locale="zh-CN")
    try:
        tab = context.new_page()
        for path in ("/", "/search?q=通知"):
            tab.goto(site + path)
            assert tab.evaluate("document.documentElement.scrollWidth") <= 321, path
        _shot(tab, "results-320px")
    finally:
        context.close()


def _axe(browser: Any, url: str) -> list[dict[str, Any]]:
    # Injecting axe is an inline script, which our CSP rightly forbids; only this context
    # bypasses it, to run the checker.
    context = browser.new_context(bypass_csp=True, locale="zh-CN")
    try:
        tab = context.new_page()
        tab.goto(url)
        tab.add_script_tag(path=str(AXE))
        result = tab.evaluate("axe.run(document, {resultTypes: ['violations']})")
        return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    finally:
        context.close()


@needs_axe
@pytest.mark.parametrize(
    ("name", "path"),
    [("home", "/"), ("results", "/search?q=通知&category=规范性文件"), ("error", "/search?page=0"),
     ("no-results", "/search?q=完全不存在xyzzy"), ("document", "/doc/{doc}"),
     ("capture", "/doc/{doc}/captures/1")],
)
def test_axe_finds_no_serious_violations(browser: Any, site: str, site_data: SiteData,
                                         name: str, path: str) -> None:
    if "{doc}" in path and not (site_data.settings.catalog_path.exists()):
        pytest.skip("needs the archive catalog")
    violations = _axe(browser, site + path.format(doc=site_data.hostile_id))
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"axe-{name}.json").write_text(
        json.dumps(violations, ensure_ascii=False, indent=1), encoding="utf-8")
    assert violations == [], [(v["id"], v["help"], len(v["nodes"])) for v in violations]


RESULTS = "/search?q=通知"


@pytest.mark.parametrize(("size", "width", "height"), [("desktop", 1280, 900), ("phone", 390, 844)])
def test_filters_fold_on_a_phone_and_results_come_first_without_javascript(
    browser: Any, site: str, size: str, width: int, height: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN",
                                  java_script_enabled=False)
    try:
        tab = context.new_page()
        tab.goto(site + RESULTS)
        agency = tab.locator("#agency")
        first_hit = tab.locator("li.hit").first.bounding_box()
        _shot(tab, f"results-{size}")
        if size == "desktop":
            assert agency.is_visible() and tab.locator("#facet-agency").is_visible()
            assert not tab.get_by_text("筛选条件", exact=True).first.is_visible()
            return
        assert not agency.is_visible() and not tab.locator("#facet-agency").is_visible()
        assert first_hit is not None and first_hit["y"] < height / 2  # results on the first screen
        tab.locator("summary", has_text="筛选条件").click()
        assert agency.is_visible()
        _shot(tab, "results-phone-filters-open")
        tab.locator("summary", has_text="缩小范围").click()
        assert tab.locator("#facet-agency").is_visible()
    finally:
        context.close()


def test_year_facet_reaches_every_year_and_agency_is_picked_from_the_list(
    page: Any, site: str
) -> None:
    page.goto(site + "/search")
    years = page.locator("#facet-year ~ ul a, #facet-year ~ details a")
    labels = [years.nth(i).inner_text().split("（")[0] for i in range(years.count())]
    assert labels == ["2023", "2022", "2021", "2020", "2019"]  # newest first, the oldest too
    page.locator("#agency").fill("科学技术")
    page.locator("#agency").press("Enter")
    page.wait_for_url("**agency=**")
    assert "发布/发文机关：科学技术" in page.locator(".active-filters").inner_text()
    for meta in page.locator("li.hit .meta").all_inner_texts():
        assert "南昌市科学技术局" in meta
    _shot(page, "results-agency-partial")
