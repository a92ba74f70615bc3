FROM python:3.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libfontconfig1 fonts-symbola \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY finsam_saas ./finsam_saas
RUN pip install --no-cache-dir -e .
COPY . .
ENV FLASK_APP=finsam_saas
