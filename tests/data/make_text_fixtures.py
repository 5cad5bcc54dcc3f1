"""Writes the real-Keras oracle for keras_like's text and hashing preprocessing tests.

Keras's TextVectorization, Hashing and HashedCrossing run on TensorFlow string ops, and
text_dataset_from_directory returns a tf.data.Dataset, so this runs with real Keras 3.15.1 on
TensorFlow, from the TF interop venv:

    KERAS_BACKEND=tensorflow /work/venv-tf/bin/python tests/data/make_text_fixtures.py

Each case is a plain-data recipe (constructor arguments, optional adapt data, vocabulary file
or set_vocabulary call, call inputs); the recipe and what Keras gives for it (outputs and their
dtype, vocabulary, IDF weights, config, or the error raised) go to the JSON files written here:
text_vectorization_fixtures.json, hashing_fixtures.json and text_dataset_fixtures.json. The
tests replay every recipe on keras_like. Callables cannot be stored, so recipes name them
(`CALLABLES`) and the tests hold a NumPy twin of each.
"""

import contextlib
import io
import json
import os
import random
import tempfile

import keras
import numpy as np
import tensorflow as tf

HERE = os.path.dirname(os.path.abspath(__file__))
PROVENANCE = (f"Written by tests/data/make_text_fixtures.py with keras {keras.__version__} "
              f"and tensorflow {tf.__version__} (KERAS_BACKEND=tensorflow).")

# ---- TextVectorization ---------------------------------------------------------------------

DOCS = ["The quick brown fox.", "The lazy dog!", "quick, quick: the FOX?", "dog eats fox",
        "  Spaces\tand\ttabs\nnewline\x0bvt\x0cff\rcr  ", ""]
PUNCT = ["don't stop-believing... (yes) [no] {maybe} #tag @user $5 100% a+b=c ~x^y_z |p| `q`",
         'back\\slash /slash "quoted" semi;colon <angle> ?!&*']
UNICODE = ["Héllo Wörld", "ÉCOLE école", "日本語 テキスト 日本語", "naïve café, naïve!",
           "Straße STRASSE", "a\u00a0b c\x85d e\x1cf", "emoji 😀 😀 ok"]
TIES = ["b a c", "c b a", "a b c", "B A C", "z y", "y z", "é e", "e é"]
INPUTS = ["the fox and the dog", "quick QUICK unknown!", "", "dog"]
VOCAB = ["the", "fox", "dog", "quick"]


def _tie_corpus():
    """A seeded corpus with many count ties, unicode tokens and case variants."""
    rng = random.Random(1234)
    words = ["a", "b", "ab", "ba", "A", "B", "é", "e", "ß", "ss", "日", "本", "x1", "x2", "x10",
             "_", "z", "zz", "zzz", "Z"]
    return [" ".join(rng.choice(words) for _ in range(rng.randint(0, 8)))
            for _ in range(300)]


TIE_CORPUS = _tie_corpus()

# name -> (TF callable, description); the tests hold the NumPy twins.
CALLABLES = {
    "x_to_y": (lambda x: tf.strings.regex_replace(tf.strings.lower(x), "x", "y"),
               "lowercase, then x -> y"),
    "split_dash": (lambda x: tf.strings.split(x, sep="-"), "split on '-'"),
}


def case(kwargs=None, inputs=(), adapt=None, batches=None, steps=None, file=None,
         set_vocabulary=None, standardize_fn=None, split_fn=None, adapt_as="array"):
    """A recipe; `adapt_as` says how `adapt` data is passed ("array" or "list")."""
    return {"kwargs": kwargs or {}, "inputs": list(inputs), "adapt": adapt, "batches": batches,
            "steps": steps, "file": file, "set_vocabulary": set_vocabulary,
            "standardize_fn": standardize_fn, "split_fn": split_fn, "adapt_as": adapt_as}


