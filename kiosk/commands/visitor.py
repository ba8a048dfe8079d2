"""`kiosk visitor`: the check-in terminal in the waiting area (runs until staff unlock it)."""

from __future__ import annotations

import argparse
import dataclasses
import gc

from kiosk.commands.common import EXIT_OK, EXIT_USAGE, context_from_args, fail, handles_errors


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "visitor", help="open the visitor check-in terminal",
        description="Open the visitor check-in terminal for this site. Visitors cannot quit "
                    "it; staff leave it with Ctrl+\\ and their PIN.")
    p.add_argument("--idle-timeout", type=float, metavar="SECONDS",
                   help="forget the visitor after this many seconds without a tap "
                        "(default: visitor.idle_timeout_seconds from the config)")
    p.add_argument("--bidi", choices=("app", "terminal"),
                   help="who reorders Arabic and Persian: the app (most terminals) or the "
                        "terminal itself (default: visitor.bidi from the config)")
    p.set_defaults(func=cmd_visitor)


@handles_errors
def cmd_visitor(args: argparse.Namespace) -> int:
    """Run the visitor app until staff leave visitor mode."""
    if args.idle_timeout is not None and not 5 <= args.idle_timeout <= 3600:
        return fail("--idle-timeout must be between 5 and 3600 seconds", EXIT_USAGE)
    # Start-up allocates long-lived objects only (modules, screens, config): collecting
    # them is wasted work, so the collector rests until the app is built and then leaves
    # them out of every later full collection (gc.freeze), which would otherwise walk ~50,000
    # objects on the UI thread, ~15 ms, at boot and again now and then during taps.
    gc.disable()
    try:
        from kiosk.context import make_context
        from kiosk.ui.visitor.app import make_visitor_app

        ctx = context_from_args(args)
    except BaseException:
        gc.enable()
        raise
    try:
        try:
            if args.bidi:
                config = dataclasses.replace(
                    ctx.config, visitor=dataclasses.replace(ctx.config.visitor, bidi=args.bidi))
                ctx = make_context(config, ctx.store)
            app = make_visitor_app(ctx, idle_timeout=args.idle_timeout)
        finally:
            gc.freeze()
            gc.enable()
        app.run()
    finally:
        ctx.close()
    return app.return_code or EXIT_OK  # non-zero after a failure: the service restarts it
