"""The synthesiser behind the sample: instruments, drum kits and one recipe per genre.

Each genre has a recipe with a musical motivation: a tempo range, drum patterns, swing, a chord
progression and chord rhythm, a bass style, instrument timbres, distortion and a noise floor.
Each track draws its key, tempo, swing, mix, brightness, distortion and noise from the recipe's
ranges, so the genres overlap and no single feature separates them. A track's audio depends
only on the seed, its genre and its number.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from scipy.signal import lfilter

from .errors import ParameterError
from .recipes import CHORDS, RECIPES, SCALES
from .settings import GENRES, SAMPLE_RATE

#: Seed of the default sample.
DEFAULT_SEED = 0
_TABLE_SIZE = 4096

# Timbres: relative harmonic amplitudes (1st, 2nd, ...), attack (s) and decay time constant (s).
_TIMBRES = {
    "strings": ((1.0, 0.5, 0.33, 0.25, 0.2, 0.16, 0.13, 0.1), 0.25, 4.0),
    "piano": ((1.0, 0.45, 0.3, 0.12, 0.1, 0.05, 0.04), 0.004, 0.7),
    "organ": ((1.0, 0.8, 0.0, 0.6, 0.0, 0.4, 0.0, 0.3), 0.01, 6.0),
    "pluck": ((1.0, 0.7, 0.5, 0.45, 0.3, 0.25, 0.2, 0.15, 0.1, 0.08), 0.003, 0.35),
    "saw": (tuple(1.0 / k for k in range(1, 17)), 0.005, 1.5),
    "pad": ((1.0, 0.3, 0.12, 0.05), 0.08, 3.0),
    "reed": ((1.0, 0.2, 0.6, 0.15, 0.4, 0.1, 0.25, 0.05), 0.03, 2.0),
    "sub": ((1.0, 0.15), 0.005, 0.6),
    "bass": ((1.0, 0.5, 0.25, 0.12), 0.005, 0.5),
}


def _hz(midi: float) -> float:
    return 440.0 * 2.0 ** ((midi - 69.0) / 12.0)


# (sample rate, timbre) -> (times in seconds, the timbre's attack-and-decay envelope) over the
# first _CURVE_SECONDS, computed once: every note's times start at 0, so a note takes the first
# n values, exactly the ones it would compute itself. 5 s holds the sample's longest note (a bar
# at 55 bpm); a longer note (synthesize_note takes any length) computes its own, so the cache
# holds 80 bytes per sample per second for each timbre and rate used: 1.8 MB at 22050 Hz. The
# rate's type is part of the key, as it sets the arithmetic (a long double computes otherwise).
_CURVE_SECONDS = 5.0
_CURVES: dict[tuple[int, type, str], tuple[np.ndarray, np.ndarray]] = {}


def _curves(sr: int, timbre: str, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The first ``n`` sample times (s) and envelope values of a note of ``timbre``."""

    def compute(length: int) -> tuple[np.ndarray, np.ndarray]:
        _, attack, decay = _TIMBRES[timbre]
        t = np.arange(length) / sr
        return t, np.minimum(t / attack, 1.0) * np.exp(-t / decay)

    cached = int(_CURVE_SECONDS * sr)
    if n > cached:
        return compute(n)
    key = (sr, type(sr), timbre)
    if key not in _CURVES:
        t, env = compute(cached)
        t.flags.writeable = env.flags.writeable = False  # shared by every note: read only
        _CURVES[key] = (t, env)
    t, env = _CURVES[key]
    return t[:n], env[:n]


