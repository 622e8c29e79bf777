"""A fresh virtual environment with only the declared dependencies can import everything.

A developer's environment holds extras (JupyterLab, ipywidgets, pytest, Sphinx...) that
could hide a missing entry in pyproject.toml's ``dependencies``.  This test creates a new
virtual environment, installs the package from the project directory as pip would for a
user (``pip install .``: the core dependencies only, no extras), and, from a directory
outside the checkout, imports every module of the package (its subpackages included) and
every public name of each.
It also runs the explorer's fallback, which must work without IPython or ipywidgets.

It downloads nothing that ``make test`` has not already installed (pip's cache holds the
wheels), but installs TensorFlow again, so it takes about a minute: marked slow.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

IMPORT_EVERYTHING = textwrap.dedent("""
    import importlib, pkgutil, sys
    import dataprog_helpers
    assert "site-packages" in dataprog_helpers.__file__, dataprog_helpers.__file__
    names = 0
    for name in dataprog_helpers.__all__:
        getattr(dataprog_helpers, name)
        names += 1
    modules = 0
    for module in pkgutil.walk_packages(dataprog_helpers.__path__, "dataprog_helpers."):
        imported = importlib.import_module(module.name)
        modules += 1
        for name in getattr(imported, "__all__", []):
            getattr(imported, name)
            names += 1
    assert modules > 30, f"only {modules} modules: a subpackage did not ship"
    for extra in ("IPython", "ipywidgets", "jupyterlab", "pytest", "sphinx"):
        assert extra not in sys.modules, f"importing the package imported {extra}"
    dataprog_helpers.course.explorer.LabelModelExplorer().show()
    assert len(dataprog_helpers.load_youtube_spam()) == 1956, "the package data did not ship"
    print(f"imported {names} public names")
""")


@pytest.mark.slow
def test_fresh_environment_with_declared_dependencies_imports_every_public_name(tmp_path):
    environment = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(environment)], check=True)
    python = environment / "bin" / "python"
    variables = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1",
                 "TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0",
                 "MPLBACKEND": "Agg"}
    variables.pop("PYTHONPATH", None)
    # Build from a copy of what the package is made of, so that setuptools' build
    # folders land in tmp_path rather than in the checkout.
    source = tmp_path / "source"
    shutil.copytree(ROOT / "dataprog_helpers", source / "dataprog_helpers",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    install = subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(source)],
                             capture_output=True, text=True, env=variables, check=False)
    assert install.returncode == 0, install.stdout + install.stderr
    result = subprocess.run([str(python), "-c", IMPORT_EVERYTHING], cwd=tmp_path,
                            capture_output=True, text=True, env=variables, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "imported" in result.stdout
    assert "Not running in IPython or Jupyter" in result.stdout
