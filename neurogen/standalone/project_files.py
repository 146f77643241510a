"""The files neurogen owns in a standalone project folder, so that nothing else is lost.

A project may be written into a folder that already holds the user's files (``directory='.'``
or an existing folder). neurogen records every file it writes, with its sha256, in the
folder's manifest (``neurogen-project.json``), and writes a file only if

- it does not exist yet, or
- it already holds exactly the bytes neurogen would write (nothing changes), or
- the manifest records it and it still has the recorded content (neurogen wrote it, and
  no one edited it since).

Anything else -- a file neurogen did not write (the user's ``README.md``), or one it wrote
that was edited since (a tweaked ``main.cpp``) -- is refused with ``FileExistsError`` naming
every such file, before anything is written. The same holds for the folders CMake and the
program fill (``build/``, ``results/``): neurogen uses (and with ``clean=True`` deletes) them
only if it created them. neurogen never deletes a file it did not write.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Mapping, Sequence

MANIFEST = "neurogen-project.json"
FORMAT = "neurogen-project 1"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class ProjectFolder:
    """A project folder and its manifest: the files and folders neurogen wrote there."""

    def __init__(self, root: Path) -> None:
        self.root = root

    # -- the manifest ----------------------------------------------------------------------

    def _manifest(self) -> dict:
        path = self.root / MANIFEST
        if not path.exists() and not path.is_symlink():
            return {"format": FORMAT, "files": {}, "directories": []}
        try:
            if path.is_symlink() or not path.is_file():
                raise ValueError("not a regular file")
            manifest = json.loads(path.read_text(encoding="utf-8"))
            if (not isinstance(manifest, dict) or manifest.get("format") != FORMAT
                    or not isinstance(manifest.get("files"), dict)
                    or not isinstance(manifest.get("directories"), list)):
                raise ValueError("not neurogen's manifest")
        except (OSError, ValueError) as error:
            raise FileExistsError(
                f"standalone project {self.root}: {MANIFEST} exists but is not a manifest neurogen wrote "
                f"({error}); neurogen records the files it owns there and will not overwrite it. Use another "
                "directory, or remove that file if it is yours to remove") from None
        return manifest

    def _save(self, manifest: dict) -> None:
        data = (json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")
        path = self.root / MANIFEST
        if not path.exists() or path.read_bytes() != data:
            _replace(path, data)

    # -- files -----------------------------------------------------------------------------

    def write(self, files: Mapping[str, bytes], directories: Sequence[str] = ()) -> None:
        """Write ``files`` (paths relative to the folder, ``/``-separated) and claim
        ``directories`` (``build``, ``results``: see ``claim_directory``): those files whose
        content changed are replaced, unchanged ones keep their time stamps (so CMake rebuilds
        nothing). Refuses (``FileExistsError``) before writing anything if a target is not
        neurogen's to overwrite or a folder is not neurogen's to use."""
        self._make_root()
        manifest = self._manifest()
        recorded: dict[str, str] = manifest["files"]
        conflicts, changed = [], {}
        for name, data in files.items():
            path = self.root / name
            problem = self._obstacle(name)
            if problem:
                conflicts.append(f"{name} ({problem})")
                continue
            if not path.exists():
                changed[name] = data
                continue
            current = path.read_bytes()
            if current == data:
                recorded[name] = _sha256(data)  # nothing to write; and now it is what neurogen wrote
            elif recorded.get(name) == _sha256(current):
                changed[name] = data
            else:
                conflicts.append(f"{name} ({'changed since neurogen wrote it' if name in recorded else 'not written by neurogen'})")
        if conflicts:
            raise FileExistsError(
                f"standalone project {self.root}: neurogen will not overwrite files it did not write or that were "
                f"changed since it wrote them: {', '.join(conflicts)}. Use another directory, or move these files "
                f"away (neurogen records the files it writes in {MANIFEST})")
        taken = [problem for problem in (self._directory_problem(name, manifest) for name in directories) if problem]
        if taken:
            raise FileExistsError(f"standalone project {self.root}: {'; '.join(taken)}")
        for name, data in changed.items():
            path = self.root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            _replace(path, data)
            recorded[name] = _sha256(data)
        for name in [n for n in recorded if not (self.root / n).is_file()]:  # gone: no longer owned
            del recorded[name]
        for name in directories:
            if name not in manifest["directories"]:
                manifest["directories"].append(name)
        self._save(manifest)
        for name in directories:
            (self.root / name).mkdir(exist_ok=True)

    def _obstacle(self, name: str) -> str:
        """Why ``name`` cannot be a file of the project (a folder or link is there), or ''."""
        path = self.root
        for part in Path(name).parts:
            path = path / part
            if path.is_symlink():
                return f"{path.relative_to(self.root)} is a symbolic link"
            if path != self.root / name and path.exists() and not path.is_dir():
                return f"{path.relative_to(self.root)} is a file, not a folder"
        if path.exists() and not path.is_file():
            return "not a regular file"
        return ""

    # -- folders that CMake and the program fill ---------------------------------------------

    def claim_directory(self, name: str) -> Path:
        """``build`` or ``results``: neurogen's if it does not exist yet (it is recorded and
        created) or the manifest records it; else ``FileExistsError``."""
        self.write({}, [name])
        return self.root / name

    def _directory_problem(self, name: str, manifest: dict) -> str:
        """Why neurogen may not use the folder ``name`` (see ``claim_directory``), or ''."""
        path = self.root / name
        if name not in manifest["directories"]:
            if path.exists() or path.is_symlink():
                use = "builds in (and with clean=True deletes)" if name == "build" else "replaces files in"
                return (f"'{name}' exists and neurogen did not create it; neurogen {use} the project's {name}/ "
                        "folder, so it will not use yours. Use another directory, or move it away")
        elif path.is_symlink() or (path.exists() and not path.is_dir()):
            return f"'{name}' is not a folder neurogen created"
        return ""

    def _make_root(self) -> None:
        if self.root.exists() and not self.root.is_dir():
            raise NotADirectoryError(f"standalone project {self.root}: it exists and is not a directory")
        self.root.mkdir(parents=True, exist_ok=True)


def _replace(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically: a reader sees the old file or the new one."""
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644  # mkstemp's files are 0600
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".neurogen-tmp")
    try:
        os.fchmod(handle, mode)
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