TV_CASES = {
    "default_adapt": case({}, [INPUTS, "the fox", [["the fox"], ["dog dog"]], DOCS], adapt=DOCS),
    "adapt_max_tokens": case({"max_tokens": 5}, [INPUTS], adapt=DOCS),
    "adapt_list": case({}, [INPUTS], adapt=DOCS, adapt_as="list"),
    "adapt_column": case({}, [INPUTS], adapt=[[d] for d in DOCS]),
    "lower": case({"standardize": "lower"}, [PUNCT, INPUTS], adapt=PUNCT + DOCS),
    "strip_punctuation": case({"standardize": "strip_punctuation"}, [PUNCT], adapt=PUNCT + DOCS),
    "lower_and_strip": case({}, [PUNCT], adapt=PUNCT),
    "no_standardize": case({"standardize": None}, [PUNCT, INPUTS], adapt=PUNCT + DOCS),
    "split_character": case({"split": "character"}, [["ab c", "", "xyz"]], adapt=DOCS),
    "split_character_unicode": case({"split": "character", "standardize": None},
                                    [UNICODE], adapt=UNICODE),
    "split_none": case({"split": None}, [["the fox", "dog", "", "new one"],
                                         [["the fox"], ["dog"]], [["dog", "the fox"]]],
                       adapt=["the fox", "dog", "dog", "the fox", "x"]),
    "split_none_osl": case({"split": None, "output_sequence_length": 3, "vocabulary": VOCAB},
                           [["the", "dog", "zzz", "", "fox"], [["the"], ["dog"]]]),
    "unicode_adapt": case({}, [UNICODE], adapt=UNICODE),
    "ties": case({}, [TIES], adapt=TIES),
    "tie_corpus": case({}, [TIE_CORPUS[:20]], adapt=TIE_CORPUS),
    "tie_corpus_max": case({"max_tokens": 9}, [TIE_CORPUS[:20]], adapt=TIE_CORPUS),
    "ngrams_2": case({"ngrams": 2}, [INPUTS], adapt=DOCS),
    "ngrams_tuple": case({"ngrams": (1, 3)}, [INPUTS + ["a b c d e"]], adapt=DOCS),
    "ngrams_bigrams_only": case({"ngrams": (2,)}, [INPUTS], adapt=DOCS),
    "ngrams_reversed": case({"ngrams": (3, 1)}, [["a b c d"]], adapt=["a b c d", "b c d e"]),
    "ngrams_split_none": case({"ngrams": 2, "split": None}, [[["a", "b", "c"]]],
                              adapt=[["a", "b", "c"], ["b", "c", "d"]]),
    "osl_pad": case({"output_sequence_length": 8}, [INPUTS, "the fox"], adapt=DOCS),
    "osl_truncate": case({"output_sequence_length": 2}, [INPUTS, "the fox and dog"],
                         adapt=DOCS),
    "osl_zero_tokens": case({"output_sequence_length": 3, "vocabulary": VOCAB}, [["", "  "]]),
    "multi_hot": case({"output_mode": "multi_hot"}, [INPUTS, "the fox the", [["a fox"]]],
                      adapt=DOCS),
    "binary_alias": case({"output_mode": "binary"}, [INPUTS], adapt=DOCS),
    "multi_hot_pad": case({"output_mode": "multi_hot", "max_tokens": 20,
                           "pad_to_max_tokens": True}, [INPUTS], adapt=DOCS),
    "count": case({"output_mode": "count"}, [INPUTS, "the the fox"], adapt=DOCS),
    "count_max_pad": case({"output_mode": "count", "max_tokens": 4, "pad_to_max_tokens": True},
                          [INPUTS], adapt=DOCS),
    "count_split_none": case({"output_mode": "count", "split": None},
                             [["dog", "dog", "fox"], [["dog"], ["zz"], [""]]],
                             adapt=["dog", "fox", "dog"]),
    "one_hot_split_none": case({"output_mode": "one_hot", "split": None},
                               [[["dog"], ["fox"], ["zz"]], ["dog", "fox"]],
                               adapt=["dog", "fox", "dog"]),
    "tf_idf": case({"output_mode": "tf_idf"}, [INPUTS, DOCS], adapt=DOCS),
    "tf_idf_alias": case({"output_mode": "tf-idf"}, [INPUTS], adapt=DOCS),
    "tf_idf_pad": case({"output_mode": "tf_idf", "max_tokens": 20, "pad_to_max_tokens": True},
                       [INPUTS], adapt=DOCS),
    "tf_idf_max": case({"output_mode": "tf_idf", "max_tokens": 4}, [INPUTS], adapt=DOCS),
    "tf_idf_ngrams": case({"output_mode": "tf_idf", "ngrams": 2}, [INPUTS], adapt=DOCS),
    "tf_idf_tie_corpus": case({"output_mode": "tf_idf"}, [TIE_CORPUS[:5]], adapt=TIE_CORPUS),
    "tf_idf_split_none_vector": case({"output_mode": "tf_idf", "split": None}, [["a", "b"]],
                                     batches=[["a", "b", "a"], ["b", "c"]]),
    "tf_idf_vocab": case({"output_mode": "tf_idf", "vocabulary": VOCAB,
                          "idf_weights": [0.5, 1.0, 1.5, 2.0]}, [INPUTS]),
    "tf_idf_set_vocabulary": case({"output_mode": "tf_idf"}, [INPUTS],
                                  set_vocabulary={"vocabulary": VOCAB,
                                                  "idf_weights": [0.5, 1.0, 1.5, 2.0]}),
    "tf_idf_set_vocabulary_specials": case(
        {"output_mode": "tf_idf"}, [INPUTS],
        set_vocabulary={"vocabulary": ["[UNK]"] + VOCAB, "idf_weights": [9.0, 0.5, 1, 1.5, 2]}),
    "vocab": case({"vocabulary": VOCAB}, [INPUTS]),
    "vocab_with_specials": case({"vocabulary": ["", "[UNK]"] + VOCAB}, [INPUTS]),
    "vocab_multi_hot": case({"vocabulary": VOCAB, "output_mode": "multi_hot"}, [INPUTS]),
    "vocab_file": case({}, [INPUTS], file=VOCAB),
    "vocab_file_unicode": case({"standardize": None}, [UNICODE], file=["Héllo", "日本語", "😀"]),
    "set_vocabulary": case({}, [INPUTS], set_vocabulary={"vocabulary": VOCAB}),
    "set_vocabulary_multi_hot_pad": case({"output_mode": "multi_hot", "max_tokens": 10,
                                          "pad_to_max_tokens": True}, [INPUTS],
                                         set_vocabulary={"vocabulary": VOCAB}),
    "batches": case({}, [INPUTS], batches=[DOCS[:2], DOCS[2:4], DOCS[4:], ["zzz zzz zzz"]]),
    "batches_steps": case({}, [INPUTS], batches=[DOCS[:2], DOCS[2:4], DOCS[4:], ["zz zz zz"]],
                          steps=2),
    "batches_column": case({"output_mode": "tf_idf"}, [INPUTS],
                           batches=[[[d] for d in DOCS[:3]], [[d] for d in DOCS[3:]]]),
    "empty_strings": case({}, [["", " ", "\t\n", "dog"], [""]], adapt=DOCS + ["", ""]),
    "standardize_callable": case({}, [["Xerox fax", "max"]], adapt=["xx yy x", "fax"],
                                 standardize_fn="x_to_y"),
    "split_callable": case({"standardize": None}, [["a-b-c", "b", "c--a"]],
                           adapt=["a-b", "b-c-c", "c"], split_fn="split_dash"),
}

