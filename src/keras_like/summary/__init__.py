"""`keras_like.summary`: TensorBoard summaries without TensorFlow (the `tf.summary` API).

    writer = keras_like.summary.create_file_writer("logs/run1")
    with writer.as_default(step=0):
        keras_like.summary.scalar("loss", 0.25)

Event files are written through the `tensorboard` package (`pip install
'keras_like[tensorboard]'`), so TensorBoard reads them as it reads TensorFlow's.
"""

import types

from keras_like.summary.summaries import (
    flush,
    graph,
    histogram,
    image,
    keras_model,
    scalar,
    text,
    write,
)
from keras_like.summary.writer import (
    SummaryWriter,
    create_file_writer,
    create_noop_writer,
    get_step,
    record_if,
    set_step,
    should_record_summaries,
)

experimental = types.SimpleNamespace(get_step=get_step, set_step=set_step)

__all__ = ["SummaryWriter", "create_file_writer", "create_noop_writer", "experimental", "flush",
           "graph", "histogram", "image", "keras_model", "record_if", "scalar",
           "should_record_summaries", "text", "write"]
