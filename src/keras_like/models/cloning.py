"""`keras_like.models.clone_model`: the same architecture with new layers (and new weights)."""

from keras_like import tree
from keras_like.backend.keras_tensor import KerasTensor
from keras_like.layers.core.input_layer import Input, InputLayer
from keras_like.layers.layer import Layer
from keras_like.ops.operation import FunctionOperation, Operation
from keras_like.saving.serialization_lib import deserialize_keras_object, serialize_keras_object


def clone_model(model, input_tensors=None, clone_function=None, call_function=None,
                recursive=False, **kwargs):
    """Clones a Sequential or Functional model: new layers, freshly initialized weights.

    Args:
        model: A `Model` (Sequential, Functional, or a subclassed model with `get_config`).
        input_tensors: Optional (structure of) KerasTensors to build the clone upon; new
            `Input`s like the model's are made when not given.
        clone_function: `fn(layer) -> layer` used for every non-input layer; defaults to
            `layer.__class__.from_config(layer.get_config())`. Return the layer itself to share
            it (and its weights).
        call_function: `fn(layer, *args, **kwargs) -> outputs` used to call each cloned layer
            (Functional models only), e.g. to insert layers.
        recursive: Whether nested Sequential/Functional models are cloned with `clone_model`
            (with the same functions) rather than with `clone_function`.

    Returns:
        The new model. A layer shared by several calls is cloned once and stays shared.

    Example:
    >>> model = Sequential([Input(shape=(4,)), Dense(3)])
    >>> clone = clone_model(model)
    >>> clone.layers[0] is model.layers[0]
    False
    """
    from keras_like.models.functional import Functional
    from keras_like.models.functional_config import functional_like_constructor
    from keras_like.models.sequential import Sequential

    cache = kwargs.pop("cache", None)
    if kwargs:
        raise ValueError(f"Unexpected keyword argument(s): {tuple(kwargs.keys())}")

    if isinstance(model, Sequential):
        if call_function is not None:
            raise ValueError(
                "`call_function` argument is not supported with Sequential models.  In a "
                "Sequential model, layers aren't called at model-construction time (they're "
                "merely listed). Use `call_function` with Functional models only. Received "
                f"model of type '{model.__class__.__name__}', with "
                f"call_function={call_function}"
            )
        clone_function = _wrap_clone_function(clone_function, None, recursive, cache)
        return _clone_sequential_model(model, clone_function, input_tensors)
    if isinstance(model, Functional):
        # As in Keras, a Functional model (even one with a custom get_config) is cloned by
        # re-running its graph with cloned layers.
        clone_function = _wrap_clone_function(clone_function, call_function, recursive, cache)
        return _clone_functional_model(model, clone_function, input_tensors, call_function,
                                       functional_like_constructor(type(model)))

    if clone_function is not None or input_tensors is not None:
        raise ValueError(
            "Arguments `clone_function` and `input_tensors` are only supported for Sequential "
            f"models or Functional models. Received model of type '{type(model).__name__}', "
            f"with clone_function={clone_function} and input_tensors={input_tensors}"
        )
    if call_function is not None:
        raise ValueError(
            "Argument `call_function` is only supported for Functional models. Received model "
            f"of type '{type(model).__name__}', with call_function={call_function}"
        )
    config = serialize_keras_object(model)
    return deserialize_keras_object(config, custom_objects={type(model).__name__: type(model)})


def _wrap_clone_function(clone_function, call_function, recursive, cache):
    """Adds the per-layer cache (shared layers stay shared) and recursion into inner models."""
    from keras_like.models.functional import Functional
    from keras_like.models.sequential import Sequential

    if clone_function is None:
        def clone_function(layer):
            return layer.__class__.from_config(layer.get_config())

    if cache is None:
        cache = {}

    def wrapped(layer):
        if id(layer) in cache:
            return cache[id(layer)]
        if recursive and isinstance(layer, Sequential):
            clone = clone_model(layer, clone_function=clone_function, cache=cache)
        elif recursive and isinstance(layer, Functional):
            clone = clone_model(layer, clone_function=clone_function,
                                call_function=call_function, cache=cache)
        else:
            clone = clone_function(layer)
        cache[id(layer)] = clone
        return clone

    return wrapped