TV_BAD_ARGS = {
    "standardize": {"standardize": "upper"},
    "split": {"split": "comma"},
    "output_mode": {"output_mode": "embedding"},
    "ngrams_str": {"ngrams": "2"},
    "ngrams_tuple": {"ngrams": (1, "2")},
    "ngrams_list": {"ngrams": [1, 2]},
    "osl_str": {"output_sequence_length": "5"},
    "osl_not_int_mode": {"output_sequence_length": 4, "output_mode": "count"},
    "max_tokens_1": {"max_tokens": 1},
    "pad_without_max": {"pad_to_max_tokens": True, "output_mode": "count"},
    "repeated": {"vocabulary": ["a", "b", "a"]},
    "tf_idf_vocab_without_idf": {"vocabulary": ["a"], "output_mode": "tf_idf"},
    "idf_not_tf_idf": {"vocabulary": ["a"], "idf_weights": [1.0]},
    "too_large": {"vocabulary": ["a", "b", "c"], "max_tokens": 4},
    "empty_vocab": {"vocabulary": []},
    "mask_in_vocab": {"vocabulary": ["a", "", "b"]},
    "missing_file": {"vocabulary": "/nonexistent/vocab.txt"},
}


def write_vocab_file(tmp, name, lines):
    # One file per case: TF shares tables between layers reading the same path.
    path = os.path.join(tmp, f"{name}.txt")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    return path


