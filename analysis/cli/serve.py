"""``itcost app``: serve the calculator (Streamlit) on this computer."""

from __future__ import annotations

import argparse
import subprocess
import sys

from analysis.cli.arguments import port
from analysis.files import app_path


def add_commands(commands: argparse._SubParsersAction) -> None:
    app = commands.add_parser(
        "app",
        help="serve the calculator app in the browser (Streamlit)",
        description="Serve the interactive calculator at http://localhost:PORT until Ctrl-C, "
        "to this computer only. Headless: no browser is opened, no usage statistics are sent.",
    )
    app.add_argument("--port", type=port, default=8501, help="port (default 8501)")
    app.set_defaults(handler=_app)


def _app(args: argparse.Namespace) -> int:
    command = [
        sys.executable, "-m", "streamlit", "run", str(app_path()),
        "--server.port", str(args.port), "--server.address", "localhost",
        "--server.headless", "true",
        # Scenario files are a few kB; an unexpected error shows no traceback or file paths.
        "--server.maxUploadSize", "1", "--client.showErrorDetails", "none",
        "--browser.gatherUsageStats", "false",
        # Without an address to print, a headless server asks a web service for its public IP.
        "--browser.serverAddress", "localhost",
    ]  # fmt: skip
    try:
        return subprocess.call(command)
    except KeyboardInterrupt:  # Ctrl-C reaches streamlit too, which stops on its own
        return 0
