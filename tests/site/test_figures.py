"""The activation figures: drawing order, jumps split and marked, legend backgrounds, GLU contour style."""

from __future__ import annotations

import matplotlib.colors as mcolors
import numpy as np
import pytest

import actref
from actref.site import activation_figures as figures


@pytest.fixture
def drawn(monkeypatch, tmp_path):
    """Draw a figure; return its matplotlib Figure and the SVG text written."""
    captured = {}
    save = figures._save

    def keep(fig, path):
        captured["fig"] = fig
        save(fig, path)

    monkeypatch.setattr(figures, "_save", keep)

    def draw(name):
        path = tmp_path / f"{name}.svg"
        figures.activation_figure(actref.get(name), path)
        return captured["fig"], path.read_text(encoding="utf-8")

    return draw


def _lines(ax, colour, marker="None"):
    return [
        line
        for line in ax.get_lines()
        if mcolors.same_color(line.get_color() if marker == "None" else line.get_markeredgecolor(), colour)
        and line.get_marker() == marker
        and len(line.get_xdata())
    ]


@pytest.mark.parametrize("name", ["relu", "hardshrink", "threshold"])
def test_f_is_drawn_above_its_derivative_and_kink_dots_above_both(drawn, name):
    fig, _ = drawn(name)
    ax = fig.axes[0]
    f_lines, d_lines = _lines(ax, figures.F_COLOUR), _lines(ax, figures.D_COLOUR)
    assert f_lines and d_lines
    assert min(line.get_zorder() for line in f_lines) > max(line.get_zorder() for line in d_lines)
    dots = _lines(ax, figures.F_COLOUR, "o")
    assert dots and min(d.get_zorder() for d in dots) > max(
        line.get_zorder() for line in ax.get_lines() if line.get_marker() == "None"
    )


def test_maxout_derivative_is_split_at_the_tie_and_marks_autograds_value(drawn):
    fig, _ = drawn("maxout")
    ax = fig.axes[0]
    segments = _lines(ax, figures.D_COLOUR)
    assert len(segments) == 2
    for line in segments:  # d/dt is constant on each side: no line is drawn across the tie
        assert np.ptp(np.asarray(line.get_ydata())) < 1e-9
    filled = [
        (float(d.get_xdata()[0]), float(d.get_ydata()[0]))
        for d in _lines(ax, figures.D_COLOUR, "o")
        if d.get_markerfacecolor() != "none"
    ]
    # pieces -t + 0.5 and 1.5t - 0.5 tie at t = 0.4; amax gives each 1/2, so d/dt = (-1 + 1.5) / 2
    assert filled == [pytest.approx((0.4, 0.25))]
    opened = sorted(
        float(d.get_ydata()[0])
        for d in _lines(ax, figures.D_COLOUR, "o")
        if d.get_markerfacecolor() == "none"
    )
    assert opened == pytest.approx([-1.0, 1.5])


@pytest.mark.parametrize("name", ["relu", "softmax", "maxout", "crelu"])
def test_legends_have_a_background_for_both_palettes(drawn, name):
    fig, svg = drawn(name)
    legend = fig.axes[0].get_legend()
    assert legend.get_frame_on() and legend.get_frame().get_alpha() == pytest.approx(figures.LEGEND_ALPHA)
    assert f'id="{figures.LEGEND_GID}"' in svg
    assert "prefers-color-scheme: dark" in svg and figures.LEGEND_DARK in svg


def test_glu_builtin_contours_are_grey_and_dashed(drawn):
    fig, _ = drawn("glu")
    ax = fig.axes[0]
    from matplotlib.contour import ContourSet

    builtin = [c for c in ax.get_children() if isinstance(c, ContourSet)][-1]
    assert all(mcolors.same_color(c, figures.BUILTIN_COLOUR) for c in builtin.get_edgecolor())
    dashes = builtin.get_linestyle()
    assert dashes and all(offset_dash[1] for offset_dash in dashes)
