"""Numbers as people type them on any keyboard: the chat's answers and the admin's forms alike."""

import unicodedata

#: Arabic decimal and thousands separators, read as the Danish "," and ".".
_ARABIC_SEPARATORS = str.maketrans({"\u066b": ",", "\u066c": "."})


def plain_digits(text: str) -> str:
    """Digits of every script as 0–9 (Arabic-Indic ١٢ and Persian ۱۲ are 12), and the Arabic
    decimal and thousands separators as Danish "," and "."."""
    return "".join(
        str(unicodedata.decimal(char)) if char.isdecimal() else char for char in text
    ).translate(_ARABIC_SEPARATORS)
