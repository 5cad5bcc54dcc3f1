"""Reading our event files back with TensorBoard's own reader (tests skip without it)."""

from tensorboard.backend.event_processing import plugin_event_accumulator
from tensorboard.util import tensor_util


def read_run(path):
    """Everything TensorBoard loads from one run directory."""
    acc = plugin_event_accumulator.EventAccumulator(str(path), size_guidance={"tensors": 0})
    acc.Reload()
    return acc


def values(acc, tag):
    """[(step, value as a NumPy array)] of a tag, as TensorBoard's dashboards get them."""
    return [(e.step, tensor_util.make_ndarray(e.tensor_proto)) for e in acc.Tensors(tag)]
