"""The marker for English text that a domain package hands to the web layer to translate."""


def N_(message: str) -> str:
    """Mark `message` for extraction (`make messages`); the web layer translates it on display."""
    return message
