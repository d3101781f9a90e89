"""The embedded sample: a synthetic dataset in GTZAN's shape, generated deterministically.

``data/sample/<genre>/<genre>.000NN.wav``, ten genre folders, 22050 Hz mono 16-bit WAV, 30-s
tracks (a few a little short of 30 s, as in GTZAN). Each genre has a recipe with a musical
motivation: a tempo range, drum patterns, swing, a chord progression and chord rhythm, a bass
style, instrument timbres, distortion and a noise floor. Each track draws its key, tempo,
swing, mix, brightness, distortion and noise from the recipe's ranges, so the genres overlap
and no single feature separates them.

Nothing learned on this sample is a GTZAN result: it exists so that every notebook and command
runs offline at once. The same seed gives the same bytes; a track's audio depends only on the
seed, its genre and its number, not on how many tracks are made.

Notebook: 00_start_here.ipynb
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import soundfile as sf
from scipy.signal import lfilter

from .settings import DATA_DIR, GENRES, SAMPLE_RATE, show_progress

#: Bump when a recipe changes, so an existing ``data/sample`` is regenerated.
SAMPLE_VERSION = 1
#: Tracks per genre in the default sample.
DEFAULT_TRACKS_PER_GENRE = 10
#: Seed of the default sample.
DEFAULT_SEED = 0
#: Where the default sample is written (git-ignored).
SAMPLE_DIR = DATA_DIR / "sample"
MANIFEST = "SAMPLE.json"

_TABLE_SIZE = 4096

# Intervals in semitones above a chord root.
_CHORDS = {
    "maj": (0, 4, 7),
    "min": (0, 3, 7),
    "7": (0, 4, 7, 10),
    "maj7": (0, 4, 7, 11),
    "min7": (0, 3, 7, 10),
    "9": (0, 4, 7, 10, 14),
    "power": (0, 7, 12),
}
# Scales for melodies, in semitones above the key.
_SCALES = {
    "major": (0, 2, 4, 5, 7, 9, 11),
    "minor": (0, 2, 3, 5, 7, 8, 10),
    "major_penta": (0, 2, 4, 7, 9),
    "minor_penta": (0, 3, 5, 7, 10),
    "blues": (0, 3, 5, 6, 7, 10),
    "dorian": (0, 2, 3, 5, 7, 9, 10),
}
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


@dataclass(frozen=True)
class Recipe:
    """How one genre is made. Ranges are ``(low, high)`` and drawn per track.

    Drum patterns have 16 steps per 4/4 bar: ``x`` a hit, ``o`` a soft hit, ``.`` a rest.
    """

    tempo: tuple[float, float]
    swing: tuple[float, float]
    kick: str | None
    snare: str | None
    hat: str | None
    hat_open: bool
    progression: tuple[tuple[int, str], ...]
    minor_key: bool
    chord_timbre: str
    chord_rhythm: str
    bass_style: str
    bass_timbre: str
    lead_timbre: str
    lead_scale: str
    lead_density: tuple[float, float]
    distortion: tuple[float, float]
    snr_db: tuple[float, float]
    brightness: tuple[float, float]
    vibrato: float = 0.0


RECIPES: dict[str, Recipe] = {
    # Shuffle feel, 12-bar form of dominant sevenths, a slightly overdriven guitar lead.
    "blues": Recipe(
        tempo=(70, 115), swing=(0.6, 0.68),
        kick="x.......x.......", snare="....x.......x...", hat="x.x.x.x.x.x.x.x.", hat_open=False,
        progression=((0, "7"), (0, "7"), (0, "7"), (0, "7"), (5, "7"), (5, "7"), (0, "7"),
                     (0, "7"), (7, "7"), (5, "7"), (0, "7"), (7, "7")),
        minor_key=False, chord_timbre="organ", chord_rhythm="x.x.x.x.x.x.x.x.",
        bass_style="boogie", bass_timbre="bass", lead_timbre="saw", lead_scale="blues",
        lead_density=(3, 7), distortion=(0.5, 2.0), snr_db=(18, 35), brightness=(0.7, 1.1),
    ),
    # No drums, slow sustained strings, stepwise melody with vibrato, very quiet noise floor.
    "classical": Recipe(
        tempo=(55, 100), swing=(0.5, 0.5),
        kick=None, snare=None, hat=None, hat_open=False,
        progression=((0, "maj"), (5, "maj"), (7, "maj"), (0, "maj"), (9, "min"), (2, "min"),
                     (7, "7"), (0, "maj")),
        minor_key=False, chord_timbre="strings", chord_rhythm="x...............",
        bass_style="whole", bass_timbre="strings", lead_timbre="strings", lead_scale="major",
        lead_density=(2, 6), distortion=(0.0, 0.0), snr_db=(28, 45), brightness=(0.6, 1.0),
        vibrato=0.006,
    ),
    # Train beat, boom-chick bass alternating root and fifth, twangy plucked guitar.
    "country": Recipe(
        tempo=(95, 145), swing=(0.5, 0.56),
        kick="x.......x.......", snare="..o.x.o...o.x.o.", hat="x.x.x.x.x.x.x.x.", hat_open=False,
        progression=((0, "maj"), (0, "maj"), (5, "maj"), (0, "maj"), (7, "maj"), (7, "maj"),
                     (0, "maj"), (0, "maj")),
        minor_key=False, chord_timbre="pluck", chord_rhythm="....x.......x...",
        bass_style="root_fifth", bass_timbre="bass", lead_timbre="pluck", lead_scale="major_penta",
        lead_density=(3, 7), distortion=(0.0, 0.3), snr_db=(18, 35), brightness=(0.9, 1.3),
    ),
    # Four on the floor, open hats on the off-beats, octave bass, minor-seventh string stabs.
    "disco": Recipe(
        tempo=(110, 132), swing=(0.5, 0.52),
        kick="x...x...x...x...", snare="....x.......x...", hat="..x...x...x...x.", hat_open=True,
        progression=((0, "min7"), (5, "min7"), (0, "min7"), (10, "7")),
        minor_key=True, chord_timbre="strings", chord_rhythm="..x...x...x...x.",
        bass_style="octave", bass_timbre="bass", lead_timbre="saw", lead_scale="dorian",
        lead_density=(2, 6), distortion=(0.0, 0.2), snr_db=(20, 38), brightness=(1.0, 1.3),
    ),
    # Laid-back swung sixteenths, booming 808 sub bass under the kick, sparse minor piano, hiss.
    "hiphop": Recipe(
        tempo=(78, 100), swing=(0.52, 0.6),
        kick="x......x..x.....", snare="....x.......x...", hat="xoxoxoxoxoxoxoxo", hat_open=False,
        progression=((0, "min7"), (8, "maj7"), (3, "maj7"), (10, "7")),
        minor_key=True, chord_timbre="piano", chord_rhythm="x.......x.......",
        bass_style="808", bass_timbre="sub", lead_timbre="piano", lead_scale="minor_penta",
        lead_density=(1, 4), distortion=(0.0, 0.6), snr_db=(14, 28), brightness=(0.6, 1.0),
    ),
    # Swung ride cymbal, walking bass, ii-V-I with sevenths and ninths, a reedy sax lead.
    "jazz": Recipe(
        tempo=(100, 200), swing=(0.62, 0.7),
        kick="x...............", snare=".......o......o.", hat="x...x.x.x...x.x.", hat_open=True,
        progression=((2, "min7"), (7, "9"), (0, "maj7"), (9, "7")),
        minor_key=False, chord_timbre="piano", chord_rhythm="...x.....x....x.",
        bass_style="walking", bass_timbre="bass", lead_timbre="reed", lead_scale="dorian",
        lead_density=(4, 8), distortion=(0.0, 0.0), snr_db=(20, 38), brightness=(0.7, 1.1),
        vibrato=0.004,
    ),
    # Fast double kick, heavily distorted power chords chugging in sixteenths, minor key.
    "metal": Recipe(
        tempo=(140, 200), swing=(0.5, 0.5),
        kick="x.x.x.x.x.x.x.x.", snare="....x.......x...", hat="x...x...x...x...", hat_open=True,
        progression=((0, "power"), (8, "power"), (10, "power"), (0, "power")),
        minor_key=True, chord_timbre="saw", chord_rhythm="x.x.x.x.xxx.x.x.",
        bass_style="eighths", bass_timbre="bass", lead_timbre="saw", lead_scale="minor",
        lead_density=(0, 6), distortion=(4.0, 9.0), snr_db=(16, 32), brightness=(1.0, 1.4),
    ),
    # I-V-vi-IV, sustained bright pads, a singing lead that repeats its hook.
    "pop": Recipe(
        tempo=(95, 128), swing=(0.5, 0.53),
        kick="x.....x.x.......", snare="....x.......x...", hat="x.x.x.x.x.x.x.x.", hat_open=False,
        progression=((0, "maj"), (7, "maj"), (9, "min"), (5, "maj")),
        minor_key=False, chord_timbre="pad", chord_rhythm="x.......x.......",
        bass_style="eighths", bass_timbre="bass", lead_timbre="reed", lead_scale="major_penta",
        lead_density=(3, 7), distortion=(0.0, 0.4), snr_db=(22, 40), brightness=(0.9, 1.3),
        vibrato=0.005,
    ),
    # One drop (kick and rim on beat three), off-beat organ skank, deep melodic bass.
    "reggae": Recipe(
        tempo=(64, 92), swing=(0.5, 0.58),
        kick="........x.......", snare="........x.......", hat="x.x.x.x.x.x.x.x.", hat_open=False,
        progression=((0, "min"), (5, "min"), (0, "min"), (7, "min")),
        minor_key=True, chord_timbre="organ", chord_rhythm="..x...x...x...x.",
        bass_style="reggae", bass_timbre="sub", lead_timbre="reed", lead_scale="minor_penta",
        lead_density=(1, 4), distortion=(0.0, 0.3), snr_db=(16, 34), brightness=(0.6, 1.0),
    ),
    # Backbeat, eighth-note power chords with moderate overdrive, pentatonic guitar lead.
    "rock": Recipe(
        tempo=(100, 150), swing=(0.5, 0.52),
        kick="x.......x.x.....", snare="....x.......x...", hat="x.x.x.x.x.x.x.x.", hat_open=False,
        progression=((0, "power"), (10, "power"), (5, "power"), (0, "power")),
        minor_key=False, chord_timbre="saw", chord_rhythm="x.x.x.x.x.x.x.x.",
        bass_style="eighths", bass_timbre="bass", lead_timbre="saw", lead_scale="minor_penta",
        lead_density=(2, 6), distortion=(1.2, 4.0), snr_db=(18, 34), brightness=(0.9, 1.3),
    ),
}


def _hz(midi: float) -> float:
    return 440.0 * 2.0 ** ((midi - 69.0) / 12.0)


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

    def note(self, buf: np.ndarray, start_s: float, dur_s: float, midi: float, timbre: str,
             gain: float, vibrato: float = 0.0) -> None:
        start = int(start_s * self.sr)
        if start >= self.n or dur_s <= 0:
            return
        harmonics, attack, decay = _TIMBRES[timbre]
        release = 0.03
        n = min(int((dur_s + release) * self.sr), self.n - start)
        if n < 8:
            return
        f0 = _hz(midi)
        n_harm = max(1, min(len(harmonics), int(0.45 * self.sr / f0)))
        t = np.arange(n) / self.sr
        if vibrato:
            inst = f0 * (1.0 + vibrato * np.sin(2 * np.pi * 5.5 * t))
            cycles = np.cumsum(inst) / self.sr
        else:
            cycles = f0 * t
        cycles += self.rng.random()
        wave = self._table(timbre, n_harm)[((cycles % 1.0) * _TABLE_SIZE).astype(np.int64)]
        env = np.minimum(t / attack, 1.0) * np.exp(-t / decay)
        held = int(dur_s * self.sr)
        if held < n:  # short release after the note's end avoids clicks
            env[held:] *= np.linspace(1.0, 0.0, n - held)
        buf[start:start + n] += gain * wave * env

    def hit(self, buf: np.ndarray, start_s: float, sound: np.ndarray, gain: float) -> None:
        start = max(0, int(start_s * self.sr))
        if start >= self.n:
            return
        n = min(len(sound), self.n - start)
        buf[start:start + n] += gain * sound[:n]


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


def _render_track(genre: str, seed: int, index: int, sr: int, duration: float) -> np.ndarray:
    recipe = RECIPES[genre]
    rng = np.random.default_rng([seed, GENRES.index(genre), index])
    n = int(round(duration * sr))
    # GTZAN's clips are not all exactly 30 s; about one in five here is a little short too.
    if rng.random() < 0.2:
        n -= int(rng.uniform(0.01, 0.08) * sr)

    # About one track in four borrows its instruments from anywhere, as real bands do.
    if rng.random() < 0.25:
        pool = sorted(_TIMBRES)
        recipe = replace(recipe, chord_timbre=str(rng.choice(pool)),
                         lead_timbre=str(rng.choice(pool)))
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
        lanes = [("kick", recipe.kick, 1.0), ("snare", recipe.snare, 0.7),
                 ("hat_open" if recipe.hat_open else "hat", recipe.hat, 0.35)]
        for bar in range(n_bars):
            for name, pattern, gain in lanes:
                for step, ch in enumerate(pattern):
                    if ch == ".":
                        continue
                    velocity = (1.0 if ch == "x" else 0.4) * rng.uniform(0.85, 1.0)
                    onset = bar * bar_s + _step_time(step, beat_s, swing)
                    r.hit(drums, onset + rng.normal(0, 0.003), kit[name], gain * velocity)

    chord_root = 48 + key
    scale = _SCALES[recipe.lead_scale]
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
            for interval in _CHORDS[quality]:
                r.note(harmony, onset, dur, root + interval, recipe.chord_timbre, 0.25,
                       recipe.vibrato)
        # Bass line.
        b = root - 12
        fifth = b + 7
        if recipe.bass_style == "whole":
            r.note(bass, bar_start, bar_s, b, recipe.bass_timbre, 0.5, recipe.vibrato)
        elif recipe.bass_style == "808":
            for step, ch in enumerate(recipe.kick or "x"):
                if ch != ".":
                    r.note(bass, bar_start + _step_time(step, beat_s, swing), 1.5 * beat_s,
                           b - 12, "sub", 0.8)
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
                r.note(bass, bar_start + _step_time(step, beat_s, swing), beats * beat_s, midi,
                       recipe.bass_timbre, 0.5)
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
            r.note(lead, bar_start + _step_time(2 * pos, beat_s, swing), 0.5 * beat_s * 1.6,
                   midi, recipe.lead_timbre, 0.35, recipe.vibrato)

    drive = rng.uniform(*recipe.distortion)
    if drive > 0.05:
        for part in (harmony, lead):
            peak = np.max(np.abs(part)) or 1.0
            part[:] = np.tanh(drive * part / peak) / np.tanh(drive) * peak
    mix = (drums * level() * (rng.random() > 0.1) + harmony * level()
           + bass * level() + lead * level() * (rng.random() > 0.15))
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
    mix *= rng.uniform(0.5, 0.95) / np.max(np.abs(mix))
    return mix.astype(np.float32)


def synthesize_track(genre: str, index: int, seed: int = DEFAULT_SEED, sr: int = SAMPLE_RATE,
                     duration: float = 30.0) -> np.ndarray:
    """Render one synthetic track of a genre.

    Args:
        genre: one of :data:`course.settings.GENRES`.
        index: the track number within its genre (``NN`` in ``<genre>.000NN.wav``).
        seed: the sample's seed; with ``genre`` and ``index`` it fixes the audio exactly.
        sr: sample rate in Hz.
        duration: nominal length in seconds (about one track in five is up to 80 ms shorter).

    Returns:
        ``(n_samples,)`` float32 audio in [-1, 1].

    Notebook: 00_start_here.ipynb
    """
    if genre not in RECIPES:
        raise ValueError(f"Unknown genre {genre!r}; choose one of: {', '.join(GENRES)}.")
    if index < 0:
        raise ValueError(f"index must be 0 or more, got {index}.")
    if duration <= 0.5:
        raise ValueError(f"duration must be more than 0.5 s, got {duration}.")
    return _render_track(genre, seed, index, sr, duration)


def _manifest(tracks_per_genre: int, seed: int, duration: float) -> dict:
    return {"version": SAMPLE_VERSION, "tracks_per_genre": tracks_per_genre, "seed": seed,
            "duration": duration, "sample_rate": SAMPLE_RATE, "genres": list(GENRES)}


def make_sample(out_dir: str | Path = SAMPLE_DIR, tracks_per_genre: int = DEFAULT_TRACKS_PER_GENRE,
                seed: int = DEFAULT_SEED, duration: float = 30.0, progress: bool = True,
                force: bool = False) -> Path:
    """Write the synthetic sample to ``out_dir`` unless an identical one is already there.

    The folder is built in a temporary sibling and renamed into place, so an interrupted run
    never leaves a half-written sample that a later run would trust.

    Args:
        out_dir: destination folder; ``<genre>/<genre>.000NN.wav`` files go inside it.
        tracks_per_genre: tracks per genre (1 to 100).
        seed: the sample's seed.
        duration: nominal track length in seconds.
        progress: show a progress bar.
        force: rebuild even when a matching sample exists.

    Returns:
        The sample folder.

    Notebook: 00_start_here.ipynb
    """
    from tqdm.auto import tqdm

    if not 1 <= tracks_per_genre <= 100:
        raise ValueError(f"tracks_per_genre must be between 1 and 100, got {tracks_per_genre}.")
    out_dir = Path(out_dir)
    wanted = _manifest(tracks_per_genre, seed, duration)
    if not force and sample_matches(out_dir, wanted):
        return out_dir
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".sample-", dir=out_dir.parent))
    try:
        jobs = [(g, i) for g in GENRES for i in range(tracks_per_genre)]
        bar = tqdm(jobs, desc="Synthesising sample", unit="track",
                   disable=not show_progress(progress))
        for genre, i in bar:
            folder = tmp / genre
            folder.mkdir(exist_ok=True)
            y = synthesize_track(genre, i, seed=seed, duration=duration)
            sf.write(folder / f"{genre}.{i:05d}.wav", y, SAMPLE_RATE, subtype="PCM_16")
        (tmp / MANIFEST).write_text(json.dumps(wanted, indent=2) + "\n")
        if out_dir.exists():
            if sample_matches(out_dir, wanted) and not force:  # another process finished first
                return out_dir
            shutil.rmtree(out_dir)
        os.replace(tmp, out_dir)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return out_dir


def sample_matches(folder: str | Path, wanted: dict | None = None) -> bool:
    """True if ``folder`` holds a complete sample made with the given (default) settings."""
    folder = Path(folder)
    wanted = wanted or _manifest(DEFAULT_TRACKS_PER_GENRE, DEFAULT_SEED, 30.0)
    try:
        found = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError):
        return False
    if found != wanted:
        return False
    return all((folder / g / f"{g}.{i:05d}.wav").is_file()
               for g in GENRES for i in range(wanted["tracks_per_genre"]))


def ensure_sample(progress: bool = True) -> Path:
    """The default sample folder, generated on first use.

    Notebook: 00_start_here.ipynb
    """
    return make_sample(SAMPLE_DIR, progress=progress)


def synthesize_note(midi: float = 57, timbre: str = "piano", seconds: float = 1.5,
                    sr: int = SAMPLE_RATE, seed: int = 0) -> np.ndarray:
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
        raise ValueError(f"Unknown timbre {timbre!r}; choose one of: {', '.join(sorted(_TIMBRES))}.")
    n = int(seconds * sr)
    buf = np.zeros(n)
    _Renderer(n, sr, np.random.default_rng(seed), brightness=1.0).note(
        buf, 0.0, seconds - 0.05, midi, timbre, 1.0)
    return (0.8 * buf / np.max(np.abs(buf))).astype(np.float32)


def midi_to_hz(midi: float) -> float:
    """The frequency in Hz of a MIDI note number (A4 = 69 = 440 Hz, equal temperament).

    Notebook: 01_waveform_and_fourier.ipynb
    """
    return _hz(midi)
