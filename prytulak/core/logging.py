"""Logging filters."""

import logging


class QuietClientErrors(logging.Filter):
    """A refused or missing page (4xx) is logged as one line, without the traceback of the
    PermissionDenied or Http404 that produced it; server errors keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", 500) < 500:
            record.exc_info = None
            record.exc_text = None
        return True
