"""Where the kiosk keeps its files, in one place, following platform conventions.

Everything that decides a path lives here so that `--db`, `--config`, `KIOSK_DB` and
`KIOSK_CONFIG` are honoured the same way by every command and screen.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import PlatformDirs

APP_NAME = "lokal-willkommen"

_dirs = PlatformDirs(APP_NAME, appauthor=False)

#: The network configuration shipped with the package (the real seven offices).
DEFAULT_CONFIG = Path(__file__).parent / "data" / "network.toml"


def data_dir() -> Path:
    """The per-machine data directory (store, keys)."""
    return Path(_dirs.user_data_dir)


def config_dir() -> Path:
    """The per-machine configuration directory."""
    return Path(_dirs.user_config_dir)


def resolve_db(flag: str | os.PathLike[str] | None = None) -> Path:
    """The store path: the `--db` flag, else `KIOSK_DB`, else the platform default."""
    if flag:
        return Path(flag).expanduser()
    env = os.environ.get("KIOSK_DB")
    if env:
        return Path(env).expanduser()
    return data_dir() / "kiosk.db"


def resolve_config(flag: str | os.PathLike[str] | None = None) -> Path:
    """The config path: `--config`, else `KIOSK_CONFIG`, else a user file, else the shipped one."""
    if flag:
        return Path(flag).expanduser()
    env = os.environ.get("KIOSK_CONFIG")
    if env:
        return Path(env).expanduser()
    user = config_dir() / "network.toml"
    if user.exists():
        return user
    return DEFAULT_CONFIG


def key_dir_for(db_path: Path) -> Path:
    """A site's key directory sits beside its store, so `--db` selects a site completely."""
    return db_path.with_name(db_path.stem + "-keys")
