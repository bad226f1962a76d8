"""Demo data for the directory: a web-trades skill vocabulary, 1 to 6 skills per member with
levels, what some members are looking for, contact permissions, a few links and bios, and two
proposed duplicates ("JS", "ReactJS") so the merge has something to do. Visibility itself was
set by the core seed."""

from __future__ import annotations

import random

import psycopg

SKILLS = [
    "HTML", "CSS", "JavaScript", "TypeScript", "React", "Vue.js", "Svelte", "Angular", "Node.js", "PHP",
    "Symfony", "Laravel", "WordPress", "Drupal", "Python", "Django", "Ruby on Rails", "Go", "Rust", "Java",
    "Kotlin", "Swift", "Flutter", "SQL", "PostgreSQL", "Docker", "Kubernetes", "DevOps", "Linux", "Sécurité web",
    "Accessibilité", "SEO", "UX design", "UI design", "Figma", "Rédaction web", "Data analyse", "Gestion de projet",
    "Animation de communauté", "Photographie",
]
# skills that tend to go together, so profiles look like real people
FAMILIES = [
    ["HTML", "CSS", "JavaScript", "React", "TypeScript", "Accessibilité"],
    ["PHP", "Symfony", "Laravel", "WordPress", "SQL", "Drupal"],
    ["Python", "Django", "PostgreSQL", "Data analyse", "SQL", "Docker"],
    ["Docker", "Kubernetes", "DevOps", "Linux", "Go", "Sécurité web"],
    ["UX design", "UI design", "Figma", "Accessibilité", "HTML", "CSS"],
    ["Rédaction web", "SEO", "WordPress", "Animation de communauté", "Photographie", "Gestion de projet"],
    ["Kotlin", "Swift", "Flutter", "Java", "TypeScript", "Node.js"],
    ["Vue.js", "Svelte", "Angular", "Node.js", "Rust", "Ruby on Rails"],
]
LEVELS = ["learning", "practising", "expert"]
NOTES = [
    "Cherche un·e dev pour un projet associatif.", "Dispo pour des missions courtes.",
    "J'aimerais apprendre Rust avec quelqu'un.", "Partant·e pour du pair programming le vendredi.",
    "Cherche un·e designer pour refaire mon site.",
]


def seed_demo(conn: psycopg.Connection, rng: random.Random, scale: str) -> str:
    """Add the directory's demo data in the caller's transaction; returns one line for the report."""
    ids = {}
    with conn.cursor() as cur:
        for name in SKILLS:
            ids[name] = cur.execute("insert into public.skills (name) values (%s) returning id", (name,)).fetchone()["id"]
        members = cur.execute("select id, full_name from public.members order by email").fetchall()
        proposer = members[-1]["id"]
        for name in ("JS", "ReactJS"):
            proposed = cur.execute("insert into public.skills (name, status, proposed_by) values (%s, 'proposed', %s)"
                                   " returning id", (name, proposer)).fetchone()["id"]
            # whoever proposes a skill has it: the merge then has a member to move
            cur.execute("insert into public.member_skills (member_id, skill_id, level) values (%s, %s, 'expert')",
                        (proposer, proposed))
        links, wanted, updates = [], [], []
        for m in members:
            family = rng.choice(FAMILIES)
            count = rng.randint(1, 6)
            chosen = rng.sample(family, min(count, len(family)))
            if count > len(family) - 1:
                chosen.append(rng.choice([s for s in SKILLS if s not in chosen]))
            for name in chosen:
                links.append((m["id"], ids[name], rng.choices(LEVELS, [0.25, 0.5, 0.25])[0]))
            looking: list[str] = []
            if rng.random() < 0.45:
                looking = rng.sample(["collaborator", "mission", "learn", "hire"], rng.randint(1, 2))
                if "learn" in looking or rng.random() < 0.3:
                    for name in rng.sample([s for s in SKILLS if s not in chosen], rng.randint(1, 2)):
                        wanted.append((m["id"], ids[name]))
            slug = "-".join(m["full_name"].lower().split())
            profile_links = {}
            if rng.random() < 0.4:
                profile_links["linkedin"] = f"https://www.linkedin.com/in/{slug}"
            if rng.random() < 0.3:
                profile_links["github"] = f"https://github.com/{slug}"
            updates.append((looking, rng.choice(NOTES) if looking and rng.random() < 0.5 else None,
                            rng.random() < 0.6, psycopg.types.json.Jsonb(profile_links), m["id"]))
        cur.executemany("insert into public.member_skills (member_id, skill_id, level) values (%s, %s, %s)"
                        " on conflict do nothing", links)
        cur.executemany("insert into public.member_wanted_skills (member_id, skill_id) values (%s, %s)"
                        " on conflict do nothing", wanted)
        cur.executemany("update public.members set looking_for = %s, looking_for_note = %s, contact_allowed = %s,"
                        " links = %s where id = %s", updates)
    return f"directory: {len(SKILLS)} skills (+2 proposed), {len(links)} member skills, {len(wanted)} wanted"
