"""Prometheus metrics: the app's Meter port, decorators that time the chat and translation ports, `/metrics`."""
