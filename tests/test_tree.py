"""`keras_like.tree`: Keras 3's nested-structure API (optree rules, `none_is_leaf=True`)."""

import collections
import os
import warnings

import pytest

from keras_like import tree

Point = collections.namedtuple("Point", ["x", "y"])
OtherPoint = collections.namedtuple("Point", ["x", "y"])  # same name and fields, other class


class MyList(list):
    pass


def test_flatten_orders_and_leaves():
    assert tree.flatten([[1, 2, 3], [4, [5], [[6]]]]) == [1, 2, 3, 4, 5, 6]
    assert tree.flatten(None) == [None]
    assert tree.flatten(1) == [1]
    assert tree.flatten({100: "world!", 6: "Hello"}) == ["Hello", "world!"]
    assert tree.flatten(collections.OrderedDict(b=1, a=2)) == [1, 2]  # insertion order
    assert tree.flatten(collections.defaultdict(list, b=1, a=2)) == [2, 1]  # sorted
    assert tree.flatten({1: "a", "b": 2}) == ["a", 2]  # unsortable keys: insertion order
    assert tree.flatten([1, {"a": None}, (Point(2, 3),)]) == [1, None, 2, 3]
    assert tree.flatten([]) == [] and tree.flatten({}) == []
    assert tree.flatten("abc") == ["abc"]


def test_is_nested_node_types():
    for node in ([], (), {}, [1], collections.deque([1]), Point(1, 2), os.stat(".")):
        assert tree.is_nested(node), node
    for leaf in (None, 1, "ab", b"ab", {1, 2}, MyList([1]), range(3)):
        assert not tree.is_nested(leaf), leaf


def test_pack_sequence_as_inverts_flatten():
    structures = [
        {"key3": {"c": ("alpha", "beta"), "a": "gamma"}, "key1": {"e": "v1", "d": "v2"}},
        [Point(1, [2, None]), collections.OrderedDict(z=3, a=(4,))],
        collections.defaultdict(int, {"b": [1], "a": 2}),
        collections.deque([1, [2]], maxlen=4),
        5,
        [],
    ]
    for structure in structures:
        assert tree.pack_sequence_as(structure, tree.flatten(structure)) == structure
    packed = tree.pack_sequence_as({"key3": "", "key1": "", "key2": ""}, ["v1", "v2", "v3"])
    assert packed == {"key3": "v3", "key1": "v1", "key2": "v2"}
    assert list(packed) == ["key3", "key1", "key2"]  # the structure's own key order
    dd = tree.pack_sequence_as(collections.defaultdict(list, a=0), [7])
    assert dd.default_factory is list and dd == {"a": 7}
    assert tree.pack_sequence_as(collections.deque([0], maxlen=3), [1]).maxlen == 3


class MyTuple(tuple):
    pass


class MyDict(dict):
    pass


def test_subclasses_nested_inside_nodes_are_leaves():
    # Children are tested inline for speed; a tuple or dict subclass must still be a leaf.
    leaves = [MyTuple((1, 2)), MyDict(a=1), MyList([3])]
    structure = [leaves[0], {"k": leaves[1]}, (leaves[2], os.stat("."))]
    flat = tree.flatten(structure)
    assert flat[:3] == leaves and len(flat) == 3 + len(os.stat("."))
    assert tree.flatten(MyTuple((1, 2))) == [MyTuple((1, 2))]
    packed = tree.pack_sequence_as(structure, iter(flat))  # any iterable of leaves
    assert packed == structure and type(packed[2][1]) is os.stat_result
    assert tree.map_structure(lambda v: type(v).__name__, structure)[:2] == [
        "MyTuple", {"k": "MyDict"}]


def test_pack_sequence_as_errors():
    with pytest.raises(ValueError, match="Too few leaves for PyTreeSpec; expected: 2, got: 1"):
        tree.pack_sequence_as([1, 2], [1])
    with pytest.raises(ValueError, match="Too many leaves for PyTreeSpec; expected: 2"):
        tree.pack_sequence_as([1, 2], [1, 2, 3])
    with pytest.raises(ValueError, match="Too few leaves for PyTreeSpec; expected: 3, got: 2"):
        tree.pack_sequence_as({"b": [0, 0], "a": 0}, [1, 2])
    with pytest.raises(ValueError, match="Too many leaves for PyTreeSpec; expected: 0"):
        tree.pack_sequence_as([], [1])
    with pytest.raises(TypeError, match="must be an iterable"):
        tree.pack_sequence_as([1, 2], 5)


def test_flatten_with_path():
    assert tree.flatten_with_path([{"foo": 42}]) == [((0, "foo"), 42)]
    assert tree.flatten_with_path({"b": 1, "a": (2, None)}) == [
        (("a", 0), 2), (("a", 1), None), (("b",), 1)]
    assert tree.flatten_with_path(5) == [((), 5)]
    assert tree.flatten_with_path(Point(1, 2)) == [((0,), 1), ((1,), 2)]


def test_map_structure():
    structure = [[1], [2], [3]]
    assert tree.map_structure(lambda v: v**2, structure) == [[1], [4], [9]]
    assert tree.map_structure(lambda x, y: x * y, structure, structure) == [[1], [4], [9]]
    assert tree.map_structure(lambda v: v * 2, Point(1, 2)) == Point(2, 4)
    assert tree.map_structure(lambda v: v, 7) == 7
    # The first structure decides types and key order; dict-likes match by key.
    out = tree.map_structure(lambda a, b: (a, b), collections.OrderedDict(b=3, a=4),
                             {"a": 1, "b": 2})
    assert type(out) is collections.OrderedDict and list(out.items()) == [("b", (3, 2)),
                                                                          ("a", (4, 1))]
    deque = tree.map_structure(lambda v: v * 2, collections.deque([1, 2], maxlen=5))
    assert deque == collections.deque([2, 4]) and deque.maxlen == 5


