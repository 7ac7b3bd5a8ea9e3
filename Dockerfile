FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY requirements.lock .
RUN pip install --no-cache-dir --require-hashes -r requirements.lock

COPY . .
# collectstatic needs settings but no database: a throwaway key and a URL that is never opened.
RUN DJANGO_DEBUG=0 DJANGO_SECRET_KEY=collectstatic-only \
    DATABASE_URL=postgresql://unused@localhost/unused \
    python manage.py collectstatic --noinput \
 && useradd --system --no-create-home archive
USER archive

EXPOSE 8000
CMD ["sh", "-c", "python manage.py migrate --noinput && exec gunicorn --config gunicorn.conf.py"]
