"""Words that Streamlit's widgets would otherwise write in English (lib/web/ui.py)."""

STRINGS = {
    "upload.browse": ("Parcourir", "Browse files"),
    # French puts a space before the colon, English does not: the whole line is in the catalogue
    "profile.email_line": ("E-mail : {email}", "Email: {email}"),
    "app.label_value": ("{label} : {value}", "{label}: {value}"),
    "upload.limit": ("{size} Mo au plus par fichier", "{size} MB per file"),
}
