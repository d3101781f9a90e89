"""The sample's genres as recipes: chords, scales, and for each genre a tempo range, drum
patterns, swing, a chord progression and rhythm, a bass style, timbres, distortion and noise.

Pure data; :mod:`course.synth` renders a track from a recipe.
"""

from __future__ import annotations

from dataclasses import dataclass

# Intervals in semitones above a chord root.
CHORDS = {
    "maj": (0, 4, 7),
    "min": (0, 3, 7),
    "7": (0, 4, 7, 10),
    "maj7": (0, 4, 7, 11),
    "min7": (0, 3, 7, 10),
    "9": (0, 4, 7, 10, 14),
    "power": (0, 7, 12),
}
# Scales for melodies, in semitones above the key.
SCALES = {
    "major": (0, 2, 4, 5, 7, 9, 11),
    "minor": (0, 2, 3, 5, 7, 8, 10),
    "major_penta": (0, 2, 4, 7, 9),
    "minor_penta": (0, 3, 5, 7, 10),
    "blues": (0, 3, 5, 6, 7, 10),
    "dorian": (0, 2, 3, 5, 7, 9, 10),
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
        tempo=(70, 115),
        swing=(0.6, 0.68),
        kick="x.......x.......",
        snare="....x.......x...",
        hat="x.x.x.x.x.x.x.x.",
        hat_open=False,
        progression=(
            (0, "7"),
            (0, "7"),
            (0, "7"),
            (0, "7"),
            (5, "7"),
            (5, "7"),
            (0, "7"),
            (0, "7"),
            (7, "7"),
            (5, "7"),
            (0, "7"),
            (7, "7"),
        ),
        minor_key=False,
        chord_timbre="organ",
        chord_rhythm="x.x.x.x.x.x.x.x.",
        bass_style="boogie",
        bass_timbre="bass",
        lead_timbre="saw",
        lead_scale="blues",
        lead_density=(3, 7),
        distortion=(0.5, 2.0),
        snr_db=(18, 35),
        brightness=(0.7, 1.1),
    ),
    # No drums, slow sustained strings, stepwise melody with vibrato, very quiet noise floor.
    "classical": Recipe(
        tempo=(55, 100),
        swing=(0.5, 0.5),
        kick=None,
        snare=None,
        hat=None,
        hat_open=False,
        progression=(
            (0, "maj"),
            (5, "maj"),
            (7, "maj"),
            (0, "maj"),
            (9, "min"),
            (2, "min"),
            (7, "7"),
            (0, "maj"),
        ),
        minor_key=False,
        chord_timbre="strings",
        chord_rhythm="x...............",
        bass_style="whole",
        bass_timbre="strings",
        lead_timbre="strings",
        lead_scale="major",
        lead_density=(2, 6),
        distortion=(0.0, 0.0),
        snr_db=(28, 45),
        brightness=(0.6, 1.0),
        vibrato=0.006,
    ),
    # Train beat, boom-chick bass alternating root and fifth, twangy plucked guitar.
    "country": Recipe(
        tempo=(95, 145),
        swing=(0.5, 0.56),
        kick="x.......x.......",
        snare="..o.x.o...o.x.o.",
        hat="x.x.x.x.x.x.x.x.",
        hat_open=False,
        progression=(
            (0, "maj"),
            (0, "maj"),
            (5, "maj"),
            (0, "maj"),
            (7, "maj"),
            (7, "maj"),
            (0, "maj"),
            (0, "maj"),
        ),
        minor_key=False,
        chord_timbre="pluck",
        chord_rhythm="....x.......x...",
        bass_style="root_fifth",
        bass_timbre="bass",
        lead_timbre="pluck",
        lead_scale="major_penta",
        lead_density=(3, 7),
        distortion=(0.0, 0.3),
        snr_db=(18, 35),
        brightness=(0.9, 1.3),
    ),
    # Four on the floor, open hats on the off-beats, octave bass, minor-seventh string stabs.
    "disco": Recipe(
        tempo=(110, 132),
        swing=(0.5, 0.52),
        kick="x...x...x...x...",
        snare="....x.......x...",
        hat="..x...x...x...x.",
        hat_open=True,
        progression=((0, "min7"), (5, "min7"), (0, "min7"), (10, "7")),
        minor_key=True,
        chord_timbre="strings",
        chord_rhythm="..x...x...x...x.",
        bass_style="octave",
        bass_timbre="bass",
        lead_timbre="saw",
        lead_scale="dorian",
        lead_density=(2, 6),
        distortion=(0.0, 0.2),
        snr_db=(20, 38),
        brightness=(1.0, 1.3),
    ),
    # Laid-back swung sixteenths, booming 808 sub bass under the kick, sparse minor piano, hiss.
    "hiphop": Recipe(
        tempo=(78, 100),
        swing=(0.52, 0.6),
        kick="x......x..x.....",
        snare="....x.......x...",
        hat="xoxoxoxoxoxoxoxo",
        hat_open=False,
        progression=((0, "min7"), (8, "maj7"), (3, "maj7"), (10, "7")),
        minor_key=True,
        chord_timbre="piano",
        chord_rhythm="x.......x.......",
        bass_style="808",
        bass_timbre="sub",
        lead_timbre="piano",
        lead_scale="minor_penta",
        lead_density=(1, 4),
        distortion=(0.0, 0.6),
        snr_db=(14, 28),
        brightness=(0.6, 1.0),
    ),
    # Swung ride cymbal, walking bass, ii-V-I with sevenths and ninths, a reedy sax lead.
    "jazz": Recipe(
        tempo=(100, 200),
        swing=(0.62, 0.7),
        kick="x...............",
        snare=".......o......o.",
        hat="x...x.x.x...x.x.",
        hat_open=True,
        progression=((2, "min7"), (7, "9"), (0, "maj7"), (9, "7")),
        minor_key=False,
        chord_timbre="piano",
        chord_rhythm="...x.....x....x.",
        bass_style="walking",
        bass_timbre="bass",
        lead_timbre="reed",
        lead_scale="dorian",
        lead_density=(4, 8),
        distortion=(0.0, 0.0),
        snr_db=(20, 38),
        brightness=(0.7, 1.1),
        vibrato=0.004,
    ),
    # Fast double kick, heavily distorted power chords chugging in sixteenths, minor key.
    "metal": Recipe(
        tempo=(140, 200),
        swing=(0.5, 0.5),
        kick="x.x.x.x.x.x.x.x.",
        snare="....x.......x...",
        hat="x...x...x...x...",
        hat_open=True,
        progression=((0, "power"), (8, "power"), (10, "power"), (0, "power")),
        minor_key=True,
        chord_timbre="saw",
        chord_rhythm="x.x.x.x.xxx.x.x.",
        bass_style="eighths",
        bass_timbre="bass",
        lead_timbre="saw",
        lead_scale="minor",
        lead_density=(0, 6),
        distortion=(4.0, 9.0),
        snr_db=(16, 32),
        brightness=(1.0, 1.4),
    ),
    # I-V-vi-IV, sustained bright pads, a singing lead that repeats its hook.
    "pop": Recipe(
        tempo=(95, 128),
        swing=(0.5, 0.53),
        kick="x.....x.x.......",
        snare="....x.......x...",
        hat="x.x.x.x.x.x.x.x.",
        hat_open=False,
        progression=((0, "maj"), (7, "maj"), (9, "min"), (5, "maj")),
        minor_key=False,
        chord_timbre="pad",
        chord_rhythm="x.......x.......",
        bass_style="eighths",
        bass_timbre="bass",
        lead_timbre="reed",
        lead_scale="major_penta",
        lead_density=(3, 7),
        distortion=(0.0, 0.4),
        snr_db=(22, 40),
        brightness=(0.9, 1.3),
        vibrato=0.005,
    ),
    # One drop (kick and rim on beat three), off-beat organ skank, deep melodic bass.
    "reggae": Recipe(
        tempo=(64, 92),
        swing=(0.5, 0.58),
        kick="........x.......",
        snare="........x.......",
        hat="x.x.x.x.x.x.x.x.",
        hat_open=False,
        progression=((0, "min"), (5, "min"), (0, "min"), (7, "min")),
        minor_key=True,
        chord_timbre="organ",
        chord_rhythm="..x...x...x...x.",
        bass_style="reggae",
        bass_timbre="sub",
        lead_timbre="reed",
        lead_scale="minor_penta",
        lead_density=(1, 4),
        distortion=(0.0, 0.3),
        snr_db=(16, 34),
        brightness=(0.6, 1.0),
    ),
    # Backbeat, eighth-note power chords with moderate overdrive, pentatonic guitar lead.
    "rock": Recipe(
        tempo=(100, 150),
        swing=(0.5, 0.52),
        kick="x.......x.x.....",
        snare="....x.......x...",
        hat="x.x.x.x.x.x.x.x.",
        hat_open=False,
        progression=((0, "power"), (10, "power"), (5, "power"), (0, "power")),
        minor_key=False,
        chord_timbre="saw",
        chord_rhythm="x.x.x.x.x.x.x.x.",
        bass_style="eighths",
        bass_timbre="bass",
        lead_timbre="saw",
        lead_scale="minor_penta",
        lead_density=(2, 6),
        distortion=(1.2, 4.0),
        snr_db=(18, 34),
        brightness=(0.9, 1.3),
    ),
}
