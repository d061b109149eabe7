import pytest


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded photos go to a throw-away folder."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
