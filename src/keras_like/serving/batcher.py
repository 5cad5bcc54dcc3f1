"""Dynamic batching: concurrent predict requests for one model version are merged into one
`predict` call of up to `max_batch_size` rows, waiting at most `batch_timeout_micros` for a
batch to fill, then split back per request.

A worker thread runs the batches; the engine releases the GIL while it computes, so the event
loop keeps accepting and parsing requests meanwhile. Merged batches are padded (with copies of
their last row) to a power of two, so a model sees a few batch sizes, each captured once in
graph mode, not one per request mix.
"""

import queue
import threading
import time

import numpy as np


def padded_size(rows, max_batch_size):
    size = 1
    while size < rows:
        size *= 2
    return min(size, max(max_batch_size, rows))


class _Task:
    __slots__ = ("arrays", "rows", "key", "future", "loop")

    def __init__(self, arrays, rows, key, future, loop):
        self.arrays, self.rows, self.key, self.future, self.loop = arrays, rows, key, future, loop


def _settle(task, result=None, error=None):
    def apply():
        if task.future.done():  # the client went away
            return
        if error is not None:
            task.future.set_exception(error)
        else:
            task.future.set_result(result)

    task.loop.call_soon_threadsafe(apply)


class Batcher:
    """Runs `run(arrays) -> {name: array}` on merged batches (or request by request when
    `enabled` is False, on `num_threads` worker threads)."""

    def __init__(self, run, max_batch_size=32, batch_timeout_micros=1000, enabled=True,
                 num_threads=1, on_batch=None):
        if max_batch_size < 1:
            raise ValueError(f"max_batch_size must be at least 1, received {max_batch_size}")
        self._run = run
        self.max_batch_size = int(max_batch_size)
        self.timeout = max(0, batch_timeout_micros) / 1e6
        self.enabled = enabled
        self._on_batch = on_batch
        self._tasks = queue.Queue()
        self._carry = None  # a task that did not fit the previous batch
        workers = 1 if enabled else max(1, num_threads)
        self._threads = [threading.Thread(target=self._work, name=f"batcher-{i}", daemon=True)
                         for i in range(workers)]
        for thread in self._threads:
            thread.start()

    async def predict(self, arrays, loop):
        """The outputs for one request's inputs (all of one batch size along axis 0)."""
        sizes = {a.shape[0] if a.ndim else 1 for a in arrays.values()}
        rows = sizes.pop() if len(sizes) == 1 else -1  # -1: inputs disagree, never merged
        key = tuple((name, a.dtype.str, a.shape[1:]) for name, a in arrays.items())
        future = loop.create_future()
        self._tasks.put(_Task(arrays, rows, key, future, loop))
        return await future

    def close(self):
        for _ in self._threads:
            self._tasks.put(None)
        for thread in self._threads:
            thread.join(timeout=5)

    # --- worker -----------------------------------------------------------------------------

    def _next_batch(self):
        first = self._carry or self._tasks.get()
        self._carry = None
        if first is None or not self.enabled or first.rows <= 0 or \
                first.rows >= self.max_batch_size:
            return first, [first] if first is not None else []
        batch, rows = [first], first.rows
        deadline = time.monotonic() + self.timeout
        while rows < self.max_batch_size:
            remaining = deadline - time.monotonic()
            try:
                task = self._tasks.get(timeout=remaining) if remaining > 0 else \
                    self._tasks.get_nowait()
            except queue.Empty:
                break
            if task is None:
                self._tasks.put(None)  # stop after this batch
                break
            if task.key != first.key or task.rows < 0 or rows + task.rows > self.max_batch_size:
                self._carry = task
                break
            batch.append(task)
            rows += task.rows
        return first, batch

    def _work(self):
        while True:
            first, batch = self._next_batch()
            if first is None:
                return
            try:
                self._run_batch(batch)
            except Exception as e:  # noqa: BLE001 - every waiting request gets the error
                for task in batch:
                    _settle(task, error=e)

    def _run_batch(self, batch):
        first = batch[0]
        if not self.enabled or first.rows < 0 or first.rows > self.max_batch_size:
            if self._on_batch:
                self._on_batch(max(first.rows, 0))
            _settle(first, self._run(first.arrays))
            return
        rows = sum(t.rows for t in batch)
        size = padded_size(rows, self.max_batch_size)
        merged = {}
        for name in first.arrays:
            parts = [t.arrays[name] for t in batch]
            if size > rows:
                parts.append(np.repeat(parts[-1][-1:], size - rows, axis=0))
            merged[name] = parts[0] if len(parts) == 1 else np.concatenate(parts, axis=0)
        if self._on_batch:
            self._on_batch(rows)
        outputs = self._run(merged)
        start = 0
        for task in batch:
            stop = start + task.rows
            _settle(task, {name: value[start:stop] for name, value in outputs.items()})
            start = stop
