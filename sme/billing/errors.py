"""Errors raised by billing services."""


class BillingError(Exception):
    """A billing action the user asked for cannot be done; ``str(error)`` is a translated message."""


class PaymentsNotSetUp(BillingError):
    """Stripe keys are not configured, so nothing can be bought or created at Stripe."""


class EntitlementError(BillingError):
    """The business's plan does not allow this (raised by ``sme.billing.services.entitlement_check``).

    ``str(error)`` is a message in the active language that says what the current plan allows and which
    plan allows more. Attributes: ``feature`` (a ``sme.billing.models.Feature`` value), ``limit`` (the
    current plan's limit, ``None`` for a yes/no feature) and ``upgrade_plan_code`` (the cheapest plan that
    allows it, or ``""`` when none does).
    """

    def __init__(self, message: str, *, feature: str, limit: int | None, upgrade_plan_code: str):
        super().__init__(message)
        self.feature = feature
        self.limit = limit
        self.upgrade_plan_code = upgrade_plan_code
