"""`manage.py check --deploy`: the keys that protect personal data must be real ones."""

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def encryption_keys_are_set(app_configs: Any, **kwargs: Any) -> list[Warning]:
    warnings = []
    salts = settings.SALT_KEY if isinstance(settings.SALT_KEY, list) else [settings.SALT_KEY]
    if not salts or any(len(s) < 16 or s.startswith("---") for s in salts[:1]):
        warnings.append(
            Warning(
                "FIELD_ENCRYPTION_SALT is the development default or too short.",
                hint="Set FIELD_ENCRYPTION_SALT to a random string of 32 or more characters.",
                id="prytulak.W001",
            )
        )
    if len(settings.BLIND_INDEX_KEY) < 32 or settings.BLIND_INDEX_KEY.startswith("---"):
        warnings.append(
            Warning(
                "BLIND_INDEX_KEY is the development default or too short.",
                hint="Set BLIND_INDEX_KEY to a random string of 32 or more characters.",
                id="prytulak.W002",
            )
        )
    if not settings.REQUIRE_2FA:
        warnings.append(
            Warning(
                "REQUIRE_2FA is off: staff who see personal data log in with a password only.",
                id="prytulak.W003",
            )
        )
    return warnings
