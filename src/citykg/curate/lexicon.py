"""The words the press uses for what the ontology names: countries, posts, kinds of tie, kinds of event.

Kept in one table per concept so that a reviewer who meets a new phrasing adds one line here; each pattern is
matched case-insensitively on whole words unless noted.
"""

from __future__ import annotations

import re

from ..vocab import CKG

#: Country names in Indonesian (and short forms) that the graph's labels may lack → ISO 3166-1 alpha-2.
COUNTRY_NAMES: dict[str, str] = {
    "Jepang": "JP", "Japan": "JP", "Korea Selatan": "KR", "Korsel": "KR", "South Korea": "KR",
    "Korea": "KR", "Inggris": "GB", "Britania Raya": "GB", "United Kingdom": "GB", "UK": "GB",
    "England": "GB", "Jerman": "DE", "Germany": "DE", "Tiongkok": "CN", "China": "CN", "Cina": "CN",
    "RRC": "CN", "RRT": "CN", "Amerika Serikat": "US", "Amerika": "US", "AS": "US", "USA": "US",
    "United States": "US", "Malaysia": "MY", "Singapura": "SG", "Singapore": "SG", "Belanda": "NL",
    "Netherlands": "NL", "Prancis": "FR", "Perancis": "FR", "France": "FR", "Australia": "AU",
    "Thailand": "TH", "Vietnam": "VN", "Filipina": "PH", "Philippines": "PH", "India": "IN",
    "Taiwan": "TW", "Turki": "TR", "Turkey": "TR", "Rusia": "RU", "Russia": "RU", "Italia": "IT",
    "Italy": "IT", "Spanyol": "ES", "Spain": "ES", "Swedia": "SE", "Sweden": "SE", "Norwegia": "NO",
    "Norway": "NO", "Selandia Baru": "NZ", "New Zealand": "NZ", "Kanada": "CA", "Canada": "CA",
    "Mesir": "EG", "Egypt": "EG", "Arab Saudi": "SA", "Saudi Arabia": "SA", "Uni Emirat Arab": "AE",
    "Indonesia": "ID", "Brunei": "BN", "Timor Leste": "TL", "Polandia": "PL", "Poland": "PL",
}

#: Posts, longest phrase first (so "Wakil Wali Kota" wins over "Wali Kota") → a concept of ckg:roles.
ROLES: list[tuple[str, str]] = sorted([
    ("Plt. Wali Kota", "ActingMayor"), ("Plt Wali Kota", "ActingMayor"), ("Pj. Wali Kota", "ActingMayor"),
    ("Pj Wali Kota", "ActingMayor"), ("Penjabat Wali Kota", "ActingMayor"),
    ("Pelaksana Tugas Wali Kota", "ActingMayor"), ("Plt. Walikota", "ActingMayor"),
    ("Wakil Wali Kota", "DeputyMayor"), ("Wakil Walikota", "DeputyMayor"), ("Wali Kota", "Mayor"),
    ("Walikota", "Mayor"), ("Plt. Bupati", "ActingRegent"), ("Plt Bupati", "ActingRegent"),
    ("Pj. Bupati", "ActingRegent"), ("Pj Bupati", "ActingRegent"), ("Penjabat Bupati", "ActingRegent"),
    ("Wakil Bupati", "DeputyRegent"), ("Bupati", "Regent"), ("Sekretaris Daerah", "RegionalSecretary"),
    ("Sekda", "RegionalSecretary"), ("Ketua DPRD", "LegislatureChair"),
    ("Ketua Kamar Dagang dan Industri", "ChamberChair"), ("Ketua Kadin", "ChamberChair"),
    ("Duta Besar", "Ambassador"), ("Dubes", "Ambassador"), ("Konsul Jenderal", "ConsulGeneral"),
    ("Konjen", "ConsulGeneral"), ("Kepala Dinas", "AgencyHead"), ("Kepala Badan", "AgencyHead"),
    ("Direktur Utama", "CompanyDirector"), ("Lord Mayor", "Mayor"), ("Deputy Mayor", "DeputyMayor"),
    ("Acting Mayor", "ActingMayor"), ("Mayor", "Mayor"), ("Ambassador", "Ambassador"),
    ("Consul General", "ConsulGeneral"), ("Consul-General", "ConsulGeneral"), ("Regent", "Regent"),
    ("Managing Director", "CompanyDirector"),
], key=lambda pair: -len(pair[0]))

