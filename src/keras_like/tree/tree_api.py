"""Nested structures (`keras.tree`): flatten, repack and map lists, tuples, dicts and friends.

The rules are those of Keras 3 over optree (`namespace="keras"`, `none_is_leaf=True`):

- Nodes are exactly `list`, `tuple`, `dict`, `collections.OrderedDict`,
  `collections.defaultdict`, `collections.deque`, namedtuples and struct sequences (such as
  `os.stat_result`). Anything else, including subclasses of list or dict, is a leaf.
- A `dict` or `defaultdict` gives its values in sorted-key order (insertion order when the keys
  do not sort); an `OrderedDict` gives them in insertion order. Rebuilding keeps each mapping's
  own key order.
- `None` is a leaf, except where `map_structure(..., none_is_leaf=False)` asks otherwise.
- The first structure of a multi-structure call decides the output type; `dict`,
  `OrderedDict` and `defaultdict` match one another when their keys do, while list, tuple,
  deque and each namedtuple class are all different.

This is the package's only tree implementation: the layers and trainers use it too, so the
default rules have a fast path.
"""

import collections
import warnings

__all__ = [
    "MAP_TO_NONE", "assert_same_paths", "assert_same_structure", "flatten",
    "flatten_with_path", "is_nested", "lists_to_tuples", "map_shape_structure",
    "map_structure", "map_structure_up_to", "pack_sequence_as", "traverse",
]

_MAPPINGS = (dict, collections.OrderedDict, collections.defaultdict)
_END = object()


class MAP_TO_NONE:  # noqa: N801 - Keras's public name
    """Special value for use with `traverse()`: return it to put `None` in the result."""


def _sorted_keys(mapping):
    try:
        return sorted(mapping)
    except TypeError:  # keys of mixed types: optree falls back to insertion order
        return list(mapping)


def _is_namedtuple(x):
    fields = getattr(type(x), "_fields", None)
    return isinstance(fields, tuple) and hasattr(type(x), "_make")


def _is_structseq(x):
    return hasattr(type(x), "n_sequence_fields") and hasattr(type(x), "n_fields")


def _node(x, none_is_leaf=True):
    """`(keys, children, rebuild)` when `x` is a node, else None (a leaf).

    `keys` are the path entries of the children (indices or dict keys), in flattening order;
    `rebuild(children)` makes a new node of `x`'s type from children in that order.
    """
    t = type(x)
    if t is list:
        return range(len(x)), list(x), list
    if t is tuple:
        return range(len(x)), list(x), tuple
    if t in _MAPPINGS:
        keys = list(x) if t is collections.OrderedDict else _sorted_keys(x)

        def rebuild(children, x=x, keys=keys):
            by_key = dict(zip(keys, children))
            if t is collections.defaultdict:
                return collections.defaultdict(x.default_factory, {k: by_key[k] for k in x})
            return t((k, by_key[k]) for k in x)

        return keys, [x[k] for k in keys], rebuild
    if x is None:
        return None if none_is_leaf else ((), [], lambda children: None)
    if t is collections.deque:
        return range(len(x)), list(x), lambda children: collections.deque(children, x.maxlen)
    if isinstance(x, tuple):
        if _is_namedtuple(x):
            return range(len(x)), list(x), lambda children: t(*children)
        if _is_structseq(x):
            return range(len(x)), list(x), t
    return None


def _type_name(x):
    if x is None:
        return "None"
    if isinstance(x, dict):
        return "dictionary"
    if _is_namedtuple(x):
        return "namedtuple"
    return type(x).__name__


