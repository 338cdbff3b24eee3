"""Demo accounts: a family, a teacher, school staff, the DPO and one person per internal service."""

import unicodedata
from datetime import date

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from charte import audit
from charte.accounts import actions
from charte.accounts.models import Role, User
from charte.core.actors import SEED
from charte.core.demo import DEMO_PASSWORD, Demo, DemoLogin


def ascii_login(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def years_ago(years: int, month: int, day: int) -> date:
    """A birth date that gives the same age on every day of the current school year."""
    today = timezone.localdate()
    school_year_start = today.year if today.month >= 9 else today.year - 1
    return date(school_year_start - years, month, day)


# handle, role, first name, last name, email, username, birth date (age at the school year start)
PEOPLE: list[tuple[str, Role, str, str, str | None, str | None, tuple[int, int, int] | None]] = [
    ("guardian_anna", Role.PARENT, "Anna", "Martin", "anna.martin@famille.example", None, None),
    ("guardian_marc", Role.PARENT, "Marc", "Martin", "marc.martin@famille.example", None, None),
    ("child_ben", Role.PUPIL, "Ben", "Martin", None, "ben.martin", (12, 3, 14)),
    ("child_lea", Role.PUPIL, "Léa", "Martin", "lea.martin@eleve.example", None, (16, 5, 2)),
    ("guardian_sofia", Role.PARENT, "Sofia", "Haddad", "sofia.haddad@famille.example", None, None),
    ("child_nour", Role.PUPIL, "Nour", "Haddad", None, "nour.haddad", (11, 10, 8)),
    (
        "teacher_chloe",
        Role.TEACHER,
        "Chloé",
        "Bernard",
        "chloe.bernard@college.example",
        None,
        None,
    ),
    ("teacher_hugo", Role.TEACHER, "Hugo", "Lefèvre", "hugo.lefevre@college.example", None, None),
    ("staff_david", Role.SCHOOL_STAFF, "David", "Petit", "david.petit@college.example", None, None),
    ("dpo_elise", Role.DPO, "Élise", "Moreau", "elise.moreau@charte.example", None, None),
    (
        "cs_farid",
        Role.CUSTOMER_SERVICE,
        "Farid",
        "Benali",
        "farid.benali@charte.example",
        None,
        None,
    ),
    (
        "marketing_gaelle",
        Role.MARKETING,
        "Gaëlle",
        "Roux",
        "gaelle.roux@charte.example",
        None,
        None,
    ),
    ("sales_henri", Role.SALES, "Henri", "Fournier", "henri.fournier@charte.example", None, None),
    (
        "accounting_ines",
        Role.ACCOUNTING,
        "Inès",
        "Garnier",
        "ines.garnier@charte.example",
        None,
        None,
    ),
    ("it_jules", Role.IT, "Jules", "Chevalier", "jules.chevalier@charte.example", None, None),
]

# A class of pupils for the teacher: first names and family names, ages 11 to 16.
CLASSMATES = [
    ("Adam", "Girard", 12),
    ("Chloé", "Rousseau", 13),
    ("Emma", "Blanc", 12),
    ("Gabriel", "Guerin", 14),
    ("Inès", "Muller", 15),
    ("Jade", "Henry", 12),
    ("Louis", "Roussel", 13),
    ("Lucas", "Nicolas", 16),
    ("Manon", "Perrin", 11),
    ("Nathan", "Morin", 14),
    ("Rose", "Mathieu", 12),
    ("Sacha", "Clement", 15),
]


def seed(demo: Demo) -> None:
    for handle, role, first, last, email, username, born in PEOPLE:
        login = email or username or ""
        user = User.objects.by_login(login).first()
        if user is None:
            user = actions.create_account(
                actor=SEED,
                role=role,
                first_name=first,
                last_name=last,
                email=email,
                username=username,
                password=DEMO_PASSWORD,
                birth_date=years_ago(*born) if born else None,
            )
        demo.people[handle] = user
        age_note = f", {user.age_on(timezone.localdate())} ans" if user.birth_date else ""
        demo.logins.append(
            DemoLogin(
                who=f"{first} {last}", login=login, note=f"{user.get_role_display()}{age_note}"
            )
        )

    for index, (first, last, age) in enumerate(CLASSMATES):
        username = ascii_login(f"{first}.{last}")
        user = User.objects.by_login(username).first()
        if user is None:
            user = actions.create_account(
                actor=SEED,
                role=Role.PUPIL,
                first_name=first,
                last_name=last,
                username=username,
                password=DEMO_PASSWORD,
                birth_date=years_ago(age, 1 + index % 12, 1 + (index * 7) % 28),
            )
        demo.people[f"pupil_{username}"] = user

    if demo.pupils:
        _generate_pupils(demo)


def _generate_pupils(demo: Demo) -> None:
    """Volume for benchmarks: N pupils in bulk (one password hash shared, computed once)."""
    existing = set(
        User.objects.filter(username__startswith="eleve-").values_list("username", flat=True)
    )
    wanted = [f"eleve-{n:06d}" for n in range(1, demo.pupils + 1)]
    missing = [u for u in wanted if u not in existing]
    password = make_password(DEMO_PASSWORD)
    batch: list[User] = []
    for username in missing:
        batch.append(
            User(
                role=Role.PUPIL,
                username=username,
                first_name=demo.rng.choice(
                    ["Alice", "Bilal", "Camille", "Dylan", "Eva", "Fatou", "Hugo"]
                ),
                last_name=demo.rng.choice(
                    ["Durand", "Lambert", "Faure", "Andre", "Mercier", "Blanchard"]
                ),
                birth_date=years_ago(
                    demo.rng.randint(10, 16), demo.rng.randint(1, 12), demo.rng.randint(1, 28)
                ),
                password=password,
            )
        )
    User.objects.bulk_create(batch, batch_size=2000)
    if missing:
        audit.record(event="demo.pupils_generated", actor=SEED, data={"count": len(missing)})
    demo.say(
        f"{len(missing)} generated pupils added ({len(wanted) - len(missing)} were already there)."
    )
