"""`.keras` files with lookup layers: vocabularies as `assets/`, IDF weights as weights entries.

Real-Keras files (tests/data/lookup_*.keras, written by make_lookup_model_fixtures.py with
Keras 3.15.1 on TensorFlow) must load and reproduce Keras's outputs; a file keras_like saves
must have Keras's members in Keras's order, the same vocabulary.txt texts and the same HDF5
datasets; keras_like's own models must round-trip, including the cases Keras 3.15 itself
cannot reload (tf_idf with pad_to_max_tokens, a layer saved before it was adapted).
"""

import io
import json
import os
import zipfile

import h5py
import numpy as np
import pytest

import keras_like as keras
from keras_like import layers, ops

DATA = os.path.join(os.path.dirname(__file__), "..", "data")
with open(os.path.join(DATA, "lookup_model_fixtures.json"), encoding="utf-8") as _f:
    FIXTURES = json.load(_f)["models"]
CORPUS = ["The cat sat.", "a dog ran far", "the cat ran", "café au lait", "dogs sit"]
QUERIES = np.array(["the cat", "a café dog", "nothing known", ""])


def as_arrays(x):
    if isinstance(x, dict):
        return {k: as_arrays(v) for k, v in x.items()}
    array = np.array(x)
    return array.astype(object) if array.dtype.kind == "U" else array


def layout(path):
    """(member names, {asset name: text}, sorted dataset paths) of a `.keras` file."""
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        assets = {n: archive.read(n).decode("utf-8") for n in names if n.startswith("assets/")}
        with h5py.File(io.BytesIO(archive.read("model.weights.h5")), "r") as h5:
            datasets = []
            h5.visititems(lambda n, o: datasets.append(n) if isinstance(o, h5py.Dataset)
                          else None)
        config = json.loads(archive.read("config.json"))
    return names, assets, sorted(datasets), config


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_keras_files_reproduce_keras_outputs(name):
    fixture = FIXTURES[name]
    # The oracle itself: Keras reloading its own file gave what it computed before saving.
    assert fixture["keras_reloaded_outputs"] == fixture["outputs"]
    model = keras.saving.load_model(os.path.join(DATA, f"lookup_{name}.keras"))
    x = as_arrays(fixture["inputs"])
    np.testing.assert_allclose(ops.convert_to_numpy(model(x)), fixture["outputs"], atol=1e-6)
    np.testing.assert_allclose(model.predict(x, batch_size=2, verbose=0), fixture["outputs"],
                               atol=1e-6)


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_saving_a_keras_file_again_gives_keras_layout(name, tmp_path):
    fixture = FIXTURES[name]
    model = keras.saving.load_model(os.path.join(DATA, f"lookup_{name}.keras"))
    path = str(tmp_path / "again.keras")
    model.save(path)
    members, assets, datasets, config = layout(path)
    assert members == fixture["members"]
    assert assets == fixture["assets"]
    # A compiled model's optimizer is built after loading (Keras's too), so it saves all
    # its slots where the fixture, saved before any step, has two variables.
    assert [d for d in datasets if not d.startswith("optimizer/")] == \
        [d for d in fixture["datasets"] if not d.startswith("optimizer/")]
    with zipfile.ZipFile(os.path.join(DATA, f"lookup_{name}.keras")) as archive:
        keras_config = json.loads(archive.read("config.json"))
    ours = {entry["config"]["name"]: entry["config"] for entry in config["config"]["layers"]}
    for entry in keras_config["config"]["layers"]:
        layer = entry["config"]["name"]
        for key in ("vocabulary", "idf_weights", "vocabulary_size"):
            if key in entry["config"]:
                assert ours[layer][key] == entry["config"][key], (layer, key)


def round_trip(model, x, tmp_path):
    path = str(tmp_path / "model.keras")
    model.save(path)
    revived = keras.saving.load_model(path)
    np.testing.assert_allclose(ops.convert_to_numpy(revived(x)), ops.convert_to_numpy(model(x)),
                               rtol=1e-6)
    return revived, layout(path)


