"""The detector of contact details in a child's text (D5): what it finds, and the ordinary
school text it leaves alone."""

import time

import pytest

from charte.core.identifiers import ADDRESS, EMAIL, HANDLE, PHONE, find, kinds_in, message_for

FOUND = [
    ("écris-moi : ben.secret@gmail.com", EMAIL),
    ("BEN_75@Laposte.NET", EMAIL),
    ("ben [at] gmail [dot] com", EMAIL),
    ("ben(arobase)free(point)fr", EMAIL),
    ("06 12 34 56 78", PHONE),
    ("0612345678", PHONE),
    ("06.12.34.56.78", PHONE),
    ("01-45-67-89-10", PHONE),
    ("appelle le +33 6 12 34 56 78", PHONE),
    ("+33 (0)6 12 34 56 78", PHONE),
    ("0033612345678", PHONE),
    ("+44 20 7946 0958", PHONE),
    ("+1 (415) 555-2671", PHONE),
    ("+32 470 12 34 56", PHONE),
    ("0049 30 1234567", PHONE),
    ("j'habite 12 rue des Lilas", ADDRESS),
    ("12, rue des lilas", ADDRESS),
    ("3 bis avenue Jean Jaurès", ADDRESS),
    ("45 bd Voltaire", ADDRESS),
    ("8 place de la République", ADDRESS),
    ("21 chemin du Moulin", ADDRESS),
    ("7 allée des Tilleuls", ADDRESS),
    ("221 Baker Street", ADDRESS),
    ("mon snap : ben.secret", HANDLE),
    ("snap: ben_75", HANDLE),
    ("mon insta c'est bensecret", HANDLE),
    ("suis-moi @ben.secret", HANDLE),
    ("discord = ben#1234", HANDLE),
    ("https://www.instagram.com/ben.secret", HANDLE),
    ("tiktok.com/@ben", HANDLE),
    ("rejoins discord.gg/abcdef", HANDLE),
    ("pseudo : lilou2012", HANDLE),
]

# What a pupil writes in a lesson, a production or a message, which must stay allowed.
SCHOOL_TEXT = [
    "3 fois 4 = 12 et 12 + 8 = 20",
    "2+2=4, 10-3=7, 100/4=25",
    "En 1789, la Révolution française commence ; en 1815, Waterloo.",
    "Le contrôle est le 14/07/2026 à 10h30, salle 204.",
    "Rendez-vous le 06.12.2026 à 08:45.",
    "Page 123, exercice 4, questions 1 à 12.",
    "0,5 + 0,25 = 0,75 et 1/3 ≈ 0,333",
    "La France compte 68 000 000 habitants, soit 68 millions.",
    "π ≈ 3,14159265358979",
    "La suite : 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144",
    "Les nombres 123456789 et 987654321 sont grands.",
    "Il y avait 20000 Romains et 3 rues dans le village.",
    "Il reste 1 place de libre dans le bus et 2 cours de maths.",
    "Je suis en 5e B, j'ai 12 ans.",
    "Note : 15/20, moyenne 13,5.",
    "La température passe de -5 °C à +12 °C.",
    "ISBN 978-2-07-036822-8",
    "Minecraft : construire une maison en 3 étapes",
    "Roblox est génial, Snapchat : les dangers des réseaux",
    "TikTok : comment ça marche ?",
    "À bientôt ! @ plus tard",
    "Le téléphone a été inventé en 1876 par Graham Bell.",
    "Le code postal d'une ville a 5 chiffres.",
    "Multiplie 0612 par 34 puis ajoute 5678.",
    "Calcule +5 - 3 + 12 - 40",
    "La 5e avenue de New York est célèbre.",
    "Il court 100 m en 12,45 s ; record : 9,58 s.",
    "Réponse : x = 3 et y = -2",
]


@pytest.mark.parametrize(("text", "kind"), FOUND)
def test_it_finds_each_kind_of_contact_detail(text, kind):
    assert kind in kinds_in(text), text


@pytest.mark.parametrize("text", SCHOOL_TEXT)
def test_ordinary_school_text_is_left_alone(text):
    assert find(text) == [], [text[f.start : f.end] for f in find(text)]


def test_the_message_names_what_was_found_in_words_for_a_child():
    message = message_for("ben@exemple.fr et 06 12 34 56 78")
    assert message.startswith("Ton texte contient une adresse e-mail et un numéro de téléphone")
    assert "enlève-le" in message
    assert "vous" not in message.split()


# Long texts: the detector's time grows with the text's length, not with its square. A pupil's
# 100,000-letter answer once held a worker for minutes (every start of a long word was tried
# against every end). Linear, eight times the text takes about eight times as long (up to
# twelve: the processor's caches hold less of it); quadratic, sixty-four. Runs of each length
# alternate and the best of each is compared, so that a busy machine does not decide.
LONG_SHAPES = {
    "one long word": "x",
    "accented letters": "é",
    "digits": "0",
    "a dotted word": "a.",
    "hyphens": "a-",
    "after a network's name": "snap : a",
    "spaced figures": "1 ",
    "at signs between letters": "a@",
}


def _growth(unit: str, detector) -> float:
    short, long = unit * (20_000 // len(unit)), unit * (160_000 // len(unit))
    best = {short: float("inf"), long: float("inf")}
    for _ in range(3):
        for text in (short, long):
            started = time.perf_counter()
            detector(text)
            best[text] = min(best[text], time.perf_counter() - started)
    return best[long] / best[short]


@pytest.mark.parametrize("unit", LONG_SHAPES.values(), ids=list(LONG_SHAPES))
def test_a_long_text_costs_time_in_proportion_to_its_length(unit):
    ratio = _growth(unit, find)

    assert ratio < 32, f"{ratio:.1f} times as long for a text eight times as long"


def test_a_long_text_still_shows_the_address_at_its_end():
    text = "x" * 100_000 + " ben.secret@gmail.com"

    assert kinds_in(text) == {EMAIL}
