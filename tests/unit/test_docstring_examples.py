"""The docstrings' examples (``>>>``) run and print what they say."""

import doctest
import importlib
import pkgutil

import pytest

import dataprog_helpers as dh

MODULES = sorted(
    info.name for info in pkgutil.walk_packages(dh.__path__, prefix="dataprog_helpers.")
    if not info.name.endswith("__main__")
)

#: Every estimator shows how it is used.
ESTIMATORS = [dh.LabelModel, dh.ClassConditionalLabelModel, dh.NoiseAwareClassifier,
              dh.BagOfNgrams, dh.VoteStatistics]


@pytest.mark.parametrize("name", MODULES)
def test_the_examples_in_each_module_run_as_written(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda cls: cls.__name__)
def test_every_estimator_has_an_example(estimator):
    assert ">>> " in estimator.__doc__ and "Examples\n" in estimator.__doc__
