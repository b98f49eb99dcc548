"""A LibreOffice started ahead of the documents it will lay out.

Starting LibreOffice takes longer than laying out a document. A build therefore starts it as
soon as it knows a document will need it, and hands each document over when it is written: a
second ``soffice --convert-to`` with the same profile finds the first through LibreOffice's
single-instance pipe, passes its command line, and waits until the first has converted the
files (desktop/source/app/officeipcthread.cxx). The first keeps an empty document open, so
it does not end after a conversion; the build ends it.

On a fresh profile LibreOffice 7 restarts once while starting (its pipe opens, closes and
opens again); a command line passed before the restart would be lost (the second soffice then
converts the files itself: right, only slower). So the running LibreOffice counts as ready
once its pipe has opened a second time, or has stayed open for ``SETTLE_SECONDS``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

SETTLE_SECONDS = 4.0  # a pipe open this long is not the one of a start about to restart
READY_SECONDS = 60.0  # a LibreOffice not ready by then is stopped; the build converts alone
STOP_SECONDS = 10.0
WATCH_SECONDS = 0.05  # how often a LibreOffice started ahead is looked at while it starts


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def profile_of(folder: Path) -> str:
    """The URL of the LibreOffice profile in a build's scratch folder."""
    return (folder / "profil").as_uri()


def instance_pipe(profile: str) -> Path | None:
    """The socket through which the LibreOffice using the profile at URL ``profile`` takes
    further command lines: the MD5 of the URL in UTF-16, each byte in hex without a leading
    zero, in /tmp (sal/osl/unx/pipe.cxx); None where that is not how it works."""
    if os.name != "posix" or not os.access("/tmp", os.W_OK) or not hasattr(os, "getuid"):
        return None
    digest = hashlib.md5(profile.encode("utf-16-le"), usedforsecurity=False).digest()
    name = "".join(f"{byte:x}" for byte in digest)
    return Path("/tmp") / f"OSL_PIPE_{os.getuid()}_SingleOfficeIPC_{name}"


class OfficeAhead:
    """One LibreOffice running headless with the profile at URL ``profile``."""

    def __init__(self, process: subprocess.Popen[bytes], pipe: Path) -> None:
        self._process = process
        self._pipe = pipe
        self._started = time.monotonic()
        self._first_pipe: int | None = None  # inode of the pipe first seen
        self._first_seen = 0.0
        self._reopened = False
        self._asked = False
        self._looking = threading.Lock()

    @classmethod
    def start(cls, program: str, profile: str) -> OfficeAhead | None:
        pipe = instance_pipe(profile)
        if pipe is None:
            return None
        command = [
            "/bin/sh",
            "-c",
            # LibreOffice ends when this process closes the pipe to the shell, or dies: it is
            # never left running; the shell ends when LibreOffice does
            'exec 3<&0; "$0" "$@" <&- & office=$!; '
            '{ read -r _ <&3; kill "$office" 2>/dev/null; } & wait "$office"',
            program,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "private:factory/swriter",  # an empty document: it stays after a conversion
        ]
        try:
            process = subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,  # its own process group, stopped as one
            )
        except OSError:
            return None
        return cls(process, pipe)

    def watch(self) -> None:
        """Look at it while it starts, in a thread of its own, until it is ready or ended: a
        restart that no one saw would leave ``ready`` waiting ``SETTLE_SECONDS`` for it."""

        def look() -> None:
            while not self._asked and self.ready() is None:
                time.sleep(WATCH_SECONDS)

        threading.Thread(target=look, name="libreoffice-start", daemon=True).start()

    def ready(self) -> bool | None:
        """True when it takes command lines, None while it starts, False when it ended (or
        was stopped for not getting ready in time)."""
        with self._looking:
            return self._ready()

    def _ready(self) -> bool | None:
        if self._process.poll() is not None:
            return False
        now = time.monotonic()
        try:
            inode: int | None = self._pipe.stat().st_ino
        except OSError:
            inode = None
        if self._first_pipe is None:
            if inode is not None:
                self._first_pipe, self._first_seen = inode, now
        elif inode != self._first_pipe:
            self._reopened = True
        if inode is not None and (self._reopened or now - self._first_seen >= SETTLE_SECONDS):
            return True
        if now - self._started > READY_SECONDS:
            self.stop(0)
            return False
        return None

    def ask_to_end(self) -> None:
        """Close the pipe to the shell around LibreOffice: it ends LibreOffice (one SIGTERM
        to oosplash, which ends soffice.bin; a second one while it ends can leave it hanging)."""
        if not self._asked:
            self._asked = True
            try:
                if self._process.stdin is not None:
                    self._process.stdin.close()
            except OSError:
                pass

    def stop(self, grace: float = STOP_SECONDS) -> None:
        """End it: asked first, then killed with its process group after ``grace`` seconds;
        its pipe is removed if it was left behind."""
        self.ask_to_end()
        try:
            self._process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(self._process.pid, signal.SIGKILL)
            except OSError:
                self._process.kill()
            self._process.wait()
        try:
            if self._first_pipe is not None and self._pipe.is_socket():
                self._pipe.unlink()
        except OSError:
            pass
