"""Charts of a report as matplotlib figures (object API, no pyplot state, so many charts in one
process do not leak memory and work without a display)."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure


def frequency_chart(
    freq: pd.DataFrame, title: str, xlabel: str, color: str | None = None
) -> Figure:
    """Horizontal bars of coded segments per group (`freq`: group label, segments, share)."""
    height = 0.9 + 0.32 * max(len(freq), 1)
    labels = list(freq["label"])[::-1]
    fig = Figure(figsize=(6.4, height))
    # margins from the longest label instead of a layout engine: drawing once is half the cost
    left = min(0.5, (0.25 + 0.065 * max(map(len, labels), default=4)) / 6.4)
    fig.subplots_adjust(left=left, right=0.97, top=1 - 0.32 / height, bottom=0.55 / height)
    ax = fig.add_subplot()
    values = list(freq["segments"])[::-1]
    shares = list(freq["share"])[::-1]
    bars = ax.barh(labels, values, color=color or "#4C72B0")
    ax.bar_label(
        bars,
        labels=[f"{v} ({s:.0%})" for v, s in zip(values, shares, strict=True)],
        padding=3,
        fontsize=8,
    )
    ax.set_xlabel(xlabel)
    ax.set_title(title, fontsize=10, loc="left")
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(axis="y", labelsize=8)
    ax.set_xlim(0, max(values + [1]) * 1.25)
    return fig