def _check_same_node(x, other):
    """Raises Keras's (optree's) ValueError when `other` is not a node shaped like `x`."""
    if isinstance(x, _MAPPINGS):
        if type(other) not in _MAPPINGS:
            raise ValueError(
                "Expected an instance of dict, collections.OrderedDict, or "
                f"collections.defaultdict, got {other!r}."
            )
        if set(x) != set(other):
            expected, got = _sorted_keys(x), _sorted_keys(other)
            raise ValueError(
                f"dictionary key mismatch; expected key(s): {expected}, got key(s): {got}, "
                f"missing key(s): {[k for k in expected if k not in other]}, "
                f"extra key(s): {[k for k in got if k not in x]}; dict: {other!r}."
            )
        return
    if x is None:
        if other is not None:
            raise ValueError(f"Expected None, got {other!r}.")
        return
    if type(other) is not type(x):
        if _is_namedtuple(x) and _is_namedtuple(other):
            raise ValueError(
                f"namedtuple type mismatch; expected type: {type(x)}, got type: "
                f"{type(other)}; tuple: {other!r}."
            )
        name = type(x).__qualname__
        if type(x).__module__ != "builtins":
            name = f"{type(x).__module__}.{name}"
        raise ValueError(f"Expected an instance of {name}, got {other!r}.")
    if len(other) != len(x):
        raise ValueError(
            f"{_type_name(x)} arity mismatch; expected: {len(x)}, got: {len(other)}; "
            f"{_type_name(x)}: {other!r}."
        )


def _flatten(x, none_is_leaf=True, is_leaf=None, out=None):
    out = [] if out is None else out
    node = None if is_leaf is not None and is_leaf(x) else _node(x, none_is_leaf)
    if node is None:
        out.append(x)
    else:
        for child in node[1]:
            _flatten(child, none_is_leaf, is_leaf, out)
    return out


def _flatten_up_to(shallow, x, none_is_leaf=True, is_leaf=None, out=None):
    """The subtrees of `x` at the leaf positions of `shallow` (x may be deeper, not shallower)."""
    out = [] if out is None else out
    node = None if is_leaf is not None and is_leaf(shallow) else _node(shallow, none_is_leaf)
    if node is None:
        out.append(x)
        return out
    _check_same_node(shallow, x)
    keys, children, _ = node
    if isinstance(shallow, _MAPPINGS):
        for key, child in zip(keys, children):
            _flatten_up_to(child, x[key], none_is_leaf, is_leaf, out)
    elif x is not None:  # a None node (none_is_leaf=False) has no children to walk
        for child, other in zip(children, x):
            _flatten_up_to(child, other, none_is_leaf, is_leaf, out)
    return out


def _unflatten(structure, leaves, none_is_leaf=True, is_leaf=None):
    """Rebuilds `structure` with the values of the iterator `leaves` at its leaves."""
    node = None if is_leaf is not None and is_leaf(structure) else _node(structure, none_is_leaf)
    if node is None:
        return next(leaves)
    _, children, rebuild = node
    return rebuild([_unflatten(c, leaves, none_is_leaf, is_leaf) for c in children])


def _map(func, structures, none_is_leaf=True, is_leaf=None):
    first = structures[0]
    default_rules = none_is_leaf and is_leaf is None
    if default_rules:
        columns = [_flatten_default(first, [])]
    else:
        columns = [_flatten(first, none_is_leaf, is_leaf)]
    columns += [_flatten_up_to(first, s, none_is_leaf, is_leaf) for s in structures[1:]]
    results = [func(*args) for args in zip(*columns)]
    if default_rules:
        return _pack_default(first, iter(results))
    return _unflatten(first, iter(results), none_is_leaf, is_leaf)


# The default rules (None a leaf, no `is_leaf`) have their own flatten and pack, without
# `_node`'s per-node tuple and closure: they run on every layer call and training step.
# Both recurse at module level; a nested function calling itself would be a reference cycle,
# which kept every call's leaves (a training step's gradients) alive until the cyclic garbage
# collector's next full pass.

# Exact types that are always nodes. A tuple subclass is one only as a namedtuple or struct
# sequence; the loops below test `type(child) in _NODE_TYPES or isinstance(child, tuple)`
# inline, because most children are leaves and a call per leaf would dominate.
_NODE_TYPES = frozenset({list, tuple, dict, collections.OrderedDict, collections.defaultdict,
                         collections.deque})


def _is_default_node(x):
    return type(x) in _NODE_TYPES or (
        isinstance(x, tuple) and (_is_namedtuple(x) or _is_structseq(x)))


