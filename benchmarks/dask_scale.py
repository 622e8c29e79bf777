"""Does the Dask pipeline scale out, and what does it cost against one process?

Run with ``python benchmarks/dask_scale.py`` (n = 10^6 and 10^7 points);
``--with-1e8`` adds n = 10^8, ``--sizes 1e6 3e6`` chooses the sizes, ``--quick``
is a smoke run at n = 2 * 10^5 (partitions of 50,000 rows), ``--workers``
chooses the numbers of Dask workers (default 1 and 2) and ``--no-malloc-trim``
starts them without distributed's ``MALLOC_TRIM_THRESHOLD_`` (see below).  It
needs the ``dask`` extra (``dask[dataframe]`` and ``distributed``) and Linux
(memory is read from ``/proc``).

The data: 50 float32 feature columns drawn from a class-conditional model
(y = +1 with probability 0.6; column j is ``mu_j * y`` plus standard normal
noise), an int64 index ``row_id``, in partitions of 500,000 rows; partition i
is drawn by a module-level function seeded by (0, i), so every path sees the
same numbers.  m = 50 LFs: LF j votes +1 where column j exceeds ``t_j``, -1
where it is below ``-t_j`` and abstains in between (``np.where`` on the whole
column: one call per partition).  The same n rows go through three paths:

(a) in memory, in a fresh process: the partitions concatenated into one pandas
    frame, ``apply_lfs``, ``VoteStatistics.from_label_matrix``,
    ``LabelModel.fit_statistics``, ``predict_proba``,
    ``write_probabilistic_labels``.  Skipped, with the reason printed, when its
    estimated peak (twice the frame, for the concatenation, plus L and the
    posteriors' tables) exceeds half the memory available at the start.
(b) single-process streaming, in a fresh process: pass 1 draws the partitions
    one at a time, labels each (``apply_lfs`` on the pandas partition) and
    feeds the chunks to ``VoteStatistics.from_chunks``; after the fit, pass 2
    draws and labels each partition again, computes its posteriors and writes
    it as one Parquet file with pandas (``write_probabilistic_labels`` needs the
    whole arrays in memory, which is what this path avoids).  Memory is bounded
    by one partition.  It runs twice: "streaming" with this process's
    environment, as a user runs it, and "streaming*" with the environment
    ``distributed`` gives its workers (``distributed.nanny.pre-spawn-environ``:
    one BLAS/OpenMP thread and ``MALLOC_TRIM_THRESHOLD_=65536``), so that
    streaming* against one worker compares the same process settings, and
    streaming against streaming* shows what those settings cost.  (The malloc
    setting fixes glibc's mmap threshold, so every large NumPy temporary, such
    as each LF's votes, is mapped and faulted in afresh: on the machine below
    it made ``apply_lfs`` on 500,000-row partitions about 2.5 times slower.)
(c) Dask on a ``distributed.LocalCluster`` of k = 1 and k = 2 single-threaded
    worker processes, a fresh cluster for each k and n so that each high-water
    mark is its own: the data drawn on the workers (``dd.from_map``),
    ``apply_lfs``, ``VoteStatistics.from_dask``, the fit on the client,
    ``predict_proba`` and ``write_probabilistic_labels`` with ``ddf.index`` into
    a temporary folder (removed afterwards), as a user runs it: L is not
    persisted.  So "gen+apply+stats" is one Dask computation (drawing, labelling
    and the tree reduction fused), and "post+write" draws and labels every
    partition again; it draws each partition twice (once for L, once for
    ``ddf.index``, whose graph ``to_delayed`` optimises separately), as the
    benchmark checks at the start with the synchronous scheduler and prints.

Every stage is timed once with a wall clock (``time.perf_counter``).  Memory is
the resident-set high-water mark (``VmHWM`` in ``/proc/self/status``) of each
worker process (read with ``client.run`` after a warm-up and after the
pipeline; the largest worker's is printed) and of each single-process path's
own process; "RSS+" is the growth over the warm-up.  (Not ``ru_maxrss``: Linux
keeps it across fork + exec, so every worker the client starts would report at
least the client's own size, TensorFlow included.)  The fit (on the Dask
client, or in the fresh process) runs TensorFlow with its own thread pool
everywhere, after a warm-up fit that compiles it.  The scheduler's own cost:
as many no-op tasks as the statistics graph has (``client.map``), and the
pipeline's own graphs (same partitions and tasks) on partitions of one row.

It checks that every path gives identical statistics (``products``, ``counts``,
``vote_sums``, ``n_points``), identical fitted accuracies and class prior, and
identical posteriors read back from the Parquet files (``np.array_equal``, row by
row through ``row_id``), and exits with status 1 if not.  It prints the parallel
efficiency t(1 worker) / (2 t(2 workers)) per stage, memory per worker and fit
time from the smallest size to the others, and Dask against one process.

Measured numbers: none are recorded here yet; the README reports them where a
run has been recorded, with the machine it ran on.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import argparse  # noqa: E402
import contextlib  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import dataprog_helpers as dh  # noqa: E402

N_LFS = 50
PARTITION_ROWS = 500_000
QUICK_N, QUICK_PARTITION_ROWS = 200_000, 50_000
SEED = 0
CLASS_PRIOR = 0.6  # P(y = +1)
_PARAMETERS = np.random.default_rng(12345)
MEANS = _PARAMETERS.uniform(0.3, 1.0, N_LFS).astype(np.float32)  # mu_j
THRESHOLDS = _PARAMETERS.uniform(0.2, 1.0, N_LFS).astype(np.float32)  # t_j
COLUMNS = [f"c{j}" for j in range(N_LFS)]


# --- the data and the LFs (module level: the workers receive them by value) -------------------

def make_partition(index: int, n_rows: int, partition_rows: int, seed: int = SEED) -> pd.DataFrame:
    """Partition ``index`` of the data set: its rows, features only, indexed by ``row_id``."""
    start = index * partition_rows
    stop = min(start + partition_rows, n_rows)
    rng = np.random.default_rng([seed, index])
    labels = np.where(rng.random(stop - start) < CLASS_PRIOR, 1.0, -1.0).astype(np.float32)
    features = rng.standard_normal((N_LFS, stop - start), dtype=np.float32)
    for j in range(N_LFS):
        features[j] += MEANS[j] * labels
    return pd.DataFrame(features.T, columns=COLUMNS,
                        index=pd.Index(np.arange(start, stop, dtype=np.int64), name="row_id"))


def n_partitions(n_rows: int, partition_rows: int) -> int:
    return math.ceil(n_rows / partition_rows)


def threshold_lf(j: int):
    """LF j: +1 above t_j, -1 below -t_j, abstain between (vectorised: whole columns)."""
    column, threshold = COLUMNS[j], float(THRESHOLDS[j])

    def lf(x):
        return np.where(x[column] > threshold, 1, np.where(x[column] < -threshold, -1, 0))

    lf.__name__ = f"lf_{column}"
    return lf


LFS = [threshold_lf(j) for j in range(N_LFS)]


def check_lfs_vectorised() -> None:
    """Each LF must work on a whole frame; apply_lfs would silently go row by row otherwise."""
    sample = make_partition(0, 100, 100, seed=SEED + 1)
    for lf in LFS:
        votes = np.asarray(lf(sample))
        if votes.shape != (100,) or not np.isin(votes, (-1, 0, 1)).all():
            raise RuntimeError(f"{lf.__name__} does not vote on a whole frame at once")


def dask_frame(n_rows: int, partition_rows: int, seed: int = SEED):
    """The same data as a lazy Dask DataFrame: each worker draws its partitions."""
    import dask.dataframe as dd

    count = n_partitions(n_rows, partition_rows)
    divisions = (*range(0, n_rows, partition_rows), n_rows - 1)
    return dd.from_map(make_partition, range(count), n_rows=n_rows,
                       partition_rows=partition_rows, seed=seed,
                       meta=make_partition(0, 0, partition_rows), divisions=divisions)


# --- measuring -------------------------------------------------------------------------------

def peak_rss_mib() -> float:
    """This process's resident-set high-water mark, ``VmHWM`` of ``/proc/self/status``.

    Not ``ru_maxrss``: Linux keeps that across ``fork`` + ``exec``, so a worker or
    subprocess started by a process that has imported TensorFlow reports at least
    the parent's resident size at the fork.  ``VmHWM`` starts afresh with the new
    program.
    """
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    raise RuntimeError("no VmHWM in /proc/self/status")


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy since boot (all cores; ``/proc/stat``)."""
    with open("/proc/stat") as stat:
        user, nice, system, _idle, _iowait, irq, softirq = map(int, stat.readline().split()[1:8])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    """CPU seconds of this process and of its finished children (subprocesses, workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(
        resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def with_interference(run, *arguments) -> dict:
    """``run(*arguments)``, with the share of the machine's CPUs other programs used meanwhile.

    ``"others_cpu"``: the machine's busy CPU seconds not spent by this process or the
    processes it started, over wall seconds times cores, while ``run`` ran (its
    children, including the Dask workers, have exited by then, so they are counted).
    """
    busy, own, start = machine_busy_seconds(), own_cpu_seconds(), time.perf_counter()
    result = run(*arguments)
    others = (machine_busy_seconds() - busy) - (own_cpu_seconds() - own)
    result["others_cpu"] = max(others, 0.0) / ((time.perf_counter() - start) * os.cpu_count())
    return result


@contextlib.contextmanager
def stage(seconds: dict, name: str):
    """Time the block once (``time.perf_counter``) into ``seconds[name]``."""
    start = time.perf_counter()
    yield
    seconds[name] = time.perf_counter() - start


def available_bytes() -> int:
    with open("/proc/meminfo") as meminfo:
        fields = dict(line.split(":", 1) for line in meminfo)
    return int(fields["MemAvailable"].split()[0]) * 1024


def in_memory_estimate(n_rows: int) -> int:
    """Rough peak of path (a): frame twice (concat), int8 L, posterior and output tables."""
    frame = n_rows * (4 * N_LFS + 8)
    return 2 * frame + n_rows * N_LFS + 6 * 8 * n_rows


def warm_up_fit() -> dh.LabelModel:
    """Fit once on small data with the benchmark's m, so that the timed fits are compiled."""
    frame = make_partition(0, 20_000, 20_000, seed=SEED + 2)
    statistics = dh.VoteStatistics.from_label_matrix(dh.apply_lfs(LFS, frame, progress=False),
                                                     patterns=False)
    return dh.LabelModel(seed=0).fit_statistics(statistics)


