"""List rows that link straight to a file are documents with the row's metadata."""

from __future__ import annotations

from disclosure_search.extract.file_rows import listed_files
from disclosure_search.htmltree import parse_text

URL = "http://h/xxgk/wjxz/index.html"
TABLE = """<html><head><meta name="ColumnName" content="其他文件"></head><body><table>
<tr><th>序号</th><th>标题</th><th>文号</th><th>发布机构</th><th>发布日期</th></tr>
<tr><td>1</td><td><a href="./202103/P020210302.pdf"
 title="示例市人民政府办公厅关于印发示例市全民科学素质行动计划纲要实施方案的通知">
示例市人民政府办公厅关于印发示例市全民科学素质…</a></td>
<td>示府办〔2016〕64号</td><td>示例市人民政府办公厅</td><td>2016-06-30</td></tr>
<tr><td>2</td><td><a href="./form.docx">申请表下载</a></td><td></td><td></td><td></td></tr>
<tr><td>3</td><td><a href="./202103/t20210302_1.html">一篇文章</a></td><td></td><td></td>
<td>2021-03-02</td></tr>
</table>
<ul><li><a href="/files/2.pdf">示例市税收保障办法.pdf</a> <span>[2016-07-15]</span></li></ul>
</body></html>"""


def test_file_rows_become_documents_with_the_rows_metadata() -> None:
    docs = {d.url: d for d in listed_files(parse_text(TABLE), URL, source="s")}
    assert set(docs) == {"http://h/xxgk/wjxz/202103/P020210302.pdf", "http://h/files/2.pdf"}
    pdf = docs["http://h/xxgk/wjxz/202103/P020210302.pdf"]
    assert pdf.title == "示例市人民政府办公厅关于印发示例市全民科学素质行动计划纲要实施方案的通知"
    assert pdf.doc_number == "示府办〔2016〕64号" and pdf.agency == "示例市人民政府办公厅"
    assert pdf.published_date is not None and pdf.published_date.isoformat() == "2016-06-30"
    assert pdf.category == "其他文件" and pdf.body == ""
    assert [a.media_type for a in pdf.attachments] == ["application/pdf"]
    loose = docs["http://h/files/2.pdf"]
    assert loose.title == "示例市税收保障办法"  # the file extension is not part of the title
    assert loose.published_date is not None and loose.published_date.isoformat() == "2016-07-15"
