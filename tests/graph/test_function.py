"""keras_like.function: tracing, replay, retracing rules, fallbacks and the graph view."""

import os
import threading
import warnings

import numpy as np
import pytest

import keras_like as keras
from keras_like import backend, ops
from keras_like.graph import CaptureError

RNG = np.random.default_rng(0)


def _arrays(*shapes, dtype="float32"):
    return [RNG.standard_normal(s).astype(dtype) for s in shapes]


def test_replays_with_new_values_and_matches_numpy():
    @keras.function
    def fn(x, y):
        return ops.sum(ops.exp(x) * 2.0 + y, axis=0), ops.matmul(x, ops.transpose(y))

    for _ in range(4):
        x, y = _arrays((3, 4), (3, 4))
        total, product = fn(x, y)
        np.testing.assert_allclose(total.numpy(), np.sum(np.exp(x) * 2.0 + y, axis=0),
                                   rtol=1e-6)
        np.testing.assert_allclose(product.numpy(), x @ y.T, rtol=1e-5, atol=1e-6)
    assert fn.trace_count == 1


def test_python_side_effects_run_only_while_tracing():
    seen = []

    @keras.function
    def fn(x):
        seen.append(1)
        return x + 1.0

    for _ in range(3):
        fn(np.ones(2, "float32"))
    assert seen == [1]


def test_a_new_shape_dtype_or_python_value_traces_again():
    @keras.function
    def fn(x, scale):
        return x * scale

    fn(np.ones(2, "float32"), 2.0)
    fn(np.ones(2, "float32"), 2.0)
    assert fn.trace_count == 1
    fn(np.ones(3, "float32"), 2.0)
    fn(np.ones(3, "float64"), 2.0)
    out = fn(np.ones(3, "float64"), 5.0)
    assert fn.trace_count == 4
    np.testing.assert_array_equal(out.numpy(), np.full(3, 5.0))


