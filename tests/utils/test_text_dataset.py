"""text_dataset_from_directory against the files, labels, order, splits, messages and errors of
real Keras 3.15.1.

The oracle is data/text_dataset_fixtures.json, from data/make_text_fixtures.py: the same
directory tree is rebuilt here. Keras shuffles its samples once more with a tf.data buffer (no
NumPy equivalent), except the validation half of `subset="both"`: shuffled data is compared as
a multiset, unshuffled data and that validation half in order (which checks Keras's seeded
file shuffle and split exactly).
"""

import collections
import json
import os

import numpy as np
import pytest

import keras_like as keras
from keras_like.utils.text_dataset_utils import text_dataset_from_directory

DATA_DIR = os.path.join(os.path.dirname(__file__), "..", "data")
with open(os.path.join(DATA_DIR, "text_dataset_fixtures.json"), encoding="utf-8") as _f:
    FIXTURES = json.load(_f)
CASES = FIXTURES["cases"]


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "texts"
    for rel, content in FIXTURES["tree"]:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    return str(root)


def plain(batch):
    """A batch as the fixture's element dict."""
    if isinstance(batch, tuple):
        texts, labels = batch
        return {"texts": texts if isinstance(texts, str) else texts.tolist(),
                "labels": np.asarray(labels).tolist(),
                "label_dtype": str(np.asarray(labels).dtype)}
    return {"texts": batch if isinstance(batch, str) else batch.tolist()}


def samples(batches):
    """The (text, label) multiset of a list of element dicts."""
    counter = collections.Counter()
    for b in batches:
        texts = b["texts"] if isinstance(b["texts"], list) else [b["texts"]]
        labels = b.get("labels", [None] * len(texts))
        labels = labels if isinstance(labels, list) and len(labels) == len(texts) else [labels]
        counter.update((t, json.dumps(lab)) for t, lab in zip(texts, labels))
    return counter


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_keras(name, tree, capsys):
    case = CASES[name]
    kwargs = dict(case["kwargs"])
    result = text_dataset_from_directory(tree, **kwargs)
    assert capsys.readouterr().out == case["stdout"]
    datasets = result if isinstance(result, list) else [result]
    assert (case["returns"] == "list") == isinstance(result, list)
    for i, (dataset, expected) in enumerate(zip(datasets, case["datasets"])):
        assert dataset.class_names == expected["class_names"]
        got = [plain(b) for b in dataset]
        assert [len(b["texts"]) if isinstance(b["texts"], list) else 1 for b in got] == \
            [len(b["texts"]) if isinstance(b["texts"], list) else 1 for b in expected["batches"]]
        buffer_shuffled = kwargs.get("shuffle", True) and not (
            kwargs.get("subset") == "both" and i == 1)
        if buffer_shuffled:
            assert samples(got) == samples(expected["batches"])
        else:
            assert got == expected["batches"]


def test_explicit_labels_follow_the_sorted_files(tmp_path, capsys):
    case = FIXTURES["flat_labels"]
    for i, name in enumerate(["c.txt", "a.txt", "b.txt", "d.txt"]):
        (tmp_path / name).write_text(f"flat {name} {i}")
    dataset = text_dataset_from_directory(str(tmp_path), **case["kwargs"])
    assert capsys.readouterr().out == case["stdout"]
    assert dataset.class_names == case["datasets"][0]["class_names"]
    assert [plain(b) for b in dataset] == case["datasets"][0]["batches"]


@pytest.mark.parametrize("name", sorted(FIXTURES["bad_args"]))
def test_bad_arguments_raise_keras_errors(name, tree, capsys):
    case = FIXTURES["bad_args"][name]
    with pytest.raises(ValueError) as info:
        text_dataset_from_directory(tree, **case["kwargs"])
    assert str(info.value) == case["message"]


def test_max_length_cuts_bytes_and_drops_a_split_character(tmp_path):
    (tmp_path / "only").mkdir()
    (tmp_path / "only" / "t.txt").write_text("aé日", encoding="utf-8")  # 1 + 2 + 3 bytes
    texts = [text_dataset_from_directory(str(tmp_path), max_length=n, shuffle=False,
                                         verbose=False, label_mode=None)[0][0]
             for n in (1, 2, 3, 4, 6, 100)]
    assert texts == ["a", "a", "aé", "aé", "aé日", "aé日"]


def test_public_paths_and_views(tree):
    assert keras.utils.text_dataset_from_directory is text_dataset_from_directory
    assert keras.preprocessing.text_dataset_from_directory is text_dataset_from_directory
    dataset = text_dataset_from_directory(tree, batch_size=4, shuffle=False, verbose=False)
    texts_only = dataset.map(lambda x, y: x)
    assert len(texts_only) == len(dataset) == 4
    np.testing.assert_array_equal(texts_only[1], dataset[1][0])
    first = list(dataset.take(1))
    assert len(first) == 1 and first[0][0].tolist() == dataset[0][0].tolist()
    assert len(dataset.take(-1)) == 4


def test_training_data_is_reshuffled_each_epoch_reproducibly(tree):
    def epochs(seed):
        dataset = text_dataset_from_directory(tree, batch_size=None, seed=seed, verbose=False)
        orders = []
        for _ in range(3):
            orders.append([text for text, _ in dataset])
            dataset.on_epoch_end()
        return orders

    first = epochs(4)
    assert first == epochs(4)
    assert first[0] != first[1] and sorted(first[0]) == sorted(first[1])


def test_text_classification_pipeline(tree):
    # The Keras tutorial's pipeline: adapt on the texts, vectorize in `map`, then fit.
    train = text_dataset_from_directory(tree, batch_size=4, seed=1, verbose=False)
    vectorizer = keras.layers.TextVectorization(max_tokens=50, output_sequence_length=6)
    vectorizer.adapt(train.map(lambda x, y: x))
    vectorized = train.map(lambda x, y: (vectorizer(x), y))
    model = keras.Sequential([keras.Input((6,), dtype="int64"), keras.layers.Embedding(50, 4),
                              keras.layers.GlobalAveragePooling1D(),
                              keras.layers.Dense(3, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy")
    history = model.fit(vectorized, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2


@pytest.mark.parametrize("follow_links", [False, True])
def test_follow_links_descends_into_symlinked_folders(tmp_path, follow_links):
    root, outside = tmp_path / "root", tmp_path / "outside"
    (root / "a").mkdir(parents=True)
    (root / "a" / "own.txt").write_text("own")
    outside.mkdir()
    (outside / "linked.txt").write_text("linked")
    os.symlink(outside, root / "a" / "link")
    dataset = text_dataset_from_directory(str(root), shuffle=False, verbose=False,
                                          follow_links=follow_links)
    texts = [t for batch, _ in dataset for t in batch.tolist()]
    assert texts == (["own", "linked"] if follow_links else ["own"])
