"""A lab of strongSwan daemons in network namespaces, for live IKE negotiation in tests.

Each node is one network namespace running its own charon (userspace ESP through kernel-libipsec, because
this kernel has no ESP/XFRM support), with its own strongswan.conf, VICI socket and log file. Nodes are joined
by veth pairs; protected-subnet host addresses live on `lo` as /32s. Namespace names are unique per lab, and
`Lab` tears everything down on exit, even when a test fails half-way.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from wizard.providers.strongswan import vici_decoded

CHARON = Path("/usr/lib/ipsec/charon")
CHARON_PLUGINS = (
    "random nonce openssl aes aesni gcm sha1 sha2 md5 hmac kdf gmp pem pkcs1 x509 pubkey "
    # kernel-libipsec must come before kernel-netlink, or SAs fail to install.
    "kernel-libipsec kernel-netlink socket-default vici"
)
SWANCTL_PLUGINS = "pem pkcs1 x509 pubkey random nonce openssl aes sha1 sha2 md5 hmac kdf gmp"


def missing_prerequisites() -> list[str]:
    """What this machine lacks to run a lab (empty when everything is there)."""
    missing = []
    if os.geteuid() != 0:
        missing.append("root privileges")
    if not CHARON.exists():
        missing.append(f"the charon daemon ({CHARON})")
    for tool in ("ip", "swanctl", "ping"):
        if shutil.which(tool) is None:
            missing.append(f"the `{tool}` command")
    if not Path("/dev/net/tun").exists():
        missing.append("/dev/net/tun (userspace ESP)")
    return missing


def require_lab() -> None:
    """Skip the calling test when the lab cannot run here; fail instead when CI=true (CI must run it)."""
    missing = missing_prerequisites()
    if not missing:
        return
    reason = "strongSwan lab unavailable: missing " + ", ".join(missing)
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


class LabError(RuntimeError):
    """A lab step (namespace, daemon, configuration load) failed."""


@dataclass
class CommandResult:
    """Exit code and combined output of one command."""

    returncode: int
    output: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0


@dataclass
class Node:
    """One namespace with one charon."""

    name: str
    namespace: str
    directory: Path
    process: subprocess.Popen[bytes] | None = None
    interfaces: list[str] = field(default_factory=list)

    @property
    def vici_path(self) -> Path:
        return self.directory / "charon.vici"

    @property
    def vici_uri(self) -> str:
        return f"unix://{self.vici_path}"

    @property
    def log_path(self) -> Path:
        return self.directory / "charon.log"

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, "STRONGSWAN_CONF": str(self.directory / "strongswan.conf")}


def _run(args: list[str], *, env: dict[str, str] | None = None, check: bool = True) -> CommandResult:
    completed = subprocess.run(args, capture_output=True, text=True, env=env, check=False, timeout=60)
    result = CommandResult(completed.returncode, completed.stdout + completed.stderr)
    if check and not result.ok:
        raise LabError(f"{' '.join(args)} failed ({result.returncode}): {result.output.strip()}")
    return result


def _strongswan_conf(directory: Path) -> str:
    return f"""charon {{
  load_modular = no
  load = {CHARON_PLUGINS}
  filelog {{
    log {{
      path = {directory}/charon.log
      default = 1
      ike_name = yes
      flush_line = yes
    }}
  }}
  plugins {{
    vici {{
      socket = unix://{directory}/charon.vici
    }}
  }}
}}
swanctl {{
  load = {SWANCTL_PLUGINS}
}}
"""


class Lab:
    """Namespaces, links and charons for one test; use as a context manager so teardown always runs."""

    def __init__(self, work_dir: Path) -> None:
        self.work_dir = work_dir
        self.token = uuid.uuid4().hex[:6]
        self.nodes: dict[str, Node] = {}
        self._links = 0

    def __enter__(self) -> Lab:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def add_node(self, name: str) -> Node:
        """Create a namespace (unique name per lab) with `lo` up."""
        namespace = f"vw{self.token}{name}"
        directory = self.work_dir / name
        (directory / "run").mkdir(parents=True)
        node = Node(name=name, namespace=namespace, directory=directory)
        _run(["ip", "netns", "add", namespace])
        self.nodes[name] = node
        _run(["ip", "-n", namespace, "link", "set", "lo", "up"])
        (directory / "strongswan.conf").write_text(_strongswan_conf(directory))
        return node

    def link(self, a: Node, b: Node, a_addresses: list[str], b_addresses: list[str]) -> None:
        """Join two nodes with a veth pair with host addresses; each end routes to the other's."""
        self._links += 1
        a_if, b_if = f"v{self._links}{a.name}"[:15], f"v{self._links}{b.name}"[:15]
        _run(["ip", "link", "add", a_if, "netns", a.namespace, "type", "veth", "peer", "name", b_if, "netns",
              b.namespace])  # fmt: skip
        ends = ((a, a_if, a_addresses, b_addresses), (b, b_if, b_addresses, a_addresses))
        for node, interface, own, _ in ends:
            for address in own:
                _run(["ip", "-n", node.namespace, "addr", "add", f"{address}/32", "dev", interface])
            _run(["ip", "-n", node.namespace, "link", "set", interface, "up"])
            node.interfaces.append(interface)
        for node, interface, _, other in ends:
            for address in other:
                _run(["ip", "-n", node.namespace, "route", "add", f"{address}/32", "dev", interface])

    def enable_forwarding(self, node: Node) -> None:
        """Let the node route between tunnels (a hub forwarding branch-to-branch traffic)."""
        _run(["ip", "netns", "exec", node.namespace, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1"])

    def add_host(self, node: Node, address: str) -> None:
        """Give a node a host address (a /32 on `lo`) standing for a machine in a protected subnet."""
        _run(["ip", "-n", node.namespace, "addr", "add", f"{address}/32", "dev", "lo"])

    def start(self, node: Node) -> None:
        """Start charon inside the node's namespace, with /run bind-mounted to its own directory."""
        node.vici_path.unlink(missing_ok=True)
        script = f"mount --bind {node.directory}/run /run && exec {CHARON}"
        node.process = subprocess.Popen(
            ["ip", "netns", "exec", node.namespace, "sh", "-c", script],
            env=node.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if node.process.poll() is not None:
                raise LabError(
                    f"charon in {node.name} exited with {node.process.returncode}: {self.log(node)}"
                )
            if node.vici_path.exists() and self._vici_answers(node):
                return
            time.sleep(0.05)
        raise LabError(f"charon in {node.name} did not open its VICI socket within 10 s")

    @staticmethod
    def _vici_answers(node: Node) -> bool:
        probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            probe.connect(str(node.vici_path))
        except OSError:
            return False
        finally:
            probe.close()
        return True

    def swanctl(self, node: Node, *args: str, check: bool = False) -> CommandResult:
        return _run(["swanctl", *args, "--uri", node.vici_uri], env=node.env, check=check)

    def load(self, node: Node, swanctl_conf: str) -> CommandResult:
        """Write a swanctl.conf for the node and load connections and secrets from it (raises on errors)."""
        path = node.directory / "swanctl.conf"
        path.write_text(swanctl_conf)
        result = self.swanctl(node, "--load-all", "--noprompt", "--file", str(path))
        # swanctl also scans credential directories the lab does not use; only real load errors count.
        problems = [
            line
            for line in result.output.splitlines()
            if ("failed" in line or "invalid" in line) and not line.startswith("opening directory")
        ]
        if not result.ok or problems:
            raise LabError(
                f"swanctl could not load the configuration of {node.name}: {result.output.strip()}"
            )
        return result

    def initiate(self, node: Node, *, ike: str, child: str, timeout: int = 5) -> CommandResult:
        """Initiate one CHILD_SA (and its IKE_SA if needed); never retries forever."""
        return self.swanctl(node, "--initiate", "--ike", ike, "--child", child, "--timeout", str(timeout))

    def security_associations(self, node: Node) -> dict[str, dict[str, Any]]:
        """The node's IKE_SAs by name, each with its CHILD_SAs (`child-sas`), as VICI reports them."""
        import vici

        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.connect(str(node.vici_path))
        try:
            session = vici.Session(sock)
            sas: dict[str, dict[str, Any]] = {}
            for entry in session.list_sas():
                for name, sa in entry.items():
                    sas[name] = vici_decoded(sa)
            return sas
        finally:
            sock.close()

    def installed_children(self, node: Node) -> dict[str, list[dict[str, Any]]]:
        """INSTALLED CHILD_SAs grouped by IKE_SA name."""
        installed: dict[str, list[dict[str, Any]]] = {}
        for ike_name, sa in self.security_associations(node).items():
            for child in sa.get("child-sas", {}).values():
                if child.get("state") == "INSTALLED":
                    installed.setdefault(ike_name, []).append(child)
        return installed

    def ping(self, node: Node, *, source: str, destination: str, count: int = 2) -> CommandResult:
        return _run(
            ["ip", "netns", "exec", node.namespace, "ping", "-n", "-c", str(count), "-W", "2", "-i", "0.2",
             "-I", source, destination],
            check=False,
        )  # fmt: skip

    def log(self, node: Node) -> str:
        return node.log_path.read_text() if node.log_path.exists() else ""

    def stop(self, node: Node) -> None:
        """Stop charon by PID and wait for it to exit (it takes about 1.7 s on SIGTERM)."""
        process, node.process = node.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)

    def close(self) -> None:
        """Stop every daemon, then delete every namespace (their veths go with them)."""
        for node in self.nodes.values():
            self.stop(node)
        for node in self.nodes.values():
            _run(["ip", "netns", "del", node.namespace], check=False)
        self.nodes.clear()


@contextmanager
def lab(work_dir: Path) -> Iterator[Lab]:
    """A lab that is torn down however the block exits."""
    instance = Lab(work_dir)
    try:
        yield instance
    finally:
        instance.close()
