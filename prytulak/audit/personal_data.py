"""Which model fields hold personal data, in one list: every text field of the project's
models is classified here, and a test (audit/tests/test_personal_data.py) fails when a new one
is not, so a new field holding personal data cannot slip in unencrypted unnoticed.

- PERSONAL_DATA_FIELDS: encrypted at rest; the test writes a value into each and finds only
  ciphertext in the raw row (the change-trail copies too).
- PLAINTEXT_PERSONAL_FIELDS: personal, but still stored in plain text, each with the reason;
  every entry is a decision to revisit, not an oversight.
- NOT_PERSONAL_FIELDS: text fields that hold no personal data, each with the reason.

Only text fields (CharField, TextField and their subclasses) are classified; JSON fields and
numbers (e.g. a Telegram chat id) are not covered by this list.
"""

from __future__ import annotations

PERSONAL_DATA_FIELDS: dict[str, list[str]] = {
    "people.Household": ["phone", "email", "messenger", "pet_notes", "needs", "notes"],
    "people.Person": ["name"],
    "people.ConsentRecord": ["how"],
    "housing.Host": ["email", "phone", "messenger"],
    "housing.HostVerification": ["note"],
    "housing.HostOffer": ["address", "notes"],
    "housing.Placement": ["reason"],
    "housing.PlacementEvent": ["reason"],
    "housing.CheckIn": ["note"],
    "housing.ProblemReport": ["description"],
    "journeys.Trip": ["vehicle", "notes"],  # the vehicle's plate identifies its driver
    "journeys.Booking": ["reason"],
    "assistance.Case": ["notes"],
    "assistance.CaseEvent": ["what"],  # status notes and decline reasons are typed by staff
    "assistance.Referral": ["consent", "reason"],
    "aid.Donation": ["donor"],
    "aid.Pledge": ["donor"],
    "aid.AidRequest": ["contact"],
    "aid.Shipment": ["delivery_confirmed_by"],  # who signed for a delivery
    "sheets.ImportJob": ["rows"],  # the uploaded sheet until it is imported
}

PLAINTEXT_PERSONAL_FIELDS: dict[str, dict[str, str]] = {
    "people.Household": {
        "lead_name": "staff find households by name (a substring search); erasure blanks it",
        "lead_name_key": "the lead name's transliterated skeleton, so a search finds it in "
        "either script; holds no more than lead_name beside it, and erasure blanks it",
    },
    "housing.Host": {
        "name": "staff find hosts by name and lists are ordered by it; erasure blanks it",
        "name_key": "the name's transliterated skeleton, so a search finds it in either "
        "script; holds no more than name beside it, and erasure blanks it",
    },
}

