FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
# Production dependencies only: the test tools are pinned in the development lock alone.
COPY requirements-prod.lock .
RUN pip install --no-cache-dir --require-hashes -r requirements-prod.lock

COPY . .
# collectstatic needs settings but no database: a throwaway key and a URL that is never opened.
RUN DJANGO_DEBUG=0 DJANGO_SECRET_KEY=collectstatic-only \
    DATABASE_URL=postgresql://unused@localhost/unused \
    python manage.py collectstatic --noinput \
 && useradd --system --no-create-home archive
USER archive

EXPOSE 8000
# Migrations are a one-off step (compose's `migrate` service), never run by each replica.
CMD ["gunicorn", "--config", "gunicorn.conf.py"]
