"""The report page: `report.md` and a self-contained `report.html` with the table, its
intervals and notes, every figure and the environment; the page is checked in a real browser
(chromium, headless) for console errors, images that do not show, and a figure that a click
opens at the window's width."""

from __future__ import annotations

import base64
import json
import re
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest
import torch
from click.testing import CliRunner

from genbench.cli import cli
from genbench.report.figures import samples_figure
from genbench.report.page import write_page
from genbench.report.tables import Summary
from tests.tiny_specs import entry, tiny_spec

SPEC = tiny_spec(
    entry("GAN", "gan"),
    entry("f-GAN (KL)", "fgan", divergence="kl"),
    benchmark={"name": "page", "budget": "100 steps", "seeds": [0, 1]},
    evaluation={"metrics": ["mode-coverage", "prd"]},
)
CHROMIUM = Path("/usr/bin/chromium")
BROWSER_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
VIEWPORT = {"width": 1280, "height": 900}


def sweep_and_report(write_spec, out: Path) -> Path:
    result = CliRunner().invoke(cli, ["run", str(write_spec(SPEC)), "--out", str(out)])
    assert result.exit_code == 0, result.output
    results = out / "page"
    for name in ("report.md", "report.html"):
        (results / name).unlink()  # `genbench report` writes them again from the records
    result = CliRunner().invoke(cli, ["report", str(results)])
    assert result.exit_code == 0, result.output
    assert "report.html" in result.output
    return results


def test_the_report_holds_table_intervals_figures_and_environment(write_spec, tmp_path):
    results = sweep_and_report(write_spec, tmp_path)
    markdown = (results / "report.md").read_text()
    rows = [line for line in markdown.splitlines() if line.startswith("| GAN")]
    assert "| Model |" in markdown and len(rows) == 1 and "| f-GAN (KL)" in markdown
    assert re.search(r"± [0-9.]+ \[[0-9.]+, [0-9.]+\]", rows[0])  # the interval beside the mean
    assert "![prd](prd.png)" in markdown and "![samples](samples.png)" in markdown
    record = json.loads(next(results.glob("runs/*/*/record.json")).read_text())
    assert f"| torch | {record['versions']['torch']} |" in markdown
    assert f"| platform | {record['machine']['platform']} |" in markdown
    assert "| dataset | ring-8 (1000 training samples" in markdown
    assert "| runs | 4 |" in markdown and "| runs at once (--jobs) | " in markdown
    span = re.search(r"\| wall time \| (\d+) min (\d+) s, ", markdown)
    train = sum(
        json.loads(p.read_text())["train"]["seconds"] for p in results.glob("runs/*/*/record.json")
    )
    assert span and 60 * int(span[1]) + int(span[2]) >= round(train) - 1
    page = (results / "report.html").read_text()
    sources = re.findall(r'src="([^"]*)"', page)
    assert len(sources) == 2 and all(s.startswith("data:image/png;base64,") for s in sources)
    png = base64.b64decode(sources[0].split(",", 1)[1])
    assert png == (results / "prd.png").read_bytes()
    assert not re.search(r'(href|src)="(https?:|file:|/)', page)  # nothing outside the file
    assert "<td>GAN</td>" in page and "Environment" in page
    figures = re.findall(r'<figure id="([^"]+)"[^>]*>.*?href="#([^"]+)"[^>]*><img', page)
    assert figures == [("figure-prd", "figure-prd"), ("figure-samples", "figure-samples")]
    assert '<figure id="figure-samples" class="wide">' in page  # the digits wider by default


@contextmanager
def chromium_page(page_file: Path):
    """The page opened in headless chromium at a laptop's window size, with every console
    error, page error and failed request collected in the list yielded beside it."""
    if not CHROMIUM.exists():
        pytest.skip("chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="needs `pip install playwright`")
    errors: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
        try:
            page = browser.new_page(viewport=VIEWPORT)
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on("requestfailed", lambda request: errors.append(f"failed: {request.url}"))
            page.goto(page_file.as_uri(), wait_until="load")
            yield page, errors
        finally:
            browser.close()


def shown_width(page, figure_id: str) -> float:
    return page.eval_on_selector(f"#{figure_id} img", "i => i.getBoundingClientRect().width")


def test_the_html_report_shows_every_image_without_console_errors_in_chromium(write_spec, tmp_path):
    results = sweep_and_report(write_spec, tmp_path / "out")
    # Alone in a folder: the page must not lean on the figures beside it.
    page_file = tmp_path / "alone" / "report.html"
    page_file.parent.mkdir()
    shutil.copy(results / "report.html", page_file)
    with chromium_page(page_file) as (page, errors):
        widths = page.eval_on_selector_all(
            "img", "images => images.map(i => i.complete ? i.naturalWidth : 0)"
        )
        rows = page.eval_on_selector_all("table:first-of-type tr", "rows => rows.length")
        before = shown_width(page, "figure-samples")
        assert not page.is_visible("#figure-samples a.close")
        page.click("#figure-samples a.open")  # a click opens the figure over the whole window
        opened = shown_width(page, "figure-samples")
        assert page.is_visible("#figure-samples a.close")
        page.click("#figure-samples a.close")
        closed = shown_width(page, "figure-samples")
    assert errors == []
    assert len(widths) == 2 and all(width > 0 for width in widths), widths
    assert rows == 3  # the header and one row per entry
    shown = (before, opened, closed)  # the samples image's width on the page, opened, closed
    assert before < 0.7 * VIEWPORT["width"] <= 0.9 * VIEWPORT["width"] <= opened, shown
    assert closed == before, shown


def test_a_digit_grid_is_shown_at_its_full_width_beside_the_curves(tmp_path):
    """An image data set's samples (8 digits a row, about 1000 pixels wide) shown at their own
    size, where a curve keeps its 32rem: the digits can be judged without a click."""
    grid = samples_figure(
        {"GAN": torch.rand(8, 1, 28, 28) * 2 - 1, "WGAN": torch.rand(8, 1, 28, 28) * 2 - 1},
        tmp_path / "samples.png",
    )
    curve = tmp_path / "prd.png"
    curve.write_bytes(grid.read_bytes())
    summary = Summary("digits", ["Model"], [["GAN"], ["WGAN"]])
    page_file = write_page(summary, [], {"prd": curve, "samples": grid}, tmp_path)["report-html"]
    with chromium_page(page_file) as (page, errors):
        natural = page.eval_on_selector("#figure-samples img", "i => i.naturalWidth")
        samples, prd = shown_width(page, "figure-samples"), shown_width(page, "figure-prd")
    assert errors == []
    assert natural > 900 and samples == natural and 500 < prd <= 32 * 16, (natural, samples, prd)
