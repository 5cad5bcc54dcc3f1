"""Summary writers and the default-writer context, as in `tf.summary`.

A writer appends `Event` records to one `events.out.tfevents.*` file in its log directory
(through the `tensorboard` package's `EventFileWriter`, which queues records and flushes them
from a background thread). Summary calls go to the innermost writer made default with
`as_default()` on the calling thread, at the step given to the call, to `as_default(step)`, or
to `experimental.set_step()`.
"""

import contextlib
import os
import threading
import time

from keras_like.summary._tensorboard import load

_state = threading.local()


def _stack(name):
    value = getattr(_state, name, None)
    if value is None:
        value = []
        setattr(_state, name, value)
    return value


class SummaryWriter:
    """Writes summaries to an event file under `logdir` (see `create_file_writer`)."""

    def __init__(self, logdir, max_queue=10, flush_millis=120_000, filename_suffix=".v2"):
        event_file_writer = load("summary.writer.event_file_writer")
        self._event_pb2 = load("compat.proto.event_pb2")
        self.logdir = os.fspath(logdir)
        os.makedirs(self.logdir, exist_ok=True)
        self._writer = event_file_writer.EventFileWriter(
            self.logdir, max_queue_size=max_queue, flush_secs=flush_millis / 1000,
            filename_suffix=filename_suffix)
        self._closed = False

    @contextlib.contextmanager
    def as_default(self, step=None):
        """Makes this the default writer (and `step` the default step, when given) inside the
        `with` block."""
        writers, steps = _stack("writers"), _stack("steps")
        writers.append(self)
        if step is not None:
            steps.append(int(step))
        try:
            yield self
        finally:
            writers.pop()
            if step is not None:
                steps.pop()
            self.flush()

    def set_as_default(self, step=None):
        """Makes this the default writer until another is set (no `with` block)."""
        _state.base_writer = self
        if step is not None:
            set_step(step)

    def init(self):
        """Present for `tf.summary` compatibility: the file is opened on creation."""

    def add_event(self, **fields):
        if self._closed:
            raise RuntimeError(f"The summary writer for {self.logdir!r} is closed.")
        self._writer.add_event(self._event_pb2.Event(wall_time=time.time(), **fields))

    def flush(self):
        if not self._closed:
            self._writer.flush()

    def close(self):
        if not self._closed:
            self._writer.close()
            self._closed = True
            if getattr(_state, "base_writer", None) is self:
                _state.base_writer = None

    @property
    def event_file(self):
        """The path of the event file being written."""
        return self._writer.get_filename()


class _NoopWriter:
    """A writer that drops everything (`create_noop_writer`)."""

    @contextlib.contextmanager
    def as_default(self, step=None):
        writers = _stack("writers")
        writers.append(self)
        try:
            yield self
        finally:
            writers.pop()

    def set_as_default(self, step=None):
        _state.base_writer = self

    def init(self):
        pass

    def add_event(self, **fields):
        pass

    def flush(self):
        pass

    def close(self):
        pass


def create_file_writer(logdir, max_queue=None, flush_millis=None, filename_suffix=None,
                       name=None, experimental_trackable=False, experimental_mesh=None):
    """A `SummaryWriter` for `logdir` (created if missing), like `tf.summary.create_file_writer`:
    at most `max_queue` (10) pending records, flushed at least every `flush_millis` (120000)."""
    return SummaryWriter(logdir, max_queue=10 if max_queue is None else max_queue,
                         flush_millis=120_000 if flush_millis is None else flush_millis,
                         filename_suffix=".v2" if filename_suffix is None else filename_suffix)


def create_noop_writer():
    return _NoopWriter()


def default_writer():
    writers = _stack("writers")
    if writers:
        return writers[-1]
    return getattr(_state, "base_writer", None)


def get_step():
    """The default step (None when unset)."""
    steps = _stack("steps")
    return steps[-1] if steps else getattr(_state, "step", None)


def set_step(step):
    """Sets the default step summaries use when called without one."""
    _state.step = None if step is None else int(step)


@contextlib.contextmanager
def record_if(condition):
    """Summaries inside the block are written only while `condition` (a bool, or a callable
    returning one) holds."""
    conditions = _stack("conditions")
    conditions.append(condition)
    try:
        yield
    finally:
        conditions.pop()


def should_record_summaries():
    if default_writer() is None:
        return False
    for condition in _stack("conditions"):
        if not (condition() if callable(condition) else condition):
            return False
    return True
