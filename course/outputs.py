"""Writing outputs without ever destroying what the course did not make.

Every file or folder a command writes goes through here. The rules:

- a folder of results keeps a record of the files the course wrote into it
  (``.course-outputs.json``: their names, a SHA-256 of each file's contents and, where a command
  says so, what kind of file it is); a file the record does not list is never overwritten, and
  no file in the folder is ever removed;
- a command that asks for it (``protect_edits``) also refuses to replace a file that changed
  since the course wrote it, unless told to (``force``), and says which files those are;
- a single output file is replaced only if it is one the course made (``is_ours`` says how to
  recognise it), and always atomically: written beside the target, then renamed over it, so an
  interrupted write leaves the old file or the new one, never half of one; a new file gets the
  permissions the user's umask gives (0644 by default), like any file the user writes;
- a folder the course builds (the synthetic sample) is built beside its target and renamed into
  place; an existing folder is replaced only if it holds nothing but what the course would put
  there (see :mod:`course.sample`).

A refusal is an :class:`OutputError` whose message names the path and says what to do.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from pathlib import Path

from .errors import OutputError

#: The record a results folder keeps of the files the course wrote into it.
RECORD = ".course-outputs.json"


def read_record(folder: str | Path) -> dict:
    """A folder's record: ``{"files": [...], "sha256": {name: hex}, "kinds": {name: kind}}``
    (empty when there is none or it cannot be read; older records have no hashes or kinds).

    Args:
        folder: the results folder, whose ``.course-outputs.json`` is read.
    """
    try:
        data = json.loads((Path(folder) / RECORD).read_text(encoding="utf-8"))
        record = {
            "files": sorted(set(data["files"])),
            "sha256": dict(data.get("sha256", {})),
            "kinds": dict(data.get("kinds", {})),
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {"files": [], "sha256": {}, "kinds": {}}
    return record


def _recorded(folder: Path) -> set[str]:
    return set(read_record(folder)["files"])


def file_sha256(path: str | Path) -> str:
    """The SHA-256 of a file's contents, in hex.

    Args:
        path: the file, read in blocks of 1 MiB.
    """
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _listed(names: list[str]) -> str:
    return ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")


def check_output_folder(folder: str | Path) -> Path:
    """Check, touching nothing, that ``folder`` is a folder the user may write in, or one that
    can be made.

    Args:
        folder: the output folder (``~`` is expanded); it need not exist yet.

    Raises:
        OutputError: it is a file, a link to nothing, under a file, or not writable.
    """
    folder = Path(folder).expanduser()
    if folder.is_symlink() and not folder.exists():
        raise OutputError(
            f"{folder} is a symbolic link to {os.readlink(folder)}, which does not "
            "exist: make that folder first, or give --out-dir another folder."
        )
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{folder} is a file, not a folder: give --out-dir a folder.")
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
        if existing.is_symlink() and not existing.exists():
            raise OutputError(
                f"{folder} cannot be made: {existing} is a symbolic link to "
                f"{os.readlink(existing)}, which does not exist."
            )
    if not existing.is_dir():
        raise OutputError(
            f"{folder} cannot be made: {existing} is a file, not a folder. Give --out-dir a folder."
        )
    if not os.access(existing, os.W_OK | os.X_OK):
        raise OutputError(
            f"{folder} cannot be written: you may not write in {existing}. Give "
            "--out-dir a folder of yours."
        )
    return folder


def make_folder(folder: str | Path) -> Path:
    """``mkdir -p``, with a failure said in one line (an :class:`OutputError`).

    Args:
        folder: the folder to make, with any missing parents; one that exists is fine.
    """
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"Cannot make the folder {folder}: {exc.strerror or exc}.") from exc
    return folder


def claim_outputs(
    folder: str | Path,
    names: Iterable[str],
    *,
    protect_edits: bool = False,
    force: bool = False,
    refuse_kinds: Iterable[str] = (),
) -> Path:
    """Check, before any work, that the course may write ``names`` into ``folder``.

    A name may be written if no file has it yet, or if the folder's record says the course
    wrote it; with ``protect_edits``, only if the file is also unchanged since then (or
    ``force``). Nothing is created or touched.

    Args:
        folder: the output folder.
        names: paths relative to the folder (``results.md``, ``source/02/02.ipynb``) the command
            will write.
        protect_edits: refuse to replace a file that changed since the course wrote it (or whose
            contents an older record does not say).
        refuse_kinds: refuse a folder whose record lists a file of one of these kinds that is
            still there (for example the students' copies, for an answer key).
        force: replace changed files, and write beside those kinds, all the same (never a file
            the course did not write).

    Returns:
        The folder, as a ``Path``.

    Raises:
        OutputError: ``folder`` cannot be a folder the user writes in (see
            :func:`check_output_folder`), a name exists that the course did not write, or (with
            ``protect_edits``) one was changed since, or (``refuse_kinds``) the folder holds
            such a file.
    """
    folder = check_output_folder(folder)
    names = list(names)
    for name in names:
        if Path(name).is_absolute() or ".." in Path(name).parts:
            raise OutputError(f"{name} is not a path inside {folder}.")
    record = read_record(folder)
    ours = set(record["files"])
    foreign = sorted(n for n in names if (folder / n).exists() and n not in ours)
    if foreign:
        raise OutputError(
            f"{folder} already holds {_listed(foreign)}, which the course did not "
            "write; choose another --out-dir or move those files away."
        )
    if protect_edits and not force:
        edited = sorted(
            n
            for n in names
            if (folder / n).is_file() and record["sha256"].get(n) != file_sha256(folder / n)
        )
        if edited:
            raise OutputError(
                f"In {folder}, {_listed(edited)} changed since the course wrote "
                "it (or the course has no record of what it wrote); it is left as "
                "it is. Give --force to replace it, or choose another --out-dir."
            )
    refused = sorted(
        n
        for n, kind in record["kinds"].items()
        if kind in set(refuse_kinds) and (folder / n).exists()
    )
    if refused and not force:
        raise OutputError(
            f"{folder} holds {_listed(refused)}, recorded as "
            f"{record['kinds'][refused[0]]!r}; the course does not write these files "
            "beside them. Choose another --out-dir, or give --force if you mean it."
        )
    return folder


def record_outputs(folder: str | Path, names: Iterable[str], kind: str | None = None) -> None:
    """Add ``names`` to ``folder``'s record of files the course wrote, each file with the
    SHA-256 of its contents now and, if given, its ``kind`` (written atomically).

    Args:
        folder: the results folder whose record is updated.
        names: paths relative to the folder of the files just written.
        kind: what kind of file they are, for example a students' copy; None records no kind.
    """
    folder = Path(folder)
    record = read_record(folder)
    for name in names:
        record["files"] = sorted(set(record["files"]) | {name})
        path = folder / name
        if path.is_file():
            record["sha256"][name] = file_sha256(path)
        if kind is not None:
            record["kinds"][name] = kind
    if not record["kinds"]:
        del record["kinds"]
    with atomic_path(folder / RECORD) as tmp:
        tmp.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n", encoding="utf-8")


@contextmanager
def atomic_path(target: str | Path):
    """A temporary path beside ``target`` to write to; renamed over ``target`` on success and
    removed on failure (an exception or Ctrl-C), so ``target`` is never half written. The new
    file's permissions are those the user's umask gives (0644 by default).

    Args:
        target: the file to write; its folder is made if needed.

    Yields:
        The temporary ``Path`` (a hidden file in the same folder, so the rename is atomic).

    Raises:
        OutputError: the folder cannot be made or written in.
    """
    target = Path(target)
    make_folder(target.parent)
    while True:
        tmp = target.parent / f".{target.name}-{secrets.token_hex(4)}.part"
        try:  # mode 0o666 goes through the umask, as a file the user writes does
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
            break
        except FileExistsError:
            continue
        except OSError as exc:
            raise OutputError(f"Cannot write {target}: {exc.strerror or exc}.") from exc
    try:
        yield tmp
        try:
            os.replace(tmp, target)
        except OSError as exc:
            raise OutputError(f"Cannot write {target}: {exc.strerror or exc}.") from exc
    finally:
        if tmp.exists():
            tmp.unlink()


def check_replaceable_file(
    path: str | Path, is_ours: Callable[[Path], bool], what: str, suffix: str | None = None
) -> Path:
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
        raise OutputError(
            f"{path} exists and is not {what} the course wrote; it is left as it "
            "is. Choose another file name."
        )
    return path
