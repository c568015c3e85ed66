"""The index schema: its formats give Whoosh's own postings, only faster."""

from __future__ import annotations

import pytest
from whoosh import formats

from disclosure_search.index import schema

TEXTS = (
    "",
    "   ",
    "关于印发《高新技术企业认定管理办法》的通知",
    "本報告依據《中華人民共和國政府資訊公開條例》編製，科技局和科技局的科技。",
    "采取强制性措施，迅速平息事态，按照国家规定的标准设置。由财政、公安、交通等部门组成。",
    "洪科发〔2020〕12号 ２０２０年 ISO 9001:2015 v1.5 COVID-19",
)


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize(
    "tokenizer", [schema.words_tokenizer, schema.bigram_tokenizer, schema.subgram_tokenizer]
)
def test_the_schema_formats_give_whooshs_own_postings(text: str, tokenizer: object) -> None:
    analyzer = tokenizer()  # type: ignore[operator]
    for ours, whooshs in (
        (schema.TokenPositions(field_boost=1.5), formats.Positions(field_boost=1.5)),
        (schema.TokenFrequency(field_boost=0.5), formats.Frequency(field_boost=0.5)),
    ):
        expected = sorted(whooshs.word_values(text, analyzer, mode="index"))
        assert sorted(ours.word_values(text, analyzer, mode="index")) == expected


def test_every_analysed_text_field_uses_the_fast_formats() -> None:
    built = schema.build_schema()
    for name in ("title", "body", "attachments", "title_grams", "grams", "agency_words"):
        assert isinstance(built[name].format, (schema.TokenPositions, schema.TokenFrequency))
    assert built["body"].format.supports("positions")
    assert not built["grams"].format.supports("positions")
