"""Every tutorial and example runs offline, as a user would run it."""

import pathlib
import re
import subprocess
import sys

import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
# Tutorials with a test of their own below are not run a second time by the generic test.
OWN_TESTS = {"05_word_embeddings.py"}
TUTORIALS = sorted(p for p in (ROOT / "tutorials").glob("*.py") if p.name not in OWN_TESTS)


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


def _pair_auc(vectors, targets, contexts, rng):
    """P(cosine of a real pair > cosine of a pair with shuffled contexts), from ranks."""
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    real = np.sum(unit[targets] * unit[contexts], axis=1)
    fake = np.sum(unit[targets] * unit[rng.permutation(contexts)], axis=1)
    ranks = np.argsort(np.argsort(np.concatenate([real, fake]), kind="stable")) + 1
    n = len(real)
    return (ranks[:n].sum() - n * (n + 1) / 2) / (n * n)


def test_tutorial_05_word_embeddings(tmp_path):
    path = ROOT / "tutorials" / "05_word_embeddings.py"
    result = subprocess.run([sys.executable, str(path), str(tmp_path)], capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout

    # The loss fell, and the held-out ranking the tutorial prints went from chance to clearly
    # better than chance.
    losses = [float(x) for x in re.search(r"loss per epoch: (.*)", out).group(1).split()]
    assert len(losses) >= 2 and losses[-1] < 0.8 * losses[0], losses
    before, after = map(float, re.search(
        r"held-out pair AUC: ([\d.]+) before training, ([\d.]+) after", out).groups())
    assert abs(before - 0.5) < 0.03 and after > 0.57, (before, after)
    assert re.search(r"^\s+list: \S+ -?\d\.\d\d, ", out, re.MULTILINE), out

    # The projector files: one word per line (no header) and one vector per line, the same
    # number of lines, every vector the same width and finite.
    words = (tmp_path / "metadata.tsv").read_text(encoding="utf-8").splitlines()
    rows = (tmp_path / "vectors.tsv").read_text(encoding="utf-8").splitlines()
    assert len(words) == len(rows) > 1000
    assert len(set(words)) == len(words) and all(w and "\t" not in w for w in words)
    assert "list" in words and "exception" in words
    widths = {len(row.split("\t")) for row in rows}
    assert len(widths) == 1 and widths.pop() > 1, widths
    vectors = np.array([row.split("\t") for row in rows], dtype="float64")
    assert np.isfinite(vectors).all() and vectors.std() > 0

    # A semantic check on the exported vectors alone: words that stand next to each other in
    # the topics the tutorial held out of training (the last 8) have more similar vectors than
    # the same words paired at random. Trained vectors score about 0.59; random vectors of the
    # same shape, the baseline, score 0.5.
    from pydoc_data.topics import topics

    index = {word: i for i, word in enumerate(words)}
    targets, contexts = [], []
    for name in sorted(topics)[-8:]:
        ids = [index[w] for w in re.findall(r"[a-z_][a-z0-9_]*", topics[name].lower())
               if w in index]
        for offset in (1, 2):
            targets += ids[:-offset]
            contexts += ids[offset:]
    targets, contexts = np.array(targets), np.array(contexts)
    assert len(targets) > 2000
    trained = _pair_auc(vectors, targets, contexts, np.random.default_rng(0))
    baseline = _pair_auc(np.random.default_rng(1).normal(size=vectors.shape), targets, contexts,
                         np.random.default_rng(0))
    assert abs(baseline - 0.5) < 0.03, baseline
    assert trained > 0.55 and trained > baseline + 0.04, (trained, baseline)