def save_fit(path: Path, statistics: dh.VoteStatistics, model: dh.LabelModel) -> None:
    np.savez(path, products=statistics.products, counts=statistics.counts,
             vote_sums=statistics.vote_sums, n_points=statistics.n_points,
             accuracies=model.accuracies_, class_prior=model.class_prior_)


def worker_environment() -> dict:
    """This process's environment plus what distributed sets in its worker processes.

    As the nanny builds it: ``distributed.nanny.pre-spawn-environ``, where a variable
    already set here wins and a value of None unsets it.
    """
    import dask

    environment = dict(os.environ)
    pre_spawn = dask.config.get("distributed.nanny.pre-spawn-environ", default={}) or {}
    environment.update({key: os.environ.get(key, str(value))
                        for key, value in pre_spawn.items() if value is not None})
    return environment


# --- (a) and (b): one fresh process each ---------------------------------------------------------

def run_in_memory(n_rows: int, partition_rows: int, out: Path) -> dict:
    warm_up_fit()
    rss_start = peak_rss_mib()
    seconds = {}
    with stage(seconds, "generate"):
        frame = pd.concat([make_partition(i, n_rows, partition_rows)
                           for i in range(n_partitions(n_rows, partition_rows))])
    with stage(seconds, "apply"):
        label_matrix = dh.apply_lfs(LFS, frame, progress=False)
    with stage(seconds, "stats"):
        statistics = dh.VoteStatistics.from_label_matrix(label_matrix, patterns=False)
    with stage(seconds, "fit"):
        model = dh.LabelModel(seed=0).fit_statistics(statistics)
    with stage(seconds, "post+write"):
        dh.write_probabilistic_labels(out / "labels", model.predict_proba(label_matrix),
                                      frame.index)
    save_fit(out / "fit.npz", statistics, model)
    return {"seconds": seconds, "peak_rss_mib": peak_rss_mib(),
            "rss_growth_mib": peak_rss_mib() - rss_start}


