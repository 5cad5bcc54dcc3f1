"""Writes the real-Keras oracle for keras_like's StringLookup and IntegerLookup tests.

Keras's lookup layers are built on TensorFlow hash tables (they raise ImportError without
TensorFlow), so this runs with real Keras 3.15.1 on TensorFlow, from the TF interop venv:

    KERAS_BACKEND=tensorflow /work/venv-tf/bin/python tests/data/make_lookup_fixtures.py

Each case is a plain-data recipe (layer class, constructor arguments, optional adapt data or
vocabulary file, call inputs); the recipe and what Keras gives for it (outputs and their
dtype, vocabulary, vocabulary size, config, or the error raised) go to lookup_fixtures.json
here, and the tests replay every recipe on keras_like.
"""

import json
import os
import tempfile

import keras
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
V = ["a", "b", "c", "d"]
X = [["a", "c", "d"], ["d", "z", "b"]]
XM = [["a", "", "d"], ["", "z", "b"]]  # with the mask token ""
IV = [12, 36, 1138, 42]
IX = [[12, 1138, 42], [42, 1000, 36]]
IXM = [[12, 0, 42], [0, -7, 36], [5, 6, 1138]]  # with mask 0; OOV -7, 5, 6
DOCS = [["b", "a", "c", "a"], ["b", "c", "d", "e"], ["e", "e", "x", "a"]]
IDOCS = [[3, 1, 2, 1], [3, 2, 4, 5], [5, 5, 9, 1], [0, 0, 7, 3]]


def case(cls, kwargs=None, inputs=(), adapt=None, batches=None, steps=None, file=None):
    return {"cls": cls, "kwargs": kwargs or {}, "inputs": list(inputs), "adapt": adapt,
            "batches": batches, "steps": steps, "file": file}


