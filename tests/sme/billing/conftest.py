from tests.sme.billing.fake_stripe import fake_stripe, stripe_on  # noqa: F401
