"""The exceptions and warnings the package raises, in one public module.

Where scikit-learn has a class for the same thing, the package uses it or a
subclass of it, so ``except sklearn.exceptions.NotFittedError`` and
``warnings.simplefilter("ignore", sklearn.exceptions.ConvergenceWarning)`` work on
this package's estimators as on scikit-learn's.
"""

from __future__ import annotations

import sklearn.exceptions

__all__ = [
    "ConvergenceWarning",
    "IdentifiabilityWarning",
    "LabelingFunctionError",
    "NotFittedError",
]

#: Raised when a model is used before ``fit`` (scikit-learn's class itself, as
#: :func:`sklearn.utils.validation.check_is_fitted` raises it).
NotFittedError = sklearn.exceptions.NotFittedError


class ConvergenceWarning(sklearn.exceptions.ConvergenceWarning):
    """Warned when an optimiser stops at its iteration limit before its tolerance."""


class IdentifiabilityWarning(UserWarning):
    """Warned when the data barely determine what the model reports (e.g. the sign of q)."""


class LabelingFunctionError(ValueError):
    """A labeling function raised an exception on a row (the message names both).

    Its only argument is the message, so it pickles, and a Dask client re-raises
    it as a worker raised it.  Plain pickling drops the chained ``__cause__`` (the
    message repeats it); ``dask.distributed`` sends it along where it pickles.
    """