def build_text_vectorization(spec, tmp, name):
    kwargs = dict(spec["kwargs"])
    if spec["file"] is not None:
        kwargs["vocabulary"] = write_vocab_file(tmp, name, spec["file"])
    if spec["standardize_fn"]:
        kwargs["standardize"] = CALLABLES[spec["standardize_fn"]][0]
    if spec["split_fn"]:
        kwargs["split"] = CALLABLES[spec["split_fn"]][0]
    layer = keras.layers.TextVectorization(**kwargs)
    if spec["set_vocabulary"] is not None:
        layer.set_vocabulary(**spec["set_vocabulary"])
    if spec["adapt"] is not None:
        data = spec["adapt"]
        layer.adapt(list(data) if spec["adapt_as"] == "list" else np.array(data))
    if spec["batches"] is not None:
        layer.adapt((np.array(b) for b in spec["batches"]), steps=spec["steps"])
    return layer


def plain(value):
    """An output as (nested lists, dtype name)."""
    if isinstance(value, tf.RaggedTensor):
        raise TypeError("ragged output")
    value = np.asarray(value)
    return value.tolist(), str(value.dtype)


def call_outputs(layer, inputs):
    outputs = []
    for x in inputs:
        try:
            value, dtype = plain(layer(x))
            outputs.append({"value": value, "dtype": dtype})
        except Exception as e:  # noqa: BLE001 - the oracle records what Keras raises
            outputs.append({"error": type(e).__name__, "message": str(e)})
    return outputs


def text(token):
    return token.decode("utf-8") if isinstance(token, bytes) else str(token)


def run_text_vectorization(name, spec, tmp):
    layer = build_text_vectorization(spec, tmp, name)
    config = layer.get_config()
    config.pop("name")
    for key in ("standardize", "split"):
        if callable(config[key]):
            config[key] = "<callable>"
    idf = layer._lookup_layer.idf_weights if spec["kwargs"].get("output_mode") in (
        "tf_idf", "tf-idf") else None
    return {**spec, "outputs": call_outputs(layer, spec["inputs"]),
            "vocabulary": [text(v) for v in layer.get_vocabulary()],
            "vocabulary_no_special": [text(v) for v in layer.get_vocabulary(False)],
            "vocabulary_size": int(layer.vocabulary_size()),
            "idf_weights": None if idf is None else np.asarray(idf).tolist(),
            "config": json.loads(json.dumps(config))}


def text_vectorization_fixtures(tmp):
    fixtures = {"PROVENANCE": PROVENANCE, "callables": {k: v[1] for k, v in CALLABLES.items()},
                "cases": {}, "bad_args": {}}
    for name, spec in TV_CASES.items():
        fixtures["cases"][name] = run_text_vectorization(name, spec, tmp)
    for name, kwargs in TV_BAD_ARGS.items():
        fixtures["bad_args"][name] = bad_args(keras.layers.TextVectorization, kwargs)
    return fixtures


