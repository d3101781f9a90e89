"""How long ``python -m course predict`` takes: loading a saved model (TensorFlow's import
included), the first file, and each further file, in a fresh process as a user runs it.

    python benchmarks/predict_benchmark.py MODEL FILE [FILE ...]

MODEL is a ``.keras`` file (or folder) saved by ``python -m course compare``; the files are
classified in order. Prints each stage's wall time in seconds and the command that repeats it.
"""

from __future__ import annotations

import sys
import time

START = time.perf_counter()


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__)
        return 2
    from course.predict import load_classifier

    imported = time.perf_counter()
    classifier = load_classifier(argv[0])
    loaded = time.perf_counter()
    print(
        f"import course: {imported - START:.2f} s; load the model (TensorFlow's import "
        f"included): {loaded - imported:.2f} s"
    )
    last = loaded
    for i, path in enumerate(argv[1:]):
        prediction = classifier.predict_file(path)
        now = time.perf_counter()
        which = "first file" if i == 0 else "next file"
        print(
            f"{which}: {now - last:.2f} s ({prediction.seconds:.0f} s of audio, "
            f"{len(prediction.probabilities)} segments); since start {now - START:.2f} s"
        )
        last = now
    print("command: python benchmarks/predict_benchmark.py " + " ".join(argv))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
