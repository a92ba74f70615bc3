"""The app as gunicorn serves it for the benchmarks, plus two things only the benchmarks use:
the floor (a bare endpoint running one primary-key query) and a header with the number of
SQL statements each request sent."""
from flask import g

from finsam_saas.extensions import db
from finsam_saas.platform.models import Tenant
from finsam_saas.wsgi import app


@app.get("/bench/floor")
def floor():
    return {"slug": db.session.get(Tenant, 1).slug}


with app.app_context():
    from sqlalchemy import event

    @event.listens_for(db.engine, "before_cursor_execute")
    def _count(conn, cursor, statement, parameters, context, executemany):
        g.bench_queries = g.get("bench_queries", 0) + 1


@app.after_request
def _queries_header(response):
    response.headers["X-Queries"] = str(g.get("bench_queries", 0))
    return response
