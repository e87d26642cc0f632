"""Load the border crossings shipped in places/data/border_crossings.json."""

from django.db import migrations


def load(apps, schema_editor):
    from prytulak.places.geocoder import border_crossings

    BorderCrossing = apps.get_model("journeys", "BorderCrossing")
    for c in border_crossings():
        BorderCrossing.objects.update_or_create(
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
    dependencies = [("journeys", "0001_trips_bookings_journeys")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