def test_map_structure_none_is_leaf():
    seen = []
    assert tree.map_structure(lambda v: seen.append(v) or v, [None, 1]) == [None, 1]
    assert seen == [None, 1]
    seen.clear()
    out = tree.map_structure(lambda v: seen.append(v) or v, [None, 1], none_is_leaf=False)
    assert out == [None, 1] and seen == [1]
    assert tree.map_structure(lambda v: 0, None, none_is_leaf=False) is None
    assert tree.map_structure(lambda x, y: x + y, [1, None], [2, None],
                              none_is_leaf=False) == [3, None]
    with pytest.raises(ValueError, match="Expected None, got 3"):
        tree.map_structure(lambda x, y: x, [1, None], [2, 3], none_is_leaf=False)


@pytest.mark.parametrize("a,b,match", [
    ([1, 2], (1, 2), r"Expected an instance of list, got \(1, 2\)"),
    ([1, [2]], [1, 2], "Expected an instance of list, got 2"),
    ([1, 2], [1, [2]], "Structures don't have the same nested structure"),
    ([1, 2], [1, 2, 3], r"list arity mismatch; expected: 2, got: 3; list: \[1, 2, 3\]"),
    ({"a": 1}, {"b": 1}, r"dictionary key mismatch; expected key\(s\): \['a'\]"),
    ({"a": 1}, [1], "Expected an instance of dict, collections.OrderedDict, or"),
    (Point(1, 2), OtherPoint(1, 2), "namedtuple type mismatch"),
    (collections.deque([1]), [1], "Expected an instance of collections.deque"),
])
def test_mismatched_structures(a, b, match):
    with pytest.raises(ValueError, match=match):
        tree.map_structure(lambda x, y: x, a, b)
    with pytest.raises(ValueError, match=match):
        tree.assert_same_structure(a, b)


def test_map_structure_needs_a_structure():
    with pytest.raises(ValueError, match="Must provide at least one structure"):
        tree.map_structure(lambda: 0)
    with pytest.raises(ValueError, match="Must provide at least one structure"):
        tree.map_structure_up_to([1], lambda: 0)


def test_map_structure_up_to():
    structure = [[1, 1], [2, 2]]
    assert tree.map_structure_up_to([None, None], len, structure) == [2, 2]
    assert tree.map_structure_up_to([None, [None, None]], str, structure) == [
        "[1, 1]", ["2", "2"]]
    assert tree.map_structure_up_to({"a": 0}, lambda x, y: (x, y), {"a": [1]},
                                    {"a": (2,)}) == {"a": ([1], (2,))}
    with pytest.raises(ValueError, match="Expected an instance of list, got 2"):
        tree.map_structure_up_to([1, [1, 1]], str, [[1, 1], 2])


def test_assert_same_structure_accepts_matches_and_warns_on_check_types():
    tree.assert_same_structure([(0, 1)], [(2, 3)])
    tree.assert_same_structure(Point(0, 1), Point(2, 3))
    tree.assert_same_structure({"a": 1}, collections.OrderedDict(a=2))
    tree.assert_same_structure(None, 1)
    with pytest.warns(DeprecationWarning, match="`check_types` argument is deprecated"):
        tree.assert_same_structure([1], [2], check_types=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tree.assert_same_structure([1], [2])


def test_assert_same_paths():
    tree.assert_same_paths([0, 1], (2, 3))
    tree.assert_same_paths(Point(0, 1), OtherPoint(2, 3))
    with pytest.raises(ValueError, match=r"(?s)don't have the same paths.*missing in `b`:\n"
                                         r"\{\(1,\)\}.*missing in `a`:\n\{\(1, 0\)\}"):
        tree.assert_same_paths([1, 2], [1, [2]])


def test_traverse_orders_and_replacements():
    structure = [(1, 2), [3], {"a": 4}]
    visited = []
    assert tree.traverse(visited.append, structure, top_down=True) == structure
    assert visited == [structure, (1, 2), 1, 2, [3], 3, {"a": 4}, 4]
    visited = []
    assert tree.traverse(visited.append, structure, top_down=False) == structure
    assert visited == [1, 2, (1, 2), 3, [3], 4, {"a": 4}, structure]
    # Top-down, a non-None result replaces the subtree without descending into it.
    assert tree.traverse(lambda x: "L" if isinstance(x, list) and x != structure else None,
                         structure) == [(1, 2), "L", {"a": 4}]
    assert tree.traverse(lambda x: tree.MAP_TO_NONE if x == 3 else None,
                         structure) == [(1, 2), [None], {"a": 4}]
    assert tree.traverse(lambda x: tree.MAP_TO_NONE if x == [3] else None, structure,
                         top_down=False) == [(1, 2), None, {"a": 4}]
    with pytest.raises(TypeError, match="not callable"):
        tree.traverse(5, [1])


def test_lists_to_tuples_and_map_shape_structure():
    assert tree.lists_to_tuples([[1, 2], {"a": [3]}]) == ((1, 2), {"a": (3,)})
    out = tree.map_shape_structure(lambda s: ("S", s),
                                   [(1, None), {"a": [2, 3]}, (1, "x"), [], 4])
    assert out == [("S", (1, None)), {"a": ("S", [2, 3])}, (("S", 1), ("S", "x")),
                   ("S", []), ("S", 4)]
