"""CTC loss against a brute-force sum over alignments; CTC decoding against NumPy."""

import itertools

import numpy as np
import pytest
from helpers import check_op

from keras_like import ops


def _softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def _collapse(path, blank):
    out = []
    for i, c in enumerate(path):
        if c != blank and (i == 0 or c != path[i - 1]):
            out.append(c)
    return out


def _brute_force_ctc(target, logits, target_length, output_length, blank):
    """-log sum of p(path) over every path that collapses to the target."""
    losses = []
    for b in range(logits.shape[0]):
        probs = _softmax(logits[b, : output_length[b]])
        label = list(target[b, : target_length[b]])
        total = 0.0
        for path in itertools.product(range(logits.shape[2]), repeat=output_length[b]):
            if _collapse(path, blank) == label:
                total += np.prod([probs[t, c] for t, c in enumerate(path)])
        losses.append(-np.log(total))
    return np.array(losses)


@pytest.mark.parametrize("blank", [0, 2])
def test_ctc_loss_matches_brute_force(blank):
    rng = np.random.default_rng(5)
    logits = rng.normal(size=(3, 5, 3))
    labels = [1, 1] if blank == 0 else [0, 0]
    other = 2 if blank == 0 else 1
    target = np.array([labels, [labels[0], other], [other, 0 if blank else 1]])
    target_length = np.array([2, 2, 1])
    output_length = np.array([5, 4, 3])
    got = ops.ctc_loss(target, logits, target_length, output_length, mask_index=blank)
    expected = _brute_force_ctc(target, logits, target_length, output_length, blank)
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-6)
    assert got.dtype == "float64"
    assert ops.ctc_loss(target, logits.astype("float16"), target_length, output_length,
                        mask_index=blank).dtype == "float32"


def test_ctc_loss_gradient():
    target = np.array([[1, 2]])
    check_op(lambda t: ops.ctc_loss(target, t, np.array([2]), np.array([4])),
             lambda t: _brute_force_ctc(target, t, [2], [4], 0), [(1, 4, 3)], dtype="float64")


def _np_greedy(logits, lengths, merge_repeated, blank):
    out = np.full(logits.shape[:2], -1)
    scores = []
    for b in range(logits.shape[0]):
        best = logits[b, : lengths[b]].argmax(-1)
        scores.append(-logits[b, : lengths[b]].max(-1).sum())
        labels = [c for i, c in enumerate(best)
                  if c != blank and not (merge_repeated and i and c == best[i - 1])]
        out[b, : len(labels)] = labels
    return out[None], np.array(scores)[:, None]


@pytest.mark.parametrize("merge_repeated", [True, False])
@pytest.mark.parametrize("blank", [0, 3])
def test_ctc_greedy_decode(merge_repeated, blank):
    rng = np.random.default_rng(8)
    logits = rng.normal(size=(3, 6, 4)).astype("float32")
    logits[0, 1:3] = [10.0, 0, 0, 0]  # a repeated class
    lengths = np.array([6, 4, 1])
    decoded, scores = ops.ctc_decode(logits, lengths, merge_repeated=merge_repeated,
                                     mask_index=blank)
    e_decoded, e_scores = _np_greedy(logits, lengths, merge_repeated, blank)
    np.testing.assert_array_equal(decoded.numpy(), e_decoded)
    np.testing.assert_allclose(scores.numpy(), e_scores, rtol=1e-6)
    assert decoded.dtype == "int32"


def test_ctc_beam_search_finds_the_most_likely_labelling():
    rng = np.random.default_rng(9)
    logits = rng.normal(size=(2, 4, 3)) * 2
    lengths = np.array([4, 3])
    decoded, scores = ops.ctc_decode(logits, lengths, strategy="beam_search", beam_width=50,
                                     top_paths=2)
    assert decoded.shape == (2, 2, 4) and scores.shape == (2, 2)
    for b in range(2):
        probs = _softmax(logits[b, : lengths[b]])
        totals = {}
        for path in itertools.product(range(3), repeat=lengths[b]):
            key = tuple(_collapse(path, 0))
            totals[key] = totals.get(key, 0.0) + np.prod([probs[t, c] for t, c in
                                                           enumerate(path)])
        ranked = sorted(totals, key=totals.get, reverse=True)
        for k in range(2):
            labels = [c for c in decoded.numpy()[k, b] if c != -1]
            assert tuple(labels) == ranked[k]
            np.testing.assert_allclose(scores.numpy()[b, k], np.log(totals[ranked[k]]),
                                       rtol=1e-5)


def test_ctc_decode_invalid_strategy():
    with pytest.raises(ValueError, match="strategy"):
        ops.ctc_decode(np.zeros((1, 2, 3)), [2], strategy="nope")
