"""The annual report and the board link (lib/dashboards/report.py, lib/dashboards/board_links.py,
lib/web/board_page.py, supabase/migrations/20261205180000_board.sql)."""

# keys built at run time: t(f"report.fig.{key}") for each of report.FIGURES
DYNAMIC_PREFIXES = ("report.fig.",)

STRINGS = {
    "report.forbidden": ("Le rapport annuel est réservé aux administrateurs et au bureau de l'association.",
                         "The annual report is for administrators and board members only."),
    "report.bad_year": ("Année : choisissez une année entre 2000 et 2200.", "Year: pick a year between 2000 and 2200."),
    "report.title": ("{space} — rapport d'activité {year}", "{space} — activity report {year}"),
    "report.made_on": ("Établi le {date}.", "Made on {date}."),
    "report.k_note": ("Aucun chiffre ne concerne moins de {k} personnes : un petit groupe s'écrit « moins de {k} », "
                      "un taux sur moins de {k} personnes n'est pas donné.",
                      "No figure concerns fewer than {k} people: a small group reads \"fewer than {k}\", a rate "
                      "over fewer than {k} people is not given."),
    "report.figures": ("L'année en chiffres", "The year in figures"),
    "report.change": ("Évolution", "Change"),
    "report.unchanged": ("inchangé", "unchanged"),
    "report.fewer_than": ("moins de {k}", "fewer than {k}"),
    "report.fig.desk_days": ("Journées de poste réservées", "Desk-days booked"),
    "report.fig.occupancy": ("Occupation des postes", "Desk occupancy"),
    "report.fig.members_who_came": ("Membres venus", "Members who came"),
    "report.fig.new_members": ("dont nouveaux", "of whom new"),
    "report.fig.regular_members": ("dont réguliers", "of whom regular"),
    "report.fig.occasional_members": ("dont occasionnels", "of whom occasional"),
    "report.fig.guest_passes": ("Journées d'invités", "Guest day passes"),
    "report.fig.events_held": ("Événements tenus", "Events held"),
    "report.fig.attendees": ("Participants aux événements", "Event attendees"),
    "report.fig.attendance_rate": ("Taux de présence aux événements", "Event attendance rate"),
    "report.fig.no_show_rate": ("Taux d'absence (postes)", "No-show rate (desks)"),
    "report.definitions": (
        "Journées de poste : une journée compte 1, une demi-journée 0,5, réservations annulées exclues. Occupation : "
        "heures réservées ÷ heures d'ouverture des postes (fermetures et postes retirés exclus). Membres venus : au "
        "moins une réservation commencée et non manquée ; réguliers : venus au moins {days} jours dans l'année. "
        "Absence : une réservation commencée que personne n'a pointée et que l'équipe a marquée absente ou que "
        "l'espace a libérée faute d'arrivée ; taux = absences ÷ réservations dues. Présence aux événements : "
        "participants pointés ÷ places prises.",
        "Desk-days: a whole day counts 1, a half day 0.5, cancelled bookings excluded. Occupancy: hours booked ÷ "
        "desks' opening hours (closures and retired desks excluded). Members who came: at least one booking that "
        "started and was not missed; regular: came on {days} days or more in the year. No-show: a booking that "
        "started, that nobody checked in, and that the team marked as a no-show or the space released unclaimed; "
        "rate = no-shows ÷ bookings due. Event attendance: attendees checked in ÷ places taken."),
    "report.months": ("Mois le plus chargé : {busiest}. Mois le plus calme : {quietest}.",
                      "Busiest month: {busiest}. Quietest month: {quietest}."),
    "report.month": ("Mois", "Month"),
    "report.skills": ("Les dix compétences les plus proposées", "The ten most offered skills"),
    "report.trades": ("Les métiers des membres", "Members' trades"),
    "report.none": ("Rien à montrer.", "Nothing to show."),
    "report.section": ("Rapport d'activité", "Activity report"),
    "report.year": ("Année", "Year"),
    "report.download": ("Télécharger le rapport (PDF)", "Download the report (PDF)"),
    "report.text_label": ("Texte de l'équipe pour le rapport {year} ({lang})",
                          "The team's text for the {year} report ({lang})"),
    "report.text_help": ("Quelques lignes imprimées en tête du rapport ; relisez-les avant l'assemblée générale.",
                         "A few lines printed at the top of the report; read them again before the general assembly."),
    "report.text_save": ("Enregistrer le texte", "Save the text"),
    "report.text_saved": ("Texte enregistré.", "Text saved."),
    "board.page_title": ("Tableau de bord du bureau", "Board dashboard"),
    "board.title": ("{space} — l'activité en chiffres", "{space} — activity in figures"),
    "board.intro": ("Lecture seule, sans compte, jusqu'au {until}. Aucun nom ; aucun chiffre sur moins de 5 personnes.",
                    "Read-only, without an account, until {until}. No name; no figure about fewer than 5 people."),
    "board.admin_only": ("Seuls les administrateurs gèrent les liens du bureau.",
                         "Only administrators manage board links."),
    "board.bad_days": ("Durée : choisissez de 1 à 366 jours.", "Duration: pick 1 to 366 days."),
    "board.unknown": ("Ce lien du bureau n'existe pas.", "This board link does not exist."),
    "board.link_invalid": ("Ce lien n'est pas ou plus valable. Demandez-en un nouveau à l'équipe de l'espace.",
                           "This link is not or no longer valid. Ask the space's team for a new one."),
    "db.board_links_label_present": ("Nom du lien : écrivez de 1 à 120 caractères.",
                                     "Link name: write 1 to 120 characters."),
    "db.report_texts_body_length": ("Texte : 4 000 caractères au plus.", "Text: 4,000 characters at most."),
}
