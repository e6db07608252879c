"""One LibreOffice kept running while the server runs, so a PDF download does not pay LibreOffice's start-up.

The core's converter starts `soffice --convert-to` with kehoach's cached profile. When a LibreOffice with that
same profile is already running, soffice hands the conversion to it and waits for the file: about 0.3 s
instead of 3–5 s. A running LibreOffice stays only while it has a document open, so it opens a small text of
its own. If it dies, conversions simply start their own LibreOffice again, as on the command line.
"""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
from pathlib import Path

from . import core


class WarmOffice:
    def __init__(self):
        self.process: subprocess.Popen | None = None
        self._folder: tempfile.TemporaryDirectory | None = None

    def start(self) -> bool:
        try:
            soffice = core.find_soffice()
        except core.KehoachError:
            return False
        profile = core.office_cache_dir() / "libreoffice-profile"
        profile.parent.mkdir(parents=True, exist_ok=True)
        self._folder = tempfile.TemporaryDirectory(prefix="kehoach-lo-giu-")
        keep = Path(self._folder.name) / "giu-libreoffice.txt"
        keep.write_text("kehoach\n", encoding="utf-8")
        env = dict(os.environ, LC_ALL="C.UTF-8", SAL_USE_VCLPLUGIN="svp")
        self.process = subprocess.Popen(
            [soffice, f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless", "--norestore", "--nolockcheck",
             "--nologo", str(keep)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
            start_new_session=True)
        return True

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            # soffice is a launcher; the office runs as its child in the session started for it alone.
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(self.process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.process.wait()
        self.process = None
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None
