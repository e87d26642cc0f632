import encrypted_fields.fields
from django.db import migrations


TO_ENCRYPT = {
    "ConsentRecord": ["how"],
}


def encrypt_existing(apps, schema_editor):
    """Rows written before this migration hold plain text: write each value again through
    the encrypted field (a read falls back to plain text), in batches of primary keys."""
    for model_name, fields in TO_ENCRYPT.items():
        model = apps.get_model("people", model_name)
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
        ('people', '0002_household_encrypt_contacts_consent'),
    ]

    operations = [
        migrations.AlterField(
            model_name='consentrecord',
            name='how',
            field=encrypted_fields.fields.EncryptedCharField(help_text='For example: asked in Ukrainian at the reception point, agreed verbally.', max_length=300, null=True, verbose_name='how the household agreed'),
        ),
        migrations.RunPython(encrypt_existing, migrations.RunPython.noop),
    ]
