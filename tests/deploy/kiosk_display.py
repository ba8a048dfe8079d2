"""Driving the deployed kiosk display from outside, as a visitor would: X tools and pixels.

The display runs on a virtual X server (Xvfb) with the same launcher, xterm and fonts as on
an office machine. Taps are `xdotool` clicks, typing is `xdotool type`, and what the screen
shows is read back from `import -window root` screenshots.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

Rgb = tuple[int, int, int]


def free_display() -> str:
    """An X display number that no server on this machine uses."""
    for number in range(300 + os.getpid() % 200, 700):
        if not (Path(f"/tmp/.X{number}-lock").exists()
                or Path(f"/tmp/.X11-unix/X{number}").exists()):
            return f":{number}"
    raise RuntimeError("no free X display number")


def descendants(pid: int) -> list[int]:
    """Every process below `pid` (xinit starts the X server in its own process group)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def stop_tree(process: subprocess.Popen[bytes]) -> None:
    """Stop the launcher and everything it started: TERM first, KILL what is left."""
    pids = [process.pid, *descendants(process.pid)]
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            continue
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(Path(f"/proc/{p}").exists() for p in pids):
            time.sleep(0.1)


@dataclass
class Screen:
    """The X display of a running kiosk display, addressed in terminal cells."""

    display: str
    xauthority: Path
    shots: Path
    cols: int
    rows: int
    width: int = 0
    height: int = 0

    def env(self) -> dict[str, str]:
        return {**os.environ, "DISPLAY": self.display, "XAUTHORITY": str(self.xauthority)}

    def x(self, *args: str) -> str:
        done = subprocess.run(list(args), env=self.env(), capture_output=True, text=True,
                              timeout=60, check=True)
        return done.stdout

    def measure(self) -> None:
        self.width, self.height = map(int, self.x("xdotool", "getdisplaygeometry").split())

    @property
    def cell(self) -> tuple[int, int]:
        """Pixels per cell: the terminal fills the screen from its top-left corner."""
        return self.width // self.cols, self.height // self.rows

    def centre(self, x: int, y: int) -> tuple[int, int]:
        cw, ch = self.cell
        return x * cw + cw // 2, y * ch + ch // 2

    def tap(self, x: int, y: int) -> None:
        """A tap at cell (x, y): the touch screen's button-1 click."""
        px, py = self.centre(x, y)
        self.x("xdotool", "mousemove", str(px), str(py), "click", "1")

    def type(self, text: str) -> None:
        self.x("xdotool", "type", "--delay", "60", text)

    def key(self, *keys: str) -> None:
        self.x("xdotool", "key", *keys)

    def shot(self, name: str) -> Image.Image:
        path = self.shots / f"{name}.png"
        self.x("import", "-window", "root", str(path))
        return Image.open(path).convert("RGB")

    def wait_for(self, name: str, matches: Callable[[Image.Image], float],
                 timeout: float = 90) -> Image.Image:
        """Screenshots until `matches` scores at least 0.93 (a condition, not a delay).

        Not 1: the tile under the pointer is highlighted on a real screen when the screen
        changes under it, which the twin does not always repeat (one tile is ~4 % of cells);
        another step's screen scores far lower.
        """
        deadline = time.monotonic() + timeout
        score = 0.0
        while True:
            image = self.shot(name)
            score = matches(image)
            if score >= 0.93:
                return image
            if time.monotonic() > deadline:
                raise AssertionError(f"{name}: the screen never showed it (best {score:.2f})")
            time.sleep(0.2)


def close(a: Rgb, b: Rgb, tolerance: int = 10) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a, b, strict=True))


def share_matching(image: Image.Image, screen: Screen,
                   expected: Iterable[tuple[int, int, Rgb]]) -> float:
    """The share of cells whose centre pixel has the expected colour."""
    pixels = image.load()
    total = hits = 0
    for x, y, rgb in expected:
        total += 1
        hits += close(pixels[screen.centre(x, y)], rgb)
    return hits / total if total else 0.0


def colour_share(image: Image.Image, box: tuple[int, int, int, int]) -> float:
    """The share of strongly coloured pixels in `box` (chroma over 60 of 255).

    The visitor screens' text and tile colours are greys and pale tints, so a text glyph or
    a missing-glyph box antialiased into its tile stays below that; a colour emoji does not.
    """
    pixels = list(image.crop(box).getdata())
    return sum(max(p) - min(p) > 60 for p in pixels) / max(1, len(pixels))
