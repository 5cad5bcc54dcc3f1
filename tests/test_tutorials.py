"""Every tutorial and example runs offline, as a user would run it."""

import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
TUTORIALS = sorted((ROOT / "tutorials").glob("*.py"))


@pytest.mark.parametrize("path", TUTORIALS, ids=[p.name for p in TUTORIALS])
def test_tutorial_runs(path):
    result = subprocess.run([sys.executable, str(path)], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def test_digits_example_runs():
    result = subprocess.run([sys.executable, "-m", "keras_like.examples.digits"],
                            capture_output=True, text=True, timeout=300, cwd="/")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "identical predictions: True" in result.stdout


def test_linear_regression_example_runs():
    result = subprocess.run([sys.executable, "-m", "keras_like.examples.linear_regression"],
                            capture_output=True, text=True, timeout=300, cwd="/")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "identical predictions: True" in result.stdout
