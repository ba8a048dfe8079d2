"""The colours the kiosk's terminal can show, and the palette the apps use for them.

The stylesheets are written in truecolour (the kiosk display's xterm shows them exactly).
On a terminal with 16 colours (the Linux console, `TERM=linux`) Rich would map those warm
paper tones to the nearest of 16, and they all become the same white: tiles lose their
background and the focused tile its highlight. So on such a terminal the apps switch to the
terminal's own ANSI palette, which turns on Textual's `:ansi` pseudo-class, and the
stylesheets' `:ansi` rules give tiles a visible background and frame the focused tile.

How many colours the terminal has is what Rich reads from the environment: `COLORTERM`
(`truecolor`), `TERM` (`…-256color`, `linux`) or Textual's `TEXTUAL_COLOR_SYSTEM` override.
"""

from __future__ import annotations

from typing import Any

from textual.app import App

#: Rich colour systems with 16 colours or fewer (None: no colour at all, e.g. a dumb terminal).
FEW_COLOUR_SYSTEMS: frozenset[str | None] = frozenset({"standard", "windows", None})


def has_few_colours(color_system: str | None) -> bool:
    """True when a terminal with this Rich colour system cannot show the truecolour theme."""
    return color_system in FEW_COLOUR_SYSTEMS


def use_terminal_palette(app: App[Any]) -> None:
    """Switch `app` to the terminal's ANSI palette when its terminal has 16 colours or fewer.

    Call it in the app's `__init__`, after `App.__init__` (which reads the environment).
    """
    if has_few_colours(app.console.color_system):
        app.ansi_color = True