STR, INT = "StringLookup", "IntegerLookup"
CASES = {
    # StringLookup, vocabulary given
    "s_int": case(STR, {"vocabulary": V}, [X, ["a", "q"], "b", [["c"]]]),
    "s_no_oov": case(STR, {"vocabulary": V, "num_oov_indices": 0}, [[["a", "d"], ["c", "b"]]]),
    "s_mask": case(STR, {"vocabulary": V, "mask_token": ""}, [XM]),
    "s_mask_no_oov": case(STR, {"vocabulary": V, "mask_token": "", "num_oov_indices": 0},
                          [[["a", ""], ["b", "c"]]]),
    "s_specials_in_vocab": case(STR, {"vocabulary": ["[UNK]"] + V}, [X]),
    "s_mask_specials_in_vocab": case(STR, {"vocabulary": ["", "[UNK]"] + V, "mask_token": ""},
                                     [XM]),
    "s_oov_token_in_vocab": case(STR, {"vocabulary": ["a", "[UNK]", "b"]}, [X]),
    "s_custom_oov": case(STR, {"vocabulary": V, "oov_token": "?"}, [X]),
    "s_one_hot_col": case(STR, {"vocabulary": V, "output_mode": "one_hot"},
                          [[["a"], ["z"], ["d"]], ["b", "z"], "c"]),
    "s_one_hot_2d": case(STR, {"vocabulary": V, "output_mode": "one_hot"}, [X]),
    "s_one_hot_mask": case(STR, {"vocabulary": V, "output_mode": "one_hot", "mask_token": ""},
                           [XM]),
    "s_multi_hot": case(STR, {"vocabulary": V, "output_mode": "multi_hot"},
                        [X, ["a", "a", "z"], [[["a", "b"], ["c", "c"]], [["z", "d"], ["a", "a"]]]]),
    "s_multi_hot_mask": case(STR, {"vocabulary": V, "output_mode": "multi_hot", "mask_token": ""},
                             [XM]),
    "s_multi_hot_pad": case(STR, {"vocabulary": V, "output_mode": "multi_hot", "max_tokens": 8,
                                "pad_to_max_tokens": True}, [X]),
    "s_binary_alias": case(STR, {"vocabulary": V, "output_mode": "binary"}, [X]),
    "s_count": case(STR, {"vocabulary": V, "output_mode": "count"},
                    [[["a", "a", "z", "z", "z"], ["d", "c", "d", "b", "b"]],
                     [[["a", "b"], ["c", "c"], ["z", "z"]]]]),
    "s_count_mask": case(STR, {"vocabulary": V, "output_mode": "count", "mask_token": ""}, [XM]),
    "s_tf_idf": case(STR, {"vocabulary": V, "output_mode": "tf_idf",
                         "idf_weights": [0.25, 0.75, 0.6, 0.4]},
                     [[["a", "a", "z", "z", "z"], ["d", "c", "d", "b", "b"]]]),
    "s_tf_idf_specials": case(STR, {"vocabulary": ["[UNK]"] + V, "output_mode": "tf-idf",
                                  "idf_weights": [0.9, 0.25, 0.75, 0.6, 0.4]}, [X]),
    "s_tf_idf_pad": case(STR, {"vocabulary": V, "output_mode": "tf_idf", "max_tokens": 7,
                             "pad_to_max_tokens": True, "idf_weights": [0.25, 0.75, 0.6, 0.4]},
                         [X]),
    "s_invert": case(STR, {"vocabulary": V, "invert": True}, [[[0, 1, 2], [4, 5, 3]], 2]),
    "s_invert_mask": case(STR, {"vocabulary": V, "invert": True, "mask_token": ""},
                          [[[0, 1, 2], [4, 5, 3]]]),
    "s_invert_no_oov": case(STR, {"vocabulary": V, "invert": True, "num_oov_indices": 0},
                            [[[0, 1, 2], [3, 4, 9]]]),
    "s_file": case(STR, {}, [X], file=["a", "b", "c", "d"]),
    "s_file_mask": case(STR, {"mask_token": ""}, [XM], file=["a", "b", "c", "d"]),
    "s_unicode": case(STR, {"vocabulary": ["é", "ß", "日本"]}, [[["日本", "ß", "x"]]]),
    # StringLookup, adapted
    "s_adapt": case(STR, {}, [X], adapt=DOCS),
    "s_adapt_1d": case(STR, {}, [X], adapt=["c", "a", "b", "a", "c", "a"]),
    "s_adapt_max": case(STR, {"max_tokens": 4}, [X], adapt=DOCS),
    "s_adapt_mask_oov_in_data": case(STR, {"mask_token": "", "oov_token": "e"}, [XM],
                                     adapt=[["", "e", "b"], ["", "a", "b"]]),
    "s_adapt_no_oov_max": case(STR, {"num_oov_indices": 0, "max_tokens": 3}, [[["a", "b"]]],
                               adapt=DOCS),
    "s_adapt_batches": case(STR, {}, [X], batches=[DOCS[:2], DOCS[2:], [["z", "z", "z", "z"]]]),
    "s_adapt_steps": case(STR, {}, [X], batches=[DOCS[:2], DOCS[2:], [["z", "z", "z", "z"]]],
                          steps=2),
    "s_adapt_multi_hot": case(STR, {"output_mode": "multi_hot"}, [X], adapt=DOCS),
    "s_adapt_tf_idf": case(STR, {"output_mode": "tf_idf"}, [DOCS], adapt=DOCS),
    "s_adapt_tf_idf_1d": case(STR, {"output_mode": "tf_idf"}, [X], adapt=["a", "b", "a", "c"]),
    "s_adapt_tf_idf_pad": case(STR, {"output_mode": "tf_idf", "max_tokens": 9,
                                   "pad_to_max_tokens": True}, [DOCS],
                               batches=[DOCS[:1], DOCS[1:]]),
    # IntegerLookup, vocabulary given
    "i_int": case(INT, {"vocabulary": IV}, [IX, [12, 5], 36, [[1138]]]),
    "i_no_oov": case(INT, {"vocabulary": IV, "num_oov_indices": 0}, [[[12, 42], [36, 1138]]]),
    "i_mask": case(INT, {"vocabulary": IV, "mask_token": 0}, [IXM]),
    "i_oov2": case(INT, {"vocabulary": IV, "num_oov_indices": 2}, [IXM]),
    "i_oov3_mask": case(INT, {"vocabulary": IV, "num_oov_indices": 3, "mask_token": 0}, [IXM]),
    "i_oov3_multi_hot": case(INT, {"vocabulary": IV, "num_oov_indices": 3,
                                 "output_mode": "multi_hot"}, [IXM]),
    "i_specials_in_vocab": case(INT, {"vocabulary": [0, -1] + IV, "mask_token": 0}, [IXM]),
    "i_one_hot": case(INT, {"vocabulary": IV, "output_mode": "one_hot"},
                      [[[12], [5], [42]], [36, 1000]]),
    "i_multi_hot_mask": case(INT, {"vocabulary": IV, "output_mode": "multi_hot",
                                 "mask_token": 0}, [IXM]),
    "i_count": case(INT, {"vocabulary": IV, "output_mode": "count"}, [IXM, [[12, 12, 7]]]),
    "i_count_pad": case(INT, {"vocabulary": IV, "output_mode": "count", "max_tokens": 6,
                            "pad_to_max_tokens": True}, [IXM]),
    "i_tf_idf": case(INT, {"vocabulary": IV, "output_mode": "tf_idf",
                         "idf_weights": [0.5, 1.25, 2.0, 0.125]}, [IXM]),
    "i_invert": case(INT, {"vocabulary": IV, "invert": True}, [[[0, 1, 2], [4, 5, 3]], 3]),
    "i_invert_mask": case(INT, {"vocabulary": IV, "invert": True, "mask_token": 0,
                              "oov_token": -9}, [[[0, 1, 2], [4, 5, 3]]]),
    "i_invert_oov2": case(INT, {"vocabulary": IV, "invert": True, "num_oov_indices": 2},
                          [[[0, 1, 2], [4, 5, 3]]]),
    "i_float_input": case(INT, {"vocabulary": IV}, [[[12.0, 36.0], [42.0, 7.0]]]),
    "i_file": case(INT, {}, [IX], file=["12", "36", "1138", "42"]),
    # IntegerLookup, adapted
    "i_adapt": case(INT, {}, [IX], adapt=IDOCS),
    "i_adapt_mask": case(INT, {"mask_token": 0}, [IDOCS], adapt=IDOCS),
    "i_adapt_max": case(INT, {"max_tokens": 4, "num_oov_indices": 2}, [IDOCS], adapt=IDOCS),
    "i_adapt_1d": case(INT, {}, [[[3, 1]]], adapt=[7, 7, 3, 1, 1, -1]),
    "i_adapt_batches": case(INT, {}, [IX], batches=[IDOCS[:2], IDOCS[2:]]),
    "i_adapt_count": case(INT, {"output_mode": "count", "mask_token": 0}, [IDOCS], adapt=IDOCS),
    "i_adapt_tf_idf": case(INT, {"output_mode": "tf_idf"}, [IDOCS], adapt=IDOCS),
    "i_adapt_tf_idf_max": case(INT, {"output_mode": "tf_idf", "max_tokens": 4}, [IDOCS],
                               adapt=IDOCS),
}

