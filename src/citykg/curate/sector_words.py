"""The press's words for the sectors of ``ontology/sectors.ttl`` beyond its labels: synonyms, inflections
and the things a sector is about ("pelatihan" is vocational training, "pertukaran pelajar" education,
"vaksin" health).

The ontology keeps one preferred and a few alternative labels per sector, as a vocabulary should; the ways
a regional newspaper or a press office words a sector are many more, and they belong to the drafting tool,
not to the graph's vocabulary. Each row is a pattern and the local name of a sector (``sector:<name>``).
A reviewer who meets a new phrasing adds one row here and a sentence using it to a test article.
"""

from __future__ import annotations

import re

__all__ = ["CASED_WORDS", "FOLDED_WORDS", "NOT_SECTORS"]


def _any(*phrases: str) -> str:
    return r"\b(?:" + "|".join(phrases) + r")\b"


#: Matched on the sentence as folded by :func:`citykg.labels.normalise` (lower case, accents dropped).
FOLDED_WORDS: list[tuple[re.Pattern[str], str]] = [(re.compile(pattern), sector) for pattern, sector in [
    (_any("pelatihan", "dilatih", "trainings?", "vocational", "kursus", "capacity[- ]building",
          "apprenticeships?", "skills? training"), "vocational-training"),
    (_any(r"pertukaran (?:pelajar|mahasiswa|siswa|guru)", "mahasiswa", "pelajar", "siswa", "beasiswa",
          "students?", r"student exchanges?", "scholarships?", "schools?", "sekolah"), "education"),
    (_any("institusi akademik", "perguruan tinggi", "universitas", "universit(?:y|ies)", "academic institutions?",
          "kampus"), "academic-cooperation"),
    (_any("usaha kecil", "pelaku usaha", "usahawan", "wirausaha", "small (?:and medium[- ]sized )?businesse?s?",
          "entrepreneurs?"), "msme"),
    # "lingkungan" alone is the environment, but "di lingkungan Pemkot" is "within the city government".
    (r"(?<!\bdi )(?<!\bdari )\blingkungan\b(?! (?:pemkot|pemkab|pemerintah|kantor|balai|sekitar|rumah|"
     r"sekolah|kampus|air|perairan)\b)", "environment"),
    (_any("environmental"), "environment"),
    (_any("lingkungan air", "water environments?"), "water-environment"),
    (_any("limbah", "sampah", "waste"), "waste-management"),
    (_any("mendaur ulang", "recycle"), "recycling"),
    (_any("penyediaan air", "air bersih", "air minum", "clean water", "drinking water"), "water-supply"),
    (_any("sumber daya manusia", "human resources?", "magang", "internships?", "interns",
          r"pertukaran (?:staf|pegawai|aparatur|asn)", "staff exchanges?"), "human-resources"),
    (_any("aparatur sipil negara", "civil servants?", "civil service", "tata kelola", "governance",
          "tata pemerintahan"), "public-administration"),
    (_any("reformasi administrasi", "administrative reforms?"), "administrative-reform"),
    (_any("vaksin", "vaksinasi", "vaccines?", "vaccinations?", "rumah sakit", "hospitals?", "medis", "medical"),
     "health"),
    (_any("pemasaran", "marketing", r"(?:mempromosikan|promosi) produk\w*", "kemasan", "packing",
          "packaging"), "product-marketing"),
    (_any("kreativitas", "creativity"), "creative-economy"),
    (_any("pemuda", "kepemudaan", "youth", "olahraga", "sports?"), "youth-and-sport"),
    (_any("public places", "taman tematik", "taman kota", "parks"), "public-spaces"),
    (_any("tenaga kerja", "tenaga terampil", "pekerja", "workers?", "employment", "ketenagakerjaan"), "labour"),
    (_any("musiman pekerja", "pekerja musiman", "seasonal work(?:ers?)?"), "seasonal-workers"),
]]

#: Matched on the sentence as written: abbreviations, and words whose capitalised form is a name.
CASED_WORDS: list[tuple[re.Pattern[str], str]] = [(re.compile(pattern), sector) for pattern, sector in [
    (r"\bASN\b", "public-administration"),
    # lower-case "pemerintahan" is government as a subject; "Pemerintahan Kota …" is an institution's name.
    (r"\bpemerintahan\b", "public-administration"),
]]

#: Names of organisations whose words would read as sectors ("Kamar Dagang dan Industri" is a chamber of
#: commerce, not the industry sector): removed from the sentence before its sectors are read.
NOT_SECTORS = re.compile(r"\bKamar\s+Dagang\s+dan\s+Industri\b|\bChambers?\s+of\s+Commerce(?:\s+and\s+Industry)?\b")
