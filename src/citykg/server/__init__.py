"""The read-only SPARQL 1.1 endpoint: ``http`` (routes and request handling), ``protocol`` (the SPARQL
Protocol's rules, content negotiation, media types), ``pool`` (query workers that can be killed at the time
limit) and ``static/`` (the offline query UI)."""
