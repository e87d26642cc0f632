"""Load the crossings added to places/data/border_crossings.json since 0002 (Terespol – Brest);
existing crossings and what staff reported about them are left as they are."""

from django.db import migrations


def load(apps, schema_editor):
    from prytulak.places.geocoder import border_crossings

    BorderCrossing = apps.get_model("journeys", "BorderCrossing")
    for c in border_crossings():
        BorderCrossing.objects.get_or_create(
            code=c["code"],
            defaults={
                "name": c["name"],
                "name_uk": c["name_uk"],
                "country": c["country"],
                "latitude": c["lat"],
                "longitude": c["lon"],
                "kind": c["kind"],
            },
        )


class Migration(migrations.Migration):
    dependencies = [("journeys", "0003_encrypt_trip_notes_vehicle_and_booking_reason")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
