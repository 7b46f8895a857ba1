# Floorbot in a container: `docker build -t floorbot .`, then see deploy/compose.yaml and docs/deploy.md.
# The install and the entry point are the README's (`pip install -e .`, `floorbot`), with the versions the
# suite passed with (constraints.txt); tests/test_deploy.py keeps them in step. Editable, like the README:
# the catalogs (prompts/) are read from the source tree beside the package.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml README.md constraints.txt ./
COPY bot ./bot
COPY prompts ./prompts
COPY schedules ./schedules
RUN pip install -c constraints.txt -e . \
 && useradd --system --uid 10001 --home-dir /data --create-home floorbot

# State (the SQLite file) lives in /data; with PostgreSQL set FLOORBOT_DATABASE_URL instead.
ENV FLOORBOT_HOST=0.0.0.0 \
    FLOORBOT_PORT=3000 \
    FLOORBOT_DATABASE_URL=sqlite:////data/floorbot.sqlite
VOLUME ["/data"]
USER floorbot
WORKDIR /data
EXPOSE 3000

# Liveness: /healthz answers 200 while the process serves (503 if the store cannot be read).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('FLOORBOT_PORT', '3000') + '/healthz', timeout=4)"]

ENTRYPOINT ["floorbot"]
CMD ["serve", "/app/schedules/ungp-tech-2022.yaml"]
