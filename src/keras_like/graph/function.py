"""`keras_like.function`: trace a Python function into an engine graph once per call signature
and replay it without running the Python body (TensorFlow's `tf.function`).

Tracing is an eager call that records the engine ops it runs (forward, the backward pass of a
`GradientTape` inside, in-place Variable updates), so the traced call's results are the real
ones and every replay runs the same kernels in the same order: bit-identical results.
"""

import functools
import warnings
import weakref

from keras_like.backend import Tensor
from keras_like.backend import capture as engine_capture
from keras_like.graph.call_signature import CallSignature, Uncapturable, map_leaves
from keras_like.graph.input_signature import InputSignature
from keras_like.graph.op_graph import OpGraph

_RETRACE_WARNING_AFTER = 5
# A call that made Variables is traced again next time; one that keeps making them is eager.
_VARIABLE_TRACES_BEFORE_EAGER = 3


class _OutputSlot:
    __slots__ = ("index",)

    def __init__(self, index):
        self.index = index


def _split_outputs(x, tensors):
    """A template of `x` with each tensor replaced by its position in `tensors` (Python
    values and Variables stay as they are)."""

    def slot(leaf):
        if type(leaf) is not Tensor:
            return leaf
        tensors.append(leaf)
        return _OutputSlot(len(tensors) - 1)

    return map_leaves(slot, x)


def _fill_outputs(template, values):
    return map_leaves(lambda leaf: values[leaf.index] if type(leaf) is _OutputSlot else leaf,
                      template)


class ConcreteFunction:
    """One traced signature: its engine graph and how to rebuild the Python result."""

    def __init__(self, graph, output_template, keepalive, name):
        self._graph = graph
        self._output_template = output_template
        self._keepalive = keepalive
        self.name = name

    @property
    def graph(self):
        """The captured op graph (nodes, edges, printable, `to_dot()`)."""
        return OpGraph(self._graph, self.name)

    def _run(self, tensors):
        return _fill_outputs(self._output_template, self._graph.run(tensors))

    def __call__(self, *args, **kwargs):
        signature = CallSignature((args, kwargs))
        return self._run(signature.tensors)


_EAGER = object()  # cache entry of a signature that runs its Python body every time


