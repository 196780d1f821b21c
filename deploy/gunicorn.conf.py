"""gunicorn settings of production mode (`make serve-prod`, deploy/fazhi-web.service).

Everything that differs between machines comes from the environment:
FAZHI_BIND (127.0.0.1:8000), FAZHI_WEB_WORKERS (cores + 1), FAZHI_WEB_THREADS (2),
FAZHI_PROXY_IPS (the reverse proxy whose X-Forwarded-Proto is believed; 127.0.0.1).
"""

import multiprocessing
import os

bind = os.environ.get("FAZHI_BIND", "127.0.0.1:8000")
# The pages are CPU-bound Python (the database answers in well under a millisecond
# on the same host): one worker per core and one more, two threads each. Measured
# with `make bench ONLY=load` on 2 cores, against 2 × cores + 1 workers of 4 threads:
# saturated page throughput 126 against 88–98 requests/s, p95 under think time
# 551 against 1,111–1,181 ms (the same machine, the same run of the day).
workers = int(os.environ.get("FAZHI_WEB_WORKERS", multiprocessing.cpu_count() + 1))
threads = int(os.environ.get("FAZHI_WEB_THREADS", "2"))
worker_class = "gthread"
# A worker stuck on one request is replaced; long work runs in the task worker instead.
timeout = 60
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak never grows without bound.
max_requests = 2000
max_requests_jitter = 200
# Request line and header limits (the proxy limits the body: deploy/nginx-fazhi.conf).
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190
forwarded_allow_ips = os.environ.get("FAZHI_PROXY_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("FAZHI_LOG_LEVEL", "warning")
proc_name = "fazhi-web"
