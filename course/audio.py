"""Loading audio: any file libsndfile reads, any sample rate, any channel count, into mono
float32 at the course rate.

One function, :func:`load_audio`, is used by the notebooks, the sample checks and dataset
preparation, so a file is read the same way everywhere. A file that cannot be read raises
:class:`AudioError`, whose message names the file and the reason; dataset preparation catches
it, skips the file and reports it.

Notebook: 00_start_here.ipynb
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf

from .errors import AudioError, ParameterError, PathNotFoundError
from .settings import SAMPLE_RATE


def load_audio(
    path: str | Path,
    sr: int = SAMPLE_RATE,
    duration: float | None = None,
) -> np.ndarray:
    """Read an audio file as mono float32 at ``sr`` Hz.

    Channels are averaged; other sample rates are resampled with ``librosa.resample`` (the same
    high-quality resampler ``librosa.load`` uses), so the result matches ``librosa.load(path,
    sr=sr, mono=True)`` without its deprecated fallbacks.

    Args:
        path: an audio file (WAV, AU, FLAC, OGG, AIFF, and MP3 where libsndfile reads it).
        sr: target sample rate in Hz.
        duration: if given, read at most this many seconds from the start.

    Returns:
        ``(n_samples,)`` float32 samples in [-1, 1] at ``sr`` Hz.

    Raises:
        PathNotFoundError: the path does not exist.
        AudioError: the file is not readable audio or holds no samples.

    Notebook: 00_start_here.ipynb, 01_waveform_and_fourier.ipynb, 02_stft_spectrogram.ipynb,
        03_mfcc.ipynb, 05_overfitting.ipynb, 06_cnn.ipynb, 07_cnn_on_mfcc.ipynb
    """
    path = Path(path)
    if not path.is_file():
        raise PathNotFoundError(f"No such audio file: {path}")
    if sr <= 0:
        raise ParameterError(f"sr must be a positive sample rate in Hz, got {sr!r}.")
    if path.suffix.lower() == ".mp3" and "MP3" not in sf.available_formats():
        raise AudioError(path, "this soundfile/libsndfile build cannot read MP3 (libsndfile 1.1 "
                               "and newer can: python -m pip install -U soundfile), or convert "
                               "the file to WAV or FLAC")
    if path.stat().st_size == 0:
        raise AudioError(path, "the file is empty (0 bytes)")
    try:
        with sf.SoundFile(path) as f:
            native_sr = f.samplerate
            frames = -1 if duration is None else int(np.ceil(duration * native_sr))
            data = f.read(frames=frames, dtype="float32", always_2d=True)
    except (sf.LibsndfileError, RuntimeError, TypeError) as exc:
        reason = str(exc).split(":", 1)[-1].strip() if str(exc) else type(exc).__name__
        raise AudioError(path, f"not readable as audio ({reason})") from exc
    if data.shape[0] == 0:
        raise AudioError(path, "the file holds no audio samples")
    y = data.mean(axis=1) if data.shape[1] > 1 else data[:, 0]
    if native_sr != sr:
        import librosa  # imported here: it is slow to import and only needed to resample

        y = librosa.resample(y, orig_sr=native_sr, target_sr=sr)
    y = np.ascontiguousarray(y, dtype=np.float32)
    if duration is not None:
        y = y[: int(round(duration * sr))]
    if not np.all(np.isfinite(y)):
        raise AudioError(path, "the file holds NaN or infinite samples")
    return y


def players(clips: dict[str, np.ndarray], sr: int = SAMPLE_RATE, columns: int = 2):
    """Labelled audio players laid out in a grid, for listening in a notebook.

    Args:
        clips: ``{label: y}``, each ``(n_samples,)`` audio; keep clips short (a few seconds),
            since each is embedded in the notebook.
        sr: sample rate in Hz.
        columns: at most this many players per row (fewer when the page is narrow).

    Returns:
        An ``IPython.display.HTML`` object (displayed when it is a cell's last value).

    Notebook: 00_start_here.ipynb, 01_waveform_and_fourier.ipynb, 02_stft_spectrogram.ipynb,
        03_mfcc.ipynb, 05_overfitting.ipynb, 06_cnn.ipynb, 07_cnn_on_mfcc.ipynb
    """
    from html import escape

    from IPython.display import HTML, Audio

    def player(y):
        y = np.asarray(y, dtype=np.float32)
        # Clips already in [-1, 1] play at their own level, so loudness can be compared.
        return Audio(y, rate=sr, normalize=bool(np.abs(y).max(initial=0.0) > 1.0))._repr_html_()

    # A grid that wraps: at most ``columns`` per row, fewer on a narrow page, never overflowing.
    wide = '<audio style="width:100%" '
    cells = [f"<div><b>{escape(label)}</b><br>{player(y).replace('<audio ', wide, 1)}</div>"
             for label, y in clips.items()]
    grid = ("display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));"
            f"gap:6px 16px;max-width:{columns * 280}px")
    return HTML(f"<div style='{grid}'>" + "".join(cells) + "</div>")