class Function:
    """A callable that traces `fn` per call signature and replays the graph afterwards.

    Example:
    >>> @keras_like.function
    ... def scaled_sum(x, y):
    ...     return ops.sum(x * 2.0 + y)
    >>> scaled_sum(np.ones((2, 2), "float32"), np.ones((2, 2), "float32"))  # traces
    >>> scaled_sum(np.zeros((2, 2), "float32"), np.ones((2, 2), "float32"))  # replays
    """

    def __init__(self, fn, jit_compile=None, reduce_retracing=False, name=None,
                 on_fallback=None, input_signature=None):
        self._fn = fn
        self._on_fallback = on_fallback
        self._raw_signature = input_signature
        self._input_signature = None if input_signature is None else \
            InputSignature(fn, input_signature)
        self.jit_compile = jit_compile
        self.reduce_retracing = reduce_retracing
        self.name = name or getattr(fn, "__name__", "function")
        self._cache = {}
        self._variable_traces = {}
        self.trace_count = 0
        self.fallback_reasons = {}  # signature key -> why it runs eagerly
        self._warned_retracing = False
        self._bound = {}
        functools.update_wrapper(self, fn, updated=())

    @property
    def input_signature(self):
        """The specs every call is checked against (None: any arguments)."""
        return None if self._input_signature is None else self._input_signature.specs

    @property
    def python_function(self):
        return self._fn

    def __get__(self, instance, owner=None):
        # A decorated method: one Function (and cache) per instance.
        if instance is None:
            return self
        key = id(instance)
        bound = self._bound.get(key)
        if bound is None or bound[0]() is not instance:
            method = Function(self._fn.__get__(instance, owner), self.jit_compile,
                              self.reduce_retracing, self.name, self._on_fallback,
                              self._raw_signature)
            try:
                ref = weakref.ref(instance)
            except TypeError:
                return method
            weakref.finalize(instance, self._bound.pop, key, None)
            bound = self._bound[key] = (ref, method)
        return bound[1]

    def __call__(self, *args, **kwargs):
        if self._input_signature is not None:
            args, kwargs = self._input_signature.bind(args, kwargs), {}
        try:
            signature = CallSignature((args, kwargs))
        except Uncapturable as e:
            self._note_fallback(None, str(e), stacklevel=3)
            return self._fn(*args, **kwargs)
        entry = self._cache.get(signature.key)
        # Under a recording tape the caller wants gradients through this call, and inside an
        # outer trace without a graph of its own the call is part of the outer graph: both run
        # the Python body (on the same converted arguments a trace would see).
        if entry is None and not engine_capture.is_recording() and \
                not engine_capture.is_capturing():
            return self._trace(signature)
        if entry is None or entry is _EAGER or engine_capture.is_recording():
            call_args, call_kwargs = signature.rebuild()
            return self._fn(*call_args, **call_kwargs)
        return entry._run(signature.tensors)

    def _trace(self, signature):
        self.trace_count += 1
        self._maybe_warn_retracing()
        call_args, call_kwargs = signature.rebuild()
        capture = engine_capture.Capture(signature.tensors)
        with capture:
            result = self._fn(*call_args, **call_kwargs)
        try:
            return self._keep_trace(signature, capture, result)
        finally:
            capture.abort()  # a no-op once finished; never leave a capture open on error

    def _keep_trace(self, signature, capture, result):
        outputs = []
        template = _split_outputs(result, outputs)
        key = signature.key
        if capture.variables_made:
            capture.abort()
            count = self._variable_traces.get(key, 0) + 1
            self._variable_traces[key] = count
            if count >= _VARIABLE_TRACES_BEFORE_EAGER:
                self._cache[key] = _EAGER
                self._note_fallback(key, f"it creates Variables on every call ({count} calls)")
            return result
        try:
            graph = capture.finish(outputs)
        except engine_capture.CaptureError as e:
            self._cache[key] = _EAGER
            self._note_fallback(key, str(e))
            return result
        self._cache[key] = ConcreteFunction(graph, template, signature.keepalive, self.name)
        return result

    def _note_fallback(self, key, reason, stacklevel=5):
        # stacklevel: the caller of this Function (from _keep_trace; 3 from __call__).
        if key not in self.fallback_reasons:
            self.fallback_reasons[key] = reason
            if self._on_fallback is not None:
                self._on_fallback(reason)
            else:
                warnings.warn(f"`{self.name}` runs eagerly: {reason}.", stacklevel=stacklevel)

    def _maybe_warn_retracing(self):
        # With an input_signature, the shapes its None dimensions take are traced by design.
        if self.reduce_retracing or self._warned_retracing or self._input_signature is not None:
            return
        if self.trace_count > _RETRACE_WARNING_AFTER:
            self._warned_retracing = True
            warnings.warn(
                f"{self.trace_count} calls to `{self.name}` triggered retracing. Each new "
                "signature (tensor shapes and dtypes, Python values, objects passed) is traced "
                "again: pass tensors rather than Python numbers, and keep shapes fixed.",
                stacklevel=4,
            )

    def get_concrete_function(self, *args, **kwargs):
        """The traced function for this signature, tracing it by running it if needed (a
        keras_like trace is a real call: its side effects happen, so unlike TensorFlow it
        needs arguments even when the function has an input_signature)."""
        if self._input_signature is not None:
            args, kwargs = self._input_signature.bind(args, kwargs), {}
        signature = CallSignature((args, kwargs))
        for _ in range(_VARIABLE_TRACES_BEFORE_EAGER + 1):
            entry = self._cache.get(signature.key)
            if entry is _EAGER:
                raise engine_capture.CaptureError(
                    f"`{self.name}` cannot be captured: {self.fallback_reasons[signature.key]}")
            if entry is not None:
                return entry
            self(*args, **kwargs)
        raise engine_capture.CaptureError(f"`{self.name}` was not captured")

    @property
    def concrete_functions(self):
        """The traced signatures' ConcreteFunctions, oldest first."""
        return [entry for entry in self._cache.values() if isinstance(entry, ConcreteFunction)]

    def experimental_get_tracing_count(self):
        return self.trace_count


def function(func=None, input_signature=None, autograph=True, jit_compile=None,
             reduce_retracing=False, experimental_implements=None,
             experimental_autograph_options=None, experimental_attributes=None,
             experimental_relax_shapes=None, experimental_compile=None,
             experimental_follow_type_hints=None, name=None):
    """Compiles `func` into a replayed engine graph (also usable as a decorator).

    Like `tf.function`: the first call with a new signature runs `func` and records its
    engine ops; later calls with that signature replay them without running the Python body.
    Python side effects (prints, list appends) therefore happen only when tracing. A function
    that reads tensor values on the host (`.numpy()`, `float(t)`, `if t > 0:`) cannot be
    replayed and runs eagerly, with a warning naming the line. With `input_signature` (a
    list of `keras_like.graph.TensorSpec`, one per positional argument; None for a dimension
    that varies) every call is checked and converted against it first.

    Example:
    >>> @keras_like.function
    ... def step(x):
    ...     return ops.relu(x) * 2.0
    """
    reduce_retracing = bool(reduce_retracing or experimental_relax_shapes)
    jit_compile = experimental_compile if jit_compile is None else jit_compile

    def wrap(fn):
        return Function(fn, jit_compile=jit_compile, reduce_retracing=reduce_retracing,
                        name=name, input_signature=input_signature)

    return wrap if func is None else wrap(func)