class _Renderer:
    """Adds notes and drum hits into one track's buffers."""

    def __init__(self, n_samples: int, sr: int, rng: np.random.Generator, brightness: float):
        self.n = n_samples
        self.sr = sr
        self.rng = rng
        self.brightness = brightness
        self._tables: dict[tuple[str, int], np.ndarray] = {}

    def _table(self, timbre: str, n_harm: int) -> np.ndarray:
        key = (timbre, n_harm)
        if key not in self._tables:
            amps = np.asarray(_TIMBRES[timbre][0][:n_harm], dtype=np.float64)
            k = np.arange(1, len(amps) + 1)
            amps = amps * k ** (-(1.0 - self.brightness))  # brightness tilts the harmonics
            phase = np.arange(_TABLE_SIZE) / _TABLE_SIZE
            table = (amps[:, None] * np.sin(2 * np.pi * k[:, None] * phase[None, :])).sum(axis=0)
            self._tables[key] = table / np.max(np.abs(table))
        return self._tables[key]

    def note(
        self,
        buf: np.ndarray,
        start_s: float,
        dur_s: float,
        midi: float,
        timbre: str,
        gain: float,
        vibrato: float = 0.0,
    ) -> None:
        start = int(start_s * self.sr)
        if start >= self.n or dur_s <= 0:
            return
        harmonics = _TIMBRES[timbre][0]
        release = 0.03
        n = min(int((dur_s + release) * self.sr), self.n - start)
        if n < 8:
            return
        f0 = _hz(midi)
        n_harm = max(1, min(len(harmonics), int(0.45 * self.sr / f0)))
        t, env = _curves(self.sr, timbre, n)
        if vibrato:
            inst = f0 * (1.0 + vibrato * np.sin(2 * np.pi * 5.5 * t))
            cycles = np.cumsum(inst) / self.sr
        else:
            cycles = f0 * t
        cycles += self.rng.random()
        # The phase within the cycle: cycles are never negative, so subtracting the floor is
        # exactly `cycles % 1.0`, and many times faster.
        cycles -= np.floor(cycles)
        wave = self._table(timbre, n_harm)[(cycles * _TABLE_SIZE).astype(np.int64)]
        held = int(dur_s * self.sr)
        if held < n:  # short release after the note's end avoids clicks
            env = env.copy()
            env[held:] *= np.linspace(1.0, 0.0, n - held)
        buf[start : start + n] += gain * wave * env

    def hit(self, buf: np.ndarray, start_s: float, sound: np.ndarray, gain: float) -> None:
        start = max(0, int(start_s * self.sr))
        if start >= self.n:
            return
        n = min(len(sound), self.n - start)
        buf[start : start + n] += gain * sound[:n]


def _drum_kit(sr: int, rng: np.random.Generator, genre: str) -> dict[str, np.ndarray]:
    """One kit per track: kick, snare and hat samples with a little per-track variation."""

    def t_of(seconds: float) -> np.ndarray:
        return np.arange(int(seconds * sr)) / sr

    t = t_of(0.6 if genre == "hiphop" else 0.35)
    base = rng.uniform(42, 55)
    sweep = rng.uniform(60, 110)
    freq = base + sweep * np.exp(-t / 0.035)
    kick_decay = 0.45 if genre == "hiphop" else rng.uniform(0.12, 0.2)
    kick = np.sin(2 * np.pi * np.cumsum(freq) / sr) * np.exp(-t / kick_decay)

    t = t_of(0.25)
    noise = rng.standard_normal(len(t))
    body = np.sin(2 * np.pi * rng.uniform(170, 230) * t) * np.exp(-t / 0.04)
    snare = 0.6 * np.diff(noise, prepend=0.0) * np.exp(-t / rng.uniform(0.06, 0.12)) + 0.5 * body

    t = t_of(0.3)
    noise = rng.standard_normal(len(t))
    bright = np.diff(np.diff(noise, prepend=0.0), prepend=0.0) / 4.0
    hat = bright * np.exp(-t / rng.uniform(0.015, 0.03))
    hat_open = bright * np.exp(-t / rng.uniform(0.12, 0.2))
    return {"kick": kick, "snare": snare, "hat": hat, "hat_open": hat_open}


