"""Internal pieces the library's modules share: input checks (``validation``), the chunk
size (``chunks``), optional Dask (``optional_dask``), lazy re-exports (``lazy_exports``)
and warnings reported at the user's line (``caller_warnings``)."""
