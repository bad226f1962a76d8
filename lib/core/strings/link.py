"""The shared-link booking form (lib/web/link_page.py, lib/web/assets/link_booker.js)."""

STRINGS = {
    "linkform.free_count": ("{n} poste(s) libre(s) sur ce créneau.", "{n} desk(s) free for this slot."),
    "linkform.events": ("Voir aussi les événements à venir", "See the coming events too"),
    "linkform.desk": ("Poste", "Desk"),
    "linkform.again": ("Réserver un autre jour", "Book another day"),
    "linkform.booking": ("Réservation en cours…", "Booking…"),
    "linkform.no_days": ("Aucun jour ouvert à réserver pour le moment : revenez plus tard ou contactez l'équipe.",
                         "No open day to book for now: come back later or contact the team."),
    "linkform.day_invalid": ("Ce jour n'est pas une date valide : choisissez un jour dans la liste.",
                             "This day is not a valid date: pick a day from the list."),
    "linkform.slot_invalid": ("Choisissez un créneau : matin, après-midi ou journée.",
                              "Pick a slot: morning, afternoon or whole day."),
    "linkform.resource_invalid": ("Choisissez un poste libre dans la liste.", "Pick a free desk from the list."),
}
