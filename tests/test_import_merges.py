"""Two spellings of one town that share their partners are one node (issue 12, rule 16 of docs/import.md);
spellings alike that nothing else joins, or that a source says are two towns, stay two.

The fixture (tests/data/import-merges/, its README says what each case is) is a made-up slice in the data
set's layout; GeoNames is the real packaged gazetteer, and the import runs for real in a copy of the project.
"""

from __future__ import annotations

import pytest
from pyoxigraph import NamedNode, Store

from citykg.importers.hekman import import_hekman
from citykg.importers.variants import NOT_MERGED, SECTION, fold

from .conftest import REPO, import_fixture

DATA = REPO / "tests" / "data" / "import-merges"
M = "https://w3id.org/citykg/id/municipality/"
CKG = "https://w3id.org/citykg/ontology#"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
TRIG = "graph/imported/hekman-twin-cities.trig"


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    return import_fixture(tmp_path_factory.mktemp("merges"), DATA, (TRIG.removeprefix("graph/imported/"),),
                          wikidata=False)


def _partners(store: Store, node: str) -> set[str]:
    partner = NamedNode(CKG + "partner")
    found = set()
    for link in store.quads_for_pattern(None, partner, NamedNode(M + node)):
        found |= {q.object.value.removeprefix(M) for q in store.quads_for_pattern(link.subject, partner, None)}
    return found - {node}


def _names(store: Store, node: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {"label": set(), "nameInSource": set()}
    for quad in store.quads_for_pattern(NamedNode(M + node), None, None):
        if quad.predicate.value == LABEL:
            found["label"].add(quad.object.value)
        elif quad.predicate.value == CKG + "nameInSource":
            found["nameInSource"].add(quad.object.value)
    return found


def _mentioned(store: Store, node: str) -> bool:
    iri = NamedNode(M + node)
    return any(store.quads_for_pattern(iri, None, None)) or any(store.quads_for_pattern(None, None, iri))


def test_the_folded_spellings_are_the_same_letters():
    assert fold("Boyarka") == fold("Boiarka") == "boiarka"
    assert fold("Feodosiya") == fold("Feodosia")
    assert fold("St. Vith") == fold("Sankt Vith") == fold("Saint-Vith")
    assert fold("Krumpendorf am Wörther See") == fold("Krumpendorf am Wörthersee")
    assert fold("Nanjing") != fold("Nanning")  # j is a consonant in pinyin: never folded


def test_two_spellings_sharing_their_partners_are_one_node_that_keeps_the_one_with_more_ties(imported):
    _, store, _ = imported
    assert _partners(store, "ua-boyarka") == {"pl-pulawy", "sk-bziny", "ge-martvili", "ge-ozurgeti"}
    assert _names(store, "ua-boyarka") == {"label": {"Boyarka"}, "nameInSource": {"Boiarka"}}
    assert not _mentioned(store, "ua-boiarka")
    assert _partners(store, "by-baranavichy") == {"at-stockerau", "ru-mytishchi", "pl-kalisz"}
    assert _names(store, "by-baranavichy") == {"label": {"Baranavichy"}, "nameInSource": {"Baranovichi"}}
    assert not _mentioned(store, "by-baranovichi")


def test_a_pair_listed_under_both_spellings_is_one_partnership_written_once(imported):
    _, store, report = imported
    ends = {NamedNode(M + "pl-pulawy"), NamedNode(M + "ua-boyarka")}
    links = {q.subject for q in store.quads_for_pattern(None, NamedNode(CKG + "partner"), None) if q.object in ends}
    joint = [s for s in links if {q.object for q in store.quads_for_pattern(s, NamedNode(CKG + "partner"), None)}
             == ends]
    assert [s.value for s in joint] == ["https://w3id.org/citykg/id/partnership/pl-pulawy--ua-boyarka"]
    assert len(list(store.quads_for_pattern(joint[0], NamedNode(CKG + "partner"), None))) == 2
    # 27 rows: the 3 Boiarka and 2 Baranovichi rows repeat pairs the other spelling lists.
    assert report.counts["partnerships"] == 22
    assert report.counts["duplicate rows (same pair listed again)"] == 5


def test_each_merge_is_in_the_review_list_with_its_evidence_sorted_by_ties(imported):
    _, _, report = imported
    assert sorted(report.notes[SECTION]) == [
        "municipality:by-baranovichi ('Baranovichi') into municipality:by-baranavichy ('Baranavichy'): "
        "'Baranavichy' and 'Baranovichi' are near spellings (1 edit apart, similarity 91 %, folded) and 2 of their "
        "3 and 2 partners in common (Mytishchi, Stockerau); no Wikidata items or GeoNames places tell them apart",
        "municipality:ua-boiarka ('Boiarka') into municipality:ua-boyarka ('Boyarka'): 'Boiarka' and 'Boyarka' are "
        "one spelling ('boiarka', folded) and 3 of their 3 and 4 partners in common (Bziny, Martvili, Puławy); no "
        "Wikidata items or GeoNames places tell them apart"]
    ranked = report.markdown().split(f"## {SECTION}")[1]
    assert ranked.index("**4 ties**: municipality:ua-boiarka") < ranked.index("**3 ties**: municipality:by-baranovichi")


def test_spellings_without_a_partner_in_common_stay_two_nodes_and_are_not_listed(imported):
    _, store, report = imported
    assert _partners(store, "at-sankt-georgen") == {"de-plaue"}
    assert _partners(store, "at-st-georgen") == {"de-steinheim"}
    assert not any("georgen" in line for line in report.notes[NOT_MERGED])


def test_a_near_spelling_with_one_partner_in_common_is_listed_not_merged(imported):
    _, store, report = imported
    assert _partners(store, "ru-mytischi") == {"bg-gabrovo"}
    assert ("municipality:ru-mytischi ('Mytischi') and municipality:ru-mytishchi ('Mytishchi'): 'Mytischi' and "
            "'Mytishchi' are near spellings (1 edit apart, similarity 94 %, folded), but only 1 of their 1 and 2 "
            "partners in common (Gabrovo): that needs 2 and half the smaller node's") in report.notes[NOT_MERGED]


@pytest.mark.parametrize(("a", "b", "reason"), [
    ("ua-kamianka", "ua-kamyanka", "but Wikidata items of each name list other partners (Q1, Q2)"),
    ("de-rosdorf", "de-rossdorf", "but GeoNames lists each name as other places (GeoNames 2845131, 2844756)"),
    ("es-leon", "es-leon-2", "but a rule told towns of the name apart (rule 3, 8, 13, 14 or 15): a split is "
                             "never undone"),
])
def test_spellings_a_source_tells_apart_are_not_merged_even_with_the_same_partners(imported, a, b, reason):
    _, store, report = imported
    assert _partners(store, a) & _partners(store, b)
    line = next(line for line in report.notes[NOT_MERGED] if line.startswith(f"municipality:{a} "))
    assert f"municipality:{b} " in line and line.endswith(reason)


def test_the_import_is_the_same_bytes_when_run_again(imported, tmp_path):
    project, _, _ = imported
    first = (project.root / TRIG).read_bytes()
    import_hekman(project, DATA / "pairs.csv", wikidata=(DATA / "relations.tsv", DATA / "names.tsv"))
    assert (project.root / TRIG).read_bytes() == first
