"""Demo users for ``seed_demo``. Idempotent: running it again resets their passwords and roles only."""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP

from .models import User
from .roles import Role
from .services import user_create, user_set_roles


@dataclass(frozen=True)
class DemoLogin:
    """A login that ``seed_demo`` prints at the end."""

    role: str
    email: str
    password: str
    note: str = ""


# A fixed, public secret so a newcomer can sign in as an officer or editor without an authenticator app:
# ``python manage.py demo_totp <email>`` prints the current code. Demo accounts only.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPDEMODEMO"

DEMO_USERS = [
    ("owner@demo.dongthap.local", "Nguyễn Thị Hoa", Role.BUSINESS_MEMBER, "demo-owner-2026", False),
    ("officer@demo.dongthap.local", "Trần Văn Minh", Role.TRADE_OFFICER, "demo-officer-2026", True),
    ("editor@demo.dongthap.local", "Lê Thị Lan", Role.CONTENT_EDITOR, "demo-editor-2026", True),
]


def demo_user_emails() -> set[str]:
    return {email for email, *_ in DEMO_USERS}


def seed_users() -> list[DemoLogin]:
    """Create (or reset) the three demo users with verified emails; officers and editors get TOTP."""
    logins = []
    for email, full_name, role, password, with_totp in DEMO_USERS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = user_create(email=email, password=password, full_name=full_name, roles=(role,))
        else:
            user.set_password(password)
            user.full_name = full_name
            user.save()
            user_set_roles(user=user, roles=(role,))
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        note = ""
        if with_totp:
            if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
                TOTP.activate(user, DEMO_TOTP_SECRET)
            note = f"two-factor code: python manage.py demo_totp {email}"
        logins.append(DemoLogin(role=str(role.label), email=email, password=password, note=note))
    return logins
