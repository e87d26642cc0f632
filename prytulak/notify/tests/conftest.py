from .fakebot import bot_api  # noqa: F401  (the fixture, for every test here)
