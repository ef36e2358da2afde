"""Start `kb serve` for a benchmark on a free loopback port and wait until it answers."""

import socket
import subprocess
import time

import requests


def free_port():
    """Return a free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(command, env, cwd=None, probe="/index.json", wait=120):
    """Run command (a `kb serve` without its port) on a free port; return (process, base URL)."""
    port = free_port()
    server = subprocess.Popen([*command, "--port", str(port)], env=env, cwd=cwd,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            requests.get(base + probe, timeout=wait)
            return server, base
        except requests.RequestException:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError(f"kb serve did not answer on {base} within {wait} s")
