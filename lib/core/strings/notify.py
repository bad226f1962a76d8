"""Strings of e-mail notifications: the messages themselves, and what pages say about sending."""

STRINGS = {
    # --- the message sent when the team cancels someone's booking
    "notify.cancelled.subject": ("Réservation annulée : {resource}, {date}", "Booking cancelled: {resource}, {date}"),
    "notify.hello": ("Bonjour {name},", "Hello {name},"),
    "notify.hello_anonymous": ("Bonjour,", "Hello,"),
    "notify.cancelled.intro": ("Votre réservation à {space} a été annulée :",
                               "Your booking at {space} has been cancelled:"),
    "notify.cancelled.when": ("{date}, de {start} à {end}", "{date}, {start} to {end}"),
    "notify.reason.team": ("L'équipe de l'espace a dû annuler cette réservation.",
                           "The space's team had to cancel this booking."),
    "notify.reason.resource_inactive": ("{resource} n'est plus proposé à la réservation.",
                                        "{resource} can no longer be booked."),
    "notify.reason.closure": ("L'espace est fermé ce jour-là.", "The space is closed that day."),
    "notify.reason.closure_why": ("Fermeture ce jour-là : {why}.", "Closed that day: {why}."),
    "notify.reason.not_approved": ("L'équipe n'a pas pu accepter cette demande de réservation.",
                                   "The team could not accept this booking request."),
    "notify.sorry": ("Nous sommes désolés pour ce contretemps.", "We are sorry for the inconvenience."),
    "notify.rebook_member": ("Vous pouvez réserver une autre place ici : {url}",
                             "You can book another place here: {url}"),
    "notify.rebook_guest": ("Vous pouvez réserver de nouveau avec le lien de réservation que vous avez reçu.",
                            "You can book again with the booking link you were given."),
    "notify.signature": ("L'équipe de {space}", "The {space} team"),
    "notify.automatic": ("Ce message est envoyé automatiquement. Pour toute question, adressez-vous à l'équipe "
                         "de l'espace.",
                         "This message was sent automatically. For any question, please ask the space's team."),
    "notify.test.subject": ("Cantine : e-mail de test", "Cantine: test e-mail"),
    "notify.test.body": ("Si vous lisez ceci, l'envoi d'e-mails de {space} fonctionne.",
                         "If you can read this, e-mail sending from {space} works."),
    # --- what pages and the command line say about sending
    "notify.sent_n": ("{n} personne(s) prévenue(s) par e-mail.", "{n} person(s) notified by e-mail."),
    "notify.not_configured": ("{n} message(s) en attente dans la boîte d'envoi : l'envoi d'e-mails n'est pas "
                              "configuré (voir le README, Configuration).",
                              "{n} message(s) wait in the outbox: e-mail sending is not set up (see README, "
                              "Configuration)."),
    "notify.send_errors": ("Envoi impossible pour {n} message(s) : ils restent dans la boîte d'envoi et "
                           "repartiront au prochain envoi. Erreur : {error}",
                           "{n} message(s) could not be sent and stay in the outbox; they will be retried on the "
                           "next run. Error: {error}"),
    "notify.gave_up": ("{n} message(s) abandonné(s) après plusieurs échecs (voir Réglages, E-mail).",
                       "{n} message(s) given up after several failures (see Settings, E-mail)."),
    "notify.deactivate_cancel": ("Les annuler et prévenir les personnes par e-mail",
                                 "Cancel them and notify the people by e-mail"),
    "notify.closure_help": ("Les personnes concernées sont prévenues par e-mail.",
                            "The people concerned are told by e-mail."),
    # --- the settings page
    "notify.section": ("E-mail", "E-mail"),
    "notify.configured": ("Les e-mails partent par le serveur {server}, avec l'expéditeur {sender}.",
                          "E-mails are sent through {server}, from {sender}."),
    "notify.unconfigured": ("L'envoi d'e-mails n'est pas configuré : les messages attendent dans la boîte "
                            "d'envoi (voir le README, Configuration).",
                            "E-mail sending is not set up: messages wait in the outbox (see README, "
                            "Configuration)."),
    "notify.counts": ("En attente : {pending} · En échec : {failed} · Envoyés : {sent}",
                      "Waiting: {pending} · Failed: {failed} · Sent: {sent}"),
    "notify.last_error": ("Dernière erreur : {error}", "Last error: {error}"),
    "notify.send_now": ("Envoyer maintenant", "Send now"),
    "notify.nothing_to_send": ("Rien à envoyer.", "Nothing to send."),
    "notify.send_test": ("M'envoyer un e-mail de test", "Send a test e-mail to me"),
    "notify.test_sent": ("E-mail de test envoyé à {email}.", "Test e-mail sent to {email}."),
    "notify.test_failed": ("L'e-mail de test n'est pas parti : {error}", "The test e-mail was not sent: {error}"),
    "notify.err_not_configured": ("L'envoi d'e-mails n'est pas configuré (voir le README, Configuration).",
                                  "E-mail sending is not set up (see README, Configuration)."),
}
