"""Strings of signing in and out."""

STRINGS = {
    "auth.sign_in": ("Se connecter", "Sign in"),
    "auth.sign_out": ("Se déconnecter", "Sign out"),
    "auth.email": ("Adresse e-mail", "Email address"),
    "auth.password": ("Mot de passe", "Password"),
    "auth.wrong_credentials": ("Adresse e-mail ou mot de passe incorrect.", "Wrong email address or password."),
    "auth.signed_in_as": ("Connecté·e : {name} ({role})", "Signed in: {name} ({role})"),
    "password.too_short": ("Le mot de passe doit faire au moins 10 caractères.",
                           "The password must be at least 10 characters long."),
    "password.spaces": ("Le mot de passe ne peut pas commencer ni finir par une espace.",
                        "The password cannot start or end with a space."),
    "nav.section.space": ("Espace", "Space"),
}
