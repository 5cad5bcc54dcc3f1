"""callbacks.TensorBoard: Keras's runs and tags, read back by TensorBoard's own reader."""

import os

import numpy as np
import pytest

import keras_like as keras
from keras_like import layers

pytest.importorskip("tensorboard")
from tensorboard.util import tensor_util  # noqa: E402
from tensorboard_logs import read_run, values  # noqa: E402


def series(acc, tag):
    return [(step, float(value)) for step, value in values(acc, tag)]


def small_model():
    keras.utils.set_random_seed(1)
    model = keras.Sequential([keras.Input((4,)), layers.Dense(8, activation="relu"),
                              layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
    return model


def test_epoch_batch_and_evaluation_scalars_match_the_history(tmp_path):
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(64, 4)).astype("float32"), rng.normal(size=(64, 1)).astype("float32")
    model = small_model()
    history = model.fit(x, y, batch_size=16, epochs=3, validation_data=(x[:32], y[:32]),
                        verbose=0, callbacks=[keras.callbacks.TensorBoard(
                            tmp_path, update_freq=2, write_steps_per_second=True)])
    train, val = read_run(tmp_path / "train"), read_run(tmp_path / "validation")
    for name in ("loss", "mae"):
        got = series(train, f"epoch_{name}")
        assert [s for s, _ in got] == [0, 1, 2]
        np.testing.assert_allclose([v for _, v in got], history.history[name], rtol=1e-6)
        np.testing.assert_allclose([v for _, v in series(val, f"epoch_{name}")],
                                   history.history[f"val_{name}"], rtol=1e-6)
    np.testing.assert_allclose([v for _, v in series(train, "epoch_learning_rate")],
                               [0.01] * 3, rtol=1e-6)
    assert all(v > 0 for _, v in series(train, "epoch_steps_per_second"))
    # 4 batches per epoch, written every 2nd: global batches 2, 4, ..., 12.
    assert [s for s, _ in series(train, "batch_loss")] == list(range(2, 13, 2))
    assert [s for s, _ in series(val, "evaluation_loss_vs_iterations")] == [4, 8, 12]
    assert "keras" in train.Tags()["tensors"]  # the conceptual graph (model config)


def test_histograms_images_and_the_op_graph(tmp_path):
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(32, 4)).astype("float32"), rng.normal(size=(32, 1)).astype("float32")
    model = small_model()
    model.fit(x, y, batch_size=16, epochs=2, verbose=0, callbacks=[
        keras.callbacks.TensorBoard(tmp_path, histogram_freq=1, write_images=True)])
    train = read_run(tmp_path / "train")
    tags = train.Tags()["tensors"]
    for weight in model.weights:
        tag = weight.path.replace(":", "_")
        assert f"{tag}/histogram" in tags
        # as Keras: an image for biases, kernels and 1-D conv kernels (not a single value)
        assert (f"{tag}/image" in tags) == (np.squeeze(weight.numpy()).ndim > 0)
        rows = tensor_util.make_ndarray(train.Tensors(f"{tag}/histogram")[-1].tensor_proto)
        assert rows[:, 2].sum() == weight.numpy().size
    graph_def = train.Graph()  # the captured train step (graph mode is on by default)
    assert sum(node.op.startswith("matmul") for node in graph_def.node) >= 4


def test_embeddings_go_to_the_projector_as_tsv(tmp_path):
    from google.protobuf import text_format
    from tensorboard.plugins.projector import projector_config_pb2

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((3,), dtype="int32"),
                              layers.Embedding(10, 4, name="words"),
                              layers.GlobalAveragePooling1D(), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x = np.random.default_rng(0).integers(0, 10, size=(16, 3)).astype("int32")
    model.fit(x, np.zeros((16, 1), "float32"), epochs=1, verbose=0, callbacks=[
        keras.callbacks.TensorBoard(tmp_path, embeddings_freq=1,
                                    embeddings_metadata={"words": "metadata.tsv"})])
    with open(tmp_path / "projector_config.pbtxt") as f:
        config = text_format.Parse(f.read(), projector_config_pb2.ProjectorConfig())
    (embedding,) = config.embeddings
    assert embedding.tensor_name == "words" and embedding.metadata_path == "metadata.tsv"
    vectors = np.loadtxt(tmp_path / embedding.tensor_path, delimiter="\t")
    np.testing.assert_allclose(vectors, model.layers[0].embeddings.numpy(), rtol=1e-6)


def test_profile_batch_writes_an_engine_trace(tmp_path):
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(64, 4)).astype("float32"), rng.normal(size=(64, 1)).astype("float32")
    small_model().fit(x, y, batch_size=16, epochs=1, verbose=0,
                      callbacks=[keras.callbacks.TensorBoard(tmp_path, profile_batch=(2, 3))])
    profile_dir = tmp_path / "train" / "plugins" / "profile"
    (run,) = os.listdir(profile_dir)
    assert any(name.endswith(".trace.json.gz") for name in os.listdir(profile_dir / run))


@pytest.mark.parametrize("bad", [-1, (3, 2), "a,b", (1, 2, 3), 1.5])
def test_bad_arguments_are_keras_errors(tmp_path, bad):
    with pytest.raises(ValueError, match="profile_batch must be"):
        keras.callbacks.TensorBoard(tmp_path, profile_batch=bad)


def test_bad_update_freq_and_metadata_names(tmp_path):
    with pytest.raises(ValueError, match="update_freq"):
        keras.callbacks.TensorBoard(tmp_path, update_freq="sometimes")
    model = small_model()
    callback = keras.callbacks.TensorBoard(tmp_path, embeddings_freq=1,
                                           embeddings_metadata={"nope": "m.tsv"})
    with pytest.raises(ValueError, match="Unrecognized `Embedding` layer names"):
        callback.set_model(model)
