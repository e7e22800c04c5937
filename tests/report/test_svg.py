"""report._svg: valid, accessible, escaped, deterministic charts drawn from aggregates only."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from synthgate.report import _svg

XSS = "<script>alert(1)</script>"


def _parse(svg: str) -> ET.Element:
    """The chart as XML: it must be well-formed on its own, not only tolerated by an HTML parser."""
    return ET.fromstring(svg)


def _bars(svg: str, colour: str) -> list[float]:
    return [float(w) for w in re.findall(rf'<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)" height="10" fill="{colour}"/>', svg)]


@pytest.mark.parametrize(("lo", "hi", "expected"), [
    (0.0, 0.5, [0.0, 0.1, 0.2, 0.3, 0.4, 0.5]),
    (24.4, 30.3, [24.0, 26.0, 28.0, 30.0, 32.0]),
    (1, 19, [0.0, 5.0, 10.0, 15.0, 20.0]),
    (3.0, 3.0, [2.4, 2.6, 2.8, 3.0, 3.2, 3.4, 3.6]),
    (0.0, 0.0, [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]),
])
def test_nice_ticks_cover_the_range_in_round_steps(lo, hi, expected):
    # Run
    ticks = _svg.nice_ticks(lo, hi)

    # Assert
    assert ticks == pytest.approx(expected)
    assert ticks[0] <= lo and ticks[-1] >= hi


def test_paired_bars_draw_one_bar_per_share_to_scale():
    # Setup
    labels, real, synthetic = ["a", "b", "c"], [0.5, 0.25, 0.25], [0.4, 0.4, 0.2]

    # Run
    svg = str(_svg.paired_bars(title="T", desc="D", labels=labels, real=real, synthetic=synthetic))

    # Assert
    root = _parse(svg)
    assert root.find("title").text == "T" and root.find("desc").text == "D" and root.get("role") == "img"
    real_widths, synthetic_widths = _bars(svg, _svg.REAL), _bars(svg, _svg.SYNTHETIC)
    assert len(real_widths) == 3 and len(synthetic_widths) == 3
    assert real_widths[0] == pytest.approx(2 * real_widths[1], abs=0.1)
    assert synthetic_widths[2] == pytest.approx(real_widths[1] * 0.8, abs=0.1)
    assert "50.0%" in svg and "40.0%" in svg and "real data" in svg and "synthetic data" in svg


def test_paired_bars_mark_a_missing_share_as_not_available():
    # Run
    svg = str(_svg.paired_bars(title="T", desc="D", labels=["a", "b"], real=[0.5, None], synthetic=[0.5, float("nan")]))

    # Assert
    _parse(svg)
    assert len(_bars(svg, _svg.REAL)) == 1 and svg.count(">n/a<") == 2


def test_labels_are_escaped_and_long_ones_cut_with_the_full_name_in_a_tooltip():
    # Setup
    long = "a very long category label that cannot fit beside the bars at all"

    # Run
    svg = str(_svg.paired_bars(title=XSS, desc=XSS, labels=[XSS, long], real=[0.5, 0.5], synthetic=[0.5, 0.5]))

    # Assert
    root = _parse(svg)
    assert "<script" not in svg and "&lt;script&gt;" in svg
    tipped = [t for t in root.iter("text") if t.find("title") is not None]
    assert len(tipped) == 1 and tipped[0].find("title").text == long
    shown = tipped[0].find("title").tail
    assert shown.endswith("…") and long.startswith(shown[:-1]) and len(shown) < len(long)


def test_line_chart_breaks_the_line_where_a_value_is_missing():
    # Run
    svg = str(_svg.line_chart(title="T", desc="D", x=[1, 2, 3, 4], x_label="epoch", y_label="loss",
                              series=[("training loss", [3.0, 2.0, None, 1.0]), ("validation loss", [3.1, 2.2, 2.0, 1.9])]))

    # Assert
    root = _parse(svg)
    paths = [p.get("d") for p in root.iter("path")]
    assert paths[0].count("M") == 2 and paths[1].count("M") == 1 and paths[1].count("L") == 3
    assert "stroke-dasharray" in svg  # validation loss is dashed, not told apart by colour alone
    assert len(list(root.iter("circle"))) == 3 and "epoch" in svg and "loss" in svg


@pytest.mark.parametrize(("value", "expected"), [
    (0.0, "#f7f7f7"), (1.0, "#b35806"), (-1.0, "#542788"), (None, _svg.MISSING), (float("nan"), _svg.MISSING),
    (2.0, "#b35806"),
])
def test_heatmap_colours_run_purple_white_orange(value, expected):
    # Run / Assert
    assert _svg.colour_for(value) == expected


def test_heatmap_writes_each_value_in_its_cell_and_a_legend():
    # Setup
    labels = ["age", "sex", XSS]
    matrix = [[1.0, -0.004, None], [-0.004, 1.0, 0.5], [None, 0.5, 1.0]]

    # Run
    svg = str(_svg.heatmap(title="Real", desc="D", labels=labels, matrix=matrix))

    # Assert
    root = _parse(svg)
    cells = [t.text for t in root.iter("text") if t.get("font-size") == "10" and t.get("text-anchor") == "middle"]
    assert cells[:9] == ["1.00", "0.00", "–", "0.00", "1.00", "0.50", "–", "0.50", "1.00"]
    assert "−1" in svg and "not defined" in svg and "colour scale" in svg
    assert "<script" not in svg


def test_the_same_figures_give_the_same_bytes():
    # Setup
    kwargs = {"title": "T", "desc": "D", "labels": ["a", "b"], "matrix": [[1.0, 0.123456], [0.123456, 1.0]]}

    # Run / Assert
    assert str(_svg.heatmap(**kwargs)) == str(_svg.heatmap(**kwargs))
