"""Zoom: provisioning meetings, a reliable API client, signed webhooks, presence and attendance."""
