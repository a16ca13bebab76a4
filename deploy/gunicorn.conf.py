"""gunicorn for the web pods: threads for I/O-bound requests, no access log of its own.

The access log is written by the application (workershome/logs.py: the URL pattern, never the
path or the client's address), so gunicorn's own is off. Prometheus counters of all worker
processes are kept in PROMETHEUS_MULTIPROC_DIR and cleaned up when a worker exits.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", str(min(multiprocessing.cpu_count() * 2 + 1, 9))))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 25  # within Kubernetes' 30-second termination grace period
keepalive = 5
max_requests = 2000  # recycle workers slowly: bounds the per-connection catalogue cache (issue 10)
max_requests_jitter = 200
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")  # the ingress sets X-Forwarded-*
limit_request_line = 8190


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
