"""Every staff page in headless Chromium at desktop and phone sizes: screenshots, no sideways
scroll at 390 px, and axe-core finds no serious or critical violation."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from disclosure_search.config import Settings, SourceSettings
from disclosure_search.web import accounts
from disclosure_search.web.server import SiteServer

from .test_browser import ARTIFACTS, AXE, CHROMIUM, needs_axe
from .test_browser import browser as browser  # the same Chromium fixture

pytest.importorskip("disclosure_search.archive.catalog",
                    reason="needs disclosure_search.archive.catalog")
pytest.importorskip("playwright", reason="needs playwright")

from reports.data import build_catalog, sample_documents

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium"),
]
PASSWORD = "correct horse battery"
CHECKLIST = ("title,doc_number,due_date\n任意标题,洪科发[2018]12号,2018-03-31\n"
             "关于开展2018年度高新技术企业认定工作的通知,,2018-05-10\n"
             "关于征集2019年度市级重点研发项目的通知,,2019-03-01\n")
PAGES = [("home", "/staff/"), ("annual", "/staff/annual"),
         ("evidence", "/staff/annual/evidence?year=2018&kind=normative&column=issued"),
         ("changes", "/staff/changes?from=2018-01-01&to=2018-12-31"),
         ("health", "/staff/health"), ("audit", "/staff/audit"), ("users", "/staff/users"),
         ("password", "/staff/password"), ("check", "/staff/check"), ("watch", "/staff/watch")]
SIZES = {"desktop": (1280, 900), "phone": (390, 844)}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("staff-site")
    settings = Settings(data_dir=root, sources=(
        SourceSettings(id="kjj", name="南昌市科技局", start_urls=("http://a.example/",)),
        SourceSettings(id="portal", name="南昌市人民政府", start_urls=("http://b.example/",))))
    build_catalog(settings, sample_documents())
    accounts.add_user(settings, "office-admin", PASSWORD)
    accounts.add_user(settings, "clerk", PASSWORD)
    server = SiteServer(settings, "127.0.0.1", 0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield server.url.rstrip("/")
    server.stop()
    thread.join(timeout=5)


def _logged_in(browser: Any, site: str, size: str, **options: Any) -> Any:
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height},
                                  locale="zh-CN", **options)
    tab = context.new_page()
    tab.goto(site + "/staff/login")
    tab.get_by_label("用户名").fill("office-admin")
    tab.get_by_label("密码").fill(PASSWORD)
    tab.get_by_role("button", name="登录").click()
    tab.wait_for_url("**/staff/")
    return context, tab


@pytest.mark.parametrize("size", list(SIZES))
def test_every_staff_page_at_desktop_and_phone_size(browser: Any, site: str, size: str) -> None:
    context, tab = _logged_in(browser, site, size)
    try:
        for name, path in PAGES:
            response = tab.goto(site + path)
            assert response.status == 200, path
            nav = tab.locator("nav.staff-nav")
            assert nav.is_visible() and tab.locator("nav.staff-nav li").first.evaluate(
                "e => getComputedStyle(e).listStyleType") == "none"
            if size == "phone":
                width = tab.evaluate("document.documentElement.scrollWidth")
                assert width <= SIZES["phone"][0] + 1, (path, width)
            ARTIFACTS.mkdir(exist_ok=True)
            tab.screenshot(path=str(ARTIFACTS / f"staff-{name}-{size}.png"), full_page=True)
        tab.goto(site + "/staff/check")
        tab.get_by_label("或粘贴清单内容").fill(CHECKLIST)
        tab.get_by_role("button", name="开始核查").click()
        tab.wait_for_selector("table.report")
        border = tab.locator("table.report td").first.evaluate(
            "e => getComputedStyle(e).borderTopStyle")
        assert border == "solid"
        if size == "phone":
            assert tab.evaluate("document.documentElement.scrollWidth") <= SIZES["phone"][0] + 1
            header = tab.locator("table.report thead th").nth(1)
            assert header.evaluate("e => e.getBoundingClientRect().height") < 40  # no letter stack
        tab.screenshot(path=str(ARTIFACTS / f"staff-check-result-{size}.png"), full_page=True)
    finally:
        context.close()


@needs_axe
def test_axe_finds_no_serious_violations_on_staff_pages(browser: Any, site: str) -> None:
    # Injecting axe is an inline script, which our CSP forbids; only this context bypasses it.
    context, tab = _logged_in(browser, site, "desktop", bypass_csp=True)
    found: dict[str, list[Any]] = {}
    try:
        for name, path in [("login", "/staff/login"), *PAGES]:
            tab.goto(site + path)
            tab.add_script_tag(path=str(AXE))
            result = tab.evaluate("axe.run(document, {resultTypes: ['violations']})")
            found[name] = [(v["id"], v["help"], len(v["nodes"])) for v in result["violations"]
                           if v["impact"] in ("serious", "critical")]
    finally:
        context.close()
    ARTIFACTS.mkdir(exist_ok=True)
    Path(ARTIFACTS / "axe-staff.json").write_text(json.dumps(found, ensure_ascii=False, indent=1),
                                                  encoding="utf-8")
    assert {k: v for k, v in found.items() if v} == {}
