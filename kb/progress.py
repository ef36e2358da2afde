"""A progress bar for long steps, silent when not wanted."""

import contextlib
import sys

from tqdm import tqdm


@contextlib.contextmanager
def progress(label, total, enabled=True):
    """Yield a tqdm bar on stderr; a disabled bar still accepts update()."""
    with tqdm(total=total, desc=label, unit="step", file=sys.stderr,
              disable=not enabled, leave=False) as bar:
        yield bar
