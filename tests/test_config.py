"""Tests for the config package: the TOML contract, its errors, and the override order."""

from __future__ import annotations

from pathlib import Path

import pytest

from disclosure_search.config import load_settings
from disclosure_search.errors import ConfigError

GOOD = """\
data_dir = "store"
timezone = "Asia/Shanghai"

[crawl]
user_agent = "disclosure-search-test"
schedule = "0 2 * * *"
requests_per_second = 5
timeout_s = 3

[[sources]]
id = "kjj"
name = "示例市科技局"
start_urls = ["http://127.0.0.1:8701/xxgk/"]

[sources.categories]
"http://127.0.0.1:8701/xxgk/gfxwj/" = "规范性文件"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "disclosure-search.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_good_config_resolves_paths_and_types(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, GOOD), environ={})
    assert settings.data_dir == (tmp_path / "store").resolve()
    assert settings.crawl.requests_per_second == 5.0
    assert settings.sources[0].hosts == ("127.0.0.1:8701",)
    assert settings.sources[0].categories == (("http://127.0.0.1:8701/xxgk/gfxwj/", "规范性文件"),)


def test_unknown_key_names_key_and_line(tmp_path: Path) -> None:
    text = GOOD.replace("timeout_s = 3", "timeout_s = 3\ntimout = 4")
    with pytest.raises(ConfigError, match=r"第 9 行：crawl\.timout：未知的设置项"):
        load_settings(write(tmp_path, text), environ={})


def test_wrong_type_names_key_and_line(tmp_path: Path) -> None:
    text = GOOD.replace("requests_per_second = 5", 'requests_per_second = "fast"')
    with pytest.raises(ConfigError, match=r"第 7 行：crawl\.requests_per_second：应为数字"):
        load_settings(write(tmp_path, text), environ={})


def test_bad_cron_is_named(tmp_path: Path) -> None:
    text = GOOD.replace('"0 2 * * *"', '"0 25 * * *"')
    with pytest.raises(ConfigError, match=r"第 6 行：crawl\.schedule：cron 表达式 '0 25 \* \* \*'"):
        load_settings(write(tmp_path, text), environ={})


def test_unknown_category_in_second_source_names_its_line(tmp_path: Path) -> None:
    text = GOOD + '\n[[sources]]\nid = "city"\nstart_urls = ["http://127.0.0.1:8702/"]\n' \
        '[sources.categories]\n"http://127.0.0.1:8702/a/" = "新闻"\n'
    where = r"第 22 行：sources\.categories：'http://127\.0\.0\.1:8702/a/' 对应的 '新闻'"
    with pytest.raises(ConfigError, match=where):
        load_settings(write(tmp_path, text), environ={})


def test_toml_syntax_error_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="第 1 行第 12 列：TOML 格式错误"):
        load_settings(write(tmp_path, "data_dir = \n"), environ={})


def test_environment_beats_file_and_flags_beat_environment(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    env = {"DISCLOSURE_SEARCH_CRAWL_TIMEOUT_S": "9", "DISCLOSURE_SEARCH_WEB_PORT": "9000"}
    settings = load_settings(path, overrides={"web.port": 9100}, environ=env)
    assert settings.crawl.timeout_s == 9.0
    assert settings.web.port == 9100


def test_missing_config_file_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="用 --config 指定"):
        load_settings(tmp_path / "nope.toml", environ={})


def test_every_setting_has_help_and_is_documented_in_the_readme() -> None:
    from dataclasses import fields

    from disclosure_search.config import CrawlSettings, IndexSettings, WebSettings

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    for section, cls in (("crawl", CrawlSettings), ("web", WebSettings), ("index", IndexSettings)):
        for f in fields(cls):
            assert f.metadata.get("help"), f"{section}.{f.name} has no help text"
            assert f"`{section}.{f.name}`" in readme, f"{section}.{f.name} missing from README"
    assert "| `agencies` |" in readme, "the [agencies] table is missing from README"


AGENCIES = """\
[agencies]
"示例市人民政府办公厅" = ["示例市人民政府辦公廳", "示例市 政府办公厅"]
"示例市科技局" = ["示例市科学技术局"]
"""


def test_agencies_table_gives_one_name_to_every_spelling(tmp_path: Path) -> None:
    text = GOOD.replace("[[sources]]", AGENCIES + "\n[[sources]]")
    settings = load_settings(write(tmp_path, text), environ={})
    assert settings.agency_name("示例市人民政府辦公廳") == "示例市人民政府办公厅"
    assert settings.agency_name("示例市政府办公厅 ") == "示例市人民政府办公厅"  # spaces ignored
    assert settings.agency_name("示例市科学技术局") == "示例市科技局"
    assert settings.agency_name("示例市科技局") == "示例市科技局"
    assert settings.agency_name("国务院办公厅") == "国务院办公厅"


@pytest.mark.parametrize(
    ("table", "message"),
    [('agencies = ["x"]', "agencies：应为表"),
     ('[agencies]\n"甲" = "乙"', "第 2 行：agencies.甲：应为写法（字符串）的列表"),
     ('[agencies]\n"甲" = ["丙"]\n"乙" = ["丙"]',
      "第 3 行：agencies.乙：'丙' 已是 '甲' 的一种写法")],
)
def test_bad_agencies_table_names_key_and_line(tmp_path: Path, table: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings(write(tmp_path, table + "\n"), environ={})


def test_index_section_chooses_the_engine_and_is_checked(tmp_path: Path) -> None:
    assert load_settings(write(tmp_path, GOOD), environ={}).index.backend == "whoosh"
    cluster = '\n[index]\nbackend = "elasticsearch"\nhosts = ["http://127.0.0.1:9200"]\n'
    settings = load_settings(write(tmp_path, GOOD + cluster), environ={})
    assert (settings.index.backend, settings.index.hosts) == (
        "elasticsearch", ("http://127.0.0.1:9200",))
    env = {"DISCLOSURE_SEARCH_INDEX_HOSTS": "http://127.0.0.1:1,http://127.0.0.1:2"}
    assert load_settings(write(tmp_path, GOOD), environ=env).index.hosts == (
        "http://127.0.0.1:1", "http://127.0.0.1:2")
    for bad, key in (('backend = "solr"', "index.backend"), ('hosts = ["9200"]', "index.hosts"),
                     ('name = "Has Spaces"', "index.name")):
        with pytest.raises(ConfigError, match=rf"第 2 行：{key}："):
            load_settings(write(tmp_path, f"[index]\n{bad}\n"), environ={})
