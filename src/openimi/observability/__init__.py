"""Health, metrics and logs for operators (issue 20, items 3 and 4): ``/health/live/``,
``/health/ready/``, ``/metrics/``, the request id and the logging configuration."""
