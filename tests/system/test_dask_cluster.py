"""The label models on real Dask clusters, started the way users start them.

* A scheduler and two workers started with the ``dask`` command line, listening on
  127.0.0.1 only, then shut down by the client.
* A TLS cluster with throwaway certificates (``Security.temporary()``): it serves the
  holders of its certificate and refuses everyone else.
* A cluster whose worker process is killed (SIGKILL) in the middle of the statistics:
  its nanny restarts it, the lost chunks are computed again, and none is lost or
  counted twice.

Each time, the statistics, the fitted parameters and the posteriors must be
identical to the in-memory path on the same votes.

Worker processes import this module to unpickle its helper functions, so its top
level imports nothing that loads TensorFlow (as the workers of a user's cluster do
not): the label models, which do, are reached as ``dataprog_helpers.LabelModel``
inside the tests (the package exports them lazily).
"""

from __future__ import annotations

import gc
import json
import operator
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

dask = pytest.importorskip("dask")
da = pytest.importorskip("dask.array")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")
psutil = pytest.importorskip("psutil")  # a dependency of distributed

from distributed.comm import get_address_host_port  # noqa: E402
from distributed.comm.core import CommClosedError, FatalCommClosedError  # noqa: E402

import dataprog_helpers  # noqa: E402
from dataprog_helpers import VoteStatistics, apply_lfs  # noqa: E402

#: The ``dask`` console script of the environment running the tests.
DASK_CLI = Path(sys.executable).parent / "dask"

#: Seconds a refused client may take to give up (it is refused well within it).
REFUSAL_TIMEOUT = 5

#: The fault test's votes: chunks of rows whose creation sleeps, so the statistics
#: take about FAULT_CHUNKS * CHUNK_SECONDS / 2 seconds on two workers.
FAULT_CHUNKS = 100
FAULT_ROWS = 500
FAULT_LFS = 8
CHUNK_SECONDS = 0.05
#: Chunks started (of FAULT_CHUNKS) before the worker is killed.
STARTED_BEFORE_KILL = 25

posix_only = pytest.mark.skipif(sys.platform == "win32",
                                reason="uses POSIX signals and process groups")


# --- helpers (module level: worker processes unpickle them) ---------------------------


def _votes_of_chunk(index: int) -> np.ndarray:
    """The fault test's chunk ``index``: FAULT_ROWS rows of votes in {-1, 0, +1}."""
    rng = np.random.default_rng([20261203, index])
    return rng.integers(-1, 2, size=(FAULT_ROWS, FAULT_LFS), dtype=np.int8)


def _slow_votes_of_chunk(index: int, started_directory: str) -> np.ndarray:
    """:func:`_votes_of_chunk`, slowly; leaves one file in ``started_directory`` per start."""
    Path(started_directory, f"{index}-{uuid.uuid4().hex}").touch()
    time.sleep(CHUNK_SECONDS)
    return _votes_of_chunk(index)


def _starts_per_chunk(started_directory: Path) -> Counter:
    return Counter(int(name.split("-")[0]) for name in os.listdir(started_directory))


def _wait_until(condition, timeout: float, interval: float = 0.02):
    """``condition()``'s first truthy value within ``timeout`` seconds, else its last one."""
    deadline = time.monotonic() + timeout
    while not (value := condition()) and time.monotonic() < deadline:
        time.sleep(interval)
    return value


def _assert_pipeline_gives_the_in_memory_results(votes, in_memory, same_statistics) -> None:
    """Statistics on the cluster, fits on the client, posteriors on the cluster."""
    statistics = VoteStatistics.from_dask(votes, patterns=True)
    same_statistics(in_memory.statistics, statistics)
    symmetric = dataprog_helpers.LabelModel(seed=0).fit_statistics(statistics)
    class_conditional = dataprog_helpers.ClassConditionalLabelModel().fit_statistics(statistics)
    for fitted, expected, names in (
        (symmetric, in_memory.symmetric, ("accuracies_", "class_prior_")),
        (class_conditional, in_memory.class_conditional,
         ("conditional_probabilities_", "class_prior_")),
    ):
        for name in names:
            np.testing.assert_array_equal(getattr(fitted, name), getattr(expected, name),
                                          err_msg=name)
        lazy = fitted.predict_proba(votes)
        assert isinstance(lazy, da.Array)
        posteriors = lazy.compute()
        wanted = expected.predict_proba(in_memory.label_matrix)
        assert posteriors.dtype == wanted.dtype == np.float64
        np.testing.assert_array_equal(posteriors, wanted)


def _start_cli(arguments: list[str], log: Path, directory: Path) -> subprocess.Popen:
    """``dask ARGUMENTS`` in a session (process group) of its own, output to ``log``."""
    with open(log, "wb") as output:  # the child keeps its own copy of the descriptor
        return subprocess.Popen([str(DASK_CLI), *arguments], stdout=output,
                                stderr=subprocess.STDOUT, cwd=directory, start_new_session=True)


