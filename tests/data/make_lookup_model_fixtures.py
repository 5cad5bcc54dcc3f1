"""Writes real-Keras `.keras` files whose models start with string (and integer) lookups.

Keras's TextVectorization, StringLookup and IntegerLookup run on TensorFlow (they raise
ImportError without it), so this runs with real Keras 3.15.1 on TensorFlow (CPU), from a
virtualenv with keras==3.15.1 and tensorflow-cpu==2.21.0:

    KERAS_BACKEND=tensorflow /work/venv-tf/bin/python tests/data/make_lookup_model_fixtures.py

Each model is built from one recipe, its lookup layers adapted on a small corpus (one takes
its vocabulary in the constructor, so it has no asset), saved with `model.save`, and called
on string inputs. lookup_model_fixtures.json gets, per model: the inputs, Keras's outputs,
Keras's outputs after it reloads its own file, the archive's member names, the text of every
`assets/` file and the HDF5 dataset paths of `model.weights.h5`. The tests load the files
into keras_like and must reproduce the outputs, and a file keras_like saves must have the
same members, asset texts and dataset paths.

Keras's own `predict` refuses NumPy `str_` arrays ("Invalid dtype: str416"), so the oracle
calls the models on object arrays, which Keras accepts.
"""

import io
import json
import locale
import os
import platform
import zipfile

import h5py
import keras
import numpy as np
import tensorflow as tf
from keras import layers

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = ["The cat sat on the mat.", "A dog ran far, far away!", "the cat ran",
          "Dogs sit; cats sit.", "café au lait, s'il vous plaît", "the the THE dog"]
QUERIES = ["the cat", "a dog sat on a mat", "unknown words only", "", "Café CAT, dog!"]
CATEGORIES = [["red", "green", "red"], ["blue", "", "green"], ["green", "green", "teal"]]
QUERY_CATEGORIES = [["red", "", "violet"], ["teal", "blue", "green"], ["", "", ""],
                    ["green", "red", "blue"], ["purple", "teal", "red"]]
TAGS = [["small", "large"], ["tiny", "small"], ["huge", "huge"], ["large", ""],
        ["medium", "small"]]
IDS = [[3, 1, 2, 1], [3, 2, 4, 5], [5, 5, 9, 1], [0, 0, 7, 3]]
QUERY_IDS = [[1, 1, 9, 4], [0, 5, 5, 3], [8, 8, 8, 8], [2, 3, 4, 5], [1, 0, 0, 0]]
WORDS = ["apple", "banana", "", "cherry", "apple"]


def text_int():
    """Functional: text -> TextVectorization (int) -> Embedding -> pooling -> Dense."""
    vectorize = layers.TextVectorization(max_tokens=24, output_sequence_length=6,
                                         name="vectorize")
    vectorize.adapt(np.array(CORPUS, dtype=object))
    text = keras.Input(shape=(1,), dtype="string", name="text")
    x = layers.Embedding(24, 4, name="embed")(vectorize(text))
    x = layers.GlobalAveragePooling1D()(x)
    model = keras.Model(text, layers.Dense(2, activation="softmax", name="out")(x),
                        name="text_int")
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model, np.array(QUERIES, dtype=object)[:, None]


def text_tfidf():
    """Sequential: TextVectorization (tf_idf, bigrams) -> Dense."""
    vectorize = layers.TextVectorization(output_mode="tf_idf", ngrams=2, max_tokens=30,
                                         name="tfidf")
    vectorize.adapt(np.array(CORPUS, dtype=object))
    model = keras.Sequential([keras.Input(shape=(1,), dtype="string"), vectorize,
                              layers.Dense(3, name="out")], name="text_tfidf")
    return model, np.array(QUERIES, dtype=object)[:, None]


