"""Writing outputs without ever destroying what the course did not make.

Every file or folder a command writes goes through here. The rules:

- a folder of results keeps a record of the files the course wrote into it
  (``.course-outputs.json``); a file the record does not list is never overwritten, and no file
  in the folder is ever removed;
- a single output file is replaced only if it is one the course made (``is_ours`` says how to
  recognise it), and always atomically: written beside the target, then renamed over it, so an
  interrupted write leaves the old file or the new one, never half of one;
- a folder the course builds (the synthetic sample) is built beside its target and renamed into
  place; an existing folder is replaced only if it holds nothing but what the course would put
  there (see :mod:`course.sample`).

A refusal is an :class:`OutputError` whose message names the path and says what to do.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from pathlib import Path

from .errors import OutputError

#: The record a results folder keeps of the files the course wrote into it.
RECORD = ".course-outputs.json"


def _recorded(folder: Path) -> set[str]:
    try:
        return set(json.loads((folder / RECORD).read_text(encoding="utf-8"))["files"])
    except (OSError, ValueError, KeyError, TypeError):
        return set()


def claim_outputs(folder: str | Path, names: Iterable[str]) -> Path:
    """Check, before any work, that the course may write ``names`` into ``folder``.

    A name may be written if no file has it yet, or if the folder's record says the course
    wrote it. Nothing is created or touched.

    Args:
        folder: the output folder.
        names: file names (no sub-folders) the command will write.

    Returns:
        The folder, as a ``Path``.

    Raises:
        OutputError: ``folder`` is a file, or a name exists that the course did not write.
    """
    folder = Path(folder).expanduser()
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{folder} is a file, not a folder: give --out-dir a folder.")
    ours = _recorded(folder)
    foreign = sorted(n for n in names if (folder / n).exists() and n not in ours)
    if foreign:
        listed = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
        raise OutputError(f"{folder} already holds {listed}, which the course did not write; "
                          "choose another --out-dir or move those files away.")
    return folder


def record_outputs(folder: str | Path, names: Iterable[str]) -> None:
    """Add ``names`` to ``folder``'s record of files the course wrote (written atomically)."""
    folder = Path(folder)
    files = sorted(_recorded(folder) | set(names))
    with atomic_path(folder / RECORD) as tmp:
        tmp.write_text(json.dumps({"files": files}, indent=1) + "\n", encoding="utf-8")


@contextmanager
def atomic_path(target: str | Path):
    """A temporary path beside ``target`` to write to; renamed over ``target`` on success and
    removed on failure (an exception or Ctrl-C), so ``target`` is never half written.

    Yields:
        The temporary ``Path`` (a hidden file in the same folder, so the rename is atomic).
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}-", suffix=".part", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp)
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


def check_replaceable_file(path: str | Path, is_ours: Callable[[Path], bool], what: str,
                           suffix: str | None = None) -> Path:
    """Check that the course may write the single file ``path``.

    Args:
        path: the file to write.
        is_ours: recognises a file the course made (for example a readable features file).
        what: what the file is, for the message ("a features file").
        suffix: the extension the file must have, for example ".npz".

    Returns:
        The path, as a ``Path``.

    Raises:
        OutputError: the path is a folder, has the wrong extension, or is an existing file the
            course did not make.
    """
    path = Path(path).expanduser()
    if suffix and path.suffix.lower() != suffix:
        raise OutputError(f"{path} does not end in {suffix}: name {what} like features{suffix}.")
    if path.is_dir():
        raise OutputError(f"{path} is a folder: give a file name for {what}.")
    if path.exists() and not is_ours(path):
        raise OutputError(f"{path} exists and is not {what} the course wrote; it is left as it "
                          "is. Choose another file name.")
    return path
