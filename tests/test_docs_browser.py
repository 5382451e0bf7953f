"""The built documentation as a reader sees it, in headless Chromium.

Runs after ``sphinx-build -W -b html docs docs/_build/html``: opens the landing
page, the gallery index and every example page over http on localhost and
fails on a JavaScript error (a SEVERE console entry), an image that did not
load, an output block holding a truncated DataFrame, a landing or example page
without a figure, code wider than its column at a laptop's width, or a code
cell without its copy button.

Without a built site the module skips; so does it without Chromium, its driver
or selenium. CI sets ``SKMULTILABEL_MLP_DOCS_SITE`` to the built site, and then
every one of those is a failure instead (``.ci/run``)::

    SKMULTILABEL_MLP_DOCS_SITE=docs/_build/html python -m pytest -n 0 tests/test_docs_browser.py
"""

import functools
import http.server
import os
import re
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted(p.stem for p in (ROOT / "docs" / "examples").glob("plot_*.py"))
PAGES = ["index", "auto_examples/index", *(f"auto_examples/{e}" for e in EXAMPLES)]

# Example pages allowed to have no figure, each with its reason (none now).
NO_FIGURE = {}

REQUIRED = "SKMULTILABEL_MLP_DOCS_SITE" in os.environ
SITE = Path(os.environ.get("SKMULTILABEL_MLP_DOCS_SITE", ROOT / "docs/_build/html"))
WINDOW = (1280, 900)  # a laptop screen
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    # without these, Chromium waits on a network this machine does not have
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    f"--window-size={WINDOW[0]},{WINDOW[1]}",
]
TRUNCATED_TEXT = re.compile(r"\[\d+ rows x \d+ columns\]")
TRUNCATED_HTML = re.compile(r"\d+ rows × \d+ columns")


def _unavailable(reason):
    if REQUIRED:
        pytest.fail(f"SKMULTILABEL_MLP_DOCS_SITE is set but {reason}", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


if not (SITE / "index.html").is_file():
    _unavailable(
        f"no built documentation at {SITE}; build it with "
        "'sphinx-build -W -b html docs docs/_build/html'"
    )
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
if CHROMIUM is None or CHROMEDRIVER is None:
    _unavailable(
        "Chromium or chromedriver is not installed "
        "(Debian: apt-get install chromium chromium-driver)"
    )
try:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.support.wait import WebDriverWait
except ImportError:
    _unavailable("selenium is not installed (pip install '.[docs]')")


@dataclass
class Page:
    """What one page showed: console errors, images, outputs, figures, code."""

    severe_logs: list
    broken_images: list
    outputs: list
    figures: int
    wide_code: list
    code_cells: int
    copy_buttons: int


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files without a log line per request."""

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site_url():
    """The built site over http on a free localhost port, for this module."""
    handler = functools.partial(_QuietHandler, directory=str(SITE))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="docs-browser-")
    for flag in [*CHROMIUM_FLAGS, f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


_READ_PAGE = """
const main = document.querySelector("main") || document.body;
const code = [...main.querySelectorAll(
    "div:not(.sphx-glr-script-out) > div.highlight > pre")];
return {
  broken: [...document.images]
      .filter(img => !img.complete || img.naturalWidth === 0)
      .map(img => img.currentSrc || img.src || img.outerHTML),
  outputs: [...main.querySelectorAll(".sphx-glr-script-out, .output_subarea")]
      .map(el => el.innerText),
  figures: main.querySelectorAll(
      "img.sphx-glr-single-img, img.sphx-glr-multi-img, figure img").length,
  wide: code.filter(pre => pre.scrollWidth > pre.clientWidth + 1)
      .map(pre => pre.innerText.split("\\n").reduce(
          (a, b) => (b.length > a.length ? b : a), "")),
  code: code.length,
  copy: main.querySelectorAll("button.copybtn").length,
};
"""


@pytest.fixture(scope="module")
def pages(site_url, browser):
    """Every page of ``PAGES`` opened once, read into a :class:`Page`."""
    return {page: _visit(browser, f"{site_url}/{page}.html") for page in PAGES}


def _visit(driver, url):
    driver.get_log("browser")  # drop what earlier pages logged
    driver.get(url)
    # lazy images load only once scrolled to; ask for them all, then wait
    driver.execute_script(
        "document.querySelectorAll('img').forEach(i => i.loading = 'eager');"
        "window.scrollTo(0, document.body.scrollHeight);"
    )
    WebDriverWait(driver, 30).until(
        lambda d: d.execute_script(
            "return document.readyState === 'complete' && "
            "[...document.images].every(i => i.complete);"
        )
    )
    read = driver.execute_script(_READ_PAGE)
    severe = [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    return Page(
        severe_logs=severe,
        broken_images=read["broken"],
        outputs=read["outputs"],
        figures=read["figures"],
        wide_code=read["wide"],
        code_cells=read["code"],
        copy_buttons=read["copy"],
    )


def test_every_example_has_a_page(pages):
    built = sorted(p.stem for p in (SITE / "auto_examples").glob("plot_*.html"))
    assert built == EXAMPLES, "the built gallery and docs/examples differ; rebuild"


def test_figure_exceptions_are_examples_with_reasons():
    assert set(NO_FIGURE) <= set(EXAMPLES)
    assert all(reason.strip() for reason in NO_FIGURE.values())


@pytest.mark.parametrize("page", PAGES)
def test_page_has_no_javascript_error(pages, page):
    logs = pages[page].severe_logs
    assert not logs, "\n".join(logs)


@pytest.mark.parametrize("page", PAGES)
def test_page_images_load(pages, page):
    broken = pages[page].broken_images
    assert not broken, "\n".join(broken)


@pytest.mark.parametrize("page", PAGES)
def test_outputs_hold_no_truncated_dataframe(pages, page):
    truncated = [
        text
        for text in pages[page].outputs
        if ("..." in text or "…" in text)
        and (TRUNCATED_TEXT.search(text) or TRUNCATED_HTML.search(text))
    ]
    assert not truncated, "print frames whole or end the cell with one (HTML):\n" + (
        "\n\n".join(truncated)
    )


@pytest.mark.parametrize("page", ["index", *(f"auto_examples/{e}" for e in EXAMPLES)])
def test_landing_and_example_pages_have_a_figure(pages, page):
    example = page.removeprefix("auto_examples/")
    if example in NO_FIGURE:
        pytest.skip(NO_FIGURE[example])
    assert pages[page].figures > 0


@pytest.mark.parametrize("page", PAGES)
def test_code_fits_the_column(pages, page):
    wide = pages[page].wide_code  # the longest line of each block that scrolls
    assert not wide, "\n".join(wide)


@pytest.mark.parametrize("page", PAGES)
def test_code_cells_have_a_copy_button(pages, page):
    assert pages[page].copy_buttons == pages[page].code_cells
