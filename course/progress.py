"""Progress on long work that reads well wherever it goes.

In a terminal or a notebook a bar redraws itself in place (tqdm). When the output is a file or a
CI log, a redrawn bar would fill it with carriage returns, so each stage prints one line when it
ends instead: what was done, how many, and how long it took.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator

from .settings import show_progress


def redraws() -> bool:
    """True when progress can be redrawn in place: a notebook front end, or standard error
    attached to a terminal; False when it goes to a file or a pipe (``> log``, CI)."""
    if "ipykernel" in sys.modules:
        return True
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def track(
    iterable: Iterable,
    total: int | None = None,
    desc: str = "",
    unit: str = "item",
    progress: bool = True,
) -> Iterator:
    """Iterate over ``iterable`` with progress shown: a tqdm bar where it can redraw, else one
    line at the end (``"desc: 100 files in 3.2 s (31.2 files/s)"``); nothing if ``progress`` is
    False or ``TQDM_DISABLE`` is set.

    Args:
        iterable: what to iterate over.
        total: its length, if ``len`` cannot tell.
        desc: what is being done, for example "MFCC features".
        unit: what one item is, for example "file".
        progress: False for silence.

    Yields:
        The items of ``iterable``.
    """
    if not show_progress(progress):
        yield from iterable
        return
    if redraws():
        from tqdm.auto import tqdm

        yield from tqdm(iterable, total=total, desc=desc, unit=unit)
        return
    start, count = time.perf_counter(), 0
    for item in iterable:
        count += 1
        yield item
    seconds = time.perf_counter() - start
    rate = f" ({count / seconds:.1f} {unit}s/s)" if seconds > 0 and count else ""
    print(
        f"{desc}: {count} {unit}{'' if count == 1 else 's'} in {seconds:.1f} s{rate}",
        file=sys.stderr,
        flush=True,
    )
