"""TextVectorization against outputs, vocabularies, IDF weights, configs and errors of real
Keras 3.15.1, plus a hand-computed corpus as an independent oracle.

The Keras oracle is data/text_vectorization_fixtures.json, from data/make_text_fixtures.py.
"""

import json
import math
import os
import re
import sys

import numpy as np
import pytest

import keras_like as keras
from keras_like import layers, ops
from keras_like.layers.preprocessing import _text_tokens

DATA_DIR = os.path.join(os.path.dirname(__file__), "..", "data")
with open(os.path.join(DATA_DIR, "text_vectorization_fixtures.json"), encoding="utf-8") as _f:
    FIXTURES = json.load(_f)
CASES = FIXTURES["cases"]
BAD_ARGS = FIXTURES["bad_args"]
# NumPy twins of the TF callables the fixture generator used (see its CALLABLES).
CALLABLES = {
    "x_to_y": lambda x: np.char.replace(np.char.lower(x), "x", "y"),
    "split_dash": lambda x: [s.split("-") for s in x.tolist()],
}


def build(case, tmp_path):
    kwargs = dict(case["kwargs"])
    if isinstance(kwargs.get("ngrams"), list):
        kwargs["ngrams"] = tuple(kwargs["ngrams"])
    if case["file"] is not None:
        path = tmp_path / "vocab.txt"
        path.write_text("\n".join(case["file"]) + "\n", encoding="utf-8")
        kwargs["vocabulary"] = str(path)
    if case["standardize_fn"]:
        kwargs["standardize"] = CALLABLES[case["standardize_fn"]]
    if case["split_fn"]:
        kwargs["split"] = CALLABLES[case["split_fn"]]
    layer = layers.TextVectorization(**kwargs)
    if case["set_vocabulary"] is not None:
        layer.set_vocabulary(**case["set_vocabulary"])
    if case["adapt"] is not None:
        data = case["adapt"]
        layer.adapt(list(data) if case["adapt_as"] == "list" else np.array(data))
    if case["batches"] is not None:
        layer.adapt((np.array(b) for b in case["batches"]), steps=case["steps"])
    return layer


def assert_output(out, expected):
    assert str(out.dtype) == expected["dtype"]
    np.testing.assert_allclose(ops.convert_to_numpy(out), np.array(expected["value"]),
                               rtol=1e-6, atol=0)
    assert tuple(out.shape) == np.array(expected["value"]).shape


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_keras(name, tmp_path):
    case = CASES[name]
    layer = build(case, tmp_path)
    for x, expected in zip(case["inputs"], case["outputs"]):
        assert "error" not in expected, expected
        assert_output(layer(x), expected)
    assert layer.get_vocabulary() == case["vocabulary"]
    assert layer.get_vocabulary(include_special_tokens=False) == case["vocabulary_no_special"]
    assert layer.vocabulary_size() == case["vocabulary_size"]
    if case["idf_weights"] is not None:
        np.testing.assert_allclose(layer._lookup_layer.idf_weights, case["idf_weights"],
                                   rtol=1e-6)
    config = layer.get_config()
    config.pop("name")
    expected = dict(case["config"])
    for key in ("standardize", "split"):
        if expected[key] == "<callable>":
            assert callable(config[key])
            config[key] = "<callable>"
    # As in Keras, an adapted or file-read vocabulary is an asset, not part of the config.
    if isinstance(expected["ngrams"], list):
        expected["ngrams"] = tuple(expected["ngrams"])
    assert config == expected


@pytest.mark.parametrize("name", sorted(n for n, c in CASES.items()
                                        if not (c["standardize_fn"] or c["split_fn"])))
def test_rebuilds_from_config(name, tmp_path):
    # As `.keras` loading does: the config, then the weights entries, then the assets.
    case = CASES[name]
    layer = build(case, tmp_path)
    if any("\n" in term for term in layer.get_vocabulary()):
        pytest.skip("a term holding '\\n' cannot be stored in Keras's vocabulary.txt")
    config = json.loads(json.dumps(layer.get_config()))
    clone = layers.TextVectorization.from_config(config)
    store, assets = {}, tmp_path / "assets"
    assets.mkdir()
    layer.save_own_variables(store)
    layer.save_assets(str(assets))
    clone.load_own_variables(store)
    clone.load_assets(str(assets))
    assert clone.get_vocabulary() == layer.get_vocabulary()
    assert json.loads(json.dumps(clone.get_config())) == config
    for x, expected in zip(case["inputs"], case["outputs"]):
        assert_output(clone(x), expected)