def test_many_retraces_warn_once_unless_reduce_retracing():
    def body(x):
        return x + 1.0

    fn = keras.function(body)
    with pytest.warns(UserWarning, match="triggered retracing"):
        for n in range(1, 8):
            fn(np.ones(n, "float32"))
    quiet = keras.function(body, reduce_retracing=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for n in range(1, 8):
            quiet(np.ones(n, "float32"))


def test_the_same_tensor_twice_then_two_tensors():
    @keras.function
    def fn(a, b):
        return a - b

    x = backend.convert_to_tensor(np.arange(3.0, dtype="float32"))
    y = backend.convert_to_tensor(np.ones(3, "float32"))
    np.testing.assert_array_equal(fn(x, x).numpy(), np.zeros(3))
    np.testing.assert_array_equal(fn(x, y).numpy(), np.arange(3.0) - 1)
    np.testing.assert_array_equal(fn(y, y).numpy(), np.zeros(3))


def test_variable_assigned_inside_is_updated_on_every_replay():
    counter = keras.Variable(0.0)
    total = keras.Variable(np.zeros(2, "float32"))

    @keras.function
    def step(x):
        counter.assign_add(1.0)
        total.assign(total + x)
        return total * 1.0

    for i in range(5):
        out = step(np.full(2, i, "float32"))
    assert float(counter.numpy()) == 5.0
    np.testing.assert_array_equal(total.numpy(), np.full(2, 10.0))
    np.testing.assert_array_equal(out.numpy(), np.full(2, 10.0))
    assert step.trace_count == 1


def test_variables_made_on_the_first_call_are_traced_again_then_replayed():
    layer = keras.layers.Dense(3, kernel_initializer="ones")

    @keras.function
    def fn(x):
        return layer(x)

    x = np.ones((2, 4), "float32")
    for _ in range(4):
        np.testing.assert_allclose(fn(x).numpy(), np.full((2, 3), 4.0))
    assert fn.trace_count == 2  # the first trace built the layer
    layer.kernel.assign(np.full((4, 3), 2.0, "float32"))
    np.testing.assert_allclose(fn(x).numpy(), np.full((2, 3), 8.0))  # reads the Variable
    assert fn.trace_count == 2


def test_a_host_read_falls_back_to_eager_naming_the_line():
    @keras.function
    def fn(x):
        if float(ops.sum(x)) > 0:  # host read
            return x * 2.0
        return x * 0.0

    with pytest.warns(UserWarning, match=rf"{os.path.basename(__file__)}:\d+.*float\(ops.sum"):
        out = fn(np.ones(2, "float32"))
    np.testing.assert_array_equal(out.numpy(), [2.0, 2.0])
    # Eager from now on for this signature: the branch follows the data.
    np.testing.assert_array_equal(fn(-np.ones(2, "float32")).numpy(), [0.0, 0.0])
    with pytest.raises(CaptureError, match="host"):
        fn.get_concrete_function(np.ones(2, "float32"))


def test_nested_functions_and_an_inner_graph_inside_an_outer_trace():
    @keras.function
    def inner(x):
        return ops.tanh(x) * 3.0

    @keras.function
    def outer(x):
        return inner(x) + inner(x * 2.0)

    x = _arrays((4,))[0]
    inner(x)  # inner has a graph for this signature before the outer traces
    for _ in range(3):
        x = _arrays((4,))[0]
        np.testing.assert_allclose(outer(x).numpy(), np.tanh(x) * 3 + np.tanh(2 * x) * 3,
                                   rtol=1e-6)
    assert outer.trace_count == 1


def test_gradients_through_a_compiled_function_under_a_tape():
    w = keras.Variable(np.array([1.5, -2.0], "float32"))

    @keras.function
    def loss(x):
        return ops.sum(ops.square(x * w))

    x = np.array([0.5, 3.0], "float32")
    loss(x)
    loss(x)  # traced and replayable
    with keras.GradientTape() as tape:
        value = loss(x)
    grad = tape.gradient(value, w)
    np.testing.assert_allclose(grad.numpy(), 2 * x * x * w.numpy(), rtol=1e-6)


def test_a_tape_inside_is_captured():
    w = keras.Variable(np.array([1.0, 2.0, 3.0], "float32"))

    @keras.function
    def sgd_step(x):
        with keras.GradientTape() as tape:
            loss = ops.sum(ops.square(w * x))
        w.assign_sub(0.1 * tape.gradient(loss, w))
        return loss

    eager_w = np.array([1.0, 2.0, 3.0], "float32")
    for i in range(4):
        x = np.full(3, 0.5 + i, "float32")
        sgd_step(x)
        eager_w = eager_w - np.float32(0.1) * (2 * x * x * eager_w)
    np.testing.assert_allclose(w.numpy(), eager_w, rtol=1e-6)
    assert sgd_step.trace_count == 1


def test_the_graph_lists_nodes_and_edges_and_exports_dot():
    @keras.function
    def fn(x, w):
        return ops.relu(ops.matmul(x, w))

    x, w = _arrays((2, 3), (3, 4))
    graph = fn.get_concrete_function(x, w).graph
    ops_run = [node.op for node in graph.nodes]
    assert "matmul" in ops_run and "maximum" in ops_run or "relu" in ops_run
    assert len(graph.argument_slots) == 2 and len(graph.output_slots) == 1
    writers = {s: n.index for n in graph.nodes for s in n.outputs}
    for edge in graph.edges:
        assert edge.source == writers.get(edge.slot) or edge.slot in graph.argument_slots
    text = str(graph)
    assert "argument 0: float32[2, 3]" in text and "matmul" in text
    dot = graph.to_dot()
    assert dot.startswith('digraph "fn"') and dot.rstrip().endswith("}")
    assert dot.count("->") == len(graph.edges) + len(graph.output_slots)


def test_a_replay_with_a_wrong_shape_is_a_clear_error():
    @keras.function
    def fn(x):
        return x * 2.0

    concrete = fn.get_concrete_function(np.ones((2, 2), "float32"))
    with pytest.raises(ValueError, match=r"\[function\] argument 0 was traced as float32 \(2, 2\)"):
        concrete(np.ones((3, 2), "float32"))


def test_symbolic_and_string_arguments_run_eagerly():
    fn = keras.function(lambda x: x)
    with pytest.warns(UserWarning, match="strings"):
        out = fn(np.array(["a", "b"]))
    assert list(out) == ["a", "b"]


def test_input_signature_checks_and_converts_every_call():
    from keras_like.graph import TensorSpec

    @keras.function(input_signature=[TensorSpec((None, 3), "float32"),
                                     keras.InputSpec(shape=(3,), dtype="float32")])
    def fn(x, bias):
        return ops.sum(x * 2.0, axis=1) + ops.sum(bias)

    assert [s.shape for s in fn.input_signature] == [(None, 3), (3,)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a None dimension's shapes are no retracing to warn of
        for rows in range(1, 9):
            x = _arrays((rows, 3))[0]
            np.testing.assert_allclose(fn(x, [1.0, 2.0, 3.0]).numpy(),
                                       np.sum(x * 2.0, axis=1) + 6.0, rtol=1e-6)
    out = fn(bias=np.ones(3, "float32"), x=[[1, 2, 3]])  # keywords, and ints made float32
    assert out.dtype == "float32" and out.numpy().tolist() == [15.0]
    with pytest.raises(ValueError, match=r"`fn` argument 0 .* expected TensorSpec\(shape=\(None, "
                                         r"3\).* shape \(2, 4\)"):
        fn(np.ones((2, 4), "float32"), np.ones(3, "float32"))
    with pytest.raises(TypeError, match="argument 1 .*float64 tensor"):
        fn(np.ones((2, 3), "float32"), ops.ones((3,), dtype="float64"))
    with pytest.raises(TypeError, match="input_signature of 2 arguments.*called with 1"):
        fn(np.ones((2, 3), "float32"))


def test_input_signature_must_hold_specs():
    with pytest.raises(TypeError, match="TensorSpec.*Received: 3"):
        keras.function(lambda x: x, input_signature=[3])
    with pytest.raises(TypeError, match="list or tuple"):
        keras.function(lambda x: x, input_signature=keras.InputSpec(shape=(2,)))


def test_decorated_method_has_one_cache_per_instance():
    class Scaler:
        def __init__(self, factor):
            self.factor = keras.Variable(factor)

        @keras.function
        def __call__(self, x):
            return x * self.factor

    a, b = Scaler(2.0), Scaler(3.0)
    x = np.ones(2, "float32")
    for _ in range(2):
        np.testing.assert_array_equal(a(x).numpy(), [2.0, 2.0])
        np.testing.assert_array_equal(b(x).numpy(), [3.0, 3.0])


def test_memory_does_not_grow_over_ten_thousand_replays():
    w = keras.Variable(RNG.standard_normal((64, 64)).astype("float32"))

    @keras.function
    def step(x):
        y = ops.tanh(ops.matmul(x, w))
        w.assign(w * 0.999 + ops.mean(y) * 0.0)
        return ops.sum(y)

    x = RNG.standard_normal((32, 64)).astype("float32")
    xt = backend.convert_to_tensor(x)
    for _ in range(200):
        step(xt)

    def rss_kb():
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024

    before = rss_kb()
    for _ in range(10_000):
        step(xt)
    assert rss_kb() - before < 4096, "replays leak memory"


def test_host_reads_are_noticed_on_the_capturing_thread_only():
    other = backend.convert_to_tensor(np.ones(3, "float32"))

    @keras.function
    def clean(x):
        reader = threading.Thread(target=other.numpy)  # another thread reads meanwhile
        reader.start()
        reader.join()
        return x * 2.0

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        clean(np.ones(2, "float32"))
    assert clean.get_concrete_function(np.ones(2, "float32")) is not None

    @keras.function
    def reads(x):
        return x * float(ops.sum(x))

    caught = []

    def worker():
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            reads(np.ones(2, "float32"))
        caught.extend(str(m.message) for m in w)

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert any("reads a tensor's value on the host" in m for m in caught)


def test_constants_are_folded_and_unused_work_is_dropped():
    @keras.function
    def fn(x):
        unused = ops.exp(x) * 3.0  # never returned: not replayed
        del unused
        return x * ops.ones((4,)) + ops.arange(4, dtype="float32") * 2.0

    x = _arrays((4,))[0]
    graph = fn.get_concrete_function(x).graph
    assert {"full", "arange", "exp"}.isdisjoint(node.op for node in graph.nodes)
    for _ in range(2):
        x = _arrays((4,))[0]
        np.testing.assert_array_equal(fn(x).numpy(), x + np.arange(4, dtype="float32") * 2)


def _steps(graph, name):
    """How many times op `name` runs in a graph, counting the steps of fused nodes."""
    return sum(node.op.replace("[", ",").replace("]", ",").replace(" ", "").split(",").count(name)
               for node in graph.nodes)


def test_repeated_computations_run_once():
    @keras.function
    def fn(x, y):
        first = ops.sum(ops.matmul(x, ops.transpose(y)) * 2.0, axis=1)
        again = ops.sum(ops.matmul(x, ops.transpose(y)) * 2.0, axis=1)
        other_axis = ops.sum(ops.matmul(x, ops.transpose(y)) * 2.0, axis=0)
        return first + again, other_axis, ops.cast(x, "float64") - ops.cast(x, "float64")

    x, y = _arrays((3, 4), (3, 4))
    graph = fn.get_concrete_function(x, y).graph
    assert (_steps(graph, "matmul"), _steps(graph, "transpose"), _steps(graph, "cast")) == (1, 1, 1)
    # sum over axis 0 is a different computation from sum over axis 1
    assert _steps(graph, "sum") == 2
    for _ in range(2):
        x, y = _arrays((3, 4), (3, 4))
        total, columns, zero = fn(x, y)
        eager = fn.python_function(x, y)
        np.testing.assert_array_equal(total.numpy(), eager[0].numpy())
        np.testing.assert_array_equal(columns.numpy(), eager[1].numpy())
        np.testing.assert_array_equal(zero.numpy(), np.zeros((3, 4)))


def test_equal_variables_stay_apart_while_equal_constants_merge():
    first, second = keras.Variable(np.zeros(3, "float32")), keras.Variable(np.zeros(3, "float32"))

    @keras.function
    def fn(x):
        return x * 2.0 + first, x * 2.0 + second

    x = np.ones(3, "float32")
    graph = fn.get_concrete_function(x).graph
    assert _steps(graph, "multiply") == 1  # the two 2.0 constants are one value
    fn(x)
    first.assign(np.array([1.0, 2.0, 3.0], "float32"))
    a, b = fn(x)
    np.testing.assert_array_equal(a.numpy(), [3.0, 4.0, 5.0])
    np.testing.assert_array_equal(b.numpy(), [2.0, 2.0, 2.0])


def test_reads_on_either_side_of_an_in_place_write_stay_apart():
    v = keras.Variable(np.arange(6, dtype="float32"))

    @keras.function
    def fn(step):
        before = ops.cast(v, "float64") * 2.0
        view_before = ops.reshape(v, (2, 3)) * 3.0
        v.assign_add(step)
        after = ops.cast(v, "float64") * 2.0
        view_after = ops.reshape(v, (2, 3)) * 3.0
        return before, after, view_before, view_after

    for _ in range(3):
        start = v.numpy().copy()
        before, after, view_before, view_after = fn(np.full(6, 1.0, "float32"))
        np.testing.assert_array_equal(before.numpy(), start * 2.0)
        np.testing.assert_array_equal(after.numpy(), (start + 1.0) * 2.0)
        np.testing.assert_array_equal(view_before.numpy(), start.reshape(2, 3) * 3.0)
        np.testing.assert_array_equal(view_after.numpy(), (start + 1.0).reshape(2, 3) * 3.0)
    assert fn.trace_count == 1


def test_a_buffer_written_in_place_is_remade_on_every_run():
    from keras_like.backend.engine import _engine

    @keras.function
    def fn(x):
        buffer = ops.zeros((3,))
        _engine.assign(buffer, ops.add(buffer, x))  # an in-place write into a made value
        return buffer * 1.0

    for value in (1.0, 2.0, 5.0):
        np.testing.assert_array_equal(fn(np.full(3, value, "float32")).numpy(), [value] * 3)
    assert "full" in [node.op for node in fn.get_concrete_function(np.ones(3, "float32"))
                      .graph.nodes]


def test_kernel_timing_counts_each_kind_while_on():
    from keras_like.backend.engine import _engine

    x = backend.convert_to_tensor(np.ones((64, 64), "float32"))
    _engine.set_op_timing(True)
    for _ in range(3):
        ops.matmul(x, x)
    ops.exp(x)
    timings = _engine.op_timings()
    _engine.set_op_timing(False)
    ops.matmul(x, x)  # not counted once timing is off
    assert timings["matmul"][0] == 3 and timings["matmul"][1] > 0
    assert timings["unary"][0] == 1
    assert _engine.op_timings()["matmul"][0] == 3


def test_replays_through_the_memory_plan_equal_eager_calls_for_many_ops():
    # Intermediates live at non-zero offsets of the reused arena; every kernel must honour its
    # output's offset (pad once did not).
    def body(x, idx):
        a = ops.exp(x * 0.1)
        b = ops.pad(a, [[1, 2], [0, 3]], constant_values=0.5)
        c = ops.concatenate([b, b * 2.0], axis=0)
        d = ops.take(c, idx, axis=0)
        e = ops.softmax(d, axis=-1) + ops.cumsum(d, axis=1)
        f = ops.sort(e, axis=-1)[:, ::2]
        g = ops.matmul(f, ops.transpose(f))
        h = ops.where(g > 1.0, g, -g)
        return ops.sum(h, axis=0), ops.max(b), ops.mean(c, axis=1)

    fn = keras.function(body)
    idx = np.array([3, 0, 5, 5, 1], "int64")
    for _ in range(3):
        x = _arrays((4, 6))[0]
        replayed = fn(x, idx)
        eager = body(backend.convert_to_tensor(x), backend.convert_to_tensor(idx))
        for r, e in zip(replayed, eager):
            np.testing.assert_array_equal(r.numpy(), e.numpy())
    assert fn.trace_count == 1


def test_concurrent_replays_of_one_graph_do_not_share_memory():
    @keras.function
    def fn(x):
        h = ops.tanh(ops.matmul(x, ops.transpose(x)))
        return ops.sum(h * 2.0 + 1.0, axis=1)

    inputs = [_arrays((48, 32))[0] for _ in range(4)]
    fn(inputs[0])
    expected = [fn(x).numpy() for x in inputs]
    errors = []

    def worker(k):
        for _ in range(50):
            if not np.array_equal(fn(inputs[k]).numpy(), expected[k]):
                errors.append(k)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", [(), (3,), (7, 300), (200_001,)])
def test_element_wise_chains_run_fused_with_the_eager_bits(dtype, shape):
    def body(x, y):
        a = x * 2.0 + 1.0           # a scalar on the right
        b = ops.exp(a * y) - 0.5
        c = 3.0 - ops.tanh(b) / (y + 3.0)  # and on the left
        return c, a                  # `a` is also read after the chain

    fn = keras.function(body)
    x = RNG.standard_normal(shape).astype(dtype)
    y = RNG.random(shape).astype(dtype)
    fn(x, y)
    graph = fn.get_concrete_function(x, y).graph
    assert [node.op for node in graph.nodes] == [
        "fused_elementwise[multiply, add, multiply, exp, subtract, tanh, add, divide, subtract]"]
    assert len(graph.nodes[0].outputs) == 2
    for threads in (1, 2, 3):
        previous = keras.config.get_num_threads()
        keras.config.set_num_threads(threads)
        try:
            replayed = fn(x, y)
        finally:
            keras.config.set_num_threads(previous)
        eager = body(backend.convert_to_tensor(x), backend.convert_to_tensor(y))
        for r, e in zip(replayed, eager):
            np.testing.assert_array_equal(r.numpy(), e.numpy())


def test_chains_break_at_other_ops_shapes_and_dtypes():
    @keras.function
    def fn(x, m):
        a = ops.exp(x) + 1.0
        b = ops.sum(a, axis=0)        # a reduction ends the chain
        c = ops.sqrt(b) * 2.0         # a new shape starts another
        d = ops.cast(x, "float64") * 2.0 + 1.0  # and a new dtype another
        return c, d, ops.matmul(a, m)

    x, m = _arrays((4, 3), (3, 2))
    graph = fn.get_concrete_function(x, m).graph
    assert sum(node.op.startswith("fused_elementwise[") for node in graph.nodes) == 3
    c, d, p = fn(x, m)
    a = np.exp(x) + np.float32(1)
    np.testing.assert_allclose(c.numpy(), np.sqrt(a.sum(0)) * 2, rtol=1e-6)
    np.testing.assert_allclose(d.numpy(), x.astype("float64") * 2 + 1, rtol=1e-12)
    np.testing.assert_allclose(p.numpy(), a @ m, rtol=1e-5)
