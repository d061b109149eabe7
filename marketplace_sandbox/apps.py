from django.apps import AppConfig


class MarketplaceSandboxConfig(AppConfig):
    """The sandbox marketplaces' management command (``run_sandbox_marketplaces``). Installed by the dev and
    test settings only."""

    name = "marketplace_sandbox"
    verbose_name = "Sandbox marketplaces"
