"""pad_sequences: Keras's semantics, including its errors."""

import numpy as np
import pytest

from keras_like import utils
from keras_like.preprocessing import sequence

SEQS = [[1], [2, 3], [4, 5, 6]]


def test_default_pre_padding_to_longest():
    got = utils.pad_sequences(SEQS)
    np.testing.assert_array_equal(got, [[0, 0, 1], [0, 2, 3], [4, 5, 6]])
    assert got.dtype == np.int32


def test_post_padding_and_value():
    np.testing.assert_array_equal(
        utils.pad_sequences(SEQS, padding="post", value=-1), [[1, -1, -1], [2, 3, -1], [4, 5, 6]])


@pytest.mark.parametrize("truncating,expected", [("pre", [5, 6]), ("post", [4, 5])])
def test_truncating(truncating, expected):
    got = utils.pad_sequences(SEQS, maxlen=2, truncating=truncating)
    np.testing.assert_array_equal(got, [[0, 1], [2, 3], expected])


def test_maxlen_longer_than_sequences_and_float_dtype():
    got = utils.pad_sequences(SEQS, maxlen=4, dtype="float32", value=0.5)
    assert got.dtype == np.float32 and got.shape == (3, 4)
    np.testing.assert_array_equal(got[0], [0.5, 0.5, 0.5, 1.0])


def test_empty_sequence_is_all_padding():
    np.testing.assert_array_equal(utils.pad_sequences([[], [7, 8]]), [[0, 0], [7, 8]])


def test_sequences_of_vectors_keep_item_shape():
    seqs = [np.ones((1, 2)), np.full((3, 2), 2.0)]
    got = utils.pad_sequences(seqs, dtype="float32")
    assert got.shape == (2, 3, 2)
    np.testing.assert_array_equal(got[0], [[0, 0], [0, 0], [1, 1]])


def test_strings_with_object_dtype():
    got = utils.pad_sequences([["a"], ["b", "c"]], dtype=object, value="<pad>")
    assert got.tolist() == [["<pad>", "a"], ["b", "c"]]


def test_errors():
    with pytest.raises(ValueError, match="`sequences` must be iterable"):
        utils.pad_sequences(x for x in SEQS)
    with pytest.raises(ValueError, match="must be a list of iterables. Found non-iterable: 3"):
        utils.pad_sequences([[1], 3])
    with pytest.raises(ValueError, match='Padding type "middle" not understood'):
        utils.pad_sequences(SEQS, padding="middle")
    with pytest.raises(ValueError, match='Truncating type "middle" not understood'):
        utils.pad_sequences(SEQS, truncating="middle")
    with pytest.raises(ValueError, match="is not compatible with `value`'s type"):
        utils.pad_sequences(SEQS, value="x")
    with pytest.raises(ValueError, match=r"Shape of sample \(3,\) of sequence at position 1"):
        utils.pad_sequences([np.ones((2, 2)), np.ones((2, 3))], dtype="float32")


def test_preprocessing_sequence_path():
    assert sequence.pad_sequences is utils.pad_sequences
