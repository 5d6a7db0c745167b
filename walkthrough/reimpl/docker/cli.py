"""How the Docker 1.12.3 `docker` client picks the code that runs a command line.

`cmd/docker/docker.go:main` parses the *global* flags with mflag (stopping at the first non-flag),
answers `-v` and `-h` itself, and hands the rest to `cli.Cli.Run` with three handlers behind the Cli
itself, asked in this order:

1. the Cli itself: only `help`;
2. DockerCli: the four commands not yet ported to cobra (`exec`, `info`, `inspect`, `update`);
3. DaemonProxy: `daemon`, which re-executes `dockerd`;
4. the CobraAdaptor: every other command, registered as cobra sub-commands.

The first handler that knows the name wins, so the legacy four shadow any cobra command of the same
name. Run tries the first *two* words as one name before the first word alone (no handler registers a
two-word name in 1.12.3, so that probe always misses). A handler that is an Initializer (DockerCli) is
initialised just before its function is returned: that is when flags are post-processed, the config
file read and the API client built, so a bare `docker help` or `docker daemon` never touches the API client
(`docker help ps` does: it runs `ps --help` through the cobra adaptor, which initialises its DockerCli).

The model runs no real command: each handler's function records what it would run. Run
`python -m walkthrough.reimpl.docker.cli -H tcp://10.0.0.1 inspect web` to see the dispatch.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable
from urllib.parse import urlsplit

from walkthrough.errors import WalkthroughError
from walkthrough.reimpl import mirrors
from walkthrough.reimpl.docker import _gostd, mflag

VERSION = "1.12.3"
GIT_COMMIT = "6b644ec"
DEFAULT_API_VERSION = "1.24"
DEFAULT_UNIX_SOCKET = "/var/run/docker.sock"
DEFAULT_HOST = f"unix://{DEFAULT_UNIX_SOCKET}"
DEFAULT_HTTP_HOST = "localhost"
DEFAULT_TCP_HOST = f"tcp://{DEFAULT_HTTP_HOST}:2375"
DEFAULT_TLS_HOST = f"tcp://{DEFAULT_HTTP_HOST}:2376"
DEFAULT_NAMED_PIPE = "//./pipe/docker_engine"


class CliError(WalkthroughError):
    """An error a handler or the client set-up returns; main prints it and exits 1."""


@mirrors("docker:cli.StatusError")
class StatusError(CliError):
    """An error carrying an exit status (e.g. `docker run` passing on the container's exit code)."""

    def __init__(self, status: str, status_code: int) -> None:
        super().__init__(f"Status: {status}, Code: {status_code}")
        self.status = status
        self.status_code = status_code


CommandFunc = Callable[..., "CliError | None"]


@mirrors("docker:cli.Handler")
class Handler(Protocol):
    """Anything that can map a command name to a function, or to None."""

    def command(self, name: str) -> CommandFunc | None: ...


@mirrors("docker:cli.Initializer")
@runtime_checkable
class Initializer(Protocol):
    """A handler that must be set up before its command runs; `Cli.command` initialises it (DockerCli is one)."""

    def initialize(self) -> CliError | None: ...


@dataclass
class Streams:
    """stdout and stderr as collected text (Go writes to the terminal)."""

    stdout: list[str] = field(default_factory=list)
    stderr: list[str] = field(default_factory=list)

    def out(self, text: str) -> None:
        self.stdout.append(text)

    def err(self, text: str) -> None:
        self.stderr.append(text)


@dataclass
class Invocation:
    """What a handler's function was asked to run: which handler, which command, which arguments."""

    handler: str
    command: str
    args: list[str]
    detail: dict[str, object] = field(default_factory=dict)


# -- the global flags ------------------------------------------------------------------------------


@mirrors("docker:cli/flags.CommonFlags")
@dataclass
class CommonFlags:
    """-D, -l, --tls, --tlsverify, --tlscacert/--tlscert/--tlskey and -H, with their values after parsing."""

    flag_set: mflag.FlagSet
    debug: mflag.BoolValue
    log_level: mflag.StringValue
    tls: mflag.BoolValue
    tls_verify: mflag.BoolValue
    hosts: mflag.ListOpts
    tls_options: dict[str, str] | None
    trust_key: str = ""
    exists: Callable[[str], bool] = os.path.exists

    @mirrors("docker:cli/flags.postParseCommon")
    def post_parse(self, streams: Streams) -> None:
        """Check the log level; --tlsverify implies --tls; without TLS there are no TLS options at all."""
        set_daemon_log_level(self.log_level.value, streams)
        if self.flag_set.is_set("-tlsverify") or self.tls_verify.value:
            self.tls.value = True
        if not self.tls.value:
            self.tls_options = None
        elif self.tls_options is not None:
            self.tls_options["insecure_skip_verify"] = "" if self.tls_verify.value else "true"
            # A default client certificate or key that does not exist is dropped (not an error).
            for flag, key in (("-tlscert", "cert"), ("-tlskey", "key")):
                if not self.flag_set.is_set(flag) and not self.exists(self.tls_options[key]):
                    self.tls_options[key] = ""


LOG_LEVELS = ("panic", "fatal", "error", "warn", "warning", "info", "debug")


@mirrors("docker:cli/flags.SetDaemonLogLevel")
def set_daemon_log_level(log_level: str, streams: Streams) -> None:
    """logrus.ParseLevel (case-insensitive); an unknown level ends the process with status 1."""
    if log_level != "" and log_level.lower() not in LOG_LEVELS:
        streams.err(f"Unable to parse logging level: {log_level}\n")
        raise mflag.GoExit(1)


@mirrors("docker:cli/flags.InitCommonFlags")
def init_common_flags(environ: Mapping[str, str]) -> CommonFlags:
    """Declare the common flags; defaults come from DOCKER_CERT_PATH, DOCKER_TLS_VERIFY and the config dir."""
    cert_path = environ.get("DOCKER_CERT_PATH", "") or config_dir(environ)
    fs = mflag.FlagSet(name="", home=environ.get("HOME", ""))
    debug = fs.bool(["D", "-debug"], False, "Enable debug mode")
    log_level = fs.string(["l", "-log-level"], "info", "Set the logging level")
    tls = fs.bool(["-tls"], False, "Use TLS; implied by --tlsverify")
    tls_verify = fs.bool(["-tlsverify"], environ.get("DOCKER_TLS_VERIFY", "") != "", "Use TLS and verify the remote")
    ca = fs.string(["-tlscacert"], os.path.join(cert_path, "ca.pem"), "Trust certs signed only by this CA")
    cert = fs.string(["-tlscert"], os.path.join(cert_path, "cert.pem"), "Path to TLS certificate file")
    key = fs.string(["-tlskey"], os.path.join(cert_path, "key.pem"), "Path to TLS key file")
    hosts = mflag.ListOpts(validate_host)
    fs.var(hosts, ["H", "-host"], "Daemon socket(s) to connect to")
    options = {"ca": ca.value, "cert": cert.value, "key": key.value}
    return CommonFlags(fs, debug, log_level, tls, tls_verify, hosts, options)


@mirrors("docker:cliconfig.ConfigDir")
def config_dir(environ: Mapping[str, str]) -> str:
    """$DOCKER_CONFIG, else ~/.docker."""
    return environ.get("DOCKER_CONFIG", "") or os.path.join(environ.get("HOME", ""), ".docker")


@mirrors("docker:cli/flags.ClientFlags")
@dataclass
class ClientFlags:
    """The client's own flag set (--config) plus the common flags, and the PostParse hook."""

    flag_set: mflag.FlagSet
    common: CommonFlags
    config: mflag.StringValue
    environ: Mapping[str, str]

    def post_parse(self, streams: Streams) -> None:
        """initClientFlags' PostParse: common post-parse, then the trust key under the config dir."""
        self.common.post_parse(streams)
        if self.common.trust_key == "":
            self.common.trust_key = os.path.join(self.config.value or config_dir(self.environ), "key.json")


@mirrors("docker:cmd/docker.initClientFlags")
def init_client_flags(common: CommonFlags, environ: Mapping[str, str]) -> ClientFlags:
    fs = mflag.FlagSet(name="", home=environ.get("HOME", ""))
    config = fs.string(["-config"], config_dir(environ), "Location of client config files")
    return ClientFlags(fs, common, config, environ)


# -- the daemon address ----------------------------------------------------------------------------


def _split_host_port(hostport: str) -> tuple[str, str] | None:
    """net.SplitHostPort, None on error."""
    if hostport.startswith("["):
        end = hostport.find("]")
        if end < 0 or end + 1 >= len(hostport) or hostport[end + 1] != ":":
            return None
        host, port = hostport[1:end], hostport[end + 2:]
        return None if "[" in port or "]" in port else (host, port)
    i = hostport.rfind(":")
    if i < 0 or ":" in hostport[:i] or "[" in hostport or "]" in hostport:
        return None
    return hostport[:i], hostport[i + 1:]


def _join_host_port(host: str, port: str) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


@mirrors("docker:opts.ParseTCPAddr")
def parse_tcp_addr(try_addr: str, default_addr: str) -> str:
    """Fill in the default host and port of a tcp:// address (url.Parse reduced to host and path)."""
    if try_addr in ("", "tcp://"):
        return default_addr
    addr = try_addr.removeprefix("tcp://")
    if "://" in addr or addr == "":
        raise CliError(f"Invalid proto, expected tcp: {try_addr}")
    default_host, default_port = _split_host_port(default_addr.removeprefix("tcp://")) or ("", "")
    if addr.endswith("]:"):
        addr += default_port
    slash = addr.find("/")
    u_host, u_path = (addr, "") if slash < 0 else (addr[:slash], addr[slash:])
    parts = _split_host_port(u_host) or _split_host_port(_join_host_port(u_host, default_port))
    if parts is None:
        raise CliError(f"Invalid bind address format: {try_addr}")
    host, port = parts
    host = host or default_host
    port = port or default_port
    p, err = _gostd.parse_int(port, 10, 64)
    if err is not None and p == 0:
        raise CliError(f"Invalid bind address format: {try_addr}")
    return f"tcp://{_join_host_port(host, port)}{u_path}"


@mirrors("docker:opts.parseDockerDaemonHost")
def parse_docker_daemon_host(addr: str) -> str:
    """A bare address means tcp; unix:// and npipe:// get their default path; fd:// is kept as it is."""
    parts = addr.split("://", 1)
    if len(parts) == 1 and parts[0] != "":
        parts = ["tcp", parts[0]]
    proto = parts[0]
    if proto == "tcp":
        return parse_tcp_addr(parts[1], DEFAULT_TCP_HOST)
    if proto in ("unix", "npipe"):
        rest = parts[1].removeprefix(proto + "://")
        if "://" in rest:
            raise CliError(f"Invalid proto, expected {proto}: {rest}")
        return f"{proto}://{rest or (DEFAULT_UNIX_SOCKET if proto == 'unix' else DEFAULT_NAMED_PIPE)}"
    if proto == "fd":
        return addr
    raise CliError(f"Invalid bind address format: {addr}")


@mirrors("docker:opts.ValidateHost")
def validate_host(val: str) -> tuple[str, mflag.FlagError | None]:
    """-H values are checked when given, but stored as typed."""
    host = _gostd.trim_space(val)
    if host != "":
        try:
            parse_docker_daemon_host(host)
        except CliError as exc:
            return val, mflag.FlagError(exc.message)
    return val, None


@mirrors("docker:opts.ParseHost")
def parse_host(default_to_tls: bool, val: str) -> str:
    """An empty address means the unix socket, or tcp://localhost:2376 when TLS is configured."""
    host = _gostd.trim_space(val)
    if host == "":
        return DEFAULT_TLS_HOST if default_to_tls else DEFAULT_HOST
    return parse_docker_daemon_host(host)


@mirrors("docker:api/client.getServerHost")
def get_server_host(hosts: list[str], tls_options: dict[str, str] | None, environ: Mapping[str, str]) -> str:
    """One -H at most; none means $DOCKER_HOST."""
    if len(hosts) == 0:
        host = environ.get("DOCKER_HOST", "")
    elif len(hosts) == 1:
        host = hosts[0]
    else:
        raise CliError("Please specify only one -H")
    return parse_host(tls_options is not None, host)


@mirrors("docker:api/client.clientUserAgent")
def client_user_agent(goos: str = "linux") -> str:
    return f"Docker-Client/{VERSION} ({goos})"


@mirrors("docker:vendor/src/github.com/docker/engine-api/client.Client")
@dataclass
class APIClient:
    """The engine-api client: where the daemon is, which API version it speaks, which headers it sends.

    No transport: the model sends no request.
    """

    host: str
    version: str
    headers: dict[str, str]
    proto: str = ""
    addr: str = ""
    base_path: str = ""


@mirrors("docker:vendor/src/github.com/docker/engine-api/client.ParseHost")
def parse_client_host(host: str) -> tuple[str, str, str]:
    """(proto, addr, base path) of `proto://addr`; for tcp the URL's host and path."""
    proto, sep, addr = host.partition("://")
    if not sep:
        raise CliError(f"unable to parse docker host `{host}`")
    base_path = ""
    if proto == "tcp":
        parsed = urlsplit("tcp://" + addr)
        addr, base_path = parsed.netloc, parsed.path
    return proto, addr, base_path


@mirrors("docker:vendor/src/github.com/docker/engine-api/client.NewClient")
def new_client(host: str, version: str, headers: dict[str, str]) -> APIClient:
    """Parse the address (the Go also wraps the HTTP client into a transport here)."""
    proto, addr, base_path = parse_client_host(host)
    return APIClient(host, version, headers, proto, addr, base_path)


@mirrors("docker:api/client.NewAPIClientFromFlags")
def new_api_client_from_flags(client_flags: ClientFlags, config_headers: Mapping[str, str] | None,
                              environ: Mapping[str, str]) -> APIClient:
    """Host from -H or DOCKER_HOST, configured HttpHeaders plus the User-Agent, DOCKER_API_VERSION or 1.24."""
    host = get_server_host(client_flags.common.hosts.get_all(), client_flags.common.tls_options, environ)
    headers = dict(config_headers or {})
    headers["User-Agent"] = client_user_agent()
    version = environ.get("DOCKER_API_VERSION", "") or DEFAULT_API_VERSION
    return new_client(host, version, headers)


# -- the handlers ----------------------------------------------------------------------------------


@mirrors("docker:api/client.DockerCli")
class DockerCli:
    """The client object; its API client is built lazily, by the init closure Initialize runs."""

    @mirrors("docker:api/client.NewDockerCli")
    def __init__(
        self, client_flags: ClientFlags, trace: list[Invocation], *, streams: Streams | None = None,
        config_headers: Mapping[str, str] | None = None, results: Mapping[str, CliError] | None = None,
    ) -> None:
        self.client_flags = client_flags
        self.trace = trace
        self.results = dict(results or {})
        self.client: APIClient | None = None
        self.init_calls = 0

        self.streams = streams or Streams()

        def init() -> None:
            client_flags.post_parse(self.streams)
            self.client = new_api_client_from_flags(client_flags, config_headers, client_flags.environ)

        self._init: Callable[[], None] | None = init

    @mirrors("docker:api/client.DockerCli.Initialize")
    def initialize(self) -> CliError | None:
        """Run the init closure (every call runs it; in practice main calls it once per process)."""
        if self._init is None:
            return None
        self.init_calls += 1
        try:
            self._init()
        except CliError as exc:
            return exc
        return None

    @mirrors("docker:api/client.DockerCli.Command")
    def command(self, name: str) -> CommandFunc | None:
        """Only the legacy commands not yet moved to cobra."""
        if name not in ("exec", "info", "inspect", "update"):
            return None

        def run(*args: str) -> CliError | None:
            assert self.client is not None
            self.trace.append(Invocation("DockerCli", name, list(args), {"api": self.client.host,
                                                                         "version": self.client.version}))
            return self.results.get(name)

        return run


@mirrors("docker:cmd/docker.DaemonProxy")
class DaemonProxy:
    """Keeps `docker daemon` working after the daemon moved to its own binary, `dockerd`."""

    @mirrors("docker:cmd/docker.NewDaemonProxy")
    def __init__(self, os_args: list[str], trace: list[Invocation], *, exists: Callable[[str], bool] = os.path.exists,
                 look_path: Callable[[str], str | None] | None = None) -> None:
        self.os_args = os_args
        self.trace = trace
        self.exists = exists
        self.look_path = look_path or (lambda name: None)

    @mirrors("docker:cmd/docker.DaemonProxy.Command")
    def command(self, name: str) -> CommandFunc | None:
        return self.cmd_daemon if name == "daemon" else None

    @mirrors("docker:cmd/docker.DaemonProxy.CmdDaemon@daemon_unix.go")
    def cmd_daemon(self, *args: str) -> CliError | None:
        """Exec dockerd with the original command line minus its first `daemon` (but `--help` as is)."""
        argv = list(args)
        if len(argv) == 0 or argv[0] != "--help":
            argv = strip_daemon_arg(self.os_args[1:])
        binary = find_daemon_binary(self.os_args[0], self.exists, self.look_path)
        if binary is None:
            return CliError('exec: "dockerd": executable file not found in $PATH')
        self.trace.append(Invocation("DaemonProxy", "daemon", list(args), {"exec": binary, "argv": ["dockerd", *argv]}))
        return None


@mirrors("docker:cmd/docker.findDaemonBinary@daemon_unix.go")
def find_daemon_binary(argv0: str, exists: Callable[[str], bool], look_path: Callable[[str], str | None]) -> str | None:
    """dockerd next to the docker binary first, then on $PATH."""
    exec_dirname = os.path.dirname(argv0) or "."
    binary_path = os.path.join(exec_dirname, "dockerd")
    if exists(binary_path):
        return binary_path
    return look_path("dockerd")


@mirrors("docker:cmd/docker.stripDaemonArg@daemon_unix.go")
def strip_daemon_arg(args: list[str]) -> list[str]:
    """Remove the first `daemon`, wherever it is (global flags may come before it)."""
    for i, arg in enumerate(args):
        if arg == "daemon":
            return args[:i] + args[i + 1:]
    return args


COBRA_COMMANDS: dict[str, str] = {
    "attach": "Attach to a running container",
    "build": "Build an image from a Dockerfile",
    "commit": "Create a new image from a container's changes",
    "cp": "Copy files/folders between a container and the local filesystem",
    "create": "Create a new container",
    "diff": "Inspect changes on a container's filesystem",
    "events": "Get real time events from the server",
    "export": "Export a container's filesystem as a tar archive",
    "history": "Show the history of an image",
    "images": "List images",
    "import": "Import the contents from a tarball to create a filesystem image",
    "kill": "Kill one or more running containers",
    "load": "Load an image from a tar archive or STDIN",
    "login": "Log in to a Docker registry.",
    "logout": "Log out from a Docker registry.",
    "logs": "Fetch the logs of a container",
    "network": "Manage Docker networks",
    "node": "Manage Docker Swarm nodes",
    "pause": "Pause all processes within one or more containers",
    "port": "List port mappings or a specific mapping for the container",
    "ps": "List containers",
    "pull": "Pull an image or a repository from a registry",
    "push": "Push an image or a repository to a registry",
    "rename": "Rename a container",
    "restart": "Restart a container",
    "rm": "Remove one or more containers",
    "rmi": "Remove one or more images",
    "run": "Run a command in a new container",
    "save": "Save one or more images to a tar archive (streamed to STDOUT by default)",
    "search": "Search the Docker Hub for images",
    "service": "Manage Docker services",
    "start": "Start one or more stopped containers",
    "stats": "Display a live stream of container(s) resource usage statistics",
    "stop": "Stop one or more running containers",
    "swarm": "Manage Docker Swarm",
    "tag": "Tag an image into a repository",
    "top": "Display the running processes of a container",
    "unpause": "Unpause all processes within one or more containers",
    "version": "Show the Docker version information",
    "volume": "Manage Docker volumes",
    "wait": "Block until a container stops, then print its exit code",
}
"""The top-level cobra commands NewCobraAdaptor registers in a non-experimental build (stack, deploy and
plugin exist only in experimental builds), with their Short descriptions."""

LEGACY_COMMANDS: dict[str, str] = {
    "exec": "Run a command in a running container",
    "info": "Display system-wide information",
    "inspect": "Return low-level information on a container, image or task",
    "update": "Update configuration of one or more containers",
}
"""cli.DockerCommandUsage: the four commands still served by DockerCli."""


@mirrors("docker:cli/cobraadaptor.CobraAdaptor")
class CobraAdaptor:
    """The root cobra command with every ported command, and its own DockerCli."""

    @mirrors("docker:cli/cobraadaptor.NewCobraAdaptor")
    def __init__(self, docker_cli: DockerCli, trace: list[Invocation],
                 commands: Mapping[str, str] = COBRA_COMMANDS) -> None:
        self.docker_cli = docker_cli
        self.trace = trace
        self.commands = dict(commands)

    @mirrors("docker:cli/cobraadaptor.CobraAdaptor.Usage")
    def usage(self) -> list[tuple[str, str]]:
        return [(name, short) for name, short in self.commands.items() if name != ""]

    @mirrors("docker:cli/cobraadaptor.CobraAdaptor.Command")
    def command(self, name: str) -> CommandFunc | None:
        """An exact top-level name; cobra itself resolves sub-commands and flags later."""
        if name in self.commands:
            return lambda *args: self.run(name, list(args))
        return None

    @mirrors("docker:cli/cobraadaptor.CobraAdaptor.run")
    def run(self, cmd: str, args: list[str]) -> CliError | None:
        """Initialise the client, then execute the root command with [cmd] + args."""
        err = self.docker_cli.initialize()
        if err is not None:
            return err
        assert self.docker_cli.client is not None
        self.trace.append(Invocation("CobraAdaptor", cmd, args, {"cobra_args": [cmd, *args],
                                                                 "api": self.docker_cli.client.host}))
        return self.docker_cli.results.get(cmd)


_COMMAND_NOT_FOUND = CliError("command not found")


@mirrors("docker:cli.Cli")
class Cli:
    """The ordered handler list, the Cli itself first (for `help`)."""

    @mirrors("docker:cli.New")
    def __init__(self, *handlers: Handler | None, streams: Streams, usage: Callable[[], None]) -> None:
        self.handlers: list[Handler | None] = [self, *handlers]
        self.streams = streams
        self.usage = usage

    @mirrors("docker:cli.Cli.command")
    def find_command(self, *args: str) -> tuple[CommandFunc | None, CliError | None]:
        """The first handler that returns a function wins; an Initializer is initialised first.

        Go's unexported `Cli.command`; the name `command` is taken here by the Handler method (Go's
        exported `Cli.Command`), which every handler needs under the same name.
        """
        for c in self.handlers:
            if c is None:
                continue
            cmd = c.command(" ".join(args))
            if cmd is not None:
                if isinstance(c, Initializer):
                    err = c.initialize()
                    if err is not None:
                        return None, err
                return cmd, None
        return None, _COMMAND_NOT_FOUND

    @mirrors("docker:cli.Cli.Run")
    def run(self, *args: str) -> CliError | None:
        """Two words as one name, then one word; nothing at all means help."""
        if len(args) > 1:
            command, err = self.find_command(*args[:2])
            if err is None:
                assert command is not None
                return command(*args[2:])
            if err is not _COMMAND_NOT_FOUND:
                return err
        if len(args) > 0:
            command, err = self.find_command(args[0])
            if err is not None:
                if err is _COMMAND_NOT_FOUND:
                    self.no_such_command(args[0])
                    return None
                return err
            assert command is not None
            return command(*args[1:])
        return self.cmd_help()

    @mirrors("docker:cli.Cli.noSuchCommand")
    def no_such_command(self, command: str) -> None:
        self.streams.err(f"docker: '{command}' is not a docker command.\nSee 'docker --help'.\n")
        raise mflag.GoExit(1)

    @mirrors("docker:cli.Cli.Command")
    def command(self, name: str) -> CommandFunc | None:
        return self.cmd_help if name == "help" else None

    @mirrors("docker:cli.Cli.CmdHelp")
    def cmd_help(self, *args: str) -> CliError | None:
        """`docker help X` runs X with `--help`, resolved like Run resolves it."""
        if len(args) > 1:
            command, err = self.find_command(*args[:2])
            if err is None:
                assert command is not None
                command("--help")
                return None
            if err is not _COMMAND_NOT_FOUND:
                return err
        if len(args) > 0:
            command, err = self.find_command(args[0])
            if err is not None:
                if err is _COMMAND_NOT_FOUND:
                    self.no_such_command(args[0])
                    return None
                return err
            assert command is not None
            command("--help")
            return None
        self.usage()
        return None


# -- main ------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    """The result of one `docker` command line in the model."""

    exit_code: int
    stdout: str
    stderr: str
    trace: list[Invocation]
    global_args: list[str]
    flags_set: list[str]
    docker_cli_inits: int = 0


@mirrors("docker:cmd/docker.sortCommands")
def sort_commands(commands: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return sorted(commands, key=lambda c: c[0])


@mirrors("docker:cmd/docker.showVersion")
def show_version(experimental: bool = False) -> str:
    return f"Docker version {VERSION}, build {GIT_COMMIT}" + (", experimental" if experimental else "") + "\n"


@mirrors("docker:cmd/docker.main")
def main(argv: list[str], *, environ: Mapping[str, str] | None = None,
                results: Mapping[str, CliError] | None = None, config_headers: Mapping[str, str] | None = None,
                daemon_exists: Callable[[str], bool] = lambda _p: False,
                look_path: Callable[[str], str | None] | None = None) -> Outcome:
    """Run `docker` with argv (argv[0] is the program) in the model and report what happened.

    `results` makes a command's function return an error (e.g. a StatusError) to see the exit codes.
    """
    env = dict(os.environ if environ is None else environ)
    streams = Streams()
    trace: list[Invocation] = []
    common = init_common_flags(env)
    client_flags = init_client_flags(common, env)
    command_line = mflag.FlagSet(name=argv[0], error_handling=mflag.EXIT_ON_ERROR, argv0=argv[0],
                                 home=env.get("HOME", ""))
    fl_help = command_line.bool(["h", "-help"], False, "Print usage")
    fl_version = command_line.bool(["v", "-version"], False, "Print version information and quit")
    mflag.merge(command_line, client_flags.flag_set, common.flag_set)

    docker_cli = DockerCli(client_flags, trace, streams=streams, config_headers=config_headers, results=results)
    cobra = CobraAdaptor(DockerCli(client_flags, trace, streams=streams, config_headers=config_headers,
                                   results=results), trace)

    def usage() -> None:
        streams.out("Usage: docker [OPTIONS] COMMAND [arg...]\n       docker [ --help | -v | --version ]\n\n")
        streams.out("A self-sufficient runtime for containers.\n\nOptions:\n")
        command_line.output = []
        command_line.print_defaults()
        streams.out(command_line.output_text())
        text = "\nCommands:\n"
        for name, description in sort_commands([*LEGACY_COMMANDS.items(), *cobra.usage()]):
            text += f"    {name[:10]:<10}{description}\n"
        text += "\nRun 'docker COMMAND --help' for more information on a command."
        streams.out(text + "\n")

    command_line.usage = usage

    def outcome(code: int) -> Outcome:
        return Outcome(code, "".join(streams.stdout), "".join(streams.stderr), trace, command_line.get_args(),
                       sorted(command_line.actual), docker_cli.init_calls + cobra.docker_cli.init_calls)

    try:
        command_line.parse(argv[1:])
    except mflag.GoExit as exc:
        streams.err(command_line.output_text())
        return outcome(int(exc.code or 0))
    streams.err(command_line.output_text())  # deprecation warnings
    if fl_version.value:
        streams.out(show_version())
        return outcome(0)
    if fl_help.value:
        usage()
        return outcome(0)

    c = Cli(docker_cli, DaemonProxy(argv, trace, exists=daemon_exists, look_path=look_path), cobra,
            streams=streams, usage=usage)
    try:
        err = c.run(*command_line.get_args())
    except mflag.GoExit as exc:
        return outcome(int(exc.code or 0))
    if err is not None:
        if isinstance(err, StatusError):
            if err.status != "":
                streams.err(err.status + "\n")
            return outcome(1 if err.status_code == 0 else err.status_code)
        streams.err(err.message + "\n")
        return outcome(1)
    return outcome(0)


def describe(outcome: Outcome) -> str:
    """A short account of one dispatch."""
    lines = [f"global flags set: {', '.join(outcome.flags_set) or '-'}; left for Cli.Run: {outcome.global_args}"]
    for inv in outcome.trace:
        lines.append(f"handler {inv.handler} ran {inv.command!r} with {inv.args}")
        for key, value in inv.detail.items():
            lines.append(f"    {key}: {value}")
    if not outcome.trace and outcome.global_args:
        lines.append("no handler ran a command")
    lines.append(f"DockerCli initialisations: {outcome.docker_cli_inits}")
    if outcome.stdout:
        lines.append("stdout:\n  " + outcome.stdout.rstrip("\n").replace("\n", "\n  "))
    if outcome.stderr:
        lines.append("stderr:\n  " + outcome.stderr.rstrip("\n").replace("\n", "\n  "))
    lines.append(f"exit code: {outcome.exit_code}")
    return "\n".join(lines)


def demo(argv: list[str] | None = None) -> int:
    """Show which handler takes a docker command line and what it parsed."""
    args = sys.argv[1:] if argv is None else argv
    examples = [args] if args else [["-D", "inspect", "web"], ["network", "ls"], ["daemon", "--debug"],
                                    ["-H", "tcp://10.0.0.1", "ps", "-a"], ["frobnicate"], ["-H", "a", "-H", "b", "ps"]]
    for example in examples:
        print(f"$ docker {' '.join(example)}")
        result = main(["docker", *example], environ={"HOME": "/root"},
                             daemon_exists=lambda p: p == "/usr/bin/dockerd", look_path=lambda _n: "/usr/bin/dockerd")
        print("  " + describe(result).replace("\n", "\n  "))
    return 0


if __name__ == "__main__":
    raise SystemExit(demo())
