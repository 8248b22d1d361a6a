import pytest


@pytest.fixture
def district(db):
    """The shared two-street district with named users (see gonghui.testing.District)."""
    from gonghui.testing import District

    return District()


@pytest.fixture(autouse=True)
def _clean_sms_outbox():
    from gonghui.accounts.sms import MemorySmsBackend

    MemorySmsBackend.outbox.clear()
    yield
