"""The configuration file (``charcot.toml``), so no one passes the same paths on every run.

Where a value comes from, lowest to highest precedence:

1. the user's file ``$XDG_CONFIG_HOME/charcot/charcot.toml`` (default ``~/.config/charcot/charcot.toml``);
2. the file given by ``--config FILE`` (on any command) or ``CHARCOT_CONFIG``;
3. the environment: ``CHARCOT_RESOURCE_BUNDLE``, ``CHARCOT_JURISDICTION``, ``CHARCOT_LABORATORY``,
   ``CHARCOT_SIGNATORY``;
4. a command's own option (``--jurisdiction EU``) always wins.

``charcot config show`` prints what is in force and from where. The file is flat TOML::

    resource_bundle = "/data/charcot-resources"   # folder made by the resources commands
    jurisdiction = "EU"                            # regulatory jurisdiction for therapies
    laboratory = "Example Genomics Laboratory"     # printed on reports
    signatory = "Dr A. Example, clinical scientist"
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from charcot.errors import ConfigurationError

if TYPE_CHECKING:
    import typer

# key -> (environment variable, what it is)
KEYS: dict[str, tuple[str, str]] = {
    "resource_bundle": ("CHARCOT_RESOURCE_BUNDLE", "resource bundle folder (ClinVar, gnomAD, ... for this build)"),
    "jurisdiction": ("CHARCOT_JURISDICTION", "default regulatory jurisdiction for therapies (US, EU, EEA, UK, JP, CA, KR, CH)"),
    "laboratory": ("CHARCOT_LABORATORY", "laboratory name printed on reports"),
    "signatory": ("CHARCOT_SIGNATORY", "report signatory (name, role)"),
}
CONFIG_ENV = "CHARCOT_CONFIG"
DEFAULT_SOURCE = "default (not set)"


@dataclass(frozen=True)
class Setting:
    key: str
    value: str | None
    source: str  # "default (not set)", a file path, "environment CHARCOT_..." or "option --..."


@dataclass(frozen=True)
class Config:
    settings: dict[str, Setting]
    files: tuple[str, ...]  # the files read, in order

    def get(self, key: str) -> str | None:
        return self.settings[key].value

    def source(self, key: str) -> str:
        return self.settings[key].source

    def path(self, key: str) -> Path | None:
        value = self.get(key)
        return Path(value).expanduser() if value else None

    def prefer(self, key: str, option_value: Any, option: str) -> str | None:
        """The command's own option when given, else the configured value."""
        if option_value is not None and str(option_value) != "":
            return str(option_value)
        return self.get(key)


def user_config_file() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "charcot" / "charcot.toml"


def _present(path: Path) -> bool:
    """Whether a configuration file is there to read (a folder or an unreadable one is, and is refused in words by
    ``_read_file``); ``Path.is_file`` raised PermissionError in a folder charcot may not enter."""
    try:
        os.stat(path)
    except FileNotFoundError:
        return False
    except OSError:
        return True
    return True


def _read_file(path: Path, settings: dict[str, Setting]) -> None:
    import tomllib  # only when there is a file to read (every command starts here: issue 20)

    try:
        if stat.S_ISREG(os.stat(path).st_mode):
            raw = path.read_bytes()
        else:  # a pipe (--config <(...)) gives its bytes once, and every command reads its configuration twice
            from charcot.structured import stream_bytes

            raw = stream_bytes(path)
    except IsADirectoryError:
        raise ConfigurationError("is a folder, not a configuration file", path=path,
                                 hint="give the charcot.toml file inside it") from None
    except OSError as exc:
        raise ConfigurationError(f"cannot read the configuration file: {(exc.strerror or str(exc)).lower()}",
                                 path=path, hint="check the file's permissions (and its folders'), or give another "
                                                 f"with --config or {CONFIG_ENV}") from None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]  # a UTF-8 byte-order mark (Notepad) carries no setting
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        kind = "UTF-16" if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else "not UTF-8"
        raise ConfigurationError(f"the configuration file is {kind} text", path=path,
                                 hint="save it as UTF-8 (TOML files are UTF-8)") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(f"not valid TOML: {exc}", path=path,
                                 hint="write one 'key = \"value\"' per line, e.g. jurisdiction = \"EU\"") from None
    for key, value in data.items():
        if key not in KEYS:
            raise ConfigurationError(f"unknown setting {key!r}", path=path,
                                     hint="known settings: " + ", ".join(KEYS))
        if not isinstance(value, str):
            raise ConfigurationError(f"setting {key!r} must be a quoted string", path=path,
                                     hint=f'e.g. {key} = "..."')
        if key == "resource_bundle":
            bundle = Path(value).expanduser()
            value = str(bundle if bundle.is_absolute() else (path.parent / bundle))
        settings[key] = Setting(key, value, str(path))


def load_config(explicit: str | Path | None = None) -> Config:
    """The configuration in force. ``explicit`` is --config (default: the CLI's --config, then
    CHARCOT_CONFIG)."""
    if explicit is None:
        from charcot.cli_state import config_path

        explicit = config_path() or os.environ.get(CONFIG_ENV) or None
    settings = {key: Setting(key, None, DEFAULT_SOURCE) for key in KEYS}
    files: list[str] = []
    user = user_config_file()
    if _present(user):
        _read_file(user, settings)
        files.append(str(user))
    if explicit is not None:
        if str(explicit) == "-":
            raise ConfigurationError("the configuration cannot be read from standard input ('-')",
                                     hint="give the charcot.toml file's name to --config")
        path = Path(explicit).expanduser()
        if not _present(path):
            raise ConfigurationError("configuration file not found", path=path,
                                     hint=f"check --config or {CONFIG_ENV}")
        _read_file(path, settings)
        files.append(str(path))
    for key, (env, _) in KEYS.items():
        value = os.environ.get(env)
        if value:
            settings[key] = Setting(key, value, f"environment {env}")
    return Config(settings, tuple(files))


def register(app: typer.Typer) -> None:
    """``charcot config show``."""
    import json

    import typer

    config_app = typer.Typer(name="config", help="The configuration in force (charcot.toml, CHARCOT_* variables) "
                                                  "and where each value comes from.", no_args_is_help=True)

    from charcot.cli_contract import format_option, output_option

    @config_app.command("show")
    def show(fmt: str | None = format_option(), output: Path | None = output_option("the settings")) -> None:
        """Print each setting, its value and where it comes from (file, environment or default)."""
        from charcot.cli_contract import OutputFormat, emit, resolve_format

        chosen = resolve_format(fmt, output)
        config = load_config()
        if chosen is OutputFormat.JSON:
            emit(json.dumps({"files": list(config.files), "user_file": str(user_config_file()),
                             "settings": {k: {"value": s.value, "source": s.source}
                                          for k, s in config.settings.items()}}, indent=1), output)
            return
        lines = [f"user file: {user_config_file()}" + ("" if _present(user_config_file()) else " (not present)")]
        width = max(len(k) for k in KEYS)
        for key, setting in config.settings.items():
            value = setting.value if setting.value is not None else "-"
            lines.append(f"{key.ljust(width)}  {value}  [{setting.source}]")
        emit("\n".join(lines), output)

    app.add_typer(config_app, name="config")
