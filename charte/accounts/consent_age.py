"""The age of digital consent in each EU/EEA state (GDPR art. 8 lets each state set 13 to 16).

Below that age, a child's use of the platform rests on the consent of a holder of parental
authority, and the child is reached only through them. France sets 15 (French Data Protection
Act, art. 45). A country missing from the table gets the GDPR default of 16, the safe side.
"""

from datetime import date

GDPR_DEFAULT = 16

DIGITAL_CONSENT_AGE: dict[str, int] = {
    "AT": 14, "BE": 13, "BG": 14, "CY": 14, "CZ": 15, "DE": 16, "DK": 13, "EE": 13, "ES": 14,
    "FI": 13, "FR": 15, "GR": 15, "HR": 16, "HU": 16, "IE": 16, "IS": 13, "IT": 14, "LI": 16,
    "LT": 14, "LU": 16, "LV": 13, "MT": 13, "NL": 16, "NO": 13, "PL": 16, "PT": 13, "RO": 16,
    "SE": 13, "SI": 15, "SK": 16,
}  # fmt: skip

# Each country of the table in its own language, as a person from there would look for it.
COUNTRY_NAMES: dict[str, str] = {
    "AT": "Österreich", "BE": "Belgique / België", "BG": "България", "CY": "Κύπρος",
    "CZ": "Česko", "DE": "Deutschland", "DK": "Danmark", "EE": "Eesti", "ES": "España",
    "FI": "Suomi", "FR": "France", "GR": "Ελλάδα", "HR": "Hrvatska", "HU": "Magyarország",
    "IE": "Ireland", "IS": "Ísland", "IT": "Italia", "LI": "Liechtenstein", "LT": "Lietuva",
    "LU": "Luxembourg", "LV": "Latvija", "MT": "Malta", "NL": "Nederland", "NO": "Norge",
    "PL": "Polska", "PT": "Portugal", "RO": "România", "SE": "Sverige", "SI": "Slovenija",
    "SK": "Slovensko",
}  # fmt: skip


def country_name(country: str) -> str:
    return COUNTRY_NAMES.get(country.upper(), country.upper())


def digital_consent_age(country: str) -> int:
    return DIGITAL_CONSENT_AGE.get(country.upper(), GDPR_DEFAULT)


def age_on(birth_date: date, day: date) -> int:
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - before_birthday
