# redirection-bot: the web chat, in-memory sessions by default.
# Nothing is written at runtime: no volume, no log files; run with --read-only if you like.
FROM python:3.11-slim

# REDIRECTION_BOT_CACHE: the screening phrases parsed at build time (bot/screening/phrase_cache.py),
# so each start compiles them without parsing them again; read-only at runtime.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    REDIRECTION_BOT_CACHE=/app/.cache \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
# exactly the pinned, hashed versions (scripts/lock regenerates requirements.lock)
COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes -r requirements.lock
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY flows ./flows
COPY locale ./locale
COPY resources ./resources
RUN pip install --no-cache-dir --no-deps --no-build-isolation . \
    && redirection-bot screen --locale en --content /app < /dev/null \
    && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin bot

USER 10001
EXPOSE 8080
CMD ["redirection-bot", "serve", "--host", "0.0.0.0", "--port", "8080"]