@pytest.mark.parametrize("kwargs", [
    {"output_sequence_length": 4}, {"output_mode": "multi_hot", "max_tokens": 9},
    {"output_mode": "count", "ngrams": 2}, {"output_mode": "tf_idf"},
    {"output_mode": "tf_idf", "max_tokens": 12, "pad_to_max_tokens": True},
], ids=["int", "multi_hot", "count_bigrams", "tf_idf", "tf_idf_padded"])
def test_text_vectorization_round_trips(kwargs, tmp_path):
    vectorize = layers.TextVectorization(**kwargs)
    vectorize.adapt(CORPUS)
    model = keras.Sequential([keras.Input(shape=(1,), dtype="string"), vectorize])
    revived, (members, assets, datasets, config) = round_trip(model, QUERIES[:, None], tmp_path)
    text = "\n".join(vectorize.get_vocabulary())
    assert assets == {"assets/layers/text_vectorization/vocabulary.txt": text,
                      "assets/layers/text_vectorization/_lookup_layer/vocabulary.txt": text}
    assert config["config"]["layers"][1]["config"]["vocabulary"] is None
    tf_idf = kwargs.get("output_mode") == "tf_idf"
    assert ("layers/text_vectorization/vars/idf_weights" in datasets) == tf_idf
    assert revived.layers[0].get_vocabulary() == vectorize.get_vocabulary()
    if "output_mode" not in kwargs:
        # The revived layer can be adapted again, as Keras's (the other modes freeze the
        # vocabulary size once the layer has one).
        revived.layers[0].adapt(["new words only"])
        assert "only" in revived.layers[0].get_vocabulary()


def test_lookup_layers_round_trip_with_and_without_assets(tmp_path):
    adapted = layers.StringLookup(mask_token="", output_mode="int")
    adapted.adapt(np.array([["b", "a", "b"], ["c", "", "a"]]))
    given = layers.StringLookup(vocabulary=["x", "y"], output_mode="one_hot")
    numbers = layers.IntegerLookup(output_mode="tf_idf", max_tokens=8, pad_to_max_tokens=True)
    numbers.adapt(np.array([[3, 1, 3], [7, 3, 1]]))
    unadapted = layers.StringLookup(name="never_adapted")
    a = keras.Input(shape=(3,), dtype="string", name="a")
    b = keras.Input(shape=(1,), dtype="string", name="b")
    c = keras.Input(shape=(3,), dtype="int64", name="c")
    model = keras.Model([a, b, c], [adapted(a), given(b), numbers(c), unadapted(a)])
    x = [np.array([["a", "", "q"], ["c", "b", "b"]]), np.array([["y"], ["z"]]),
         np.array([[3, 9, 7], [1, 1, 0]])]
    path = str(tmp_path / "lookups.keras")
    model.save(path)
    _, assets, datasets, _ = layout(path)
    assert assets == {"assets/layers/integer_lookup/vocabulary.txt": "-1\n3\n1\n7",
                      "assets/layers/string_lookup/vocabulary.txt": "\n[UNK]\nb\na\nc",
                      "assets/layers/string_lookup_2/vocabulary.txt": "[UNK]"}
    assert "layers/integer_lookup/vars/idf_weights" in datasets
    revived = keras.saving.load_model(path)
    for got, want in zip(revived(x), model(x)):
        np.testing.assert_allclose(ops.convert_to_numpy(got), ops.convert_to_numpy(want))
    assert revived.get_layer("never_adapted").get_vocabulary() == ["[UNK]"]


def test_a_file_read_vocabulary_is_saved_as_an_asset(tmp_path):
    vocabulary = tmp_path / "words.txt"
    vocabulary.write_text("cat\ndog\n", encoding="utf-8")
    lookup = layers.StringLookup(vocabulary=str(vocabulary))
    model = keras.Sequential([keras.Input(shape=(2,), dtype="string"), lookup])
    x = np.array([["dog", "cat"], ["emu", "dog"]])
    vocabulary.unlink()  # the file travels in the archive, not by its path
    _, (_, assets, _, config) = round_trip(model, x, tmp_path)
    assert config["config"]["layers"][1]["config"]["vocabulary"] is None
    assert assets == {"assets/layers/string_lookup/vocabulary.txt": "[UNK]\ncat\ndog"}


def test_vocabularies_with_line_break_like_characters_survive(tmp_path):
    lookup = layers.StringLookup(output_mode="int")
    lookup.adapt(np.array([["e\x1cf", "a\x85b", "c\u2028d", "e\x1cf"]]))
    model = keras.Sequential([keras.Input(shape=(2,), dtype="string"), lookup])
    revived, _ = round_trip(model, np.array([["a\x85b", "e\x1cf"]]), tmp_path)
    assert revived.layers[0].get_vocabulary() == lookup.get_vocabulary()


def test_unzipped_folder_with_assets_loads(tmp_path):
    vectorize = layers.TextVectorization(output_mode="tf_idf")
    vectorize.adapt(CORPUS)
    model = keras.Sequential([keras.Input(shape=(1,), dtype="string"), vectorize])
    path = str(tmp_path / "model.keras")
    model.save(path)
    folder = tmp_path / "unzipped"
    with zipfile.ZipFile(path) as archive:
        archive.extractall(folder)
    revived = keras.saving.load_model(str(folder))
    np.testing.assert_allclose(ops.convert_to_numpy(revived(QUERIES)),
                               ops.convert_to_numpy(model(QUERIES)), rtol=1e-6)
