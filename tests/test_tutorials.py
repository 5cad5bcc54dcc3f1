"""Every tutorial and example runs offline, as a user would run it."""

import pathlib
import re
import subprocess
import sys

import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
# Tutorials with a test of their own below are not run a second time by the generic test.
OWN_TESTS = {"05_word_embeddings.py", "06_text_classification.py", "07_seq2seq_translation.py",
             "08_time_series_rnn.py"}
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


_NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen".split())}
_NUMBER_WORDS.update({w: 10 * i for i, w in enumerate(
    "twenty thirty forty fifty sixty seventy eighty ninety".split(), start=2)})


def _words_to_number(text):
    """The test's own reading of English number words: "three hundred twelve" -> 312."""
    total = 0
    for word in text.split():
        total = total * 100 if word == "hundred" else total + _NUMBER_WORDS[word]
    return total


def _run_tutorial(name):
    result = subprocess.run([sys.executable, str(ROOT / "tutorials" / name)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_tutorial_06_text_classification():
    out = _run_tutorial("06_text_classification.py")
    table = dict((name.strip(), float(acc)) for name, acc in re.findall(
        r"^  (bag of words|bidirectional LSTM|Transformer encoder) +([\d.]+)$", out,
        re.MULTILINE))
    assert len(table) == 3, out
    # Real and shuffled sentences share their words, so a bag of words is at chance; both
    # sequence models must read the order (held-out sentences, 702 examples).
    assert abs(table["bag of words"] - 0.5) < 0.03, table
    assert table["bidirectional LSTM"] > 0.62 and table["Transformer encoder"] > 0.62, table
    best = re.search(r"best sequence model: (.*)", out).group(1)
    assert table[best] == max(table["bidirectional LSTM"], table["Transformer encoder"])
    # The end-to-end model takes raw strings, and its .keras file (vocabulary included)
    # reloads to the same predictions; the real sentence scores higher than its shuffle.
    assert "reloaded model gives the same predictions: True" in out, out
    real, fake = map(float, re.findall(r"P\(real order\) = ([\d.]+)", out))
    assert real > fake, out


def test_tutorial_07_seq2seq_translation():
    out = _run_tutorial("07_seq2seq_translation.py")

    first, last = map(float, re.search(
        r"training loss: ([\d.]+) after the first epoch, ([\d.]+) after the last", out).groups())
    assert last < 0.05 * first, (first, last)

    # Whole-string accuracy of greedy decoding on numbers never seen in training; the count
    # printed next to it must agree with it.
    accuracy, right, total = re.search(
        r"held-out sequence accuracy: ([\d.]+) \((\d+) of (\d+) numbers", out).groups()
    assert float(accuracy) >= 0.9, out
    assert int(total) == 200 and abs(int(right) / int(total) - float(accuracy)) < 1e-3

    # The example translations, checked against the test's own reading of the words: "ok"
    # must mean right and "WRONG" must mean wrong.
    examples = re.findall(r"^ +([a-z ]+?) -> (\d*) +(ok|WRONG)$", out, re.MULTILINE)
    assert len(examples) == 6, out
    for words, digits, verdict in examples:
        assert (digits == str(_words_to_number(words))) == (verdict == "ok"), (words, digits)

    # The attention printout: for every digit of a correct translation, the most attended
    # character lies in the words that say that digit ("<d> hundred", the tens word, the
    # ones word; a word's span includes the space after it, where the encoder has just
    # finished reading it).
    blocks = re.findall(
        r"attention while translating '([a-z ]+)' -> '(\d*)':\n((?:  writing .*\n)+)", out)
    assert len(blocks) == 2, out
    for text, digits, lines in blocks:
        assert digits == str(_words_to_number(text)) and len(digits) == 3, (text, digits)
        marks = re.findall(r"writing '(.)': (.*?) +\(weight ([\d.]+)\)", lines)
        assert [m[0] for m in marks] == [*digits, "$"], lines
        words = text.split(" ")
        assert len(words) == 4, text
        starts = [sum(len(w) + 1 for w in words[:k]) for k in range(4)]
        spans = [(0, starts[1] + len(words[1])),                       # "<d> hundred "
                 (starts[2], starts[2] + len(words[2])),              # the tens word
                 (starts[3], starts[3] + len(words[3]) - 1)]          # the ones word
        for (written, marked, weight), (low, high) in zip(marks, spans):
            top = marked.index("[")
            assert marked[:top] + marked[top + 1] + marked[top + 3:] == text, marked
            assert low <= top <= high, (text, written, marked)
            assert 0 < float(weight) <= 1


def test_tutorial_08_time_series_rnn():
    out = _run_tutorial("08_time_series_rnn.py")

    def figure(label):
        return float(re.search(rf"^  {re.escape(label)}: +([\d.]+)$", out, re.MULTILINE).group(1))

    naive, seasonal = figure("naive (last hour)"), figure("seasonal naive (24 h ago)")
    gru, floor = figure("GRU"), figure("noise floor (perfect model)")
    # The GRU beats the naive forecast by a wide margin (measured: about 42% lower MAE for
    # every seed tried) and the seasonal naive one too, but it cannot beat the noise.
    assert gru < 0.75 * naive, (gru, naive)
    assert gru < 0.9 * seasonal, (gru, seasonal)
    assert 0.9 * floor < gru, (gru, floor)
    assert abs(floor - 2.0 * np.sqrt(2 / np.pi)) < 1e-3
    epochs = int(re.search(r"trained (\d+) epochs", out).group(1))
    assert 1 <= epochs <= 50

    # The first test hours: consecutive hours, and the naive forecast of each hour is the
    # actual value of the hour before, as the baseline claims.
    rows = re.findall(r"^  (\d+) +([-\d.]+) +([-\d.]+) +([-\d.]+) +([-\d.]+)$", out,
                      re.MULTILINE)
    assert len(rows) == 6, out
    hours = [int(r[0]) for r in rows]
    assert hours == list(range(hours[0], hours[0] + 6)) and hours[0] == 5100
    for previous, row in zip(rows, rows[1:]):
        assert row[3] == previous[1], (previous, row)
