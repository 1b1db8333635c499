from tests.journal.conftest import mailhost  # noqa: F401 - the MockMailHost fixture
