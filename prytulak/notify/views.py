import hmac
import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import telegram

log = logging.getLogger(__name__)
# An update is a few kilobytes (a message holds at most 4,096 characters); this is plenty.
MAX_UPDATE_BYTES = 256 * 1024


@csrf_exempt
@require_POST
def telegram_webhook(request: HttpRequest) -> HttpResponse:
    """Telegram posts each update here with the secret we registered (setWebhook)."""
    secret = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
    expected = settings.TELEGRAM_WEBHOOK_SECRET
    if not telegram.enabled() or not expected or not hmac.compare_digest(secret, expected):
        return HttpResponse(status=403)
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return HttpResponse(status=400)
    if length > MAX_UPDATE_BYTES:
        return HttpResponse(status=400)  # refused before the body is read
    data = telegram.parse_update(request.body)
    if data is None:
        return HttpResponse(status=400)
    try:
        replies, callback_id = telegram.handle(data)
    except (ValueError, LookupError, TypeError, AttributeError, ArithmeticError):
        # JSON that python-telegram-bot cannot read as an update (wrong types, missing
        # fields, dates beyond the calendar): dropped, not retried.
        log.info("Telegram update ignored: not one we understand")
        return JsonResponse({"ok": True})
    telegram.deliver(replies, callback_id=callback_id)
    return JsonResponse({"ok": True})
