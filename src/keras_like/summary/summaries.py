"""`scalar`, `histogram`, `image`, `text`, `write` and `graph`: `tf.summary`'s calls, written in
the forms TensorFlow 2 writes (tensor summaries tagged with their plugin), so TensorBoard's
Scalars, Histograms, Images, Text and Graphs dashboards read them as they read TensorFlow's."""

import numpy as np

from keras_like.summary import writer as writers
from keras_like.summary._tensorboard import load
from keras_like.summary.png import encode_png

DEFAULT_BUCKET_COUNT = 30


def _numpy(data):
    if hasattr(data, "numpy"):
        return np.asarray(data.numpy())
    return np.asarray(data)


def _resolve_step(step):
    step = writers.get_step() if step is None else step
    if step is None:
        raise ValueError(
            "No step set. Please specify one either through the `step` argument or through "
            "keras_like.summary.experimental.set_step()")
    return int(_numpy(step))


def write(tag, tensor, step=None, metadata=None, name=None):
    """Writes `tensor` (a NumPy-convertible value, or a `TensorProto`) under `tag`; True when
    written, False when no default writer records now."""
    if not writers.should_record_summaries():
        return False
    step = _resolve_step(step)
    summary_pb2 = load("compat.proto.summary_pb2")
    if callable(tensor):
        tensor = tensor()
    if not hasattr(tensor, "SerializeToString"):
        tensor = load("util.tensor_util").make_tensor_proto(_numpy(tensor))
    value = summary_pb2.Summary.Value(tag=tag, tensor=tensor)
    if metadata is not None:
        value.metadata.CopyFrom(metadata)
    writers.default_writer().add_event(step=step, summary=summary_pb2.Summary(value=[value]))
    return True


def scalar(name, data, step=None, description=None):
    """A float32 scalar for the Scalars dashboard."""
    value = _numpy(data)
    if value.size != 1:
        raise ValueError(f"scalar() expects a single value for {name!r}, received shape "
                         f"{value.shape}")
    metadata = load("plugins.scalar.metadata").create_summary_metadata(
        display_name=None, description=description)
    return write(name, np.asarray(value.reshape(()), np.float32), step, metadata)


def histogram_buckets(data, bucket_count=None):
    """(k, 3) float64 rows (left edge, right edge, count) as `tf.summary.histogram` makes them:
    `bucket_count` equal buckets from min to max, one bucket of width 1 around a constant, and
    no rows for empty data."""
    bucket_count = DEFAULT_BUCKET_COUNT if bucket_count is None else int(bucket_count)
    if bucket_count <= 0:
        raise ValueError(f"histogram buckets must be a positive int, received {bucket_count}")
    data = _numpy(data).reshape(-1).astype(np.float64)
    if data.size == 0:
        return np.zeros((0, 3))
    low, high = data.min(), data.max()
    if low == high:
        return np.array([[low - 0.5, low + 0.5, float(data.size)]])
    width = (high - low) / bucket_count
    index = np.minimum(np.floor((data - low) / width).astype(np.int64), bucket_count - 1)
    counts = np.bincount(index, minlength=bucket_count).astype(np.float64)
    edges = np.linspace(low, high, bucket_count + 1)
    edges[-1] = high
    return np.stack([edges[:-1], edges[1:], counts], axis=1)


def histogram(name, data, step=None, buckets=None, description=None):
    """The distribution of `data`'s elements for the Histograms and Distributions dashboards."""
    if not writers.should_record_summaries():
        return False
    metadata = load("plugins.histogram.metadata").create_summary_metadata(
        display_name=None, description=description)
    return write(name, histogram_buckets(data, buckets), step, metadata)


def _as_uint8(images):
    if images.dtype == np.uint8:
        return images
    if np.issubdtype(images.dtype, np.floating):
        # tf.image.convert_image_dtype: [0, 1] floats, saturating, rounded.
        return np.clip(np.round(images * 255.0), 0, 255).astype(np.uint8)
    return np.clip(images, 0, 255).astype(np.uint8)


def image(name, data, step=None, max_outputs=3, description=None):
    """A batch of images, `(k, height, width, channels)` with 1, 3 or 4 channels (floats in
    [0, 1] or uint8), for the Images dashboard; at most `max_outputs` are kept."""
    if not writers.should_record_summaries():
        return False
    images = _numpy(data)
    if images.ndim != 4 or images.shape[-1] not in (1, 3, 4):
        raise ValueError(f"image() expects a (k, h, w, c) batch with c in 1, 3, 4 for "
                         f"{name!r}, received shape {images.shape}")
    images = _as_uint8(images[: int(max_outputs)])
    height, width = images.shape[1:3]
    encoded = [str(width).encode(), str(height).encode()] + [encode_png(i) for i in images]
    metadata = load("plugins.image.metadata").create_summary_metadata(
        display_name=None, description=description)
    return write(name, np.array(encoded, dtype=object), step, metadata)


def text(name, data, step=None, description=None):
    """A string (or array of strings; Markdown is rendered) for the Text dashboard."""
    if not writers.should_record_summaries():
        return False
    values = _numpy(data)
    values = np.vectorize(lambda v: v if isinstance(v, bytes) else str(v).encode("utf-8"),
                          otypes=[object])(values) if values.size else values.astype(object)
    metadata = load("plugins.text.metadata").create_summary_metadata(
        display_name=None, description=description)
    return write(name, values, step, metadata)


def keras_model(name, model, step=None):
    """The model's JSON config for the Graphs dashboard's conceptual graph (what Keras's
    callback writes under the tag "keras"); False when the model cannot be serialized."""
    if not writers.should_record_summaries():
        return False
    try:
        config = model.to_json()
    except Exception:  # noqa: BLE001 - a model that cannot serialize just has no graph
        return False
    metadata = load("compat.proto.summary_pb2").SummaryMetadata()
    metadata.plugin_data.plugin_name = "graph_keras_model"
    metadata.plugin_data.content = b"1"
    return write(name, np.array(config.encode("utf-8"), dtype=object), step, metadata)


def graph(graph_data):
    """Writes an op graph for the Graphs dashboard: a `keras_like.graph.OpGraph` (e.g.
    `fn.get_concrete_function(...).graph`) or a `GraphDef` protobuf."""
    if not writers.should_record_summaries():
        return False
    from keras_like.summary.graph_def import to_graph_def

    graph_def = graph_data if hasattr(graph_data, "SerializeToString") else to_graph_def(
        graph_data)
    writers.default_writer().add_event(graph_def=graph_def.SerializeToString())
    return True


def flush(writer=None):
    writer = writer or writers.default_writer()
    if writer is not None:
        writer.flush()
