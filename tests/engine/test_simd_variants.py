"""The per-instruction-set loops (baseline, AVX2, AVX-512) each pass the tests of the kernels
built on them: KERAS_LIKE_SIMD_ISA caps the choice, in a child pytest per variant."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from keras_like.backend.engine import _engine as E

HERE = Path(__file__).parent
SUITES = ["test_conv2d.py", "test_bias_activation.py", "test_threads.py",
          "test_column_reductions.py", "test_recurrent_sequences.py"]


def _child_env(isa):
    env = dict(os.environ, KERAS_LIKE_SIMD_ISA=isa)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(HERE.parent), env.get("PYTHONPATH"))
                                        if p)
    return env


@pytest.mark.parametrize("isa", ["baseline", "avx2"])
def test_capped_variant_passes_the_kernel_tests(isa):
    probe = subprocess.run(
        [sys.executable, "-c", "from keras_like.backend.engine import _engine as E; "
         "print(E.simd_isa())"], env=_child_env(isa), capture_output=True, text=True,
        timeout=120)
    chosen = probe.stdout.strip()
    if E.simd_isa() == "baseline" or (isa == "avx2" and E.simd_isa() != "avx512"):
        pytest.skip(f"this CPU's best variant is {E.simd_isa()}")
    assert chosen == isa, probe.stderr
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=",
         *(str(HERE / s) for s in SUITES)],
        env=_child_env(isa), capture_output=True, text=True, timeout=600, cwd=HERE.parent.parent)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
