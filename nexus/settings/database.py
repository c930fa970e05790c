"""The database: SQLite by default, PostgreSQL or MariaDB/MySQL from DATABASE_URL."""

from nexus.settings.environment import BASE_DIR, env

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# On PostgreSQL the hot reads of every request are prepared statements (`nexus.prepared`); off
# for a connection pooler that does not keep a session's statements (PgBouncer, transactions).
PREPARED_STATEMENTS = env.bool("PREPARED_STATEMENTS", default=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
# MariaDB >= 10.6 or MySQL >= 8.0 (DATABASE_URL=mysql://user:password@host:3306/nexus, driver
# mysqlclient), on a database created with CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci.
# Every connection gets that character set and collation (comparisons between columns and
# values must not mix collations), strict mode (a value that does not fit is an error, never
# silently truncated) and READ COMMITTED, PostgreSQL's default: a locking read or an UPDATE sees
# the latest committed row, so the stock guard and the idempotency race behave as on
# PostgreSQL, and plain reads take no gap locks. MariaDB >= 10.2 enforces CHECK constraints
# (stock never goes negative, in the database too). Text comparisons are case-insensitive
# there (the collation), as `iexact`/`icontains` expect.
IS_MYSQL = DATABASES["default"]["ENGINE"].endswith("mysql")
if IS_MYSQL:
    DATABASES["default"]["OPTIONS"] = {
        "charset": "utf8mb4",
        "collation": "utf8mb4_unicode_ci",
        "init_command": "SET sql_mode = 'STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,"
        "NO_ENGINE_SUBSTITUTION'",
        "isolation_level": "read committed",
        **DATABASES["default"].get("OPTIONS", {}),
    }
    DATABASES["default"]["TEST"] = {"CHARSET": "utf8mb4", "COLLATION": "utf8mb4_unicode_ci"}
    # Unique constraints with a condition or on an expression are not created by Django here;
    # the project's migrations add equivalent unique indexes instead (nexus/mysql.py). Wagtail
    # guards its own (one workflow in progress per object) in its code.
    SILENCED_SYSTEM_CHECKS = ["models.W036", "models.W044"]