def run_streaming(n_rows: int, partition_rows: int, out: Path) -> dict:
    warm_up_fit()
    rss_start = peak_rss_mib()
    count = n_partitions(n_rows, partition_rows)
    seconds = dict.fromkeys(["generate", "apply"], 0.0)

    def label_matrices():
        for index in range(count):
            start = time.perf_counter()
            part = make_partition(index, n_rows, partition_rows)
            middle = time.perf_counter()
            label_matrix = dh.apply_lfs(LFS, part, progress=False)
            seconds["generate"] += middle - start
            seconds["apply"] += time.perf_counter() - middle
            yield label_matrix

    start = time.perf_counter()
    statistics = dh.VoteStatistics.from_chunks(label_matrices(), patterns=False)
    seconds["gen+apply+stats"] = time.perf_counter() - start
    seconds["stats"] = seconds["gen+apply+stats"] - seconds["generate"] - seconds["apply"]
    start = time.perf_counter()
    model = dh.LabelModel(seed=0).fit_statistics(statistics)
    seconds["fit"] = time.perf_counter() - start
    start = time.perf_counter()
    staging = out / ".labels.incomplete"
    staging.mkdir()
    for index in range(count):
        part = make_partition(index, n_rows, partition_rows)
        probabilities = model.predict_proba(dh.apply_lfs(LFS, part, progress=False))
        pd.DataFrame({"row_id": part.index.to_numpy(), "probability": probabilities}).to_parquet(
            staging / f"part.{index}.parquet", index=False)
    os.replace(staging, out / "labels")
    seconds["post+write"] = time.perf_counter() - start
    save_fit(out / "fit.npz", statistics, model)
    return {"seconds": seconds, "peak_rss_mib": peak_rss_mib(),
            "rss_growth_mib": peak_rss_mib() - rss_start}


