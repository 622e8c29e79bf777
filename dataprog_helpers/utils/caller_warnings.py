"""Warnings that point at the user's line, whichever public function was called.

A warning's ``stacklevel`` says how many frames up its reported location is.  A
fixed number is right for one call path only: the same warning raised under
``fit`` and under ``fit_statistics`` (one frame fewer), or under
:func:`~dataprog_helpers.find_dependencies` (which refits a model), would point
into the package on the others.  :func:`warn_at_caller` counts the frames at
warn time instead, up to the first one outside the ``dataprog_helpers``
package: the line that called into it.  (Python 3.12 added
``warnings.warn(..., skip_file_prefixes=...)`` for this; the package supports
3.11, so it walks the frames itself, which gives the same location.)
"""

from __future__ import annotations

import os
import sys
import warnings

__all__ = ["warn_at_caller"]

#: The package's directory with a trailing separator: frames of files under it are
#: the package's own.  Built from this module's own ``__file__``, so it is spelled as
#: the other modules' code filenames are (they are imported the same way).
PACKAGE_PREFIX = os.path.dirname(os.path.dirname(__file__)) + os.sep


def _in_package(filename: str) -> bool:
    return filename.startswith(PACKAGE_PREFIX)


def warn_at_caller(message: str, category: type[Warning]) -> None:
    """``warnings.warn(message, category)`` reported at the user's call into the package.

    The location (the filename and line that ``warnings`` shows, that filters
    match on and that ``catch_warnings(record=True)`` records) is the first
    frame outside ``dataprog_helpers``, however deep in the package the warning
    was raised.  If every frame is the package's (``python -m
    dataprog_helpers.experiment``), it is the outermost one.
    """
    frame = sys._getframe(0)  # this function's frame: stacklevel 1
    level = 1
    while frame.f_back is not None and _in_package(frame.f_code.co_filename):
        frame = frame.f_back
        level += 1
    warnings.warn(message, category, stacklevel=level)
