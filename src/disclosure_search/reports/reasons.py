"""Why a URL failed, in Chinese: the crawler and extractor record reasons in a stable technical
form (kept as stored, tests and logs rely on it); staff pages and the command line show this."""

from __future__ import annotations

import re

#: What an HTTP error status means to staff.
_STATUS = {400: "请求无效", 401: "需要登录", 403: "禁止访问", 404: "页面不存在",
           410: "页面已删除", 429: "请求过多，被限流", 500: "服务器内部错误", 502: "网关错误",
           503: "服务暂不可用", 504: "网关超时"}

#: (pattern, Chinese) in order; the first that matches the start of a reason wins.
_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"extraction: (?P<rest>.*)", "提取失败：{rest}"),
    (r"attachment: (?P<rest>.*)", "附件：{rest}"),
    (r"timeout after (?P<s>[\d.]+) s", "超时（{s} 秒内没有响应）"),
    (r"deadline: no complete answer within (?P<s>[\d.]+) s",
     "超过时限（{s} 秒内没有收到完整响应）"),
    (r"deadline(?P<rest>.*)", "超过时限{rest}"),
    (r"too large: more than (?P<n>\d+) bytes", "文件过大（超过 {n} 字节），已截断"),
    (r"too large: Content-Length (?P<n>\d+) is more than (?P<m>\d+) bytes",
     "文件过大（声明 {n} 字节，上限 {m} 字节），未下载"),
    (r"too slow: (?P<n>\d+) bytes in (?P<s>\d+) s.*", "下载过慢（{s} 秒只收到 {n} 字节），已放弃"),
    (r"incomplete body: the body ended after (?P<n>\d+) of (?P<m>\d+) bytes",
     "响应不完整（只收到 {m} 字节中的 {n} 字节）"),
    (r"incomplete body.*", "响应不完整（连接在正文传完前关闭）"),
    (r"redirect loop at (?P<url>.*)", "重定向循环：{url}"),
    (r"too many redirects \(more than (?P<n>\d+)\)", "重定向次数过多（超过 {n} 次）"),
    (r"redirect to (?P<url>\S+) leaves the source's hosts", "重定向到来源之外的主机：{url}"),
    (r"redirect to (?P<url>\S+) is disallowed by robots.txt",
     "重定向目标被 robots.txt 禁止：{url}"),
    (r"redirect to .* refused \((?P<url>.*)\); only http\(s\) is followed",
     "重定向被拒绝（只跟随 http/https 网址）：{url}"),
    (r"disallowed by robots.txt", "被 robots.txt 禁止"),
    (r"not archived", "未能存档"),
    (r"extraction gave up after (?P<s>[\d.]+) s.*", "提取超时（超过 {s} 秒）"),
    (r"extraction process died \(exit code (?P<code>-?\d+)\).*",
     "提取进程异常退出（退出码 {code}），文件可能需要更多内存"),
    (r"extraction needs more than the memory budget.*", "提取所需内存超过上限"),
    (r"extraction refused: the file is nested too deeply", "拒绝提取：文件嵌套过深"),
    (r"unexpected (?P<detail>.*)", "意外错误：{detail}"),
    (r"(?P<name>[A-Z][a-z]+[A-Z]\w*)(?P<detail>: .*)?", "网络或系统错误（{name}）{detail}"),
)


def reason_text(reason: str) -> str:
    """The recorded failure reason in Chinese (technical details such as URLs kept).

    >>> reason_text("HTTP 404")
    'HTTP 404（页面不存在）'
    """
    status = re.fullmatch(r"HTTP (\d{3})(.*)", reason)
    if status:
        code = int(status.group(1))
        meaning = _STATUS.get(code, "服务器错误" if code >= 500 else "请求失败")
        return f"HTTP {code}（{meaning}）{status.group(2)}"
    for pattern, text in _PATTERNS:
        found = re.fullmatch(pattern, reason, flags=re.DOTALL)
        if found:
            values = {k: (reason_text(v) if k == "rest" else v) or ""
                      for k, v in found.groupdict().items()}
            return text.format(**values)
    return reason
