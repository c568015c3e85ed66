"""The nightly job re-checks a saved list after a crawl of the sample portal (real HTTP server,
real catalog) and the staff home page shows what turned published and what is late, in
Chromium at desktop and phone sizes, axe-clean."""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path
from typing import Any

import pytest

from disclosure_search.config import Settings, load_settings
from disclosure_search.web import accounts

from .test_browser import ARTIFACTS, AXE, CHROMIUM
from .test_browser import browser as browser  # the same Chromium fixture
from .test_staff_browser import PASSWORD, SIZES, _logged_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium"),
]
#: Two items only edition 1 of the sample bureau lists (one due long after, one due before it
#: went online), one item online from the start, and one the site never publishes.
WATCHED = ("title,doc_number,due_date\n"
           "示例市人民政府办公厅关于印发示例市农业种质资源保护与利用发展规划（2021—2035年）的通知,"
           "示政办〔2020〕51号,2030-12-31\n"
           "关于王素琳等三名同志任职的通知,示政任〔2021〕29号,2021-04-01\n"
           "示例市科技局关于印发修订后的《示例市政府质量奖管理办法》的通知,示科发〔2019〕8号,"
           "2019-12-31\n"
           "示例市科技局2021年度政务公开工作要点,,2021-03-31\n")
PLAN = "示例市人民政府办公厅关于印发示例市农业种质资源保护与利用发展规划（2021—2035年）的通知"


def _bureau_settings(portal: Any, root: Path) -> Settings:
    text = portal.config_toml(root / "data")
    config = root / "disclosure-search.toml"
    config.write_text(text[: text.index("[[sources]]", text.index("[[sources]]") + 1)],
                      encoding="utf-8")
    return load_settings(config, environ={})


def test_the_nightly_job_rechecks_a_saved_list_and_the_home_page_shows_what_changed(
    browser: Any, tmp_path: Path,
) -> None:
    from disclosure_search.jobs.nightly import nightly_job
    from disclosure_search.sample_portal import SamplePortal
    from disclosure_search.web.server import SiteServer

    with SamplePortal() as portal:
        settings = _bureau_settings(portal, tmp_path)
        assert nightly_job(settings).status == "finished"
        accounts.add_user(settings, "office-admin", PASSWORD)
        server = SiteServer(settings, "127.0.0.1", 0, threads=4)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        site = server.url.rstrip("/")
        context, tab = _logged_in(browser, site, "desktop", bypass_csp=True)
        try:
            tab.goto(site + "/staff/watch")
            tab.get_by_label("清单名称").fill("2021 年应公开事项")
            tab.get_by_label("或粘贴清单内容").fill(WATCHED)
            tab.get_by_role("button", name="保存清单").click()
            tab.wait_for_selector("text=清单已保存，共 4 项")
            tab.goto(site + "/staff/")
            before = tab.locator("main").inner_text()
            assert "近 30 天没有由未公开变为已公开的事项" in before
            assert before.count("逾期未公开") >= 2 and "关于王素琳等三名同志任职的通知" in before

            portal.set_edition(1)  # the site publishes two of the awaited items
            assert nightly_job(settings).status == "finished"

            tab.goto(site + "/staff/")
            online = tab.locator("table", has=tab.locator("caption", has_text="新近公开的事项"))
            rows = {r.locator("td").nth(1).inner_text(): [c.inner_text() for c in
                                                          r.locator("td").all()]
                    for r in online.locator("tbody tr").all()}
            assert set(rows) == {PLAN, "关于王素琳等三名同志任职的通知"}
            plan = rows[PLAN]
            assert plan[2:4] == ["已按时公开", "尚未公开（未到期）"] and plan[5] == "2021-01-14"
            late = rows["关于王素琳等三名同志任职的通知"]
            assert late[2:4] == ["逾期公开（晚 19 天）", "逾期未公开"] and late[6] == "2021-04-01"
            assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", late[4])  # online since (local)
            overdue = tab.locator("table", has=tab.locator("caption", has_text="逾期未公开的事项"))
            (still,) = overdue.locator("tbody tr").all()
            assert [c.inner_text() for c in still.locator("td").all()][:4] == [
                "2021 年应公开事项", "示例市科技局2021年度政务公开工作要点", "2021-03-31",
                "2021-04-01"]  # overdue since the day after it was due
            _screens_and_axe(browser, context, site)
        finally:
            context.close()
            server.stop()
            thread.join(timeout=5)


def _screens_and_axe(browser: Any, context: Any, site: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    found: dict[str, list[Any]] = {}
    state = context.storage_state()
    for size, (width, height) in SIZES.items():
        view = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN",
                                   storage_state=state, bypass_csp=True)
        tab = view.new_page()
        for name, path in (("home-watch", "/staff/"), ("watch", "/staff/watch")):
            assert tab.goto(site + path).status == 200
            if size == "phone":
                assert tab.evaluate("document.documentElement.scrollWidth") <= width + 1, path
            tab.screenshot(path=str(ARTIFACTS / f"staff-{name}-{size}.png"), full_page=True)
            if AXE.exists():
                tab.add_script_tag(path=str(AXE))
                result = tab.evaluate("axe.run(document, {resultTypes: ['violations']})")
                found[f"{name}-{size}"] = [
                    (v["id"], v["help"], len(v["nodes"])) for v in result["violations"]
                    if v["impact"] in ("serious", "critical")]
        view.close()
    (ARTIFACTS / "axe-staff-watch.json").write_text(json.dumps(found, ensure_ascii=False,
                                                               indent=1), encoding="utf-8")
    assert {k: v for k, v in found.items() if v} == {}
