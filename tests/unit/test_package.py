"""The package's layers: a library with a small top level, and a course that imports it."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import dataprog_helpers as dh

PACKAGE = Path(dh.__file__).parent
LIBRARY_FILES = sorted(path for path in PACKAGE.rglob("*.py")
                       if "course" not in path.relative_to(PACKAGE).parts)
ALL_FILES = sorted(PACKAGE.rglob("*.py"))

#: The top-level names other code calls (the house issue's contract).
CONTRACT = ["LabelModel", "ClassConditionalLabelModel", "VoteStatistics", "apply_lfs",
            "find_dependencies", "majority_vote", "agreement_matrix", "lf_summary",
            "NoiseAwareClassifier", "BagOfNgrams", "LFDevelopmentRound", "load_youtube_spam",
            "youtube_spam_splits", "write_probabilistic_labels", "ABSTAIN"]


def _imports(path: Path) -> list[tuple[str, str]]:
    """``(module, name)`` of every ``from module import name`` in a file, resolved."""
    package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1])
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(part for part in (base, node.module or "") if part)
            found += [(module, alias.name) for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [(alias.name, "") for alias in node.names]
    return found


def test_the_contract_names_resolve_from_the_top_level():
    for name in CONTRACT:
        value = getattr(dh, name)
        assert (value if callable(value) else type(value)).__module__.startswith(
            "dataprog_helpers."), name
    assert callable(dh.VoteStatistics.from_label_matrix)
    assert callable(dh.VoteStatistics.from_dask)


def test_every_name_in_all_resolves_and_all_is_small():
    for name in dh.__all__:
        assert type(getattr(dh, name)).__module__.startswith("dataprog_helpers") or getattr(
            dh, name).__module__.startswith("dataprog_helpers"), name
    assert set(CONTRACT) <= set(dh.__all__)
    assert len(dh.__all__) <= 31


def test_the_course_is_reached_through_its_subpackage_not_the_top_level():
    for name in dh.course.__all__:
        assert getattr(dh.course, name) is not None
        assert name not in dh.__all__, name
    for module in ("plots", "explorer", "experiment", "leaderboard", "spam_lfs", "tumour_lfs",
                   "topic_lfs", "wine_lfs", "keyword_simulation"):
        assert getattr(dh.course, module).__name__ == f"dataprog_helpers.course.{module}"
    with pytest.raises(AttributeError, match="make_tutorial_data"):
        dh.make_tutorial_data  # noqa: B018


def test_no_library_module_imports_the_course():
    for path in LIBRARY_FILES:
        for module, name in _imports(path):
            assert not (module + "." + name).startswith("dataprog_helpers.course"), (
                f"{path.relative_to(PACKAGE)} imports {module}.{name}")


def test_no_private_name_is_imported_across_modules():
    for path in ALL_FILES:
        for module, name in _imports(path):
            if module.startswith("dataprog_helpers"):
                parts = module.split(".") + ([name] if name else [])
                private = [part for part in parts if part.startswith("_")]
                assert not private, f"{path.relative_to(PACKAGE)} imports {module}.{name}"


def test_an_unknown_name_is_an_attribute_error_that_names_it():
    with pytest.raises(AttributeError, match="no_such_name"):
        dh.no_such_name  # noqa: B018
    with pytest.raises(ImportError, match="no_such_name"):
        exec("from dataprog_helpers import no_such_name", {})


def test_dir_lists_the_public_names_and_the_submodules_and_nothing_else():
    submodules = {"analysis", "calibration", "comparison", "course", "datasets", "end_model",
                  "exceptions", "label_model", "labeling", "lf_development", "model_choice",
                  "output", "scores", "text_features", "utils"}
    assert set(dir(dh)) == set(dh.__all__) | submodules
    assert set(dir(dh.course)) == set(dh.course.__all__) | {
        "class_leaderboard", "crowd", "datasets", "dev_labels", "experiment", "explorer",
        "hand_labels", "keyword_simulation",
        "leaderboard", "plots", "spam_lfs", "synthetic", "topic_lfs", "tumour_lfs", "wine_lfs"}


def test_the_exceptions_are_scikit_learns_where_they_mean_the_same():
    from sklearn import exceptions

    assert dh.exceptions.NotFittedError is exceptions.NotFittedError
    assert issubclass(dh.exceptions.ConvergenceWarning, exceptions.ConvergenceWarning)
    assert issubclass(dh.LabelingFunctionError, ValueError)
    assert issubclass(dh.IdentifiabilityWarning, UserWarning)


def test_the_numpy_parts_import_without_tensorflow_or_dask():
    # A Dask worker or a script that only applies LFs, counts votes or fits the
    # class-conditional model (by EM or by moments) should not pay for (or need) TensorFlow; the
    # in-memory paths never import Dask.
    code = (
        "import sys\n"
        "import numpy as np\n"
        "import dataprog_helpers as dh\n"
        "L = np.array([[1, -1, 0], [1, 1, -1], [0, -1, 1], [-1, 0, 1]], dtype=np.int8)\n"
        "dh.VoteStatistics.from_label_matrix(L)\n"
        "dh.majority_vote(L); dh.lf_summary(L); dh.agreement_matrix(L)\n"
        "dh.course.make_label_matrix(np.array([1, -1, 1, -1]), 3, 0.5, seed=0)\n"
        # The class-conditional model's EM, for k classes and for two, runs on NumPy.
        "y = np.random.default_rng(0).choice(3, size=300)\n"
        "tables = dh.course.make_class_conditional_tables\n"
        "K = dh.course.sample_class_label_matrix(y, tables(3, 6), seed=1)\n"
        "dh.ClassConditionalLabelModel(cardinality=3).fit(K).predict_proba(K)\n"
        "B = dh.signed_label_matrix(dh.course.sample_class_label_matrix(y % 2, tables(2, 6), 2))\n"
        "dh.ClassConditionalLabelModel().fit(B).predict_proba(B)\n"
        "dh.ClassConditionalLabelModel(method='moments').fit(B)\n"
        "dh.ClassConditionalLabelModel(init='moments').fit(B)\n"
        "print(sorted(m for m in ('tensorflow', 'keras', 'dask') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"
