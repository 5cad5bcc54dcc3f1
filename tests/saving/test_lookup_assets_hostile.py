"""Damaged or hostile `assets/` and IDF entries in `.keras` files: each refused with a
ValueError that names the file, never a crash, a silent half-loaded layer or a file written
outside the temporary folder."""

import io
import os
import zipfile

import h5py
import numpy as np
import pytest

import keras_like as keras
from keras_like.saving import assets_folder

DATA = os.path.join(os.path.dirname(__file__), "..", "data")
TFIDF = os.path.join(DATA, "lookup_text_tfidf.keras")
VOCABULARY = "assets/layers/text_vectorization/vocabulary.txt"
LOOKUP_VOCABULARY = "assets/layers/text_vectorization/_lookup_layer/vocabulary.txt"


def rewrite(tmp_path, drop=(), replace=None, add=None, weights=None):
    """A copy of the tf-idf fixture with members dropped, replaced or added; `weights`
    edits its model.weights.h5 (a function of the open h5py File)."""
    replace, add = dict(replace or {}), dict(add or {})
    path = str(tmp_path / "edited.keras")
    with zipfile.ZipFile(TFIDF) as source, zipfile.ZipFile(path, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name in drop:
                continue
            if name == "model.weights.h5" and weights is not None:
                buffer = io.BytesIO(data)
                with h5py.File(buffer, "a") as h5:
                    weights(h5)
                data = buffer.getvalue()
            target.writestr(name, replace.get(name, data))
        for name, data in add.items():
            target.writestr(name, data)
    return path


def test_a_missing_vocabulary_asset_names_the_layer(tmp_path):
    path = rewrite(tmp_path, drop=(VOCABULARY, LOOKUP_VOCABULARY))
    with pytest.raises(ValueError, match=r"edited\.keras.*'tfidf' \(TextVectorization\).*missing"):
        keras.saving.load_model(path)


def test_either_vocabulary_copy_is_checked(tmp_path):
    # Keras writes the vocabulary at the layer and at its lookup sublayer; a file that lost
    # one of them is damaged, whichever it is.
    path = rewrite(tmp_path, drop=(LOOKUP_VOCABULARY,))
    with pytest.raises(ValueError, match="string_lookup.*vocabulary.txt is missing"):
        keras.saving.load_model(path)


def test_a_vocabulary_that_is_not_utf8_is_refused(tmp_path):
    path = rewrite(tmp_path, replace={VOCABULARY: b"[UNK]\n\xff\xfe"})
    with pytest.raises(ValueError, match="not UTF-8"):
        keras.saving.load_model(path)


def test_idf_weights_that_do_not_fit_the_vocabulary_are_refused(tmp_path):
    def shorten(h5):
        for owner in ("text_vectorization", "text_vectorization/_lookup_layer"):
            group = h5[f"layers/{owner}/vars"]
            del group["idf_weights"]
            group["idf_weights"] = np.ones(3, "float32")

    with pytest.raises(ValueError, match=r"edited\.keras.*same length as vocabulary"):
        keras.saving.load_model(rewrite(tmp_path, weights=shorten))


def test_idf_weights_stored_as_text_are_refused(tmp_path):
    def as_text(h5):
        group = h5["layers/text_vectorization/_lookup_layer/vars"]
        del group["idf_weights"]
        group["idf_weights"] = np.array([b"1.0"] * 30)

    with pytest.raises(ValueError, match="idf_weights.*must be numbers"):
        keras.saving.load_model(rewrite(tmp_path, weights=as_text))


def test_an_asset_member_escaping_the_archive_is_refused(tmp_path):
    path = rewrite(tmp_path, add={"assets/../../escaped.txt": b"x"})
    with pytest.raises(ValueError, match="escapes the archive"):
        keras.saving.load_model(path)
    assert not (tmp_path.parent / "escaped.txt").exists()


def test_assets_inflating_beyond_the_limit_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(assets_folder, "MAX_ASSET_BYTES", 64)
    with pytest.raises(ValueError, match="assets would decompress to .* refused"):
        keras.saving.load_model(TFIDF)
