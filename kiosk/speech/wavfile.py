"""Small WAV utilities on the standard library: loudness, length, volume, the board's gong.

No numpy: speech is checked for silence with a root mean square over 16-bit samples, and a
volume is applied by scaling samples into a cached copy (aplay has no volume of its own).
"""

from __future__ import annotations

import array
import hashlib
import math
import os
import sys
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path

#: Below this RMS (of a full scale of 1.0) a file counts as silence (-50 dBFS).
SILENCE_RMS = 10 ** (-50 / 20)


@dataclass(frozen=True)
class WavInfo:
    """How long a WAV file is and how loud (RMS relative to full scale, 0..1)."""

    seconds: float
    rms: float
    rate: int
    channels: int

    @property
    def silent(self) -> bool:
        return self.rms < SILENCE_RMS


def _samples(raw: bytes, width: int) -> array.array:
    if width == 1:  # 8-bit WAV is unsigned
        return array.array("h", ((b - 128) << 8 for b in raw))
    if width == 2:
        data = array.array("h", raw)
    elif width == 4:
        data = array.array("i", raw)
    else:
        raise ValueError(f"{width * 8}-bit samples are not supported (use 16-bit PCM)")
    if sys.byteorder == "big":
        data.byteswap()
    return data


def wav_info(path: Path) -> WavInfo:
    """Length and loudness of a PCM WAV file.

    Raises:
        ValueError: not a PCM WAV file this can read (the message says why).
    """
    try:
        with wave.open(str(path), "rb") as w:
            width, rate, channels = w.getsampwidth(), w.getframerate(), w.getnchannels()
            frames = w.getnframes()
            raw = w.readframes(frames)
    except (wave.Error, EOFError) as exc:
        raise ValueError(f"{path.name}: not a PCM WAV file ({exc})") from None
    data = _samples(raw, width)
    full = float(2 ** (8 * max(width, 2) - 1))
    rms = math.sqrt(sum(s * s for s in data) / len(data)) / full if len(data) else 0.0
    return WavInfo(frames / rate if rate else 0.0, rms, rate, channels)


def with_volume(path: Path, volume: int, cache_dir: Path) -> Path:
    """`path` at `volume` percent (100: unchanged), as a cached copy beside the speech cache."""
    if volume == 100:
        return path
    stat = path.stat()
    key = f"{path}\0{stat.st_mtime_ns}\0{stat.st_size}\0{volume}".encode()
    target = cache_dir / f"vol-{hashlib.sha256(key).hexdigest()[:32]}.wav"
    if target.exists():
        return target
    with wave.open(str(path), "rb") as w:
        params = w.getparams()
        raw = w.readframes(params.nframes)
    if params.sampwidth != 2:
        return path  # only 16-bit is scaled; other files play at their own level
    data = _samples(raw, 2)
    factor = volume / 100
    scaled = array.array("h", (max(-32768, min(32767, int(s * factor))) for s in data))
    if sys.byteorder == "big":
        scaled.byteswap()
    _write(target, params.nchannels, params.framerate, scaled.tobytes())
    return target


def _write(target: Path, channels: int, rate: int, frames: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".part")
    os.close(fd)
    try:
        with wave.open(tmp, "wb") as w:
            w.setnchannels(channels)
            w.setsampwidth(2)
            w.setframerate(rate)
            w.writeframes(frames)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_gong(target: Path, rate: int = 16000) -> None:
    """The board's two-tone gong (E5 then C5, bell-like partials, soft decay), 1.2 s.

    Generated rather than sampled, so the shipped file has no licence of its own; the file
    in ``kiosk/data/gong.wav`` is what this writes (a test compares them).
    """
    out = array.array("h")
    for start, freq in ((0.0, 659.25), (0.45, 523.25)):
        for i in range(int(rate * 0.75)):
            t = i / rate
            env = math.exp(-4.0 * t) * min(1.0, t * 200)
            s = (math.sin(2 * math.pi * freq * t) + 0.4 * math.sin(2 * math.pi * 2.76 * freq * t)
                 + 0.2 * math.sin(2 * math.pi * 5.4 * freq * t))
            index = int((start + t) * rate)
            value = int(0.35 * 32767 * env * s / 1.6)
            if index < len(out):
                out[index] = max(-32768, min(32767, out[index] + value))
            else:
                out.extend([0] * (index - len(out)))
                out.append(value)
    if sys.byteorder == "big":
        out.byteswap()
    _write(target, 1, rate, out.tobytes())
