"""keras_like.summary: what we write, read back by TensorBoard's own event reader."""

import io
import subprocess
import sys

import numpy as np
import pytest

import keras_like as keras
from keras_like import ops

pytest.importorskip("tensorboard")
from tensorboard_logs import read_run, values  # noqa: E402


def plugin(acc, tag):
    return acc.SummaryMetadata(tag).plugin_data.plugin_name


def test_scalars_histograms_images_and_text_read_back(tmp_path):
    rng = np.random.default_rng(0)
    data = rng.normal(size=1000)
    images = rng.random((2, 5, 7, 3)).astype("float32")
    writer = keras.summary.create_file_writer(tmp_path / "run")
    with writer.as_default(step=3):
        assert keras.summary.scalar("loss", ops.convert_to_tensor(0.25))
        assert keras.summary.scalar("lr", 1e-3, step=4)
        assert keras.summary.histogram("weights", data)
        assert keras.summary.image("pictures", images, max_outputs=1)
        assert keras.summary.text("note", "**bold** text")
    writer.close()
    acc = read_run(tmp_path / "run")
    assert values(acc, "loss") == [(3, np.float32(0.25))]
    assert values(acc, "lr")[0][0] == 4 and values(acc, "lr")[0][1] == np.float32(1e-3)
    assert plugin(acc, "loss") == "scalars"

    assert plugin(acc, "weights") == "histograms"
    (step, buckets), = values(acc, "weights")
    counts, edges = np.histogram(data, bins=30, range=(data.min(), data.max()))
    np.testing.assert_array_equal(buckets[:, 2], counts)
    np.testing.assert_allclose(buckets[:, 0], edges[:-1])
    np.testing.assert_allclose(buckets[:, 1], edges[1:])

    from PIL import Image

    assert plugin(acc, "pictures") == "images"
    (_, encoded), = values(acc, "pictures")
    assert encoded[:2].tolist() == [b"7", b"5"] and len(encoded) == 3  # width, height, 1 png
    decoded = np.asarray(Image.open(io.BytesIO(encoded[2])))
    np.testing.assert_array_equal(decoded, np.round(images[0] * 255).astype(np.uint8))

    assert plugin(acc, "note") == "text"
    assert values(acc, "note")[0][1] == b"**bold** text"


def test_histogram_edge_cases_follow_tensorflow():
    from keras_like.summary.summaries import histogram_buckets

    assert histogram_buckets(np.zeros(0)).shape == (0, 3)
    np.testing.assert_array_equal(histogram_buckets(np.full(4, 2.0)), [[1.5, 2.5, 4.0]])
    rows = histogram_buckets(np.array([-1.0, 1.0]), 4)
    np.testing.assert_array_equal(rows[:, 2], [1, 0, 0, 1])
    assert rows[-1, 1] == 1.0
    with pytest.raises(ValueError, match="positive"):
        histogram_buckets(np.ones(3), 0)


def test_nothing_is_written_without_a_writer_or_while_recording_is_off(tmp_path):
    assert keras.summary.scalar("loss", 1.0, step=0) is False
    writer = keras.summary.create_file_writer(tmp_path)
    with writer.as_default():
        with pytest.raises(ValueError, match="No step set"):
            keras.summary.scalar("loss", 1.0)
        with keras.summary.record_if(lambda: False):
            assert keras.summary.scalar("loss", 1.0, step=1) is False
        with keras.summary.record_if(True):
            assert keras.summary.scalar("loss", 2.0, step=2) is True
        with pytest.raises(ValueError, match="single value"):
            keras.summary.scalar("loss", [1.0, 2.0], step=3)
    keras.summary.experimental.set_step(7)
    try:
        with writer.as_default():
            assert keras.summary.scalar("later", 5.0)
    finally:
        keras.summary.experimental.set_step(None)
    writer.close()
    acc = read_run(tmp_path)
    assert [s for s, _ in values(acc, "loss")] == [2]
    assert [s for s, _ in values(acc, "later")] == [7]


def test_an_op_graph_reaches_the_graphs_dashboard(tmp_path):
    @keras.function
    def fn(x, w):
        return ops.sum(ops.relu(ops.matmul(x, w)) * 2.0)

    graph = fn.get_concrete_function(np.ones((2, 3), "float32"),
                                     np.ones((3, 4), "float32")).graph
    writer = keras.summary.create_file_writer(tmp_path)
    with writer.as_default():
        assert keras.summary.graph(graph)
    writer.close()
    acc = read_run(tmp_path)
    graph_def = acc.Graph()
    ops_by_name = {node.name: node for node in graph_def.node}
    assert {"Placeholder", "matmul", "Identity"} <= {n.op for n in graph_def.node}
    matmul = next(n for n in graph_def.node if n.op == "matmul")
    assert list(matmul.input) == ["argument_0", "argument_1"]
    shape = matmul.attr["_output_shapes"].list.shape[0]
    assert [d.size for d in shape.dim] == [2, 4]
    assert "output_0" in ops_by_name


def test_a_missing_tensorboard_names_the_extra():
    code = ("import sys; sys.modules['tensorboard'] = None\n"
            "import keras_like as keras\n"
            "try:\n"
            "    keras.summary.create_file_writer('unused')\n"
            "except ImportError as e:\n"
            "    print(e)\n"
            "try:\n"
            "    keras.callbacks.TensorBoard('unused')\n"
            "except ImportError as e:\n"
            "    print(e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert out.stdout.count("pip install 'keras_like[tensorboard]'") == 2, out.stderr
