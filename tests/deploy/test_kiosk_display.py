"""The kiosk display as deployed, headless: install step, rendered unit, launcher, X, xterm.

The visitor unit's own command line runs with the launcher that `install-units.sh` installs,
on a virtual screen (Xvfb) instead of the machine's. A visitor checks in seven times — de, ar,
fa, uk, Leichte Sprache, Kurmancî, Tigrinya — by tapping (`xdotool` clicks) and typing into
the real terminal. What the screen should show comes from a twin of the app run in Pilot at
the same terminal size: its composed cells give the tiles to tap and the colour every blank
cell must have on screen.
Screenshots are kept in a temporary directory (printed at the end) to look at.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from PIL import Image
from rich.color import Color
from textual.app import App
from textual.pilot import Pilot

from kiosk.config import load_config
from kiosk.context import make_context
from kiosk.paths import DEFAULT_CONFIG
from kiosk.store.db import init_store
from kiosk.ui.visitor.app import make_visitor_app
from kiosk.ui.visitor.widgets import TicketNumber
from tests.deploy.kiosk_display import (
    Screen,
    close,
    colour_share,
    free_display,
    share_matching,
    stop_tree,
)
from tests.screen_cells import screen_cells

pytestmark = pytest.mark.slow

ROOT = Path(__file__).parents[2]
DISPLAY_KIT = ROOT / "deploy" / "kiosk-display"
TOOLS = ("xinit", "Xvfb", "xterm", "xdotool", "xauth", "import")
SITE, LOCATION = "MEHU", "MEHU-1"
LANGS = ("de", "ar", "fa", "uk", "ls", "kmr", "ti")
PICTOGRAMS = {"📅"} | {c.symbol for c in load_config(DEFAULT_CONFIG).concerns}


def packages(name: str) -> list[str]:
    lines = (DISPLAY_KIT / name).read_text().splitlines()
    return [word for line in lines for word in line.split("#", 1)[0].split()]


@pytest.fixture(scope="module")
def tools() -> None:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    assert not missing, (f"missing {missing}: install deploy/kiosk-display/packages.txt and "
                         "test-packages.txt")


def shop_config(tmp: Path) -> Path:
    """The shipped network with every office's hours unknown (open whenever the test runs)
    and a long idle timeout (a slow machine must not reset the kiosk mid-check-in)."""
    text = DEFAULT_CONFIG.read_text()
    text = re.sub(r"(?m)^\s*hours\s*=.*$", "", text)
    text = re.sub(r"(?m)^idle_timeout_seconds\s*=.*$", "idle_timeout_seconds = 900", text)
    path = tmp / "network.toml"
    path.write_text(text)
    return path


@pytest.fixture
def deployed(tmp_path: Path, tools: None) -> dict[str, Path]:
    """The install step and the units, as the runbook runs them, into a temporary root."""
    root, prefix, data, units = (tmp_path / d for d in ("root", "prefix", "data", "units"))
    for d in (root, prefix / "bin", data, tmp_path / "fake-bin"):
        d.mkdir(parents=True)
    apt_log = tmp_path / "apt-get.log"
    apt = tmp_path / "fake-bin" / "apt-get"  # the packages are installed by the test set-up
    apt.write_text(f'#!/bin/sh\necho "$@" >> "{apt_log}"\n')
    apt.chmod(0o755)
    env = {"PATH": f"{apt.parent}:/usr/bin:/bin", "DESTDIR": str(root)}
    subprocess.run([str(DISPLAY_KIT / "install.sh")], env=env, check=True, capture_output=True)
    subprocess.run([str(ROOT / "deploy" / "install-units.sh"), str(prefix), str(data),
                    str(units)], check=True, capture_output=True)
    asked = apt_log.read_text().split()
    assert asked[:1] == ["install"] and set(packages("packages.txt")) <= set(asked)
    installed = subprocess.run(
        ["dpkg-query", "-W", "-f", "${db:Status-Status} ${Package}\n",
         *packages("packages.txt")], capture_output=True, text=True).stdout
    assert installed.count("installed ") == len(packages("packages.txt")), installed
    # `kiosk` of the release, with one addition: it notes the terminal's size for the twin
    size_file = tmp_path / "terminal-size"
    kiosk = prefix / "bin" / "kiosk"
    kiosk.write_text(f'#!/bin/sh\nstty size > "{size_file}"\n'
                     f'exec "{Path(sys.executable).with_name("kiosk")}" "$@"\n')
    kiosk.chmod(0o755)
    config = shop_config(tmp_path)
    subprocess.run([str(kiosk), "--config", str(config), "--db", str(data / "kiosk.db"),
                    "init", "--site", SITE, "--location", LOCATION], check=True,
                   capture_output=True)
    return {"root": root, "units": units, "config": config, "size": size_file,
            "tmp": tmp_path}


def unit_command(unit: Path) -> tuple[list[str], dict[str, str]]:
    """ExecStart= and Environment= of a rendered unit."""
    text = unit.read_text()
    command = re.search(r"(?m)^ExecStart=(.*)$", text).group(1).split()
    env: dict[str, str] = {}
    for line in re.findall(r"(?m)^Environment=(.*)$", text):
        env.update(pair.split("=", 1) for pair in line.split())
    return command, env


def expected_backgrounds(app: App) -> list[tuple[int, int, tuple[int, int, int]]]:
    """Every blank cell of the twin's screen with the colour the terminal must paint it."""
    out = []
    for y, row in enumerate(screen_cells(app)):
        for x, cell in enumerate(row):
            bg = cell.colours()[1]
            if cell.char == " " and isinstance(bg, Color) and not bg.is_default:
                out.append((x, y, tuple(bg.get_truecolor())))
    return out


