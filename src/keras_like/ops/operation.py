"""Operations and nodes: how symbolic (KerasTensor) calls build a functional graph.

Every Layer is an Operation; plain `keras_like.ops` functions called on KerasTensors become
`FunctionOperation`s. A symbolic call runs the real code on shape-only meta tensors to learn
the output shapes (twice, with different stand-ins for unknown dims, so a dim that depends on
an unknown input dim is reported as None) and records a Node linking inputs to outputs.
"""

import functools
import inspect

from keras_like import tree
from keras_like.backend import naming
from keras_like.backend.engine import Tensor
from keras_like.backend.engine import _engine as E
from keras_like.backend.keras_tensor import KerasTensor, SymbolicInput
from keras_like.backend.string_arrays import STRING, StringTensorError

# Stand-ins for unknown (None) dims during shape inference; two different primes tell which
# output dims follow an unknown input dim.
_UNKNOWN_DIM_STANDINS = (83, 89)


def any_symbolic(args, kwargs=None):
    for a in args:
        if type(a) is KerasTensor:
            return True
        if type(a) in (list, tuple, dict) and any(
                type(b) is KerasTensor for b in tree.flatten(a)):
            return True
    if kwargs:
        return any_symbolic(list(kwargs.values()))
    return False


def _to_meta(structure, standin):
    def convert(x):
        if type(x) is KerasTensor:
            if x.dtype == STRING:
                raise StringTensorError(
                    f"A symbolic tensor of dtype 'string' ({x.name or x.shape}) reached code "
                    "that computes on numeric tensors; only string preprocessing layers "
                    "(TextVectorization, StringLookup, Hashing) take strings.")
            shape = [standin if d is None else d for d in x.shape]
            meta = E.full(shape, 0.0, x.dtype, "meta")
            mask = getattr(x, "_keras_mask", None)
            if type(mask) is KerasTensor:
                meta._keras_mask = convert(mask)
            return meta
        return x

    return _map_keras_tensors(convert, structure)


def _map_keras_tensors(fn, structure):
    if type(structure) is KerasTensor:
        return fn(structure)
    if isinstance(structure, (list, tuple, dict)):
        return tree.map_structure(lambda x: fn(x) if type(x) is KerasTensor else x, structure)
    return structure


def _merge_specs(first, second):
    def merge(a, b):
        if type(a) is not Tensor:
            return a
        shape = tuple(da if da == db else None for da, db in zip(a.shape, b.shape))
        spec = KerasTensor(shape, a.dtype)
        # A Keras mask travels with the symbolic tensor, so layers and models built on it
        # know it (Keras's KerasTensor._keras_mask).
        mask = getattr(a, "_keras_mask", None)
        if type(mask) is Tensor:
            spec._keras_mask = merge(mask, getattr(b, "_keras_mask", mask))
        return spec

    return tree.map_structure(merge, first, second)


def compute_output_spec(fn, args, kwargs):
    """KerasTensors describing fn's outputs, computed without data on meta tensors."""
    token = E.enter_no_grad()
    try:
        has_unknown = any(d is None for x in tree.flatten([args, kwargs])
                          if type(x) is KerasTensor for d in x.shape)
        first = fn(*_to_meta(list(args), _UNKNOWN_DIM_STANDINS[0]),
                   **_to_meta(dict(kwargs), _UNKNOWN_DIM_STANDINS[0]))
        if has_unknown:
            second = fn(*_to_meta(list(args), _UNKNOWN_DIM_STANDINS[1]),
                        **_to_meta(dict(kwargs), _UNKNOWN_DIM_STANDINS[1]))
        else:
            second = first
    finally:
        E.exit_no_grad(token)
    return _merge_specs(first, second)


