"""Flattening and re-packing of nested lists, tuples and dicts (like `keras.tree`)."""


def is_nested(x):
    return isinstance(x, (list, tuple, dict))


def flatten(structure):
    """Leaves of a nested structure, dicts in sorted-key order."""
    if isinstance(structure, dict):
        return [leaf for k in sorted(structure) for leaf in flatten(structure[k])]
    if isinstance(structure, (list, tuple)):
        return [leaf for item in structure for leaf in flatten(item)]
    return [structure]


def pack_sequence_as(structure, flat):
    """Inverse of `flatten`: rebuilds `structure` with the leaves from `flat`."""
    return _build(structure, iter(flat))


# A module-level function, not a closure: a nested function that calls itself is a reference
# cycle, which kept every call's leaves (a training step's gradients) alive until the cyclic
# garbage collector's next full pass, so memory grew step after step.
def _build(s, it):
    if isinstance(s, dict):
        built = {k: _build(s[k], it) for k in sorted(s)}
        return type(s)((k, built[k]) for k in s)
    if isinstance(s, tuple) and hasattr(s, "_fields"):
        return type(s)(*[_build(v, it) for v in s])
    if isinstance(s, (list, tuple)):
        return type(s)(_build(v, it) for v in s)
    return next(it)


def map_structure(fn, *structures):
    flats = [flatten(s) for s in structures]
    return pack_sequence_as(structures[0], [fn(*leaves) for leaves in zip(*flats)])
