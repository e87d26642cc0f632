"""A fake Telegram Bot API on 127.0.0.1 that records what the bot sends (no test reaches the
internet), and helpers to post updates to the webhook as Telegram would."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

TOKEN = "123456:TEST-token"
SECRET = "webhook-secret-for-tests"


class FakeBotApi(BaseHTTPRequestHandler):
    calls: list = []

    def do_POST(self):  # noqa: N802
        method = self.path.rsplit("/", 1)[-1]
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode() if length else ""
        try:
            payload = json.loads(raw) if raw.startswith("{") else {}
        except ValueError:
            payload = {}
        if not payload and raw:
            from urllib.parse import parse_qsl

            payload = dict(parse_qsl(raw))
        FakeBotApi.calls.append((self.path, method, payload))
        if method == "getMe":
            result = {
                "id": 123456,
                "is_bot": True,
                "first_name": "Prytulak",
                "username": "prytulak_bot",
            }
        elif method == "sendMessage":
            result = {
                "message_id": len(FakeBotApi.calls),
                "date": 0,
                "chat": {"id": int(payload.get("chat_id", 0)), "type": "private"},
                "text": payload.get("text", ""),
            }
        else:
            result = True
        body = json.dumps({"ok": True, "result": result}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def bot_api(settings):
    FakeBotApi.calls = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeBotApi)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.TELEGRAM_BOT_TOKEN = TOKEN
    settings.TELEGRAM_WEBHOOK_SECRET = SECRET
    settings.TELEGRAM_API_URL = f"http://127.0.0.1:{server.server_port}"
    yield FakeBotApi.calls
    server.shutdown()


def sent(calls):
    return [(int(p["chat_id"]), p["text"]) for _path, m, p in calls if m == "sendMessage"]


def update(chat, text, language="uk"):
    return {
        "update_id": 1,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": chat, "type": "private"},
            "from": {"id": chat, "is_bot": False, "first_name": "T", "language_code": language},
            "text": text,
        },
    }


def post(client, data, secret=SECRET):
    return client.post(
        "/telegram/webhook/",
        json.dumps(data),
        content_type="application/json",
        HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=secret,
    )


def buttons(payload):
    """The inline buttons of one sent message, as (label, callback data) pairs."""
    markup = payload.get("reply_markup") or {}
    if isinstance(markup, str):
        markup = json.loads(markup)
    return [
        (b["text"], b["callback_data"]) for row in markup.get("inline_keyboard", []) for b in row
    ]


def messages(calls, chat=None):
    """Each sent message as (chat, text, buttons)."""
    return [
        (int(p["chat_id"]), p["text"], buttons(p))
        for _path, m, p in calls
        if m == "sendMessage" and (chat is None or int(p["chat_id"]) == chat)
    ]


def press(chat, data, language="uk", query_id="1"):
    """The update Telegram posts when someone presses an inline button."""
    return {
        "update_id": 2,
        "callback_query": {
            "id": query_id,
            "from": {"id": chat, "is_bot": False, "first_name": "T", "language_code": language},
            "chat_instance": "c",
            "data": data,
            "message": {
                "message_id": 9,
                "date": 0,
                "chat": {"id": chat, "type": "private"},
                "text": "…",
            },
        },
    }
