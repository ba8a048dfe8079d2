"""`kiosk speech check`: every prompt of every language as a WAV, languages without a voice
listed, a silent language with a voice fails, bad input answered in one line."""

from __future__ import annotations

import subprocess
import sys
import wave
from pathlib import Path

from kiosk.speech.prompts import every_prompt

KIOSK = Path(sys.executable).with_name("kiosk")


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(KIOSK), *args], capture_output=True, text=True, env=env,
                          timeout=600, check=False)


def _env(cli_env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    return {**cli_env, "KIOSK_SPEECH_CACHE": str(tmp_path / "cache")}


def test_check_writes_every_prompt_and_lists_tigrinya(cli_env, tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = _run(["speech", "check", "--out", str(out), "--language", "kmr", "--language", "ti"],
                _env(cli_env, tmp_path))
    assert done.returncode == 0, done.stderr
    assert "ti: no voice and no recordings" in done.stdout
    assert "kmr: " in done.stdout and "SILENT" not in done.stdout
    written = {p.stem for p in (out / "kmr").glob("*.wav")}
    assert set(every_prompt("kmr")) <= written
    assert {"sample.people_before", "sample.wait", "sample.announcement"} <= written
    assert not (out / "ti").exists()


def _silent_recording(folder: Path) -> None:
    folder.mkdir(parents=True)
    with wave.open(str(folder / "CONCERN_TITLE.wav"), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(b"\0\0" * 16000)


def test_a_silent_prompt_in_a_voiced_language_fails(cli_env, tmp_path: Path) -> None:
    recordings = tmp_path / "recordings"
    _silent_recording(recordings / "bg")
    config = tmp_path / "network.toml"
    shipped = (Path(__file__).parents[2] / "kiosk" / "data" / "network.toml").read_text()
    config.write_text(shipped.replace('recordings = ""', f'recordings = "{recordings}"', 1))
    done = _run(["--config", str(config), "speech", "check", "--out", str(tmp_path / "o"),
                 "--language", "bg"], _env(cli_env, tmp_path))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "bg: " in done.stdout and "SILENT: CONCERN_TITLE" in done.stdout


def test_an_unknown_language_is_refused_and_nothing_written(cli_env, tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = _run(["speech", "check", "--out", str(out), "--language", "de",
                 "--language", "xx"], _env(cli_env, tmp_path))
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "'xx' is not a screen language" in done.stderr
    assert not out.exists()


def test_out_must_be_a_directory(cli_env, tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    done = _run(["speech", "check", "--out", str(target), "--language", "de"],
                _env(cli_env, tmp_path))
    assert done.returncode == 2 and "is not a directory" in done.stderr
    assert target.read_text() == "x"


def test_check_fills_the_speech_cache_beside_the_store(cli_env, tmp_path: Path) -> None:
    env = {k: v for k, v in cli_env.items() if k != "KIOSK_SPEECH_CACHE"}
    data = tmp_path / "data"
    data.mkdir()
    done = _run(["--db", str(data / "kiosk.db"), "speech", "check", "--out",
                 str(tmp_path / "out"), "--language", "ro"], env)
    assert done.returncode == 0, done.stderr
    cached = list((data / "speech-cache").glob("*.wav"))
    assert len(cached) >= len(every_prompt("ro"))
