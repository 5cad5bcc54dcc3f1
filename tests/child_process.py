"""Runs hostile-input cases in child processes, so a crash or hang fails a test, not the runner.

A case is a Python expression over `np`, `ops` and `keras`. The child evaluates it and prints one
JSON line: the value (as a NumPy array) or the exception's type and message. A signal or a
timeout becomes an `Outcome` with `crashed` / `hung` set.
"""

import dataclasses
import json
import os
import resource
import subprocess
import sys

import numpy as np

_PRELUDE = """
import json, sys
import numpy as np
import keras_like as keras
from keras_like import ops

def _report(value):
    if isinstance(value, (tuple, list)) and value and hasattr(value[0], "shape"):
        value = value[0]
    if hasattr(value, "numpy"):
        value = value.numpy()
    array = np.asarray(value)
    if array.dtype == object:
        print(json.dumps({"kind": "object", "repr": repr(value)[:500]}))
        return
    print(json.dumps({"kind": "value", "dtype": str(array.dtype), "shape": list(array.shape),
                      "data": array.astype(np.float64).ravel().tolist()
                      if array.dtype.kind in "fc" else array.ravel().tolist()}))

cases = json.loads(sys.stdin.read())
for code in cases:
    print("CASE " + json.dumps(code), flush=True)
    try:
        _report(eval(code))
    except BaseException as error:  # noqa: BLE001 - the parent inspects every outcome
        print(json.dumps({"kind": "error", "type": type(error).__name__,
                          "mro": [c.__name__ for c in type(error).__mro__],
                          "message": str(error)[:2000]}), flush=True)
"""


@dataclasses.dataclass
class Outcome:
    code: str
    kind: str = "missing"  # value | error | object | crashed | hung | missing
    value: np.ndarray | None = None
    error_type: str = ""
    error_mro: tuple = ()
    message: str = ""
    returncode: int | None = None

    def raised(self, exception_name):
        return self.kind == "error" and exception_name in self.error_mro

    def describe(self):
        if self.kind == "value":
            return f"{self.code} -> {self.value!r}"
        if self.kind == "error":
            return f"{self.code} -> {self.error_type}: {self.message}"
        return f"{self.code} -> {self.kind} (returncode {self.returncode})"


# The child's address space is capped, so a case that would really allocate many GiB raises
# MemoryError instead of pushing the machine (2 cores, 24 GiB, shared) into swap or the OOM killer.
DEFAULT_MEMORY_CAP = 6 << 30


def run_cases(cases, timeout=60, env=None, memory_cap=DEFAULT_MEMORY_CAP):
    """Evaluates each expression in `cases` in one child process; returns an Outcome per case.

    Cases after a crash or hang are re-run in a fresh child, so one bad case never hides the
    verdict on the others.
    """
    outcomes = []
    pending = list(cases)
    while pending:
        batch = _run_batch(pending, timeout, env, memory_cap)
        outcomes.extend(batch)
        pending = pending[len(batch):]
    return outcomes


CLEAR_ERRORS = ("ValueError", "MemoryError", "OverflowError", "TypeError")


def assert_clear_errors(bad_calls, op):
    """Runs each labelled expression of `bad_calls` in a child; each must raise one of
    CLEAR_ERRORS with `op` named in its message (never crash, hang or return)."""
    for label, outcome in zip(bad_calls, run_cases(list(bad_calls.values()))):
        assert outcome.kind == "error", (label, outcome.describe())
        assert any(outcome.raised(name) for name in CLEAR_ERRORS), (label, outcome.describe())
        assert op in outcome.message, (label, outcome.describe())


def _cap_memory(limit):
    def apply():
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    return apply


def _run_batch(cases, timeout, env, memory_cap):
    child_env = dict(os.environ if env is None else env)
    try:
        proc = subprocess.run([sys.executable, "-c", _PRELUDE], input=json.dumps(cases),
                              capture_output=True, text=True, timeout=timeout, env=child_env,
                              preexec_fn=_cap_memory(memory_cap) if memory_cap else None)
        stdout, returncode, hung = proc.stdout, proc.returncode, False
    except subprocess.TimeoutExpired as expired:
        stdout = expired.stdout.decode() if isinstance(expired.stdout, bytes) else (
            expired.stdout or "")
        returncode, hung = None, True
    outcomes = []
    current = None
    for line in stdout.splitlines():
        if line.startswith("CASE "):
            current = Outcome(json.loads(line[5:]))
            outcomes.append(current)
        elif current is not None and line.startswith("{"):
            _fill(current, json.loads(line))
    if outcomes and outcomes[-1].kind == "missing":
        outcomes[-1].kind = "hung" if hung else "crashed"
        outcomes[-1].returncode = returncode
    elif not outcomes:
        outcomes.append(Outcome(cases[0], kind="hung" if hung else "crashed",
                                returncode=returncode, message=stdout[-2000:]))
    return outcomes


def _fill(outcome, report):
    outcome.kind = report["kind"]
    if report["kind"] == "value":
        outcome.value = np.asarray(report["data"]).astype(report["dtype"]).reshape(
            report["shape"])
    elif report["kind"] == "error":
        outcome.error_type = report["type"]
        outcome.error_mro = tuple(report["mro"])
        outcome.message = report["message"]
    else:
        outcome.message = report.get("repr", "")
