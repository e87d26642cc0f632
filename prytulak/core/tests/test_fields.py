"""The encrypted fields are shared by every request thread of a gthread worker: one thread
cleaning a form must not change what another thread decrypts, nor break its own clean()."""

import threading
from unittest import mock

from encrypted_fields.fields import EncryptedFieldMixin

from prytulak.housing.models import Host
from prytulak.people.models import Household

EMAIL = "olena.kovalenko@example.org"


def _while_another_thread_cleans(field, during):
    """Run `during()` here while another thread is inside field.clean(); return what the other
    thread's clean() returned or raised."""
    inside, release = threading.Event(), threading.Event()
    outcome: dict = {}
    validate = field.validate

    def slow_validate(value, model_instance):
        inside.set()
        release.wait(5)
        validate(value, model_instance)

    def clean():
        try:
            outcome["value"] = field.clean(EMAIL, None)
        except Exception as error:  # noqa: BLE001 - the test reports what the thread saw
            outcome["error"] = error

    with mock.patch.object(field, "validate", side_effect=slow_validate):
        thread = threading.Thread(target=clean)
        thread.start()
        assert inside.wait(5)
        try:
            during()
        finally:
            release.set()
            thread.join(5)
    return outcome


def test_a_thread_decrypts_while_another_thread_cleans_the_same_field():
    field = Host._meta.get_field("email")
    token = field.get_prep_value(EMAIL)
    read = {}

    def decrypt():
        read["value"] = field.from_db_value(token, None, None)

    outcome = _while_another_thread_cleans(field, decrypt)
    assert read["value"] == EMAIL  # the library gave the ciphertext back
    assert outcome == {"value": EMAIL}


def test_two_threads_clean_the_same_field_at_once():
    field = Household._meta.get_field("email")

    def clean_here():
        assert field.clean(EMAIL, None) == EMAIL

    outcome = _while_another_thread_cleans(field, clean_here)
    # The library's second `del field._already_decrypted` raised AttributeError here.
    assert outcome == {"value": EMAIL}


def test_every_encrypted_field_of_the_models_is_the_thread_safe_one():
    from django.apps import apps

    from prytulak.core.fields import ThreadSafeEncryptedFieldMixin

    encrypted = [
        (model._meta.label, field.name)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedFieldMixin)
    ]
    assert encrypted
    unsafe = [
        (model._meta.label, field.name)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedFieldMixin)
        and not isinstance(field, ThreadSafeEncryptedFieldMixin)
    ]
    assert unsafe == []
