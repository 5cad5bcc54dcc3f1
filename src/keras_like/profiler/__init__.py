"""`keras_like.profiler`: where a program's engine time goes.

    with keras_like.profiler.trace("logs/profile"):
        model.fit(x, y, epochs=1)

records every kernel the engine runs (any thread, graph replays included) with its wall time,
operand shapes and bytes, writes them as a Chrome trace-event file that Perfetto
(ui.perfetto.dev) and chrome://tracing open, under `<logdir>/plugins/profile/<run>/`, and
prints the ops that took the most time. The `TensorBoard` callback's `profile_batch` uses it.
"""

import gzip
import json
import os
import socket
import time

from keras_like.backend import op_trace

__all__ = ["trace", "top_ops"]


def top_ops(events, n=20):
    """[(op, calls, total seconds, share of kernel time, mean microseconds, bytes)] for the `n`
    ops with the most kernel time, most first."""
    totals = {}
    for name, _, duration, _, _, nbytes in events:
        calls, ns, moved = totals.get(name, (0, 0, 0))
        totals[name] = (calls + 1, ns + duration, moved + nbytes)
    kernel_ns = sum(ns for _, ns, _ in totals.values()) or 1
    rows = sorted(totals.items(), key=lambda kv: -kv[1][1])[:n]
    return [(name, calls, ns * 1e-9, ns / kernel_ns, ns / calls / 1e3, moved)
            for name, (calls, ns, moved) in rows]


def _format_table(rows, wall_seconds):
    lines = [f"{'op':28}{'calls':>9}{'total ms':>11}{'share':>8}{'mean us':>10}{'GB/s':>8}"]
    for name, calls, seconds, share, mean_us, moved in rows:
        rate = moved / seconds / 1e9 if seconds > 0 else 0.0
        lines.append(f"{name:28}{calls:9d}{seconds * 1e3:11.3f}{share:8.1%}{mean_us:10.1f}"
                     f"{rate:8.2f}")
    lines.append(f"(kernel time over {wall_seconds * 1e3:.1f} ms of wall time)")
    return "\n".join(lines)


def _chrome_trace(events, pid):
    trace_events = [{"name": "process_name", "ph": "M", "pid": pid,
                     "args": {"name": "keras_like engine"}}]
    for thread in sorted({e[3] for e in events}):
        trace_events.append({"name": "thread_name", "ph": "M", "pid": pid, "tid": thread,
                             "args": {"name": f"engine thread {thread}"}})
    for name, start, duration, thread, shapes, nbytes in events:
        trace_events.append({"name": name, "cat": "op", "ph": "X", "pid": pid, "tid": thread,
                             "ts": start / 1e3, "dur": duration / 1e3,
                             "args": {"shapes": shapes, "bytes": nbytes}})
    return {"traceEvents": trace_events, "displayTimeUnit": "ms"}


class trace:
    """Context manager: profile the engine inside the block (see the module docstring).

    Args:
        logdir: The run directory; the trace goes to
            `<logdir>/plugins/profile/<YYYY_MM_DD_HH_MM_SS>/<host>.trace.json.gz`.
        print_top: How many ops to print by time at the end (0: print nothing).

    After the block, `.path` is the file written, `.events` the raw events and `.table` the
    top ops (`top_ops`).
    """

    def __init__(self, logdir, print_top=20):
        self.logdir = os.fspath(logdir)
        self.print_top = print_top
        self.path = None
        self.events = []
        self.dropped = 0
        self.table = []

    def __enter__(self):
        self._wall = time.perf_counter()
        op_trace.start()
        return self

    def __exit__(self, exc_type, exc, tb):
        self.events, self.dropped = op_trace.stop()
        wall = time.perf_counter() - self._wall
        run = time.strftime("%Y_%m_%d_%H_%M_%S")
        directory = os.path.join(self.logdir, "plugins", "profile", run)
        os.makedirs(directory, exist_ok=True)
        self.path = os.path.join(directory, f"{socket.gethostname()}.trace.json.gz")
        partial = self.path + ".tmp"
        with gzip.open(partial, "wt", encoding="utf-8") as f:
            json.dump(_chrome_trace(self.events, os.getpid()), f)
        os.replace(partial, self.path)  # never a truncated trace under the final name
        self.table = top_ops(self.events, max(self.print_top, 20))
        if self.print_top:
            print(_format_table(self.table[: self.print_top], wall))
            if self.dropped:
                print(f"({self.dropped} events past the trace's capacity were not kept)")
        return False
