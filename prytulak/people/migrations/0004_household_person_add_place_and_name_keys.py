"""Keys for search across scripts: the gazetteer id of a household's arrival place, the
transliterated skeleton of its lead name and blind indexes of its members' names; existing rows
are filled in batches."""

from django.db import migrations, models

BATCH = 500


def fill(apps, schema_editor):
    from prytulak.core.privacy import name_index, name_key
    from prytulak.places.geocoder import lookup

    Household = apps.get_model("people", "Household")
    Person = apps.get_model("people", "Person")
    fields = ["lead_name_key", "arrival_place_key"]
    rows = Household.objects.only("pk", "lead_name", "arrival_place", "erased_at")
    batch = []
    for household in rows.order_by("pk").iterator(BATCH):
        place = lookup(household.arrival_place) if household.arrival_place else None
        household.arrival_place_key = place.key if place else ""
        household.lead_name_key = "" if household.erased_at else name_key(household.lead_name)
        batch.append(household)
        if len(batch) == BATCH:
            Household.objects.bulk_update(batch, fields)
            batch = []
    Household.objects.bulk_update(batch, fields)
    batch = []
    for person in (
        Person.objects.exclude(name=None).only("pk", "name").order_by("pk").iterator(BATCH)
    ):
        person.name_index = name_index(person.name)
        batch.append(person)
        if len(batch) == BATCH:
            Person.objects.bulk_update(batch, ["name_index"])
            batch = []
    Person.objects.bulk_update(batch, ["name_index"])


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0003_encrypt_consent_how"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalhousehold",
            name="arrival_place_key",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=40),
        ),
        migrations.AddField(
            model_name="historicalhousehold",
            name="lead_name_key",
            field=models.CharField(blank=True, editable=False, max_length=200),
        ),
        migrations.AddField(
            model_name="historicalperson",
            name="name_index",
            field=models.CharField(blank=True, editable=False, max_length=300),
        ),
        migrations.AddField(
            model_name="household",
            name="arrival_place_key",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=40),
        ),
        migrations.AddField(
            model_name="household",
            name="lead_name_key",
            field=models.CharField(blank=True, editable=False, max_length=200),
        ),
        migrations.AddField(
            model_name="person",
            name="name_index",
            field=models.CharField(blank=True, editable=False, max_length=300),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
