"""ProgbarLogger: Keras's progress output (verbose=1 live bar, verbose=2 one line per epoch).

The text is Keras's, e.g. `3/3 ━━━━━━━━━━━━━━━━━━━━ 0s 5ms/step - loss: 0.4209 - val_loss:
0.5057` (verbose=1) or `3/3 - 0s - 31ms/step - loss: 0.3634` (verbose=2); tqdm writes the live
line. The bar redraws at most every `interval` seconds, and only those steps need batch logs
(`logs_due()`), so the trainer skips computing metric results at the other steps.
"""

import math
import sys
import time

from keras_like.callbacks.callback import Callback


def _format_time(time_per_unit, unit_name):
    if time_per_unit >= 1 or time_per_unit == 0:
        return f" {time_per_unit:.0f}s/{unit_name}"
    if time_per_unit >= 1e-3:
        return f" {time_per_unit * 1e3:.0f}ms/{unit_name}"
    return f" {time_per_unit * 1e6:.0f}us/{unit_name}"


def _format_value(value, verbose):
    try:
        value = float(value)
    except (TypeError, ValueError):
        return f" {value}"
    # Keras compares the absolute value on the live bar but the signed one on verbose=2 lines.
    big = abs(value) > 1e-3 if verbose == 1 else value > 1e-3
    return f" {value:.4f}" if big else f" {value:.4e}"


class _Progbar:
    """Keras's `Progbar` text, drawn through tqdm (verbose=1) or printed (verbose=2)."""

    def __init__(self, target, verbose=1, width=20, interval=0.05, unit_name="step"):
        self.target = target
        self.verbose = verbose
        self.width = width
        self.interval = interval
        self.unit_name = unit_name
        self._values = {}
        self._start = time.time()
        self._last_update = 0.0
        self._time_after_first_step = None
        self._bar = None
        # A terminal gets a live bar with colours; pipes and logs get final lines only.
        self._interactive = hasattr(sys.stdout, "isatty") and sys.stdout.isatty()

    def due(self):
        return time.time() - self._last_update >= self.interval

    def _step_duration(self, current, now):
        if not current:
            return 0
        if self._time_after_first_step is not None and current > 1:
            per_step = (now - self._time_after_first_step) / (current - 1)
        else:
            per_step = (now - self._start) / current
        if current == 1:
            self._time_after_first_step = now
        return per_step

    def _count(self, current):
        digits = int(math.log10(self.target)) + 1
        return f"{current:{digits}d}/{self.target}"

    def _bar_text(self, current):
        if not (self.target is not None and self.target > 0):
            return f"{current:7d}/Unknown"
        filled = int(self.width * float(current) / self.target)
        done, rest = "━" * filled, "━" * (self.width - filled)
        if self._interactive:
            return (f"\x1b[1m{self._count(current)}\x1b[0m \x1b[32m{done}\x1b[0m"
                    f"\x1b[37m{rest}\x1b[0m")
        # Without colours the part still to go is drawn in a lighter line.
        return f"{self._count(current)} {done}{'─' * (self.width - filled)}"

    def update(self, current, values=None, finalize=False):
        for key, value in values or ():
            self._values[key] = value
        now = time.time()
        per_step = self._step_duration(current, now)
        if self.verbose == 1:
            message = self._bar_text(current)
            if self.target is not None and self.target > 0 and not finalize:
                eta = per_step * (self.target - current)
                if eta > 3600:
                    eta_text = f"{int(eta // 3600)}:{int(eta % 3600 // 60):02d}:{int(eta % 60):02d}"
                elif eta > 60:
                    eta_text = f"{int(eta // 60)}:{int(eta % 60):02d}"
                else:
                    eta_text = f"{int(eta)}s"
            else:
                eta_text = f"{now - self._start:.0f}s"
            message += f" \x1b[1m{eta_text}\x1b[0m" if self._interactive else f" {eta_text}"
            message += _format_time(per_step, self.unit_name)
            for key, value in self._values.items():
                message += f" - {key}:" + _format_value(value, 1)
            self._draw(message, finalize)
        elif self.verbose == 2 and finalize and self.target is not None and self.target > 0:
            line = f"{self._count(current)} - {now - self._start:.0f}s -"
            line += _format_time(per_step, self.unit_name)
            for key, value in self._values.items():
                line += f" - {key}:" + _format_value(value, 2)
            print(line, flush=True)
        self._last_update = now

    def _draw(self, message, finalize):
        # Like Keras, a non-interactive stdout (a pipe, a CI log) gets only the final line.
        if not self._interactive:
            if finalize:
                print(message, flush=True)
            return
        if self._bar is None:
            from tqdm import tqdm

            self._bar = tqdm(total=self.target, file=sys.stdout, bar_format="{desc}",
                             leave=True, dynamic_ncols=False, mininterval=0, miniters=1,
                             ascii=False)
        # `close()` draws the last state itself before its newline.
        self._bar.set_description_str(message, refresh=not finalize)
        if finalize:
            self._bar.close()
            self._bar = None

    def close(self):
        if self._bar is not None:
            self._bar.close()
            self._bar = None


