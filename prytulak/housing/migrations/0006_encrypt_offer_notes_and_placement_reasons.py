import encrypted_fields.fields
from django.db import migrations


TO_ENCRYPT = {
    "HostOffer": ["notes"],
    "HistoricalHostOffer": ["notes"],
    "Placement": ["reason"],
    "HistoricalPlacement": ["reason"],
    "PlacementEvent": ["reason"],
}


def encrypt_existing(apps, schema_editor):
    """Rows written before this migration hold plain text: write each value again through
    the encrypted field (a read falls back to plain text), in batches of primary keys."""
    for model_name, fields in TO_ENCRYPT.items():
        model = apps.get_model("housing", model_name)
        pk = model._meta.pk.attname
        last = None
        while True:
            batch = model._default_manager.order_by(pk)
            if last is not None:
                batch = batch.filter(**{f"{pk}__gt": last})
            rows = list(batch.values_list(pk, *fields)[:500])
            if not rows:
                break
            last = rows[-1][0]
            for key, *values in rows:
                model._default_manager.filter(**{pk: key}).update(**dict(zip(fields, values)))


class Migration(migrations.Migration):

    dependencies = [
        ('housing', '0005_checkin_add_reminded_at'),
    ]

    operations = [
        migrations.AlterField(
            model_name='historicalhostoffer',
            name='notes',
            field=encrypted_fields.fields.EncryptedTextField(blank=True, null=True, verbose_name='notes'),
        ),
        migrations.AlterField(
            model_name='historicalplacement',
            name='reason',
            field=encrypted_fields.fields.EncryptedCharField(blank=True, max_length=300, null=True, verbose_name='reason'),
        ),
        migrations.AlterField(
            model_name='hostoffer',
            name='notes',
            field=encrypted_fields.fields.EncryptedTextField(blank=True, null=True, verbose_name='notes'),
        ),
        migrations.AlterField(
            model_name='placement',
            name='reason',
            field=encrypted_fields.fields.EncryptedCharField(blank=True, max_length=300, null=True, verbose_name='reason'),
        ),
        migrations.AlterField(
            model_name='placementevent',
            name='reason',
            field=encrypted_fields.fields.EncryptedCharField(blank=True, max_length=300, null=True, verbose_name='reason'),
        ),
        migrations.RunPython(encrypt_existing, migrations.RunPython.noop),
    ]
