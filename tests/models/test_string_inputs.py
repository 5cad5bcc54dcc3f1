"""Models whose inputs are strings: `keras.Input(..., dtype="string")`.

Strings never become engine tensors: they stay NumPy arrays from the caller through batching
and the graph to the first TextVectorization / StringLookup / Hashing layer, whose numeric
outputs flow on. Each model's output is compared with the same layers called by hand on the
same data, so a wrong rank fix, a lost sample or a reordered batch shows.
"""

import numpy as np
import pytest

import keras_like as keras
from keras_like import layers, ops
from keras_like.backend import standardize_dtype
from keras_like.backend.string_arrays import StringTensorError
from keras_like.trainers.data_adapters import ArrayDataAdapter

CORPUS = ["the cat sat", "a dog ran far", "the cat ran", "dogs sit", "a cat, a dog",
          "far far away"]
LABELS = np.array([1, 0, 1, 0, 1, 0], dtype="float32")


def vectorizer(**kwargs):
    layer = layers.TextVectorization(max_tokens=16, output_sequence_length=5, **kwargs)
    layer.adapt(CORPUS)
    return layer


def text_model(shape=(1,)):
    vectorize = vectorizer()
    text = keras.Input(shape=shape, dtype="string", name="text")
    embed = layers.Embedding(16, 3)
    pool = layers.GlobalAveragePooling1D()
    dense = layers.Dense(1, activation="sigmoid")
    model = keras.Model(text, dense(pool(embed(vectorize(text)))))
    return model, (vectorize, embed, pool, dense)


def by_hand(parts, texts):
    vectorize, embed, pool, dense = parts
    return ops.convert_to_numpy(dense(pool(embed(vectorize(np.asarray(texts))))))


def test_string_inputs_are_symbolic_string_tensors():
    text = keras.Input(shape=(1,), dtype="string")
    assert text.dtype == "string" and text.shape == (None, 1)
    assert keras.Input(shape=(), dtype="string").shape == (None,)
    assert standardize_dtype(str) == "string"
    assert layers.TextVectorization()(text).dtype == "int64"
    inverted = layers.StringLookup(vocabulary=["a"], invert=True)
    assert inverted(keras.Input(shape=(2,), dtype="int64")).dtype == "string"


@pytest.mark.parametrize("shape", [(1,), ()])
def test_functional_call_takes_every_string_form(shape):
    model, parts = text_model(shape)
    expected = by_hand(parts, CORPUS)
    texts = np.array(CORPUS)
    forms = {"str_": texts, "object": texts.astype(object), "list": list(CORPUS),
             "column": texts[:, None], "bytes": np.array([t.encode() for t in CORPUS]),
             "bytes list": [t.encode() for t in CORPUS]}
    for name, x in forms.items():
        out = ops.convert_to_numpy(model(x))
        assert out.shape == (len(CORPUS), 1), name
        np.testing.assert_allclose(out, expected, rtol=1e-6, err_msg=name)


def test_string_inputs_get_keras_rank_fix():
    # A (batch,) array feeds a (batch, 1) input and the reverse, as Keras's functional
    # models adjust input ranks; StringLookup's output shape shows which one it received.
    column = keras.Input(shape=(1,), dtype="string")
    model = keras.Model(column, layers.StringLookup(vocabulary=["a", "b"])(column))
    np.testing.assert_array_equal(ops.convert_to_numpy(model(np.array(["a", "b", "z"]))),
                                  [[1], [2], [0]])
    flat = keras.Input(shape=(), dtype="string")
    model = keras.Model(flat, layers.StringLookup(vocabulary=["a"])(flat))
    np.testing.assert_array_equal(ops.convert_to_numpy(model([["a"], ["z"]])), [1, 0])
    stack = keras.Sequential([keras.Input(shape=(1,), dtype="string"),
                              layers.StringLookup(vocabulary=["a"])])
    assert tuple(stack(["a", "z"]).shape) == (2, 1)
    assert stack.predict(["a", "z", "a"], batch_size=2, verbose=0).shape == (3, 1)