def _flatten_default(x, out):
    """Appends the leaves of `x` to `out` and returns `out`."""
    t = type(x)
    if t is dict or t is collections.defaultdict:
        children = map(x.__getitem__, _sorted_keys(x))
    elif t is collections.OrderedDict:
        children = x.values()
    elif t is list or t is tuple or _is_default_node(x):
        children = x
    else:
        out.append(x)
        return out
    for child in children:
        if type(child) in _NODE_TYPES or isinstance(child, tuple):
            _flatten_default(child, out)
        else:
            out.append(child)
    return out


def _pack_default(s, leaves):
    """Rebuilds `s` with the next values of the iterator `leaves` at its leaves.

    Raises StopIteration when `leaves` runs out (list comprehensions only: in a generator it
    would turn into a RuntimeError).
    """
    t = type(s)
    if t in _MAPPINGS:
        keys = list(s) if t is collections.OrderedDict else _sorted_keys(s)
        by_key = {k: _pack_default(s[k], leaves)
                  if type(s[k]) in _NODE_TYPES or isinstance(s[k], tuple) else next(leaves)
                  for k in keys}
        if t is dict:
            return {k: by_key[k] for k in s}
        if t is collections.defaultdict:
            return collections.defaultdict(s.default_factory, {k: by_key[k] for k in s})
        return collections.OrderedDict([(k, by_key[k]) for k in s])
    if not (t is list or t is tuple or _is_default_node(s)):
        return next(leaves)
    children = [_pack_default(c, leaves) if type(c) in _NODE_TYPES or isinstance(c, tuple)
                else next(leaves) for c in s]
    if t is list:
        return children
    if t is tuple or _is_structseq(s):
        return t(children)
    if t is collections.deque:
        return collections.deque(children, s.maxlen)
    return t(*children)  # a namedtuple


def is_nested(structure):
    """Checks if a given structure is nested (a list, tuple, dict, deque or namedtuple).

    Args:
        structure: A structure to check.

    Returns:
        `True` for a node (even an empty one), `False` for a leaf (including `None`).

    Example:

    >>> is_nested({"foo": 42}), is_nested(42), is_nested(None)
    (True, False, False)
    """
    return _is_default_node(structure)


def flatten(structure):
    """Flattens a possibly nested structure into a list of its leaves.

    Dicts give their values sorted by key; `OrderedDict`s in insertion order. The same
    convention is followed by `pack_sequence_as`, so the two are inverses.

    Args:
        structure: An arbitrarily nested structure.

    Returns:
        A list, the flattened version of the input `structure`.

    Example:

    >>> flatten([[1, 2, 3], [4, [5], [[6]]]])
    [1, 2, 3, 4, 5, 6]
    >>> flatten({100: "world!", 6: "Hello"}), flatten(None)
    (['Hello', 'world!'], [None])
    """
    if type(structure) not in _NODE_TYPES and not isinstance(structure, tuple):
        return [structure]  # a leaf, the commonest input of a layer call
    return _flatten_default(structure, [])


def flatten_with_path(structure):
    """Flattens a structure into `(path, leaf)` pairs.

    A path is a tuple of the indices and dict keys leading to the leaf.

    Args:
        structure: An arbitrarily nested structure.

    Returns:
        A list of `(path, item)` pairs, in `flatten` order.

    Example:

    >>> flatten_with_path([{"foo": 42}])
    [((0, 'foo'), 42)]
    """
    out = []
    _walk_with_path(structure, (), out)
    return out


# Module level (a self-calling closure is a reference cycle that keeps the leaves alive until
# the cyclic garbage collector runs).
def _walk_with_path(x, path, out):
    node = _node(x)
    if node is None:
        out.append((path, x))
        return
    for key, child in zip(node[0], node[1]):
        _walk_with_path(child, (*path, key), out)


