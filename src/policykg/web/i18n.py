"""Interface strings in Chinese first, English beside them; ?lang=en switches labels, not data."""
from __future__ import annotations

from flask import Flask, request

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
    "source": ("原文文件", "Source file"),
    "counts": ("统计", "Counts"),
    "dumps": ("数据下载", "Data dumps"),
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
    "changes": ("版本变化", "Changes between versions"),
}


def lang() -> str:
    return "en" if request.args.get("lang") == "en" else "zh"


def t(key: str) -> str:
    zh, en = STRINGS[key]
    return en if lang() == "en" else zh


def install(app: Flask) -> None:
    @app.context_processor
    def helpers():
        return {"t": t, "lang": lang()}