#: Roles whose post is an organisation named after a place ("Ketua DPRD Kota Bandung" → "DPRD Kota Bandung").
ORGANISATION_OF_ROLE = {"LegislatureChair": ("DPRD", "City Council"), "ChamberChair": ("Kadin",)}

#: Titles and degrees around a name, dropped from the label (kept as ckg:nameInSource).
HONORIFICS = {"Mr.", "Mrs.", "Ms.", "Dr.", "Drs.", "Ir.", "H.", "Hj.", "Bapak", "Pak", "Ibu", "Bu", "Kang",
              "Cllr", "Cllr.", "Councillor", "Sir", "Dame", "Prof.", "Datuk", "Dato'", "Dato"}
DEGREES = re.compile(r",\s*(SE|S\.E\.|SH|S\.H\.|MM|M\.M\.|MSi|M\.Si\.|ST|S\.T\.|SIP|S\.IP|MBA|PhD|Ph\.D\.)\b.*$")


def words(*phrases: str) -> re.Pattern[str]:
    """One case-insensitive whole-word pattern for several phrases."""
    return re.compile(r"\b(?:" + "|".join(phrases) + r")\b", re.IGNORECASE)


COOPERATION = words(r"kerja\s?sama", r"bekerja\s?sama", "kolaborasi", "kemitraan", "sister\\s+city",
                    "sister\\s+cities", "sister-city", "kota\\s+kembar", "kota\\s+bersaudara", "twin(?:ned|ning)?",
                    "twin\\s+towns?", "cooperation", "co-operation", "partnership", "friendship\\s+city",
                    "kota\\s+persahabatan", "jajaki", "menjajaki", "penjajakan", "collaboration",
                    "friendship\\s+link", "friendship", "hubungan\\s+persahabatan", "twinning\\s+link")
SISTER_CITY = words("sister\\s+city", "sister\\s+cities", "sister-city", "kota\\s+kembar", "kota\\s+bersaudara",
                    "twin(?:ned|ning)?", "twin\\s+towns?", "sister\\s+province")
FRIENDSHIP_CITY = words("friendship\\s+city", "friendship\\s+link", "kota\\s+persahabatan",
                        "hubungan\\s+persahabatan")
#: Words that speak of the article's one tie without naming its parties ("kedua kota", "the partnership").
THE_TIE = words("kedua\\s+kota", "kedua\\s+belah\\s+pihak", "kerja\\s?sama\\s+(?:ini|tersebut)",
                "the\\s+two\\s+cities", "both\\s+cities", "the\\s+partnership", "the\\s+twinning")
#: Words before a day on which a tie began ("agreed on 11 January 1993").
BEGAN = re.compile(r"\b(?:agreed|established|founded|signed|diresmikan|dibentuk|dimulai|dijalin)\s+(?:on|pada)\s+$",
                   re.IGNORECASE)
EXPLORING = words("jajaki", "menjajaki", "penjajakan", "dijajaki", "explore", "explores", "exploring",
                  "exploratory", "inisiasi", "initiative", "mengusulkan", "proposes", "proposed")
RENEWAL = words("memperbarui", "memperbaharui", "diperbarui", "diperbaharui", "pembaruan", "perpanjangan",
                "menyambung\\s+kembali", "renew", "renewal", "renewed", "renewing")
ENDED = words("dihentikan", "berhenti", "berakhir", "diputus", "halted", "stopped", "ended", "terminated",
              "suspended")
