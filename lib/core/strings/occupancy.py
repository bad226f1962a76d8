"""Occupancy dashboards (views/occupancy.py, lib/dashboards/occupancy.py, supabase/migrations/20261204140000_occupancy.sql)."""

# keys built at run time: t(f"occupancy.preset.{p}"), t(f"occupancy.kind.{k}"), t(f"occupancy.units.{k}")…
DYNAMIC_PREFIXES = ("occupancy.preset.", "occupancy.kind.", "occupancy.units.", "occupancy.units_help.", "occupancy.def.",
                    "occupancy.col.")

STRINGS = {
    "occupancy.bad_range": ("Choisissez une période valide d'au plus {days} jours.",
                            "Choose a valid period of at most {days} days."),
    "occupancy.title": ("Occupation", "Occupancy"),
    "occupancy.intro": ("La part des heures d'ouverture pendant laquelle les postes ou les salles étaient réservés. "
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
    "occupancy.kind.desk": ("Postes", "Desks"),
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
    "occupancy.units.desk": ("Journées de poste", "Desk-days"),
    "occupancy.units.room": ("Heures de salle", "Room hours"),
    "occupancy.units_help.desk": ("Journées de poste réservées : une journée entière compte 1, une demi-journée 0,5. Réservations "
                                  "annulées exclues.",
                                  "Desk-days booked: a whole day counts 1, a half day 0.5. Cancelled bookings left out."),
    "occupancy.units_help.room": ("Heures réservées dans les salles. Réservations annulées exclues.",
                                  "Hours booked in rooms. Cancelled bookings left out."),
    "occupancy.kpi.no_show": ("Taux d'absence", "No-show rate"),
    "occupancy.kpi.no_show_help": ("Absence : une réservation commencée que personne n'a pointée et que l'équipe a "
                                   "marquée absente ou que l'espace a libérée faute d'arrivée. Taux = absences ÷ "
                                   "réservations dues (confirmées et commencées, ou libérées). Masqué sous 5 personnes "
                                   "pour le bureau.",
                                   "No-show: a booking that started, that nobody checked in, and that the team marked "
                                   "as a no-show or the space released unclaimed. Rate = no-shows ÷ bookings due "
                                   "(confirmed and started, or released). Hidden under 5 people for the board."),
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
    "occupancy.plans_caption": ("Membres actifs par formule, et combien sont venus sur la période (poste ou "
                                "salle, toutes zones). Des effectifs seulement, aucun nom.",
                                "Active members per plan, and how many came in the period (desk or room, any zone). "
                                "Counts only, no names."),
    "occupancy.series.members": ("Membres actifs", "Active members"),
    "occupancy.series.came": ("Venus sur la période", "Came in the period"),
    "occupancy.axis.plan": ("Formule", "Plan"),
    "occupancy.axis.members": ("Membres", "Members"),
    "occupancy.no_plan": ("Sans formule", "No plan"),
    "occupancy.png": ("Image (PNG)", "Picture (PNG)"),
    "occupancy.csv": ("Données (CSV)", "Data (CSV)"),
    "occupancy.unchanged": ("inchangé", "unchanged"),
    "occupancy.fewer_than": ("moins de {k}", "fewer than {k}"),
    "occupancy.k_note": ("Par respect de la vie privée, un effectif de moins de 5 personnes s'affiche « moins de 5 » "
                         "et un taux calculé sur moins de 5 personnes n'est pas montré.",
                         "For privacy, a count of fewer than 5 people reads \"fewer than 5\" and a rate over fewer "
                         "than 5 people is not shown."),
    "occupancy.def.daily": ("Mesure : pour chaque jour d'ouverture, heures réservées ÷ heures d'ouverture des "
                            "ressources ouvertes ; la moyenne sur 7 jours pèse les jours par leurs heures.",
                            "Measures: for each open day, hours booked ÷ opening hours of the resources open; the "
                            "7-day average weighs days by their hours."),
    "occupancy.def.slots": ("Mesure : heures réservées ÷ heures d'ouverture, par jour de la semaine et demi-journée "
                            "(matin jusqu'à la pause de midi des réglages).",
                            "Measures: hours booked ÷ opening hours, per weekday and half day (morning up to the "
                            "settings' midday)."),
    "occupancy.def.hours": ("Mesure : heures de salle réservées ÷ heures d'ouverture des salles, par jour de la "
                            "semaine et heure (heure locale de l'espace).",
                            "Measures: room hours booked ÷ rooms' opening hours, per weekday and hour (the space's "
                            "local time)."),
    "occupancy.def.zones": ("Mesure : heures réservées ÷ heures d'ouverture, par zone, sur la période.",
                            "Measures: hours booked ÷ opening hours, per zone, over the period."),
    "occupancy.def.plans": ("Mesure : membres actifs par formule aujourd'hui, et combien d'entre eux sont venus sur la "
                            "période.", "Measures: active members per plan today, and how many of them came in the "
                            "period."),
    "occupancy.chart.hours": ("Salles par jour et par heure", "Rooms by weekday and hour"),
    "occupancy.axis.hour": ("Heure", "Hour"),
    "occupancy.col.day": ("jour", "day"),
    "occupancy.col.weekday": ("jour de la semaine", "weekday"),
    "occupancy.col.isodow": ("jour ISO (1 = lundi)", "ISO weekday (1 = Monday)"),
    "occupancy.col.half": ("demi-journée", "half day"),
    "occupancy.col.hour": ("heure", "hour"),
    "occupancy.col.zone": ("zone", "zone"),
    "occupancy.col.plan": ("formule", "plan"),
    "occupancy.col.members": ("membres actifs", "active members"),
    "occupancy.col.came": ("venus", "came"),
    "occupancy.col.open_hours": ("heures d'ouverture", "opening hours"),
    "occupancy.col.booked_hours": ("heures réservées", "hours booked"),
    "occupancy.col.occupancy": ("occupation", "occupancy"),
    "occupancy.col.rolling_7d": ("moyenne 7 jours", "7-day average"),
    "occupancy.col.units": ("journées de poste", "desk-days"),
    "occupancy.col.bookings": ("réservations", "bookings"),
    "occupancy.col.no_shows": ("absences", "no-shows"),
    "occupancy.board_links": ("Liens du bureau (sans compte)", "Board links (no account)"),
    "occupancy.board_links_intro": ("Un lien du bureau ouvre ces chiffres en lecture seule, sans compte, pour les "
                                    "membres du bureau et les financeurs : aucun nom, aucun groupe de moins de 5 "
                                    "personnes. Il expire et se révoque à tout moment.",
                                    "A board link opens these figures read-only, without an account, for board "
                                    "members and funders: no name, no group under 5 people. It expires and can be "
                                    "revoked at any time."),
    "occupancy.board_link_label": ("Nom du lien", "Link name"),
    "occupancy.board_link_days": ("Valable (jours)", "Valid for (days)"),
    "occupancy.board_link_create": ("Créer le lien", "Create the link"),
    "occupancy.board_link_created": ("Voici le lien, affiché une seule fois : copiez-le maintenant.",
                                     "Here is the link, shown once: copy it now."),
    "occupancy.board_link_row": ("{label} — jusqu'au {until}", "{label} — until {until}"),
    "occupancy.board_link_gone": ("{label} — {state}", "{label} — {state}"),
    "occupancy.board_link_revoked": ("révoqué", "revoked"),
    "occupancy.board_link_expired": ("expiré", "expired"),
    "occupancy.board_link_revoke": ("Révoquer", "Revoke"),
    "occupancy.board_link_none": ("Aucun lien pour l'instant.", "No link yet."),
}
