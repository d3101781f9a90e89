"""The reference answers the checkers compare with are right: each is checked against the library
or the definition it stands for (librosa, scipy, scikit-learn, Keras, a spectrum, a brute-force
search), so a pass of the checker means the learner agrees with the real thing, not with a copy
of our own formula."""

import numpy as np
import pytest

from course import _references as ref
from course.emotion import ccc


@pytest.mark.parametrize(
    "heard, sr, highest",
    [
        (3000.0, 8000, 30000.0),
        (0.0, 8000, 16000.0),
        (4000.0, 8000, 20000.0),
        (1234.5, 22050, 50000.0),
    ],
)
def test_every_frequency_listed_sounds_at_heard_and_no_other_does(heard, sr, highest):
    listed = ref.frequencies_heard_as(heard, sr, highest)
    n = sr * 2  # 2 s: bins 0.5 Hz apart, so every frequency here falls on a bin
    t = np.arange(n) / sr
    for f in listed:
        spectrum = np.abs(np.fft.rfft(np.cos(2 * np.pi * f * t)))
        assert np.fft.rfftfreq(n, 1 / sr)[np.argmax(spectrum)] == pytest.approx(heard)
    grid = np.arange(0, highest + 0.5, 0.5)  # every frequency on the 0.5-Hz grid up to highest
    folded = np.abs(grid - np.round(grid / sr) * sr)
    assert np.array_equal(grid[np.isclose(folded, heard)], listed)


