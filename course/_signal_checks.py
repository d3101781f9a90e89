"""The checkers of notebooks 00 to 03 (data, waveform and Fourier, STFT, MFCC), which
:class:`course.exercises.Checks` inherits; :mod:`course.exercises` says what every checker does."""

from __future__ import annotations

import numpy as np

from . import _references as ref
from ._references import pick as _pick
from .checking import (
    Verdict,
    begin_check,
    compare_cases,
    fresh_rng,
    run_answer,
    say_verdict,
    show_value,
)


class SignalChecks:
    """The checkers of notebooks 00 to 03, one method per exercise."""

    # 00 · Start here
    def label_mapping(self, answer) -> Verdict:
        """``answer(folders)``: ``{genre: label}`` for the genre folder names as a directory
        listing gives them, in any order; labels 0 to n - 1 that do not depend on that order."""
        name = "label_mapping"
        stop = begin_check(name, answer)
        if stop is not None:
            return stop
        for listings in ref.label_rounds(fresh_rng()):
            first = None
            for listed in listings:
                shown = "[" + ", ".join(listed) + "]"
                outcome, got = run_answer(answer, (list(listed),))
                problem, first = ref.labels_problem(outcome, got, listed, shown, first)
                if problem:
                    return say_verdict(
                        False, name, problem, (list(map(str, listed)),), shown, show_value(got)
                    )
        return say_verdict(
            True,
            name,
            "labels 0 to n - 1, the same whatever order the folders are "
            "listed in (new listings on every run).",
        )

    def readable_clips(self, answer) -> Verdict:
        """``answer(paths)``: ``(clips, skipped)``: every readable file's audio (a list, tuple,
        generator or dict) and the files that could not be read (paths, names, ``(path,
        reason)`` pairs, errors or a dict), without stopping at the first bad one."""
        import tempfile
        from pathlib import Path

        name = "readable_clips"
        stop = begin_check(name, answer)
        if stop is not None:
            return stop
        r = fresh_rng()
        for n_good, n_bad in ref.clip_rounds(r):
            with tempfile.TemporaryDirectory() as tmp:
                paths, good, bad = ref.write_clip_round(Path(tmp), r, n_good, n_bad)
                shown = "[" + ", ".join(p.name for p in paths) + "]"
                outcome, got = run_answer(answer, (list(paths),))
                problem = ref.clips_problem(outcome, got, good, bad)
            if problem:
                return say_verdict(
                    False,
                    name,
                    f"for the files {shown}: {problem}",
                    (shown,),
                    shown,
                    show_value(got),
                )
        return say_verdict(
            True,
            name,
            "every readable file's audio kept, each unreadable one named (new files on every run).",
        )

    # 01 · Waveform and Fourier
    def frequencies_heard_as(self, answer) -> Verdict:
        """``answer(heard, sr, highest)``: every frequency from 0 to ``highest`` Hz (included)
        that sampling at ``sr`` Hz makes sound as ``heard`` Hz (0 to sr / 2), in increasing
        order, each once: an array or a list."""
        r = fresh_rng()
        rates = [8000, 16000, 22050, 44100, 48000, int(r.integers(4000, 50000))]

        def heard(sr):
            return round(float(r.uniform(2, sr / 2 - 1)), 1)

        sr, k = _pick(r, rates), int(r.integers(1, 5))
        h = heard(sr)
        cases = [
            (0.0, sr, float(k * sr)),
            (sr / 2, sr, k * sr + sr / 2),
            (h, sr, k * sr + h),
            (h, sr, k * sr - h),
            (h, sr, round(h / 2, 1)),
            (h, sr, sr / 2),
        ]
        for _ in range(6):
            sr = _pick(r, rates)
            cases.append((heard(sr), sr, round(float(r.uniform(0, 5 * sr)), 1)))
        return compare_cases(
            "frequencies_heard_as",
            answer,
            cases,
            ref.frequencies_heard_as,
            "Hint: the samples cannot tell f from f + sr, nor f from -f; which "
            "frequencies up to highest land on heard? Keep each once, smallest first.",
        )

    def nearest_bin(self, answer) -> Verdict:
        """``answer(f, sr, n)``: the index of the DFT bin (``n`` samples at ``sr`` Hz) nearest
        to ``f`` Hz, for 0 <= f <= sr / 2 (half-way between two bins, either is right)."""
        r = fresh_rng()
        rates = [8000, 16000, 22050, 44100, 48000, int(r.integers(4000, 50000))]
        sr, n = _pick(r, rates), int(r.integers(8, 8193))
        k = int(r.integers(1, n // 2))
        cases = [
            (0.0, sr, n),
            (440.0, 22050, 2048),
            ((k + 0.5) * sr / n, sr, n),
            ((k + 0.6) * sr / n, sr, n),
            ((k + 0.3) * sr / n, sr, n),
            (k * sr / n, sr, n),
            ((n // 2) * sr / n, sr, n),
            ((n // 2 - 0.45) * sr / n, sr, n),
        ]
        for _ in range(8):
            sr, n = _pick(r, rates), int(r.integers(2, 8193))
            cases.append((min(round(float(r.uniform(0, sr / 2)), 1), (n // 2) * sr / n), sr, n))
        return compare_cases(
            "nearest_bin",
            answer,
            cases,
            ref.nearest_bin,
            "Hint: turn f into a bin number (how many bin spacings is it from 0 Hz?), "
            "then take the nearest whole one; int() always rounds down.",
            integer=True,
        )

    # 02 · STFT and spectrogram
    def sample_range(self, answer) -> Verdict:
        """``answer(frames, hop)``: ``(fewest, most)`` samples a signal can have for a centred
        STFT with hop ``hop`` to give ``frames`` frames (frames >= 2)."""
        r = fresh_rng()
        hops = [64, 128, 256, 441, 512, 1024, int(r.integers(50, 1000))]
        cases = [(2, _pick(r, hops)), (int(r.integers(2, 200)), 1), (130, 512), (2, 1)]
        cases += [(int(r.integers(2, 3000)), _pick(r, hops)) for _ in range(8)]
        return compare_cases(
            "sample_range",
            answer,
            cases,
            ref.sample_range,
            "Hint: write the frame count as a function of the number of samples, "
            "then find the first and the last sample count that give this many.",
            integer=True,
        )

    def periodic_window(self, answer) -> Verdict:
        """``answer(symmetric, n)``: the periodic window of ``n`` >= 2 samples, made with
        ``symmetric(m)``, a function giving the symmetric window of m samples (as np.hanning,
        np.hamming, np.blackman and np.bartlett do)."""
        r = fresh_rng()
        windows = [np.hanning, np.hamming, np.blackman, np.bartlett]
        cases = [
            (w, n) for w in windows for n in (2, int(r.integers(3, 10)), int(r.integers(10, 2049)))
        ]
        cases = [cases[i] for i in r.permutation(len(cases))]
        return compare_cases(
            "periodic_window",
            answer,
            cases,
            ref.periodic_window,
            "Hint: a symmetric window of m samples ends where it starts; a periodic "
            "one stops one sample before it would start again. Which symmetric "
            "window holds the periodic one of n samples?",
            shown=lambda w, n: f"symmetric=np.{w.__name__}, n={n}",
        )

    # 03 · MFCC
    def mel_to_hz_htk(self, answer) -> Verdict:
        """``answer(m)``: frequencies in Hz from mels on HTK's scale, for scalars and arrays.
        The inverse of HTK's own form (natural log, 1127) and of the base-10 form (2595) are
        both right: they differ by the rounding of their constants, about 1e-5 of the value."""
        r = fresh_rng()
        cases = [
            (0.0,),
            (1000.0,),
            (int(r.integers(20, 3500)),),
            (round(float(r.uniform(20, 3900)), 1),),
            (np.round(r.uniform(0, 3900, int(r.integers(2, 6))), 1),),
            (np.array([round(float(r.uniform(0, 2800)), 1)]),),
            (r.uniform(0, 3900, 50),),
        ]
        return compare_cases(
            "mel_to_hz_htk",
            answer,
            cases,
            ref.mel_to_hz_htk,
            "Hint: undo HTK's formula one operation at a time, the last one first; "
            "numpy's functions also take arrays.",
            rtol=2e-5,
        )

    def mfcc_frames(self, answer) -> Verdict:
        """``answer(seconds, sr, hop)``: MFCC frames of a segment, as librosa centres them."""
        r = fresh_rng()
        cases = [(3.0, 22050, 512), (0.0625, 8000, 512)]
        for _ in range(3):  # sample counts that the hop divides
            sr, hop, step = _pick(
                r,
                [
                    (16384, 512, 1 / 16),
                    (16384, 1024, 1 / 16),
                    (44100, 441, 0.25),
                    (48000, 480, 0.25),
                    (16000, 128, 1.0),
                    (32000, 256, 1.0),
                ],
            )
            cases.append((int(r.integers(1, 33)) * step, sr, hop))
        while len(cases) < 14:
            seconds, sr = int(r.integers(1, 161)) / 16, _pick(r, [8000, 11025, 16000, 22050, 44100])
            if seconds * sr == int(seconds * sr):
                cases.append((seconds, sr, _pick(r, [128, 256, 441, 512, 1024])))
        return compare_cases(
            "mfcc_frames",
            answer,
            cases,
            ref.mfcc_frames,
            "Hint: count the segment's samples first; with centred framing only the hop matters.",
            integer=True,
        )
