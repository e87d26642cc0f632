import hmac
import json
import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import telegram

log = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def telegram_webhook(request: HttpRequest) -> HttpResponse:
    """Telegram posts each update here with the secret we registered (setWebhook)."""
    secret = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
    expected = settings.TELEGRAM_WEBHOOK_SECRET
    if not telegram.enabled() or not expected or not hmac.compare_digest(secret, expected):
        return HttpResponse(status=403)
    try:
        data = json.loads(request.body)
        replies = telegram.handle(data)
    except (ValueError, KeyError, TypeError, AttributeError):
        return JsonResponse({"ok": True})  # a malformed update is dropped, not retried
    for chat, text in replies:
        try:
            telegram.send(chat, text)
        except Exception:
            log.exception("Telegram reply to chat %s failed", chat)
    return JsonResponse({"ok": True})
