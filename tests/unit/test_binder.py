"""Binder (repo2docker) configuration: present, parseable, consistent, and complete.

repo2docker reads only the ``binder/`` folder when it exists: ``environment.yml``
(a conda environment with its own ``pip:`` list) and ``postBuild`` (a shell script
run once after the install).  tests/unit/test_environment.py checks that the pip list pins
exactly pyproject.toml's dependencies and "notebooks" extra; this file checks the rest
of what a Binder build needs.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parents[2]
BINDER = ROOT / "binder"
# Files repo2docker understands (https://repo2docker.readthedocs.io, "Configuration files").
REPO2DOCKER_FILES = {
    "environment.yml", "postBuild", "apt.txt", "runtime.txt", "start", "requirements.txt",
    "install.R", "REQUIRE", "setup.py", "Project.toml", "default.nix", "Dockerfile",
}


def _environment() -> dict:
    return yaml.safe_load((BINDER / "environment.yml").read_text())


def test_binder_folder_holds_only_files_repo2docker_reads_and_not_conflicting_ones():
    names = {path.name for path in BINDER.iterdir()}
    assert {"environment.yml", "postBuild"} <= names
    assert names <= REPO2DOCKER_FILES, names - REPO2DOCKER_FILES
    # With environment.yml present, repo2docker ignores requirements.txt (and a Dockerfile
    # would replace everything), so neither may sit beside it and mislead a reader.
    assert not names & {"requirements.txt", "Dockerfile"}


def test_environment_file_is_a_complete_conda_environment():
    environment = _environment()
    assert set(environment) == {"name", "channels", "dependencies"}
    assert environment["channels"] == ["conda-forge"]
    conda = [entry for entry in environment["dependencies"] if isinstance(entry, str)]
    pip = [entry for entry in environment["dependencies"] if isinstance(entry, dict)]
    assert len(pip) == 1 and list(pip[0]) == ["pip"], "one pip: section"
    assert "pip" in conda
    for line in pip[0]["pip"]:
        Requirement(line)  # every pip line parses as a requirement


def test_binder_python_satisfies_requires_python():
    conda = [entry for entry in _environment()["dependencies"] if isinstance(entry, str)]
    (python,) = [entry for entry in conda if entry.startswith("python=")]
    version = python.split("=", 1)[1]
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert SpecifierSet(project["requires-python"]).contains(f"{version}.0")


def test_binder_installs_the_explorer_widgets():
    names = {Requirement(line).name for entry in _environment()["dependencies"]
             if isinstance(entry, dict) for line in entry["pip"]}
    assert {"ipywidgets", "jupyterlab", "ipykernel"} <= names


def test_post_build_is_valid_bash():
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("bash is not installed")
    result = subprocess.run([bash, "-n", str(BINDER / "postBuild")],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert os.access(BINDER / "postBuild", os.X_OK)


def test_readme_binder_badge_opens_a_notebook_that_exists():
    readme = (ROOT / "README.md").read_text()
    links = re.findall(r"https://mybinder\.org/v2/gh/[^)\s]+", readme)
    assert links, "README has no Binder link"
    for link in links:
        match = re.search(r"urlpath=lab/tree/([^&)\s]+)", link)
        assert match, f"{link} does not open a notebook"
        assert (ROOT / match.group(1)).exists(), link
