"""What the package needs to know about Dask, without importing it.

Dask is an optional dependency (the ``dask`` extra: ``pip install
"dataprog-helpers[dask]"``).  The functions that take Dask collections
(:func:`~dataprog_helpers.apply_lfs` on a Dask DataFrame,
:meth:`VoteStatistics.from_dask
<dataprog_helpers.label_model.statistics.VoteStatistics.from_dask>`, the label
models' ``predict_proba`` on a Dask array) recognise them here by their type's
module, so the in-memory paths never import Dask.
"""

from __future__ import annotations

import importlib
from types import ModuleType

INSTALL_HINT = 'install the "dask" extra: pip install "dataprog-helpers[dask]"'


def _from_dask(value, class_name: str) -> bool:
    kind = type(value)
    return kind.__module__.split(".")[0] == "dask" and any(
        base.__name__ == class_name for base in kind.__mro__
    )


def is_dask_array(value) -> bool:
    """Whether ``value`` is a ``dask.array.Array``."""
    return _from_dask(value, "Array")


def is_dask_dataframe(value) -> bool:
    """Whether ``value`` is a ``dask.dataframe.DataFrame``."""
    return _from_dask(value, "DataFrame")


def is_dask_series(value) -> bool:
    """Whether ``value`` is a ``dask.dataframe.Series`` (a Dask ``Index`` is one too)."""
    return _from_dask(value, "Series")


def import_dask(module: str = "dask") -> ModuleType:
    """Import ``module`` (``"dask.array"``, ``"dask.dataframe"``...), or say how to get it."""
    try:
        return importlib.import_module(module)
    except ImportError as error:  # pragma: no cover - the test environment has Dask
        raise ImportError(f"{module} is needed here: {INSTALL_HINT}") from error
