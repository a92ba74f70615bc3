"""The app as a WSGI server runs it (`gunicorn finsam_saas.wsgi:app`).

Each worker compiles every template when it starts rather than on the first request that needs
it, and then freezes what start-up allocated out of the garbage collector's reach: the modules,
mappers and templates live as long as the worker, and scanning them on every full collection
only adds pauses to requests.
"""
import gc
import os

from finsam_saas import create_app

os.environ.setdefault("FINSAM_ENV", "production")  # a WSGI server is production: SECRET_KEY is required
app = create_app()
for name in app.jinja_env.list_templates(extensions=["html"]):
    app.jinja_env.get_template(name)
gc.freeze()
