"""Humanitarian and medical aid: items, warehouses, donations, an immutable stock ledger,
requests from recipients in Ukraine, and shipments tracked to delivery."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from prytulak.core.fields import EncryptedCharField
from prytulak.orgs.models import Organization


class Unit(models.TextChoices):
    PIECE = "pcs", _("pieces")
    BOX = "box", _("boxes")
    PACK = "pack", _("packs")
    KG = "kg", _("kilograms")
    LITRE = "l", _("litres")
    PALLET = "pallet", _("pallets")


class Category(models.TextChoices):
    FOOD = "food", _("Food")
    HYGIENE = "hygiene", _("Hygiene")
    MEDICAL = "medical", _("Medical")
    CLOTHING = "clothing", _("Clothing and bedding")
    SHELTER = "shelter", _("Shelter and power")
    OTHER = "other", _("Other")


class Item(models.Model):
    """A catalogue entry. Medical items are kept by lot and expiry date."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    unit = models.CharField(_("unit"), max_length=8, choices=Unit.choices)
    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    medical = models.BooleanField(_("medical (lot and expiry date required)"), default=False)

    class Meta:
        ordering = ["category", "name"]
        verbose_name = _("item")
        verbose_name_plural = _("items")

    def __str__(self) -> str:
        return f"{self.display_name} ({self.get_unit_display()})"

    @property
    def display_name(self) -> str:
        """The name in the reader's language where the catalogue has it (the shared demo
        items do), else as typed."""
        return gettext(self.name)


class Warehouse(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="warehouses"
    )
    name = models.CharField(_("name"), max_length=200)
    city = models.CharField(_("town or city"), max_length=200)
    country = models.CharField(_("country"), max_length=2)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["organization", "name"]
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")

    def __str__(self) -> str:
        return f"{self.name} ({self.city})"


class Donation(models.Model):
    """Goods received from a donor (a company, a parish, a person)."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="donations")
    donor = EncryptedCharField(_("donor"), max_length=200, null=True)
    received_on = models.DateField(_("received on"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-pk"]
        verbose_name = _("donation in kind")
        verbose_name_plural = _("donations in kind")

    def __str__(self) -> str:
        return f"#{self.pk} {self.received_on}"


class Pledge(models.Model):
    """A monetary donation recorded for reporting only: no payment is processed here."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    donor = EncryptedCharField(_("donor"), max_length=200, null=True)
    amount = models.DecimalField(
        _("amount"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    reference = models.CharField(_("reference"), max_length=120)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at"]
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} ({self.reference})"


class Urgency(models.IntegerChoices):
    LOW = 0, _("Low")
    NORMAL = 1, _("Normal")
    HIGH = 2, _("High")
    CRITICAL = 3, _("Critical")


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Open")
    PARTLY = "partly", _("Partly sent")
    FULFILLED = "fulfilled", _("Fulfilled")
    CANCELLED = "cancelled", _("Cancelled")


class AidRequest(models.Model):
    """What a hospital, shelter or volunteer hub in Ukraine asks for."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="aid_requests"
    )
    recipient = models.CharField(_("recipient"), max_length=200)
    place = models.CharField(_("place"), max_length=200)
    contact = EncryptedCharField(_("contact"), max_length=200, null=True, blank=True)
    urgency = models.PositiveSmallIntegerField(
        _("urgency"), choices=Urgency.choices, default=Urgency.NORMAL
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-urgency", "created_at"]
        verbose_name = _("aid request")
        verbose_name_plural = _("aid requests")

    def __str__(self) -> str:
        return f"#{self.pk} {self.recipient}"


class AidRequestLine(models.Model):
    request = models.ForeignKey(AidRequest, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("requested item")
        verbose_name_plural = _("requested items")

    def __str__(self) -> str:
        return f"{self.quantity} × {self.item}"


class ShipmentStatus(models.TextChoices):
    PACKED = "packed", _("Packed")
    DISPATCHED = "dispatched", _("Dispatched")
    CROSSED = "crossed", _("Crossed the border")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled (unpacked)")


class Shipment(models.Model):
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="shipments")
    request = models.ForeignKey(
        AidRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="shipments"
    )
    destination = models.CharField(_("destination"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=ShipmentStatus.choices, default=ShipmentStatus.PACKED
    )
    packed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    packed_at = models.DateTimeField(auto_now_add=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    crossed_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    delivery_confirmed_by = EncryptedCharField(
        _("delivery confirmed by"), max_length=200, blank=True, null=True
    )
    delivery_note = models.CharField(_("note on delivery"), max_length=300, blank=True)

    class Meta:
        ordering = ["-packed_at", "-pk"]
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")

    def __str__(self) -> str:
        return f"#{self.pk} → {self.destination}"


class ShipmentLine(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    lot = models.CharField(_("lot"), max_length=60, blank=True)
    expiry = models.DateField(_("expiry date"), null=True, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    delivered = models.PositiveIntegerField(_("delivered"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("packed item")
        verbose_name_plural = _("packed items")

    def __str__(self) -> str:
        return f"{self.quantity} × {self.item}"

    @property
    def lost(self) -> int | None:
        return None if self.delivered is None else self.quantity - self.delivered


class MoveKind(models.TextChoices):
    RECEIPT = "receipt", _("Received (donation)")
    TRANSFER_OUT = "transfer_out", _("Sent to another warehouse")
    TRANSFER_IN = "transfer_in", _("Received from another warehouse")
    SHIPMENT = "shipment", _("Packed for a shipment")
    UNPACK = "unpack", _("Unpacked (shipment cancelled)")
    WRITE_OFF = "write_off", _("Written off")


class StockMove(models.Model):
    """One movement of stock: the ledger. Rows are only ever added; stock on hand is the sum."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="moves")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="moves")
    lot = models.CharField(_("lot"), max_length=60, blank=True)
    expiry = models.DateField(_("expiry date"), null=True, blank=True)
    quantity = models.IntegerField(_("quantity"))  # + in, − out
    kind = models.CharField(_("kind"), max_length=12, choices=MoveKind.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    donation = models.ForeignKey(
        Donation, on_delete=models.PROTECT, null=True, blank=True, related_name="moves"
    )
    shipment = models.ForeignKey(
        Shipment, on_delete=models.PROTECT, null=True, blank=True, related_name="moves"
    )
    transfer = models.UUIDField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["warehouse", "item", "lot"])]
        constraints = [
            models.CheckConstraint(condition=~Q(quantity=0), name="stockmove_not_zero"),
            models.CheckConstraint(
                condition=Q(kind__in=["receipt", "transfer_in", "unpack"], quantity__gt=0)
                | Q(kind__in=["transfer_out", "shipment", "write_off"], quantity__lt=0),
                name="stockmove_sign_matches_kind",
            ),
        ]
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")

    def __str__(self) -> str:
        return f"{self.quantity:+d} {self.item} @ {self.warehouse}"