def _clone_sequential_model(model, clone_function, input_tensors=None):
    from keras_like.models.sequential import Sequential

    new_layers = [clone_function(layer) for layer in model.layers]
    stack = model._layers
    if stack and isinstance(stack[0], InputLayer):
        ref = stack[0]
        input_name, input_batch_shape, input_dtype = ref.name, ref.batch_shape, ref.dtype
    else:
        input_name = input_batch_shape = input_dtype = None
    if input_tensors is not None:
        if isinstance(input_tensors, (list, tuple)):
            if len(input_tensors) != 1:
                raise ValueError("Argument `input_tensors` must contain a single tensor.")
            input_tensors = input_tensors[0]
        if not isinstance(input_tensors, KerasTensor):
            raise ValueError(
                "Argument `input_tensors` must be a KerasTensor. Received invalid value: "
                f"input_tensors={input_tensors}"
            )
        new_layers = [Input(tensor=input_tensors, name=input_name), *new_layers]
    elif input_batch_shape is not None:
        new_layers = [Input(batch_shape=input_batch_shape, dtype=input_dtype, name=input_name),
                      *new_layers]
    return Sequential(new_layers, name=model.name, trainable=model.trainable)


def _same_structure(a, b):
    if isinstance(a, dict) or isinstance(b, dict):
        return isinstance(a, dict) and isinstance(b, dict) and set(a) == set(b) and \
            all(_same_structure(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) or isinstance(b, (list, tuple)):
        return isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)) and \
            len(a) == len(b) and all(_same_structure(x, y) for x, y in zip(a, b))
    return True


def _clone_operation(op, clone_function, cache):
    if isinstance(op, Layer):
        return clone_function(op)
    if id(op) in cache:
        return cache[id(op)]
    if isinstance(op, FunctionOperation):
        # Ops are stateless: a fresh op with the same function and name.
        clone = FunctionOperation.__new__(FunctionOperation)
        Operation.__init__(clone, name=op.name)
        clone.fn = op.fn
        cache[id(op)] = clone
        return clone
    return op


def _clone_functional_model(model, clone_function, input_tensors, call_function,
                            functional_constructor):
    from keras_like.models.functional import Functional

    if input_tensors is not None:
        if not all(isinstance(x, KerasTensor) for x in tree.flatten(input_tensors)):
            raise ValueError(
                "All entries in `input_tensors` must be KerasTensors. Received invalid values: "
                f"inputs_tensors={input_tensors}"
            )
        if not _same_structure(input_tensors, model.input):
            raise ValueError(
                "`input_tensors` must have the same structure as model.input"
                f"\nReference structure: {model.input}\nReceived structure: {input_tensors}"
            )
    else:
        input_tensors = tree.map_structure(
            lambda x: Input(batch_shape=x.shape, dtype=x.dtype, name=x.name), model.input)

    values = {id(kt): new for kt, new in zip(model.inputs, tree.flatten(input_tensors))}
    op_cache = {}

    def fetch(v):
        return values[id(v)] if isinstance(v, KerasTensor) else v

    # Re-run the graph (parents before children) with cloned layers on the new inputs.
    for node in model._nodes:
        args = tree.map_structure(fetch, list(node.call_args))
        kwargs = {k: tree.map_structure(fetch, v) for k, v in node.call_kwargs.items()}
        op = _clone_operation(node.operation, clone_function, op_cache)
        outputs = call_function(op, *args, **kwargs) if call_function is not None \
            else op(*args, **kwargs)
        for kt, value in zip(node.outputs, tree.flatten(outputs)):
            values[id(kt)] = value
    output_tensors = tree.pack_sequence_as(model._outputs_struct,
                                           [values[id(t)] for t in model.outputs])
    if functional_constructor:
        return type(model)(input_tensors, output_tensors, name=model.name)
    return Functional(input_tensors, output_tensors, name=model.name)
