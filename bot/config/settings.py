"""One Settings object built from the environment and `.env`; `.env.example` lists every key."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Deployment configuration. Secrets are SecretStr so they never print."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True
    )

    floorbot_database_url: str = Field(default="sqlite:///floorbot.sqlite")
    floorbot_host: str = "127.0.0.1"
    floorbot_port: int = 3000
    floorbot_log_level: str | None = None  # None: the command's default (bot/cli/logs.py)
    floorbot_log_format: str = "text"  # or "json"

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"

    deepl_auth_key: SecretStr | None = None
    deepl_server_url: str | None = None

    libretranslate_url: str | None = None
    libretranslate_api_key: SecretStr | None = None

    zoom_account_id: str | None = None
    zoom_client_id: str | None = None
    zoom_client_secret: SecretStr | None = None
    zoom_api_url: str = "https://api.zoom.us/v2"
    zoom_oauth_url: str = "https://zoom.us/oauth/token"
    zoom_webhook_secret_token: SecretStr | None = None

    @property
    def slack_enabled(self) -> bool:
        return self.slack_bot_token is not None and (
            self.slack_signing_secret is not None or self.slack_app_token is not None
        )

    @property
    def zoom_enabled(self) -> bool:
        return bool(self.zoom_account_id and self.zoom_client_id and self.zoom_client_secret)


def load_settings() -> Settings:
    return Settings()
