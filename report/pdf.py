"""Print the report to PDF with headless Chromium (Debian's ``chromium``), offline and atomically."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from synthgate.report.errors import ChromiumMissingError, PdfPrintError

ENV_VAR = "SYNTHGATE_CHROMIUM"
#: Chromium's throwaway profile folder in the system temp folder: PROFILE_PREFIX<pid>-<random>.
PROFILE_PREFIX = "synthgate-chromium-"
CANDIDATES = ("chromium", "chromium-browser", "google-chrome")
# Headless, no sandbox (containers), and nothing that phones home: the page is local and must
# render offline, so every background service that could open a connection is switched off.
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync")


def find_chromium() -> str | None:
    """The Chromium to print with: ``$SYNTHGATE_CHROMIUM`` when set, else the first of chromium,
    chromium-browser, google-chrome on PATH.

    Returns:
        An executable path, or None (also when ``$SYNTHGATE_CHROMIUM`` names no executable: an
        explicit choice that does not work is not silently replaced by another browser).
    """
    chosen = os.environ.get(ENV_VAR)
    if chosen:
        return shutil.which(chosen)
    return next(filter(None, map(shutil.which, CANDIDATES)), None)


def _last_line(stderr: str) -> str:
    """Chromium's last complaint, minus the dbus noise it prints in every container."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip() and "dbus" not in line]
    return lines[-1][:200] if lines else "no message"


def print_pdf(html: Path, pdf: Path, *, chromium: str | None = None, timeout: float = 120) -> Path:
    """Print ``html`` to ``pdf`` (A4, as the report's print CSS lays it out) with headless Chromium.

    The PDF appears whole or not at all: Chromium writes a temporary file beside it, renamed into
    place only when it is a PDF.

    Args:
        html: The report.html to print (must exist).
        pdf: Where the PDF goes; its folder must exist.
        chromium: The executable; by default :func:`find_chromium`.
        timeout: Seconds before Chromium is stopped.

    Returns:
        The PDF's path.

    Raises:
        ChromiumMissingError: no Chromium was found.
        PdfPrintError: Chromium failed, timed out, or wrote no PDF.
    """
    html, pdf = Path(html).resolve(), Path(pdf)
    if not html.is_file():
        raise PdfPrintError(html.name, "the HTML file does not exist")
    executable = chromium or find_chromium()
    if executable is None:
        where = (f"{ENV_VAR} names no executable" if os.environ.get(ENV_VAR)
                 else f"none of {', '.join(CANDIDATES)} is on PATH")
        raise ChromiumMissingError(where)
    if shutil.which(executable) is None:
        raise ChromiumMissingError(f"{executable} is not an executable")
    fd, temp_name = tempfile.mkstemp(prefix=f".{pdf.stem}-", suffix=".pdf.tmp", dir=pdf.parent)
    os.close(fd)
    temp = Path(temp_name)
    try:
        # The profile's name carries this process's id: one left by a killed run is known as such and
        # removed by the next run or `synthgate gc` (flows/gc.py), never one a live print is using.
        with tempfile.TemporaryDirectory(prefix=f"{PROFILE_PREFIX}{os.getpid()}-") as profile:
            command = [executable, *FLAGS, f"--user-data-dir={profile}", "--no-pdf-header-footer",
                       f"--print-to-pdf={temp}", html.as_uri()]
            try:
                done = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                                      stdin=subprocess.DEVNULL, check=False)
            except subprocess.TimeoutExpired:
                raise PdfPrintError(html.name, f"timed out after {timeout:g} s") from None
            except OSError as error:
                raise PdfPrintError(html.name, f"could not start {executable} ({error.strerror})") from None
        if done.returncode != 0:
            raise PdfPrintError(html.name, f"exit status {done.returncode}: {_last_line(done.stderr)}")
        with temp.open("rb") as handle:
            if handle.read(5) != b"%PDF-":
                raise PdfPrintError(html.name, "the output is not a PDF")
        os.chmod(temp, 0o644)
        os.replace(temp, pdf)
    finally:
        temp.unlink(missing_ok=True)
    return pdf
