"""The insights charts as SVG documents (pygal), served as images: no scripts (pygal's tooltips script is left
out and anything script-like is refused), so a page's CSP and a stray label can run nothing."""
from __future__ import annotations

import re
import sys
from xml.etree import ElementTree
from typing import Any, Sequence

import pygal
from pygal.style import Style

# pygal adds an import hook for its map plugins (pygal.maps.*), which we do not use; it warns on every later
# import of a module not yet loaded (ImportWarning under Python 3.11). Take it out again.
sys.meta_path[:] = [finder for finder in sys.meta_path if type(finder).__name__ != "PluginImportFixer"]

STYLE = Style(background="white", plot_background="white", foreground="#222", foreground_strong="#111",
              foreground_subtle="#666", colors=("#2f5fa7", "#c0392b", "#27855a", "#8e44ad"),
              font_family="system-ui, sans-serif", label_font_size=11, major_label_font_size=11,
              legend_font_size=12, title_font_size=14, value_font_size=10)
BASE = {"style": STYLE, "js": [], "width": 760, "height": 300, "disable_xml_declaration": False,
        "show_legend": True, "legend_at_bottom": True, "print_values": False, "margin": 12,
        "no_data_text": "No searches yet"}


class UnsafeChart(ValueError):
    pass


SCRIPTLIKE = re.compile(rb"<script|javascript:|\son[a-z]+\s*=|<foreignobject", re.IGNORECASE)


def _svg(chart: Any) -> bytes:
    """The chart's SVG without pygal's config script (its tooltips need one; we show tables instead)."""
    tree = chart.render_tree()
    for parent in list(tree.iter()):
        for child in list(parent):
            if isinstance(child.tag, str) and child.tag.rsplit("}", 1)[-1].lower() == "script":
                parent.remove(child)
    data = b'<?xml version="1.0" encoding="utf-8"?>\n' + ElementTree.tostring(tree, encoding="utf-8", xml_declaration=False)
    if SCRIPTLIKE.search(data):
        raise UnsafeChart("a chart carried script")
    return data


def searches_over_time(days: Sequence[dict[str, Any]]) -> bytes:
    chart = pygal.Bar(**BASE, title="Searches per day", x_label_rotation=40, show_minor_x_labels=False,
                      x_labels_major_every=max(1, len(days) // 10) or 1, truncate_label=10)
    chart.x_labels = [d["day"][5:] for d in days]
    chart.add("Searches", [d["searches"] for d in days])
    chart.add("No results", [d["zero"] for d in days])
    return _svg(chart)


def most_asked(rows: Sequence[dict[str, Any]]) -> bytes:
    chart = pygal.HorizontalBar(**{**BASE, "height": 380, "show_legend": False}, title="Filters most asked for",
                                truncate_label=-1)
    ordered = list(reversed(list(rows)))
    chart.x_labels = [f"{row['legend']}: {row['label']}" for row in ordered]
    chart.add("Searches", [row["searches"] for row in ordered])
    return _svg(chart)


def by_position(rows: Sequence[dict[str, Any]]) -> bytes:
    chart = pygal.Bar(**BASE, title="Click-through and contact rate by position (%)")
    chart.x_labels = [str(r["position"]) for r in rows]
    chart.add("Profile views per appearance", [round(100 * r["ctr"], 1) for r in rows])
    chart.add("Contact requests per appearance", [round(100 * r["contact_rate"], 2) for r in rows])
    return _svg(chart)


def partner_positions(rows: Sequence[dict[str, Any]]) -> bytes:
    chart = pygal.Bar(**{**BASE, "show_legend": False, "height": 260}, title="Where you appeared in results")
    chart.x_labels = [r["label"] for r in rows]
    chart.add("Appearances", [r["count"] for r in rows])
    return _svg(chart)
