"""How do time and memory grow with the number of points?  The label model end to end.

Run with ``make benchmark`` (or ``python benchmarks/scale.py``).  For n = 10^4,
10^5 and 10^6 points and m = 100 LFs (coverage 0.25, accuracies in
[0.45, 0.75]), each size runs in a fresh Python process so that its peak memory
is its own, and does the whole label-model pipeline:

1. simulate the label matrix, stored as int8 (n x m bytes);
2. accumulate the vote statistics chunk by chunk (``VoteStatistics.from_chunks``
   over slices of the package's ``CHUNK_ROWS`` rows: no float copy of L larger
   than one chunk);
3. fit the label model on the statistics;
4. compute the posterior of every point (also chunk by chunk).

(``dataprog_helpers.experiment.streaming_run``, which notebook 5 runs at smaller n.)

It prints the seconds of each stage, the peak of memory allocated by NumPy
(tracemalloc) and the growth of the process's peak resident memory over its
size after start-up (which includes TensorFlow's import, the same at every n).  A
float64 copy of L would need 8 n m bytes: 763 MiB (800 MB) at n = 10^6.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import json  # noqa: E402
import resource  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

import dataprog_helpers as dh  # noqa: E402
from dataprog_helpers.course.experiment import streaming_run  # noqa: E402

SIZES = (10_000, 100_000, 1_000_000)
N_LFS = 100


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def run_one(n: int) -> dict:
    """``streaming_run`` at one size, plus the growth of the process's peak resident memory."""
    dh.LabelModel().fit(dh.course.make_tutorial_data(n=2_000, seed=0).L_train)  # compile the fit
    rss_before = _peak_rss_mib()
    result = streaming_run(n, N_LFS)
    result["rss_growth_mib"] = _peak_rss_mib() - rss_before
    return result


def main() -> None:
    rows = []
    for n in SIZES:
        output = subprocess.run(
            [sys.executable, __file__, str(n)], capture_output=True, text=True, check=True
        ).stdout
        rows.append(json.loads(output.splitlines()[-1]))
    print(f"Label model end to end, m = {N_LFS} LFs (each size in a fresh process)\n")
    print(f"{'n':>10} {'simulate':>9} {'stats':>7} {'fit':>7} {'posterior':>9} "
          f"{'total s':>8} {'L MiB':>6} {'traced MiB':>10} {'RSS+ MiB':>8} {'acc err':>8}")
    for row in rows:
        s = row["seconds"]
        print(f"{row['n']:>10,} {s['simulate']:9.3f} {s['statistics']:7.3f} {s['fit']:7.3f} "
              f"{s['posterior']:9.3f} {sum(s.values()):8.3f} {row['label_matrix_mib']:6.1f} "
              f"{row['traced_peak_mib']:10.1f} {row['rss_growth_mib']:8.1f} "
              f"{row['accuracy_error']:8.4f}")
    print("\nGrowth from one size to the next (10x more points):")
    for before, after in zip(rows, rows[1:], strict=False):
        time_ratio = sum(after["seconds"].values()) / sum(before["seconds"].values())
        stats_ratio = after["seconds"]["statistics"] / before["seconds"]["statistics"]
        memory_ratio = after["traced_peak_mib"] / before["traced_peak_mib"]
        print(f"  {before['n']:>9,} -> {after['n']:>9,}: total time x{time_ratio:.1f}, "
              f"statistics x{stats_ratio:.1f}, traced peak memory x{memory_ratio:.1f}")
    largest = rows[-1]
    print(f"\nAt n = {largest['n']:,}: L is {largest['label_matrix_mib']:.0f} MiB as int8; "
          f"a float64 copy would be {largest['float64_copy_mib']:.0f} MiB. Peak traced memory "
          f"{largest['traced_peak_mib']:.0f} MiB.")


if __name__ == "__main__":
    if len(sys.argv) == 2:
        print(json.dumps(run_one(int(sys.argv[1]))))
    else:
        main()