class Node:
    """One call of an operation on symbolic inputs."""

    def __init__(self, operation, call_args=(), call_kwargs=None, outputs=None):
        self.operation = operation
        self.call_args = tuple(call_args)
        self.call_kwargs = dict(call_kwargs or {})
        self.outputs = tree.flatten(outputs) if outputs is not None else []
        self.input_tensors = [x for x in tree.flatten([self.call_args, self.call_kwargs])
                              if type(x) is KerasTensor]
        node_index = len(operation._inbound_nodes)
        operation._inbound_nodes.append(self)
        for x in self.input_tensors:
            if x._keras_history is not None:
                x._keras_history[0]._outbound_nodes.append(self)
        for i, t in enumerate(self.outputs):
            t._keras_history = (operation, node_index, i)

    @property
    def parent_nodes(self):
        parents = []
        for x in self.input_tensors:
            if x._keras_history is not None:
                op, index, _ = x._keras_history
                parents.append(op._inbound_nodes[index])
        return parents

    @property
    def is_input(self):
        return not self.input_tensors


class Operation:
    """Base of layers and symbolic ops: `__call__` computes, or records a node when symbolic."""

    def __init__(self, name=None):
        if name is None:
            name = naming.auto_name(naming.to_snake_case(type(self).__name__))
        self.name = name
        self._inbound_nodes = []
        self._outbound_nodes = []

    def __call__(self, *args, **kwargs):
        if any_symbolic(args, kwargs):
            return self.symbolic_call(*args, **kwargs)
        return self.call(*args, **kwargs)

    def symbolic_call(self, *args, **kwargs):
        outputs = self.compute_output_spec(*args, **kwargs)
        Node(self, call_args=args, call_kwargs=kwargs, outputs=outputs)
        return outputs

    def compute_output_spec(self, *args, **kwargs):
        return compute_output_spec(self.call, args, kwargs)

    def call(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__}.call() is not implemented")

    @property
    def input(self):
        return self._node_tensors(self._inbound_nodes[0].input_tensors)

    @property
    def output(self):
        if not self._inbound_nodes:
            raise AttributeError(f"Layer {self.name} has no inbound nodes: it was never called.")
        return self._node_tensors(self._inbound_nodes[0].outputs)

    @staticmethod
    def _node_tensors(tensors):
        return tensors[0] if len(tensors) == 1 else list(tensors)


class FunctionOperation(Operation):
    """A `keras_like.ops` function applied to KerasTensors inside a functional model."""

    def __init__(self, fn):
        super().__init__(name=naming.auto_name(fn.__name__))
        self.fn = fn

    def call(self, *args, **kwargs):
        return self.fn(*args, **kwargs)

    def get_config(self):
        return {"name": self.name, "function": self.fn.__name__}


def _symbolic_fallback(fn):
    return FunctionOperation(fn)


def symbolic_aware(fn):
    """Wraps an ops function so KerasTensor arguments record a graph node instead of computing.

    The wrapper has the function's exact signature (generated source), so the eager path costs
    one plain call; symbolic inputs are detected when conversion raises SymbolicInput.
    """
    sig = inspect.signature(fn)
    params, call, defaults = [], [], {}
    star_seen = False
    for p in sig.parameters.values():
        if p.kind is p.VAR_POSITIONAL:
            params.append(f"*{p.name}")
            call.append(f"*{p.name}")
            star_seen = True
            continue
        if p.kind is p.VAR_KEYWORD:
            params.append(f"**{p.name}")
            call.append(f"**{p.name}")
            continue
        if p.kind is p.KEYWORD_ONLY and not star_seen:
            params.append("*")
            star_seen = True
        text = p.name
        if p.default is not p.empty:
            defaults[p.name] = p.default
            text += f"=_defaults[{p.name!r}]"
        params.append(text)
        call.append(f"{p.name}={p.name}" if p.kind is p.KEYWORD_ONLY else p.name)
    args = ", ".join(call)
    source = (
        f"def {fn.__name__}({', '.join(params)}):\n"
        f"    try:\n"
        f"        return _fn({args})\n"
        f"    except _SymbolicInput:\n"
        f"        return _fallback(_fn)({args})\n"
    )
    namespace = {"_fn": fn, "_defaults": defaults, "_SymbolicInput": SymbolicInput,
                 "_fallback": _symbolic_fallback}
    exec(source, namespace)  # noqa: S102 - source built from the function's own signature
    wrapper = functools.update_wrapper(namespace[fn.__name__], fn)
    wrapper.__wrapped_op__ = fn
    return wrapper