def lookups():
    """Four inputs: StringLookup (adapted, mask ""), StringLookup (constructor vocabulary,
    multi_hot), IntegerLookup (adapted, tf_idf) and Hashing (one_hot), each into a Dense,
    summed."""
    cat_lookup = layers.StringLookup(mask_token="", name="cat_lookup")
    cat_lookup.adapt(np.array(CATEGORIES, dtype=object))
    tag_lookup = layers.StringLookup(vocabulary=["small", "medium", "large"],
                                     output_mode="multi_hot", name="tag_lookup")
    id_lookup = layers.IntegerLookup(output_mode="tf_idf", name="id_lookup")
    id_lookup.adapt(np.array(IDS))
    cats = keras.Input(shape=(3,), dtype="string", name="cats")
    tags = keras.Input(shape=(2,), dtype="string", name="tags")
    ids = keras.Input(shape=(4,), dtype="int64", name="ids")
    word = keras.Input(shape=(1,), dtype="string", name="word")
    a = layers.Flatten()(layers.Embedding(cat_lookup.vocabulary_size(), 2)(cat_lookup(cats)))
    branches = [a, tag_lookup(tags), id_lookup(ids),
                layers.Hashing(num_bins=5, output_mode="one_hot", name="hash")(word)]
    summed = layers.Add()([layers.Dense(2, name=f"dense_{i}")(b)
                           for i, b in enumerate(branches)])
    model = keras.Model({"cats": cats, "tags": tags, "ids": ids, "word": word}, summed,
                        name="lookups")
    inputs = {"cats": np.array(QUERY_CATEGORIES, dtype=object),
              "tags": np.array(TAGS, dtype=object), "ids": np.array(QUERY_IDS),
              "word": np.array(WORDS, dtype=object)[:, None]}
    return model, inputs


MODELS = {"text_int": text_int, "text_tfidf": text_tfidf, "lookups": lookups}


def plain(x):
    if isinstance(x, dict):
        return {k: plain(v) for k, v in x.items()}
    x = np.asarray(x)
    if x.dtype == object:
        return [[v for v in row] if isinstance(row, (list, np.ndarray)) else row
                for row in x.tolist()]
    return x.tolist()


def archive_layout(path):
    with zipfile.ZipFile(path) as archive:
        members = archive.namelist()
        assets = {name: archive.read(name).decode("utf-8") for name in members
                  if name.startswith("assets/")}
        with h5py.File(io.BytesIO(archive.read("model.weights.h5")), "r") as h5:
            datasets = []
            h5.visititems(lambda name, obj: datasets.append(name)
                          if isinstance(obj, h5py.Dataset) else None)
    return members, assets, sorted(datasets)


def main():
    keras.utils.set_random_seed(20260512)
    fixtures = {}
    for name, builder in MODELS.items():
        model, inputs = builder()
        outputs = np.asarray(model(inputs))
        path = os.path.join(HERE, f"lookup_{name}.keras")
        model.save(path)
        reloaded = np.asarray(keras.saving.load_model(path)(inputs))
        members, assets, datasets = archive_layout(path)
        fixtures[name] = {"inputs": plain(inputs), "outputs": outputs.tolist(),
                          "keras_reloaded_outputs": reloaded.tolist(),
                          "members": members, "assets": assets, "datasets": datasets}
    provenance = (f"keras {keras.__version__}, backend {keras.backend.backend()}, tensorflow "
                  f"{tf.__version__}, numpy {np.__version__}, h5py {h5py.__version__}, python "
                  f"{platform.python_version()}, locale encoding "
                  f"{locale.getpreferredencoding(False)}")
    with open(os.path.join(HERE, "lookup_model_fixtures.json"), "w", encoding="utf-8") as f:
        json.dump({"provenance": provenance, "models": fixtures}, f, indent=1,
                  ensure_ascii=False)
        f.write("\n")
    with open(os.path.join(HERE, "lookup_models_PROVENANCE.txt"), "w") as f:
        files = ", ".join(f"lookup_{name}.keras" for name in MODELS)
        f.write(f"lookup_model_fixtures.json, {files}: {provenance}; written by "
                "tests/data/make_lookup_model_fixtures.py\n")


if __name__ == "__main__":
    main()
