"""Admission to /sparql: a few queries at a time per client, a bounded queue overall.

A request waiting for a query worker holds a server thread, so a client that sends more queries than
there are workers could hold every thread. Past its share a client gets an immediate 503 with
Retry-After, and so does everyone once the queue is full, instead of a thread held for a whole time
limit. The client is the peer address, or the X-Forwarded-For of a proxy that waitress trusts.
"""

import contextlib
import threading

from kb.errors import KBError


class Busy(KBError):
    """The endpoint, or this client's share of it, is full: try again shortly."""

    status = 503

    def __init__(self, message, retry_after):
        self.retry_after = retry_after
        super().__init__(message)


class Admission:
    """Counts the queries in flight, per client and in all."""

    def __init__(self, per_client, capacity, retry_after=2):
        self.per_client = int(per_client)
        self.capacity = int(capacity)
        self.retry_after = retry_after
        self._lock = threading.Lock()
        self._clients = {}
        self._total = 0

    @contextlib.contextmanager
    def admit(self, client):
        """Hold a place for one query of a client, or raise Busy at once."""
        with self._lock:
            if self._clients.get(client, 0) >= self.per_client:
                raise Busy(f"this client already has {self.per_client} queries running; wait for one to "
                           "finish", self.retry_after)
            if self._total >= self.capacity:
                raise Busy("every query worker is busy and the queue is full; try again shortly",
                           self.retry_after)
            self._clients[client] = self._clients.get(client, 0) + 1
            self._total += 1
        try:
            yield
        finally:
            with self._lock:
                self._total -= 1
                self._clients[client] -= 1
                if not self._clients[client]:
                    del self._clients[client]
