"""The k-class pipeline at scale: in memory, and on Dask with one and two workers.

Run with ``python benchmarks/dask_scale_classes.py`` (n = 10^6 points); ``--sizes``
chooses the sizes, ``--quick`` is a smoke run at n = 2 * 10^5 (partitions of 50,000
rows).  It needs the ``dask`` extra and Linux (memory is read from ``/proc``), and
reports the columns of ``benchmarks/dask_scale.py`` (whose measuring helpers it
imports) for the k-class pipeline.

The data: k = 6 classes, drawn uniformly; 50 float32 feature columns, column j
``mu_j [y = j mod 6]`` plus standard normal noise; an int64 index ``row_id``; in
partitions of 125,000 rows, partition i drawn by a module-level function seeded by
(0, i), so every path sees the same numbers.  m = 50 one-sided LFs: LF j votes the
*name* of class ``j mod 6`` where column j exceeds ``t_j`` and returns
``dh.ABSTAIN`` elsewhere (``np.where`` on the whole column).  The same n rows go
through two paths:

(a) in memory, in a fresh process: the partitions concatenated into one frame,
    ``apply_lfs(..., classes=...)``, ``ClassConditionalLabelModel(cardinality=6).fit``,
    ``predict_proba`` (n x 6) and ``write_probabilistic_labels(..., classes=...)``
    (one column per class).
(b) Dask on a ``distributed.LocalCluster`` of 1 and 2 single-threaded worker
    processes, a fresh cluster for each: the data drawn on the workers
    (``dd.from_map``), ``apply_lfs`` lazily, the fit on the Dask array (EM by
    map-reduce, :mod:`~dataprog_helpers.label_model.dask_em`: each chunk's votes are
    read once into indicators kept on its worker, so "gen+apply+fit" is one stage),
    then ``predict_proba`` per partition and the Parquet output, which draws and
    labels every partition again (L is not kept).

Every stage is timed once (``time.perf_counter``).  Memory: the resident-set
high-water mark (``VmHWM``) of the in-memory process and of the largest worker;
"RSS+" its growth over the warm-up.  It checks that the Dask fits' tables equal the
in-memory fit's within its tolerance and that the written class probabilities agree
row by row within 1e-6, and exits with status 1 if not.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import argparse  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import dataprog_helpers as dh  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dask_scale import n_partitions, peak_rss_mib, stage  # noqa: E402

K, N_LFS = 6, 50
CLASSES = [f"class {c}" for c in range(K)]
PARTITION_ROWS = 125_000
QUICK_N, QUICK_PARTITION_ROWS = 200_000, 50_000
_PARAMETERS = np.random.default_rng(54321)
MEANS = _PARAMETERS.uniform(0.8, 1.6, N_LFS).astype(np.float32)
THRESHOLDS = _PARAMETERS.uniform(0.8, 1.4, N_LFS).astype(np.float32)
COLUMNS = [f"c{j}" for j in range(N_LFS)]


def make_partition(index: int, n_rows: int, partition_rows: int) -> pd.DataFrame:
    """Partition ``index``: its rows, features only, indexed by ``row_id``."""
    start = index * partition_rows
    stop = min(start + partition_rows, n_rows)
    rng = np.random.default_rng([0, index])
    y = rng.integers(0, K, size=stop - start)
    features = rng.standard_normal((N_LFS, stop - start), dtype=np.float32)
    for j in range(N_LFS):
        features[j] += MEANS[j] * (y == j % K)
    return pd.DataFrame(features.T, columns=COLUMNS,
                        index=pd.Index(np.arange(start, stop, dtype=np.int64), name="row_id"))


def class_lf(j: int):
    """LF j: the name of class j mod 6 above t_j, ABSTAIN elsewhere (whole columns)."""
    column, threshold, name = COLUMNS[j], float(THRESHOLDS[j]), CLASSES[j % K]

    def lf(x):
        return np.where(x[column] > threshold, name, dh.ABSTAIN)

    lf.__name__ = f"lf_{column}"
    return lf


LFS = [class_lf(j) for j in range(N_LFS)]


def model() -> dh.ClassConditionalLabelModel:
    return dh.ClassConditionalLabelModel(cardinality=K)


def read_probabilities(folder: Path, n_rows: int) -> np.ndarray:
    """The class probabilities of a written data set, in ``row_id`` order."""
    table = pd.concat(pd.read_parquet(part) for part in sorted(folder.glob("*.parquet")))
    probabilities = np.full((n_rows, K), np.nan)
    probabilities[table["row_id"].to_numpy()] = table[CLASSES].to_numpy()
    return probabilities


# --- (a): a fresh process --------------------------------------------------------------------

def run_in_memory(n_rows: int, partition_rows: int, out: Path) -> dict:
    warm = make_partition(0, 20_000, 20_000)
    model().fit(dh.apply_lfs(LFS, warm, progress=False, classes=CLASSES))
    rss_start = peak_rss_mib()
    seconds = {}
    with stage(seconds, "generate"):
        frame = pd.concat([make_partition(i, n_rows, partition_rows)
                           for i in range(n_partitions(n_rows, partition_rows))])
    with stage(seconds, "apply"):
        label_matrix = dh.apply_lfs(LFS, frame, progress=False, classes=CLASSES)
    with stage(seconds, "fit"):
        fitted = model().fit(label_matrix)
    with stage(seconds, "post+write"):
        dh.write_probabilistic_labels(out / "labels", fitted.predict_proba(label_matrix),
                                      frame.index, classes=CLASSES)
    np.save(out / "tables.npy", fitted.conditional_probabilities_)
    return {"seconds": seconds, "peak_rss_mib": peak_rss_mib(),
            "rss_growth_mib": peak_rss_mib() - rss_start, "n_iter": int(fitted.n_iter_),
            "coverage": float((label_matrix >= 0).any(axis=1).mean())}


# --- (b): Dask -------------------------------------------------------------------------------

def run_dask(n_workers: int, n_rows: int, partition_rows: int, out: Path) -> dict:
    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    count = n_partitions(n_rows, partition_rows)

    def frame_of(rows, partition):
        return dd.from_map(make_partition, range(n_partitions(rows, partition)),
                           n_rows=rows, partition_rows=partition)

    with LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                      host="127.0.0.1", dashboard_address="127.0.0.1:0") as cluster, \
            Client(cluster) as client:
        # Warm-up on small partitions: the workers import the package and compile nothing
        # else (the k-class fit is NumPy).
        small = frame_of(500 * count, 500)
        model().fit(dh.apply_lfs(LFS, small, classes=CLASSES))
        rss_before = client.run(peak_rss_mib)
        seconds = {}
        frame = frame_of(n_rows, partition_rows)
        with stage(seconds, "gen+apply+fit"):
            label_matrix = dh.apply_lfs(LFS, frame, classes=CLASSES)
            fitted = model().fit(label_matrix)
        with stage(seconds, "post+write"):
            dh.write_probabilistic_labels(out / "labels", fitted.predict_proba(label_matrix),
                                          frame.index, classes=CLASSES)
        rss_after = client.run(peak_rss_mib)
    return {"seconds": seconds, "tables": fitted.conditional_probabilities_,
            "n_iter": int(fitted.n_iter_), "peak_rss_mib": max(rss_after.values()),
            "rss_growth_mib": max(rss_after[w] - rss_before[w] for w in rss_after)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=float, default=[1e6])
    parser.add_argument("--quick", action="store_true", help="n = 200,000, a smoke run")
    parser.add_argument("--child", nargs=3, metavar=("N", "PARTITION_ROWS", "OUT"),
                        help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        n_rows, partition_rows, out = arguments.child
        print(json.dumps(run_in_memory(int(n_rows), int(partition_rows), Path(out))))
        return 0
    sizes = [QUICK_N] if arguments.quick else [int(size) for size in arguments.sizes]
    partition_rows = QUICK_PARTITION_ROWS if arguments.quick else PARTITION_ROWS
    failures = 0
    print(f"k = {K} classes, m = {N_LFS} one-sided LFs returning class names; partitions of "
          f"{partition_rows:,} rows; {os.cpu_count()} CPUs")
    print(f"\n{'n':>11} {'path':<14} {'gen+apply':>10} {'fit':>7} {'post+write':>10} "
          f"{'total s':>8} {'rows/s':>11} {'peak RSS MiB':>12} {'RSS+ MiB':>9} {'EM steps':>8}")
    for n_rows in sizes:
        with tempfile.TemporaryDirectory() as folder:
            folder = Path(folder)
            (folder / "memory").mkdir()
            child = subprocess.run(
                [sys.executable, __file__, "--child", str(n_rows), str(partition_rows),
                 str(folder / "memory")], capture_output=True, text=True, check=True)
            memory = json.loads(child.stdout.strip().splitlines()[-1])
            s = memory["seconds"]
            total = sum(s.values())
            print(f"{n_rows:>11,} {'in memory':<14} {s['generate'] + s['apply']:10.2f} "
                  f"{s['fit']:7.2f} {s['post+write']:10.2f} {total:8.2f} "
                  f"{n_rows / total:11,.0f} {memory['peak_rss_mib']:12.0f} "
                  f"{memory['rss_growth_mib']:9.0f} {memory['n_iter']:8}")
            reference_tables = np.load(folder / "memory" / "tables.npy")
            reference = read_probabilities(folder / "memory" / "labels", n_rows)
            totals = {}
            for n_workers in (1, 2):
                out = folder / f"dask{n_workers}"
                out.mkdir()
                run = run_dask(n_workers, n_rows, partition_rows, out)
                s = run["seconds"]
                totals[n_workers] = s
                total = sum(s.values())
                print(f"{n_rows:>11,} {f'dask {n_workers} worker':<14} {s['gen+apply+fit']:10.2f} "
                      f"{'':>7} {s['post+write']:10.2f} {total:8.2f} {n_rows / total:11,.0f} "
                      f"{run['peak_rss_mib']:12.0f} {run['rss_growth_mib']:9.0f} "
                      f"{run['n_iter']:8}")
                table_gap = float(np.max(np.abs(run["tables"] - reference_tables)))
                probability_gap = float(np.max(np.abs(
                    read_probabilities(out / "labels", n_rows) - reference)))
                if not (table_gap <= model().tol and probability_gap <= 1e-6):
                    print(f"  FAIL: tables differ by {table_gap:.1e}, probabilities by "
                          f"{probability_gap:.1e}", file=sys.stderr)
                    failures += 1
                else:
                    print(f"  {'':>11} equal to in memory: tables within {table_gap:.1e}, "
                          f"probabilities within {probability_gap:.1e}")
            efficiency = {stage: totals[1][stage] / (2 * totals[2][stage]) for stage in totals[1]}
            print("  parallel efficiency t(1) / (2 t(2)): " + ", ".join(
                f"{stage} {value:.2f}" for stage, value in efficiency.items())
                + f"; the LFs vote on {memory['coverage']:.0%} of the points")
    print("\n(in memory: gen+apply is drawing the whole frame and apply_lfs; fit is EM on the "
          "label matrix.\n Dask: gen+apply+fit is one pass that draws and labels each partition "
          "and persists its\n vote indicators, then EM by map-reduce; post+write draws and labels "
          "again.)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