def test_predict_batches_strings_in_order():
    model, parts = text_model()
    expected = by_hand(parts, CORPUS)
    for x in (np.array(CORPUS), list(CORPUS), np.array(CORPUS, dtype=object)[:, None]):
        np.testing.assert_allclose(model.predict(x, batch_size=4, verbose=0), expected,
                                   rtol=1e-6)


def test_data_adapter_keeps_string_batches_on_the_host():
    adapter = ArrayDataAdapter(np.array(CORPUS), LABELS, batch_size=4, shuffle=True)
    seen = []
    for x, y in adapter.get_iterator():
        assert isinstance(x, np.ndarray) and x.dtype.kind == "U"
        seen += [(t, float(v)) for t, v in zip(x.tolist(), ops.convert_to_numpy(y))]
    assert sorted(seen) == sorted(zip(CORPUS, LABELS.tolist()))


def test_fit_evaluate_and_single_batches_train_through_the_lookup():
    model, parts = text_model()
    model.compile(optimizer="adam", loss="binary_crossentropy")
    embeddings = parts[1].get_weights()[0].copy()
    history = model.fit(list(CORPUS), LABELS, batch_size=2, epochs=3, shuffle=True,
                        validation_split=1 / 3, verbose=0)
    assert len(history.history["val_loss"]) == 3
    assert not np.allclose(parts[1].get_weights()[0], embeddings)
    loss = model.evaluate(np.array(CORPUS), LABELS, batch_size=4, verbose=0)
    predicted = by_hand(parts, CORPUS)[:, 0]
    bce = -np.mean(LABELS * np.log(predicted) + (1 - LABELS) * np.log(1 - predicted))
    np.testing.assert_allclose(loss, bce, rtol=1e-5)
    before = model.test_on_batch(list(CORPUS), LABELS)
    model.train_on_batch(list(CORPUS), LABELS)
    assert model.test_on_batch(list(CORPUS), LABELS) != before
    np.testing.assert_allclose(model.predict_on_batch(list(CORPUS)), by_hand(parts, CORPUS),
                               rtol=1e-6)


def test_fit_takes_a_generator_of_string_batches():
    model, parts = text_model()
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    dense_kernel = parts[3].get_weights()[0].copy()
    batches = ((np.array(CORPUS[i:i + 3]), LABELS[i:i + 3]) for i in (0, 3))
    model.fit(batches, epochs=1, shuffle=False, verbose=0)
    assert not np.allclose(parts[3].get_weights()[0], dense_kernel)


def test_sequential_with_a_string_input():
    vectorize = vectorizer()
    embed, flatten, dense = layers.Embedding(16, 2), layers.Flatten(), layers.Dense(1)
    model = keras.Sequential([keras.Input(shape=(1,), dtype="string"), vectorize, embed,
                              flatten, dense])
    assert model.inputs[0].dtype == "string"
    expected = ops.convert_to_numpy(dense(flatten(embed(vectorize(np.array(CORPUS))))))
    np.testing.assert_allclose(ops.convert_to_numpy(model(np.array(CORPUS))), expected,
                               rtol=1e-6)
    np.testing.assert_allclose(model.predict(list(CORPUS), batch_size=4, verbose=0), expected,
                               rtol=1e-6)


def test_sequential_built_by_a_string_call_gets_a_string_input():
    lookup = layers.StringLookup(vocabulary=["red", "green", "blue"])
    embed = layers.Embedding(4, 2)
    model = keras.Sequential([lookup, embed])
    x = np.array([["red", "blue"], ["teal", "green"]])
    out = ops.convert_to_numpy(model(x))
    assert model.inputs[0].dtype == "string" and model.inputs[0].shape == (None, 2)
    table = embed.get_weights()[0]
    np.testing.assert_array_equal(out, table[[[1, 3], [0, 2]]])
    hashed = keras.Sequential([layers.Hashing(num_bins=3)])
    hashed(np.array([["a"], ["b"]]))
    assert hashed.inputs[0].dtype == "string"