def pack_sequence_as(structure, flat_sequence):
    """Packs a flat sequence into the layout of `structure` (the inverse of `flatten`).

    Args:
        structure: Arbitrarily nested structure.
        flat_sequence: Flat iterable of leaves, as many as `structure` has.

    Returns:
        `flat_sequence` arranged like `structure` (each mapping keeps its own key order).

    Raises:
        TypeError: If `flat_sequence` is not iterable.
        ValueError: If `flat_sequence` has too few or too many elements.

    Example:

    >>> pack_sequence_as({"key3": "", "key1": "", "key2": ""}, ["v1", "v2", "v3"])
    {'key3': 'v3', 'key1': 'v1', 'key2': 'v2'}
    """
    try:
        leaves = list(flat_sequence)
    except TypeError:
        raise TypeError(
            f"`flat_sequence` must be an iterable of leaves. Received: {flat_sequence!r}"
        ) from None
    if len(leaves) == 1 and type(structure) not in _NODE_TYPES and not isinstance(structure,
                                                                                tuple):
        return leaves[0]  # a leaf, the commonest structure of a layer call
    remaining = iter(leaves)
    try:
        packed = _pack_default(structure, remaining)
        exact = next(remaining, _END) is _END
    except StopIteration:
        exact = False
    if not exact:
        # Counted only on error, so that a correct call walks `structure` once.
        expected = len(_flatten_default(structure, []))
        if len(leaves) < expected:
            raise ValueError(
                f"Too few leaves for PyTreeSpec; expected: {expected}, got: {len(leaves)}."
            )
        raise ValueError(f"Too many leaves for PyTreeSpec; expected: {expected}.")
    return packed


def map_structure(func, *structures, none_is_leaf=True):
    """Maps `func` through the leaves of one or more structures of the same layout.

    Args:
        func: A callable that accepts as many arguments as there are structures.
        *structures: Arbitrarily nested structures of the same layout.
        none_is_leaf: If True, `func` is called on `None` leaves. If False, `None` values are
            returned as they are, without calling `func`.

    Returns:
        A new structure with the layout of the first structure.

    Raises:
        ValueError: If no structure is given or the structures do not match (the rules of
            `assert_same_structure`).

    Example:

    >>> map_structure(lambda x, y: x * y, [[1], [2], [3]], [[1], [2], [3]])
    [[1], [4], [9]]
    """
    if not structures:
        raise ValueError("Must provide at least one structure")
    if len(structures) == 1:
        structure = structures[0]
        if none_is_leaf and type(structure) not in _NODE_TYPES and not isinstance(structure,
                                                                                  tuple):
            return func(structure)  # a leaf (a tuple subclass takes the general path)
        return _map(func, structures, none_is_leaf)

    def func_with_check(*args):
        if any(_node(a, none_is_leaf) is not None for a in args):
            raise ValueError("Structures don't have the same nested structure.")
        return func(*args)

    return _map(func_with_check, structures, none_is_leaf)


def map_structure_up_to(shallow_structure, func, *structures):
    """Maps `func` through `structures` only down to the leaves of `shallow_structure`.

    Whatever lies deeper in `structures` is passed to `func` whole.

    Args:
        shallow_structure: A structure whose layout is a prefix of every structure's.
        func: A callable that accepts as many arguments as there are structures.
        *structures: Arbitrarily nested structures, at least as deep as `shallow_structure`.

    Returns:
        A new structure with the layout of `shallow_structure`.

    Raises:
        ValueError: If no structure is given, or a structure is shallower than
            `shallow_structure` or differs from it in layout.

    Example:

    >>> map_structure_up_to([None, None], len, [[1, 1], [2, 2]])
    [2, 2]
    >>> map_structure_up_to([None, [None, None]], str, [[1, 1], [2, 2]])
    ['[1, 1]', ['2', '2']]
    """
    if not structures:
        raise ValueError("Must provide at least one structure")
    return _map(lambda _, *args: func(*args), (shallow_structure, *structures))


