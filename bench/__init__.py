"""`make bench`: national-scale data on PostgreSQL, the app under gunicorn, and one JSON line per figure."""
