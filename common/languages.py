"""The languages Indgang speaks, each named in its own language and script (a person looks for
their language's name as they write it), and the ones written right to left."""

LANGUAGES = {
    "da": "Dansk",
    "en": "English",
    "ar": "العربية",
    "fa": "فارسی",
    "ur": "اردو",
    "tr": "Türkçe",
    "pl": "Polski",
    "uk": "Українська",
    "so": "Soomaali",
}
RIGHT_TO_LEFT = frozenset({"ar", "fa", "ur"})