@pytest.mark.parametrize("name", sorted(BAD_ARGS))
def test_bad_arguments_raise_keras_errors(name):
    case = BAD_ARGS[name]
    kwargs = dict(case["kwargs"])
    if name == "ngrams_tuple":
        kwargs["ngrams"] = tuple(kwargs["ngrams"])
    with pytest.raises(ValueError) as info:
        layers.TextVectorization(**kwargs)
    # Keras prints NumPy scalars in a few messages (`np.str_('a')`); compare up to them.
    message = case["message"]
    assert str(info.value).startswith(message.split("[np.")[0]), (str(info.value), message)
    if "[np." not in message:
        assert str(info.value) == message


# ---- an independent oracle: a corpus counted by hand -------------------------------------

HAND_CORPUS = ["The cat sat.", "the CAT, the hat!", "a hat"]
# Tokens after lowercasing and stripping: the cat sat / the cat the hat / a hat.
# Counts: the 3, cat 2, hat 2, sat 1, a 1; ties broken by the token, descending.
HAND_VOCAB = ["", "[UNK]", "the", "hat", "cat", "sat", "a"]
# Document frequencies (of 3 documents): the 2, hat 2, cat 2, sat 1, a 1.
HAND_IDF = [math.log(1 + 3 / (1 + df)) for df in (2, 2, 2, 1, 1)]


def test_hand_counted_vocabulary_and_indices():
    layer = layers.TextVectorization()
    layer.adapt(HAND_CORPUS)
    assert layer.get_vocabulary() == HAND_VOCAB
    out = ops.convert_to_numpy(layer(["the hat sat on a cat", "dog"]))
    np.testing.assert_array_equal(out, [[2, 3, 5, 1, 6, 4], [1, 0, 0, 0, 0, 0]])


def test_hand_computed_tf_idf_weights():
    layer = layers.TextVectorization(output_mode="tf_idf")
    layer.adapt(HAND_CORPUS)
    assert layer.get_vocabulary() == HAND_VOCAB[1:]
    # The OOV slot gets the mean weight of the learned terms.
    expected_weights = [np.mean(np.float32(HAND_IDF))] + HAND_IDF
    np.testing.assert_allclose(layer._lookup_layer.idf_weights, expected_weights, rtol=1e-6)
    out = ops.convert_to_numpy(layer(["the the cat dog"]))
    want = np.zeros((1, 6), dtype="float32")
    want[0, 0] = expected_weights[0]  # one OOV token
    want[0, 1] = 2 * HAND_IDF[0]  # "the" twice
    want[0, 3] = HAND_IDF[2]  # "cat"
    np.testing.assert_allclose(out, want, rtol=1e-6)


def test_hand_computed_count_and_bigrams():
    layer = layers.TextVectorization(output_mode="count", ngrams=2, standardize=None)
    layer.set_vocabulary(["a", "b", "a b"])
    out = ops.convert_to_numpy(layer(["a b a b", "b b"]))
    # Columns: [UNK], a, b, "a b"; the bigram "b a" and "b b" are OOV.
    np.testing.assert_array_equal(out, [[1, 2, 2, 2], [1, 0, 2, 0]])


# ---- keras_like specifics ----------------------------------------------------------------


def test_punctuation_set_is_exactly_tfs_pattern():
    # Every code point the TF pattern matches is an ASCII byte we delete, and no other.
    pattern = _text_tokens.PUNCTUATION_REGEX
    matched = [c for c in range(sys.maxunicode + 1)
               if not 0xD800 <= c <= 0xDFFF and pattern.fullmatch(chr(c))]
    assert bytes(matched) == _text_tokens.PUNCTUATION_BYTES
    assert pattern.pattern == r'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']'
    assert set(_text_tokens.PUNCTUATION_BYTES.decode()) == set("!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~'")


