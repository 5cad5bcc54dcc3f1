"""Image files: load_img / img_to_array / array_to_img / save_img and
image_dataset_from_directory, against images written by Pillow itself from known arrays."""

import sys

import numpy as np
import pytest

import keras_like as keras

Image = pytest.importorskip("PIL.Image")


def write_png(path, array):
    mode = "L" if array.ndim == 2 else "RGB"
    Image.fromarray(array.astype("uint8"), mode).save(path)


def test_load_img_and_img_to_array_round_trip(tmp_path):
    rgb = np.random.default_rng(0).integers(0, 256, size=(5, 7, 3))
    write_png(tmp_path / "a.png", rgb)
    img = keras.utils.load_img(tmp_path / "a.png")
    x = keras.utils.img_to_array(img)
    assert x.dtype == np.float32 and x.shape == (5, 7, 3)
    np.testing.assert_array_equal(x, rgb)
    first = keras.utils.img_to_array(img, data_format="channels_first")
    np.testing.assert_array_equal(first, np.transpose(rgb, (2, 0, 1)))
    gray = keras.utils.img_to_array(keras.utils.load_img(tmp_path / "a.png",
                                                         color_mode="grayscale"))
    assert gray.shape == (5, 7, 1)
    # Pillow's ITU-R 601-2 luma transform, rounded.
    luma = rgb[..., 0] * 299 / 1000 + rgb[..., 1] * 587 / 1000 + rgb[..., 2] * 114 / 1000
    np.testing.assert_allclose(gray[..., 0], luma, atol=1.0)


def test_nearest_upsampling_repeats_pixels(tmp_path):
    pixels = np.array([[0, 80], [160, 240]])
    write_png(tmp_path / "g.png", pixels)
    img = keras.utils.load_img(tmp_path / "g.png", color_mode="grayscale",
                               target_size=(4, 4), interpolation="nearest")
    np.testing.assert_array_equal(keras.utils.img_to_array(img)[..., 0],
                                  np.repeat(np.repeat(pixels, 2, 0), 2, 1))


def test_array_to_img_scales_and_save_img_round_trips(tmp_path):
    x = np.linspace(-1.0, 1.0, 12, dtype="float32").reshape(2, 2, 3)
    img = keras.utils.array_to_img(x)
    expected = np.round((x + 1.0) / 2.0 * 255)
    np.testing.assert_array_equal(np.asarray(img), expected)
    unscaled = np.arange(24, dtype="float32").reshape(2, 4, 3)
    keras.utils.save_img(tmp_path / "s.png", unscaled, scale=False)
    np.testing.assert_array_equal(np.asarray(Image.open(tmp_path / "s.png")), unscaled)
    with pytest.raises(ValueError, match="rank 3"):
        keras.utils.array_to_img(np.zeros((2, 2)))


def test_bad_files_and_arguments(tmp_path):
    (tmp_path / "bad.png").write_bytes(b"not an image")
    with pytest.raises(ValueError, match="Cannot decode the image .*bad.png"):
        keras.utils.load_img(tmp_path / "bad.png")
    with pytest.raises(FileNotFoundError, match="missing.png"):
        keras.utils.load_img(tmp_path / "missing.png")
    write_png(tmp_path / "ok.png", np.zeros((2, 2)))
    with pytest.raises(ValueError, match="color_mode must be"):
        keras.utils.load_img(tmp_path / "ok.png", color_mode="cmyk")
    with pytest.raises(ValueError, match="Invalid interpolation method"):
        keras.utils.load_img(tmp_path / "ok.png", target_size=(3, 3), interpolation="fancy")


def test_missing_pillow_names_the_package(monkeypatch):
    monkeypatch.setitem(sys.modules, "PIL", None)
    with pytest.raises(ImportError, match=r"Pillow.*pip install pillow"):
        keras.utils.array_to_img(np.zeros((2, 2, 1)))


def make_tree(root, counts):
    """Class folders whose images hold (class, index) in their first two pixels."""
    for label, (name, count) in enumerate(counts.items()):
        folder = root / name
        folder.mkdir()
        for i in range(count):
            image = np.full((6, 4), 7)
            image[0, 0], image[0, 1] = 10 * label, i
            write_png(folder / f"img_{i:02d}.png", image)
    (root / next(iter(counts)) / "notes.txt").write_text("ignored: not an image")


def decode(images):
    return images[:, 0, 0, 0] / 10, images[:, 0, 1, 0]


def test_dataset_labels_match_images_and_splits_partition(tmp_path):
    make_tree(tmp_path, {"cats": 5, "dogs": 7, "owls": 3})
    train, val = keras.utils.image_dataset_from_directory(
        tmp_path, image_size=(6, 4), color_mode="grayscale", batch_size=4,
        validation_split=0.2, subset="both", seed=3, verbose=False)
    assert train.class_names == ["cats", "dogs", "owls"]
    seen = []
    for dataset in (train, val):
        for images, labels in dataset:
            assert images.shape[1:] == (6, 4, 1) and images.dtype == np.float32
            classes, indices = decode(images)
            np.testing.assert_array_equal(classes, labels)
            seen.extend(zip(classes.tolist(), indices.tolist()))
    assert len(train.file_paths) == 12 and len(val.file_paths) == 3
    assert sorted(seen) == sorted({(c, i) for c, n in enumerate((5, 7, 3)) for i in range(n)})
    again = keras.utils.image_dataset_from_directory(
        tmp_path, image_size=(6, 4), validation_split=0.2, subset="validation", seed=3,
        verbose=False)
    assert again.file_paths == val.file_paths


@pytest.mark.parametrize("label_mode,expected", [("int", [0, 1, 1]),
                                                  ("categorical", [[1, 0], [0, 1], [0, 1]]),
                                                  ("binary", [[0], [1], [1]])])
def test_label_modes(tmp_path, label_mode, expected):
    make_tree(tmp_path, {"cats": 1, "dogs": 2})
    ds = keras.utils.image_dataset_from_directory(tmp_path, label_mode=label_mode,
                                                  image_size=(6, 4), shuffle=False,
                                                  verbose=False)
    images, labels = ds[0]
    assert images.shape == (3, 6, 4, 3)
    np.testing.assert_array_equal(labels, expected)


def test_dataset_trains_a_model(tmp_path):
    make_tree(tmp_path, {"cats": 4, "dogs": 4})
    ds = keras.utils.image_dataset_from_directory(tmp_path, image_size=(6, 4), batch_size=3,
                                                  seed=1, verbose=False)
    model = keras.Sequential([keras.Input(shape=(6, 4, 3)), keras.layers.Flatten(),
                              keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    history = model.fit(ds, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2


def test_dataset_argument_errors(tmp_path):
    make_tree(tmp_path, {"a": 1, "b": 1, "c": 1})
    with pytest.raises(ValueError, match="you must provide a `seed`"):
        keras.utils.image_dataset_from_directory(tmp_path, validation_split=0.5,
                                                 subset="training")
    with pytest.raises(ValueError, match="exactly 2"):
        keras.utils.image_dataset_from_directory(tmp_path, label_mode="binary",
                                                 verbose=False)
    with pytest.raises(ValueError, match="did not match the names of the subdirectories"):
        keras.utils.image_dataset_from_directory(tmp_path, class_names=["a", "zz"])
    with pytest.raises(ValueError, match="must be an existing folder"):
        keras.utils.image_dataset_from_directory(tmp_path / "nowhere")
