"""The course site (`make site`, in build/site/) opened page by page in headless Chromium.

The site is served on localhost and every page is loaded in Debian's Chromium,
driven by Playwright through ``executable_path`` (nothing downloads a browser).
Any request that leaves localhost is blocked and reported, so a page that would
need the network (a CDN, a web font) fails here rather than on a reader's
offline laptop.  For every page: no console errors or failed requests, every
maths expression typeset by MathJax without errors, every figure loaded and
described by alt text, no prose typeset as maths (a long run of letters in a maths
expression) and every ``$$`` block of a notebook shown as display maths, and every
local link and anchor resolves.  Following the
"next" links from the landing page visits the steps in course order.

`make test` builds the site and installs Chromium (apt-get) before running this.
Where no Chromium can be found the browser tests are skipped with the reason.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "build" / "site"
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
STEP_PAGES = [f"notebooks/{path.stem}.html"
              for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))]


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


@pytest.fixture(scope="module")
def site() -> Path:
    if not (SITE / "index.html").exists():
        subprocess.run(["make", "site"], cwd=ROOT, check=True)
    return SITE


def _pages(site: Path) -> list[str]:
    return sorted(path.relative_to(site).as_posix() for path in site.rglob("*.html")
                  if "_static" not in path.parts and "_sources" not in path.parts)


def test_site_has_a_landing_page_and_one_page_per_notebook(site):
    pages = set(_pages(site))
    notebooks = sorted((ROOT / "notebooks").rglob("*.ipynb"))
    expected = {path.relative_to(ROOT).with_suffix(".html").as_posix() for path in notebooks
                if ".ipynb_checkpoints" not in path.parts}
    assert "index.html" in pages
    assert expected <= pages, sorted(expected - pages)
    landing = (site / "index.html").read_text()
    assert "Learning objectives" in landing and "Course outline" in landing


@pytest.fixture(scope="module")
def server(site):
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass


@pytest.fixture(scope="module")
def browser():
    executable = _chromium()
    if executable is None:
        pytest.skip("no Chromium found: install Debian's chromium package "
                    "(`make test` does it with apt-get where it can)")
    sync_api = pytest.importorskip("playwright.sync_api")
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, headless=True,
                                              args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


class PageProblems:
    """Everything that went wrong while one page loaded."""

    def __init__(self, page, base_url: str) -> None:
        self.problems: list[str] = []
        host = urlsplit(base_url).netloc

        def route(route):
            if urlsplit(route.request.url).netloc == host:
                route.continue_()
            else:
                self.problems.append(f"request leaves localhost: {route.request.url}")
                route.abort()

        page.route("**/*", route)
        page.on("console", lambda message: message.type == "error" and self.problems.append(
            f"console error: {message.text}"))
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("requestfailed", lambda request: self.problems.append(
            f"request failed: {request.url} ({request.failure})"))
        page.on("response", lambda response: response.status >= 400 and self.problems.append(
            f"HTTP {response.status}: {response.url}"))


def _open(browser, server: str, page_path: str):
    page = browser.new_page()
    problems = PageProblems(page, server)
    page.goto(f"{server}/{page_path}", wait_until="load")
    return page, problems


TYPESET = """async () => {
    if (!window.MathJax) { return null; }
    await MathJax.startup.promise;
    return {
        expressions: document.querySelectorAll('.math').length,
        typeset: document.querySelectorAll('mjx-container').length,
        errors: Array.from(document.querySelectorAll('mjx-merror'))
            .map(node => node.getAttribute('data-mjx-error') || node.textContent),
        sources: Array.from(MathJax.startup.document.math)
            .map(item => ({tex: item.math, display: item.display})),
    };
}"""

#: TeX commands whose argument is set as text, not as maths letters.
TEXT_COMMANDS = r"\\(?:text|textrm|textit|texttt|mathrm|operatorname|emph)\s*\{[^{}]*\}"


def prose_in_maths(tex: str) -> str | None:
    """The run of letters that says prose was typeset as maths, or None.

    Maths mode drops spaces and sets letters as variables, so a sentence swallowed
    by a maths expression (a display equation in a list item whose closing ``$$``
    pairs with a later ``$``) becomes a long run of letters:
    "andthehistogramofdistinct...".  Real formulas have no run of 12 letters once
    the text commands and the command names are left out.
    """
    letters = re.sub(r"\\[A-Za-z]+", " ", re.sub(TEXT_COMMANDS, " ", tex))
    run = re.search(r"[A-Za-z]{12,}", re.sub(r"\s+", "", letters))
    return run.group(0) if run else None


def display_blocks(notebook: Path) -> int:
    """How many ``$$ ... $$`` display equations the notebook's Markdown cells hold."""
    cells = json.loads(notebook.read_text())["cells"]
    markdown = "\n\n".join("".join(cell["source"]) for cell in cells
                            if cell["cell_type"] == "markdown")
    return len(re.findall(r"\$\$(.+?)\$\$", markdown, flags=re.DOTALL))


