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
        03_mfcc.ipynb, 05_overfitting.ipynb, 06_cnn.ipynb, 07_cnn_on_mfcc.ipynb,
        10_genre_comparison.ipynb, 11_music_emotion.ipynb
    """
    path = Path(path)
    if not path.is_file():
        raise PathNotFoundError(f"No such audio file: {path}")
    if sr <= 0:
        raise ParameterError(f"sr must be a positive sample rate in Hz, got {sr!r}.")
    if path.suffix.lower() == ".mp3" and "MP3" not in sf.available_formats():
        raise AudioError(
            path,
            "this soundfile/libsndfile build cannot read MP3 (libsndfile 1.1 "
            "and newer can: python -m pip install -U soundfile), or convert "
            "the file to WAV or FLAC",
        )
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


#: Bit rate of the players' MP3 (constant): about a fifth of 16-bit WAV at 22 050 Hz. At that
#: sample rate the encoder keeps what lies below about 10 kHz (measured: a noise band at 10 to
#: 10.5 kHz comes out more than 20 dB down at every bit rate the encoder offers).
MP3_KBPS = 64


def encode_audio(y: np.ndarray, sr: int = SAMPLE_RATE) -> tuple[bytes, str]:
    """Compress a clip for embedding in a notebook: MP3 at :data:`MP3_KBPS` kbit/s, which
    every major browser plays (Chrome, Firefox, Safari, Edge).

    A clip already in [-1, 1] keeps its level, so loudness can be compared between players;
    a louder clip is scaled to a peak of 1. Where soundfile's libsndfile cannot write MP3
    (libsndfile older than 1.1), the clip is written as 16-bit WAV instead.

    Args:
        y: ``(n_samples,)`` audio.
        sr: its sample rate in Hz.

    Returns:
        ``(encoded bytes, MIME type)``: ``"audio/mpeg"``, or ``"audio/wav"`` for the fallback.
    """
    import io

    y = np.asarray(y, dtype=np.float32).reshape(-1)
    if y.size == 0:
        raise ParameterError("A clip to play must hold at least one sample; this one is empty.")
    if not np.all(np.isfinite(y)):
        raise ParameterError(
            "A clip to play holds NaN or infinite samples; check the code that made it."
        )
    peak = float(np.abs(y).max())
    if peak > 1.0:
        y = y / peak
    buffer = io.BytesIO()
    if "MP3" in sf.available_formats():
        # libsndfile maps compression_level 0..1 onto the bit rate, 0 being the highest.
        level = _mp3_level(sr)
        sf.write(
            buffer,
            y,
            sr,
            format="MP3",
            subtype="MPEG_LAYER_III",
            compression_level=level,
            bitrate_mode="CONSTANT",
        )
        return buffer.getvalue(), "audio/mpeg"
    sf.write(buffer, y, sr, format="WAV", subtype="PCM_16")
    return buffer.getvalue(), "audio/wav"


def _mp3_level(sr: int) -> float:
    # libsndfile's constant bit rate runs linearly from the highest (level 0) to the lowest
    # (level 1) that MPEG allows at this sample rate: 8 to 160 kbit/s below 32 kHz (MPEG-2 and
    # 2.5), 32 to 320 kbit/s from 32 kHz (MPEG-1).
    low, high = (8, 160) if sr < 32000 else (32, 320)
    return float(np.clip((high - MP3_KBPS) / (high - low), 0.0, 1.0))


def audio_tag(y: np.ndarray, sr: int = SAMPLE_RATE, label: str = "") -> str:
    """An HTML ``<audio>`` player with the clip embedded, compressed by :func:`encode_audio`.

    Args:
        y: ``(n_samples,)`` audio.
        sr: its sample rate in Hz.
        label: what the clip is; a screen reader announces the player by it (``aria-label``,
            and ``title`` where a page strips ARIA attributes), with the clip's length.
    """
    import base64
    from html import escape

    data, mime = encode_audio(y, sr)
    source = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
    name = escape(f"{label + ': ' if label else ''}audio, {len(y) / sr:.3g} s", quote=True)
    return (
        f'<audio controls preload="metadata" style="width:100%" aria-label="{name}" '
        f'title="{name}" src="{source}"></audio>'
    )


def players(clips: dict[str, np.ndarray], sr: int = SAMPLE_RATE, columns: int = 2):
    """Labelled audio players laid out in a grid, for listening in a notebook.

    Args:
        clips: ``{label: y}``, each ``(n_samples,)`` audio; keep clips short (a few seconds),
            since each is embedded in the notebook (as MP3, see :func:`encode_audio`).
        sr: sample rate in Hz.
        columns: at most this many players per row (fewer when the page is narrow).

    Returns:
        An ``IPython.display.HTML`` object (displayed when it is a cell's last value).

    Notebook: 00_start_here.ipynb, 01_waveform_and_fourier.ipynb, 02_stft_spectrogram.ipynb,
        03_mfcc.ipynb, 05_overfitting.ipynb, 06_cnn.ipynb, 07_cnn_on_mfcc.ipynb,
        11_music_emotion.ipynb
    """
    from html import escape

    from IPython.display import HTML

    # A grid that wraps: at most ``columns`` per row, fewer on a narrow page, never overflowing.
    cells = [
        f"<div><b>{escape(label)}</b><br>{audio_tag(y, sr, label=label)}</div>"
        for label, y in clips.items()
    ]
    grid = (
        "display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));"
        f"gap:6px 16px;max-width:{columns * 280}px"
    )
    return HTML(f"<div style='{grid}'>" + "".join(cells) + "</div>")
