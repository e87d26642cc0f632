from django.core.exceptions import PermissionDenied, ValidationError


class ServiceError(ValidationError):
    """A business rule refused the operation; the message is translated and safe to show."""


class NotAllowed(PermissionDenied):
    """The actor may not do this; Django answers 403."""
