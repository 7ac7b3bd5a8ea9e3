"""The archive as open data: a read-only JSON API, Atom feeds' companions and search exports.

- `views.py`, `serializers.py`, `pagination.py`, `urls.py`: the JSON API under /api/ (Django
  REST Framework, OpenAPI schema by drf-spectacular), validated by the same FilterSets as the
  pages and answered by `articles.search`.
- `exports.py`: any search as CSV, JSON Lines or JSON, streamed with no row cap.
- `errors.py`: the one error object every endpoint answers with.
- `limits.py`: what anonymous use may do (rate limits per client, CORS for read-only GETs).
"""
