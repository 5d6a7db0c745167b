"""Docker CLI dispatch model: the docker-cli chapter's behaviours, one test (or more) each."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from walkthrough.parity import docker_cli as cli_runner
from walkthrough.reimpl.docker import cli

ENV = {"HOME": "/root"}


def run(*args: str, **kwargs: object) -> cli.Outcome:
    return cli.main(["docker", *args], environ=kwargs.pop("environ", ENV), **kwargs)  # type: ignore[arg-type]


# -- cli-global-flags ------------------------------------------------------------------------------


def test_cli_global_flags_version() -> None:
    """Behaviour cli-global-flags."""
    out = run("-v", "ps")
    assert (out.exit_code, out.stdout, out.trace) == (0, "Docker version 1.12.3, build 6b644ec\n", [])
    assert cli.show_version(experimental=True) == "Docker version 1.12.3, build 6b644ec, experimental\n"


def test_cli_global_flags_help_merges_and_sorts_commands() -> None:
    """Behaviour cli-global-flags."""
    out = run("--help")
    assert out.exit_code == 0
    assert out.trace == []
    assert out.stdout.startswith(
        "Usage: docker [OPTIONS] COMMAND [arg...]\n       docker [ --help | -v | --version ]\n"
    )
    assert "  --config=~/.docker " in out.stdout
    assert "  -H, --host=[] " in out.stdout
    commands = out.stdout.split("\nCommands:\n")[1].split("\n\n")[0].splitlines()
    names = [line.split()[0] for line in commands]
    assert names == sorted(names)
    assert {"inspect", "ps", "exec", "volume"} <= set(names)
    assert "    inspect   Return low-level information on a container, image or task" in commands
    assert out.stdout.endswith("\nRun 'docker COMMAND --help' for more information on a command.\n")


def test_cli_global_flags_stop_at_first_argument_and_errors_exit_125() -> None:
    """Behaviour cli-global-flags."""
    out = run("-D", "ps", "-D")
    assert out.flags_set == ["D"]
    assert out.global_args == ["ps", "-D"]
    bad = run("--nope", "ps")
    assert bad.exit_code == 125
    assert bad.stderr == "flag provided but not defined: --nope\nSee 'docker --help'.\n"


# -- cli-handler-order -----------------------------------------------------------------------------


@pytest.mark.parametrize(("command", "handler"), [
    ("inspect", "DockerCli"), ("exec", "DockerCli"), ("info", "DockerCli"), ("update", "DockerCli"),
    ("ps", "CobraAdaptor"), ("run", "CobraAdaptor"), ("daemon", "DaemonProxy"),
])
def test_cli_handler_order(command: str, handler: str) -> None:
    """Behaviour cli-handler-order."""
    out = run(command, "x", daemon_exists=lambda _p: True)
    assert [inv.handler for inv in out.trace] == [handler]


def test_cli_handler_order_legacy_shadows_cobra_and_nil_handlers_are_skipped() -> None:
    """Behaviour cli-handler-order."""
    trace: list[cli.Invocation] = []
    flags = cli.init_client_flags(cli.init_common_flags(ENV), ENV)
    legacy = cli.DockerCli(flags, trace)
    cobra = cli.CobraAdaptor(cli.DockerCli(flags, trace), trace, {"inspect": "cobra inspect", "ps": "List"})
    c = cli.Cli(None, legacy, None, cobra, streams=cli.Streams(), usage=lambda: None)
    assert c.run("inspect", "a") is None
    assert c.run("ps") is None
    assert [(i.handler, i.command) for i in trace] == [("DockerCli", "inspect"), ("CobraAdaptor", "ps")]


# -- cli-run-lookup --------------------------------------------------------------------------------


def test_cli_run_lookup_two_words_then_one() -> None:
    """Behaviour cli-run-lookup."""
    probes: list[str] = []

    class Recorder:
        def command(self, name: str) -> cli.CommandFunc | None:
            probes.append(name)
            return (lambda *args: None) if name == "network" else None

    c = cli.Cli(Recorder(), streams=cli.Streams(), usage=lambda: None)
    assert c.run("network", "ls", "-q") is None
    assert probes == ["network ls", "network"]


def test_cli_run_lookup_two_word_handler_gets_the_rest() -> None:
    """Behaviour cli-run-lookup."""
    got: list[tuple[str, ...]] = []

    class TwoWords:
        def command(self, name: str) -> cli.CommandFunc | None:
            return (lambda *args: got.append(args)) if name == "network ls" else None  # type: ignore[func-returns-value]

    cli.Cli(TwoWords(), streams=cli.Streams(), usage=lambda: None).run("network", "ls", "-q")
    assert got == [("-q",)]


def test_cli_run_lookup_unknown_command_and_no_arguments() -> None:
    """Behaviour cli-run-lookup."""
    out = run("frobnicate", "now")
    assert out.exit_code == 1
    assert out.stderr == "docker: 'frobnicate' is not a docker command.\nSee 'docker --help'.\n"
    empty = run()
    assert empty.exit_code == 0
    assert empty.stdout.startswith("Usage: docker")


# -- cli-initializer -------------------------------------------------------------------------------


def test_cli_initializer_runs_for_docker_cli_and_cobra_but_not_proxy_or_help() -> None:
    """Behaviour cli-initializer."""
    assert run("inspect", "x").docker_cli_inits == 1
    assert run("ps").docker_cli_inits == 1
    assert run("daemon", daemon_exists=lambda _p: True).docker_cli_inits == 0
    assert run("help").docker_cli_inits == 0


def test_cli_initializer_checks_the_log_level_only_when_initialising() -> None:
    """Behaviour cli-initializer."""
    bad = run("-l", "loud", "ps")
    assert (bad.exit_code, bad.stderr, bad.trace) == (1, "Unable to parse logging level: loud\n", [])
    assert run("-l", "loud", "help").exit_code == 0  # help needs no client, so no post-parse
    assert run("--log-level=DEBUG", "ps").exit_code == 0


def test_cli_initializer_error_aborts_before_the_command() -> None:
    """Behaviour cli-initializer."""
    out = run("-H", "a", "-H", "b", "inspect", "x")
    assert out.trace == []
    assert out.exit_code == 1
    assert out.stderr == "Please specify only one -H\n"


# -- cli-api-client --------------------------------------------------------------------------------


def _client(
    *args: str, environ: dict[str, str] | None = None, headers: dict[str, str] | None = None
) -> dict[str, object]:
    out = run(*args, "inspect", "x", environ=environ or ENV, config_headers=headers)
    assert out.exit_code == 0, out.stderr
    return out.trace[0].detail


def test_cli_api_client_host_defaults_and_overrides() -> None:
    """Behaviour cli-api-client."""
    assert _client()["api"] == "unix:///var/run/docker.sock"
    assert _client("--tls")["api"] == "tcp://localhost:2376"
    assert _client("--tlsverify=false")["api"] == "tcp://localhost:2376"  # set at all: TLS, not verified
    assert _client(environ={**ENV, "DOCKER_HOST": "tcp://1.2.3.4"})["api"] == "tcp://1.2.3.4:2375"
    assert _client("-H", "unix://")["api"] == "unix:///var/run/docker.sock"
    assert _client("-H", ":7777")["api"] == "tcp://localhost:7777"
    assert _client("-H", "tcp://[::1]:")["api"] == "tcp://[::1]:2375"
    assert _client(environ={**ENV, "DOCKER_API_VERSION": "1.22"})["version"] == "1.22"
    assert _client()["version"] == "1.24"


def test_cli_api_client_verifying_needs_a_readable_ca() -> None:
    """Behaviour cli-api-client: tlsconfig.Client reads the CA when verifying, the key pair when named."""
    out = run("--tlsverify", "inspect", "x", environ=ENV, exists=lambda _p: False, read=lambda _p: None)
    assert (out.exit_code, out.trace) == (1, [])
    assert out.stderr == ('Could not read CA certificate "/root/.docker/ca.pem": '
                          "open /root/.docker/ca.pem: no such file or directory\n")
    out = run("--tls", "--tlscert=c.pem", "inspect", "x", environ=ENV, exists=lambda _p: False,
              read=lambda p: "junk" if p == "c.pem" else None)
    # the default key does not exist, so it was dropped: the pair is ("c.pem", "")
    assert out.stderr == ("Could not load X509 key pair: open : no such file or directory. "
                          "Make sure the key is not encrypted\n")


def test_cli_api_client_headers_and_user_agent() -> None:
    """Behaviour cli-api-client."""
    flags = cli.init_client_flags(cli.init_common_flags(ENV), ENV)
    flags.post_parse(cli.Streams())
    client = cli.new_api_client_from_flags(flags, {"X-Meta": "1", "User-Agent": "mine"}, ENV)
    assert client.headers == {"X-Meta": "1", "User-Agent": "Docker-Client/1.12.3 (linux)"}


def test_cli_api_client_bad_host_is_a_flag_error() -> None:
    """Behaviour cli-api-client."""
    out = run("-H", "udp://x", "ps")
    assert out.exit_code == 125
    assert out.stderr.startswith('invalid value "udp://x" for flag -H: Invalid bind address format: udp://x\n')


# -- cli-daemon-proxy ------------------------------------------------------------------------------


def test_cli_daemon_proxy_strips_first_daemon_and_prefers_sibling_binary() -> None:
    """Behaviour cli-daemon-proxy."""
    out = cli.main(["/opt/bin/docker", "-D", "daemon", "--debug", "daemon"], environ=ENV,
                          daemon_exists=lambda p: p == "/opt/bin/dockerd")
    (inv,) = out.trace
    assert inv.detail == {"exec": "/opt/bin/dockerd", "argv": ["dockerd", "-D", "--debug", "daemon"]}


def test_cli_daemon_proxy_help_and_path_lookup() -> None:
    """Behaviour cli-daemon-proxy."""
    out = run("daemon", "--help", look_path=lambda name: f"/usr/local/bin/{name}")
    assert out.trace[0].detail == {"exec": "/usr/local/bin/dockerd", "argv": ["dockerd", "--help"]}
    missing = run("daemon")
    assert missing.exit_code == 1
    assert "executable file not found in $PATH" in missing.stderr


# -- cli-cobra-dispatch ----------------------------------------------------------------------------


def test_cli_cobra_dispatch_prepends_the_name() -> None:
    """Behaviour cli-cobra-dispatch."""
    out = run("volume", "ls", "-q")
    (inv,) = out.trace
    assert inv.handler == "CobraAdaptor"
    assert inv.detail["cobra_args"] == ["volume", "ls", "-q"]
    assert run("stack").exit_code == 1  # experimental-only commands are not registered


# -- cli-exit-codes --------------------------------------------------------------------------------


@pytest.mark.parametrize(("error", "code", "stderr"), [
    (cli.StatusError("", 3), 3, ""),
    (cli.StatusError("container exited", 0), 1, "container exited\n"),
    (cli.CliError("Error response from daemon: boom"), 1, "Error response from daemon: boom\n"),
])
def test_cli_exit_codes(error: cli.CliError, code: int, stderr: str) -> None:
    """Behaviour cli-exit-codes."""
    out = run("run", "busybox", results={"run": error})
    assert (out.exit_code, out.stderr) == (code, stderr)


# -- cli-help --------------------------------------------------------------------------------------


def test_cli_help_runs_the_command_with_help_flag() -> None:
    """Behaviour cli-help."""
    out = run("help", "ps")
    assert [(i.handler, i.command, i.args) for i in out.trace] == [("CobraAdaptor", "ps", ["--help"])]
    unknown = run("help", "nope")
    assert unknown.exit_code == 1
    assert "docker: 'nope' is not a docker command." in unknown.stderr


def test_demo_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.demo(["-D", "inspect", "web"]) == 0
    assert "handler DockerCli ran 'inspect'" in capsys.readouterr().out


def test_cli_api_client_tls_options_after_post_parse() -> None:
    """Behaviour cli-api-client."""
    common = cli.init_common_flags(ENV)
    common.exists = lambda path: path.endswith("cert.pem")
    assert common.flag_set.parse(["--tlsverify"]) is None
    common.post_parse(cli.Streams())
    assert common.tls.value is True
    assert common.tls_options is not None
    assert common.tls_options["cert"] == "/root/.docker/cert.pem"
    assert common.tls_options["key"] == ""
    assert common.tls_options["insecure_skip_verify"] == ""
    plain = cli.init_common_flags(ENV)
    plain.post_parse(cli.Streams())
    assert plain.tls_options is None


# --- as the Go has it (o-docker-cli.json, recorded by the docker_cli live family) -------------------------


def _recorded() -> dict:
    return json.loads((Path(__file__).parent / "golden" / "o-docker-cli.json").read_text(encoding="utf-8"))


def test_live_cli_vectors_pass() -> None:
    data = _recorded()
    assert sum(len(data[op]) for op in cli_runner.OPS) == 879
    assert not [o.name for o in cli_runner.run(data) if not o.passed]


def test_a_cli_model_with_another_default_api_version_fails_the_vectors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "DEFAULT_API_VERSION", "1.23")
    failed = {o.name.split("[")[0] for o in cli_runner.run(_recorded()) if not o.passed}
    assert failed == {"api_client", "main"}  # the clients built; no address parser reads the version
