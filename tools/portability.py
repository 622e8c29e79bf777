"""Do the stored notebook outputs survive another processor?  A proxy check.

The notebooks are committed executed and nbval compares every printed output
strictly.  Processors round floating-point results differently in the last bit:
TensorFlow's float32 matrix products and NumPy's BLAS and vector loops choose their
instructions by CPU (AVX2, AVX-512, Arm's NEON), and a reduction split over more
threads adds in another order.  A computation that amplifies such a bit, like a
network trained without regularisation, then prints another number on another
machine.  One machine cannot switch processors, so this script re-executes the
notebooks under *variants* that change what a different processor would change,
and runs nbval in strict mode against the stored outputs, which ``make notebooks``
made without any variant:

``none``
    nothing changed: plain strict nbval, as ``pytest --nbval notebooks`` runs it.
``kernels``
    other instruction paths: TensorFlow's float32 GEMM (oneDNN's, used inside
    Eigen's contractions) limited to AVX, NumPy's OpenBLAS forced to its Sandy
    Bridge kernels, and NumPy's vector loops limited to the x86-64-v2 baseline.
``threads``
    8 threads for TensorFlow's operations and for OpenBLAS, as on an 8-core laptop,
    so sums are split and added in other orders.
``onednn``
    TensorFlow with oneDNN's own CPU kernels on, which the notebooks switch off
    (see ``portability_startup.py``).
``perturbed``
    every floating-point input of the label model and the end model multiplied
    by ``1 + 1e-12 z`` (z standard normal, seeded by the values themselves).  The
    models compute in float64, where 1e-12 is about 4,500 units in the last place:
    far more than a rounding difference, far less than any difference that matters.

``make test`` checks every notebook once, under ``combined``: all four changes at
once (``tests/system/test_portability.py``).  ``make portability`` runs ``none`` and then
each variant on its own, which tells a regression (``none`` fails too) from a
cell that reacts to one kind of difference.

Usage::

    python tools/portability.py [VARIANT ...] [-- NOTEBOOK ...]

with no variant meaning ``none`` and the four variants, one after the other, and no
notebook meaning every notebook and solution.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STARTUP_FILE = Path(__file__).with_name("portability_startup.py")
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted(
    (ROOT / "notebooks" / "solutions").glob("*.ipynb")
)

#: What each variant sets in the environment of the kernels (see the module docstring).
VARIANTS: dict[str, dict[str, str]] = {
    "none": {},
    "kernels": {
        "ONEDNN_MAX_CPU_ISA": "AVX",
        "OPENBLAS_CORETYPE": "Sandybridge",
        "NPY_DISABLE_CPU_FEATURES": "X86_V3 X86_V4 AVX512_ICL AVX512_SPR",
    },
    "threads": {
        "TF_NUM_INTRAOP_THREADS": "8",
        "OPENBLAS_NUM_THREADS": "8",
    },
    "onednn": {"DATAPROG_PROXY_ONEDNN": "1"},
    "perturbed": {"DATAPROG_PROXY_PERTURBATION": "1e-12"},
}
VARIANTS["combined"] = {key: value for settings in list(VARIANTS.values())
                        for key, value in settings.items()}


def variant_environment(variant: str, ipython_dir: Path) -> dict[str, str]:
    """The environment of a run under ``variant``, with its IPython start-up folder."""
    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {sorted(VARIANTS)}, got {variant!r}")
    environment = {
        key: value for key, value in os.environ.items()
        if key not in {name for settings in VARIANTS.values() for name in settings}
    }
    environment.update(
        TF_CPP_MIN_LOG_LEVEL="3",
        TF_ENABLE_ONEDNN_OPTS="0",
        IPYTHONDIR=str(ipython_dir),
        **VARIANTS[variant],
    )
    return environment


def run_variant(variant: str, notebooks: list[Path] | None = None,
                capture: bool = False) -> subprocess.CompletedProcess:
    """Execute ``notebooks`` (default: all) under ``variant`` with strict nbval.

    Returns the finished pytest process: return code 0 when every stored output
    was reproduced.
    """
    notebooks = NOTEBOOKS if notebooks is None else notebooks
    with tempfile.TemporaryDirectory(prefix="ipython-portability-") as ipython_dir:
        startup = Path(ipython_dir) / "profile_default" / "startup"
        startup.mkdir(parents=True)
        shutil.copy(STARTUP_FILE, startup / "00-portability.py")
        command = [
            sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env",
            "-p", "no:cacheprovider", "-p", "no:xdist", "-q", "--rootdir", str(ROOT),
            *[str(path) for path in notebooks],
        ]
        return subprocess.run(
            command, cwd=ROOT, env=variant_environment(variant, Path(ipython_dir)),
            capture_output=capture, text=True, check=False,
        )


def main(arguments: list[str]) -> int:
    if "--" in arguments:
        split = arguments.index("--")
        variants, notebooks = arguments[:split], [Path(p).resolve() for p in arguments[split + 1:]]
    else:
        variants, notebooks = arguments, None
    variants = variants or [name for name in VARIANTS if name != "combined"]
    failed = []
    for variant in variants:
        settings = " ".join(f"{key}={value}" for key, value in VARIANTS[variant].items())
        print(f"=== variant {variant}: {settings}", flush=True)
        start = time.perf_counter()
        returncode = run_variant(variant, notebooks).returncode
        print(f"=== variant {variant}: {'passed' if returncode == 0 else 'FAILED'} "
              f"in {time.perf_counter() - start:.0f} s", flush=True)
        if returncode:
            failed.append(variant)
    if failed:
        print(f"Stored outputs changed under: {', '.join(failed)}")
        return 1
    print("Every stored output was reproduced under every variant.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
