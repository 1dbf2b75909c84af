# syntax=docker/dockerfile:1
# The Internship Management System as one image: the app replicas and the one-shot migrate job run it.
#   docker build -t ims .
#   docker run ims python manage.py migrate     # once per release (compose: the `migrate` service)
#   docker run -p 8501:8501 ims                 # a replica: python manage.py serve
# The base image is pinned to an exact Python patch release on Debian bookworm (the version the
# suite runs on); pin its digest as well in your registry mirror (`python:3.11.7-slim-bookworm@sha256:...`).

FROM python:3.11.7-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /build
COPY requirements.txt .
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install --no-compile -r requirements.txt

FROM python:3.11.7-slim-bookworm AS runtime
# Thai fonts: exported charts and screenshots render Thai text; tini reaps and forwards SIGTERM.
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-thai-tlwg=1:0.7.* tini=0.19.* \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 ims \
    && useradd --system --uid 10001 --gid ims --home-dir /app --shell /usr/sbin/nologin ims
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY --chown=root:root . /app
RUN mkdir -p /app/data && chown ims:ims /app/data
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    APP_ENV=production \
    BIND_ADDRESS=0.0.0.0 \
    PORT=8501 \
    DATA_DIR=/app/data
USER 10001:10001
EXPOSE 8501
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8501/healthz/ready', timeout=2).status != 200)"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["python", "manage.py", "serve"]
