"""What an interpreter may signal to the chair (`/floor signal …`, the console's buttons), and its words in
en/fr/es. The grammar (bot/domain/grammar.py) parses the verb; bot/app/booth_signals.py says the signal."""

from __future__ import annotations

SIGNALS = ("slower", "sound", "relay")
SIGNAL_TEXT = "text"  # a few words of the interpreter's own

# An interpreter's words for each signal (normalised: no accents, lower case).
_SIGNAL_WORDS: dict[str, str] = {
    "slower": "slower", "slow": "slower", "slow down": "slower", "slower please": "slower",
    "plus lentement": "slower", "ralentir": "slower", "moins vite": "slower", "lentement": "slower",
    "mas despacio": "slower", "despacio": "slower", "mas lento": "slower", "mas lentamente": "slower",
    "sound": "sound", "no sound": "sound", "son": "sound", "pas de son": "sound", "plus de son": "sound",
    "sonido": "sound", "sin sonido": "sound", "no hay sonido": "sound",
    "relay": "relay", "relay needed": "relay", "relais": "relay", "relais necessaire": "relay",
    "rele": "relay", "se necesita rele": "relay", "rele necesario": "relay",
}  # fmt: skip


def signal_kind(core: str) -> str | None:
    """The signal named by `core` (normalised by the grammar: lower case, no accents, no polite words)."""
    return _SIGNAL_WORDS.get(core)
