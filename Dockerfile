# The playground as a container: for a Docker Space on Hugging Face or any server.
# Run history lives on the /data volume so it survives restarts and image updates.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    GRADIO_SERVER_NAME=0.0.0.0 \
    GRADIO_SERVER_PORT=7860 \
    HISTORY_DIR=/data

# A CJK font, so the offline simulator writes Chinese prompts legibly
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-wqy-microhei \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 1000 user \
    && mkdir -p /data \
    && chown user:user /data

WORKDIR /home/user/app

COPY --chown=user:user requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY --chown=user:user app.py ./
COPY --chown=user:user client ./client
COPY --chown=user:user examples ./examples
COPY --chown=user:user history ./history
COPY --chown=user:user simulator ./simulator
COPY --chown=user:user ui ./ui

USER 1000
VOLUME ["/data"]
EXPOSE 7860

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:7860/readyz', timeout=4)"]

CMD ["python", "app.py"]
