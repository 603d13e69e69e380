"""Importers of external data sets into graph/imported/ (see docs/import.md).

- :mod:`.hekman`: Wikipedia's lists of twin towns and sister cities (Erik Hekman's CSV files);
- :mod:`.wikidata`: Wikidata P190 ("twinned administrative body") statements;
- :mod:`.resolve`, :mod:`.names`, :mod:`.countries`: entity resolution (which written names are one place);
- :mod:`.merges`, :mod:`.splits`: one town written two ways, several towns of one name;
- :mod:`.gazetteer`, :mod:`.exonyms`, :mod:`.positions`, :mod:`.levels`: GeoNames' places (offline) for
  names in other languages, points in the wrong country and provinces listed as towns;
- :mod:`.known`: what the project's graph already says, so that imports join it;
- :mod:`.emit`, :mod:`.report`: the TriG written and the report of what was merged or left out.
"""
