"""Browser tests run against pytest-django's live_server, which needs a transactional database.

After each transactional test pytest-django empties every table, which would also wipe the rows data
migrations created (role groups, administrative units, size thresholds, the Wagtail home page). Restoring
the database serialised at creation keeps each browser test starting from a freshly migrated site.
"""

import pytest


def pytest_collection_modifyitems(items):
    for item in items:
        if "/tests/e2e/" in str(item.path):
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True), append=False)
