"""Re-execute notebooks and store their outputs, exactly as nbval will run them.

``make notebooks`` runs this after a change to the helpers.  Each notebook runs top to
bottom in a fresh kernel of this environment.  Cells tagged ``nbval-skip`` (the
students' exercise cells) are not run, as nbval does not run them, and keep no
outputs; every other cell's outputs are replaced.  A cell that raises stops with
an error naming the notebook, so nothing half-executed is written.

Usage::

    python tools/execute_notebooks.py [NOTEBOOK ...]   # default: every notebook and solution
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted(
    (ROOT / "notebooks" / "solutions").glob("*.ipynb")
)
SKIP_TAG = "nbval-skip"


def execute(path: Path, timeout: int = 600) -> float:
    """Execute ``path`` in place; return the seconds it took."""
    notebook = nbformat.read(path, as_version=4)
    # record_timing=False: no execution timestamps in the stored cells' metadata.
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                            record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    with client.setup_kernel():
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type != "code":
                continue
            cell.metadata.pop("execution", None)
            if SKIP_TAG in cell.metadata.get("tags", []):
                cell.outputs, cell.execution_count = [], None
                continue
            client.execute_cell(cell, index)
    nbformat.write(notebook, path)
    return time.perf_counter() - start


def main(arguments: list[str]) -> int:
    paths = [Path(argument).resolve() for argument in arguments] or NOTEBOOKS
    for path in paths:
        seconds = execute(path)
        print(f"{path.relative_to(ROOT)}: {seconds:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
