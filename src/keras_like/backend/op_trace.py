"""The engine's per-kernel trace (the profiler's source; see keras_like.profiler)."""

from keras_like.backend.engine import _engine


def start():
    """Records every kernel any thread runs from now on (an earlier trace is dropped)."""
    _engine.start_op_trace()


def stop():
    """Ends the trace: ([(name, start_ns, duration_ns, thread, shapes, bytes)], dropped)."""
    return _engine.stop_op_trace()
