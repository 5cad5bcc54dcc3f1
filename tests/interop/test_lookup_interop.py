"""Models with lookup layers shared with real Keras: what one library saves, the other loads.

Three models built by each library from one description, their lookups adapted on the same
corpus: TextVectorization ("int") -> Embedding -> pooling -> Dense; a Sequential
TextVectorization (tf_idf, bigrams) -> Dense; and StringLookup (mask "") + IntegerLookup
(multi_hot) + Hashing, each into a Dense, summed. The writer saves `.keras` (vocabularies as
`assets/`, IDF weights in the weights file); the reader must get the writer's vocabularies
and its outputs on string inputs to 1e-6. Keras -> Keras is the control.

Keras runs these layers only with TensorFlow installed, and calls a model on strings only
on the TensorFlow backend, so this module needs both (see tests/interop/README.md); without
them it is skipped.
"""

import os

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
keras = pytest.importorskip("keras")
pytest.importorskip("tensorflow")

import keras_like  # noqa: E402

pytestmark = [
    pytest.mark.interop,
    pytest.mark.skipif(keras.backend.backend() != "tensorflow",
                       reason="real Keras calls models on strings only on TensorFlow"),
]

LIBS = {"keras": keras, "keras_like": keras_like}
DIRECTIONS = (("keras_like", "keras"), ("keras", "keras_like"), ("keras", "keras"))
CORPUS = ["The cat sat on the mat.", "A dog ran far, far away!", "the cat ran",
          "café au lait", "Dogs sit; cats sit."]
TEXTS = np.array(["the cat", "a café dog sat", "nothing known", ""], dtype=object)[:, None]
CATEGORIES = np.array([["red", "green", ""], ["blue", "red", "red"]], dtype=object)
IDS = np.array([[3, 1, 2], [3, 7, 7]])


def text_int(lib):
    vectorize = lib.layers.TextVectorization(max_tokens=20, output_sequence_length=5)
    vectorize.adapt(np.array(CORPUS, dtype=object))
    text = lib.Input(shape=(1,), dtype="string")
    x = lib.layers.GlobalAveragePooling1D()(lib.layers.Embedding(20, 3)(vectorize(text)))
    return lib.Model(text, lib.layers.Dense(2)(x)), TEXTS


def text_tfidf(lib):
    vectorize = lib.layers.TextVectorization(output_mode="tf_idf", ngrams=2)
    vectorize.adapt(np.array(CORPUS, dtype=object))
    model = lib.Sequential([lib.Input(shape=(1,), dtype="string"), vectorize,
                            lib.layers.Dense(2)])
    return model, TEXTS


def lookups(lib):
    strings = lib.layers.StringLookup(mask_token="")
    strings.adapt(CATEGORIES)
    numbers = lib.layers.IntegerLookup(output_mode="multi_hot")
    numbers.adapt(IDS)
    cats = lib.Input(shape=(3,), dtype="string", name="cats")
    ids = lib.Input(shape=(3,), dtype="int64", name="ids")
    word = lib.Input(shape=(1,), dtype="string", name="word")
    embedded = lib.layers.Flatten()(lib.layers.Embedding(8, 2)(strings(cats)))
    hashed = lib.layers.Hashing(num_bins=4, output_mode="one_hot")(word)
    total = lib.layers.Add()([lib.layers.Dense(2)(b) for b in (embedded, numbers(ids), hashed)])
    x = {"cats": np.array([["red", "", "teal"], ["green", "blue", "red"]], dtype=object),
         "ids": np.array([[7, 9, 1], [2, 2, 3]]),
         "word": np.array([["apple"], ["kiwi"]], dtype=object)}
    return lib.Model({"cats": cats, "ids": ids, "word": word}, total), x


BUILDERS = {"text_int": text_int, "text_tfidf": text_tfidf, "lookups": lookups}


def outputs(lib_name, model, x):
    out = model(x)
    return np.asarray(out) if lib_name == "keras" else keras_like.ops.convert_to_numpy(out)


def vocabularies(model):
    return [layer.get_vocabulary() for layer in model.layers if hasattr(layer, "get_vocabulary")]


@pytest.mark.parametrize("name", sorted(BUILDERS))
@pytest.mark.parametrize("writer,reader", DIRECTIONS, ids=lambda d: d)
def test_reader_reproduces_writer(writer, reader, name, tmp_path):
    model, x = BUILDERS[name](LIBS[writer])
    expected = outputs(writer, model, x)
    path = str(tmp_path / f"{name}.keras")
    model.save(path)
    revived = LIBS[reader].saving.load_model(path)
    assert vocabularies(revived) == vocabularies(model)
    np.testing.assert_allclose(outputs(reader, revived, x), expected, atol=1e-6, rtol=0)
