"""Tutorial 08: forecasting a time series with a GRU, checked against naive baselines.

A forecast is only worth something if it beats the simple rules that cost nothing: "the next
hour will be like this hour" (the *naive* forecast) and, for a series with a daily cycle,
"the next hour will be like the same hour yesterday" (the *seasonal naive* forecast). This
tutorial trains a recurrent network (a `GRU`) to forecast the next hour of a synthetic hourly
series (a slow upward trend, a daily cycle and random noise, like electricity demand or
temperature readings) and measures it against both rules on a stretch of time it never saw.

The steps: generate the series (NumPy, fixed seed), split it *in time* into training,
validation and test periods, cut each period into (past 48 hours -> next hour) windows with
`keras.utils.timeseries_dataset_from_array`, build a functional model that forecasts the
*change* from the last hour (so the trend does not take it outside the range it was trained
on), train it with `fit` and `EarlyStopping`, and compare mean absolute errors (MAE).
Runs offline in a few seconds:  python tutorials/08_time_series_rnn.py
"""

import numpy as np

import keras_like as keras
from keras_like import layers

SEED = 8
keras.utils.set_random_seed(SEED)  # weight initialisation
rng = np.random.default_rng(SEED)  # the noise of the series

# --- 1. A synthetic hourly series: trend + daily seasonality + noise ---------------------------
# 6000 hours (250 days). The daily cycle is two harmonics of a 24-hour sine, so it is not a
# plain sine wave (a morning peak and a smaller evening one); the noise is Gaussian with a
# standard deviation of 2. That noise is unpredictable by construction, so it sets a floor:
# even the perfect forecast (trend + cycle, exactly) misses by NOISE * sqrt(2 / pi) on average.
HOURS, PERIOD, NOISE = 6000, 24, 2.0
t = np.arange(HOURS)
trend = 50.0 + 0.01 * t  # +60 over the whole series
cycle = 10.0 * np.sin(2 * np.pi * t / PERIOD) + 4.0 * np.sin(4 * np.pi * t / PERIOD + 1.0)
series = (trend + cycle + rng.normal(0.0, NOISE, HOURS)).astype("float32")

# --- 2. Train / validation / test, split in time -----------------------------------------------
# Never shuffle a time series before splitting it: a model evaluated on hours that lie between
# its training hours is interpolating, not forecasting. The first 70% of the hours train the
# model, the next 15% decide when to stop training, the last 15% are the test, the future.
train_end, val_end = int(0.70 * HOURS), int(0.85 * HOURS)
WINDOW, BATCH_SIZE = 48, 64  # two days of history per forecast


def make_dataset(first, last, shuffle=False):
    """(past WINDOW hours, next hour) pairs whose targets are series[first:last].

    `timeseries_dataset_from_array(data, targets, sequence_length)` pairs the window starting
    at timestep i of `data` with `targets[i]`. `data` starts WINDOW hours before the first
    target, so window i is series[first - WINDOW + i : first + i], the 48 hours just before
    its target series[first + i]. A window may reach back into the previous period: those
    hours are already in the past when the forecast is made, so that is not a leak.
    """
    return keras.utils.timeseries_dataset_from_array(
        series[first - WINDOW:last - 1, None],  # (time, 1 feature), as recurrent layers want
        targets=series[first:last], sequence_length=WINDOW, batch_size=BATCH_SIZE,
        shuffle=shuffle, seed=SEED)


train_ds = make_dataset(WINDOW, train_end, shuffle=True)  # shuffle windows, not hours
val_ds = make_dataset(train_end, val_end)
test_ds = make_dataset(val_end, HOURS)
inputs, targets = train_ds[0]
print(f"{HOURS} hours: {train_end} train, {val_end - train_end} validation, "
      f"{HOURS - val_end} test; batches of {tuple(inputs.shape)} windows -> "
      f"{tuple(targets.shape)} targets")

# --- 3. The model: forecast the change, not the level ------------------------------------------
# Because of the trend, the test period's values are higher than any the model saw in
# training, and a network only knows the range it was trained on. So the model subtracts the
# last observed hour from its window, forecasts the change from that hour, and adds the last
# hour back at the end: the trend becomes a small constant drift the GRU can learn. Dividing
# by the typical size of an hourly change keeps the GRU's inputs near unit size, where its
# sigmoid and tanh gates work best. This is plain arithmetic on symbolic tensors, recorded in
# the functional graph like any layer.
SCALE = float(np.std(np.diff(series[:train_end])))
past_hours = keras.Input(shape=(WINDOW, 1), name="past_hours")
last_hour = past_hours[:, -1:, :]  # (batch, 1, 1)
relative = (past_hours - last_hour) / SCALE
summary = layers.GRU(32, name="gru")(relative)  # the final state: (batch, 32)
change = layers.Dense(1, name="change")(summary)
forecast = change * SCALE + last_hour[:, 0, :]  # (batch, 1)
model = keras.Model(past_hours, forecast, name="forecaster")
model.summary()

model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.003), loss="mse",
              metrics=["mae"])

# --- 4. Training with early stopping -----------------------------------------------------------
# EarlyStopping watches the validation loss after every epoch, stops once it has not improved
# for `patience` epochs, and puts back the weights of the best epoch.
stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=8, restore_best_weights=True)
fit_history = model.fit(train_ds, validation_data=val_ds, epochs=50, callbacks=[stop],
                        verbose=2)
val_loss = fit_history.history["val_loss"]
best = int(np.argmin(val_loss))  # the epoch whose weights EarlyStopping restored
print(f"trained {len(val_loss)} epochs; kept epoch {best + 1}, validation MAE "
      f"{fit_history.history['val_mae'][best]:.3f}")

# --- 5. Test MAE against the baselines ----------------------------------------------------------
# Every forecast is scored on the same test hours, series[val_end:]. The baselines need no
# training: the naive forecast of hour t is hour t - 1, the seasonal naive one is hour t - 24.
actual = series[val_end:]
gru_forecast = model.predict(test_ds, verbose=0)[:, 0]
naive_forecast = series[val_end - 1:HOURS - 1]
seasonal_forecast = series[val_end - PERIOD:HOURS - PERIOD]


def mae(prediction):
    return float(np.mean(np.abs(prediction - actual)))


gru_mae, naive_mae, seasonal_mae = mae(gru_forecast), mae(naive_forecast), mae(seasonal_forecast)
print(f"test MAE over the last {len(actual)} hours:")
print(f"  naive (last hour):           {naive_mae:.3f}")
print(f"  seasonal naive (24 h ago):   {seasonal_mae:.3f}")
print(f"  GRU:                         {gru_mae:.3f}")
print(f"  noise floor (perfect model): {NOISE * np.sqrt(2 / np.pi):.3f}")
print(f"the GRU's error is {1 - gru_mae / naive_mae:.0%} below the naive forecast's and "
      f"{1 - gru_mae / seasonal_mae:.0%} below the seasonal naive forecast's")

# The naive forecasts carry two noises, this hour's and the one they copy, and the naive one
# also the change of the cycle over an hour; the GRU has learned the cycle and the drift from
# 48 hours of history, which averages the noise of the past away, so it gets close to the floor.
print("the first hours of the test period:")
print("  hour   actual  GRU    naive  seasonal")
for i in range(6):
    print(f"  {val_end + i:>4}  {actual[i]:6.2f} {gru_forecast[i]:6.2f} {naive_forecast[i]:6.2f} "
          f"{seasonal_forecast[i]:6.2f}")

assert gru_mae < 0.75 * naive_mae and gru_mae < seasonal_mae, (gru_mae, naive_mae, seasonal_mae)
