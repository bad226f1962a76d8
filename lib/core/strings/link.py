"""The shared-link booking form (lib/web/link_page.py, lib/web/assets/link_booker.js), its requests and
their proof links (`?proof=`)."""

STRINGS = {
    "linkform.free_count": ("{n} {n:poste|postes} {n:libre|libres} sur ce créneau.", "{n} {n:desk|desks} free for this slot."),
    "linkform.events": ("Voir aussi les événements à venir", "See the coming events too"),
    "linkform.desk": ("Poste", "Desk"),
    "linkform.again": ("Réserver un autre jour", "Book another day"),
    "linkform.no_days": ("Aucun jour ouvert à réserver pour le moment : revenez plus tard ou contactez l'équipe.",
                         "No open day to book for now: come back later or contact the team."),
    "linkform.day_invalid": ("Ce jour n'est pas une date valide : choisissez un jour dans la liste.",
                             "This day is not a valid date: pick a day from the list."),
    "linkform.slot_invalid": ("Choisissez un créneau : matin, après-midi ou journée.",
                              "Pick a slot: morning, afternoon or whole day."),
    "linkform.resource_invalid": ("Choisissez un poste libre dans la liste.", "Pick a free desk from the list."),
    # refusals of a request or a proof (private.check_link_visitor, link_book, link_prove)
    "link.name_invisible": ("Votre nom contient des caractères invisibles ou de contrôle : tapez-le à nouveau au clavier.",
                            "Your name holds invisible or control characters: type it again on the keyboard."),
    "link.desk_only": ("Ce lien réserve des postes de travail seulement : pour une salle, connectez-vous à votre compte.",
                       "This link books desks only: to book a room, sign in to your account."),
    "link.busy": ("Trop de demandes par ce lien en ce moment : réessayez dans une minute.",
                  "Too many requests through this link right now: try again in a minute."),
    "link.proof_unknown": ("Ce lien de confirmation n'est pas valide : vérifiez qu'il est complet, ou refaites votre "
                           "demande depuis le lien de l'espace.",
                           "This confirmation link is not valid: check it is complete, or ask again from the "
                           "space's link."),
    "link.proof_used": ("Ce lien de confirmation a déjà servi : votre demande a été traitée. Le lien de gestion est "
                        "dans l'e-mail qui a suivi ; sinon, refaites une demande.",
                        "This confirmation link was already used: your request was handled. The manage link is in "
                        "the e-mail that followed; otherwise, ask again."),
    "link.proof_expired": ("Ce lien de confirmation a expiré (rien n'a été réservé) : refaites votre demande depuis "
                           "le lien de l'espace.",
                           "This confirmation link has expired (nothing was booked): ask again from the space's "
                           "link."),
    # the form and the pages
    "linkform.check_email": ("Vérifiez vos e-mails : nous avons envoyé un lien à {email} pour confirmer. Rien n'est "
                             "réservé tant que vous n'avez pas confirmé : confirmez vite, la place peut partir entre-temps.",
                             "Check your e-mail: we sent a link to {email} to confirm. Nothing is held until you "
                             "confirm: confirm quickly, the place may go meanwhile."),
    "linkform.hold_nothing": ("Nous vous enverrons un lien par e-mail pour confirmer ; rien n'est réservé avant.",
                              "We will e-mail you a link to confirm; nothing is held before."),
    "linkform.sign_in": ("J'ai un compte : me connecter", "I have an account: sign in"),
    "linkform.send": ("Envoyer la demande", "Send the request"),
    "linkform.sending": ("Envoi…", "Sending…"),
    "proof.title": ("Confirmation", "Confirmation"),
    "proof.booked": ("C'est réservé : {resource}, {when}.", "Booked: {resource}, {when}."),
    "proof.pending": ("Votre demande est confirmée : l'équipe doit encore valider votre réservation ({resource}, "
                      "{when}).",
                      "Your request is confirmed: the team still has to approve your booking ({resource}, {when})."),
    "proof.registered": ("C'est noté : vous êtes inscrit·e à « {title} ».", "Done: you are registered for “{title}”."),
    "proof.waitlisted": ("L'événement est complet : vous êtes sur la liste d'attente de « {title} ». Vous serez "
                         "prévenu·e par e-mail si une place se libère.",
                         "The event is full: you are on the waiting list of “{title}”. You will be told by e-mail "
                         "if a place frees up."),
    "proof.manage_intro": ("Gardez ce lien privé pour voir ou annuler (il est aussi dans l'e-mail de confirmation) :",
                           "Keep this link private to see or cancel (it is also in the confirmation e-mail):"),
    "proof.manage": ("Gérer ma réservation", "Manage my booking"),
    "proof.refused": ("Votre adresse est confirmée, mais la demande n'a pas pu aboutir :",
                      "Your address is confirmed, but the request could not go through:"),
    "proof.try_again": ("Rouvrez le lien de l'espace (dans la lettre ou le message où vous l'avez trouvé) pour "
                        "choisir une autre place.",
                        "Open the space's link again (in the newsletter or message where you found it) to pick "
                        "another place."),
}
