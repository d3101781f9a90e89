"""The builders' defaults are the notes' three models, layer for layer."""

import numpy as np
import pytest

from course import models
from course.errors import ParameterError

keras = models.import_keras()
L = keras.layers

# Parameter counts worked out by hand from the notes' layer list (input 130 x 13):
#   MLP:  1690*512+512 + 512*256+256 + 256*64+64 + 64*10+10               = 1,014,218
#   CNN:  conv 3*3*1*32+32 (320), BN 4*32 (128), conv 3*3*32*32+32 (9,248), BN 128,
#         conv 2*2*32*32+32 (4,128), BN 128, output (15, 1, 32) -> 480, dense 480*64+64
#         (30,784), softmax 64*10+10 (650)                                  =    45,514
#   LSTM: 4*(64*(13+64)+64) (19,968) + 4*(64*(64+64)+64) (33,024) + 64*64+64 (4,160) + 650
#                                                                           =    57,802
NOTES_PARAMS = {"mlp": 1_014_218, "cnn": 45_514, "lstm": 57_802}


def notes_mlp(shape):
    """The notes' build_nn_model, with a Keras 3 Input instead of input_shape=."""
    return keras.Sequential(
        [
            keras.Input(shape=shape),
            L.Flatten(),
            L.Dense(512, activation="relu", kernel_regularizer=keras.regularizers.l2(0.001)),
            L.Dropout(0.3),
            L.Dense(256, activation="relu", kernel_regularizer=keras.regularizers.l2(0.001)),
            L.Dropout(0.3),
            L.Dense(64, activation="relu", kernel_regularizer=keras.regularizers.l2(0.001)),
            L.Dropout(0.3),
            L.Dense(10, activation="softmax"),
        ]
    )


def notes_cnn(shape):
    m = keras.Sequential([keras.Input(shape=shape)])
    for k, p in (((3, 3), (3, 3)), ((3, 3), (3, 3)), ((2, 2), (2, 2))):
        m.add(L.Conv2D(32, k, activation="relu"))
        m.add(L.MaxPool2D(p, strides=(2, 2), padding="same"))
        m.add(L.BatchNormalization())
    for layer in (
        L.Flatten(),
        L.Dense(64, activation="relu"),
        L.Dropout(0.3),
        L.Dense(10, activation="softmax"),
    ):
        m.add(layer)
    return m


def notes_lstm(shape):
    return keras.Sequential(
        [
            keras.Input(shape=shape),
            L.LSTM(64, return_sequences=True),
            L.LSTM(64),
            L.Dense(64, activation="relu"),
            L.Dropout(0.3),
            L.Dense(10, activation="softmax"),
        ]
    )


NOTES = {"mlp": notes_mlp, "cnn": notes_cnn, "lstm": notes_lstm}
KEYS = (
    "units",
    "filters",
    "kernel_size",
    "strides",
    "padding",
    "pool_size",
    "activation",
    "rate",
    "return_sequences",
    "kernel_regularizer",
)


def describe(model):
    """Each layer with parameters: class, the settings that define it, parameter count."""
    rows = []
    for layer in model.layers:
        if isinstance(layer, L.Reshape):
            assert layer.count_params() == 0
            continue
        cfg = layer.get_config()
        rows.append(
            (type(layer).__name__, {k: cfg[k] for k in KEYS if k in cfg}, layer.count_params())
        )
    return rows


@pytest.mark.parametrize("name", ["mlp", "cnn", "lstm"])
@pytest.mark.parametrize("shape", [(130, 13), (130, 13, 1)])
def test_defaults_reproduce_the_notes_models(name, shape):
    built = models.build_model(name, input_shape=shape)
    notes_shape = (130, 13, 1) if name == "cnn" else (130, 13)
    reference = NOTES[name](notes_shape)
    assert built.count_params() == reference.count_params() == NOTES_PARAMS[name]
    assert describe(built) == describe(reference)
    assert built.output_shape == (None, 10)


def test_builders_use_an_input_layer_not_input_shape():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Keras warns when input_shape= is passed to a layer
        for name in models.BUILDERS:
            models.build_model(name, input_shape=(130, 13))


@pytest.mark.parametrize("name,cell", [("gru", "GRU"), ("rnn", "SimpleRNN")])
def test_recurrent_variants(name, cell):
    m = models.build_model(name, input_shape=(130, 13))
    kinds = [type(layer).__name__ for layer in m.layers]
    assert kinds[:2] == [cell, cell] and m.layers[0].return_sequences
    x = np.zeros((2, 130, 13), np.float32)
    probs = m.predict(x, verbose=0)
    assert probs.shape == (2, 10)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)


def test_options_change_the_architecture():
    small = models.build_mlp(hidden=(64,), dropout=0.0, l2=0.0, l1=1e-4)
    dense = [layer for layer in small.layers if isinstance(layer, L.Dense)]
    assert [d.units for d in dense] == [64, 10]
    assert not any(isinstance(layer, L.Dropout) for layer in small.layers)
    assert dense[0].get_config()["kernel_regularizer"]["class_name"] == "L1"
    assert models.build_cnn(filters=(16, 16, 16)).count_params() < NOTES_PARAMS["cnn"]


def test_bad_arguments_name_the_problem():
    with pytest.raises(ParameterError, match=r"input_shape.*\(130, 13\)"):
        models.build_mlp(input_shape=(130,))
    with pytest.raises(ParameterError, match="dropout"):
        models.build_lstm(dropout=1.5)
    with pytest.raises(ParameterError, match="Unknown model 'transformer'"):
        models.build_model("transformer", (130, 13))


def test_summary_table_counts_what_training_updates():
    # By hand: BatchNormalization keeps gamma, beta, moving mean and moving variance per
    # channel (4 * 32 = 128); gradient descent updates gamma and beta only (2 * 32 = 64).
    table = models.summary_table(notes_cnn((130, 13, 1)))
    rows = [row.split(" | ") for row in table.splitlines()[2:]]
    counts = {(cells[1], cells[-2], cells[-1].rstrip(" |")) for cells in rows}
    assert {c for c in counts if c[0] == "BatchNormalization"} == {
        ("BatchNormalization", "128", "64")
    }
    assert ("Conv2D", "320", "320") in counts  # every weight and bias is trained
    assert table.splitlines()[-1].endswith(f"**{45_514:,}** | **{45_514 - 3 * 64:,}** |")
