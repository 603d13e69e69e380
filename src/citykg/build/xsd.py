"""XML Schema datatypes as ``sh:datatype`` checks them: a literal has a datatype only if its lexical form is
one of that datatype's (XML Schema 1.1 Part 2, section 3.3) and, for dates, names a day that exists.

Kept apart from citykg.build.shapes because it is a table of the XSD spec, not SHACL: pyshacl gets the same
answers through rdflib (tests/test_shacl_oracle.py); where rdflib departs from XML Schema (years above 9999,
negative years) this module follows XML Schema, and tests/test_shacl_engine.py pins it.
"""

from __future__ import annotations

import re

from pyoxigraph import BlankNode, Literal, NamedNode

from ..vocab import RDF, XSD

__all__ = ["LEXICAL", "NUMERIC", "has_datatype", "day_exists"]

# Lexical forms of the XSD datatypes the engine checks (XML Schema 1.1 Part 2, section 3.3).
_TZ = r"(Z|[+-]((0\d|1[0-3]):[0-5]\d|14:00))?"
_YEAR = r"-?([1-9]\d{3,}|0\d{3})"
_FLOAT = re.compile(r"^([+-]?((\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|INF)|NaN)$")
LEXICAL = {
    XSD + "string": None,
    XSD + "boolean": re.compile(r"^(true|false|1|0)$"),
    XSD + "decimal": re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$"),
    XSD + "integer": re.compile(r"^[+-]?\d+$"),
    XSD + "double": _FLOAT, XSD + "float": _FLOAT,
    XSD + "gYear": re.compile(rf"^{_YEAR}{_TZ}$"),
    XSD + "gYearMonth": re.compile(rf"^{_YEAR}-(0[1-9]|1[0-2]){_TZ}$"),
    XSD + "date": re.compile(rf"^{_YEAR}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01]){_TZ}$"),
    XSD + "dateTime": re.compile(rf"^{_YEAR}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T(([01]\d|2[0-3]):[0-5]\d:"
                                 rf"[0-5]\d(\.\d+)?|24:00:00(\.0+)?){_TZ}$"),
    XSD + "duration": re.compile(r"^-?P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$"),
}
_YMD = re.compile(r"^(-?\d+)-(\d\d)-(\d\d)")
NUMERIC = {XSD + "decimal", XSD + "integer", XSD + "double", XSD + "float"}
def has_datatype(value: NamedNode | BlankNode | Literal, datatype: str) -> bool:
    if not isinstance(value, Literal):
        return False
    if datatype == RDF + "langString":
        return value.language is not None
    if value.language is not None or value.datatype.value != datatype:
        return False
    pattern = LEXICAL.get(datatype)
    if pattern is not None and pattern.match(value.value) is None:
        return False
    return datatype not in (XSD + "date", XSD + "dateTime") or day_exists(value.value)


def day_exists(text: str) -> bool:
    """30 February matches the lexical pattern but is no date (XML Schema 1.1 Part 2, section D.2.1)."""
    year, month, day = (int(part) for part in _YMD.findall(text)[0])
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return day <= (29 if leap else 28) if month == 2 else day <= (30 if month in (4, 6, 9, 11) else 31)
