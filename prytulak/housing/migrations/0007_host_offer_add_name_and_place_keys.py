"""Keys for search across scripts: the gazetteer id of an offer's town and the transliterated
skeleton of its host's name; existing rows are filled in batches."""

from django.db import migrations, models

BATCH = 500


def fill(apps, schema_editor):
    from prytulak.core.privacy import name_key
    from prytulak.places.geocoder import lookup

    Host = apps.get_model("housing", "Host")
    HostOffer = apps.get_model("housing", "HostOffer")
    batch = []
    for host in Host.objects.only("pk", "name", "erased_at").order_by("pk").iterator(BATCH):
        host.name_key = "" if host.erased_at else name_key(host.name)
        batch.append(host)
        if len(batch) == BATCH:
            Host.objects.bulk_update(batch, ["name_key"])
            batch = []
    Host.objects.bulk_update(batch, ["name_key"])
    batch = []
    offers = HostOffer.objects.only("pk", "city", "country", "geonameid").order_by("pk")
    for offer in offers.iterator(BATCH):
        if offer.geonameid:
            offer.place_key = f"gn:{offer.geonameid}"
        else:
            place = lookup(offer.city, offer.country or None) if offer.city else None
            offer.place_key = place.key if place else ""
        batch.append(offer)
        if len(batch) == BATCH:
            HostOffer.objects.bulk_update(batch, ["place_key"])
            batch = []
    HostOffer.objects.bulk_update(batch, ["place_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("housing", "0006_encrypt_offer_notes_and_placement_reasons"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalhost",
            name="name_key",
            field=models.CharField(blank=True, editable=False, max_length=200),
        ),
        migrations.AddField(
            model_name="historicalhostoffer",
            name="place_key",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=40),
        ),
        migrations.AddField(
            model_name="host",
            name="name_key",
            field=models.CharField(blank=True, editable=False, max_length=200),
        ),
        migrations.AddField(
            model_name="hostoffer",
            name="place_key",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=40),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
