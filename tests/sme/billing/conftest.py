from tests.sme.billing.fake_stripe import fake_stripe, stripe_on  # noqa: F401
from tests.sme.billing.helpers import synced  # noqa: F401, E402
