from django.apps import AppConfig


class MessagingSandboxConfig(AppConfig):
    """The sandbox messaging providers' management command (``run_sandbox_messaging``). Installed by the dev
    and test settings only."""

    name = "messaging_sandbox"
    verbose_name = "Sandbox messaging providers"
