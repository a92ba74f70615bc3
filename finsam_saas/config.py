"""Every setting from the environment, with embedded defaults.

Without DATABASE_URL the app runs on a SQLite file under instance/; without
REDIS_URL jobs run in-process; without SMTP_URL mail is written to instance/outbox.
"""
import os
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
        self.SECRET_KEY = os.environ.get("SECRET_KEY", "dev-secret-change-me")
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