def bad_args(cls, kwargs):
    try:
        cls(**kwargs)
    except (ValueError, TypeError) as e:
        return {"kwargs": kwargs, "error": type(e).__name__, "message": str(e)}
    raise AssertionError(f"Keras accepted {cls.__name__}({kwargs})")


# ---- Hashing and HashedCrossing -----------------------------------------------------------

def _random_strings(count, seed):
    """Seeded strings of 0 to ~100 characters (1 to 4 UTF-8 bytes each): every farmhash and
    siphash length branch is hit."""
    rng = random.Random(seed)
    ranges = [(0x20, 0x7E), (0xA0, 0x2FF), (0x4E00, 0x4FFF), (0x1F600, 0x1F64F)]
    out = []
    for _ in range(count):
        length = rng.choice([rng.randint(0, 20), rng.randint(20, 70), rng.randint(60, 100)])
        out.append("".join(chr(rng.randint(*rng.choice(ranges))) for _ in range(length)))
    return out


RANDOM_STRINGS = _random_strings(1500, 7)
LETTERS = [["A"], ["B"], ["C"], ["D"], ["E"]]
EDGE_STRINGS = ["", "a", "ab", "abc", "abcd", "abcdefg", "abcdefgh", "x" * 16, "x" * 17,
                "y" * 32, "y" * 33, "z" * 64, "z" * 65, "w" * 128, "w" * 129, "é", "日本語",
                "😀"]
INTS = [[0], [1], [-1], [42], [2**40], [-(2**62)], [9223372036854775807]]
INTS32 = [[0], [1], [-1], [42], [2**31 - 1], [-(2**31)]]
BIG = 2**63 - 1  # the largest bin count: the bins are then nearly the raw 64-bit hashes


def hcase(kwargs, inputs, input_dtypes=None):
    return {"kwargs": kwargs, "inputs": inputs,
            "input_dtypes": input_dtypes or [None] * len(inputs)}


HASHING_CASES = {
    "letters": hcase({"num_bins": 3}, [LETTERS, ["A", "B"], "A"]),
    "edge_strings_big": hcase({"num_bins": BIG}, [EDGE_STRINGS]),
    "random_strings_big": hcase({"num_bins": BIG}, [RANDOM_STRINGS]),
    "random_strings_small": hcase({"num_bins": 97}, [RANDOM_STRINGS[:300]]),
    "strings_2d": hcase({"num_bins": 10}, [[["a", "b", "c"], ["d", "", "f"]]]),
    "mask_string": hcase({"num_bins": 3, "mask_value": ""}, [[["A"], ["B"], [""], ["C"], ["D"]]]),
    "mask_one_bin": hcase({"num_bins": 1, "mask_value": ""}, [[["A"], [""]]]),
    "ints": hcase({"num_bins": BIG}, [INTS, INTS32], ["int64", "int32"]),
    "ints_small": hcase({"num_bins": 7}, [[[1, 2, 3], [40, 50, 60]]], ["int64"]),
    "int_mask": hcase({"num_bins": 5, "mask_value": 0}, [[[0, 1, 2, 0, 7]]], ["int64"]),
    "floats": hcase({"num_bins": BIG}, [[[1.7], [-2.3], [0.0], [3.0]]], ["float32"]),
    "salt_pair": hcase({"num_bins": 3, "salt": [133, 137]}, [LETTERS]),
    "salt_int": hcase({"num_bins": 3, "salt": 133}, [LETTERS]),
    "salt_random_big": hcase({"num_bins": BIG, "salt": [2**40 + 3, 987654321]},
                             [RANDOM_STRINGS[:600], EDGE_STRINGS]),
    "salt_ints": hcase({"num_bins": BIG, "salt": [5, 6]}, [INTS], ["int64"]),
    "salt_mask": hcase({"num_bins": 4, "salt": 9, "mask_value": "m"}, [[["m"], ["a"], ["b"]]]),
    "int32_dtype": hcase({"num_bins": 10, "dtype": "int32"}, [LETTERS]),
    "one_hot_column": hcase({"num_bins": 4, "output_mode": "one_hot"}, [LETTERS]),
    "one_hot_vector": hcase({"num_bins": 4, "output_mode": "one_hot"}, [["A", "B", "C"]]),
    "one_hot_2d": hcase({"num_bins": 4, "output_mode": "one_hot"}, [[["A", "B"], ["C", "D"]]]),
    "multi_hot": hcase({"num_bins": 5, "output_mode": "multi_hot"},
                       [[["A", "B", "A"], ["C", "D", "E"]], ["A", "B", "A"],
                        [[["a", "b"], ["c", "a"]], [["d", "d"], ["e", "f"]]]]),
    "count": hcase({"num_bins": 5, "output_mode": "count"},
                   [[["A", "B", "A"], ["C", "D", "E"]], ["A", "A"],
                    [[["a", "b"], ["c", "a"]], [["d", "d"], ["e", "f"]]]]),
    "count_ints_mask": hcase({"num_bins": 6, "output_mode": "count", "mask_value": 0},
                             [[[0, 1, 1, 5], [2, 0, 0, 3]]], ["int64"]),
    "count_float64": hcase({"num_bins": 4, "output_mode": "count", "dtype": "float64"},
                           [[["a", "b", "a"]]]),
}

