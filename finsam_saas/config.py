"""Every setting from the environment, with embedded defaults.

Without DATABASE_URL the app runs on a SQLite file under instance/; without
REDIS_URL jobs run in-process; without SMTP_URL mail is written to instance/outbox.
"""
import os
import secrets
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("FINSAM_INSTANCE_DIR", PROJECT_DIR / "instance"))


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    def __init__(self) -> None:
        instance = INSTANCE_DIR
        # "production" (gunicorn through finsam_saas.wsgi, docker-compose.yml) or "development" (`make
        # run`, the flask commands). Outside development and testing the app refuses to start without
        # SECRET_KEY; in development without one it makes a random key of its own (`secret_key_for`).
        self.FINSAM_ENV = os.environ.get("FINSAM_ENV", "development").strip().lower()
        self.SECRET_KEY = os.environ.get("SECRET_KEY") or None
        # How many proxies in front of the app set X-Forwarded-For/-Proto (werkzeug's ProxyFix): the
        # client's address (the login limiter's) is read from them. 0: no proxy, the headers are ignored.
        self.PROXY_COUNT = int(os.environ.get("PROXY_COUNT", 0))
        self.SQLALCHEMY_DATABASE_URI = os.environ.get(
            "DATABASE_URL", f"sqlite:///{instance / 'finsam.db'}"
        )
        # Migrations run as the owner of the schema; the app itself connects as a
        # role that owns nothing, so PostgreSQL's row security applies to it.
        self.MIGRATION_DATABASE_URL = os.environ.get("MIGRATION_DATABASE_URL") or None
        self.APP_DB_ROLE = os.environ.get("APP_DB_ROLE", "finsam_app")
        self.APP_DB_PASSWORD = os.environ.get("APP_DB_PASSWORD") or None
        self.REDIS_URL = os.environ.get("REDIS_URL") or None
        self.RQ_QUEUE = os.environ.get("RQ_QUEUE", "finsam")
        # How often a job whose worker died is tried again before it is reported failed.
        self.JOB_RETRIES = int(os.environ.get("JOB_RETRIES", 1))
        self.SMTP_URL = os.environ.get("SMTP_URL") or None
        self.MAIL_FROM = os.environ.get("MAIL_FROM", "noreply@finsam.local")
        # Links in mail are built from this, never from the request's Host header; by default the
        # address `make run` serves on (HOST and PORT).
        self.PUBLIC_URL = os.environ.get("PUBLIC_URL") or (
            f"http://{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}")
        # Counts from 1 up to this are never published to other förbund (analysis).
        self.SUPPRESSION_THRESHOLD = int(os.environ.get("SUPPRESSION_THRESHOLD", 5))
        self.OUTBOX_DIR = Path(os.environ.get("OUTBOX_DIR", instance / "outbox"))
        self.FILES_DIR = Path(os.environ.get("FILES_DIR", instance / "files"))
        self.MAX_ATTACHMENT_BYTES = int(os.environ.get("MAX_ATTACHMENT_BYTES", 20 * 1024 * 1024))
        # Requests larger than this are refused before they are read (bilagor plus the form).
        self.MAX_CONTENT_LENGTH = self.MAX_ATTACHMENT_BYTES + 1024 * 1024
        self.TENANTS_DIR = Path(os.environ.get("TENANTS_DIR", PROJECT_DIR / "tenants"))
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
        self.REMEMBER_COOKIE_SECURE = self.SESSION_COOKIE_SECURE
        # In production behind TLS: HSTS=1 and SESSION_COOKIE_SECURE=1 (docker-compose.yml sets both).
        self.HSTS = _bool("HSTS", False)
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.WTF_CSRF_TIME_LIMIT = None
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        self.TESTING = False
        # Operations (platform/logs.py, metrics.py, health.py; README "Operations"): JSON log lines on
        # stderr ("console" for a readable form), their level; /metrics answers only to a bearer
        # METRICS_TOKEN or, without one, to loopback requests that came through no proxy.
        self.LOG_FORMAT = os.environ.get("LOG_FORMAT", "json").strip().lower()
        self.LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").strip().upper()
        self.METRICS_TOKEN = os.environ.get("METRICS_TOKEN") or None
        self.READY_TIMEOUT_SECONDS = float(os.environ.get("READY_TIMEOUT_SECONDS", 3))
        # Sentry, only when a DSN is set (sentry-sdk is imported then and only then).
        self.SENTRY_DSN = os.environ.get("SENTRY_DSN") or None
        self.SENTRY_ENVIRONMENT = os.environ.get("SENTRY_ENVIRONMENT") or self.FINSAM_ENV
        self.SENTRY_TRACES_SAMPLE_RATE = float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", 0))
        # A worker tells Redis every JOB_HEARTBEAT_SECONDS that its job is alive; a job not heard of
        # for JOB_LEASE_SECONDS is abandoned (its worker died) and another worker retries it, looking
        # for such jobs every JOB_HEARTBEAT_SECONDS (platform/jobs.py).
        self.JOB_HEARTBEAT_SECONDS = int(os.environ.get("JOB_HEARTBEAT_SECONDS", 30))
        self.JOB_LEASE_SECONDS = int(os.environ.get("JOB_LEASE_SECONDS", 90))
        # Tests only: each message waits this long before it is handed over (a slow mail server).
        self.MAIL_DELAY_SECONDS = float(os.environ.get("MAIL_DELAY_SECONDS", 0))


# The key this app once shipped as its default: public, so never accepted as a key.
PUBLIC_KEYS = frozenset({"dev-secret-change-me"})
SECRET_KEY_FILE = "secret_key"


class MissingSecretKey(RuntimeError):
    """The app would serve without a secret key of its own (signed cookies could be forged)."""


def secret_key_for(config, instance_dir: Path) -> str:
    """The SECRET_KEY the app signs its cookies with.

    `config` is the app's config (a mapping). A key that is set is used as it is, unless it is the
    public default this app once shipped. Without one, in development (FINSAM_ENV=development) or
    testing a random key is made once per installation and kept in `instance_dir/secret_key`
    (mode 0600), so `make run` keeps its sessions across restarts and no two installations share a
    key. Otherwise raises MissingSecretKey, naming the variable to set.
    """
    key = config.get("SECRET_KEY")
    if key and key not in PUBLIC_KEYS:
        return key
    if key:
        raise MissingSecretKey(f"SECRET_KEY är den offentliga standardnyckeln {key!r}: sätt miljövariabeln "
                               "SECRET_KEY till en egen slumpmässig nyckel (t.ex. python -c 'import secrets; "
                               "print(secrets.token_hex(32))').")
    if not (config.get("TESTING") or config.get("FINSAM_ENV") == "development"):
        raise MissingSecretKey("SECRET_KEY saknas: sätt miljövariabeln SECRET_KEY till en lång slumpmässig nyckel "
                               "(t.ex. python -c 'import secrets; print(secrets.token_hex(32))') innan appen startar "
                               f"i läget FINSAM_ENV={config.get('FINSAM_ENV')!r}.")
    return _installation_key(Path(instance_dir) / SECRET_KEY_FILE)


def _installation_key(path: Path) -> str:
    # Written whole to a file of its own and linked into place: a second process starting at the
    # same moment either links first or reads the complete key of the one that did.
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(secrets.token_hex(32) + "\n")
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        temporary.unlink()
    return path.read_text().strip()