def test_hashing_a_scalar_string_input_and_several_inputs():
    word = keras.Input(shape=(), dtype="string", name="word")
    count = keras.Input(shape=(1,), name="count")
    # int bins, then one-hot: Hashing's own one_hot drops the batch axis of a (None,) input
    # in its output shape, as Keras's does.
    hashing = layers.Hashing(num_bins=4)
    one_hot = layers.CategoryEncoding(4, output_mode="one_hot")
    model = keras.Model({"word": word, "count": count},
                        layers.Concatenate()([one_hot(hashing(word)), count]))
    words = ["apple", "banana", "cherry"]
    out = ops.convert_to_numpy(model({"word": words, "count": np.ones((3, 1), "float32")}))
    bins = ops.convert_to_numpy(hashing(np.array(words)))
    np.testing.assert_array_equal(out[:, :4], np.eye(4)[bins])
    np.testing.assert_array_equal(out[:, 4], 1.0)
    assert out[:, :4].sum(axis=1).tolist() == [1.0, 1.0, 1.0]


def test_string_model_round_trips_through_a_keras_file(tmp_path):
    model, _ = text_model()
    path = str(tmp_path / "text.keras")
    model.save(path)
    revived = keras.saving.load_model(path)
    assert revived.inputs[0].dtype == "string"
    np.testing.assert_allclose(revived.predict(list(CORPUS), verbose=0),
                               model.predict(list(CORPUS), verbose=0), rtol=1e-6)


def test_string_models_nest_inside_models(tmp_path):
    vectorize = vectorizer()
    inner_text = keras.Input(shape=(1,), dtype="string")
    inner = keras.Model(inner_text, vectorize(inner_text), name="vectorize_model")
    lookup = layers.StringLookup(vocabulary=["the", "a"])
    stacked = keras.Sequential([keras.Input(shape=(1,), dtype="string"), lookup])
    text = keras.Input(shape=(1,), dtype="string")
    embed = layers.Embedding(16, 2)
    embedded = layers.Flatten()(embed(inner(text)))
    joined = layers.Concatenate()([embedded, ops.cast(stacked(text), "float32")])
    dense = layers.Dense(1)
    model = keras.Model(text, dense(joined))
    assert model.output.shape == (None, 1)
    x = np.array(CORPUS)[:, None]
    words = ops.convert_to_numpy(vectorize(x))
    table = embed.get_weights()[0]
    first = ops.convert_to_numpy(lookup(x)).astype("float32")
    manual = np.concatenate([table[words].reshape(len(CORPUS), -1), first], axis=1)
    kernel, bias = dense.get_weights()
    np.testing.assert_allclose(ops.convert_to_numpy(model(x)), manual @ kernel + bias,
                               rtol=1e-5)
    path = str(tmp_path / "nested.keras")
    model.save(path)
    np.testing.assert_allclose(keras.saving.load_model(path).predict(x, verbose=0),
                               ops.convert_to_numpy(model(x)), rtol=1e-6)


def test_strings_reaching_numeric_code_name_the_layer():
    text = keras.Input(shape=(1,), dtype="string")
    with pytest.raises(ValueError, match=r"Layer 'numeric_dense' \(Dense\) received a string"):
        layers.Dense(2, name="numeric_dense")(text)
    with pytest.raises(ValueError, match=r"Layer 'eager_dense' \(Dense\) received a string"):
        layers.Dense(2, name="eager_dense")(np.array([["a"]]))
    with pytest.raises(ValueError, match=r"Layer 'listed' \(Dense\) received a string"):
        layers.Dense(2, name="listed")([["a", "b"]])
    with pytest.raises(StringTensorError, match="dtype 'string'"):
        ops.add(text, 1)
    numbers = keras.Input(shape=(1,), name="numbers")
    model = keras.Model(numbers, layers.Dense(1)(numbers))
    with pytest.raises(ValueError, match="Input 'numbers' .* received strings"):
        model(np.array([["a"]]))
    with pytest.raises(ValueError, match="cannot hold strings"):
        ops.convert_to_tensor([1.0], dtype="string")


def test_a_string_model_inside_a_model_names_the_inner_layer():
    text = keras.Input(shape=(1,), dtype="string")
    inner = keras.Sequential([layers.Dense(2, name="inner_dense")])
    with pytest.raises(ValueError, match="inner_dense"):
        inner(text)
