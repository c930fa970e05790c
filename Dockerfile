FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=nexus.settings.production
WORKDIR /app

# libmariadb3 at run time; the compiler and headers only while mysqlclient (MariaDB/MySQL) builds.
RUN apt-get update && apt-get install -y --no-install-recommends libjpeg62-turbo zlib1g curl \
    libmariadb3 \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.txt requirements-mysql.txt ./
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev pkg-config \
    libmariadb-dev \
    && pip install -r requirements.txt -r requirements-mysql.txt \
    && apt-get purge -y --auto-remove gcc libc6-dev pkg-config libmariadb-dev \
    && rm -rf /var/lib/apt/lists/*
COPY . .
# collectstatic needs a key to import settings; the real one comes from the environment at run time.
RUN SECRET_KEY=collectstatic-only-build-time-key-0000000000000000000000 python manage.py collectstatic --no-input \
    && useradd --create-home nexus && mkdir -p /app/media && chown nexus /app/media
USER nexus
EXPOSE 8000
CMD ["gunicorn", "nexus.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2", "--access-logfile", "-"]