async def twin_tap(pilot: Pilot, screen: Screen, selector: str) -> None:
    """Tap the same tile on the twin and, at its place, on the real screen."""
    widget = pilot.app.screen.query_one(selector)
    region = widget.region
    screen.tap(region.x + region.width // 2, region.y + region.height // 2)
    assert await pilot.click(selector)
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def matched(screen: Screen, app: App, name: str) -> Image.Image:
    expected = expected_backgrounds(app)
    return screen.wait_for(name, lambda image: share_matching(image, screen, expected))


def title_side(image: Image.Image, screen: Screen, app: App) -> float:
    """Where the title's text sits: the mean x of its letters' pixels, 0 left … 1 right."""
    region = app.screen.query_one("#title").region
    _cw, ch = screen.cell
    box = (0, region.y * ch, screen.width, region.bottom * ch)
    crop = image.crop(box)
    bg = crop.getpixel((1, 1))
    xs = [x for x in range(crop.width) for y in range(0, crop.height, 2)
          if not close(crop.getpixel((x, y)), bg, 60)]
    assert xs, "no title text on screen"
    return sum(xs) / len(xs) / screen.width


def pictogram_colour(image: Image.Image, screen: Screen, app: App) -> dict[str, float]:
    """For each pictogram on screen: the share of its pixels that are colour, not text."""
    shares: dict[str, float] = {}
    cw, ch = screen.cell
    for y, row in enumerate(screen_cells(app)):
        for x, cell in enumerate(row):
            if cell.char in PICTOGRAMS:
                box = (x * cw, y * ch, (x + 2) * cw, (y + 1) * ch)
                shares[f"{cell.char}@{x},{y}"] = colour_share(image, box)
    return shares


async def test_the_deployed_kiosk_display_shows_every_step_in_four_languages(
        deployed: dict[str, Path]) -> None:
    command, unit_env = unit_command(deployed["units"] / "kiosk-visitor.service")
    assert Path(command[0]).name == "kiosk-display" and command[-1] == "visitor"
    runtime = deployed["tmp"] / "run"
    runtime.mkdir()
    display = free_display()
    env = {**{k: v for k, v in os.environ.items()
              if not k.startswith(("KIOSK_", "DISPLAY", "XAUTHORITY", "COLORTERM"))},
           **unit_env, "KIOSK_DISPLAY": display, "KIOSK_DISPLAY_SERVER": "xvfb",
           "KIOSK_XVFB_SCREEN": "1280x800x24", "TMPDIR": str(runtime),
           "KIOSK_DISPLAY_CONFIG": str(deployed["root"] / "etc" / "lokal-willkommen"
                                       / "kiosk-display.conf"),
           "KIOSK_CONFIG": str(deployed["config"])}
    env.pop("XDG_RUNTIME_DIR", None)  # the launcher keeps its X cookie in TMPDIR then
    shots = Path(tempfile.mkdtemp(prefix="kiosk-display-shots-"))
    log = (deployed["tmp"] / "display.log").open("wb")
    launcher = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
    try:
        await _visit(deployed, display, runtime, shots, launcher)
    finally:
        stop_tree(launcher)
        log.close()
        print(f"\nscreenshots in {shots}")


async def _visit(deployed: dict[str, Path], display: str, runtime: Path, shots: Path,
                 launcher: subprocess.Popen[bytes]) -> None:
    for _ in range(600):  # the launcher's kiosk notes its size once the terminal is full-screen
        if deployed["size"].exists() and deployed["size"].read_text().strip():
            break
        assert launcher.poll() is None, (deployed["tmp"] / "display.log").read_text()
        await asyncio.sleep(0.1)
    rows, cols = map(int, deployed["size"].read_text().split())
    assert cols >= 80 and rows >= 24, (cols, rows)
    xauthority = next(runtime.glob("kiosk-display.*/Xauthority"))
    screen = Screen(display, xauthority, shots, cols, rows)
    screen.measure()

    config = load_config(deployed["config"])
    ctx = make_context(config, init_store(deployed["tmp"] / "twin.db", SITE, LOCATION))
    twin = make_visitor_app(ctx, idle_timeout=900)
    images: dict[str, Image.Image] = {}
    try:
        async with twin.run_test(size=(cols, rows)) as pilot:
            await pilot.pause()
            images["welcome"] = matched(screen, twin, "welcome")
            for lang in LANGS:
                await twin_tap(pilot, screen, f"#lang-{lang}")
                images[f"concern-{lang}"] = image = matched(screen, twin, f"concern-{lang}")
                side = title_side(image, screen, twin)
                assert (side > 0.5) == (lang in ("ar", "fa")), (lang, side)
                colours = pictogram_colour(image, screen, twin)
                assert len(colours) >= 10 and min(colours.values()) > 0.03, (lang, colours)
                await twin_tap(pilot, screen, "#concern-wohnen")
                await twin_tap(pilot, screen, "#continue")
                matched(screen, twin, f"counsel-{lang}")
                counsel = f"#counsel-{lang}" if twin.screen.query(f"#counsel-{lang}") else \
                    "#counsel-de"
                await twin_tap(pilot, screen, counsel)
                matched(screen, twin, f"name-{lang}")
                screen.type("Mina")  # typed into the real terminal, then Enter
                screen.key("Return")
                await pilot.press(*"Mina", "enter")
                await pilot.app.workers.wait_for_complete()
                await pilot.pause()
                images[f"ticket-{lang}"] = image = matched(screen, twin, f"ticket-{lang}")
                _ticket_glyphs_are_on_screen(image, screen, twin)
                await twin_tap(pilot, screen, "#done")
                matched(screen, twin, f"welcome-after-{lang}")
    finally:
        ctx.close()
    concerns = [images[f"concern-{lang}"].tobytes() for lang in LANGS]
    assert len(set(concerns)) == len(LANGS), "a language's concern screen looks like another's"


def _ticket_glyphs_are_on_screen(image: Image.Image, screen: Screen, twin: App) -> None:
    """The big ticket number, cell by cell: lit where the block font is lit, card elsewhere."""
    number = twin.screen.query_one(TicketNumber)
    cells = screen_cells(twin)
    region = number.region
    lit, card = [], []
    for y in range(region.y, region.bottom):
        for x in range(region.x, region.right):
            cell = cells[y][x]
            rgb = tuple(cell.colours()[1].get_truecolor())
            (lit if cell.style.reverse else card).append((x, y, rgb))
    assert len(lit) >= 30 and card, (number.ticket, len(lit))
    assert share_matching(image, screen, lit) == 1.0
    assert share_matching(image, screen, card) == 1.0
    assert not close(lit[0][2], card[0][2], 60)
