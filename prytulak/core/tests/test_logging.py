import logging

from django.urls import reverse


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__()
        self.records = []

    def emit(self, record):
        self.records.append(record)


def test_a_refused_page_is_logged_once_as_one_line_without_a_traceback(client, viewer_a):
    logger = logging.getLogger("django.request")
    collect = _Collect()
    logger.addHandler(collect)
    try:
        client.force_login(viewer_a)
        assert client.get(reverse("household-create")).status_code == 403
    finally:
        logger.removeHandler(collect)
    assert len(collect.records) == 1
    record = collect.records[0]
    assert record.status_code == 403
    assert record.exc_info is None
    assert not logger.propagate  # not printed a second time by the "django" logger


def test_a_server_error_keeps_its_traceback():
    from prytulak.core.logging import QuietClientErrors

    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record = logging.LogRecord("django.request", logging.ERROR, "", 0, "x", (), sys.exc_info())
    record.status_code = 500
    assert QuietClientErrors().filter(record)
    assert record.exc_info is not None
