"""Helpers for tests of the isolated query workers."""
import time


def wait_until_busy(store, free: int = 0) -> None:
    """Until the runaway holds a worker: no fixed sleep that a slow machine outruns."""
    deadline = time.monotonic() + 10
    while store._slots.qsize() > free:
        assert time.monotonic() < deadline, "the runaway query never took a worker"
        time.sleep(0.01)
    time.sleep(0.05)                            # and has sent its query


def wait_until_free(store) -> None:
    """Until a killed worker's replacement, started in the background, is ready."""
    deadline = time.monotonic() + 60
    while store._slots.qsize() == 0:
        assert time.monotonic() < deadline, "no worker came back"
        time.sleep(0.05)