def _step_time(step: int, beat_s: float, swing: float) -> float:
    """Onset of a 16th-note step within a bar, with the off-beat eighth delayed by ``swing``."""
    beat, pos = divmod(step, 4)
    offsets = (0.0, swing / 2.0, swing, swing + (1.0 - swing) / 2.0)
    return (beat + offsets[pos]) * beat_s


def _length(rng: np.random.Generator, sr: int, duration: float) -> int:
    """A track's number of samples, the first draw from its generator: with probability 1/5
    the track is 10 to 80 ms short (far more often than in GTZAN, so that the handling shows)."""
    n = int(round(duration * sr))
    if rng.random() < 0.2:
        n -= int(rng.uniform(0.01, 0.08) * sr)
    return n


def _track_rng(genre: str, seed: int, index: int) -> np.random.Generator:
    return np.random.default_rng([seed, GENRES.index(genre), index])


def _render_track(genre: str, seed: int, index: int, sr: int, duration: float) -> np.ndarray:
    recipe = RECIPES[genre]
    rng = _track_rng(genre, seed, index)
    n = _length(rng, sr, duration)

    # About one track in four borrows its instruments from anywhere, as real bands do.
    if rng.random() < 0.25:
        pool = sorted(_TIMBRES)
        recipe = replace(
            recipe, chord_timbre=str(rng.choice(pool)), lead_timbre=str(rng.choice(pool))
        )
    tempo = rng.uniform(*recipe.tempo)
    swing = rng.uniform(*recipe.swing)
    key = int(rng.integers(12))
    beat_s = 60.0 / tempo
    bar_s = 4 * beat_s
    n_bars = int(np.ceil(n / sr / bar_s)) + 1
    brightness = rng.uniform(*recipe.brightness)
    r = _Renderer(n, sr, rng, brightness)

    def level(db_spread: float = 8.0) -> float:
        return 10.0 ** (rng.uniform(-db_spread, db_spread) / 20.0)

    drums, harmony, bass, lead = (np.zeros(n) for _ in range(4))

    if recipe.kick is not None:
        kit = _drum_kit(sr, rng, genre)
        lanes = [
            ("kick", recipe.kick, 1.0),
            ("snare", recipe.snare, 0.7),
            ("hat_open" if recipe.hat_open else "hat", recipe.hat, 0.35),
        ]
        for bar in range(n_bars):
            for name, pattern, gain in lanes:
                for step, ch in enumerate(pattern):
                    if ch == ".":
                        continue
                    velocity = (1.0 if ch == "x" else 0.4) * rng.uniform(0.85, 1.0)
                    onset = bar * bar_s + _step_time(step, beat_s, swing)
                    r.hit(drums, onset + rng.normal(0, 0.003), kit[name], gain * velocity)

    chord_root = 48 + key
    scale = SCALES[recipe.lead_scale]
    lead_pitch = int(rng.integers(len(scale)))
    hook: list[tuple[int, int]] = []
    for bar in range(n_bars):
        degree, quality = recipe.progression[bar % len(recipe.progression)]
        root = chord_root + degree
        bar_start = bar * bar_s
        # Harmony: the chord on the recipe's rhythm, each hit lasting until the next one.
        hits = [s for s, ch in enumerate(recipe.chord_rhythm) if ch != "."]
        for i, step in enumerate(hits):
            end_step = hits[i + 1] if i + 1 < len(hits) else 16
            dur = (end_step - step) / 4.0 * beat_s
            if recipe.chord_rhythm != "x" + "." * 15 and recipe.chord_timbre in ("organ", "pluck"):
                dur = min(dur, 0.6 * beat_s)  # skanks and strums are short
            onset = bar_start + _step_time(step, beat_s, swing)
            for interval in CHORDS[quality]:
                r.note(
                    harmony, onset, dur, root + interval, recipe.chord_timbre, 0.25, recipe.vibrato
                )
        # Bass line.
        b = root - 12
        fifth = b + 7
        if recipe.bass_style == "whole":
            r.note(bass, bar_start, bar_s, b, recipe.bass_timbre, 0.5, recipe.vibrato)
        elif recipe.bass_style == "808":
            for step, ch in enumerate(recipe.kick or "x"):
                if ch != ".":
                    r.note(
                        bass,
                        bar_start + _step_time(step, beat_s, swing),
                        1.5 * beat_s,
                        b - 12,
                        "sub",
                        0.8,
                    )
        else:
            line: list[tuple[int, float, float]]  # (step, midi, length in beats)
            if recipe.bass_style == "boogie":
                line = [(2 * i, b + (0, 4, 7, 9, 10, 9, 7, 4)[i], 0.5) for i in range(8)]
            elif recipe.bass_style == "root_fifth":
                line = [(0, b, 1.0), (8, fifth - 12, 1.0)]
            elif recipe.bass_style == "octave":
                line = [(2 * i, b + 12 * (i % 2), 0.45) for i in range(8)]
            elif recipe.bass_style == "walking":
                steps = rng.choice([-2, -1, 1, 2, 3, 4], size=3)
                pitches = [b, *(b + np.cumsum(steps))]
                line = [(4 * i, float(p), 0.95) for i, p in enumerate(pitches)]
            elif recipe.bass_style == "reggae":
                line = [(0, b, 1.5), (6, b + 3, 0.5), (8, fifth, 1.0), (14, b + 10, 0.5)]
            else:  # eighths
                line = [(2 * i, b, 0.45) for i in range(8)]
            for step, midi, beats in line:
                r.note(
                    bass,
                    bar_start + _step_time(step, beat_s, swing),
                    beats * beat_s,
                    midi,
                    recipe.bass_timbre,
                    0.5,
                )
        # Lead: a random walk in the scale on an eighth-note grid; pop repeats its first hook.
        if genre == "pop" and bar >= 2 and hook:
            phrase = hook
        else:
            density = rng.uniform(*recipe.lead_density)
            positions = sorted(rng.choice(8, size=int(min(8, round(density))), replace=False))
            phrase = []
            for pos in positions:
                lead_pitch = int(np.clip(lead_pitch + rng.integers(-2, 3), 0, 2 * len(scale)))
                phrase.append((int(pos), lead_pitch))
            if genre == "pop" and bar == 1:
                hook = phrase
        for pos, pitch in phrase:
            octave, step_in_scale = divmod(pitch, len(scale))
            midi = 72 + key + 12 * (octave - 1) + scale[step_in_scale]
            r.note(
                lead,
                bar_start + _step_time(2 * pos, beat_s, swing),
                0.5 * beat_s * 1.6,
                midi,
                recipe.lead_timbre,
                0.35,
                recipe.vibrato,
            )

    drive = rng.uniform(*recipe.distortion)
    if drive > 0.05:
        for part in (harmony, lead):
            peak = np.max(np.abs(part)) or 1.0
            part[:] = np.tanh(drive * part / peak) / np.tanh(drive) * peak
    mix = (
        drums * level() * (rng.random() > 0.1)
        + harmony * level()
        + bass * level()
        + lead * level() * (rng.random() > 0.15)
    )
    # A one-pole low-pass with a random cutoff stands in for different recordings.
    cutoff = rng.uniform(1500, 10000)
    a = np.exp(-2 * np.pi * cutoff / sr)
    mix = lfilter([1 - a], [1, -a], mix)
    # Fade in and out, then noise at the drawn signal-to-noise ratio.
    fade = int(0.02 * sr)
    mix[:fade] *= np.linspace(0, 1, fade)
    mix[-fade:] *= np.linspace(1, 0, fade)
    snr_db = rng.uniform(*recipe.snr_db)
    noise = rng.standard_normal(n)
    noise *= np.sqrt(np.mean(mix**2) / np.mean(noise**2) / 10 ** (snr_db / 10))
    mix = mix + noise
    mix *= rng.uniform(0.5, 0.95) / np.max(np.abs(mix))  # the track's peak, as mastered
    return mix.astype(np.float32)


