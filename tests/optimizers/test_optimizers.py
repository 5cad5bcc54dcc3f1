"""Every optimizer against a NumPy transcription of Keras 3's update formula, plus the base
class's features (weight decay, clipping, EMA, schedules, accumulation), names and configs."""

import math
import re

import numpy as np
import pytest

import keras_like as keras
from keras_like import ops, optimizers
from keras_like.optimizers import schedules

# ---- NumPy references: (init(w) -> state, step(w, g, state, t, lr) -> new w), t from 1 --------


def ref_sgd(learning_rate=0.01, momentum=0.0, nesterov=False):
    def init(w):
        return {"m": np.zeros_like(w)}

    def step(w, g, s, t, lr):
        if momentum == 0:
            return w - lr * g
        s["m"] = momentum * s["m"] - lr * g
        return w + (momentum * s["m"] - lr * g if nesterov else s["m"])

    return init, step


def ref_adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False,
             weight_decay=None):
    def init(w):
        return {"m": np.zeros_like(w), "v": np.zeros_like(w), "vhat": np.zeros_like(w)}

    def step(w, g, s, t, lr):
        alpha = lr * math.sqrt(1 - beta_2**t) / (1 - beta_1**t)
        s["m"] = s["m"] + (g - s["m"]) * (1 - beta_1)
        s["v"] = s["v"] + (g * g - s["v"]) * (1 - beta_2)
        v = s["v"]
        if amsgrad:
            s["vhat"] = np.maximum(s["vhat"], s["v"])
            v = s["vhat"]
        return w - s["m"] * alpha / (np.sqrt(v) + epsilon)

    return init, step


def ref_rmsprop(learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False):
    def init(w):
        return {"vel": np.zeros_like(w), "mom": np.zeros_like(w), "avg": np.zeros_like(w)}

    def step(w, g, s, t, lr):
        s["vel"] = rho * s["vel"] + (1 - rho) * g * g
        if centered:
            s["avg"] = rho * s["avg"] + (1 - rho) * g
            denominator = s["vel"] - s["avg"] ** 2 + epsilon
        else:
            denominator = s["vel"] + epsilon
        increment = lr * g / np.sqrt(denominator)
        if momentum > 0:
            s["mom"] = momentum * s["mom"] + increment
            return w - s["mom"]
        return w - increment

    return init, step


def ref_adagrad(learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7):
    def init(w):
        return {"acc": np.full_like(w, initial_accumulator_value)}

    def step(w, g, s, t, lr):
        s["acc"] = s["acc"] + g * g
        return w - lr * g / np.sqrt(s["acc"] + epsilon)

    return init, step


def ref_adadelta(learning_rate=0.001, rho=0.95, epsilon=1e-7):
    def init(w):
        return {"ag": np.zeros_like(w), "ad": np.zeros_like(w)}

    def step(w, g, s, t, lr):
        s["ag"] = rho * s["ag"] + (1 - rho) * g * g
        delta = -np.sqrt(s["ad"] + epsilon) * g / np.sqrt(s["ag"] + epsilon)
        s["ad"] = rho * s["ad"] + (1 - rho) * delta * delta
        return w + lr * delta

    return init, step


