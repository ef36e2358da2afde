"""A bounded mapping that forgets the least recently used entry first, safe across threads."""

import threading
from collections import OrderedDict

MISSING = object()


class LeastRecentlyUsed:
    """At most size entries; reading an entry makes it the most recently used."""

    def __init__(self, size):
        self.size, self._entries, self._lock = size, OrderedDict(), threading.Lock()

    def get(self, key, default=None):
        with self._lock:
            if key not in self._entries:
                return default
            self._entries.move_to_end(key)
            return self._entries[key]

    def put(self, key, value):
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
