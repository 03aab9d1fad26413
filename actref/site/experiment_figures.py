"""Figures for the comparison pages (matplotlib, Agg). Each function takes plain numbers and a path.

The words (axis labels, titles, panel titles) are arguments: the page passes them in its language, so a zh
page's figure is its own file, its Chinese drawn as paths (actref.site.svg). Series are named by activation
(relu, gelu), identifiers that stay the same in every language.
"""

from __future__ import annotations

import functools
import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from actref.site import svg

HIGHLIGHT = ("relu", "gelu", "silu", "tanh", "sigmoid", "selu")


def _house_style(draw):
    """Run `draw` in the house style (fonts included), however it is called: by the build or directly."""

    @functools.wraps(draw)
    def in_style(*args, **kwargs):
        with svg.drawing():
            return draw(*args, **kwargs)

    return in_style


def _save(fig, path: Path) -> None:
    fig.tight_layout()
    svg.save(fig, path)
    plt.close(fig)


@_house_style
def accuracy_bars(path: Path, rows: list[tuple[str, float, float]], xlabel: str, title: str) -> None:
    """Horizontal bars of mean ± std, best at the top. rows: (label, mean %, std %)."""
    rows = [r for r in rows if math.isfinite(r[1])]
    fig, ax = plt.subplots(figsize=(7, 0.28 * len(rows) + 1.2))
    labels = [r[0] for r in rows][::-1]
    means = [r[1] for r in rows][::-1]
    stds = [0.0 if not math.isfinite(r[2]) else r[2] for r in rows][::-1]
    colors = ["#d62728" if label == "relu" else "#1f77b4" for label in labels]
    ax.barh(labels, means, xerr=stds, color=colors, capsize=2)
    finite = [m for m in means if math.isfinite(m)]
    if finite:
        lo = min(m - s for m, s in zip(means, stds, strict=True))
        ax.set_xlim(max(0.0, lo - 2), min(100.0, max(finite) + 2))
    ax.set_xlabel(xlabel)
    ax.set_title(title, fontsize=10)
    ax.grid(axis="x", alpha=0.3)
    _save(fig, path)


@_house_style
def curves(
    path: Path,
    series: dict[str, tuple[list[float], list[float]]],
    xlabel: str,
    ylabel: str,
    title: str,
    highlight: tuple[str, ...] = HIGHLIGHT,
    logx: bool = False,
    logy: bool = False,
    errors: dict[str, list[float]] | None = None,
) -> None:
    """One line per series (x, y); highlighted names in colour with a legend, the rest in light grey."""
    fig, ax = plt.subplots(figsize=(7, 4.2))
    for name, (x, y) in series.items():
        if name not in highlight:
            ax.plot(x, y, color="0.75", lw=0.8, zorder=1)
    for name in highlight:
        if name in series:
            x, y = series[name]
            if errors and name in errors:
                ax.errorbar(x, y, yerr=errors[name], label=name, lw=1.6, capsize=2, zorder=2)
            else:
                ax.plot(x, y, label=name, lw=1.6, zorder=2, marker="o" if len(x) < 12 else None, ms=3)
    if logx:
        ax.set_xscale("log")
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3)
    if any(name in series for name in highlight):
        ax.legend(fontsize=8, ncol=2)
    _save(fig, path)


@_house_style
def curve_grid(
    path: Path,
    panels: dict[str, dict[str, tuple[list[float], list[float]]]],
    xlabel: str,
    ylabel: str,
    title: str,
    highlight: tuple[str, ...] = HIGHLIGHT,
    logy: bool = False,
) -> None:
    """Small multiples: one panel per key of `panels` (its title), each with one line per series, shared y."""
    n = len(panels)
    cols = min(3, n)
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.4 * cols, 2.6 * rows + 0.6), sharey=True, squeeze=False)
    for ax, (panel, series) in zip(axes.flat, panels.items(), strict=False):
        for name, (x, y) in series.items():
            if name not in highlight:
                ax.plot(x, y, color="0.75", lw=0.7, zorder=1)
        for name in highlight:
            if name in series:
                ax.plot(*series[name], label=name, lw=1.3, zorder=2)
        if logy:
            ax.set_yscale("log")
        ax.set_title(panel, fontsize=9)
        ax.grid(alpha=0.3)
        ax.set_xlabel(xlabel, fontsize=8)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    for ax in axes[:, 0]:
        ax.set_ylabel(ylabel, fontsize=8)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    if handles:
        fig.legend(handles, labels, loc="lower center", ncol=min(6, len(labels)), fontsize=8)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout(rect=(0, 0.06 if handles else 0, 1, 1))
    svg.save(fig, path)
    plt.close(fig)
