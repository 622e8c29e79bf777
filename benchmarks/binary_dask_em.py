"""The two-class class-conditional fit on a Dask array: histogram gathered, or EM by map-reduce.

Run with ``python benchmarks/binary_dask_em.py`` (n = 250,000 and 1,000,000 points);
``--quick`` runs n = 50,000 and 200,000.  It needs the ``dask`` extra.

The votes: m = 50 conditionally independent LFs of coverage 0.25 and accuracies
drawn once in [0.55, 0.85], y = +1 with probability 0.4, so nearly every row is a
distinct pattern and the histogram grows like n (about 58 bytes a row).  On a
``distributed.LocalCluster`` of two single-threaded worker processes, each of 8
chunks is drawn on a worker (seeded by n and its index) and persisted there; the
client gathers one copy for the in-memory fit.  They are fitted three ways by
``ClassConditionalLabelModel().fit``:

- **in memory**, on the NumPy matrix, in this process;
- **gathered**: on the Dask array, with the histogram under the limit
  (:data:`~dataprog_helpers.label_model.binary_dask.HISTOGRAM_LIMIT_BYTES` raised
  for the run), so the chunks' histograms are merged on the client;
- **map-reduce**: on the Dask array, with the limit at 0, so the histograms stay on
  the workers and each EM step is one tree reduction.

For each it prints the wall time of the fit (once, ``time.perf_counter``), the EM
steps, the peak of the client's NumPy allocations during the fit (``tracemalloc``,
which traces NumPy's buffers, the arrays the client receives included) and the
largest difference from the in-memory tables.  It exits with status 1 if the
gathered fit is not the in-memory one to the last bit, or the map-reduce fit
differs by more than ``tol``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import tracemalloc
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

from dataprog_helpers import ClassConditionalLabelModel  # noqa: E402
from dataprog_helpers.label_model import binary_dask  # noqa: E402

N_LFS, COVERAGE, CHUNKS = 50, 0.25, 8


def draw_chunk(rows: int, seed: tuple, accuracies: np.ndarray) -> np.ndarray:
    """One chunk's votes: each LF votes with probability COVERAGE, rightly with its accuracy."""
    rng = np.random.default_rng(seed)
    y = np.where(rng.random(rows) < 0.4, 1, -1)
    votes = rng.random((rows, N_LFS)) < COVERAGE
    right = rng.random((rows, N_LFS)) < accuracies
    return np.where(votes, np.where(right, y[:, None], -y[:, None]), 0).astype(np.int8)


def timed_fit(votes) -> tuple[ClassConditionalLabelModel, float, float]:
    """The fitted model, the wall time and the client's peak NumPy allocation (MiB)."""
    tracemalloc.start()
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # weak LFs: the sign warning is not the point here
        model = ClassConditionalLabelModel().fit(votes)
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return model, seconds, peak


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="n = 50,000 and 200,000")
    arguments = parser.parse_args()
    sizes = [50_000, 200_000] if arguments.quick else [250_000, 1_000_000]
    import dask
    import dask.array as da
    from distributed import Client, LocalCluster

    accuracies = np.random.default_rng(0).uniform(0.55, 0.85, size=N_LFS)

    failures = 0
    print(f"{N_LFS} LFs of coverage {COVERAGE}; {CHUNKS} chunks on a LocalCluster of 2 "
          "single-threaded worker processes")
    print(f"{'n':>9}  {'route':<11} {'fit s':>7} {'EM steps':>9} {'client peak MiB':>16} "
          f"{'max |diff|':>11}")
    with LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1",
                      dashboard_address=None) as cluster, Client(cluster):
        for n in sizes:
            rows = n // CHUNKS
            chunked = da.concatenate([
                da.from_delayed(dask.delayed(draw_chunk)(rows, (n, index), accuracies),
                                (rows, N_LFS), np.int8)
                for index in range(CHUNKS)]).persist()
            label_matrix = chunked.compute()
            in_memory, seconds, peak = timed_fit(label_matrix)
            fits = [("in memory", in_memory, seconds, peak)]
            for route, limit in (("gathered", 2**40), ("map-reduce", -1)):
                binary_dask.HISTOGRAM_LIMIT_BYTES = limit
                fits.append((route, *timed_fit(chunked)))
            for route, model, seconds, peak in fits:
                difference = float(np.max(np.abs(model.conditional_probabilities_
                                                 - in_memory.conditional_probabilities_)))
                print(f"{n:>9,}  {route:<11} {seconds:>7.2f} {model.n_iter_:>9} {peak:>16.1f} "
                      f"{difference:>11.1e}")
                if (route == "gathered" and difference != 0.0) or difference > in_memory.tol:
                    print(f"  FAIL: {route} differs from the in-memory fit", file=sys.stderr)
                    failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