def assert_same_structure(a, b, check_types=None):
    """Asserts that two structures are nested in the same way.

    At each level the nodes must be of the same type with the same number of elements;
    `dict`, `OrderedDict` and `defaultdict` count as the same type when their keys agree.
    `list`, `tuple`, `deque` and each namedtuple class are all different.

    Args:
        a: An arbitrarily nested structure.
        b: An arbitrarily nested structure.
        check_types: Deprecated, has no effect (use `assert_same_paths` for a looser check).

    Raises:
        ValueError: If the two structures `a` and `b` don't match.

    Example:

    >>> assert_same_structure([(0, 1)], [(2, 3)])  # passes
    """
    if check_types is not None:
        if check_types:
            message = ("The `check_types` argument is deprecated and no longer has any effect, "
                       "please remove.")
        else:
            message = ("The `check_types` argument is deprecated and no longer has any effect. "
                       "For a looser check, use `keras.tree.assert_same_paths()`, which "
                       "considers `list`, `tuple`, `namedtuple` and `deque` as matching")
        warnings.warn(message, DeprecationWarning, stacklevel=2)
    for leaf in _flatten_up_to(a, b):
        if _node(leaf) is not None:
            raise ValueError("Structures don't have the same nested structure.")


def _paths(structure):
    return {path for path, _ in flatten_with_path(structure)}


def assert_same_paths(a, b):
    """Asserts that two structures have the same paths, whatever their container types.

    A sequence's path entries are indices (namedtuples too); a mapping's are its keys.

    Args:
        a: An arbitrarily nested structure.
        b: An arbitrarily nested structure.

    Raises:
        ValueError: If the paths differ; the message lists the paths each one lacks.

    Example:

    >>> assert_same_paths([0, 1], (2, 3))  # passes: the container types may differ
    """
    a_paths, b_paths = _paths(a), _paths(b)
    if a_paths != b_paths:
        msg = "`a` and `b` don't have the same paths."
        a_diff = a_paths.difference(b_paths)
        if a_diff:
            msg += f"\nPaths in `a` missing in `b`:\n{a_diff}"
        b_diff = b_paths.difference(a_paths)
        if b_diff:
            msg += f"\nPaths in `b` missing in `a`:\n{b_diff}"
        raise ValueError(msg)


def traverse(func, structure, top_down=True):
    """Traverses a nested structure depth-first, applying `func` to every sub-nest and leaf.

    Top-down (the default), `func(subtree)` returning None descends into the subtree, while
    any other value replaces it without descending. Bottom-up, the children are traversed
    first and `func` then sees the rebuilt subtree: None keeps it, any other value replaces
    it. Return `MAP_TO_NONE` to put `None` in the result.

    Args:
        func: The function applied to each sub-nest of the structure.
        structure: The structure to traverse.
        top_down: If True, parents are visited before their children.

    Returns:
        The structure with the replacements made.

    Example:

    >>> visited = []
    >>> traverse(visited.append, [(1, 2), [3], {"a": 4}])
    [(1, 2), [3], {'a': 4}]
    >>> visited
    [[(1, 2), [3], {'a': 4}], (1, 2), 1, 2, [3], 3, {'a': 4}, 4]
    """

    def traverse_children():
        node = _node(structure)
        if node is None:
            return structure
        _, children, rebuild = node
        return rebuild([traverse(func, c, top_down=top_down) for c in children])

    if top_down:
        ret = func(structure)
        if ret is None:
            return traverse_children()
    else:
        traversed = traverse_children()
        ret = func(traversed)
        if ret is None:
            return traversed
    if isinstance(ret, type) and ret.__name__ == "MAP_TO_NONE":
        return None
    return ret


def lists_to_tuples(structure):
    """Returns the structure with every list turned into a tuple.

    Example:

    >>> lists_to_tuples([[1, 2], {"a": [3]}])
    ((1, 2), {'a': (3,)})
    """
    return traverse(lambda x: tuple(x) if isinstance(x, list) else None, structure,
                    top_down=False)


def _is_shape_tuple(x):
    return isinstance(x, (list, tuple)) and all(isinstance(e, (int, type(None))) for e in x)


def map_shape_structure(func, structure):
    """`map_structure` that treats shape tuples (lists/tuples of ints and Nones) as leaves.

    Example:

    >>> map_shape_structure(lambda s: s[0], {"a": (2, 3), "b": [(4, None)]})
    {'a': 2, 'b': [4]}
    """
    return _map(func, (structure,), is_leaf=_is_shape_tuple)
