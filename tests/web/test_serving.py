"""`policykg serve` under granian builds the app once, in granian's worker process, and a
failure to build it there is named by the parent (the real servers: test_servers.py, and
test_cli.py for the failure). Here granian's loader contract is played in-process: granian
calls the loader with its target in the worker, and exits when that worker does."""
import pytest

import policykg.web
from policykg.web import serving


class Worker:
    """granian, as far as the app is concerned: it runs the loader where it serves."""
    def __init__(self, target, **options):
        self.target, self.options = target, options

    def serve(self, target_loader):
        type(self).app = target_loader(self.target)


@pytest.fixture()
def builds(monkeypatch):
    import granian
    made = []
    real = policykg.web.create_app

    def create_app(config):
        made.append(config)
        return real({**config, "TESTING": True, "SPARQL_ISOLATE": False})
    monkeypatch.setattr(granian, "Granian", Worker)
    monkeypatch.setattr(policykg.web, "create_app", create_app)
    return made


def test_under_granian_the_app_is_built_once_where_it_answers(builds, capsys):
    serving.serve_granian({"SPARQL_ISOLATE": True, "ENDPOINT": None}, "127.0.0.1", 5000, "serving on …")
    assert builds == [{"SPARQL_ISOLATE": True, "ENDPOINT": None}]
    assert Worker.app.test_client().get("/queries/documents.csv").status_code == 200
    assert capsys.readouterr().out == "serving on …\n"          # once it can answer


def test_a_worker_that_cannot_build_the_app_is_named_by_the_parent(builds, monkeypatch, capsys):
    def no_worker(config):
        builds.append(config)
        raise RuntimeError("the query worker did not start: it exited while loading the store")
    monkeypatch.setattr(policykg.web, "create_app", no_worker)
    with pytest.raises(serving.StartError, match="^the query worker did not start: it exited while loading"):
        serving.serve_granian({"SPARQL_ISOLATE": True, "ENDPOINT": None}, "127.0.0.1", 5000, "serving on …")
    assert len(builds) == 1 and capsys.readouterr().out == ""
