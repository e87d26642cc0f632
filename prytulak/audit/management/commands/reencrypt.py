"""Key rotation: rewrite every encrypted field with the current key (the first
FIELD_ENCRYPTION_SALT / SECRET_KEY) and recompute the blind indexes with BLIND_INDEX_KEY."""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from encrypted_fields.fields import EncryptedFieldMixin

from prytulak.core.privacy import email_index, phone_index

INDEXES = {"phone_index": ("phone", phone_index), "email_index": ("email", email_index)}


class Command(BaseCommand):
    help = "Re-encrypt personal data with the newest key and rebuild blind indexes."

    def handle(self, *args, **options):
        for model in apps.get_models():
            if model._meta.app_label.startswith("historical") or model.__name__.startswith(
                "Historical"
            ):
                continue  # the change trail is re-written through its own model below
            fields = [
                f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedFieldMixin)
            ]
            if not fields:
                continue
            indexes = [n for n in INDEXES if n in {f.name for f in model._meta.concrete_fields}]
            count = 0
            with transaction.atomic():
                for obj in model._default_manager.only("pk", *fields).iterator(chunk_size=500):
                    values = {name: getattr(obj, name) for name in fields}
                    for name in indexes:
                        source, func = INDEXES[name]
                        values[name] = func(values.get(source))
                    model._default_manager.filter(pk=obj.pk).update(**values)
                    count += 1
            self.stdout.write(f"{model._meta.label}: {count} rows, fields {', '.join(fields)}")
        for model in apps.get_models():
            if not model.__name__.startswith("Historical"):
                continue
            fields = [
                f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedFieldMixin)
            ]
            if not fields:
                continue
            with transaction.atomic():
                for obj in model._default_manager.only("pk", *fields).iterator(chunk_size=500):
                    model._default_manager.filter(pk=obj.pk).update(
                        **{name: getattr(obj, name) for name in fields}
                    )
            self.stdout.write(f"{model._meta.label}: change trail re-encrypted")
