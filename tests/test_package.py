"""The package's top level: the pipeline's names, lazily imported; the rest in submodules."""

import subprocess
import sys

import pytest

import dataprog_helpers as dh
from dataprog_helpers import analysis, explorer, plots


def test_every_name_in_all_resolves_to_the_object_its_submodule_defines():
    for name in dh.__all__:
        value = getattr(dh, name)
        assert value.__module__.startswith("dataprog_helpers"), name


def test_the_top_level_lists_the_pipeline_not_the_plots_or_the_explorer():
    assert "LabelModel" in dh.__all__ and "apply_lfs" in dh.__all__
    assert not [name for name in dh.__all__ if name.startswith("plot_")]
    assert not set(explorer.__all__) & set(dh.__all__)
    assert "simulate_label_matrix" not in dh.__all__
    assert "overlap_matrix" not in dh.__all__


def test_older_top_level_names_still_resolve_to_their_submodules_objects():
    assert dh.plot_agreement_matrix is plots.plot_agreement_matrix
    assert dh.ExplorerSettings is explorer.ExplorerSettings
    assert dh.overlap_matrix is analysis.agreement_matrix


def test_an_unknown_name_is_an_attribute_error_that_names_it():
    with pytest.raises(AttributeError, match="no_such_name"):
        dh.no_such_name  # noqa: B018
    with pytest.raises(ImportError, match="no_such_name"):
        exec("from dataprog_helpers import no_such_name", {})


def test_dir_lists_the_submodules_and_the_names():
    listed = dir(dh)
    assert {"plots", "explorer", "experiment", "label_model"} <= set(listed)
    assert set(dh.__all__) <= set(listed)


def test_the_numpy_parts_import_without_tensorflow_or_dask():
    # A Dask worker or a script that only applies LFs and counts votes should not
    # pay for (or need) TensorFlow; the in-memory paths never import Dask.
    code = (
        "import sys\n"
        "import numpy as np\n"
        "import dataprog_helpers as dh\n"
        "from dataprog_helpers.label_model import VoteStatistics\n"
        "L = dh.make_label_matrix(np.array([1, -1, 1, -1]), 3, 0.5, seed=0)[0]\n"
        "VoteStatistics.from_label_matrix(L)\n"
        "dh.majority_vote(L); dh.lf_summary(L); dh.agreement_matrix(L)\n"
        "print(sorted(m for m in ('tensorflow', 'keras', 'dask') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"