def run_child(path: str, n_rows: int, partition_rows: int, out: Path,
              environment: dict | None = None) -> dict:
    """Run path (a) or (b) in a fresh Python process; its result, its files under ``out``.

    ``environment``: the process's environment variables (default: this one's).
    """
    command = [sys.executable, __file__, "--child", path, str(n_rows), str(partition_rows),
               str(out)]
    done = subprocess.run(command, capture_output=True, text=True, env=environment)
    if done.returncode:
        raise RuntimeError(f"the {path} process failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.splitlines()[-1])


# --- (c): Dask ----------------------------------------------------------------------------------

def generate_calls_per_partition() -> tuple[float, float]:
    """How often each stage draws a partition, counted with the synchronous scheduler."""
    import dask
    import dask.dataframe as dd

    calls = []

    def counted(index, n_rows, partition_rows):
        calls.append(index)
        return make_partition(index, n_rows, partition_rows)

    n_rows, partition_rows = 4_000, 1_000
    frame = dd.from_map(counted, range(4), n_rows=n_rows, partition_rows=partition_rows,
                        meta=make_partition(0, 0, partition_rows),
                        divisions=(0, 1_000, 2_000, 3_000, 3_999))
    with dask.config.set(scheduler="synchronous"), tempfile.TemporaryDirectory() as folder:
        label_matrix = dh.apply_lfs(LFS, frame)
        calls.clear()
        statistics = dh.VoteStatistics.from_dask(label_matrix, patterns=False)
        in_stats = len(calls) / 4
        model = dh.LabelModel(seed=0).fit_statistics(statistics)
        calls.clear()
        dh.write_probabilistic_labels(Path(folder) / "labels", model.predict_proba(label_matrix),
                                      frame.index)
        in_write = len(calls) / 4
    return in_stats, in_write


def dask_pipeline(n_rows: int, partition_rows: int, out: Path, model=None) -> dict:
    """apply_lfs -> from_dask -> fit on the client -> predict_proba -> write; timed per stage.

    With ``model`` given (the overhead run on one-row partitions), that model is used
    instead of fitting.
    """
    frame = dask_frame(n_rows, partition_rows)
    seconds = {}
    start = time.perf_counter()
    label_matrix = dh.apply_lfs(LFS, frame)
    statistics = dh.VoteStatistics.from_dask(label_matrix, patterns=False)
    seconds["gen+apply+stats"] = time.perf_counter() - start
    start = time.perf_counter()
    if model is None:
        model = dh.LabelModel(seed=0).fit_statistics(statistics)
    seconds["fit"] = time.perf_counter() - start
    start = time.perf_counter()
    dh.write_probabilistic_labels(out, model.predict_proba(label_matrix), frame.index)
    seconds["post+write"] = time.perf_counter() - start
    return {"seconds": seconds, "statistics": statistics, "model": model}


def _no_op(index: int) -> int:
    return index


def graph_tasks(n_rows: int, partition_rows: int) -> int:
    """Tasks in the statistics computation of ``dask_pipeline``."""
    delayed = dh.VoteStatistics.from_dask(dh.apply_lfs(LFS, dask_frame(n_rows, partition_rows)),
                                          patterns=False, compute=False)
    return len(delayed.__dask_graph__())


def run_dask(n_workers: int, n_rows: int, partition_rows: int, out: Path,
             warm_model: dh.LabelModel) -> dict:
    from distributed import Client, LocalCluster

    count = n_partitions(n_rows, partition_rows)
    with LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                      host="127.0.0.1", dashboard_address="127.0.0.1:0") as cluster, \
            Client(cluster) as client:
        # The same graphs on one-row partitions: the first run warms the workers up
        # (imports), the second measures the scheduler's and each task's fixed costs.
        overhead = None
        for attempt in range(2):
            overhead = dask_pipeline(count, 1, out / f"overhead{attempt}",
                                     model=warm_model)["seconds"]
        tasks = graph_tasks(n_rows, partition_rows)
        start = time.perf_counter()
        client.gather(client.map(_no_op, range(tasks), pure=False))
        no_op = time.perf_counter() - start
        rss_before = client.run(peak_rss_mib)
        result = dask_pipeline(n_rows, partition_rows, out / "labels")
        rss_after = client.run(peak_rss_mib)
        start = time.perf_counter()
        dask_frame(n_rows, partition_rows).map_partitions(len).compute()
        generate_only = time.perf_counter() - start
    result["overhead"] = overhead
    result["tasks"], result["no_op"] = tasks, no_op
    result["generate_only"] = generate_only
    result["peak_rss_mib"] = max(rss_after.values())
    result["rss_growth_mib"] = max(rss_after[worker] - rss_before[worker] for worker in rss_after)
    return result


