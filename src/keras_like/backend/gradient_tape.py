"""`keras_like.GradientTape`: TensorFlow's tape API over the engine's reverse mode."""

import contextlib

from keras_like.backend.convert import convert_to_tensor
from keras_like.backend.engine import Tensor, _engine
from keras_like.tree import flatten, pack_sequence_as


def _source_tensor(x):
    value = getattr(x, "_keras_like_value", None)
    if value is not None:
        return value()
    if type(x) is Tensor:
        return x
    raise ValueError(
        f"GradientTape.gradient: sources must be tensors or Variables. Received: {x!r}"
    )


class GradientTape:
    """Records operations for automatic differentiation.

    Trainable Variables are watched automatically; other tensors need `tape.watch(x)`.

    Example:
    >>> x = keras_like.ops.convert_to_tensor(3.0)
    >>> with GradientTape() as tape:
    ...     tape.watch(x)
    ...     y = x * x
    >>> float(tape.gradient(y, x))
    6.0
    """

    def __init__(self, persistent=False, watch_accessed_variables=True):
        self._persistent = persistent
        self._watch_accessed_variables = watch_accessed_variables
        self._recording = False
        self._used = False
        self._watched = []
        self._turned_on = []  # tensors this tape made require grad; reset once it is done

    def __enter__(self):
        self._push()
        return self

    def __exit__(self, *exc):
        if self._recording:
            self._pop()

    def _push(self):
        _engine.push_recording()
        self._recording = True

    def _pop(self):
        _engine.pop_recording()
        self._recording = False

    def watch(self, tensor):
        """Marks tensors (or Variables, nested structures of them) as sources."""
        for t in flatten(tensor):
            t = _source_tensor(t)
            if not t.dtype.startswith(("float", "bfloat")):
                continue  # TF ignores non-float tensors when watching
            if not t.requires_grad:
                t.requires_grad = True
                self._turned_on.append(t)
            self._watched.append(t)

    def watched_variables(self):
        return tuple(self._watched)

    @contextlib.contextmanager
    def stop_recording(self):
        """Temporarily stops recording operations on this tape."""
        if not self._recording:
            raise ValueError("Tape must be recording when calling `stop_recording()`")
        self._pop()
        try:
            yield
        finally:
            self._push()

    def reset(self):
        self._watched = []

    def gradient(self, target, sources, output_gradients=None, unconnected_gradients="none"):
        """Gradients of `target` (summed if not scalar) with respect to `sources`.

        `sources` may be any nested structure; the result has the same structure, with None
        (or zeros when `unconnected_gradients="zero"`) for sources the target does not use.
        """
        if unconnected_gradients not in ("none", "zero"):
            raise ValueError(
                "Unknown value for unconnected_gradients: "
                f"'{unconnected_gradients}'. Expected 'none' or 'zero'"
            )
        if self._used and not self._persistent:
            raise RuntimeError(
                "A non-persistent GradientTape can only be used to compute one set of "
                "gradients (or jacobians)"
            )
        self._used = True
        targets = [convert_to_tensor(t) for t in flatten(target)]
        for t in targets:
            if not t.dtype.startswith(("float", "bfloat")):
                raise ValueError(
                    f"GradientTape.gradient: target must be a floating tensor. Received dtype "
                    f"{t.dtype}"
                )
        flat_sources = flatten(sources)
        source_tensors = [_source_tensor(s) for s in flat_sources]
        cotangents = []
        if output_gradients is not None:
            cotangents = [convert_to_tensor(g, dtype=t.dtype)
                          for g, t in zip(flatten(output_gradients), targets)]
        unwatched = set()
        if not self._watch_accessed_variables:
            watched_ids = {id(w) for w in self._watched}
            unwatched = {i for i, s in enumerate(source_tensors) if id(s) not in watched_ids}
        grads = _engine.grad(targets, source_tensors, cotangents)
        result = []
        for i, (g, s) in enumerate(zip(grads, source_tensors)):
            if i in unwatched:
                g = None
            if g is None and unconnected_gradients == "zero":
                g = _engine.full(list(s.shape), 0.0, s.dtype)
            result.append(g)
        if not self._persistent:
            self._release_watched()
        return pack_sequence_as(sources, result)

    def _release_watched(self):
        # TF semantics: a later tape sees a watched tensor only if it watches it again.
        for t in self._turned_on:
            t.requires_grad = False
        self._turned_on = []
        self._watched = []

    def __del__(self):
        if getattr(self, "_turned_on", None):
            self._release_watched()
