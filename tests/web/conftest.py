import pytest

from policykg.web import create_app


@pytest.fixture(scope="session")
def app():
    # in-process: the isolated workers (the default) have tests of their own, and a worker pool
    # per test app would outlive its app
    return create_app({"TESTING": True, "SPARQL_ISOLATE": False})


@pytest.fixture()
def client(app):
    return app.test_client()