def test_lowercasing_and_whitespace_are_ascii_only_as_in_tf():
    layer = layers.TextVectorization(standardize="lower", split="whitespace")
    layer.adapt(["ÉCOLE A\u00a0B c\x1cd"])
    # tf.strings.lower leaves non-ASCII letters alone; TF splits on ASCII whitespace only.
    assert sorted(layer.get_vocabulary(False)) == sorted(["École", "a\u00a0b", "c\x1cd"])


def test_inputs_bytes_object_arrays_and_tensors_of_strings_agree():
    layer = layers.TextVectorization(vocabulary=["é", "b"])
    expected = [[2, 3, 1]]
    for x in ([["é b c"]], np.array(["é b c"], dtype=object), [b"\xc3\xa9 b c"],
              np.array([["é b c"]])):
        np.testing.assert_array_equal(ops.convert_to_numpy(layer(x)), expected)


def test_wide_input_with_split_raises_keras_error():
    layer = layers.TextVectorization(vocabulary=["a"])
    with pytest.raises(ValueError, match=re.escape(
            "the input rank must be 1 or the last shape dimension must be 1. Received: "
            "inputs.shape=(1, 2) with rank=2")):
        layer([["a b", "c"]])


def test_one_hot_on_split_text_is_refused():
    # Keras returns a tf.RaggedTensor here; keras_like has no ragged tensors.
    layer = layers.TextVectorization(vocabulary=["a"], output_mode="one_hot")
    with pytest.raises(ValueError, match="ragged"):
        layer(["a b", "a"])


@pytest.mark.parametrize("kwargs,match", [({"sparse": True, "output_mode": "count"}, "sparse"),
                                          ({"ragged": True}, "ragged")])
def test_sparse_and_ragged_are_refused_like_keras_without_tf(kwargs, match):
    with pytest.raises(ValueError, match=f"`{match}=True` can only be used with the TensorFlow"):
        layers.TextVectorization(**kwargs)


def test_vector_modes_need_a_vocabulary_and_adapt_after_vocabulary_fails():
    with pytest.raises(RuntimeError, match="you must set the layer's vocabulary"):
        layers.TextVectorization(output_mode="multi_hot")(["a"])
    with pytest.raises(ValueError, match=r"Cannot adapt layer 'string_lookup.*static vocab"):
        layers.TextVectorization(vocabulary=["a"]).adapt(["a b"])


def test_adapt_takes_a_py_dataset_of_batches():
    class Batches(keras.utils.PyDataset):
        def __len__(self):
            return 2

        def __getitem__(self, index):
            return np.array([["b b a"], ["c", "c c"]][index])

    layer = layers.TextVectorization()
    layer.adapt(Batches())
    assert layer.get_vocabulary() == ["", "[UNK]", "c", "b", "a"]
    layer.adapt(Batches(), steps=1)
    assert layer.get_vocabulary() == ["", "[UNK]", "b", "a"]


def test_adapt_of_a_million_tokens_takes_seconds():
    # A speed guard with a generous bound (the bench measures it properly).
    import time

    rng = np.random.default_rng(0)
    words = np.array([f"w{i}" for i in range(5000)])
    docs = [" ".join(row) for row in words[rng.integers(0, 5000, (100_000, 10))]]
    layer = layers.TextVectorization(max_tokens=2000, output_mode="tf_idf")
    start = time.perf_counter()
    layer.adapt(docs)
    assert time.perf_counter() - start < 30
    assert layer.vocabulary_size() == 2000


# run_layer_test feeds engine tensors, which hold no strings: the parts of its contract that
# apply (config round trips, a .keras file) are checked directly in this file.
def test_keras_file_round_trip(tmp_path):
    layer = layers.TextVectorization(output_mode="tf_idf", max_tokens=8, pad_to_max_tokens=True)
    layer.adapt(HAND_CORPUS)
    # The model is saved unbuilt and its layer is called directly; the vocabulary travels as
    # the layer's vocabulary.txt asset and the IDF weights in the weights file, as in Keras.
    model = keras.Sequential([layer])
    x = np.array(["the cat", "a hat hat dog"])
    expected = ops.convert_to_numpy(layer(x))
    path = str(tmp_path / "text.keras")
    model.save(path)
    revived = keras.saving.load_model(path).layers[0]
    assert revived.get_vocabulary() == layer.get_vocabulary()
    np.testing.assert_allclose(ops.convert_to_numpy(revived(x)), expected)
