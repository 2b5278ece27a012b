"""`policykg serve`: the app is built once, in the process that answers, and checked there
before it answers (its query workers started, its endpoint answering).

Under waitress that process is this one. Under granian it is granian's worker process: the
app is built there, and a failure to build it is sent back to this process, which exits
naming it. (Building it here first to check it, then again in the worker, took twice the
time to start: 4.9 to 5.2 s at 1,000 notices where waitress took 3.4 s, README, Scale.)
"""
from __future__ import annotations

import functools
import sys

from flask import Flask


class StartError(Exception):
    """The app cannot serve with these settings (a query worker that cannot start, an
    endpoint that does not answer); the message says why."""


def checked_app(config: dict) -> Flask:
    """The app of these settings, checked: its query workers started and its endpoint, if
    any, answering. StartError if not."""
    from ..store import QueryError
    from . import create_app
    try:
        app = create_app(config)
        if app.config["ENDPOINT"]:
            app.extensions["policykg"]["store"].run("ASK { }")      # unreachable: say so now, not per page
    except (RuntimeError, QueryError) as e:
        raise StartError(str(e)) from None
    return app


def serve_granian(config: dict, host: str, port: int, announce: str) -> None:
    """Serve the app of these settings with granian until it stops: one worker process, in
    which the app is built; `announce` is printed once it answers. StartError if it cannot
    be built."""
    import multiprocessing

    from granian import Granian
    from granian.constants import Interfaces
    failures, report = multiprocessing.Pipe(duplex=False)
    server = Granian("policykg.web:create_app", address=host, port=port, interface=Interfaces.WSGI,
                     workers=1, blocking_threads=4, log_access=False)
    try:
        # the loader runs in the worker (granian gives it its target, unused: the app comes from config)
        server.serve(target_loader=functools.partial(_worker_app, config, announce, report))
    except SystemExit:
        # granian exits when its worker does; a worker that could not build the app said why
        if failures.poll(5):
            raise StartError(failures.recv()) from None
        raise


def _worker_app(config: dict, announce: str, report, _target: str) -> Flask:
    """In granian's worker: the app, or the reason it cannot be built sent to the parent and an exit."""
    try:
        app = checked_app(config)
    except StartError as e:
        report.send(str(e))
        sys.exit(2)                     # no traceback: the parent prints the reason
    print(announce, flush=True)
    return app