ACTIVE = words("telah\\s+terjalin", "sudah\\s+terjalin", "sudah\\s+berjalan", "telah\\s+berjalan", "sejak",
               "since", "established", "has\\s+been\\s+twinned", "long-standing", "terjalin")
GOVERNMENT_OF = re.compile(r"\b(?:Pemerintah|Government\s+of|Pemerintahan)\s+([A-Z][\w]+(?:\s+[A-Z][\w]+)?)")

#: Agreement words → a concept of ckg:agreementTypes.
AGREEMENTS: list[tuple[re.Pattern[str], str]] = [
    (words("letter\\s+of\\s+intent", "LoI", "surat\\s+pernyataan\\s+kehendak"), "LetterOfIntent"),
    (words("sister\\s+city\\s+agreement", "perjanjian\\s+kota\\s+kembar"), "SisterCityAgreement"),
    (words("MoU", "memorandum\\s+of\\s+understanding", "nota\\s+kesepahaman", "kesepakatan\\s+bersama",
           "memorandum\\s+saling\\s+pengertian"), "MoU"),
]
SIGNED = words("menandatangani", "ditandatangani", "penandatanganan", "teken", "meneken", "diteken",
               "signed", "signs", "signing", "sign")
NUMBERS = {"satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7, "delapan": 8,
           "sembilan": 9, "sepuluh": 10, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
           "seven": 7, "eight": 8, "nine": 9, "ten": 10}
_COUNT = r"(\d{1,2}|" + "|".join(NUMBERS) + r")"
TERM = re.compile(r"\b(?:jangka\s+waktu|selama|berlaku|for\s+(?:a\s+(?:period|term)\s+of\s+)?)\s*" + _COUNT
                  + r"\s+(tahun|years?)\b|\b" + _COUNT + r"-year\b", re.IGNORECASE)

#: Event kinds, first match wins → (class, pattern).
EVENTS: list[tuple[str, re.Pattern[str]]] = [
    ("Signing", SIGNED),
    ("Audience", words("audiensi", "beraudiensi", "menjumpai", "courtesy\\s+call", "audience")),
    ("Visit", words("kunjungan", "berkunjung", "mengunjungi", "menerima", "menyambut", "visit", "visited",
                    "visits", "visiting", "received", "welcomed", "hosted")),
    ("Meeting", words("pertemuan", "bertemu", "rapat", "meeting", "met", "talks")),
    ("Statement", words("ditemui", "ujar", "kata", "ungkap", "ungkapnya", "said", "says", "told",
                        "statement")),
]
#: Verbs that close a reported remark ("…," ujarnya / "…," she said): what was said at the day's occasion.
REPORTED = words("ujar", "ujarnya", "ucap", "ucapnya", "imbuh", "imbuhnya", "tutur", "tuturnya", "bebernya",
                 "paparnya", "papar", "terangnya", "jelasnya", "katanya", "kata", "ungkap", "ungkapnya",
                 "tegasnya", "terang", "menambahkan", "mengatakan", "menuturkan", "menjelaskan", "mengungkapkan",
                 "said", "says", "added", "explained", "told")
PROGRAMME = words("magang", "pertukaran", "program", "programme", "program", "camp", "exchange", "internship",
                  "pelatihan", "training", "festival", "beasiswa", "scholarship")
RANKING = words("peringkat", "ranking", "rankings", "ranked", "pemeringkatan")
HOST_VERBS = words("menerima", "menjumpai", "menyambut", "received", "welcomed", "hosted", "audiensi\\s+dengan")
SECTOR_CUES = re.compile(r"\b(?:di\s+bidang|bidang|sektor|berfokus\s+pada|fokus\s+pada|menyoroti|"
                         r"in\s+the\s+fields?\s+of|fields?\s+of|sectors?|focus(?:es|ing)?\s+on|"
                         r"areas?\s+(?:of|such\s+as)|mencakup|links?\s+in|cooperation\s+in)\s+(.+)", re.IGNORECASE)


def role_iri(name: str) -> str:
    return CKG + name
