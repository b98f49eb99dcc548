"""Read a report repository as it was at a git revision, without touching the working tree.

``git archive`` writes the tree of a revision as a tar stream; it is unpacked into a temporary
folder, so nothing in the user's checkout (index, branches, stash) changes.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import KommunrapportError


def _git(root: Path, *args: str, binary: bool = False) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=not binary, check=False
        )
    except FileNotFoundError:
        raise KommunrapportError(
            "programmet git hittades inte", hint="Installera git och försök igen."
        ) from None


@dataclass(frozen=True)
class GitRepository:
    """The git repository that holds a report repository (which may be a sub-folder)."""

    toplevel: Path
    prefix: str  # the report repository's folder inside the git repository, '' or 'a/b/'

    @classmethod
    def containing(cls, root: Path) -> GitRepository:
        top = _git(root, "rev-parse", "--show-toplevel")
        if top.returncode != 0:
            raise KommunrapportError(
                f"{root} ligger inte i ett git-förråd",
                hint="Kör kommandot i rapportförrådet (där content/ ligger) eller ange --root.",
            )
        prefix = _git(root, "rev-parse", "--show-prefix").stdout.strip()
        return cls(Path(top.stdout.strip()), prefix)

    def resolve(self, revision: str) -> str:
        """The commit id of ``revision`` (branch, tag, HEAD~1, a hash …)."""
        found = _git(self.toplevel, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
        if found.returncode != 0 or not found.stdout.strip():
            raise KommunrapportError(
                f"okänd git-revision {revision!r}",
                hint="Ange en gren, en tagg eller en commit, t.ex. main, HEAD~1 eller origin/main.",
            )
        return found.stdout.strip()

    def short(self, commit: str) -> str:
        found = _git(self.toplevel, "rev-parse", "--short", commit)
        return found.stdout.strip() or commit[:10]

    def extract(self, commit: str, destination: Path) -> Path:
        """Unpack the report repository at ``commit`` into ``destination``; return its root."""
        paths = [self.prefix.rstrip("/")] if self.prefix else []
        archive = _git(self.toplevel, "archive", "--format=tar", commit, *paths, binary=True)
        if archive.returncode != 0:
            message = archive.stderr.decode("utf-8", "replace").strip()
            if self.prefix and "did not match any files" in message:
                destination.joinpath(self.prefix).mkdir(parents=True, exist_ok=True)
                return destination / self.prefix
            raise KommunrapportError(f"git archive misslyckades: {message}")
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(destination, filter=_inside_only)
        return destination / self.prefix if self.prefix else destination


def _inside_only(member: tarfile.TarInfo, path: str) -> tarfile.TarInfo | None:
    """tarfile's "data" filter, except that a member it refuses (a link to an absolute path or
    out of the repository) is left out instead of stopping the extraction: the package that
    uses it then reports the file as missing, and nothing outside is ever read."""
    try:
        return tarfile.data_filter(member, path)
    except tarfile.FilterError:
        return None
