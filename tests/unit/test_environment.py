"""One source of truth: pyproject.toml's dependencies, mirrored by conda and Binder files."""

from __future__ import annotations

import os
import stat
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
CONDA_FILES = [ROOT / "environment.yml", ROOT / "binder" / "environment.yml"]


def _normalised(requirements: list[str]) -> set[str]:
    return {str(Requirement(line)) for line in requirements}


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _conda_environment(path: Path) -> tuple[list[str], list[str]]:
    """Return (conda dependencies, pip dependencies) of an environment file."""
    environment = yaml.safe_load(path.read_text())
    conda, pip = [], []
    for entry in environment["dependencies"]:
        if isinstance(entry, dict):
            pip.extend(entry["pip"])
        else:
            conda.append(entry)
    return conda, pip


def _expected_user_requirements() -> set[str]:
    project = _pyproject()["project"]
    extras = project["optional-dependencies"]
    return _normalised(project["dependencies"] + extras["notebooks"] + extras["dask"])


@pytest.mark.parametrize("path", CONDA_FILES, ids=lambda path: str(path.relative_to(ROOT)))
def test_conda_environment_pins_exactly_the_pyproject_dependencies(path):
    _, pip = _conda_environment(path)
    assert _normalised(pip) == _expected_user_requirements()


@pytest.mark.parametrize("path", CONDA_FILES, ids=lambda path: str(path.relative_to(ROOT)))
def test_conda_environment_pins_the_reference_python(path):
    conda, _ = _conda_environment(path)
    assert "python=3.11" in conda
    assert "pip" in conda


@pytest.mark.parametrize(
    ("platform", "machine", "wheel"),
    [("linux", "x86_64", "tensorflow-cpu"), ("linux", "aarch64", "tensorflow"),
     ("darwin", "arm64", "tensorflow"),
     ("win32", "AMD64", "tensorflow-cpu")],
)
def test_exactly_one_tensorflow_wheel_that_exists_is_chosen_on_each_platform(platform, machine,
                                                                              wheel):
    # tensorflow-cpu 2.21.0 has wheels for manylinux x86_64 and win_amd64 only; tensorflow
    # has them for those and for manylinux aarch64 and macOS arm64 (none for Intel Macs).
    environment = {"sys_platform": platform, "platform_machine": machine}
    chosen = [requirement.name for requirement in map(Requirement,
                                                      _pyproject()["project"]["dependencies"])
              if requirement.name.startswith("tensorflow")
              and requirement.marker.evaluate(environment)]
    assert chosen == [wheel]


def test_every_dependency_is_pinned_exactly():
    project = _pyproject()["project"]
    lines = project["dependencies"] + [
        line for extra in project["optional-dependencies"].values() for line in extra
    ]
    for line in lines:
        specifiers = list(Requirement(line).specifier)
        assert len(specifiers) == 1 and specifiers[0].operator == "==", line


def test_binder_post_build_installs_the_helper_package_and_fails_loudly():
    post_build = ROOT / "binder" / "postBuild"
    text = post_build.read_text()
    assert text.startswith("#!")
    assert "set -euo pipefail" in text
    assert "pip install --no-deps -e ." in text
    assert os.stat(post_build).st_mode & stat.S_IXUSR, "binder/postBuild must be executable"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci_script = (ROOT / ".ci" / "run").read_text()
    assert "make test" in readme
    assert "make test" in ci_script


def test_repository_tracks_executable_bits_of_scripts():
    modes = subprocess.run(
        ["git", "ls-files", "-s", ".ci/run", "binder/postBuild"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    ).stdout.split()
    if not modes:
        pytest.skip("not a git checkout")
    assert modes[0::4] == ["100755", "100755"]


def test_textblob_sentiment_works_offline_from_the_wheel():
    # The text lesson's sentiment LF reads TextBlob's pattern lexicon, which ships in
    # the wheel: no corpus download (the tests run without network).
    from textblob import TextBlob

    assert TextBlob("I love this song, it is wonderful").sentiment.polarity > 0.5
    assert TextBlob("This is terrible and awful").sentiment.polarity < -0.5
    assert TextBlob("the video has five parts").sentiment.polarity == 0.0
