"""One Settings object built from the environment and `.env`; `.env.example` lists every key."""

from __future__ import annotations

from typing import Literal

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
    # The console's credentials (docs/console.md): `local` is "sign in as", for one machine only.
    floorbot_console_auth: Literal["local", "signed"] | None = None
    floorbot_secret_key: SecretStr | None = None
    floorbot_public_url: str | None = None  # e.g. https://floorbot.example.org: the one allowed Host and Origin
    floorbot_inputs_dir: str | None = None  # written inputs' files (default: beside the SQLite file)
    # This instance's stable name (a host or pod name). A restart under the same name resumes at once what
    # it left (unconfirmed posts, unhandled events) and keeps the leader lease it held. Unset: a new name at
    # each start, and what a dead instance left is taken over by the leader once its lease has expired.
    floorbot_instance: str | None = None
    floorbot_log_level: str | None = None  # None: the command's default (bot/cli/logs.py)
    floorbot_log_format: str = "text"  # or "json"

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"
    # "Sign in with Slack" (OpenID Connect) on the console, when both are set.
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    slack_openid_url: str = "https://slack.com/openid/connect"  # its /authorize and /keys (the id_token's keys)

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
