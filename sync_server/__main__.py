"""``python -m sync_server`` runs the same command line as ``sync-server``."""

from sync_server.cli import main

raise SystemExit(main())
