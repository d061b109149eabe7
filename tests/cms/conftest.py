import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _isolation(settings, tmp_path):
    """Uploaded photos go to a throw-away folder; cached page fragments never leak between tests."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()
    yield
    cache.clear()
