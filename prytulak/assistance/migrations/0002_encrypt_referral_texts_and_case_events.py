import encrypted_fields.fields
from django.db import migrations


TO_ENCRYPT = {
    "Referral": ["consent", "reason"],
    "CaseEvent": ["what"],
}


def encrypt_existing(apps, schema_editor):
    """Rows written before this migration hold plain text: write each value again through
    the encrypted field (a read falls back to plain text), in batches of primary keys."""
    for model_name, fields in TO_ENCRYPT.items():
        model = apps.get_model("assistance", model_name)
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
        ('assistance', '0001_providers_cases_referrals'),
    ]

    operations = [
        migrations.AlterField(
            model_name='caseevent',
            name='what',
            field=encrypted_fields.fields.EncryptedCharField(max_length=200, null=True),
        ),
        migrations.AlterField(
            model_name='referral',
            name='consent',
            field=encrypted_fields.fields.EncryptedCharField(max_length=300, null=True, verbose_name='how the household agreed'),
        ),
        migrations.AlterField(
            model_name='referral',
            name='reason',
            field=encrypted_fields.fields.EncryptedCharField(blank=True, max_length=300, null=True, verbose_name='reason'),
        ),
        migrations.RunPython(encrypt_existing, migrations.RunPython.noop),
    ]
