"""The course's exercise convention, checked on every step notebook.

Each step notebook ``notebooks/NN_name.ipynb`` ends with a ``## Exercises`` section of
3-5 exercises, headed ``### Exercise k: title``.  The cells a student fills in are tagged
``exercise`` and ``nbval-skip`` (nbval does not run them) and are committed without
outputs.  The worked solutions live in ``notebooks/solutions/NN_name_solutions.ipynb``,
one ``## Exercise k: title`` section per exercise, each with code that nbval runs and
compares like any other cell.  Every figure carries alt text for the course site, and
no cell stores execution timestamps.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
STEP_NOTEBOOKS = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
SOLUTION_NOTEBOOKS = sorted((NOTEBOOKS / "solutions").glob("*_solutions.ipynb"))
EXERCISE_HEADING = re.compile(r"^### Exercise (\d+): (.+)$", re.MULTILINE)
SOLUTION_HEADING = re.compile(r"^## Exercise (\d+): (.+)$", re.MULTILINE)
SKIP_TAGS = {"nbval-skip"}


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text())["cells"]


def _source(cell: dict) -> str:
    return "".join(cell["source"])


def _tags(cell: dict) -> set[str]:
    return set(cell["metadata"].get("tags", []))


def _exercise_section(path: Path) -> list[dict]:
    cells = _cells(path)
    starts = [i for i, cell in enumerate(cells)
              if cell["cell_type"] == "markdown" and _source(cell).startswith("## Exercises")]
    assert len(starts) == 1, f"{path.name}: expected one '## Exercises' section"
    return cells[starts[0]:]


def _titles(cells: list[dict], heading: re.Pattern) -> list[tuple[int, str]]:
    return [(int(number), title.strip())
            for cell in cells if cell["cell_type"] == "markdown"
            for number, title in heading.findall(_source(cell))]


def _solutions_path(path: Path) -> Path:
    return NOTEBOOKS / "solutions" / f"{path.stem}_solutions.ipynb"


ids = [path.stem for path in STEP_NOTEBOOKS]


def test_every_step_notebook_is_covered():
    assert len(STEP_NOTEBOOKS) >= 7, [path.name for path in STEP_NOTEBOOKS]
    assert sorted(SOLUTION_NOTEBOOKS) == sorted(map(_solutions_path, STEP_NOTEBOOKS))


@pytest.mark.parametrize("path", STEP_NOTEBOOKS, ids=ids)
def test_notebook_ends_with_three_to_five_numbered_exercises(path):
    titles = _titles(_exercise_section(path), EXERCISE_HEADING)
    assert 3 <= len(titles) <= 5, titles
    assert [number for number, _ in titles] == list(range(1, len(titles) + 1))


@pytest.mark.parametrize("path", STEP_NOTEBOOKS, ids=ids)
def test_exercise_cells_are_skipped_by_nbval_and_committed_empty(path):
    section = _exercise_section(path)
    for cell in section:
        if cell["cell_type"] == "code":
            assert {"exercise", "nbval-skip"} <= _tags(cell), _source(cell)
            assert cell["outputs"] == [] and cell["execution_count"] is None, _source(cell)
    link = f"solutions/{_solutions_path(path).name}"
    assert any(link in _source(cell) for cell in section), f"no link to {link}"


@pytest.mark.parametrize("path", STEP_NOTEBOOKS, ids=ids)
def test_only_exercise_cells_are_skipped(path):
    for cell in _cells(path):
        if cell["cell_type"] == "code" and "exercise" not in _tags(cell):
            assert not _tags(cell) & SKIP_TAGS, _source(cell)
            assert "NBVAL_SKIP" not in _source(cell), _source(cell)


@pytest.mark.parametrize("path", STEP_NOTEBOOKS, ids=ids)
def test_solutions_answer_every_exercise_with_executed_code(path):
    solutions = _cells(_solutions_path(path))
    assert _titles(solutions, SOLUTION_HEADING) == _titles(_exercise_section(path),
                                                           EXERCISE_HEADING)
    starts = [i for i, cell in enumerate(solutions)
              if cell["cell_type"] == "markdown" and SOLUTION_HEADING.search(_source(cell))]
    for start, stop in zip(starts, starts[1:] + [len(solutions)], strict=True):
        code = [cell for cell in solutions[start:stop] if cell["cell_type"] == "code"]
        assert code, _source(solutions[start])
        for cell in code:
            assert cell["execution_count"] is not None and cell["outputs"], _source(cell)
    for cell in solutions:
        assert not _tags(cell) & SKIP_TAGS and "NBVAL_SKIP" not in _source(cell)


@pytest.mark.parametrize("path", STEP_NOTEBOOKS + SOLUTION_NOTEBOOKS,
                         ids=lambda path: path.stem)
def test_every_figure_has_alt_text(path):
    for cell in _cells(path):
        images = [output for output in cell.get("outputs", [])
                  if "image/png" in output.get("data", {})]
        if images:
            alt = cell["metadata"].get("mystnb", {}).get("image", {}).get("alt", "")
            assert len(alt) >= 20, f"{path.name}: figure without alt text:\n{_source(cell)}"


@pytest.mark.parametrize("path", STEP_NOTEBOOKS + SOLUTION_NOTEBOOKS,
                         ids=lambda path: path.stem)
def test_no_execution_timestamps_are_stored(path):
    # tools/execute_notebooks.py records none: they would change on every run.
    for cell in _cells(path):
        assert "execution" not in cell["metadata"], f"{path.name}:\n{_source(cell)}"


def test_readme_outline_counts_each_notebooks_exercises():
    readme = (ROOT / "README.md").read_text()
    counts = {}
    for line in readme.splitlines():
        link = re.search(r"\]\(notebooks/(\d\d_\w+\.ipynb)\)", line)
        if line.startswith("| ") and link and line.count("|") == 6:
            counts[link.group(1)] = int(line.split("|")[-2])
    assert counts == {path.name: len(_titles(_exercise_section(path), EXERCISE_HEADING))
                      for path in STEP_NOTEBOOKS}