def synthesize_track(
    genre: str, index: int, seed: int = DEFAULT_SEED, sr: int = SAMPLE_RATE, duration: float = 30.0
) -> np.ndarray:
    """Render one synthetic track of a genre.

    Args:
        genre: one of :data:`course.settings.GENRES`.
        index: the track number within its genre (``NN`` in ``<genre>.000NN.wav``).
        seed: the sample's seed; with ``genre`` and ``index`` it fixes the audio exactly.
        sr: sample rate in Hz.
        duration: nominal length in seconds (each track, with probability 1/5, is 10 to 80 ms
            shorter: :func:`track_length`).

    Returns:
        ``(n_samples,)`` float32 audio in [-1, 1]; its largest absolute sample (its peak) is
        drawn at random between 0.5 and 0.95, as recordings are mastered at different levels.
    """
    _check_track(genre, index, duration)
    return _render_track(genre, seed, index, sr, duration)


def _check_track(genre: str, index: int, duration: float) -> None:
    if genre not in RECIPES:
        raise ParameterError(f"Unknown genre {genre!r}; choose one of: {', '.join(GENRES)}.")
    if index < 0:
        raise ParameterError(f"index must be 0 or more, got {index}.")
    if duration <= 0.5:
        raise ParameterError(f"duration must be more than 0.5 s, got {duration}.")


