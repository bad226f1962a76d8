"""Translation catalogues, one module per area: STRINGS = {"key": ("français", "English")}."""
