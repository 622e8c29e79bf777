"""Sphinx configuration of the course site (`make site` builds it into build/site/).

MyST-NB renders the committed, already executed notebooks (nothing is re-run
here: nbval checks that the stored outputs are current), and the Sphinx Book
Theme gives the sidebar, the previous / next links and the search.  Everything
a page needs is served from the site itself, MathJax included, so the site
works offline and from any static file server.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import mathjax  # MathJax 3, as packaged by django-static-mathjax (only its files are used)

project = "Data programming, step by step"
author = "The dataprog tutorial authors"
copyright = "2026, the dataprog tutorial authors"

extensions = ["myst_nb"]
exclude_patterns = ["_build", "**.ipynb_checkpoints"]

# The notebooks are executed and checked by `make test`; the site shows their stored outputs.
nb_execution_mode = "off"
# Stderr would be a bug in a notebook (nbval fails on it), so the site build fails on it too.
nb_output_stderr = "error"
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3

html_theme = "sphinx_book_theme"
html_title = project
html_theme_options = {
    "show_navbar_depth": 1,
    "show_toc_level": 2,
    "use_download_button": True,
    "home_page_in_toc": True,
}
# Notebook figures are drawn on white: keep the pages light (the theme reads this here).
html_context = {"default_mode": "light"}
# The sources are what the download button offers: the notebooks themselves.
html_copy_source = True

# MathJax from the site's own _static folder rather than a CDN.
MATHJAX_SOURCE = Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"
mathjax_path = "mathjax/tex-chtml.js"


def _copy_mathjax(app, exception) -> None:
    if exception is None and app.builder.format == "html":
        shutil.copytree(MATHJAX_SOURCE, Path(app.outdir) / "_static" / "mathjax",
                        dirs_exist_ok=True)


def setup(app):
    app.connect("build-finished", _copy_mathjax)