def track_length(
    genre: str, index: int, seed: int = DEFAULT_SEED, sr: int = SAMPLE_RATE, duration: float = 30.0
) -> int:
    """The number of samples :func:`synthesize_track` gives a track, without rendering it:
    ``round(duration * sr)``, less 10 to 80 ms for a track drawn short (probability 1/5).

    Args:
        genre: one of :data:`course.settings.GENRES`.
        index: the track number within its genre.
        seed: the sample's seed.
        sr: sample rate in Hz.
        duration: nominal length in seconds.
    """
    _check_track(genre, index, duration)
    return _length(_track_rng(genre, seed, index), sr, duration)


def synthesize_note(
    midi: float = 57,
    timbre: str = "piano",
    seconds: float = 1.5,
    sr: int = SAMPLE_RATE,
    seed: int = 0,
) -> np.ndarray:
    """One note of one of the sample's instruments, for looking at harmonics.

    Args:
        midi: the pitch as a MIDI note number (57 is A3, 220 Hz; 69 is A4, 440 Hz).
        timbre: one of the sample's instruments: strings, piano, organ, pluck, saw, pad, reed,
            sub, bass.
        seconds: length in seconds.
        sr: sample rate in Hz.
        seed: fixes the starting phase.

    Returns:
        ``(n_samples,)`` float32 audio peaking at 0.8.

    Notebook: 01_waveform_and_fourier.ipynb
    """
    if timbre not in _TIMBRES:
        raise ParameterError(
            f"Unknown timbre {timbre!r}; choose one of: {', '.join(sorted(_TIMBRES))}."
        )
    if not seconds > 0.1:
        raise ParameterError(
            f"seconds must be more than 0.1 (a note needs its attack and its "
            f"0.05-s release), got {seconds!r}."
        )
    n = int(seconds * sr)
    buf = np.zeros(n)
    _Renderer(n, sr, np.random.default_rng(seed), brightness=1.0).note(
        buf, 0.0, seconds - 0.05, midi, timbre, 1.0
    )
    return (0.8 * buf / np.max(np.abs(buf))).astype(np.float32)


def midi_to_hz(midi: float) -> float:
    """The frequency in Hz of a MIDI note number (A4 = 69 = 440 Hz, equal temperament).

    Args:
        midi: the MIDI note number; fractions give frequencies between semitones.

    Notebook: 01_waveform_and_fourier.ipynb
    """
    return _hz(midi)
