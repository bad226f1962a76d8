"""The space's public face: the showcase of members, the agenda, the contact form, their e-mails."""

STRINGS = {
    # pages
    "public.showcase_title": ("Les membres de {space}", "The members of {space}"),
    "public.showcase_intro": ("Les indépendant·es et les équipes qui travaillent à {space} et ont choisi "
                              "de se montrer ici.",
                              "The freelancers and teams who work at {space} and chose to be shown here."),
    "public.search": ("Chercher une compétence, un métier, un nom", "Search a skill, a trade, a name"),
    "public.search_placeholder": ("par ex. Python, graphiste…", "e.g. Python, designer…"),
    "public.search_button": ("Chercher", "Search"),
    "public.contact_sending": ("Envoi…", "Sending…"),
    "public.count": ("{n} {n:membre|membres}", "{n} {n:member|members}"),
    "public.none": ("Personne ne correspond à cette recherche.", "Nobody matches this search."),
    "public.open_profile": ("Voir le profil", "See the profile"),
    "public.back_showcase": ("Tous les membres", "All members"),
    "public.back_agenda": ("Tout l'agenda", "The whole agenda"),
    "public.to_agenda": ("L'agenda des événements", "The events agenda"),
    "public.to_showcase": ("Les membres", "The members"),
    "public.member_unknown": ("Ce profil n'est pas public (ou plus).", "This profile is not public (any more)."),
    "public.skills": ("Compétences", "Skills"),
    "public.talks": ("Interventions à {space}", "Talks at {space}"),
    "public.talks_none": ("Pas encore d'intervention.", "No talk yet."),
    "public.talks_count": ("{n} {n:intervention|interventions}", "{n} {n:talk|talks}"),
    "public.role.speaker": ("intervenant·e", "speaker"),
    "public.role.organiser": ("organisation", "organiser"),
    "public.role.both": ("intervenant·e et organisation", "speaker and organiser"),
    "public.talk_line": ("{date} — {title} ({role})", "{date} — {title} ({role})"),
    "public.contact_title": ("Écrire à {name}", "Write to {name}"),
    "public.contact_help": ("Votre message lui est transmis par e-mail ; son adresse ne vous est pas montrée. "
                            "Nous vous envoyons d'abord un lien pour confirmer votre adresse.",
                            "Your message is passed on by e-mail; their address is not shown to you. "
                            "We first send you a link to confirm your address."),
    "public.contact_name": ("Votre nom", "Your name"),
    "public.contact_email": ("Votre e-mail", "Your e-mail"),
    "public.contact_message": ("Votre message", "Your message"),
    "public.contact_send": ("Envoyer", "Send"),
    "public.contact_check_email": ("Vérifiez vos e-mails : ouvrez le lien que nous venons de vous envoyer pour que "
                                   "votre message parte. Rien n'est transmis avant.",
                                   "Check your e-mails: open the link we have just sent you for your message to go. "
                                   "Nothing is passed on before."),
    "public.no_contact": ("Ce membre ne souhaite pas être contacté par ce site.",
                          "This member does not wish to be contacted through this site."),
    "public.contact_sent": ("C'est envoyé : {name} a reçu votre message et peut vous répondre à votre adresse.",
                            "Sent: {name} has received your message and can answer at your address."),
    "public.contact_proof_title": ("Confirmation de votre message", "Confirming your message"),
    "public.agenda_title": ("L'agenda de {space}", "What's on at {space}"),
    "public.agenda_intro": ("Les prochains événements ouverts à toutes et tous.",
                            "The coming events, open to everyone."),
    "public.agenda_none": ("Aucun événement prévu pour le moment.", "No event planned for now."),
    "public.open_event": ("Détails", "Details"),
    "public.event_unknown": ("Cet événement n'existe pas ou n'est pas public.",
                             "This event does not exist or is not public."),
    "public.event_cancelled": ("Cet événement est annulé.", "This event is cancelled."),
    "public.event_past": ("Cet événement a eu lieu.", "This event has taken place."),
    "public.where": ("Lieu : {room}", "Where: {room}"),
    "public.speakers": ("Avec {names}", "With {names}"),
    "public.places_left": ("{n} {n:place restante|places restantes}", "{n} {n:place|places} left"),
    "public.full": ("Complet : inscription sur liste d'attente.", "Full: registrations go on the waiting list."),
    "public.how_to_register": ("Pour vous inscrire : membres, connectez-vous à l'application (page Événements) ; "
                               "sinon, utilisez le lien d'inscription de la lettre d'information de {space} "
                               "ou écrivez à l'équipe.",
                               "To register: members, sign in to the app (Events page); otherwise use the "
                               "registration link in {space}'s newsletter, or write to the team."),
    "public.sign_in": ("Se connecter", "Sign in"),
    "public.feed": ("Ajouter l'agenda à votre calendrier", "Add the agenda to your calendar"),
    "public.feed_help": ("Copiez cette adresse dans votre calendrier (« s'abonner par URL ») : les événements "
                         "s'y mettent à jour tout seuls.",
                         "Paste this address into your calendar (\"subscribe by URL\"): events update there "
                         "by themselves."),
    "public.member_address": ("Adresse de ce profil", "This profile's address"),
    "public.event_address": ("Adresse de cet événement", "This event's address"),
    "public.embed_more": ("Tout voir sur le site de {space}", "See everything on {space}'s site"),
    # refusals (SQL keys)
    "public.busy": ("Trop de demandes pour le moment : réessayez dans une heure.",
                    "Too many requests for now: try again in an hour."),
    "public.message_required": ("Écrivez votre message.", "Write your message."),
    "public.message_too_long": ("Votre message est trop long (au plus {max} caractères).",
                                "Your message is too long (at most {max} characters)."),
    "public.message_invisible": ("Votre message contient des caractères invisibles : retapez-le.",
                                 "Your message holds invisible characters: type it again."),
    "public.contact_unavailable": ("Ce membre ne peut pas être contacté par ce site.",
                                   "This member cannot be contacted through this site."),
    "public.contact_limit": ("Ce membre a reçu assez de messages pour aujourd'hui : réessayez demain.",
                             "This member has received enough messages for today: try again tomorrow."),
    "public.proof_unknown": ("Ce lien de confirmation n'est pas valide : vérifiez qu'il est complet, ou écrivez "
                             "à nouveau depuis la page du membre.",
                             "This confirmation link is not valid: check it is complete, or write again from "
                             "the member's page."),
    "public.proof_used": ("Ce lien de confirmation a déjà servi : votre message est parti.",
                          "This confirmation link has already been used: your message has gone."),
    "public.proof_expired": ("Ce lien de confirmation a expiré (rien n'a été envoyé) : écrivez à nouveau depuis "
                             "la page du membre.",
                             "This confirmation link has expired (nothing was sent): write again from the "
                             "member's page."),
    # e-mails
    "mail.contact_proof.subject": ("Confirmez votre message à {member}", "Confirm your message to {member}"),
    "mail.contact_proof.intro": ("Un message pour {member}, membre de {space}, a été écrit avec cette adresse "
                                 "e-mail.",
                                 "A message to {member}, a member of {space}, was written with this e-mail "
                                 "address."),
    "mail.contact_proof.follow": ("Si c'est vous, ouvrez ce lien avant le {expires} pour qu'il parte : {url}",
                                  "If it was you, open this link before {expires} for it to go: {url}"),
    "mail.contact_proof.ignore": ("Si vous n'avez rien écrit, ignorez ce message : rien ne sera envoyé.",
                                  "If you wrote nothing, ignore this message: nothing will be sent."),
    "mail.contact_message.subject": ("Un message de {name} via {space}", "A message from {name} through {space}"),
    "mail.contact_message.intro": ("{name} ({email}) vous écrit depuis votre profil public sur le site de {space}. "
                                   "Son adresse a été vérifiée ; la vôtre ne lui a pas été montrée. Répondre à ce "
                                   "message lui écrit directement.",
                                   "{name} ({email}) writes to you from your public profile on {space}'s site. "
                                   "Their address was checked; yours was not shown to them. Replying to this "
                                   "message writes to them directly."),
    "mail.contact_message.stop": ("Pour ne plus recevoir de messages, décochez « accepter d'être contacté·e » "
                                  "sur votre profil.",
                                  "To receive no more messages, untick \"allow contact\" on your profile."),
    # the signed-in member page (issue #14)
    "directory.talks": ("Interventions et événements organisés", "Talks given and events organised"),
}

# keys built at run time: t(f"public.role.{role}")
DYNAMIC_PREFIXES = ("public.role.",)