# --- checking --------------------------------------------------------------------------------

def read_fit(path: Path) -> dict:
    with np.load(path) as saved:
        return {key: saved[key] for key in saved.files}


def fit_fields(statistics: dh.VoteStatistics, model: dh.LabelModel) -> dict:
    return {"products": statistics.products, "counts": statistics.counts,
            "vote_sums": statistics.vote_sums, "n_points": np.asarray(statistics.n_points),
            "accuracies": model.accuracies_, "class_prior": np.asarray(model.class_prior_)}


def parquet_parts(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.parquet"), key=lambda part: int(part.name.split(".")[1]))


def read_posteriors(folder: Path, n_rows: int) -> np.ndarray:
    """The probabilities of a written data set, in ``row_id`` order (each id exactly once)."""
    probabilities = np.full(n_rows, np.nan)
    seen = np.zeros(n_rows, dtype=bool)
    for part in parquet_parts(folder):
        table = pd.read_parquet(part)
        ids = table["row_id"].to_numpy()
        if seen[ids].any():
            raise ValueError(f"{part.name}: a row_id appears twice")
        seen[ids] = True
        probabilities[ids] = table["probability"].to_numpy()
    if not seen.all():
        raise ValueError(f"{folder}: {int((~seen).sum())} row ids are missing")
    return probabilities


def same_posteriors(folder: Path, reference: np.ndarray) -> bool:
    """Whether the data set in ``folder`` holds exactly ``reference``, each row id once."""
    seen = np.zeros(len(reference), dtype=bool)
    for part in parquet_parts(folder):
        table = pd.read_parquet(part)
        ids = table["row_id"].to_numpy()
        if seen[ids].any() or not np.array_equal(table["probability"].to_numpy(),
                                                 reference[ids]):
            return False
        seen[ids] = True
    return bool(seen.all())


def same_fit(fields: dict, reference: dict) -> list[str]:
    """The names of the fields that differ."""
    return [key for key in reference if not np.array_equal(fields[key], reference[key])]


# --- the report ------------------------------------------------------------------------------

def ratio(numerator: float, denominator: float) -> str:
    return f"{numerator / denominator:6.2f}" if denominator > 0 else "   n/a"


def print_tables(results: dict, sizes: list[int], workers: list[int], quick: bool) -> None:
    stages = ["gen+apply+stats", "fit", "post+write"]
    print(f"\n{'n':>11} {'path':<14} {'gen+apply+stats':>15} {'fit':>7} {'post+write':>10} "
          f"{'total s':>8} {'rows/s':>11} {'peak RSS MiB':>12} {'RSS+ MiB':>9} {'others':>7}")
    for n_rows in sizes:
        for name, row in results[n_rows].items():
            if "skipped" in row:
                print(f"{n_rows:>11,} {name:<14} skipped: {row['skipped']}")
                continue
            s = row["seconds"]
            first = s.get("gen+apply+stats", s.get("generate", 0) + s.get("apply", 0)
                          + s.get("stats", 0))
            total = first + s["fit"] + s["post+write"]
            row["total"] = total
            print(f"{n_rows:>11,} {name:<14} {first:15.2f} {s['fit']:7.3f} {s['post+write']:10.2f} "
                  f"{total:8.2f} {n_rows / total:11,.0f} {row['peak_rss_mib']:12.0f} "
                  f"{row['rss_growth_mib']:9.0f} {row['others_cpu']:7.1%}")
    print("  (in memory: gen+apply+stats is drawing the whole frame, apply_lfs and "
          "from_label_matrix, run one after another;\n   streaming and Dask: one pass, fused; "
          "post+write draws and labels the partitions again)")
    print("  peak RSS: VmHWM of the process (in memory, streaming: TensorFlow included, they fit "
          "in-process)\n  or of the largest worker (Dask: no TensorFlow, the client fits); "
          "RSS+: its growth over the warm-up;\n  others: share of the machine's CPU time "
          "used by other programs meanwhile (should be about 0)")

    print("\nBreakdown of the single-process paths (s); Dask: a pass that only draws the "
          "partitions (map_partitions(len)), not part of the pipeline")
    print(f"{'n':>11} {'path':<14} {'generate':>9} {'apply':>7} {'stats':>7}")
    for n_rows in sizes:
        for name, row in results[n_rows].items():
            if "skipped" in row:
                continue
            s = row["seconds"]
            if "generate" in s:
                print(f"{n_rows:>11,} {name:<14} {s['generate']:9.2f} {s['apply']:7.2f} "
                      f"{s['stats']:7.2f}")
            else:
                print(f"{n_rows:>11,} {name:<14} {row['generate_only']:9.2f} {'':>7} {'':>7}")

    print("\nScheduler and per-task fixed costs (s): as many no-op tasks as the statistics "
          "graph has (client.map),\nand the pipeline's own graphs on one-row partitions; "
          "share: their sum over the pipeline's total")
    print(f"{'n':>11} {'path':<14} {'tasks':>7} {'no-op tasks':>11} {'stats graph':>11} "
          f"{'write graph':>11} {'share':>7}")
    for n_rows in sizes:
        for k in workers:
            row = results[n_rows][f"dask {k} worker"]
            o = row["overhead"]
            print(f"{n_rows:>11,} {'dask ' + str(k) + ' worker':<14} {row['tasks']:>7} "
                  f"{row['no_op']:11.3f} {o['gen+apply+stats']:11.3f} {o['post+write']:11.3f} "
                  f"{(o['gen+apply+stats'] + o['post+write']) / row['total']:7.1%}")

    if 1 in workers and 2 in workers:
        print("\nParallel efficiency at 2 workers, t(1 worker) / (2 t(2 workers)); aim >= 0.7 "
              "(the fit runs on the client: not parallel)")
        print(f"{'n':>11} {'gen+apply+stats':>15} {'fit':>7} {'post+write':>10} {'total':>7}")
        for n_rows in sizes:
            one, two = results[n_rows]["dask 1 worker"], results[n_rows]["dask 2 worker"]
            cells = [ratio(one["seconds"][stage], 2 * two["seconds"][stage]) for stage in stages]
            print(f"{n_rows:>11,} {cells[0]:>15} {cells[1]:>7} {cells[2]:>10} "
                  f"{ratio(one['total'], 2 * two['total']):>7}")

    small = sizes[0]
    if len(sizes) > 1:
        print(f"\nFrom n = {small:,} to larger n: peak memory per worker or process "
              "(should not grow with n) and fit time (should not either)")
        for n_rows in sizes[1:]:
            for name, row in results[n_rows].items():
                base = results[small][name]
                if "skipped" in row or "skipped" in base:
                    continue
                memory = ratio(row["peak_rss_mib"], base["peak_rss_mib"]).strip()
                fit = ratio(row["seconds"]["fit"], base["seconds"]["fit"]).strip()
                print(f"  n = {n_rows:>11,} {name:<14} peak RSS x{memory} "
                      f"({base['peak_rss_mib']:.0f} -> {row['peak_rss_mib']:.0f} MiB), "
                      f"fit time x{fit} ({1e3 * base['seconds']['fit']:.0f} -> "
                      f"{1e3 * row['seconds']['fit']:.0f} ms)  (n x{n_rows // small})")

    print("\nDask against the single-process paths: t(other) / t(Dask), > 1 where Dask is "
          "faster (total; gen+apply+stats; post+write)")
    for n_rows in sizes:
        for k in workers:
            row = results[n_rows][f"dask {k} worker"]
            cells = []
            for name in ("streaming", "streaming*", "in memory"):
                other = results[n_rows][name]
                if "skipped" in other:
                    continue
                values = [ratio(other["total"], row["total"]).strip()]
                if name != "in memory":
                    values += [ratio(other["seconds"][stage], row["seconds"][stage]).strip()
                               for stage in ("gen+apply+stats", "post+write")]
                cells.append(f"{name}: {'; '.join(values)}")
            print(f"  n = {n_rows:>11,}, {k} worker(s): " + ", ".join(cells))
    if quick:
        print("\n(--quick: a smoke run; times this small are dominated by fixed costs)")


def machine() -> str:
    model = "unknown CPU"
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as meminfo:
        total = int(meminfo.readline().split()[1]) / 2**20
    return f"{model}, {os.cpu_count()} cores, {total:.0f} GiB"


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=lambda text: int(float(text)),
                        default=[10**6, 10**7], help="numbers of rows (default 1e6 1e7)")
    parser.add_argument("--with-1e8", action="store_true", help="add n = 10^8")
    parser.add_argument("--quick", action="store_true",
                        help=f"smoke run: n = {QUICK_N:,}, partitions of {QUICK_PARTITION_ROWS:,}")
    parser.add_argument("--partition-rows", type=int, default=None,
                        help=f"rows per partition (default {PARTITION_ROWS:,})")
    parser.add_argument("--workers", nargs="+", type=int, default=[1, 2],
                        help="numbers of Dask workers (default 1 2)")
    parser.add_argument("--no-malloc-trim", action="store_true",
                        help="start the workers (and streaming*) without distributed's "
                             "MALLOC_TRIM_THRESHOLD_")
    return parser.parse_args()