class ProgbarLogger(Callback):
    """Prints metrics to stdout (added by `fit`, `evaluate` and `predict` unless verbose=0).

    Example:
    >>> model.fit(x, y, epochs=2, verbose=2)
    Epoch 1/2
    3/3 - 0s - 2ms/step - loss: 0.4209
    Epoch 2/2
    3/3 - 0s - 2ms/step - loss: 0.3887
    """

    def __init__(self, count_mode=None):
        super().__init__()
        self.seen = 0
        self.progbar = None
        self.target = None
        self.verbose = 1
        self.epochs = 1
        self._called_in_fit = False
        self._due = None

    def set_params(self, params):
        super().set_params(params)
        verbose = params.get("verbose", 1)
        self.verbose = 1 if verbose == "auto" else verbose
        self.epochs = params.get("epochs", 1)
        self.target = params.get("steps")

    # ---- whether the next batch's logs will be shown ----------------------------------------

    def logs_due(self):
        """Called before a training step: whether this step will redraw the bar."""
        progbar = self.progbar
        self._due = progbar is None or progbar.due()
        return self._due

    def test_logs_due(self):
        if self._called_in_fit:
            return False
        return self.logs_due()

    # ---- hooks -------------------------------------------------------------------------------

    def on_train_begin(self, logs=None):
        self._called_in_fit = True

    def on_test_begin(self, logs=None):
        if not self._called_in_fit:
            self._reset_progbar()
            self._maybe_init_progbar()

    def on_predict_begin(self, logs=None):
        self._reset_progbar()
        self._maybe_init_progbar()

    def on_epoch_begin(self, epoch, logs=None):
        self._reset_progbar()
        self._maybe_init_progbar()
        if self.verbose and self.epochs > 1:
            print(f"Epoch {epoch + 1}/{self.epochs}", flush=True)

    def on_train_batch_end(self, batch, logs=None):
        self._update_progbar(batch, logs)

    def on_test_batch_end(self, batch, logs=None):
        if not self._called_in_fit:
            self._update_progbar(batch, logs)

    def on_predict_batch_end(self, batch, logs=None):
        self._update_progbar(batch, None)

    def on_epoch_end(self, epoch, logs=None):
        self._finalize_progbar(logs)

    def on_test_end(self, logs=None):
        if not self._called_in_fit:
            self._finalize_progbar(logs)

    def on_predict_end(self, logs=None):
        self._finalize_progbar(logs)

    def on_train_end(self, logs=None):
        self._called_in_fit = False

    # ---- drawing -----------------------------------------------------------------------------

    def _reset_progbar(self):
        self.seen = 0
        if self.progbar is not None:
            self.progbar.close()
        self.progbar = None
        self._due = None

    def _maybe_init_progbar(self):
        if self.progbar is None:
            self.progbar = _Progbar(target=self.target, verbose=self.verbose, unit_name="step")

    def _update_progbar(self, batch, logs=None):
        self._maybe_init_progbar()
        self.seen = batch + 1
        if self.verbose == 1:
            due = self._due if self._due is not None else self.progbar.due()
            self._due = None
            if due:
                self.progbar.update(self.seen, list((logs or {}).items()))

    def _finalize_progbar(self, logs):
        self._maybe_init_progbar()
        if self.target is None:
            self.target = self.seen
            self.progbar.target = self.seen
        self.progbar.update(self.target, list((logs or {}).items()), finalize=True)
