"""A network receipt printer on loopback: a real TCP server that keeps what it is sent."""

from __future__ import annotations

import socket
import threading
from types import TracebackType


class LoopbackPrinter:
    """Listens on 127.0.0.1 (a free port), takes one connection and reads it to the end,
    as a printer on port 9100 does. ``received`` holds the bytes once the sender closed."""

    def __init__(self) -> None:
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        self.received = b""
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _serve(self) -> None:
        self._server.settimeout(30)
        try:
            conn, _peer = self._server.accept()
        except OSError:
            self._done.set()
            return
        with conn:
            conn.settimeout(30)
            chunks = []
            while chunk := conn.recv(65536):
                chunks.append(chunk)
            self.received = b"".join(chunks)
        self._done.set()

    def wait(self) -> bytes:
        """The bytes of the one job (after the sender closed the connection)."""
        assert self._done.wait(30), "the printer got no complete job"
        return self.received

    def __enter__(self) -> LoopbackPrinter:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._server.close()
        self._thread.join(5)


def closed_port() -> int:
    """A loopback port nobody listens on (bound, then closed): connections are refused,
    as from a network printer that is switched off or unplugged from the switch."""
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return probe.getsockname()[1]
