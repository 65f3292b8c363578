"""Matplotlib figures of the analysis frames, for notebooks, reports and files (PNG, SVG).

Figures are built with `matplotlib.figure.Figure`, not pyplot, so nothing piles up in a
long-running session; notebooks display a returned figure as usual. Codes are shown by their
label in the codebook's language and drawn in their codebook colours.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.colors import TwoSlopeNorm
from matplotlib.figure import Figure

from codebook.model import Codebook, CodebookError

FORMATS = (".png", ".svg", ".pdf")
GREY = "#8D8D8D"


def heatmap(
    table: pd.DataFrame,
    codebook: Codebook | None = None,
    kind: str = "share",
    title: str | None = None,
    lang: str = "nl",
) -> Figure:
    """Codes x groups (`crosstab` or `ChiSquare.adjusted`) as a heatmap with its values.

    `kind`: 'share' (0..1, shown as %), 'count', or 'residual' (diverging around 0; cells
    beyond ±1.96 differ from chance at the 5% level and are printed bold).
    """
    if kind not in ("share", "count", "residual"):
        raise CodebookError(f"unknown heatmap kind '{kind}' (share, count or residual)")
    values = table.to_numpy(dtype=float)
    rows, cols = values.shape
    fig = Figure(figsize=(1.6 + 0.9 * max(cols, 3) + 2.4, 1.4 + 0.38 * max(rows, 3)))
    ax = fig.add_subplot()
    if kind == "residual":
        bound = max(2.0, float(np.nanmax(np.abs(values))) if values.size else 2.0)
        norm = TwoSlopeNorm(vcenter=0.0, vmin=-bound, vmax=bound)
        image = ax.imshow(values, cmap="RdBu_r", norm=norm, aspect="auto")
    else:
        image = ax.imshow(values, cmap="Blues", aspect="auto", vmin=0)
    fig.colorbar(image, ax=ax, fraction=0.04, pad=0.02, label=_legend(kind, lang))
    limit = np.nanmax(np.abs(values)) if values.size and np.isfinite(values).any() else 1
    for i in range(rows):
        for j in range(cols):
            v = values[i, j]
            if np.isnan(v):
                continue
            text = (
                f"{v:.0%}" if kind == "share" else (f"{v:.0f}" if kind == "count" else f"{v:.1f}")
            )
            strong = abs(v) > 0.6 * limit
            bold = kind == "residual" and abs(v) > 1.96
            ax.text(
                j,
                i,
                text,
                ha="center",
                va="center",
                fontsize=8,
                color="white" if strong else "black",
                fontweight="bold" if bold else "normal",
            )
    _code_axis(ax, list(table.index), codebook, lang, axis="y")
    ax.set_xticks(range(cols), [_pretty(c) for c in table.columns], rotation=35, ha="right")
    ax.set_xlabel(_attribute(table.columns.name, codebook, lang))
    ax.set_title(title or "")
    fig.tight_layout()
    return fig


def frame_balance(
    freq: pd.DataFrame,
    codebook: Codebook,
    value: str = "share_codings",
    title: str | None = None,
    lang: str = "nl",
) -> Figure:
    """Grouped bars: per group, the share of each root of the tree (i-frame, s-frame, ...).

    `freq` is `frequencies(..., level=0)`; bars take the colours of the root codes.
    """
    by = freq.columns[0]
    if by == "code":
        raise CodebookError("frame_balance needs frequencies by a group (by=...)")
    table = freq.pivot(index=by, columns="code", values=value)
    table = table.reindex(index=pd.unique(freq[by]), columns=pd.unique(freq["code"]))
    groups, roots = list(table.index), list(table.columns)
    fig = Figure(figsize=(max(6.5, 1.1 * len(groups) + 2.5), 5.2))
    ax = fig.add_subplot()
    width = 0.8 / max(len(roots), 1)
    x = np.arange(len(groups))
    for k, code in enumerate(roots):
        ax.bar(
            x + (k - (len(roots) - 1) / 2) * width,
            table[code].to_numpy(dtype=float),
            width,
            label=_label(code, codebook, lang),
            color=_colour(code, codebook),
            edgecolor="white",
        )
    ax.set_xticks(x, [_pretty(g) for g in groups], rotation=30, ha="right")
    ax.set_xlabel(_attribute(by, codebook, lang))
    ax.set_ylabel(_legend(value, lang))
    if value.startswith("share"):
        ax.yaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.legend(frameon=False, fontsize=8, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2)
    ax.spines[["top", "right"]].set_visible(False)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def cooccurrence_heatmap(
    square: pd.DataFrame,
    codebook: Codebook | None = None,
    title: str | None = None,
    lang: str = "nl",
) -> Figure:
    """A codes x codes co-occurrence table (`cooccurrence.matrix`), in codebook order."""
    if codebook is not None:
        order = [c for c in codebook.codes if c in square.index]
        square = square.reindex(index=order, columns=order)
    n = len(square)
    fig = Figure(figsize=(2.8 + 0.42 * max(n, 4), 2.2 + 0.36 * max(n, 4)))
    ax = fig.add_subplot()
    image = ax.imshow(square.to_numpy(dtype=float), cmap="Purples", vmin=0, aspect="auto")
    fig.colorbar(image, ax=ax, fraction=0.04, pad=0.02)
    _code_axis(ax, list(square.index), codebook, lang, axis="y")
    _code_axis(ax, list(square.columns), codebook, lang, axis="x")
    ax.set_title(title or "")
    fig.tight_layout()
    return fig


def topic_bars(
    spread: pd.DataFrame,
    names: pd.Series | dict | None = None,
    value: str = "share",
    title: str | None = None,
    codebook: Codebook | None = None,
    lang: str = "nl",
) -> Figure:
    """Horizontal grouped bars: per topic, its share of each group's segments.

    `spread` is `topics.topic_spread(...)`; `names` maps topic number to a name (e.g. the
    `name` column of `topic_terms`).
    """
    by = spread.columns[0]
    table = spread.pivot(index="topic", columns=by, values=value).fillna(0)
    names = dict(names) if names is not None else {}
    groups = list(table.columns)
    fig = Figure(figsize=(8.5, 1.2 + 0.22 * len(table) * max(len(groups), 2)))
    ax = fig.add_subplot()
    height = 0.8 / max(len(groups), 1)
    y = np.arange(len(table))
    colours = _palette(len(groups))
    for k, group in enumerate(groups):
        ax.barh(
            y + (k - (len(groups) - 1) / 2) * height,
            table[group].to_numpy(dtype=float),
            height,
            label=_pretty(group),
            color=colours[k],
        )
    labels = [f"{t}: {names[t]}" if t in names else f"topic {t}" for t in table.index]
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    if value == "share":
        ax.xaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.set_xlabel(_legend("topic_share" if value == "share" else value, lang))
    ax.legend(
        title=_attribute(by, codebook, lang),
        frameon=False,
        fontsize=8,
        loc="upper left",
        bbox_to_anchor=(1, 1),
    )
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(title or "")
    fig.tight_layout()
    return fig


def save(fig: Figure, path: str | Path, dpi: int = 150) -> Path:
    """Write a figure as PNG, SVG or PDF (chosen by the file's suffix)."""
    path = Path(path)
    if path.suffix.lower() not in FORMATS:
        raise CodebookError(f"{path}: save a figure as {', '.join(FORMATS)}")
    if not path.parent.is_dir():
        raise CodebookError(f"{path}: folder {path.parent} does not exist")
    fig.savefig(path, dpi=dpi, bbox_inches="tight")
    return path


_LEGENDS = {
    "share": ("aandeel", "share"),
    "count": ("aantal", "count"),
    "residual": ("gestandaardiseerd residu", "standardised residual"),
    "share_codings": ("aandeel van de coderingen", "share of codings"),
    "share_segments": ("aandeel van de segmenten", "share of segments"),
    "share_transcripts": ("aandeel van de transcripten", "share of transcripts"),
    "codings": ("coderingen", "codings"),
    "segments": ("segmenten", "segments"),
    "transcripts": ("transcripten", "transcripts"),
    "topic_share": ("aandeel van de segmenten van de groep", "share of the group's segments"),
}


def _legend(key: str, lang: str) -> str:
    nl, en = _LEGENDS.get(key, (key, key))
    return nl if lang == "nl" else en


def _pretty(value) -> str:
    return str(value).replace("_", " ")


def _label(code: str, codebook: Codebook | None, lang: str) -> str:
    if codebook is not None and code in codebook.codes:
        return codebook.codes[code].name(lang)
    return str(code)


def _colour(code: str, codebook: Codebook | None) -> str:
    if codebook is not None and code in codebook.codes:
        return codebook.codes[code].color or GREY
    return GREY


def _attribute(name, codebook: Codebook | None, lang: str) -> str:
    if codebook is not None and name in codebook.attributes:
        label = codebook.attributes[name].label
        return label.get(lang) or label.get("nl") or str(name)
    return _pretty(name) if name else ""


def _code_axis(ax, codes: list, codebook: Codebook | None, lang: str, axis: str) -> None:
    """Tick labels for codes, each in its codebook colour, wrapped to stay readable."""
    labels = [_wrap(_label(c, codebook, lang)) for c in codes]
    if axis == "y":
        ax.set_yticks(range(len(codes)), labels, fontsize=8)
        ticks = ax.get_yticklabels()
    else:
        ax.set_xticks(range(len(codes)), labels, fontsize=8, rotation=45, ha="right")
        ticks = ax.get_xticklabels()
    for tick, code in zip(ticks, codes, strict=True):
        colour = _colour(code, codebook)
        tick.set_color(colour if _dark_enough(colour) else "black")


def _wrap(text: str, width: int = 34) -> str:
    if len(text) <= width:
        return text
    cut = text.rfind(" ", 0, width)
    return text if cut < 0 else text[:cut] + "\n" + text[cut + 1 :]


def _dark_enough(colour: str) -> bool:
    """Light codebook colours are unreadable as text on white; those stay black."""
    colour = colour.lstrip("#")
    if len(colour) != 6:
        return False
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.6


def _palette(n: int) -> list:
    from matplotlib import colormaps

    cmap = colormaps["tab10" if n <= 10 else "tab20"]
    return [cmap(i % cmap.N) for i in range(n)]