def test_the_prose_check_flags_swallowed_sentences_and_passes_formulas():
    swallowed = ("\nand the histogram of distinct vote patterns that the class-conditional "
                 "model fits from. Only that result, ")
    assert prose_in_maths(swallowed) == "andthehistogramofdistinctvotepatternsthattheclass"
    for formula in (r"\log\frac{P(y = +1 \mid \lambda)}{P(y = -1 \mid \lambda)}",
                    r"\operatorname{softmax}_c(\log p_c / T)", r"n_\text{test} / n_\text{train}",
                    r"\mathbb{E}[\lambda_i \mid \text{votes}] = q_i(2\pi - 1)",
                    r"\theta_i[c, v] = P(\lambda_i = v \mid y = c)"):
        assert prose_in_maths(formula) is None, formula

IMAGES = """() => Array.from(document.images).map(image => ({
    src: image.getAttribute('src'), alt: image.getAttribute('alt') || '',
    loaded: image.complete && image.naturalWidth > 0,
}))"""


def test_every_page_loads_cleanly_with_maths_and_figures(site, server, browser):
    failures = {}
    for page_path in _pages(site):
        page, problems = _open(browser, server, page_path)
        maths = page.evaluate(TYPESET)
        found = problems.problems
        if "$" in (site / page_path).read_text() or page_path in STEP_PAGES:
            if maths is None:
                found.append("MathJax did not load")
            else:
                if maths["expressions"] == 0 and page_path in STEP_PAGES:
                    found.append("no maths on a step page")
                if maths["typeset"] < maths["expressions"]:
                    found.append(f"only {maths['typeset']} of {maths['expressions']} "
                                 "maths expressions typeset")
                found.extend(f"MathJax error: {error}" for error in maths["errors"])
                found.extend(f"prose typeset as maths: {run!r}" for run in (
                    prose_in_maths(source["tex"]) for source in maths["sources"]) if run)
                notebook = ROOT / Path(page_path).with_suffix(".ipynb")
                if notebook.exists():
                    shown = sum(source["display"] for source in maths["sources"])
                    if shown != display_blocks(notebook):
                        found.append(f"{display_blocks(notebook)} $$ blocks in the notebook, "
                                     f"{shown} display equations on the page")
        for image in page.evaluate(IMAGES):
            if not image["loaded"]:
                found.append(f"figure did not load: {image['src']}")
            # MyST-NB's default alt text is the file name: a description is needed.
            if "_images/" in image["src"] and (len(image["alt"]) < 20
                                               or "_images/" in image["alt"]):
                found.append(f"figure without alt text: {image['src']}")
        page.close()
        if found:
            failures[page_path] = found
    assert not failures, "\n".join(f"{page}: {found}" for page, found in failures.items())


def _local_links(site: Path, page_path: str) -> list[str]:
    html = (site / page_path).read_text()
    links = re.findall(r'<a [^>]*href="([^"]+)"', html)
    return [link for link in links if not urlsplit(link).scheme and not link.startswith("//")]


@functools.cache
def _ids(path: Path) -> frozenset[str]:
    return frozenset(re.findall(r'\sid="([^"]+)"', path.read_text()))


def test_every_local_link_and_anchor_resolves(site):
    broken = []
    for page_path in _pages(site):
        for link in _local_links(site, page_path):
            parts = urlsplit(link)
            target = (site / page_path).parent / unquote(parts.path) if parts.path else (
                site / page_path)
            target = target.resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page_path} -> {link}")
            elif parts.fragment and target.suffix == ".html" and unquote(
                    parts.fragment) not in _ids(target):
                broken.append(f"{page_path} -> {link} (no such anchor)")
    assert not broken, broken


def test_next_links_walk_through_the_course_in_order(site, server, browser):
    page, problems = _open(browser, server, "index.html")
    visited = []
    for _ in STEP_PAGES:
        page.click("a.right-next")
        page.wait_for_load_state("load")
        visited.append(urlsplit(page.url).path.lstrip("/"))
    page.close()
    assert visited == STEP_PAGES
    assert not problems.problems, problems.problems


def test_landing_page_and_readme_outline_every_step():
    landing = (ROOT / "site" / "index.md").read_text()
    readme = (ROOT / "README.md").read_text()
    instructors = readme[readme.index("## For instructors"):]
    instructors = instructors[:instructors.index("\n## ", 1)]
    for page in STEP_PAGES:
        notebook = page.replace(".html", ".ipynb")
        assert f"({notebook})" in landing, notebook
        assert f"({notebook})" in instructors, notebook
        assert page.removesuffix(".html") in landing  # in the toctree, so in the sidebar