# name -> (class, constructor kwargs) that Keras refuses at construction. (`sparse=True` is
# left out: Keras accepts it on TensorFlow only, and refuses it on the other backends.)
BAD_ARGS = {
    "s_max_tokens_1": (STR, {"max_tokens": 1}),
    "s_pad_without_max": (STR, {"pad_to_max_tokens": True}),
    "s_negative_oov": (STR, {"num_oov_indices": -1}),
    "s_bad_mode": (STR, {"output_mode": "embedding"}),
    "s_invert_not_int": (STR, {"invert": True, "output_mode": "one_hot"}),
    "s_idf_not_tf_idf": (STR, {"vocabulary": V, "idf_weights": [1.0, 1.0, 1.0, 1.0]}),
    "s_tf_idf_vocab_without_idf": (STR, {"vocabulary": V, "output_mode": "tf_idf"}),
    "s_repeated": (STR, {"vocabulary": ["a", "b", "a"]}),
    "s_mask_in_vocab": (STR, {"vocabulary": ["a", "", "b"], "mask_token": ""}),
    "s_oov_in_vocab_invert": (STR, {"vocabulary": ["a", "[UNK]"], "invert": True}),
    "s_too_large": (STR, {"vocabulary": V, "max_tokens": 4}),
    "s_empty": (STR, {"vocabulary": []}),
    "s_idf_length": (STR, {"vocabulary": V, "output_mode": "tf_idf", "idf_weights": [1.0, 2.0]}),
    "s_missing_file": (STR, {"vocabulary": "/nonexistent/vocab.txt"}),
    "s_bad_salt": (STR, {"salt": "x"}),
    "s_unknown_kwarg": (STR, {"foo": 1}),
    "i_max_tokens_1": (INT, {"max_tokens": 1}),
    "i_negative_oov": (INT, {"num_oov_indices": -1}),
    "i_bad_dtype": (INT, {"vocabulary_dtype": "int32"}),
    "i_bad_oov_method": (INT, {"oov_method": "modulo"}),
    "i_salt_floormod": (INT, {"salt": 3}),
    "i_repeated": (INT, {"vocabulary": [1, 2, 1]}),
    "i_mask_in_vocab": (INT, {"vocabulary": [1, 0, 2], "mask_token": 0}),
}