HASHING_BAD_ARGS = {
    "num_bins_0": {"num_bins": 0},
    "num_bins_none": {"num_bins": None},
    "float_dtype_int_mode": {"num_bins": 3, "dtype": "float32"},
    "output_mode": {"num_bins": 3, "output_mode": "embedding"},
    "sparse_int": {"num_bins": 3, "sparse": True},
    "salt_str": {"num_bins": 3, "salt": "x"},
    "salt_triple": {"num_bins": 3, "salt": (1, 2, 3)},
}

CROSS_A = ["A", "B", "A", "B", "A"]
CROSS_B = [101, 101, 101, 102, 102]

CROSSING_CASES = {
    "docstring": hcase({"num_bins": 5}, [[CROSS_A, CROSS_B]], [["str", "int64"]]),
    "docstring_one_hot": hcase({"num_bins": 5, "output_mode": "one_hot"}, [[CROSS_A, CROSS_B]],
                               [["str", "int64"]]),
    "big_bins": hcase({"num_bins": BIG}, [[RANDOM_STRINGS[:200], list(range(-100, 100))]],
                      [["str", "int64"]]),
    "strings_strings": hcase({"num_bins": BIG}, [[RANDOM_STRINGS[:100], RANDOM_STRINGS[100:200]]],
                             [["str", "str"]]),
    "ints_ints": hcase({"num_bins": BIG}, [[[0, 1, -1, 2**62], [5, 5, 5, -(2**63)]]],
                       [["int64", "int64"]]),
    "int32": hcase({"num_bins": 11}, [[[1, 2, 3], [4, 5, 6]]], [["int32", "int32"]]),
    "three_features": hcase({"num_bins": BIG}, [[CROSS_A, CROSS_B, ["x", "y", "z", "x", "y"]]],
                            [["str", "int64", "str"]]),
    "column": hcase({"num_bins": 7}, [[[[c] for c in CROSS_A], [[b] for b in CROSS_B]]],
                    [["str", "int64"]]),
    "column_one_hot": hcase({"num_bins": 4, "output_mode": "one_hot"},
                            [[[[c] for c in CROSS_A], [[b] for b in CROSS_B]]],
                            [["str", "int64"]]),
    "scalars": hcase({"num_bins": 9}, [["A", 101]], [["str", "int64"]]),
    "scalars_one_hot": hcase({"num_bins": 4, "output_mode": "one_hot"}, [["A", 101]],
                             [["str", "int64"]]),
    "unicode": hcase({"num_bins": BIG}, [[EDGE_STRINGS, EDGE_STRINGS[::-1]]], [["str", "str"]]),
    "one_input": hcase({"num_bins": 5}, [[CROSS_A]], [["str"]]),
    "wide": hcase({"num_bins": 5}, [[[["a", "b"]], [["c", "d"]]]], [["str", "str"]]),
    "unequal": hcase({"num_bins": 5}, [[["a", "b"], ["c"]]], [["str", "str"]]),
    "floats": hcase({"num_bins": 5}, [[[1.0, 2.0], [3.0, 4.0]]], [["float32", "float32"]]),
}

