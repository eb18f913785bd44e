"""What every line figure of a report shares: how entries are told apart, where the legend
goes and how the PNG is written. Kept free of torch so timeline figures load fast."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from genbench.api.storage import write_atomic

DASHES = ("-", "--", ":", "-.")


def line_style(index: int) -> dict[str, Any]:
    """The index-th entry's colour and dash: matplotlib's ten colours, then the same colours
    dashed, so a table of sixteen entries still has sixteen distinguishable lines."""
    return {"color": f"C{index % 10}", "linestyle": DASHES[index // 10 % len(DASHES)]}


def legend_beside(axes: Axes) -> None:
    """The legend to the right of the plot, where it hides no line however many entries."""
    axes.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.02, 0.5), frameon=False)


def save_figure(figure: Figure, path: Path, dpi: int) -> None:
    """A PNG written atomically: an interrupted sweep leaves the old figure or the new one."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    write_atomic(path, buffer.getvalue())
