# The hub's image: API, Faust worker, ClickHouse sink and simulator are the same image with another command.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY satudata ./satudata
COPY connectors ./connectors
COPY streams ./streams
COPY api ./api
COPY schemas ./schemas
COPY grafana ./grafana
# Editable install: the code runs from /app, where schemas/ (read through satudata.settings.PROJECT_ROOT) lives;
# a plain `pip install .` puts the packages in site-packages, where schemas/avro does not exist.
RUN pip install --no-cache-dir -e . && useradd --create-home hub && mkdir -p /data && chown hub /data
USER hub
ENV SATUDATA_DATA_DIR=/data SATUDATA_API_HOST=0.0.0.0 SATUDATA_FAUST_WEB_HOST=0.0.0.0 \
    SATUDATA_SINK_METRICS_HOST=0.0.0.0
ENTRYPOINT ["satudata"]
CMD ["api"]
