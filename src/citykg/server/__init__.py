"""The read-only SPARQL 1.1 endpoint: ``http`` (HTTP/1.1 with h11, one thread per connection), ``routes`` (what
each URL answers), ``protocol`` (the SPARQL Protocol's rules, SERVICE refusal, media types), ``pool`` (query
workers that can be killed at the time or memory limit, following rebuilds), ``worker`` (inside a worker),
``wire`` (response bytes and the frames between server and workers), ``sandbox`` (what a worker may not do:
network, memory) and ``static/`` (the offline query UI)."""
