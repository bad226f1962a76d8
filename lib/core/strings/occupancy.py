"""Occupancy dashboards (views/occupancy.py, lib/dashboards/occupancy.py, supabase/migrations/20261204140000_occupancy.sql)."""

# keys built at run time: t(f"occupancy.preset.{p}"), t(f"occupancy.kind.{k}"), t(f"occupancy.units.{k}")…
DYNAMIC_PREFIXES = ("occupancy.preset.", "occupancy.kind.", "occupancy.units.", "occupancy.units_help.")

STRINGS = {
    "occupancy.bad_range": ("Choisissez une période valide d'au plus {days} jours.",
                            "Choose a valid period of at most {days} days."),
    "occupancy.title": ("Occupation", "Occupancy"),
    "occupancy.intro": ("La part des heures d'ouverture pendant laquelle les bureaux ou les salles étaient réservés. "
                        "Les jours sont ceux de l'espace ({tz}).",
                        "The share of opening hours during which desks or rooms were booked. "
                        "Days are the space's local days ({tz})."),
    "occupancy.forbidden": ("Les tableaux de bord sont réservés au bureau de l'association et à l'équipe.",
                            "Dashboards are for board members and the team only."),
    "occupancy.period": ("Période", "Period"),
    "occupancy.preset.month": ("Ce mois-ci", "This month"),
    "occupancy.preset.3m": ("3 derniers mois", "Last 3 months"),
    "occupancy.preset.12m": ("12 derniers mois", "Last 12 months"),
    "occupancy.preset.custom": ("Personnalisée", "Custom"),
    "occupancy.custom_range": ("Dates (du … au)", "Dates (from … to)"),
    "occupancy.custom_incomplete": ("Dates : choisissez aussi le dernier jour de la période.",
                                    "Dates: pick the last day of the period too."),
    "occupancy.custom_too_long": ("Dates : choisissez une période de {max} jours au plus.",
                                  "Dates: pick a period of at most {max} days."),
    "occupancy.zone": ("Zone", "Zone"),
    "occupancy.all_zones": ("Toutes les zones", "All zones"),
    "occupancy.kind": ("Ressources", "Resources"),
    "occupancy.kind.desk": ("Bureaux", "Desks"),
    "occupancy.kind.room": ("Salles", "Rooms"),
    "occupancy.showing": ("Du {first} au {last} ({days} jours), comparé aux {days} jours précédents "
                          "(du {prev_first} au {prev_last}).",
                          "{first} to {last} ({days} days), compared with the {days} days before "
                          "({prev_first} to {prev_last})."),
    "occupancy.showing_alone": ("Du {first} au {last} ({days} jours). Pas de comparaison : l'historique des "
                                "réservations commence le {since}.",
                                "{first} to {last} ({days} days). No comparison: the booking history starts on "
                                "{since}."),
    "occupancy.nothing_open": ("Aucune ressource de ce type n'était ouverte sur cette période.",
                               "No resource of this kind was open in this period."),
    "occupancy.kpi.occupancy": ("Occupation", "Occupancy"),
    "occupancy.kpi.occupancy_help": ("Occupation moyenne : heures réservées ÷ heures d'ouverture, sur toute la "
                                     "période.", "Average occupancy: hours booked ÷ opening hours, over the whole "
                                     "period."),
    "occupancy.kpi.peak": ("Jour record", "Busiest day"),
    "occupancy.kpi.peak_help": ("Le jour où l'occupation a été la plus forte.", "The day occupancy was highest."),
    "occupancy.kpi.peak_on": ("le {day}", "on {day}"),
    "occupancy.units.desk": ("Jours-bureau", "Desk-days"),
    "occupancy.units.room": ("Heures de salle", "Room hours"),
    "occupancy.units_help.desk": ("Journées-bureau réservées : une journée entière compte 1, une demi-journée 0,5. Réservations "
                                  "annulées exclues.",
                                  "Desk-days booked: a whole day counts 1, a half day 0.5. Cancelled bookings left out."),
    "occupancy.units_help.room": ("Heures réservées dans les salles. Réservations annulées exclues.",
                                  "Hours booked in rooms. Cancelled bookings left out."),
    "occupancy.kpi.no_show": ("Taux d'absence", "No-show rate"),
    "occupancy.kpi.no_show_help": ("Réservations marquées « absent » ÷ réservations confirmées déjà commencées.",
                                   "Bookings marked as no-show ÷ confirmed bookings that have started."),
    "occupancy.kpi.members": ("Membres venus", "Members seen"),
    "occupancy.kpi.members_help": ("Membres différents ayant pointé, ou dont la réservation a commencé sans être "
                                   "marquée « absent ». Les invités ne comptent pas.",
                                   "Different members who checked in, or whose booking started without being "
                                   "marked as a no-show. Guests are not counted."),
    "occupancy.points": ("{value} pt", "{value} pt"),
    "occupancy.insight": ("Le plus chargé : {busiest} ({busiest_pct}). Le plus calme : {quietest} ({quietest_pct}).",
                          "Busiest: {busiest} ({busiest_pct}). Quietest: {quietest} ({quietest_pct})."),
    "occupancy.slot_name": ("{weekday} {slot}", "{weekday} {slot}"),
    "occupancy.chart.daily": ("Occupation jour par jour", "Daily occupancy"),
    "occupancy.chart.daily_caption": ("Les jours de fermeture n'apparaissent pas ; la moyenne sur 7 jours en tient "
                                      "compte.", "Closed days are left out; the 7-day average accounts for them."),
    "occupancy.series.day": ("Jour", "Day"),
    "occupancy.series.rolling": ("Moyenne sur 7 jours", "7-day average"),
    "occupancy.axis.date": ("Date", "Date"),
    "occupancy.axis.occupancy": ("Occupation", "Occupancy"),
    "occupancy.chart.slots": ("Par jour et demi-journée", "By weekday and half day"),
    "occupancy.half.am": ("matin", "morning"),
    "occupancy.half.pm": ("après-midi", "afternoon"),
    "occupancy.axis.weekday": ("Jour", "Weekday"),
    "occupancy.axis.half": ("Demi-journée", "Half day"),
    "occupancy.chart.zones": ("Par zone", "By zone"),
    "occupancy.axis.zone": ("Zone", "Zone"),
    "occupancy.axis.resources": ("Ressources", "Resources"),
    "occupancy.chart.plans": ("Membres par formule", "Members by plan"),
    "occupancy.plans_caption": ("Membres actifs par formule, et combien sont venus sur la période (bureau ou "
                                "salle, toutes zones). Des effectifs seulement, aucun nom.",
                                "Active members per plan, and how many came in the period (desk or room, any zone). "
                                "Counts only, no names."),
    "occupancy.series.members": ("Membres actifs", "Active members"),
    "occupancy.series.came": ("Venus sur la période", "Came in the period"),
    "occupancy.axis.plan": ("Formule", "Plan"),
    "occupancy.axis.members": ("Membres", "Members"),
    "occupancy.no_plan": ("Sans formule", "No plan"),
    "occupancy.download": ("Télécharger la série quotidienne (CSV)", "Download the daily series (CSV)"),
}
