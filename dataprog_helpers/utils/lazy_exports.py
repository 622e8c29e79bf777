"""Lazy re-exports for a package's ``__init__`` (PEP 562).

A package lists which submodule holds each public name; a name is imported the
first time it is used.  So ``import dataprog_helpers`` is cheap, and code that
needs only the NumPy parts (vote statistics on a Dask worker, say) never
imports TensorFlow.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping


def lazy_exports(
    package: str,
    namespace: dict,
    homes: Mapping[str, str],
    submodules: Iterable[str] = (),
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of a package that re-exports lazily.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    namespace : dict
        The package's ``globals()``; a name, once imported, is cached there.
    homes : mapping of str to str
        Public name -> the submodule (relative to ``package``) that defines it.
    submodules : iterable of str
        Submodules reachable as attributes (``dh.plots``) before anyone
        imports them.
    """
    submodules = frozenset(submodules)

    def __getattr__(name: str) -> object:
        if name in submodules:
            value = importlib.import_module(f".{name}", package)
        elif name in homes:
            value = getattr(importlib.import_module(f".{homes[name]}", package), name)
        else:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        # The public names and the submodules, not the package's own helpers.
        return sorted(set(homes) | submodules | set(namespace.get("__all__", ())))

    return __getattr__, __dir__
