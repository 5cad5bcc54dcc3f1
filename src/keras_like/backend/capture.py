"""The engine side of graph mode: record the engine calls a Python function makes, and replay
them without Python.

A capture records every `dispatch` on the calling thread between `Capture.__enter__` and
`finish`, while the calls also run as usual (tracing is an eager run that takes notes). Host
reads of tensor memory during a capture are noted with the Python line that made them: a
function that looks at its values cannot be replayed.
"""

import os
import threading
import traceback

from keras_like.backend.engine import _engine
from keras_like.backend.variable import variables_created

Graph = _engine.Graph
_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class CaptureError(ValueError):
    """A traced call that cannot be replayed; the message says why."""


_active = threading.local()  # .capture: the Capture open on this thread


def is_capturing():
    return _engine.is_capturing()


def is_recording():
    """Whether a GradientTape records on this thread."""
    return _engine.is_recording()


def refuse(reason):
    """Marks the open capture (if any) as not replayable: the caller makes a per-call decision
    on the host that a replay would not repeat."""
    capture = getattr(_active, "capture", None)
    if capture is not None and capture.refused is None:
        capture.refused = reason


def _user_frame(stack):
    """The innermost frame outside keras_like, else the innermost frame."""
    for frame in reversed(stack):
        if not os.path.abspath(frame.filename).startswith(_PACKAGE_DIR + os.sep):
            return frame
    return stack[-1]


class Capture:
    """Context manager around one traced call.

    Example:
    >>> with Capture([x]) as capture:
    ...     y = ops.exp(x)
    >>> graph = capture.finish([y])
    >>> graph.run([x2])
    """

    def __init__(self, arguments):
        self._arguments = list(arguments)
        self.host_read_at = None  # the FrameSummary of the first host read, if any
        self.variables_made = 0
        self.refused = None
        self._open = False

    def _on_host_read(self):
        if self.host_read_at is None:
            stack = traceback.extract_stack()[:-2]
            self.host_read_at = _user_frame(stack) if stack else None

    def __enter__(self):
        self._variables_before = variables_created()
        _engine.begin_capture(self._arguments)
        self._open = True
        self._outer, _active.capture = getattr(_active, "capture", None), self
        return self

    def __exit__(self, exc_type, exc, tb):
        _active.capture = self._outer
        self.variables_made = variables_created() - self._variables_before
        if self._open and exc_type is not None:
            self._open = False
            _engine.abort_capture()
        return False

    def abort(self):
        """Drops the recording (the traced call's results stay valid)."""
        if self._open:
            self._open = False
            _engine.abort_capture()

    def finish(self, outputs):
        """The recorded graph, returning `outputs`; raises CaptureError when it cannot replay."""
        self._open = False
        if self.refused is not None:
            _engine.abort_capture()
            raise CaptureError(self.refused)
        if self.host_read_at is not None:
            _engine.abort_capture()
            where = self.host_read_at
            raise CaptureError(
                f"the function reads a tensor's value on the host at {where.filename}:"
                f"{where.lineno} (`{where.line}`); a replay could not repeat what Python "
                "decided from it"
            )
        try:
            return _engine.end_capture(list(outputs))
        except ValueError as e:
            raise CaptureError(str(e)) from None


def _on_host_read():
    # The engine calls this only for reads on a thread with an open capture.
    capture = getattr(_active, "capture", None)
    if capture is not None:
        capture._on_host_read()


_engine.set_host_read_hook(_on_host_read)