def test_the_nearest_bin_is_the_nearest_of_numpys_bin_frequencies():
    r = np.random.default_rng(1)
    for _ in range(200):
        sr, n = int(r.choice([8000, 22050, 44100])), int(r.integers(2, 4096))
        f = float(r.uniform(0, (n // 2) * sr / n))
        distance = np.abs(np.fft.rfftfreq(n, 1 / sr) - f)
        if np.sort(distance)[1] - distance.min() > 1e-6:  # not half-way
            assert ref.nearest_bin(f, sr, n) == int(np.argmin(distance))
    assert set(ref.nearest_bin(1.5 * 22050 / 2048, 22050, 2048)) == {1, 2}


@pytest.mark.filterwarnings("ignore:n_fft=.* is too large for input signal")  # the edge cases
@pytest.mark.parametrize("frames, hop", [(2, 512), (130, 512), (7, 441), (2, 1), (40, 64)])
def test_the_sample_range_is_where_librosa_gives_that_many_frames(frames, hop):
    import librosa

    def count(n):
        return librosa.stft(
            np.zeros(n, dtype=np.float32),
            n_fft=2 * hop if hop > 1 else 4,
            hop_length=hop,
            center=True,
        ).shape[1]

    fewest, most = ref.sample_range(frames, hop)
    assert count(fewest) == count(most) == frames
    assert count(most + 1) == frames + 1 and (fewest == 1 or count(fewest - 1) == frames - 1)


@pytest.mark.parametrize(
    "name, symmetric",
    [
        ("hann", np.hanning),
        ("hamming", np.hamming),
        ("blackman", np.blackman),
        ("bartlett", np.bartlett),
    ],
)
@pytest.mark.parametrize("n", [2, 3, 8, 101, 2048])
def test_the_periodic_window_is_scipys_periodic_window(name, symmetric, n):
    from scipy.signal import get_window

    np.testing.assert_allclose(
        ref.periodic_window(symmetric, n), get_window(name, n, fftbins=True), atol=1e-12
    )


def test_htk_mel_to_hz_is_librosas_and_inverts_hz_to_mel():
    import librosa

    mels = np.linspace(0, 3900, 50)
    np.testing.assert_allclose(
        ref.mel_to_hz_htk(mels), librosa.mel_to_hz(mels, htk=True), rtol=1e-12
    )
    hz = np.linspace(0, 22050, 50)
    np.testing.assert_allclose(ref.mel_to_hz_htk(librosa.hz_to_mel(hz, htk=True)), hz, atol=1e-8)


def _keras():
    from course.models import import_keras

    return import_keras()


@pytest.mark.parametrize("lam, learning_rate", [(0.1, 0.5), (0.25, 1.0), (0.01, 0.3)])
def test_the_steps_to_halve_are_the_steps_keras_sgd_takes_on_its_l2_penalty(lam, learning_rate):
    import tensorflow as tf

    keras = _keras()
    w = tf.Variable(np.ones(3))
    optimizer, taken = keras.optimizers.SGD(learning_rate=learning_rate), 0
    while float(w.numpy().max()) > 0.5:
        with tf.GradientTape() as tape:
            penalty = keras.regularizers.L2(lam)(w)
        optimizer.apply_gradients([(tape.gradient(penalty, w), w)])
        taken += 1
    assert taken in set(ref.steps_to_halve(lam, learning_rate))


def test_the_dropout_rate_gives_kerass_scale():
    keras = _keras()
    for rate in (0.0, 0.3, 0.5, 0.75):
        out = keras.layers.Dropout(rate, seed=0)(np.ones((1, 4000), np.float32), training=True)
        kept = np.asarray(out)[np.asarray(out) > 0]
        if len(kept):
            assert ref.dropout_rate(float(kept[0])) == pytest.approx(rate, abs=1e-6)


@pytest.mark.parametrize(
    "n, kernel, stride",
    [(5, 3, 1), (5, 2, 1), (6, 3, 2), (7, 3, 2), (130, 3, 2), (9, 4, 3), (3, 7, 1), (1, 1, 2)],
)
def test_same_padding_is_what_keras_pads(n, kernel, stride):
    keras = _keras()
    x = np.arange(1, n + 1, dtype=np.float32)[None, :, None]
    layer = keras.layers.Conv1D(1, kernel, strides=stride, padding="same", use_bias=False)
    layer.build(x.shape)
    weights = np.random.default_rng(n).normal(size=(kernel, 1, 1)).astype(np.float32)
    layer.set_weights([weights])
    before, after = ref.same_padding(n, kernel, stride)
    padded = np.pad(x[0, :, 0], (before, after))
    by_hand = [
        padded[i : i + kernel] @ weights[:, 0, 0]
        for i in range(0, len(padded) - kernel + 1, stride)
    ]
    np.testing.assert_allclose(np.asarray(layer(x))[0, :, 0], by_hand, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize(
    "kh, kw, channels, filters",
    [(3, 3, 1, [32, 32, 32]), (2, 5, 3, [7]), (1, 1, 4, [3, 9]), (3, 3, 2, [])],
)
def test_a_stack_of_convolutions_has_as_many_parameters_as_keras_counts(kh, kw, channels, filters):
    keras = _keras()
    model = keras.Sequential(
        [keras.Input((16, 16, channels))] + [keras.layers.Conv2D(f, (kh, kw)) for f in filters]
    )
    counted = model.count_params() if filters else 0  # Keras cannot count an empty model
    assert ref.conv_stack_parameters(kh, kw, channels, filters) == counted


@pytest.mark.parametrize(
    "seconds, sr, hop, n_mfcc",
    [(3.0, 22050, 512, 13), (1.0, 16384, 512, 20), (0.5, 16000, 128, 13)],
)
def test_the_cnn_input_shape_is_librosas_mfcc_with_a_channel(seconds, sr, hop, n_mfcc):
    import librosa

    y = np.random.default_rng(3).normal(size=int(seconds * sr)).astype(np.float32)
    mfcc = librosa.feature.mfcc(y=y, sr=sr, n_mfcc=n_mfcc, hop_length=hop)
    assert tuple(ref.cnn_input_shape(seconds, sr, hop, n_mfcc)) == (*mfcc.T.shape, 1)


def test_pytorchs_weights_turned_into_kerass_give_kerass_step():
    import tensorflow as tf

    keras = _keras()
    r = np.random.default_rng(4)
    n, d, u = 3, 5, 4
    x, h = r.normal(size=(n, d)), r.normal(size=(n, u))
    wi, wh, bi, bh = (
        r.normal(size=(u, d)),
        r.normal(size=(u, u)),
        r.normal(size=u),
        r.normal(size=u),
    )
    layer = keras.layers.SimpleRNN(u)
    layer.build((n, 1, d))
    layer.set_weights([wi.T, wh.T, bi + bh])
    keras_h = layer(tf.constant(x[:, None], tf.float32), initial_state=[tf.constant(h, tf.float32)])
    np.testing.assert_allclose(
        ref.rnn_step_pytorch(x, h, wi, wh, bi, bh), keras_h, rtol=1e-5, atol=1e-5
    )


def test_the_cell_after_many_steps_follows_the_geometric_series():
    r = np.random.default_rng(5)
    c, f, i, g = r.normal(size=6), r.uniform(0, 0.99, 6), r.uniform(size=6), r.uniform(-1, 1, 6)
    for steps in (0, 1, 7, 50):
        series = f**steps * c + i * g * (1 - f**steps) / (1 - f)
        np.testing.assert_allclose(ref.cell_after(c, f, i, g, steps), series, rtol=1e-10)
    np.testing.assert_allclose(ref.cell_after(c, np.ones(6), i, g, 9), c + 9 * i * g)


def test_the_vote_on_songs_worked_by_hand():
    p = np.array(
        [[0.4, 0.3, 0.3], [0.4, 0.3, 0.3], [0, 0.1, 0.9]]
    )  # two votes for 0; the mean says 2
    assert set(ref.vote_decision(p)) == {0}
    p = np.array(
        [[0.6, 0.4], [0.6, 0.4], [0.1, 0.9], [0.1, 0.9]]
    )  # 2 votes each; means .35 and .65
    assert set(ref.vote_decision(p)) == {1}
    p = np.array([[0.6, 0.4], [0.4, 0.6]])  # tied twice over
    assert set(ref.vote_decision(p)) == {0, 1}


def test_the_bias_factor_is_what_the_ccc_keeps_of_pearsons_r():
    r = np.random.default_rng(6)
    y = r.uniform(1, 9, 40)
    for p in (y + 1, 5 + (y - 5) / 3, y + r.normal(0, 1, 40), r.uniform(1, 9, 40)):
        assert ccc(y, p) == pytest.approx(
            np.corrcoef(y, p)[0, 1] * ref.bias_factor(y, p), rel=1e-12
        )
    assert ref.bias_factor(y, y) == pytest.approx(1.0)


def test_the_baseline_r2_is_scikit_learns_r2_of_a_constant_prediction():
    from sklearn.metrics import r2_score

    y = np.random.default_rng(7).uniform(1, 9, 30)
    for mean in (y.mean(), 5.0, 3.2):
        assert ref.baseline_r2(y, mean) == pytest.approx(r2_score(y, np.full(30, mean)), abs=1e-12)