CROSSING_BAD_ARGS = {"output_mode": {"num_bins": 3, "output_mode": "multi_hot"}}


def as_array(x, dtype):
    if dtype is None or dtype == "str":
        return np.array(x)
    return np.array(x, dtype=dtype)


def run_hashing(spec):
    layer = keras.layers.Hashing(**spec["kwargs"])
    inputs = [as_array(x, d) for x, d in zip(spec["inputs"], spec["input_dtypes"])]
    config = layer.get_config()
    config.pop("name")
    return {**spec, "outputs": call_outputs(layer, inputs),
            "config": json.loads(json.dumps(config))}


def run_crossing(spec):
    layer = keras.layers.HashedCrossing(**spec["kwargs"])
    inputs = [tuple(as_array(f, d) for f, d in zip(x, dtypes))
              for x, dtypes in zip(spec["inputs"], spec["input_dtypes"])]
    config = layer.get_config()
    config.pop("name")
    return {**spec, "outputs": call_outputs(layer, inputs),
            "config": json.loads(json.dumps(config))}


def hashing_fixtures():
    return {"PROVENANCE": PROVENANCE,
            "hashing": {name: run_hashing(spec) for name, spec in HASHING_CASES.items()},
            "hashing_bad_args": {name: bad_args(keras.layers.Hashing, kwargs)
                                 for name, kwargs in HASHING_BAD_ARGS.items()},
            "crossing": {name: run_crossing(spec) for name, spec in CROSSING_CASES.items()},
            "crossing_bad_args": {name: bad_args(keras.layers.HashedCrossing, kwargs)
                                  for name, kwargs in CROSSING_BAD_ARGS.items()}}


# ---- text_dataset_from_directory ----------------------------------------------------------

# (relative path, text); the texts name their files, so a test can tell them apart.
TREE = [("neg/a1.txt", "neg one: bad"), ("neg/a2.txt", "neg two"), ("neg/b3.TXT", "neg upper"),
        ("neg/deep/d4.txt", "neg nested deep"), ("neg/zz.txt", "neg last"),
        ("neg/skip.md", "not a text file"),
        ("pos/p1.txt", "pos one: good"), ("pos/p2.txt", "pos two, longer text here"),
        ("pos/p3.txt", "pos três ünïcode 日本"), ("pos/sub/p4.txt", "pos nested"),
        ("pos/p5.txt", ""), ("pos/p6.txt", "pos six"), ("pos/p7.txt", "pos seven"),
        ("mid/m1.txt", "mid one"), ("mid/m2.txt", "mid two"),
        (".hidden/h1.txt", "hidden dir"), ("top.txt", "a file at the top")]

DATASET_CASES = {
    "inferred_sorted": {"shuffle": False, "batch_size": 4},
    "unbatched": {"shuffle": False, "batch_size": None},
    "shuffled_seed": {"shuffle": True, "seed": 3, "batch_size": 5},
    "categorical": {"shuffle": False, "label_mode": "categorical", "batch_size": 8},
    "binary": {"shuffle": False, "label_mode": "binary", "class_names": ["pos", "neg"],
               "batch_size": 8},
    "class_names_subset": {"shuffle": False, "class_names": ["pos", "mid"], "batch_size": 32},
    "no_labels": {"shuffle": False, "labels": None, "batch_size": 6},
    "label_mode_none": {"shuffle": False, "label_mode": None, "batch_size": 6},
    "max_length": {"shuffle": False, "max_length": 5, "batch_size": 32},
    "validation_training": {"validation_split": 0.3, "subset": "training", "seed": 11,
                            "batch_size": 32},
    "validation_validation": {"validation_split": 0.3, "subset": "validation", "seed": 11,
                              "batch_size": 32},
    "validation_both": {"validation_split": 0.25, "subset": "both", "seed": 5,
                        "batch_size": 3},
    "validation_no_shuffle": {"validation_split": 0.2, "subset": "both", "shuffle": False,
                              "batch_size": 32},
    "quiet": {"shuffle": False, "verbose": False, "batch_size": 32},
}