# Fields that are not personal data: codes and choices, hashes, places and public directory
# entries, and text the system writes itself.
NOT_PERSONAL_FIELDS: dict[str, dict[str, str]] = {
    "orgs.Organization": {
        "name": "an organisation",
        "slug": "an organisation",
        "country": "a code",
    },
    "orgs.Membership": {"role": "a choice"},
    "people.Household": {
        "source": "a choice",
        "status": "a choice",
        "share_level": "a choice",
        "phone_index": "a keyed hash (blind index)",
        "email_index": "a keyed hash (blind index)",
        "messenger_index": "a keyed hash (blind index)",
        "arrival_place": "a town or reception point, for matching and maps",
        "arrival_place_key": "a gazetteer id",
        "arrival_country": "a code",
        "preferred_cities": "towns the household would like to go to",
    },
    "people.ConsentRecord": {"level": "a choice"},
    "people.Person": {
        "age_band": "a choice",
        "sex": "a choice",
        "name_index": "keyed hashes of the name's words (blind index)",
    },
    "housing.Host": {
        "kind": "a choice",
        "household_type": "a choice",
        "email_index": "a keyed hash (blind index)",
        "phone_index": "a keyed hash (blind index)",
        "messenger_index": "a keyed hash (blind index)",
        "preferred_language": "a code",
    },
    "housing.HostVerification": {"document_type": "a choice (never the document itself)"},
    "housing.HostOffer": {
        "status": "a choice",
        "city": "the town's centre, public on purpose",
        "country": "a code",
        "place_key": "a gazetteer id",
        "price_note": "the price of the place",
        "flag_reason": "written by the system (“Placement #12 broke down.”)",
    },
    "housing.Placement": {"status": "a choice"},
    "housing.PlacementEvent": {
        "from_status": "a choice",
        "to_status": "a choice",
        "by_party": "a choice (host or household)",
        "channel": "a choice (staff, link, telegram, sms)",
    },
    "housing.CheckIn": {
        "outcome": "a choice",
        "done_by_party": "a choice (host or household)",
        "channel": "a choice (staff, link, telegram, sms)",
    },
    "housing.ProblemReport": {"side": "a choice", "channel": "a choice"},
    "matching.MatchingRun": {
        "scope": "a choice",
        "country": "a code",
        "status": "a choice",
        "stage": "a code",
        "error": "the engine's error, about arrays, never about people",
    },
    "matching.Unplaced": {"reason": "a code from the engine"},
    "audit.AccessLog": {
        "action": "a code",
        "object_type": "a model's name",
        "object_id": "a primary key",
        "reason": "why staff opened a record (a purpose, not data about the person)",
        "party": "a code (host or household, when no staff member)",
        "channel": "a code (staff, link, telegram, sms)",
    },
    "accounts.SessionRecord": {
        "session_key": "a random key",
        "user_agent": "a staff member's browser, kept for their own session list",
    },
    "journeys.BorderCrossing": {
        "code": "public data about a crossing",
        "name": "public data about a crossing",
        "name_uk": "public data about a crossing",
        "country": "a code",
        "kind": "a choice",
        "reception": "public data about a crossing",
        "opening": "public data about a crossing",
        "status": "a choice",
        "status_note": "public data about a crossing",
    },
    "journeys.Trip": {
        "origin": "a town",
        "destination": "a town",
        "luggage": "a choice",
        "status": "a choice",
    },
    "journeys.Booking": {"status": "a choice"},
    "journeys.Journey": {"status": "a choice"},
    "journeys.JourneyLeg": {"kind": "a choice", "from_place": "a town", "to_place": "a town"},
    "aid.Item": {"name": "goods", "unit": "a choice", "category": "a choice"},
    "aid.Warehouse": {"name": "a warehouse", "city": "a town", "country": "a code"},
    "aid.Donation": {"note": "about the goods"},
    "aid.Pledge": {"currency": "a code", "reference": "a bank or receipt reference"},
    "aid.AidRequest": {
        "recipient": "a hospital, shelter or hub",
        "place": "a town",
        "status": "a choice",
    },
    "aid.Shipment": {
        "destination": "a town or institution",
        "status": "a choice",
        "delivery_note": "about the goods delivered",
    },
    "aid.ShipmentLine": {"lot": "a batch number"},
    "aid.StockMove": {"lot": "a batch number", "kind": "a choice", "reason": "about the stock"},
    "assistance.ServiceProvider": {
        "name": "a public directory entry",
        "kind": "a choice",
        "city": "a town",
        "country": "a code",
        "opening_hours": "a public directory entry",
        "contact": "a public directory entry",
    },
    "assistance.Case": {"type": "a choice", "status": "a choice"},
    "assistance.Referral": {"status": "a choice"},
    "api.ApiToken": {
        "name": "a key's label",
        "prefix": "a random key's prefix",
        "key_hash": "a hash",
    },
    "api.IdempotencyKey": {
        "key": "a client's request label",
        "request_hash": "a hash",
        "object_type": "a model's name",
    },
    "sheets.ImportJob": {
        "kind": "a choice",
        "filename": "the uploaded file's name",
        "file_hash": "a hash",
        "status": "a choice",
        "language": "a code",
        "error": "the kind of failure only (services.import_process)",
    },
    "sheets.ImportedRow": {"kind": "a choice", "fingerprint": "a hash"},
    "notify.TelegramLink": {"language": "a code"},
    "notify.NotificationLog": {
        "key": "the event and record ids a notice was about (numbers and codes)",
        "channel": "a code (email, sms)",
    },
    "selfservice.AccessLink": {
        "purpose": "a choice",
        "token_hash": "a SHA-256 of a random token; opens nothing by itself",
        "language": "a code",
    },
}

# The change trail (django-simple-history) copies its model's fields and adds these.
HISTORY_FIELDS = {"history_change_reason", "history_type"}
