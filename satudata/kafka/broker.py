"""A real Apache Kafka 4.x broker (KRaft, one combined node) from Maven Central jars, run with ``java -cp``.

Used by ``satudata kafka up``, ``satudata up`` and the pytest session fixture. The jars are fetched once with
``mvn dependency:copy-dependencies`` into a cache folder (see ``infra/kafka/pom.xml``).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path
from types import TracebackType

from aiokafka.client import AIOKafkaClient

from satudata.settings import PROJECT_ROOT

POM = PROJECT_ROOT / "infra" / "kafka" / "pom.xml"
LOG4J2 = PROJECT_ROOT / "infra" / "kafka" / "log4j2.properties"
DEFAULT_CACHE = Path(os.environ.get("SATUDATA_CACHE_DIR", PROJECT_ROOT / ".cache"))


class BrokerError(RuntimeError):
    """The local broker could not be prepared, started or reached."""


def libs_dir(cache_dir: Path = DEFAULT_CACHE) -> Path:
    return cache_dir / "kafka-libs"


def ensure_kafka_libs(cache_dir: Path = DEFAULT_CACHE) -> Path:
    """Fetch the broker's runtime jars with Maven unless the cache already matches the POM. Idempotent."""
    target = libs_dir(cache_dir)
    stamp = target / ".pom"
    pom_text = POM.read_text(encoding="utf-8")
    if (
        stamp.exists()
        and stamp.read_text(encoding="utf-8") == pom_text
        and any(target.glob("kafka_2.13-*.jar"))
    ):
        return target
    if shutil.which("mvn") is None:
        raise BrokerError(
            "Maven (mvn) tidak ditemukan; pasang Maven untuk mengunduh Kafka dari Maven Central"
        )
    tmp = target.with_name(target.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    cmd = [
        "mvn",
        "-q",
        "-B",
        "-f",
        str(POM),
        "dependency:copy-dependencies",
        "-DincludeScope=runtime",
        f"-DoutputDirectory={tmp}",
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise BrokerError(f"mvn gagal mengunduh Kafka:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    shutil.rmtree(target, ignore_errors=True)
    tmp.rename(target)
    stamp.write_text(pom_text, encoding="utf-8")
    return target


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def broker_answers(bootstrap: str, timeout: float = 5.0) -> bool:
    """True when a Kafka client can fetch cluster metadata listing at least one broker."""

    async def probe() -> bool:
        client = AIOKafkaClient(bootstrap_servers=bootstrap, request_timeout_ms=int(timeout * 1000))
        try:
            await client.bootstrap()
            return bool(client.cluster.brokers())
        except Exception:
            return False
        finally:
            await client.close()

    with concurrent.futures.ThreadPoolExecutor(1) as pool:  # callable from inside a running event loop too
        return pool.submit(asyncio.run, probe()).result()


def port_open(host: str, port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.5):
        return True
    return False


class KafkaBroker:
    """One KRaft node (broker + controller) with its data under ``home``.

    ``start()`` formats the storage on first use, launches the JVM and waits until the broker answers.
    Data persists in ``home/data`` between runs; ``stop()`` shuts it down with SIGTERM (SIGKILL after a grace).
    """

    def __init__(
        self,
        home: Path,
        port: int,
        *,
        controller_port: int | None = None,
        heap: str = "512m",
        cache_dir: Path = DEFAULT_CACHE,
    ) -> None:
        self.home = home
        self.port = port
        self.controller_port = controller_port or free_port()
        self.heap = heap
        self.cache_dir = cache_dir
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def log_dir(self) -> Path:
        return self.home / "logs"

    def _properties(self) -> str:
        data = (self.home / "data").resolve()
        return "\n".join(
            [
                "process.roles=broker,controller",
                "node.id=1",
                f"controller.quorum.voters=1@127.0.0.1:{self.controller_port}",
                f"listeners=PLAINTEXT://127.0.0.1:{self.port},CONTROLLER://127.0.0.1:{self.controller_port}",
                f"advertised.listeners=PLAINTEXT://127.0.0.1:{self.port}",
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                "inter.broker.listener.name=PLAINTEXT",
                f"log.dirs={data}",
                "num.partitions=1",
                "num.recovery.threads.per.data.dir=1",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=6",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "auto.create.topics.enable=false",
                "log.retention.hours=-1",
                "log.segment.bytes=67108864",
                "",
            ]
        )

    def _java(self, libs: Path, *args: str, heap: str = "256m") -> list[str]:
        java = shutil.which("java")
        if java is None:
            raise BrokerError("java tidak ditemukan; Kafka 4 membutuhkan Java 17+")
        return [
            java,
            f"-Xms{heap}",
            f"-Xmx{heap}",
            "-XX:+UseG1GC",
            "-Djava.awt.headless=true",
            f"-Dlog4j2.configurationFile={LOG4J2}",
            f"-Dkafka.logs.dir={self.log_dir.resolve()}",
            "-cp",
            f"{libs}/*",
            *args,
        ]

    def start(self, timeout: float = 90.0) -> None:
        """Format (first time only), start the JVM and wait until the broker accepts connections."""
        libs = ensure_kafka_libs(self.cache_dir)
        self.home.mkdir(parents=True, exist_ok=True)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        # Ports are fixed in the data dir's metadata only through the config, so rewrite it on every start.
        props = self.home / "server.properties"
        props.write_text(self._properties(), encoding="utf-8")
        if not (self.home / "data" / "meta.properties").exists():
            cluster_id = (
                subprocess.run(
                    self._java(libs, "kafka.tools.StorageTool", "random-uuid"),
                    capture_output=True,
                    text=True,
                    check=True,
                )
                .stdout.strip()
                .splitlines()[-1]
            )
            fmt = subprocess.run(
                self._java(
                    libs,
                    "kafka.tools.StorageTool",
                    "format",
                    "-t",
                    cluster_id,
                    "-c",
                    str(props),
                    "--ignore-formatted",
                ),
                capture_output=True,
                text=True,
                check=False,
            )
            if fmt.returncode != 0:
                raise BrokerError(f"format penyimpanan Kafka gagal: {fmt.stderr[-2000:]}")
        if port_open("127.0.0.1", self.port):
            raise BrokerError(f"port {self.port} sudah dipakai proses lain")
        out = (self.log_dir / "stdout.log").open("ab")
        self._proc = subprocess.Popen(
            self._java(libs, "kafka.Kafka", str(props), heap=self.heap),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.pid_file.write_text(str(self._proc.pid), encoding="utf-8")
        self.wait_ready(timeout)

    @property
    def pid_file(self) -> Path:
        return self.home / "broker.pid"

    def detach(self) -> None:
        """Leave the broker running after this process exits (``satudata kafka down`` stops it)."""
        self._proc = None

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc is not None and self._proc.poll() is not None:
                raise BrokerError(
                    f"Kafka berhenti saat mulai (kode {self._proc.returncode}); lihat {self.log_dir}"
                )
            if port_open("127.0.0.1", self.port) and broker_answers(self.bootstrap):
                return
            time.sleep(0.3)
        raise BrokerError(f"Kafka tidak siap dalam {timeout:.0f} detik; lihat {self.log_dir}")

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def stop(self, grace: float = 20.0) -> None:
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        self.pid_file.unlink(missing_ok=True)

    @staticmethod
    def stop_detached(home: Path, grace: float = 20.0) -> bool:
        """Stop a broker started in ``home`` by another process; False if none was running."""
        pid_file = home / "broker.pid"
        if not pid_file.exists():
            return False
        pid = int(pid_file.read_text(encoding="utf-8"))
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pid_file.unlink(missing_ok=True)
            return False
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.2)
        else:
            os.kill(pid, signal.SIGKILL)
        pid_file.unlink(missing_ok=True)
        return True

    def __enter__(self) -> KafkaBroker:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
