"""SMS: `send_sms(to, text)` through the backend named by settings.SMS_BACKEND.

- "console": written to the log (development);
- "file": one JSON line per message in settings.SMS_FILE_PATH (the demo);
- "memory": kept in `outbox` (tests);
- "twilio": Twilio's Programmable Messaging REST API — POST
  {TWILIO_API_URL}/2010-04-01/Accounts/{AccountSid}/Messages.json, HTTP basic auth with the
  Account SID and auth token, form fields To, From (or MessagingServiceSid for an "MG…" sender)
  and Body; 201 Created returns the message resource with its "sid", an error returns JSON
  with "code" and "message".

`segments(text)` counts what a message costs: GSM-7 (160 characters in one message, 153 per
part when split; ^{}\\[~]|€ take two) or, with any other character (Cyrillic), UCS-2 (70 in one,
67 per part; characters beyond the BMP take two). A part never splits an escape or a pair.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass

import requests
from django.conf import settings
from django.utils import timezone

log = logging.getLogger(__name__)

GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = set("^{}\\[~]|€\f")
PHONE = re.compile(r"^\+[1-9]\d{7,14}$")
outbox: list[tuple[str, str]] = []  # the "memory" backend's messages


class SmsError(Exception):
    """The message was not accepted (bad number, provider refused or unreachable)."""


@dataclass(frozen=True)
class Cost:
    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # septets or UTF-16 code units
    segments: int


def _pack(weights: list[int], single: int, part: int) -> int:
    total = sum(weights)
    if total <= single:
        return 1 if total else 0
    parts, used = 1, 0
    for weight in weights:
        if used + weight > part:  # an escape pair or surrogate pair is never split
            parts, used = parts + 1, 0
        used += weight
    return parts


def segments(text: str) -> Cost:
    """What `text` costs as an SMS."""
    if all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text):
        weights = [2 if c in GSM7_EXTENSION else 1 for c in text]
        return Cost("GSM-7", sum(weights), _pack(weights, 160, 153))
    weights = [2 if ord(c) > 0xFFFF else 1 for c in text]
    return Cost("UCS-2", sum(weights), _pack(weights, 70, 67))


def normalise_phone(phone: str) -> str:
    """+48600100200 from "+48 600-100-200"; SmsError when it cannot be an international number."""
    number = re.sub(r"[\s\-().]", "", phone or "")
    if number.startswith("00"):
        number = "+" + number[2:]
    if not PHONE.match(number):
        raise SmsError("not an international phone number")
    return number


def _twilio(to: str, text: str) -> str:
    sid, token = settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN
    if not sid or not token or not settings.SMS_FROM:
        raise SmsError("Twilio is not configured (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, SMS_FROM)")
    url = f"{settings.TWILIO_API_URL.rstrip('/')}/2010-04-01/Accounts/{sid}/Messages.json"
    sender = settings.SMS_FROM
    data = {"To": to, "Body": text}
    data["MessagingServiceSid" if sender.startswith("MG") else "From"] = sender
    try:
        response = requests.post(url, data=data, auth=(sid, token), timeout=15)
    except requests.RequestException as exc:
        raise SmsError(f"Twilio unreachable: {exc.__class__.__name__}") from exc
    try:
        body = response.json()
    except ValueError:
        body = {}
    if response.status_code not in (200, 201) or not body.get("sid"):
        raise SmsError(
            f"Twilio refused ({response.status_code}): {body.get('code')} {body.get('message')}"
        )
    return str(body["sid"])


def _file(to: str, text: str) -> str:
    at = timezone.now().isoformat()
    with open(settings.SMS_FILE_PATH, "a", encoding="utf-8") as out:
        out.write(json.dumps({"to": to, "text": text, "at": at}, ensure_ascii=False) + "\n")
    return f"file:{at}"


def send_sms(to: str, text: str) -> str:
    """Send one message; returns the provider's id for it. Raises SmsError."""
    number = normalise_phone(to)
    backend = settings.SMS_BACKEND
    if backend == "twilio":
        return _twilio(number, text)
    if backend == "file":
        return _file(number, text)
    if backend == "memory":
        outbox.append((number, text))
        return f"memory:{len(outbox)}"
    if backend == "console":
        log.info("SMS to %s: %s", number[:-4] + "****", text)
        return "console"
    raise SmsError(f"unknown SMS_BACKEND {backend!r}")
