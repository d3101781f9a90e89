"""The environment check shared by ``python -m course check`` and notebook 00: versions, GPU or
CPU, the dataset found, and for each problem what to do about it.

Notebook: 00_start_here.ipynb
"""

from __future__ import annotations

from dataclasses import dataclass

from .settings import SUPPORTED_PYTHON, versions

FIX_PACKAGES = "python -m pip install -r requirements.txt"


@dataclass(frozen=True)
class Item:
    """One line of the report: a name, what was found, and a fix when something is wrong."""

    name: str
    value: str
    fix: str = ""


def python_supported(version: str) -> bool:
    """True if a Python version such as "3.12.4" is in :data:`course.settings.SUPPORTED_PYTHON`.

    Args:
        version: the version as text; only its major and minor numbers count.
    """
    major_minor = tuple(int(part) for part in version.split(".")[:2])
    low, high = SUPPORTED_PYTHON
    return low <= major_minor <= high


def device() -> Item:
    """GPU or CPU as TensorFlow sees it, with a hint when a CUDA build sees no GPU."""
    from .models import import_keras

    import_keras()
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        return Item("device", f"GPU ({', '.join(g.name for g in gpus)})")
    fix = ""
    if nvidia_driver_present():
        fix = (
            "an NVIDIA driver is installed but TensorFlow sees no GPU: install the CUDA build "
            'with `python -m pip install "tensorflow[and-cuda]>=2.20,<2.22"` and check that '
            "`nvidia-smi` lists the card"
        )
    return Item("device", "CPU (no GPU needed; training takes minutes)", fix)


def nvidia_driver_present() -> bool:
    """True if this machine has an NVIDIA driver loaded (Linux) or ``nvidia-smi`` on the PATH."""
    import shutil
    from pathlib import Path

    return Path("/proc/driver/nvidia/version").exists() or shutil.which("nvidia-smi") is not None


def report(data=None) -> list[Item]:
    """Everything the check reports.

    Args:
        data: a dataset folder to check, or None for the course's rule (see
            :func:`course.data.resolve_data`); the sample is not generated here.

    Returns:
        A list of :class:`Item`; an item with a ``fix`` is a problem.

    Notebook: 00_start_here.ipynb
    """
    from .data import resolve_data
    from .errors import DatasetError

    found = versions()
    items = [
        Item(name, value, FIX_PACKAGES if value == "missing" else "")
        for name, value in found.items()
    ]
    if not python_supported(found["python"]):
        (lo, hi) = SUPPORTED_PYTHON
        items[0] = Item(
            "python",
            found["python"],
            f"the course supports Python {lo[0]}.{lo[1]} to {hi[0]}.{hi[1]}, as its libraries do",
        )
    if found["tensorflow"] != "missing":
        items.append(device())
    try:
        source = resolve_data(data, make_sample=False)
    except DatasetError as exc:
        items.append(Item("data", "not found", str(exc)))
        return items
    items.append(Item("data", source.describe()))
    if source.synthetic:
        from .sample import sample_matches

        ready = "ready" if sample_matches(source.root) else "made on first use"
        items.append(
            Item(
                "",
                f"synthetic, {ready}; results on it are not GTZAN results "
                "(see data/README.md to use GTZAN)",
            )
        )
    return items


def format_report(items: list[Item]) -> str:
    """The report as aligned text lines, with a 'fix:' line under each problem.

    Args:
        items: the report's lines, as :func:`report` returns them (at least one).

    Notebook: 00_start_here.ipynb
    """
    width = max(len(i.name) for i in items) + 1
    lines = []
    for i in items:
        label = f"{i.name}:" if i.name else ""
        lines.append(f"  {label:<{width}} {i.value}")
        if i.fix:
            lines.append(f"  {'':<{width}} fix: {i.fix}")
    problems = sum(bool(i.fix) for i in items)
    lines.append("  all good" if not problems else f"  {problems} problem(s) to fix, see above")
    return "\n".join(lines)
