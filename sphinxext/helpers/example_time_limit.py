"""A time limit per example: one that never ends fails the build, named, instead of hanging it.

sphinx-gallery has no time limit of its own. Its public ``reset_modules`` hook runs, in
the process that runs the example (the build's, or a worker's with ``"parallel"``),
before each example and, with ``reset_modules_order = "both"``, after it. :func:`arm`
uses both: before, it starts a real-time timer (``signal.setitimer``); after, it stops
it. When the timer fires while the example's own code is running (one of its frames is
on the stack), the handler raises :class:`ExampleTimeLimitExceeded`, an ordinary
exception: sphinx-gallery reports it as that example's failure, with its name and the
limit, stops running that example, and goes on with the others, whose results are
kept. If the timer fires in sphinx-gallery's own code between two code blocks, it is
started again for a tenth of a second, until the example's code runs again or the
"after" call stops it.

The limit is ``QI_EXAMPLE_TIME_LIMIT`` seconds (read in the process that runs the
example, so that workers see it too), 300 by default; ``0`` turns it off. It needs
SIGALRM (POSIX) and the main thread of its process; elsewhere it is off and says so once.
conf.py lists ``"example_time_limit.arm"`` in ``reset_modules``.
"""

import os
import signal
import threading
import warnings
from pathlib import Path

ENV = "QI_EXAMPLE_TIME_LIMIT"
DEFAULT_SECONDS = 300.0
RETRY_SECONDS = 0.1


class ExampleTimeLimitExceeded(Exception):
    """An example ran longer than its time limit."""


def limit_seconds():
    value = os.environ.get(ENV, "").strip()
    if not value:
        return DEFAULT_SECONDS
    try:
        seconds = float(value)
    except ValueError:
        raise ValueError(
            f"{ENV}={value!r} is not a number of seconds: set it to e.g. 300, or 0 for none"
        ) from None
    if seconds < 0:
        raise ValueError(f"{ENV}={value!r} is negative: use 0 for no time limit")
    return seconds


_state = {"example": None, "seconds": None, "previous": None, "warned": False}


def _running_the_example(frame, example):
    while frame is not None:
        if Path(frame.f_code.co_filename).name == example:
            return True
        frame = frame.f_back
    return False


def _on_alarm(signum, frame):
    example, seconds = _state["example"], _state["seconds"]
    if example is None:
        return
    if _running_the_example(frame, example):
        _state["example"] = None
        raise ExampleTimeLimitExceeded(
            f"{example} ran longer than its time limit of {seconds:g} s and was stopped "
            f"(set {ENV}=<seconds> to change the limit, 0 for none)"
        )
    signal.setitimer(signal.ITIMER_REAL, RETRY_SECONDS)


def _disarm():
    if _state["example"] is None and _state["previous"] is None:
        return
    signal.setitimer(signal.ITIMER_REAL, 0)
    if _state["previous"] is not None:
        signal.signal(signal.SIGALRM, _state["previous"])
    _state.update(example=None, previous=None)


def arm(gallery_conf, fname, when):
    """sphinx-gallery's reset_modules hook: start the limit before an example, stop it after."""
    _disarm()
    if when != "before" or fname is None:
        return
    seconds = limit_seconds()
    if not seconds:
        return
    if not hasattr(signal, "setitimer"):
        reason = "this platform has no SIGALRM"
    elif threading.current_thread() is not threading.main_thread():
        reason = "examples run outside the main thread here"
    else:
        reason = None
    if reason:
        if not _state["warned"]:
            warnings.warn(f"no time limit per example: {reason}", stacklevel=1)
            _state["warned"] = True
        return
    _state.update(example=Path(fname).name, seconds=seconds)
    _state["previous"] = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
