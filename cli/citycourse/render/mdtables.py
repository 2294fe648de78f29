"""Python-Markdown extension: every table cell carries its column's header as `data-label`.

On a phone a wide table (the progress figures, a facilitator's rubric) is shown
as one card per row (citycourse.css), each value after its column's name, so
no column sits off-screen; the labels come from here rather than from a script,
so they are there offline, in print and for every page. Enabled in mkdocs.yml
as `citycourse.render.mdtables`.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree

from markdown import Extension
from markdown.treeprocessors import Treeprocessor


class _Labels(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for table in root.iter("table"):
            head = table.find("thead/tr")
            if head is None:
                continue
            labels = [" ".join("".join(th.itertext()).split()) for th in head.findall("th")]
            for row in table.iterfind("tbody/tr"):
                for label, cell in zip(labels, row.findall("td")):
                    if label:
                        cell.set("data-label", label)


class TableLabels(Extension):
    def extendMarkdown(self, md) -> None:  # noqa: N802 - Python-Markdown's name
        # After inline processing (20), so a header's text is final; before attr_list's cleanup.
        md.treeprocessors.register(_Labels(md), "citycourse-table-labels", 7)


def makeExtension(**kwargs: object) -> TableLabels:  # noqa: N802 - Python-Markdown's entry point
    return TableLabels(**kwargs)