DATASET_BAD_ARGS = {
    "labels_str": {"labels": "folders"},
    "class_names_with_labels": {"labels": [0, 1], "class_names": ["a", "b"]},
    "label_mode": {"label_mode": "sparse"},
    "split_range": {"validation_split": 1.5, "subset": "training", "seed": 1},
    "split_without_subset": {"validation_split": 0.2},
    "subset_without_split": {"subset": "training"},
    "bad_subset": {"validation_split": 0.2, "subset": "test", "seed": 1},
    "split_without_seed": {"validation_split": 0.2, "subset": "training"},
    "class_names_unknown": {"class_names": ["pos", "nope"]},
    "binary_three_classes": {"label_mode": "binary"},
}


def make_tree(root):
    for rel, content in TREE:
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(content)


def element(batch):
    if isinstance(batch, tuple):
        texts, labels = batch
        return {"texts": as_texts(texts), "labels": np.asarray(labels).tolist(),
                "label_dtype": str(np.asarray(labels).dtype)}
    return {"texts": as_texts(batch)}


def as_texts(texts):
    texts = np.asarray(texts)
    if texts.ndim == 0:
        return texts.item().decode("utf-8", "replace")
    return [t.decode("utf-8", "replace") for t in texts.tolist()]


def run_dataset(root, kwargs):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        result = keras.utils.text_dataset_from_directory(root, **kwargs)
    datasets = result if isinstance(result, (list, tuple)) else (result,)
    kind = type(result).__name__
    return {"kwargs": kwargs, "stdout": out.getvalue(), "returns": kind,
            "datasets": [{"class_names": ds.class_names,
                          "batches": [element(b) for b in ds.as_numpy_iterator()]}
                         for ds in datasets]}


def dataset_fixtures(tmp):
    root = os.path.join(tmp, "texts")
    make_tree(root)
    labels_root = os.path.join(tmp, "flat")
    os.makedirs(labels_root)
    for i, name in enumerate(["c.txt", "a.txt", "b.txt", "d.txt"]):
        with open(os.path.join(labels_root, name), "w") as f:
            f.write(f"flat {name} {i}")
    fixtures = {"PROVENANCE": PROVENANCE, "tree": TREE, "cases": {}, "bad_args": {}}
    for name, kwargs in DATASET_CASES.items():
        fixtures["cases"][name] = run_dataset(root, kwargs)
    fixtures["flat_labels"] = run_dataset(labels_root, {"labels": [3, 1, 2, 0],
                                                        "shuffle": False})
    for name, kwargs in DATASET_BAD_ARGS.items():
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                keras.utils.text_dataset_from_directory(root, **kwargs)
            raise AssertionError(f"Keras accepted text_dataset_from_directory({kwargs})")
        except ValueError as e:
            fixtures["bad_args"][name] = {"kwargs": kwargs, "message": str(e)}
    return fixtures


def write(name, fixtures):
    with open(os.path.join(HERE, name), "w", encoding="utf-8") as f:
        json.dump(fixtures, f, indent=1, ensure_ascii=False)
        f.write("\n")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        write("text_vectorization_fixtures.json", text_vectorization_fixtures(tmp))
        write("hashing_fixtures.json", hashing_fixtures())
        write("text_dataset_fixtures.json", dataset_fixtures(tmp))


if __name__ == "__main__":
    main()
