# relay: watcher, review bot and publisher as one long-lived process.
#
#   docker build -t relay .
#   docker run -d --env-file .env -v "$PWD/data:/data" \
#     -v "$PWD/config/relay.toml:/config/relay.toml:ro" relay
#
# The config must set `[storage] data_dir = "/data"`. No secrets are baked in: they come from
# the environment at run time (--env-file .env, compose env_file).
FROM python:3.12.8-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    RELAY_CONFIG=/config/relay.toml

RUN groupadd --system --gid 10001 relay \
 && useradd --system --uid 10001 --gid relay --home-dir /data --no-create-home \
      --shell /usr/sbin/nologin relay

# Only what the package build needs (pyproject names README.md as the long description).
WORKDIR /src
COPY pyproject.toml README.md ./
COPY relay ./relay
RUN pip install --no-cache-dir . \
 && rm -rf /src \
 && install -d -o relay -g relay -m 0700 /data \
 && install -d -m 0755 /config

# Working directory inside the volume: even a config that keeps a relative data_dir writes
# into /data, never into the container's writable layer.
WORKDIR /data
VOLUME ["/data"]
USER relay

# `relay health` exits 0 only while the service's heartbeat is recent and every part
# (watcher, bot, publisher) is connected.
HEALTHCHECK --interval=60s --timeout=10s --start-period=60s --retries=3 \
    CMD ["relay", "health"]

# relay is PID 1 and handles SIGTERM itself (finishes in-flight writes, disconnects).
STOPSIGNAL SIGTERM
ENTRYPOINT ["relay"]
CMD ["run"]