def ref_adamax(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    def init(w):
        return {"m": np.zeros_like(w), "u": np.zeros_like(w)}

    def step(w, g, s, t, lr):
        s["m"] = s["m"] + (g - s["m"]) * (1 - beta_1)
        s["u"] = np.maximum(beta_2 * s["u"], np.abs(g))
        return w - lr * s["m"] / ((1 - beta_1**t) * (s["u"] + epsilon))

    return init, step


def ref_nadam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    # u_product is shared by all variables: advanced once per step, before the first variable.
    shared = {"u_product": 1.0, "t": 0}

    def init(w):
        return {"m": np.zeros_like(w), "v": np.zeros_like(w)}

    def step(w, g, s, t, lr):
        u_t = beta_1 * (1 - 0.5 * 0.96**t)
        u_t1 = beta_1 * (1 - 0.5 * 0.96 ** (t + 1))
        if shared["t"] != t:
            shared["u_product"] *= u_t
            shared["t"] = t
        u_product = shared["u_product"]
        s["m"] = s["m"] + (g - s["m"]) * (1 - beta_1)
        s["v"] = s["v"] + (g * g - s["v"]) * (1 - beta_2)
        m_hat = u_t1 * s["m"] / (1 - u_product * u_t1) + (1 - u_t) * g / (1 - u_product)
        v_hat = s["v"] / (1 - beta_2**t)
        return w - m_hat * lr / (np.sqrt(v_hat) + epsilon)

    return init, step


def ref_lion(learning_rate=0.001, beta_1=0.9, beta_2=0.99):
    def init(w):
        return {"m": np.zeros_like(w)}

    def step(w, g, s, t, lr):
        w = w - lr * np.sign(s["m"] * beta_1 + g * (1 - beta_1))
        s["m"] = s["m"] * beta_2 + g * (1 - beta_2)
        return w

    return init, step


def ref_ftrl(learning_rate=0.001, learning_rate_power=-0.5, initial_accumulator_value=0.1,
             l1_regularization_strength=0.0, l2_regularization_strength=0.0,
             l2_shrinkage_regularization_strength=0.0, beta=0.0):
    def init(w):
        return {"n": np.full_like(w, initial_accumulator_value), "z": np.zeros_like(w)}

    def step(w, g, s, t, lr):
        p = -learning_rate_power
        l2 = l2_regularization_strength + beta / (2 * lr)
        g_shrunk = g + 2 * l2_shrinkage_regularization_strength * w
        new_n = s["n"] + g * g
        s["z"] = s["z"] + g_shrunk - (new_n**p - s["n"] ** p) / lr * w
        quadratic = new_n**p / lr + 2 * l2
        l1 = l1_regularization_strength
        s["n"] = new_n
        return (np.clip(s["z"], -l1, l1) - s["z"]) / quadratic

    return init, step


def ref_adafactor(learning_rate=0.001, beta_2_decay=-0.8, epsilon_1=1e-30, epsilon_2=1e-3,
                  clip_threshold=1.0, relative_step=True):
    def rms(x):
        return np.sqrt(np.mean(np.square(x)))

    def init(w):
        if w.ndim < 2:
            return {"v": np.zeros_like(w)}
        return {"r": np.zeros(w.shape[:-1]), "c": np.zeros(w.shape[:-2] + w.shape[-1:]),
                "v": np.zeros_like(w)}

    def step(w, g, s, t, lr):
        if relative_step:  # only called here with a constant learning rate
            lr = min(lr, 1 / math.sqrt(t))
        rho_t = min(lr, 1 / math.sqrt(t))
        alpha_t = max(epsilon_2, rms(w)) * rho_t
        g2 = g * g + epsilon_1
        b = 1 - t**beta_2_decay
        if w.ndim >= 2:
            s["r"] = b * s["r"] + (1 - b) * g2.mean(axis=-1)
            s["c"] = b * s["c"] + (1 - b) * g2.mean(axis=-2)
            row = s["r"] / s["r"].mean(axis=-1, keepdims=True)
            s["v"] = row[..., :, None] * s["c"][..., None, :]
        else:
            s["v"] = b * s["v"] + (1 - b) * g2
        u = g / np.sqrt(s["v"])
        u_hat = u / max(1.0, rms(u) / clip_threshold)
        return w - alpha_t * u_hat

    return init, step


# (test id, class, constructor kwargs, reference factory); hyper-parameters off their defaults
# where that makes the check stronger.
CASES = [
    ("sgd", optimizers.SGD, {"learning_rate": 0.1}, ref_sgd),
    ("sgd_momentum", optimizers.SGD, {"learning_rate": 0.1, "momentum": 0.9}, ref_sgd),
    ("sgd_nesterov", optimizers.SGD,
     {"learning_rate": 0.1, "momentum": 0.8, "nesterov": True}, ref_sgd),
    ("adam", optimizers.Adam, {"learning_rate": 0.05, "beta_1": 0.8, "beta_2": 0.95}, ref_adam),
    ("adam_amsgrad", optimizers.Adam,
     {"learning_rate": 0.05, "beta_2": 0.9, "amsgrad": True}, ref_adam),
    ("adamw", optimizers.AdamW, {"learning_rate": 0.05}, ref_adam),
    ("adamw_amsgrad", optimizers.AdamW,
     {"learning_rate": 0.05, "beta_2": 0.9, "amsgrad": True}, ref_adam),
    ("rmsprop", optimizers.RMSprop, {"learning_rate": 0.01, "rho": 0.8}, ref_rmsprop),
    ("rmsprop_momentum", optimizers.RMSprop,
     {"learning_rate": 0.01, "momentum": 0.7}, ref_rmsprop),
    ("rmsprop_centered", optimizers.RMSprop,
     {"learning_rate": 0.01, "centered": True}, ref_rmsprop),
    ("rmsprop_centered_momentum", optimizers.RMSprop,
     {"learning_rate": 0.01, "momentum": 0.5, "centered": True, "epsilon": 1e-3}, ref_rmsprop),
    ("adagrad", optimizers.Adagrad, {"learning_rate": 0.1}, ref_adagrad),
    ("adagrad_init", optimizers.Adagrad,
     {"learning_rate": 0.1, "initial_accumulator_value": 0.5, "epsilon": 1e-3}, ref_adagrad),
    ("adadelta", optimizers.Adadelta, {"learning_rate": 1.0, "rho": 0.9}, ref_adadelta),
    ("adamax", optimizers.Adamax, {"learning_rate": 0.05, "beta_1": 0.8}, ref_adamax),
    ("nadam", optimizers.Nadam, {"learning_rate": 0.05, "beta_2": 0.99}, ref_nadam),
    ("lion", optimizers.Lion, {"learning_rate": 0.01, "beta_1": 0.8}, ref_lion),
    ("ftrl", optimizers.Ftrl, {"learning_rate": 0.1}, ref_ftrl),
    ("ftrl_regularized", optimizers.Ftrl,
     {"learning_rate": 0.1, "l1_regularization_strength": 0.05,
      "l2_regularization_strength": 0.1, "l2_shrinkage_regularization_strength": 0.02,
      "beta": 0.3, "initial_accumulator_value": 0.2}, ref_ftrl),
    ("ftrl_power", optimizers.Ftrl,
     {"learning_rate": 0.1, "learning_rate_power": -0.3, "l1_regularization_strength": 0.01},
     ref_ftrl),
    ("ftrl_fixed_rate", optimizers.Ftrl,
     {"learning_rate": 0.1, "learning_rate_power": 0.0}, ref_ftrl),
    ("adafactor", optimizers.Adafactor, {"learning_rate": 0.6}, ref_adafactor),
    ("adafactor_clipped", optimizers.Adafactor,
     {"learning_rate": 0.05, "clip_threshold": 0.5, "beta_2_decay": -0.5, "epsilon_2": 0.5},
     ref_adafactor),
]
CASE_IDS = [c[0] for c in CASES]
CASE_BY_ID = {c[0]: c for c in CASES}
SHAPES = [(3, 4), (4,), (2, 3, 4)]
STEPS = 5


def make_data(steps=STEPS, shapes=SHAPES, seed=0):
    rng = np.random.default_rng(seed)
    init = [rng.normal(size=s) for s in shapes]
    grads = [[rng.normal(size=s) for s in shapes] for _ in range(steps)]
    return init, grads


def clip_grads(grads, clipnorm=None, clipvalue=None, global_clipnorm=None):
    if clipnorm is not None:
        return [g * clipnorm / max(np.sqrt(np.sum(g * g)), clipnorm) for g in grads]
    if global_clipnorm is not None:
        total = np.sqrt(sum(np.sum(g * g) for g in grads))
        return [g * global_clipnorm / max(total, global_clipnorm) for g in grads]
    if clipvalue is not None:
        return [np.clip(g, -clipvalue, clipvalue) for g in grads]
    return grads


def reference_run(factory, kwargs, init, grads_seq, lr_at=None, decayed=None, use_ema=False,
                  ema_momentum=0.99, ema_overwrite_frequency=None,
                  gradient_accumulation_steps=None, **clip):
    """Keras's BaseOptimizer.apply around one optimizer's `update_step`, in float64."""
    kwargs = dict(kwargs)
    weight_decay = kwargs.get("weight_decay")
    hyper = {k: v for k, v in kwargs.items() if k != "weight_decay"}
    init_state, step = factory(**hyper)
    ws = [w.copy() for w in init]
    states = [init_state(w) for w in ws]
    averages = [np.zeros_like(w) for w in ws]
    accumulators = [np.zeros_like(w) for w in ws]
    decayed = decayed or [True] * len(ws)
    base_lr = kwargs.get("learning_rate", 0.001)
    lr_at = lr_at or (lambda step_index: base_lr)
    t = 0
    for micro, grads in enumerate(grads_seq, start=1):
        if gradient_accumulation_steps:
            if micro % gradient_accumulation_steps:
                accumulators = [a + g for a, g in zip(accumulators, grads)]
                continue
            grads = [(g + a) / gradient_accumulation_steps for g, a in zip(grads, accumulators)]
            accumulators = [np.zeros_like(a) for a in accumulators]
        grads = clip_grads(grads, **clip)
        lr = float(np.float32(lr_at(t)))  # Keras holds the learning rate in float32
        for i, g in enumerate(grads):
            if weight_decay and decayed[i]:
                ws[i] = ws[i] - ws[i] * weight_decay * lr
            ws[i] = step(ws[i], g, states[i], t + 1, lr)
        if use_ema:
            momentum = ema_momentum if t != 0 else 0.0  # the first step copies the variables
            averages = [momentum * a + (1 - momentum) * w for a, w in zip(averages, ws)]
            if ema_overwrite_frequency and (t + 1) % ema_overwrite_frequency == 0:
                ws = [a.copy() for a in averages]
        t += 1
    return ws, averages


def run(opt, init, grads_seq, dtype="float32", names=None):
    names = names or [f"v{i}" for i in range(len(init))]
    variables = [keras.Variable(w.astype(dtype), name=n) for w, n in zip(init, names)]
    for grads in grads_seq:
        opt.apply([ops.convert_to_tensor(g.astype(dtype)) for g in grads], variables)
    return variables


def assert_close(variables, expected, dtype="float32"):
    rtol, atol = (1e-5, 1e-6) if dtype == "float32" else (1e-10, 1e-12)
    for v, e in zip(variables, expected):
        assert v.dtype == dtype
        np.testing.assert_allclose(v.numpy(), e, rtol=rtol, atol=atol, err_msg=v.path)


# ---- the update formulas -------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("weight_decay", [None, 0.1])
@pytest.mark.parametrize("case_id", CASE_IDS)
def test_update_matches_keras_formula(case_id, weight_decay, dtype):
    _, cls, kwargs, factory = CASE_BY_ID[case_id]
    kwargs = dict(kwargs)
    if weight_decay is not None:
        kwargs["weight_decay"] = weight_decay
    opt = cls(**kwargs)
    if cls is optimizers.AdamW and weight_decay is None:
        kwargs["weight_decay"] = 0.004  # the default AdamW was built with: it always decays
    init, grads = make_data()
    expected, _ = reference_run(factory, kwargs, init, grads)
    variables = run(opt, init, grads, dtype)
    assert_close(variables, expected, dtype)
    assert int(opt.iterations) == STEPS


def test_defaults_match_keras():
    # The defaults are the ones Keras 3 documents for each class.
    expected = {
        optimizers.AdamW: {"learning_rate": 0.001, "weight_decay": 0.004, "beta_1": 0.9,
                           "beta_2": 0.999, "epsilon": 1e-7, "amsgrad": False},
        optimizers.RMSprop: {"learning_rate": 0.001, "rho": 0.9, "momentum": 0.0,
                             "epsilon": 1e-7, "centered": False},
        optimizers.Adagrad: {"learning_rate": 0.001, "initial_accumulator_value": 0.1,
                             "epsilon": 1e-7},
        optimizers.Adadelta: {"learning_rate": 0.001, "rho": 0.95, "epsilon": 1e-7},
        optimizers.Adamax: {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999,
                            "epsilon": 1e-7},
        optimizers.Nadam: {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999,
                           "epsilon": 1e-7},
        optimizers.Lion: {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.99},
        optimizers.Ftrl: {"learning_rate": 0.001, "learning_rate_power": -0.5,
                          "initial_accumulator_value": 0.1, "l1_regularization_strength": 0.0,
                          "l2_regularization_strength": 0.0,
                          "l2_shrinkage_regularization_strength": 0.0, "beta": 0.0},
        optimizers.Adafactor: {"learning_rate": 0.001, "beta_2_decay": -0.8, "epsilon_1": 1e-30,
                               "epsilon_2": 1e-3, "clip_threshold": 1.0,
                               "relative_step": True},
    }
    for cls, defaults in expected.items():
        config = cls().get_config()
        for key, value in defaults.items():
            assert config[key] == pytest.approx(value), (cls.__name__, key)


def test_default_names():
    names = {optimizers.AdamW: "adamw", optimizers.RMSprop: "rmsprop",
             optimizers.Adadelta: "adadelta",
             optimizers.Adamax: "adamax", optimizers.Nadam: "nadam", optimizers.Lion: "lion",
             optimizers.Ftrl: "ftrl", optimizers.Adafactor: "adafactor"}
    for cls, name in names.items():
        assert cls().name == name
    # Adagrad's name is automatic (None in its signature), so it is made unique.
    first, second = optimizers.Adagrad().name, optimizers.Adagrad().name
    assert re.fullmatch(r"adagrad(_\d+)?", first) and re.fullmatch(r"adagrad_\d+", second)
    assert first != second


def test_adagrad_accumulator_starts_at_initial_value():
    opt = optimizers.Adagrad(initial_accumulator_value=0.25)
    v = keras.Variable(np.ones((2, 3), "float32"), name="w")
    opt.build([v])
    opt._slot_index = {id(v): 0}
    np.testing.assert_array_equal(opt._accumulators[0].numpy(), np.full((2, 3), 0.25))


def test_nadam_u_product_state():
    init, grads = make_data(steps=4)
    opt = optimizers.Nadam(learning_rate=0.05)
    run(opt, init, grads)
    expected = math.prod(0.9 * (1 - 0.5 * 0.96**t) for t in range(1, 5))
    u_product = [v for v in opt.variables if v.name == "u_product"]
    assert len(u_product) == 1 and u_product[0].shape == ()
    np.testing.assert_allclose(u_product[0].numpy(), expected, rtol=1e-6)


def test_nadam_continues_from_restored_state():
    # u_product is optimizer state (as in Keras): restoring it with the iteration counter
    # continues the momentum schedule from there, computed on the device from `iterations`.
    init, grads = make_data(steps=1)
    opt = optimizers.Nadam(learning_rate=0.05)
    variables = run(opt, init, grads)
    opt.iterations.assign(6)
    opt._u_product.assign(math.prod(0.9 * (1 - 0.5 * 0.96**t) for t in range(1, 7)))
    opt.apply([ops.convert_to_tensor(g.astype("float32")) for g in grads[0]], variables)
    expected = math.prod(0.9 * (1 - 0.5 * 0.96**t) for t in range(1, 8))
    np.testing.assert_allclose(opt._u_product.numpy(), expected, rtol=1e-6)


def test_gradient_dtype_is_cast_in_python_updates():
    # Ftrl and Adafactor (no fused kernel) accept float64 gradients for float32 variables.
    init, grads = make_data(steps=2)
    for case_id in ("ftrl_regularized", "adafactor"):
        _, cls, kwargs, factory = CASE_BY_ID[case_id]
        expected, _ = reference_run(factory, kwargs, init, grads)
        variables = [keras.Variable(w.astype("float32"), name=f"v{i}")
                     for i, w in enumerate(init)]
        opt = cls(**kwargs)
        for gs in grads:
            opt.apply([ops.convert_to_tensor(g) for g in gs], variables)
        assert_close(variables, expected)


# ---- base-class features, checked on several optimizers -----------------------------------

FEATURE_CASES = ["sgd_momentum", "adam", "rmsprop_centered", "nadam", "ftrl_regularized",
                 "adafactor"]


@pytest.mark.parametrize("case_id", FEATURE_CASES)
@pytest.mark.parametrize("clip", [{"clipnorm": 1.5}, {"clipvalue": 0.7},
                                  {"global_clipnorm": 2.0}], ids=lambda c: next(iter(c)))
def test_gradient_clipping(case_id, clip):
    _, cls, kwargs, factory = CASE_BY_ID[case_id]
    init, grads = make_data()
    grads = [[g * 2 for g in gs] for gs in grads]  # most norms above the thresholds
    grads[1][1] = grads[1][1] * 0.01  # one gradient under them: left alone
    expected, _ = reference_run(factory, kwargs, init, grads, **clip)
    unclipped, _ = reference_run(factory, kwargs, init, grads)
    assert not np.allclose(expected[0], unclipped[0])  # the clipping matters here
    assert_close(run(cls(**kwargs, **clip), init, grads), expected)


def test_clip_options_are_exclusive():
    with pytest.raises(ValueError, match="Only one of `clipnorm`, `clipvalue` and "
                                         "`global_clipnorm` can be set"):
        optimizers.RMSprop(clipnorm=1.0, clipvalue=1.0)
    with pytest.raises(ValueError, match="Only one of"):
        optimizers.Adafactor(clipnorm=1.0, global_clipnorm=1.0)
    with pytest.raises(ValueError, match="Only one of"):
        optimizers.Lion(clipvalue=1.0, global_clipnorm=1.0)


@pytest.mark.parametrize("case_id", ["sgd", "adam", "lion", "adafactor", "ftrl"])
def test_exclude_from_weight_decay(case_id):
    _, cls, kwargs, factory = CASE_BY_ID[case_id]
    kwargs = {**kwargs, "weight_decay": 0.2}
    init, grads = make_data()
    names = ["kernel", "bias", "other_kernel"]
    expected, _ = reference_run(factory, kwargs, init, grads, decayed=[True, False, False])

    opt = cls(**kwargs)
    variables = [keras.Variable(w.astype("float32"), name=n) for w, n in zip(init, names)]
    opt.exclude_from_weight_decay(var_list=[variables[2]], var_names=["bias"])
    for gs in grads:
        opt.apply([ops.convert_to_tensor(g.astype("float32")) for g in gs], variables)
    assert_close(variables, expected)


@pytest.mark.parametrize("case_id", ["sgd_momentum", "adam", "adamax", "nadam", "adafactor"])
def test_learning_rate_schedule(case_id):
    _, cls, kwargs, factory = CASE_BY_ID[case_id]
    base = kwargs["learning_rate"]
    schedule = schedules.ExponentialDecay(base, decay_steps=2, decay_rate=0.5)
    kwargs = {**kwargs, "learning_rate": schedule, "weight_decay": 0.05}
    init, grads = make_data()
    expected, _ = reference_run(factory, {**kwargs, "learning_rate": base}, init, grads,
                                lr_at=lambda step: base * 0.5 ** (step / 2))
    opt = cls(**kwargs)
    assert_close(run(opt, init, grads), expected)
    # The step's learning rate follows the schedule at the current iteration.
    np.testing.assert_allclose(float(opt.learning_rate), base * 0.5 ** (STEPS / 2), rtol=1e-6)
    restored = cls.from_config(opt.get_config())
    assert isinstance(restored._learning_rate, schedules.ExponentialDecay)
    assert restored.get_config() == opt.get_config()


@pytest.mark.parametrize("case_id", ["sgd", "rmsprop", "adagrad", "ftrl"])
def test_learning_rate_callable(case_id):
    _, cls, kwargs, factory = CASE_BY_ID[case_id]
    rates = [0.1, 0.05, 0.2, 0.01, 0.03]
    holder = {"lr": rates[0]}
    init, grads = make_data()
    expected, _ = reference_run(factory, kwargs, init, grads, lr_at=lambda step: rates[step])
    opt = cls(**{**kwargs, "learning_rate": lambda: holder["lr"]})
    variables = [keras.Variable(w.astype("float32"), name=f"v{i}") for i, w in enumerate(init)]
    for step, gs in enumerate(grads):
        holder["lr"] = rates[step]
        opt.apply([ops.convert_to_tensor(g.astype("float32")) for g in gs], variables)
    assert_close(variables, expected)


def test_learning_rate_setter():
    opt = optimizers.RMSprop(learning_rate=0.1)
    opt.learning_rate = 0.25
    np.testing.assert_allclose(float(opt.learning_rate), 0.25)
    assert opt.get_config()["learning_rate"] == pytest.approx(0.25)


# Keras's first EMA step copies the variables (momentum 0 while `iterations == 0`).


@pytest.mark.parametrize("case_id", ["sgd_momentum", "adam", "lion", "ftrl"])
def test_ema_with_overwrite(case_id):
    _, cls, kwargs, factory = CASE_BY_ID[case_id]
    init, grads = make_data(steps=7)
    ema = {"use_ema": True, "ema_momentum": 0.8, "ema_overwrite_frequency": 3}
    expected, averages = reference_run(factory, kwargs, init, grads, **ema)
    opt = cls(**kwargs, **ema)
    variables = run(opt, init, grads)
    assert_close(variables, expected)
    assert_close(opt._model_variables_moving_average, averages)


def test_ema_finalize_variable_values():
    _, cls, kwargs, factory = CASE_BY_ID["adamax"]
    init, grads = make_data()
    ema = {"use_ema": True, "ema_momentum": 0.9}
    expected, averages = reference_run(factory, kwargs, init, grads, **ema)
    opt = cls(**kwargs, **ema)
    variables = run(opt, init, grads)
    assert_close(variables, expected)
    opt.finalize_variable_values(variables)
    assert_close(variables, averages)


@pytest.mark.parametrize("case_id", ["sgd_momentum", "adam", "nadam", "adagrad", "adafactor"])
def test_gradient_accumulation(case_id):
    _, cls, kwargs, factory = CASE_BY_ID[case_id]
    init, grads = make_data(steps=9)
    expected, _ = reference_run(factory, kwargs, init, grads, gradient_accumulation_steps=3)
    opt = cls(**kwargs, gradient_accumulation_steps=3)
    variables = run(opt, init, grads[:2])
    assert_close(variables, init)  # nothing applied before the third micro-step
    for gs in grads[2:]:
        opt.apply([ops.convert_to_tensor(g.astype("float32")) for g in gs], variables)
    assert_close(variables, expected)
    assert int(opt.iterations) == 3  # Keras counts completed updates


def test_gradient_accumulation_steps_validation():
    with pytest.raises(ValueError, match="`gradient_accumulation_steps` must be an integer >= 2"):
        optimizers.Nadam(gradient_accumulation_steps=1)


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_iterations_counter(case_id):
    _, cls, kwargs, _ = CASE_BY_ID[case_id]
    opt = cls(**kwargs)
    assert int(opt.iterations) == 0
    init, grads = make_data(steps=3)
    run(opt, init, grads)
    assert int(opt.iterations) == 3
    assert opt.iterations.path == f"{opt.name}/iteration"


# ---- variable names and order (the order of `optimizer/vars/<i>` in saved files) -----------


def slot_paths(opt, layer_name="dense"):
    layer = keras.layers.Dense(2, name=layer_name)
    layer.build((None, 3))
    opt.apply([ops.ones_like(v.value) for v in layer.trainable_variables],
              layer.trainable_variables)
    return [v.path for v in opt.variables]


def per_variable(name, *slots, interleave=True):
    """Keras's add_optimizer_variables order for kernel and bias of layer `dense`."""
    refs = ["dense_kernel", "dense_bias"]
    if interleave:
        return [f"{name}/{r}_{s}" for r in refs for s in slots]
    return [f"{name}/{r}_{s}" for s in slots for r in refs]


@pytest.mark.parametrize("make, slots", [
    (lambda: optimizers.SGD(momentum=0.9, name="sgd"), per_variable("sgd", "momentum")),
    (lambda: optimizers.Adam(amsgrad=True),
     per_variable("adam", "momentum", "velocity") + per_variable("adam", "velocity_hat")),
    (lambda: optimizers.AdamW(), per_variable("adamw", "momentum", "velocity")),
    (lambda: optimizers.RMSprop(),
     per_variable("rmsprop", "velocity")),
    (lambda: optimizers.RMSprop(momentum=0.5, centered=True),
     per_variable("rmsprop", "velocity", "momentum", "average_gradient", interleave=False)),
    (lambda: optimizers.Adagrad(name="adagrad"), per_variable("adagrad", "accumulator")),
    (lambda: optimizers.Adadelta(),
     per_variable("adadelta", "accumulated_grad", "accumulated_delta_var", interleave=False)),
    (lambda: optimizers.Adamax(), per_variable("adamax", "momentum", "norm")),
    (lambda: optimizers.Nadam(),
     per_variable("nadam", "momentum", "velocity", interleave=False) + ["nadam/u_product"]),
    (lambda: optimizers.Lion(), per_variable("lion", "momentum")),
    (lambda: optimizers.Ftrl(), per_variable("ftrl", "accumulator", "linear")),
    # Adafactor names its factored (or placeholder) r and c after the variable itself.
    (lambda: optimizers.Adafactor(),
     ["adafactor/kernel", "adafactor/kernel", "adafactor/dense_kernel_velocity",
      "adafactor/bias", "adafactor/bias", "adafactor/dense_bias_velocity"]),
], ids=["sgd", "adam", "adamw", "rmsprop", "rmsprop_full", "adagrad", "adadelta", "adamax",
        "nadam", "lion", "ftrl", "adafactor"])
def test_variable_names_and_order(make, slots):
    opt = make()
    assert slot_paths(opt) == [f"{opt.name}/iteration", f"{opt.name}/learning_rate", *slots]


def test_adafactor_factored_shapes():
    opt = optimizers.Adafactor()
    layer = keras.layers.Dense(2, name="dense")
    layer.build((None, 3))
    paths = slot_paths(opt)
    shapes = [tuple(v.shape) for v in opt.variables]
    assert list(zip(paths, shapes))[2:] == [
        ("adafactor/kernel", (3,)), ("adafactor/kernel", (2,)),
        ("adafactor/dense_kernel_velocity", (3, 2)),
        ("adafactor/bias", ()), ("adafactor/bias", ()), ("adafactor/dense_bias_velocity", (2,))]


def test_ema_and_accumulator_slot_names():
    opt = optimizers.Lion(use_ema=True, gradient_accumulation_steps=2)
    paths = slot_paths(opt)
    assert paths[2:] == (per_variable("lion", "average", interleave=False)
                         + per_variable("lion", "gradient_accumulator", interleave=False)
                         + per_variable("lion", "momentum"))


# ---- configuration -------------------------------------------------------------------------

BASE_KEYS = {"name", "learning_rate", "weight_decay", "clipnorm", "global_clipnorm",
             "clipvalue", "use_ema", "ema_momentum", "ema_overwrite_frequency",
             "loss_scale_factor", "gradient_accumulation_steps"}
OWN_KEYS = {
    optimizers.SGD: {"momentum", "nesterov"},
    optimizers.Adam: {"beta_1", "beta_2", "epsilon", "amsgrad"},
    optimizers.AdamW: {"beta_1", "beta_2", "epsilon", "amsgrad"},
    optimizers.RMSprop: {"rho", "momentum", "epsilon", "centered"},
    optimizers.Adagrad: {"initial_accumulator_value", "epsilon"},
    optimizers.Adadelta: {"rho", "epsilon"},
    optimizers.Adamax: {"beta_1", "beta_2", "epsilon"},
    optimizers.Nadam: {"beta_1", "beta_2", "epsilon"},
    optimizers.Lion: {"beta_1", "beta_2"},
    optimizers.Ftrl: {"learning_rate_power", "initial_accumulator_value",
                      "l1_regularization_strength", "l2_regularization_strength",
                      "l2_shrinkage_regularization_strength", "beta"},
    optimizers.Adafactor: {"beta_2_decay", "epsilon_1", "epsilon_2", "clip_threshold",
                           "relative_step"},
}


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_config_keys_and_round_trip(case_id):
    _, cls, kwargs, _ = CASE_BY_ID[case_id]
    opt = cls(**kwargs, clipnorm=2.0, use_ema=True, ema_overwrite_frequency=5,
              loss_scale_factor=4.0, gradient_accumulation_steps=2)
    config = opt.get_config()
    assert set(config) == BASE_KEYS | OWN_KEYS[cls]
    for key, value in kwargs.items():
        assert config[key] == pytest.approx(value), key
    assert config["clipnorm"] == 2.0 and config["ema_overwrite_frequency"] == 5
    restored = cls.from_config(config)
    assert type(restored) is cls
    assert restored.get_config() == config
    # serialize / deserialize and get() with a config dict resolve the same class.
    again = optimizers.deserialize(optimizers.serialize(opt))
    assert type(again) is cls and again.get_config() == config
    assert optimizers.serialize(opt)["class_name"] == cls.__name__
    from_dict = optimizers.get({"class_name": cls.__name__.lower(), "config": config})
    assert type(from_dict) is cls and from_dict.get_config() == config


@pytest.mark.parametrize("identifier, cls", [
    ("sgd", optimizers.SGD), ("SGD", optimizers.SGD), ("adam", optimizers.Adam),
    ("Adam", optimizers.Adam), ("adamw", optimizers.AdamW), ("AdamW", optimizers.AdamW),
    ("rmsprop", optimizers.RMSprop), ("RMSprop", optimizers.RMSprop),
    ("RMSProp", optimizers.RMSprop), ("adagrad", optimizers.Adagrad),
    ("Adagrad", optimizers.Adagrad), ("adadelta", optimizers.Adadelta),
    ("Adadelta", optimizers.Adadelta), ("adamax", optimizers.Adamax),
    ("Adamax", optimizers.Adamax), ("nadam", optimizers.Nadam), ("Nadam", optimizers.Nadam),
    ("lion", optimizers.Lion), ("Lion", optimizers.Lion), ("ftrl", optimizers.Ftrl),
    ("Ftrl", optimizers.Ftrl), ("adafactor", optimizers.Adafactor),
    ("Adafactor", optimizers.Adafactor),
])
def test_get_by_name(identifier, cls):
    opt = optimizers.get(identifier)
    assert type(opt) is cls
    assert optimizers.get(opt) is opt


def test_get_unknown_name():
    with pytest.raises(ValueError, match="Could not interpret optimizer identifier: nope"):
        optimizers.get("nope")


def test_compile_default_optimizer_is_rmsprop():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(loss="mse")
    assert isinstance(model.optimizer, optimizers.RMSprop)
    x = np.random.default_rng(1).normal(size=(8, 3)).astype("float32")
    before = model.get_weights()[0].copy()
    model.train_on_batch(x, x[:, :1])
    assert not np.allclose(model.get_weights()[0], before)


# ---- argument validation -------------------------------------------------------------------


def test_adamw_needs_weight_decay():
    with pytest.raises(ValueError, match="Argument `weight_decay` must be a float. "
                                         "Received: weight_decay=None"):
        optimizers.AdamW(weight_decay=None)


@pytest.mark.parametrize("beta_1", [0.0, -0.5, 1.5])
def test_lion_beta_1_range(beta_1):
    with pytest.raises(ValueError, match=f"Received: beta_1={beta_1}"):
        optimizers.Lion(beta_1=beta_1)


@pytest.mark.parametrize("arg, value, message", [
    ("initial_accumulator_value", -0.1, "needs to be positive or zero"),
    ("learning_rate_power", 0.5, "needs to be negative or zero"),
    ("l1_regularization_strength", -1.0, "needs to be positive or zero"),
    ("l2_regularization_strength", -1.0, "needs to be positive or zero"),
    ("l2_shrinkage_regularization_strength", -1.0, "needs to be positive or zero"),
])
def test_ftrl_argument_validation(arg, value, message):
    with pytest.raises(ValueError, match=f"`{arg}` {message}. Received: {arg}={value}"):
        optimizers.Ftrl(**{arg: value})


def test_unknown_argument():
    with pytest.raises(ValueError, match="Argument\\(s\\) not recognized"):
        optimizers.Adamax(beta3=0.1)


@pytest.mark.parametrize("name", ["sgd", "adam", "rmsprop", "adagrad"])
def test_strided_gradient_updates_like_a_contiguous_one(name):
    # The gradient of a view (a grouped conv kernel, a transposed weight) arrives strided;
    # the fused update stages a contiguous copy instead of refusing it.
    from keras_like.backend.engine import _engine as engine

    base = np.random.default_rng(0).normal(size=(4, 3)).astype("float32")
    grad = np.random.default_rng(1).normal(size=(3, 4)).astype("float32")
    results = []
    for strided in (False, True):
        variable = keras.Variable(base.copy())
        optimizer = keras.optimizers.get(name)
        g = ops.convert_to_tensor(grad)
        g = engine.transpose(g, [1, 0]) if strided else ops.convert_to_tensor(grad.T.copy())
        assert g.is_contiguous is (not strided)
        optimizer.apply([g], [variable])
        optimizer.apply([g], [variable])
        results.append(variable.numpy())
    np.testing.assert_array_equal(results[0], results[1])
