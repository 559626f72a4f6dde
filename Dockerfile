# TheraLab serve: the guarded counselor chat API and web UI.
#   docker build -t theralab-serve .
#   docker run -p 8000:8000 -e THERALAB_DB=postgresql://… -e THERALAB_STATE_KEYS=… theralab-serve
# See deploy/docker-compose.yml for TheraLab with PostgreSQL, and docs/serve.md.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    XDG_DATA_HOME=/data \
    THERALAB_MODEL_DIR=/opt/theralab/encoders

WORKDIR /app
COPY pyproject.toml README.md ./
COPY src ./src
# The learned screening tier is part of the guardrail: install it (CPU torch, not a CUDA
# build) and build its ONNX encoders into the image, so no worker starts with patterns only.
RUN pip install --no-cache-dir --extra-index-url https://download.pytorch.org/whl/cpu \
        '.[serve,semantic]' \
    && python -c "from theralab.safety.semantic import build_encoders; build_encoders()" \
    && useradd --system --uid 10001 --home-dir /data theralab \
    && mkdir -p /data && chown theralab /data

USER theralab
VOLUME ["/data"]
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=15s --start-period=60s --retries=3 \
    CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=12).status == 200 else 1)"

# Workers, database and keys come from the environment (THERALAB_DB, THERALAB_STATE_KEYS) and
# the command line; SIGTERM lets requests in flight finish (--graceful-timeout).
STOPSIGNAL SIGTERM
ENTRYPOINT ["theralab", "serve", "--host", "0.0.0.0", "--port", "8000"]
CMD ["--workers", "2", "--log-format", "json"]
