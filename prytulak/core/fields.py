"""Encrypted model fields that are safe under threaded web workers.

django-fernet-encrypted-fields (0.4.0, the latest release) marks a field as "being cleaned" by
setting `_already_decrypted` on the field object itself, which every request thread shares:
while one thread cleans a form, another thread's query gets the ciphertext back from
`to_python`, and the first `del` of the mark makes the other thread's `del` raise
AttributeError (a 500 under gunicorn's gthread workers). Here the mark lives in a context
variable, so it belongs to one thread (or one task) only. Encryption and storage are the
library's, unchanged.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from django.db import models
from encrypted_fields import fields as library

# ids of the field objects whose clean() is running in this thread/context
_cleaning: ContextVar[frozenset[int]] = ContextVar("encrypted_fields_cleaning", default=frozenset())


class ThreadSafeEncryptedFieldMixin(library.EncryptedFieldMixin):
    def to_python(self, value: Any) -> Any:
        if id(self) in _cleaning.get():
            # The form's plain text, returned as the library's clean() intends.
            return value
        return super().to_python(value)

    def clean(self, value: Any, model_instance: models.Model | None) -> Any:
        token = _cleaning.set(_cleaning.get() | {id(self)})
        try:
            # Skip the library's clean(), which sets and deletes the shared attribute.
            return super(library.EncryptedFieldMixin, self).clean(value, model_instance)
        finally:
            _cleaning.reset(token)

    def deconstruct(self) -> Any:
        # Same column and same encryption as the library's field: migrations keep naming it,
        # so switching to this class is no schema change.
        name, path, args, kwargs = super().deconstruct()
        return name, f"encrypted_fields.fields.{type(self).__name__}", args, kwargs


class EncryptedCharField(ThreadSafeEncryptedFieldMixin, models.CharField):
    pass


class EncryptedTextField(ThreadSafeEncryptedFieldMixin, models.TextField):
    pass


class EncryptedEmailField(ThreadSafeEncryptedFieldMixin, models.EmailField):
    pass
