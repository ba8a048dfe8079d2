"""`kiosk speech check`: after installing an office machine, hear (or write) every prompt."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kiosk.commands.common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, fail, handles_errors


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "speech", help="check the speech output (read-aloud and announcements)",
        description="Speech output of the visitor terminal and the board.")
    speech_sub = p.add_subparsers(dest="speech_command", metavar="SUBCOMMAND")
    check = speech_sub.add_parser(
        "check", help="synthesise every prompt of every screen language and check it is heard",
        description="Synthesise every prompt of every screen language (recordings where the "
                    "office installed them, else espeak-ng), play them or write them as WAV "
                    "files, list languages without a voice or recording, and exit 1 when a "
                    "language that has a voice produced silence. The synthesised speech is "
                    "kept in the cache beside the store (--db), so the terminal speaks its "
                    "first words without delay.")
    check.add_argument("--out", metavar="DIR", type=Path,
                       help="write DIR/<language>/<prompt id>.wav instead of playing")
    check.add_argument("--language", metavar="L", action="append",
                       help="only this screen language (repeatable; default: all configured)")
    check.set_defaults(func=cmd_speech_check)
    p.set_defaults(func=lambda args: (p.print_help(), EXIT_USAGE)[1])


@handles_errors
def cmd_speech_check(args: argparse.Namespace) -> int:
    """Check every prompt of the chosen languages; exit 1 on silence from a voiced language."""
    from kiosk.config import load_config
    from kiosk.i18n.languages import UI_LANGUAGE_CODES
    from kiosk.paths import resolve_config, resolve_db
    from kiosk.speech.check import check_languages
    from kiosk.speech.player import Player
    from kiosk.speech.setup import make_voice, speech_cache_dir

    config = load_config(resolve_config(args.config))
    configured = [c for c in config.ui_languages if c in UI_LANGUAGE_CODES]
    languages = args.language or configured
    unknown = [c for c in languages if c not in UI_LANGUAGE_CODES]
    if unknown:
        return fail(f"--language {unknown[0]!r} is not a screen language "
                    f"(known: {', '.join(UI_LANGUAGE_CODES)})", EXIT_USAGE)
    store = resolve_db(args.db)
    # Beside the store the check fills the terminal's own cache: its first visitor then
    # hears the first word without waiting for synthesis.
    cache = speech_cache_dir(store if store.parent.is_dir() else None)
    voice = make_voice(config.speech, cache)
    if not voice.engine.available():  # type: ignore[attr-defined]
        return fail("espeak-ng is not installed (Debian: apt-get install espeak-ng)",
                    EXIT_FAILED)
    player = None
    if args.out is None:
        player = Player(config.speech.player)
        if not player.available():
            return fail(f"the player {player.command[0]!r} is not installed (Debian: "
                        f"apt-get install alsa-utils) — or write files with --out DIR",
                        EXIT_FAILED)
    elif args.out.exists() and not args.out.is_dir():
        return fail(f"--out {args.out}: exists and is not a directory", EXIT_USAGE)

    def progress(lang: str, prompt_id: str) -> None:
        print(f"\r{lang}: {prompt_id:<40}", end="", file=sys.stderr, flush=True)

    prefixes = config.queue.walk_in_prefix + config.queue.appointment_prefix
    reports = check_languages(languages, voice, args.out, player,
                              progress if sys.stderr.isatty() else None, prefixes)
    if sys.stderr.isatty():
        print("\r" + " " * 50 + "\r", end="", file=sys.stderr)
    failed = False
    for r in reports:
        if not r.heard:
            print(f"{r.lang}: no voice and no recordings — silent (install recorded prompts, "
                  f"see README \"Speech\")")
            continue
        line = (f"{r.lang}: {r.synthesised} synthesised, {r.recorded} recorded, "
                f"{r.seconds:.0f} s of speech")
        if r.silent:
            line += f"; SILENT: {', '.join(r.silent[:5])}{' …' if len(r.silent) > 5 else ''}"
            failed = failed or r.failed
        print(line)
    if args.out is not None:
        print(f"WAV files in {args.out}/<language>/")
    return EXIT_FAILED if failed else EXIT_OK