def build(spec, tmp, name="vocab"):
    cls = getattr(keras.layers, spec["cls"])
    kwargs = dict(spec["kwargs"])
    if spec["file"] is not None:
        # One file per case: TF shares tables between layers reading the same path.
        path = os.path.join(tmp, f"{name}.txt")
        with open(path, "w") as f:
            f.write("\n".join(spec["file"]) + "\n")
        kwargs["vocabulary"] = path
    layer = cls(**kwargs)
    if spec["adapt"] is not None:
        layer.adapt(np.array(spec["adapt"]))
    if spec["batches"] is not None:
        layer.adapt((np.array(b) for b in spec["batches"]), steps=spec["steps"])
    return layer


def plain(x):
    x = np.asarray(x)
    if x.dtype == object:
        return np.vectorize(lambda b: b.decode("utf-8"), otypes=[object])(x).tolist(), "string"
    return x.tolist(), str(x.dtype)


def run_case(name, spec, tmp):
    layer = build(spec, tmp, name)
    outputs = []
    for x in spec["inputs"]:
        is_string = isinstance(np.asarray(x).flat[0], str) if np.size(x) else False
        x = np.array(x) if is_string or spec["cls"] == INT else np.array(x, dtype="int64")
        try:
            value, dtype = plain(layer(x))
            outputs.append({"value": value, "dtype": dtype})
        except Exception as e:  # noqa: BLE001 - the oracle records what Keras raises
            outputs.append({"error": type(e).__name__, "message": str(e)})
    config = layer.get_config()
    config.pop("name")
    return {**spec, "outputs": outputs,
            "vocabulary": [v.item() if hasattr(v, "item") else v
                           for v in layer.get_vocabulary()],
            "vocabulary_no_special": [v.item() if hasattr(v, "item") else v
                                      for v in layer.get_vocabulary(False)],
            "vocabulary_size": int(layer.vocabulary_size()),
            "config": json.loads(json.dumps(config))}


def main():
    fixtures = {"keras_version": keras.__version__, "cases": {}, "bad_args": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for name, spec in CASES.items():
            fixtures["cases"][name] = run_case(name, spec, tmp)
    for name, (cls, kwargs) in BAD_ARGS.items():
        try:
            getattr(keras.layers, cls)(**kwargs)
            raise AssertionError(f"{name}: Keras accepted {kwargs}")
        except (ValueError, TypeError) as e:
            fixtures["bad_args"][name] = {"cls": cls, "kwargs": kwargs,
                                          "error": type(e).__name__, "message": str(e)}
    with open(os.path.join(HERE, "lookup_fixtures.json"), "w") as f:
        json.dump(fixtures, f, indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