def _live_members(group: int) -> list[psutil.Process]:
    """The processes of process group ``group`` that still run (zombies excluded)."""
    members = []
    for process in psutil.process_iter():
        try:
            if os.getpgid(process.pid) == group and process.status() != psutil.STATUS_ZOMBIE:
                members.append(process)
        except (ProcessLookupError, psutil.NoSuchProcess):
            continue
    return members


def _stop(processes: list[subprocess.Popen], timeout: float = 15.0) -> None:
    """Terminate what still runs, wait, then kill whatever is left of each process group."""
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            pass
    for process in processes:
        for member in _live_members(process.pid):
            try:
                member.kill()
            except psutil.NoSuchProcess:
                pass
        if process.poll() is None:
            process.kill()
        process.wait(timeout)


def _scheduler_address(scheduler_file: Path, scheduler: subprocess.Popen, log: Path) -> str:
    """The address the CLI scheduler writes to its scheduler file once it listens."""

    def address():
        assert scheduler.poll() is None, f"the scheduler exited:\n{log.read_text()}"
        try:
            return json.loads(scheduler_file.read_text())["address"]
        except (FileNotFoundError, json.JSONDecodeError, KeyError):
            return None  # not written yet, or being written

    found = _wait_until(address, timeout=60)
    assert found, f"no scheduler address after 60 s:\n{log.read_text()}"
    return found


def _listening_hosts(processes: list[subprocess.Popen]) -> set[str]:
    """The IP addresses on which the processes and their children accept connections."""
    hosts = set()
    for started in processes:
        parent = psutil.Process(started.pid)
        for process in (parent, *parent.children(recursive=True)):
            for connection in process.net_connections(kind="inet"):
                if connection.status == psutil.CONN_LISTEN:
                    hosts.add(connection.laddr.ip)
    return hosts


def _assert_refused(address: str, security, error: type[BaseException], match: str) -> None:
    """A client with ``security`` (None: none at all) fails at once with ``error``."""
    keywords = {} if security is None else {"security": security}
    start = time.monotonic()
    with pytest.raises(error, match=match):
        distributed.Client(address, timeout=REFUSAL_TIMEOUT, **keywords)
    assert time.monotonic() - start < REFUSAL_TIMEOUT
    # The half-started client, kept alive by the exception's traceback, closes itself in
    # __del__, taking a lock that every Client start also takes: collect it now, not
    # during the next Client's start (where that deadlocks).
    gc.collect()


# --- fixtures ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def in_memory(tutorial_data):
    """The tutorial's training votes, their statistics and both models fitted in memory."""
    label_matrix = tutorial_data.L_train
    return SimpleNamespace(
        label_matrix=label_matrix,
        statistics=VoteStatistics.from_label_matrix(label_matrix, patterns=True),
        symmetric=dataprog_helpers.LabelModel(seed=0).fit(label_matrix),
        class_conditional=dataprog_helpers.ClassConditionalLabelModel().fit(label_matrix),
    )


@pytest.fixture
def cli_cluster(tmp_path):
    """``dask scheduler`` and two ``dask worker`` processes on 127.0.0.1; always stopped."""
    processes = []
    try:
        scheduler_file = tmp_path / "scheduler.json"
        log = tmp_path / "scheduler.log"
        # --no-dashboard leaves the scheduler's HTTP server (health, metrics) running, on
        # the dashboard address: keep it off port 8787 and on 127.0.0.1.
        processes.append(_start_cli(
            ["scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
             "--dashboard-address", "127.0.0.1:0", "--scheduler-file", str(scheduler_file)],
            log, tmp_path,
        ))
        address = _scheduler_address(scheduler_file, processes[0], log)
        for number in range(2):
            processes.append(_start_cli(
                ["worker", address, "--nworkers", "1", "--nthreads", "1", "--no-dashboard",
                 "--host", "127.0.0.1", "--dashboard-address", "127.0.0.1:0",
                 "--name", f"cli-worker-{number}", "--local-directory", str(tmp_path),
                 "--death-timeout", "30"],
                tmp_path / f"worker-{number}.log", tmp_path,
            ))
        yield SimpleNamespace(address=address, processes=processes, logs=tmp_path)
    finally:
        _stop(processes)


# --- tests -------------------------------------------------------------------------------


@posix_only
def test_a_command_line_cluster_on_localhost_gives_the_in_memory_fits_and_posteriors(
    cli_cluster, in_memory, same_statistics,
):
    assert cli_cluster.address.startswith("tcp://127.0.0.1:")
    label_matrix = in_memory.label_matrix
    with distributed.Client(cli_cluster.address, timeout=30) as client:
        client.wait_for_workers(2, timeout=60)
        workers = client.scheduler_info()["workers"]
        assert len(workers) == 2
        assert all(worker.startswith("tcp://127.0.0.1:") for worker in workers), workers
        # Scheduler, nannies, workers and their HTTP servers: nothing listens elsewhere.
        assert _listening_hosts(cli_cluster.processes) == {"127.0.0.1"}

        # The votes as a table with one column per LF, labelled by LFs that read them.
        names = [f"lf_{j}" for j in range(label_matrix.shape[1])]
        frame = dd.from_pandas(pd.DataFrame(label_matrix, columns=names), npartitions=5)
        votes = apply_lfs([operator.itemgetter(name) for name in names], frame)
        assert isinstance(votes, da.Array) and votes.dtype == np.int8
        np.testing.assert_array_equal(votes.compute(), label_matrix)
        _assert_pipeline_gives_the_in_memory_results(votes, in_memory, same_statistics)

        client.shutdown()
    for process in cli_cluster.processes:
        assert process.wait(30) == 0, process.args
    left = {process.pid: _wait_until(lambda group=process.pid: not _live_members(group), 15)
            for process in cli_cluster.processes}
    assert all(left.values()), f"processes left after shutdown: {left}"