def main() -> int:
    arguments = parse_arguments()
    sizes = sorted(set(arguments.sizes + ([10**8] if arguments.with_1e8 else [])))
    if arguments.quick:
        sizes = [QUICK_N]
    partition_rows = arguments.partition_rows or (
        QUICK_PARTITION_ROWS if arguments.quick else PARTITION_ROWS)
    workers = sorted(set(arguments.workers))
    if arguments.no_malloc_trim:
        import dask

        dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None})
    check_lfs_vectorised()
    print(f"Dask against one process: m = {N_LFS} vectorised LFs, float32 features, "
          f"{partition_rows:,} rows per partition; {machine()}")
    budget = available_bytes() // 2
    in_stats, in_write = generate_calls_per_partition()
    print(f"Each partition is drawn {in_stats:g} time(s) by the Dask statistics computation and "
          f"{in_write:g} time(s) by predict_proba + write_probabilistic_labels(..., ddf.index).")
    added = {key: value for key, value in worker_environment().items()
             if os.environ.get(key) != value}
    print(f"The Dask workers' environment adds {added or 'nothing'} "
          "(distributed.nanny.pre-spawn-environ);\nstreaming* is the streaming path run with it, "
          "streaming and in memory run with this process's environment.")
    warm_model = warm_up_fit()

    results: dict[int, dict] = {}
    failures = []
    with tempfile.TemporaryDirectory(prefix="dask_scale_") as scratch:
        scratch = Path(scratch)
        reference: dict = {}

        def check(n_rows: int, name: str, fields: dict, labels: Path) -> None:
            """Compare a path's fit and written posteriors with the reference path's."""
            differ = same_fit(fields, reference["fit"])
            if differ:
                failures.append(f"n = {n_rows:,}, {name}: {', '.join(differ)} differ")
            if not same_posteriors(labels, reference["posteriors"]):
                failures.append(f"n = {n_rows:,}, {name}: posteriors differ")

        for n_rows in sizes:
            rows = results[n_rows] = {}
            print(f"n = {n_rows:,} ({n_partitions(n_rows, partition_rows)} partitions) ...",
                  flush=True)
            folder = scratch / "streaming"
            folder.mkdir()
            rows["streaming"] = with_interference(run_child, "streaming", n_rows,
                                                 partition_rows, folder)
            reference["fit"] = read_fit(folder / "fit.npz")
            reference["posteriors"] = read_posteriors(folder / "labels", n_rows)
            shutil.rmtree(folder)

            folder = scratch / "streaming_worker_environment"
            folder.mkdir()
            rows["streaming*"] = with_interference(run_child, "streaming", n_rows,
                                                   partition_rows, folder, worker_environment())
            check(n_rows, "streaming*", read_fit(folder / "fit.npz"), folder / "labels")
            shutil.rmtree(folder)

            estimate = in_memory_estimate(n_rows)
            if estimate > budget:
                rows["in memory"] = {"skipped": f"estimated peak {estimate / 2**30:.1f} GiB > "
                                                f"budget {budget / 2**30:.1f} GiB (half of the "
                                                "available memory)"}
            else:
                folder = scratch / "in_memory"
                folder.mkdir()
                rows["in memory"] = with_interference(run_child, "in-memory", n_rows,
                                                     partition_rows, folder)
                check(n_rows, "in memory", read_fit(folder / "fit.npz"), folder / "labels")
                shutil.rmtree(folder)

            for k in workers:
                folder = scratch / f"dask{k}"
                folder.mkdir()
                name = f"dask {k} worker"
                result = rows[name] = with_interference(run_dask, k, n_rows, partition_rows,
                                                        folder, warm_model)
                check(n_rows, name, fit_fields(result.pop("statistics"), result.pop("model")),
                      folder / "labels")
                shutil.rmtree(folder)
            reference.clear()

    print_tables(results, sizes, workers, arguments.quick)
    busy = [f"n = {n_rows:,} {name}: {row['others_cpu']:.0%}"
            for n_rows in sizes for name, row in results[n_rows].items()
            if row.get("others_cpu", 0.0) > 0.05]
    if busy:
        print("\nWARNING: other programs used more than 5% of the CPUs during "
              + "; ".join(busy) + ". Those times are not the machine's own.")
    print("\nIdentity checks (statistics, fitted accuracies and prior, posteriors read back from "
          "Parquet, against the streaming path's):")
    if failures:
        for failure in failures:
            print(f"  FAILED: {failure}")
        return 1
    print("  all paths identical at every n")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "--child":
        _, _, which, n, rows_per_partition, folder = sys.argv
        runner = run_in_memory if which == "in-memory" else run_streaming
        print(json.dumps(runner(int(n), int(rows_per_partition), Path(folder))))
    else:
        sys.exit(main())
