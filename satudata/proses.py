"""Hub processes as subprocesses (local mode, tests, benchmarks): settings travel as environment variables."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from satudata.settings import Settings


def settings_env(settings: Settings) -> dict[str, str]:
    """Environment that makes ``get_settings()`` in a child process equal ``settings``."""
    env = dict(os.environ)
    for name, field in Settings.model_fields.items():
        value = getattr(settings, name)
        if value is None:
            continue
        key = (
            field.validation_alias if isinstance(field.validation_alias, str) else f"SATUDATA_{name.upper()}"
        )
        env[key] = value.get_secret_value() if hasattr(value, "get_secret_value") else str(value)
    return env


class HubProcess:
    """``python -m satudata <args>`` with the given settings; output goes to a log file."""

    def __init__(self, settings: Settings, *args: str, log: Path) -> None:
        self.args = args
        self.settings = settings
        self.log = log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        out = self.log.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "satudata", *self.args],
            env=settings_env(self.settings),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush, no commit — a crash."""
        if self.proc is not None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self, timeout: float = 30.0) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
