"""Interface strings in Chinese first, English beside them; ?lang=en switches labels, not data.

The choice sticks: ?lang=en or ?lang=zh sets a `lang` cookie, and every later page is in
that language until the other is chosen (the answers say `Vary: Cookie`)."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, render_template, request

STRINGS = {
    "title": ("政策知识图谱", "Policy knowledge graph"),
    "home": ("首页", "Home"),
    "document": ("文件", "Document"),
    "queries": ("常用查询", "Saved queries"),
    "sparql": ("SPARQL 查询端点", "SPARQL endpoint"),
    "measure": ("措施", "Measure"),
    "measures": ("措施", "Measures"),
    "part": ("部分", "Part"),
    "responsible": ("责任单位", "Responsible bodies"),
    "implementers": ("组织实施单位", "Implementing bodies"),
    "cites": ("引用文件", "Cited documents"),
    "targets": ("量化指标", "Quantitative targets"),
    "instruments": ("政策工具", "Policy instruments"),
    "groups": ("目标群体", "Target groups"),
    "platforms": ("平台", "Platforms"),
    "text": ("原文", "Text"),
    "previous": ("上一项", "Previous"),
    "next": ("下一项", "Next"),
    "properties": ("属性", "Properties"),
    "downloads": ("下载", "Downloads"),
    "run": ("查询", "Run"),
    "results": ("结果", "Results"),
    "rows": ("行", "rows"),
    "truncated": ("结果已截断", "results truncated"),
    "showing": ("本页显示第 {first}–{last} 行", "rows {first}–{last} on this page"),
    "previous_page": ("上一页", "previous page"),
    "next_page": ("下一页", "next page"),
    "source": ("原文文件", "Source file"),
    "counts": ("统计", "Counts"),
    "dumps": ("数据下载", "Data dumps"),
    "all_downloads": ("全部格式及校验和", "Every format, with checksums"),
    "ontology": ("本体", "Ontology"),
    "switch": ("English", "中文"),
    "variants": ("名称写法", "Names as written"),
    "co_responsible": ("共同负责的单位", "Co-responsible bodies"),
    "citing": ("引用它的措施", "Measures citing it"),
    "error": ("错误", "Error"),
    "network": ("关系网络", "Network"),
    "editor": ("查询编辑器", "Query editor"),
    "documents": ("文件库", "Documents"),
    "compare": ("比较两份文件", "Compare two documents"),
    "doc_title": ("标题", "Title"),
    "doc_number": ("文号", "Number"),
    "doc_date": ("成文日期", "Date"),
    "edit": ("在编辑器中修改", "Edit this query"),
    "chart": ("图表", "Chart"),
    "chain": ("文件链", "Document chain"),
    "permalink": ("永久链接", "Permalink"),
    "basis": ("法律依据", "Legal basis"),
    "article": ("条款", "Article"),
    "articles": ("条文", "Articles"),
    "kind": ("类型", "Kind"),
    "score": ("得分", "Score"),
    "confidence": ("置信度", "Confidence"),
    "reason": ("理由", "Reason"),
    "changes": ("版本变化", "Changes between versions"),
    "not_found": ("未找到", "Not found"),
    "nf_query": ("没有名为 «{}» 的常用查询。", "There is no saved query called «{}»."),
    "nf_page": ("本站没有 «{}» 这个页面。", "This site has no page «{}»."),
    "nf_entity": ("数据中没有 «{}»。", "The data holds nothing called «{}»."),
    "did_you_mean": ("是否要找：", "Did you mean:"),
    "no_such": ("没有名为 «{value}» 的{what}。", "There is no {what} called «{value}»."),
    "source_words": ("原文用词（出处）", "Source words (provenance)"),
    "incoming": ("指向它的", "Linked from"),
    "linked_from": ("来自", "From"),
    "about_endpoint": ("关于查询端点：限制与示例", "About the endpoint: limits and examples"),
    "relation": ("关系", "Relation"),
    "shared_measures": ("两个部门共同负责的措施", "Measures two bodies share"),
    "diff": ("版本对照", "Differences between versions"),
    "changed_since": ("此条在后来的版本中被修改", "this article was changed in a later version"),
    "removed_since": ("此条在后来的版本中被删除", "this article was removed in a later version"),
    "see_diff": ("查看对照", "see the differences"),
    "old_version": ("旧版", "Old version"),
    "new_version": ("新版", "New version"),
    "in_force": ("施行", "in force"),
    "issued": ("公布", "issued"),
    "unchanged_n": ("未变的条款", "Unchanged articles"),
}


LANGS = ("zh", "en")
COOKIE = "lang"


def lang() -> str:
    asked = request.args.get("lang")
    if asked in LANGS:
        return asked
    return "en" if request.cookies.get(COOKIE) == "en" else "zh"


def switch_url() -> str:
    """This page in the other language (its other parameters kept)."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    return request.path + "?" + urlencode(args + [("lang", "zh" if lang() == "en" else "en")])


def not_found(kind: str, name: str, suggestions: list[tuple[str, str]] = (), detail: str | None = None):
    """The site's own 404 page, in the page language, with the nearest names as links."""
    return render_template("404.html", kind=kind, name=name, suggestions=list(suggestions), detail=detail), 404


def t(key: str) -> str:
    zh, en = STRINGS[key]
    return en if lang() == "en" else zh


def install(app: Flask) -> None:
    @app.context_processor
    def helpers():
        return {"t": t, "lang": lang(), "switch_url": switch_url}

    @app.after_request
    def remember(response):
        asked = request.args.get("lang")
        if asked in LANGS and request.cookies.get(COOKIE, "zh") != asked:
            response.set_cookie(COOKIE, asked, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
        if response.mimetype == "text/html":
            response.vary.add("Cookie")
        return response
