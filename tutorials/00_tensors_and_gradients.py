"""Tutorial 00: tensors, ops, GradientTape, and two models fit by hand.

Runs offline in a few seconds:  python tutorials/00_tensors_and_gradients.py
"""

import numpy as np

import keras_like as keras
from keras_like import ops

# --- 1. Tensors ---------------------------------------------------------------------------
# NumPy arrays are wrapped without a copy; Python lists get Keras's default dtypes.
a = ops.convert_to_tensor(np.arange(6, dtype="float32").reshape(2, 3))
b = ops.convert_to_tensor([[1.0], [2.0]])
print("a =", a)
print("a.shape", a.shape, "a.dtype", a.dtype)
print("broadcast a * b =", (a * b).numpy().tolist())
print("a[:, 1:] =", a[:, 1:].numpy().tolist(), "(a view, no copy)")
print("a @ a.T =", (a @ a.T).numpy().tolist())
# Python scalars are weakly typed: a float16 tensor times 2.0 stays float16.
print("float16 * 2.0 ->", (ops.ones((2,), "float16") * 2.0).dtype)

# --- 2. Gradients -------------------------------------------------------------------------
x = ops.convert_to_tensor(2.0)
with keras.GradientTape() as outer:
    outer.watch(x)
    with keras.GradientTape() as inner:
        inner.watch(x)
        y = x**3
    dy_dx = inner.gradient(y, x)  # 3 x^2 = 12
d2y_dx2 = outer.gradient(dy_dx, x)  # 6 x = 12
print(f"y = x^3 at 2: dy/dx = {float(dy_dx)}, d2y/dx2 = {float(d2y_dx2)}")

# --- 3. Linear regression fit by gradient descent -----------------------------------------
rng = np.random.default_rng(0)
features = rng.normal(size=(512, 3)).astype("float32")
true_w = np.array([[1.5], [-2.0], [0.5]], "float32")
targets = features @ true_w + 0.3
w = keras.Variable(np.zeros((3, 1), "float32"), name="w")
bias = keras.Variable(np.zeros((1,), "float32"), name="b")
for _ in range(200):
    with keras.GradientTape() as tape:
        loss = ops.mean(ops.square(ops.matmul(features, w) + bias - targets))
    grad_w, grad_b = tape.gradient(loss, [w, bias])
    w.assign_sub(0.1 * grad_w)
    bias.assign_sub(0.1 * grad_b)
print(f"linear regression: loss {float(loss):.2e}, w {w.numpy().ravel().round(3)}")
assert float(loss) < 1e-4

# --- 4. Logistic regression on two Gaussian blobs -----------------------------------------
n = 400
labels = (rng.random(n) > 0.5).astype("float32")
points = rng.normal(size=(n, 2)).astype("float32") + labels[:, None] * 2.5
w2 = keras.Variable(np.zeros((2, 1), "float32"), name="w2")
b2 = keras.Variable(np.zeros((1,), "float32"), name="b2")
y_true = labels[:, None]
for _ in range(300):
    with keras.GradientTape() as tape:
        logits = ops.matmul(points, w2) + b2
        # Numerically stable binary cross-entropy from logits.
        loss = ops.mean(
            ops.maximum(logits, 0.0) - logits * y_true + ops.log1p(ops.exp(-ops.abs(logits)))
        )
    gw, gb = tape.gradient(loss, [w2, b2])
    w2.assign_sub(0.5 * gw)
    b2.assign_sub(0.5 * gb)
accuracy = float(ops.mean(ops.cast((ops.matmul(points, w2) + b2 > 0) == (y_true > 0.5), "float32")))
print(f"logistic regression: loss {float(loss):.3f}, accuracy {accuracy:.3f}")
assert accuracy > 0.9