def test_a_tls_cluster_serves_its_certificate_holders_and_refuses_everyone_else(
    in_memory, same_statistics,
):
    pytest.importorskip("cryptography", reason="Security.temporary() needs cryptography")
    security = distributed.Security.temporary()
    stranger = distributed.Security.temporary()
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address="127.0.0.1:0", security=security,
                                  protocol="tls", host="127.0.0.1") as cluster:
        address = cluster.scheduler_address
        assert address.startswith("tls://127.0.0.1:")

        # Without any Security, a client cannot speak TLS at all and fails before connecting.
        _assert_refused(address, None, TypeError, r"TLS expects a `ssl_context` argument")
        # With other throwaway certificates, it does not trust the scheduler's.
        _assert_refused(address, stranger, FatalCommClosedError,
                        r"TLS certificate does not match")
        # Trusting the scheduler but showing a certificate of another authority: the
        # scheduler refuses it.  The client reads either the scheduler's alert (a
        # FatalCommClosedError, "SSLError: [SSL: TLSV1_ALERT_UNKNOWN_CA]") or, when the
        # scheduler has already closed the connection, an EOF (a plain CommClosedError,
        # "SSLEOFError"): about 3 times in 10 here.
        impostor = distributed.Security(
            tls_ca_file=security.tls_ca_file, tls_client_cert=stranger.tls_client_cert,
            tls_client_key=stranger.tls_client_key, require_encryption=True,
        )
        _assert_refused(address, impostor, CommClosedError,
                        r"in <TLS .*: (SSLError: .*(?i:unknown.ca)|SSLEOFError: )")
        # A TLS client that trusts the scheduler but shows no certificate: refused too.
        host, port = get_address_host_port(address)
        context = ssl.create_default_context(cadata=security.tls_ca_file)
        context.check_hostname = False
        context.minimum_version = ssl.TLSVersion.TLSv1_3
        with socket.create_connection((host, port), timeout=REFUSAL_TIMEOUT) as connection:
            with pytest.raises(ssl.SSLError, match=r"(?i)certificate.required"):
                with context.wrap_socket(connection) as tls_connection:
                    tls_connection.recv(1)

        with distributed.Client(address, security=security, timeout=30) as client:
            assert len(client.scheduler_info()["workers"]) == 2
            chunked = da.from_array(in_memory.label_matrix,
                                    chunks=((3000, 1, 2999, 2000), (7, 13)))
            _assert_pipeline_gives_the_in_memory_results(chunked, in_memory, same_statistics)


@posix_only
def test_a_killed_worker_loses_no_chunk_and_counts_none_twice(tmp_path, same_statistics):
    started = tmp_path / "started"
    started.mkdir()
    votes = da.concatenate([
        da.from_delayed(dask.delayed(_slow_votes_of_chunk, pure=True)(index, str(started)),
                        shape=(FAULT_ROWS, FAULT_LFS), dtype=np.int8)
        for index in range(FAULT_CHUNKS)
    ])
    expected = VoteStatistics.from_label_matrix(
        np.concatenate([_votes_of_chunk(index) for index in range(FAULT_CHUNKS)]), patterns=True,
    )
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address="127.0.0.1:0") as cluster:
        with distributed.Client(cluster) as client:
            pids = client.run(os.getpid)
            victim = sorted(pids)[0]

            def victim_holds_results_of_its_own():
                held = client.has_what()
                elsewhere = set().union(*(keys for worker, keys in held.items()
                                          if worker != victim))
                return (sum(_starts_per_chunk(started).values()) >= STARTED_BEFORE_KILL
                        and bool(set(held.get(victim, ())) - elsewhere))

            future = client.compute(VoteStatistics.from_dask(votes, patterns=True,
                                                             compute=False))
            assert _wait_until(victim_holds_results_of_its_own, timeout=30), (
                "the worker to kill never held results of its own"
            )
            assert not future.done(), (
                "the statistics were done before the worker was killed: make the chunks "
                "slower or more numerous"
            )
            os.kill(pids[victim], signal.SIGKILL)
            statistics = future.result(timeout=60)

            # The nanny started a new worker process, at a new address.
            client.wait_for_workers(2, timeout=30)
            assert victim not in client.scheduler_info()["workers"]
            assert pids[victim] not in client.run(os.getpid).values()

    starts = _starts_per_chunk(started)
    assert sorted(starts) == list(range(FAULT_CHUNKS))
    assert max(starts.values()) >= 2, "no chunk was lost with the killed worker"
    assert statistics.n_points == FAULT_CHUNKS * FAULT_ROWS
    same_statistics(expected, statistics)
