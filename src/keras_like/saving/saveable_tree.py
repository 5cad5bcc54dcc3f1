"""Which objects of a model own which group of a weights file: Keras 3's walk.

The walk starts at the model (path ""). Sequential and functional models first list
`model.layers` under "layers"; then every attribute, public names first, each sorted, that a
bare `Layer` does not have. A layer, optimizer or seed generator found there gets the path
`<parent>/<attribute>`; a list, tuple or dict of them is a container whose items are named by
class (`dense`, `dense_1`, ...), never by layer name. An object reached twice keeps its first
path. Real Keras computes the same paths, which is what makes the files interchangeable.

keras_like also stores the state of each seed generator (dropout masks and other random
draws continue exactly where they stopped after a reload). Keras neither writes nor reads
those groups, so they do not disturb it.
"""

import warnings

from keras_like.backend.naming import to_snake_case

_LAYER_SKIPSET = None
# Attributes of our models that hold layers Keras does not reach this way.
_MODEL_INTERNALS = frozenset({"_functional", "_operations", "operations", "_stack",
                              "_layers_cache", "_flat_layers_cache", "_inputs", "_outputs",
                              "_nodes", "_inputs_struct", "_outputs_struct"})


def _layer_skipset():
    global _LAYER_SKIPSET
    if _LAYER_SKIPSET is None:
        from keras_like.layers.layer import Layer

        _LAYER_SKIPSET = frozenset(dir(Layer())) | _MODEL_INTERNALS
    return _LAYER_SKIPSET


def _kinds():
    from keras_like.layers.layer import Layer
    from keras_like.optimizers.optimizer import Optimizer
    from keras_like.random.seed_generator import SeedGenerator

    return Layer, Optimizer, SeedGenerator


def is_saveable(obj):
    return isinstance(obj, _kinds())


def own_variables(obj):
    """The variables `obj` stores in its own `vars` group, in Keras's order."""
    layer_cls, optimizer_cls, seed_cls = _kinds()
    if isinstance(obj, layer_cls):
        attribute = list(obj._attribute_variables())
        trainable = obj._own_trainable + [v for v in attribute if v.trainable]
        other = obj._own_non_trainable + [v for v in attribute if not v.trainable]
        return trainable + other
    if isinstance(obj, optimizer_cls):
        return obj.variables
    if isinstance(obj, seed_cls):
        return [obj.state]
    return []


def _children(obj):
    """(attribute name, value) pairs the walk descends into, in Keras's order."""
    layer_cls = _kinds()[0]
    if not isinstance(obj, layer_cls):
        return
    from keras_like.models.functional import Functional
    from keras_like.models.sequential import Sequential

    if isinstance(obj, (Sequential, Functional)):
        yield "layers", obj.layers
    skip = _layer_skipset()
    names = sorted((n for n in dir(obj) if not n.startswith("__") and n not in skip),
                   key=lambda n: (n.startswith("_"), n))
    for name in names:
        try:
            value = getattr(obj, name)
        except Exception:  # a property that cannot be computed holds no saveable
            continue
        yield name, value


def walk(root):
    """Every (path, saveable) pair under `root`, parents before children."""
    found, visited = [], set()
    _visit(root, "", found, visited)
    return found


def _visit(obj, path, found, visited):
    if id(obj) in visited:
        return
    visited.add(id(obj))
    found.append((path, obj))
    for name, child in _children(obj):
        child_path = f"{path}/{name}" if path else name
        if is_saveable(child):
            _visit(child, child_path, found, visited)
        elif isinstance(child, (list, tuple, dict)):
            _visit_container(child, child_path, found, visited)


def _visit_container(container, path, found, visited):
    items = container.values() if isinstance(container, dict) else container
    used = {}
    for item in items:
        if not is_saveable(item):
            continue
        name = to_snake_case(type(item).__name__)
        if name in used:
            used[name] += 1
            name = f"{name}_{used[name]}"
        else:
            used[name] = 0
        _visit(item, f"{path}/{name}", found, visited)


def save_state(root, writer):
    for path, obj in walk(root):
        if hasattr(obj, "save_own_variables"):
            # Keras's hook: the object fills its own group with named entries (the lookup
            # layers' "idf_weights") instead of its numbered variables.
            writer.write(path, getattr(obj, "name", None), [])
            obj.save_own_variables(writer.entry(path))
        else:
            writer.write(path, getattr(obj, "name", None), own_variables(obj))


def load_state(root, reader, skip_mismatch=False):
    """Fills every variable under `root` from `reader`.

    Layers whose stored variables do not fit raise a ValueError listing every such layer
    (or are skipped with a warning when `skip_mismatch`); an optimizer whose slot count
    differs (it was saved before its first step) keeps its fresh state, as in Keras; a seed
    generator missing from the file (a file written by Keras) keeps its own state.
    """
    from keras_like.saving.weights_store import assign_checked

    _, optimizer_cls, seed_cls = _kinds()
    errors = []
    for path, obj in walk(root):
        owner = _describe(obj)
        if hasattr(obj, "load_own_variables"):
            try:
                obj.load_own_variables(reader.entry(path))
            except ValueError as e:
                errors.append(f"{owner}: {e}")
            continue
        variables = own_variables(obj)
        if isinstance(obj, seed_cls) and not reader.has(path):
            continue
        stored = reader.count(path)
        if isinstance(obj, optimizer_cls) and stored != len(variables):
            warnings.warn(
                f"Skipping variable loading for optimizer '{obj.name}', because it has "
                f"{len(variables)} variables whereas the saved optimizer has "
                f"{stored} variables.", stacklevel=3)
            continue
        if not variables and not stored:
            continue
        try:
            values = reader.read(path, variables, owner)
        except ValueError as e:
            errors.append(str(e))
            continue
        for variable, value in zip(variables, values):
            assign_checked(variable, value, f"{reader.filename}: {owner}")
    if errors:
        if skip_mismatch:
            for message in errors:
                warnings.warn(f"Skipping loading weights: {message}", stacklevel=3)
        else:
            raise ValueError(f"A total of {len(errors)} objects could not be loaded from "
                             f"{reader.filename}:\n" + "\n".join(errors))


def _describe(obj):
    kind = "Optimizer" if isinstance(obj, _kinds()[1]) else (
        "Seed generator" if isinstance(obj, _kinds()[2]) else "Layer")
    return f"{kind} '{getattr(obj, 'name', type(obj).__name__)}'"
