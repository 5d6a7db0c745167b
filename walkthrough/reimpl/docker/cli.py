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

Proven against the real Go by `walkthrough parity --live --model docker_cli` (host parsing with Go 1.19's
net/url and net texts, the whole main on generated command lines and environments). Still simplified:
the model runs no real command (cobra's own sub-command and flag parsing, the legacy commands' mflag
sets), TLS files are only ever "missing", "a directory" or "no PEM data" (no crypto), the config file
and its HttpHeaders are not read from disk (`config_headers` stands in), HOME is taken as set, and the
global log level and debug switch are checked but change no output.

The model runs no real command: each handler's function records what it would run. Run
`python -m walkthrough.reimpl.docker.cli -H tcp://10.0.0.1 inspect web` to see the dispatch.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

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
    state: dict[str, object] = field(default_factory=dict)
    """The API client's address fields and the post-parsed flags when it ran (compared by live parity, not shown)."""


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
    tls_files: dict[str, mflag.StringValue]
    """--tlscacert, --tlscert, --tlskey by key (ca, cert, key): Go binds them to the TLSOptions' fields."""
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
            # A default client certificate or key that does not exist is dropped (not an error).
            for flag, key in (("-tlscert", "cert"), ("-tlskey", "key")):
                if not self.flag_set.is_set(flag) and not self.exists(self.tls_files[key].value):
                    self.tls_files[key].value = ""
            self.tls_options = {key: value.value for key, value in self.tls_files.items()}
            self.tls_options["insecure_skip_verify"] = "" if self.tls_verify.value else "true"


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
    ca = fs.string(["-tlscacert"], _gostd.filepath_join(cert_path, "ca.pem"), "Trust certs signed only by this CA")
    cert = fs.string(["-tlscert"], _gostd.filepath_join(cert_path, "cert.pem"), "Path to TLS certificate file")
    key = fs.string(["-tlskey"], _gostd.filepath_join(cert_path, "key.pem"), "Path to TLS key file")
    hosts = mflag.ListOpts(validate_host)
    fs.var(hosts, ["H", "-host"], "Daemon socket(s) to connect to")
    files = {"ca": ca, "cert": cert, "key": key}
    return CommonFlags(fs, debug, log_level, tls, tls_verify, hosts, files, {k: v.value for k, v in files.items()})


@mirrors("docker:cliconfig.ConfigDir")
def config_dir(environ: Mapping[str, str]) -> str:
    """$DOCKER_CONFIG, else ~/.docker."""
    return environ.get("DOCKER_CONFIG", "") or _gostd.filepath_join(environ.get("HOME", ""), ".docker")


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
            self.common.trust_key = _gostd.filepath_join(self.config.value or config_dir(self.environ), "key.json")


@mirrors("docker:cmd/docker.initClientFlags")
def init_client_flags(common: CommonFlags, environ: Mapping[str, str]) -> ClientFlags:
    fs = mflag.FlagSet(name="", home=environ.get("HOME", ""))
    config = fs.string(["-config"], config_dir(environ), "Location of client config files")
    return ClientFlags(fs, common, config, environ)


# -- the daemon address ----------------------------------------------------------------------------


@mirrors("docker:opts.ParseTCPAddr")
def parse_tcp_addr(try_addr: str, default_addr: str) -> str:
    """Fill in the default host and port of a tcp:// address; the URL's path is kept (unescaped)."""
    if try_addr in ("", "tcp://"):
        return default_addr
    addr = try_addr.removeprefix("tcp://")
    if "://" in addr or addr == "":
        raise CliError(f"Invalid proto, expected tcp: {try_addr}")
    try:
        default_host, default_port = _gostd.split_host_port(default_addr.removeprefix("tcp://"))
        if addr.endswith("]:"):
            addr += default_port
        u_host, u_path = _gostd.url_parse_authority("tcp://" + addr)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    try:
        host, port = _gostd.split_host_port(u_host)
    except _gostd.AddrError:
        try:
            host, port = _gostd.split_host_port(_gostd.join_host_port(u_host, default_port))
        except _gostd.AddrError:
            raise CliError(f"Invalid bind address format: {try_addr}") from None
    host = host or default_host
    port = port or default_port
    p, err = _gostd.parse_int(port, 10, 64)
    if err is not None and p == 0:
        raise CliError(f"Invalid bind address format: {try_addr}")
    return f"tcp://{_gostd.join_host_port(host, port)}{u_path}"


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
        try:
            addr, base_path = _gostd.url_parse_authority("tcp://" + addr)
        except _gostd.URLError as exc:
            raise CliError(str(exc)) from None
    return proto, addr, base_path


@mirrors("docker:vendor/src/github.com/docker/engine-api/client.NewClient")
def new_client(host: str, version: str, headers: dict[str, str]) -> APIClient:
    """Parse the address (the Go also wraps the HTTP client into a transport here)."""
    proto, addr, base_path = parse_client_host(host)
    return APIClient(host, version, headers, proto, addr, base_path)


def read_file(path: str) -> str | None:
    """The text of a file, None when it does not exist; a directory raises IsADirectoryError (Go's read error)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return None


FileReader = Callable[[str], "str | None"]


def _read_error(path: str, read: FileReader) -> tuple[str | None, str]:
    """ioutil.ReadFile: (the text, "") or (None, Go's error text) for a missing file or a directory."""
    try:
        text = read(path)
    except IsADirectoryError:
        return None, f"read {path}: is a directory"
    return (None, f"open {path}: no such file or directory") if text is None else (text, "")


@mirrors("docker:vendor/src/github.com/docker/go-connections/tlsconfig.Client")
def tls_client_config(options: dict[str, str], read: FileReader) -> None:
    """Read the CA (when verifying) and the key pair; the model only knows files holding no PEM block.

    A real certificate is past the model: it has no crypto, so any file content is "no PEM data".
    """
    if options["insecure_skip_verify"] == "" and options["ca"] != "":
        text, err = _read_error(options["ca"], read)
        if text is None:
            raise CliError(f"Could not read CA certificate {_gostd.quote(options['ca'])}: {err}")
        raise CliError(f"failed to append certificates from PEM file: {_gostd.quote(options['ca'])}")
    if options["cert"] != "" or options["key"] != "":
        cert, err = _read_error(options["cert"], read)
        if cert is not None:
            key, err = _read_error(options["key"], read)
            if key is not None:
                err = "tls: failed to find any PEM data in certificate input"
        raise CliError(f"Could not load X509 key pair: {err}. Make sure the key is not encrypted")


@mirrors("docker:api/client.newHTTPClient")
def new_http_client(tls_options: dict[str, str] | None, read: FileReader) -> None:
    """No TLS: nil (the API client makes its own transport); TLS: the tls.Config from the files, or its error."""
    if tls_options is not None:
        tls_client_config(tls_options, read)


@mirrors("docker:api/client.NewAPIClientFromFlags")
def new_api_client_from_flags(client_flags: ClientFlags, config_headers: Mapping[str, str] | None,
                              environ: Mapping[str, str], read: FileReader = read_file) -> APIClient:
    """Host from -H or DOCKER_HOST, configured HttpHeaders plus the User-Agent, DOCKER_API_VERSION or 1.24."""
    host = get_server_host(client_flags.common.hosts.get_all(), client_flags.common.tls_options, environ)
    headers = dict(config_headers or {})
    headers["User-Agent"] = client_user_agent()
    version = environ.get("DOCKER_API_VERSION", "") or DEFAULT_API_VERSION
    new_http_client(client_flags.common.tls_options, read)
    return new_client(host, version, headers)


# -- the handlers ----------------------------------------------------------------------------------


@mirrors("docker:api/client.DockerCli")
class DockerCli:
    """The client object; its API client is built lazily, by the init closure Initialize runs."""

    @mirrors("docker:api/client.NewDockerCli")
    def __init__(
        self, client_flags: ClientFlags, trace: list[Invocation], *, streams: Streams | None = None,
        config_headers: Mapping[str, str] | None = None, results: Mapping[str, CliError] | None = None,
        read: FileReader = read_file,
    ) -> None:
        self.client_flags = client_flags
        self.trace = trace
        self.results = dict(results or {})
        self.client: APIClient | None = None
        self.init_calls = 0

        self.streams = streams or Streams()

        def init() -> None:
            client_flags.post_parse(self.streams)
            self.client = new_api_client_from_flags(client_flags, config_headers, client_flags.environ, read)

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

    def client_state(self) -> dict[str, object]:
        """Where the initialised API client sends requests, and the flags as post-processing left them."""
        assert self.client is not None
        common = self.client_flags.common
        return {"proto": self.client.proto, "addr": self.client.addr,
                "base_path": self.client.base_path, "version": self.client.version,
                "hosts": common.hosts.get_all(), "trust_key": common.trust_key,
                "tls_options": None if common.tls_options is None else dict(common.tls_options)}

    @mirrors("docker:api/client.DockerCli.Command")
    def command(self, name: str) -> CommandFunc | None:
        """Only the legacy commands not yet moved to cobra."""
        if name not in ("exec", "info", "inspect", "update"):
            return None

        def run(*args: str) -> CliError | None:
            assert self.client is not None
            self.trace.append(Invocation("DockerCli", name, list(args), {"api": self.client.host,
                                                                         "version": self.client.version},
                                         self.client_state()))
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
    binary_path = _gostd.filepath_join(_gostd.filepath_dir(argv0), "dockerd")
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
    "": "",  # stack.NewStackCommand and NewTopLevelDeployCommand: an empty cobra.Command, named "" (see below)
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
"""The top-level cobra commands NewCobraAdaptor registers in a non-experimental build, with their Short
descriptions. Stack and deploy are experimental: the stubs of a normal build (api/client/stack/cmd_stub.go)
return an empty `cobra.Command{}`, whose Name() is "", so `docker ""` is a cobra command (Usage skips it);
plugin registers nothing."""

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
                                                                 "api": self.docker_cli.client.host},
                                     self.docker_cli.client_state()))
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
    parsed: bool = True
    """Whether parsing the global flags returned (False: mflag ended the process, e.g. an unknown flag)."""


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
                look_path: Callable[[str], str | None] | None = None,
                exists: Callable[[str], bool] = os.path.exists, read: FileReader = read_file) -> Outcome:
    """Run `docker` with argv (argv[0] is the program) in the model and report what happened.

    `results` makes a command's function return an error (e.g. a StatusError) to see the exit codes;
    `exists` and `read` are the file system the TLS files are looked up in.
    """
    env = dict(os.environ if environ is None else environ)
    streams = Streams()
    trace: list[Invocation] = []
    common = init_common_flags(env)
    common.exists = exists
    client_flags = init_client_flags(common, env)
    command_line = mflag.FlagSet(name=argv[0], error_handling=mflag.EXIT_ON_ERROR, argv0=argv[0],
                                 home=env.get("HOME", ""))
    fl_help = command_line.bool(["h", "-help"], False, "Print usage")
    fl_version = command_line.bool(["v", "-version"], False, "Print version information and quit")
    mflag.merge(command_line, client_flags.flag_set, common.flag_set)

    docker_cli = DockerCli(client_flags, trace, streams=streams, config_headers=config_headers, results=results,
                           read=read)
    cobra = CobraAdaptor(DockerCli(client_flags, trace, streams=streams, config_headers=config_headers,
                                   results=results, read=read), trace)

    writer = [streams.err]  # the CommandLine's output: stderr until usage() points it at stdout for good

    def flush_flag_output() -> None:
        writer[0](command_line.output_text())
        command_line.output = []

    def usage() -> None:
        streams.out("Usage: docker [OPTIONS] COMMAND [arg...]\n       docker [ --help | -v | --version ]\n\n")
        streams.out("A self-sufficient runtime for containers.\n\nOptions:\n")
        flush_flag_output()
        writer[0] = streams.out
        command_line.print_defaults()
        flush_flag_output()
        text = "\nCommands:\n"
        for name, description in sort_commands([*LEGACY_COMMANDS.items(), *cobra.usage()]):
            text += f"    {name[:10]:<10}{description}\n"
        text += "\nRun 'docker COMMAND --help' for more information on a command."
        streams.out(text + "\n")

    command_line.usage = usage

    def outcome(code: int, *, parsed: bool = True) -> Outcome:
        return Outcome(code, "".join(streams.stdout), "".join(streams.stderr), trace, command_line.get_args(),
                       sorted(command_line.actual), docker_cli.init_calls + cobra.docker_cli.init_calls, parsed)

    try:
        command_line.parse(argv[1:])
    except mflag.GoExit as exc:
        flush_flag_output()
        return outcome(int(exc.code or 0), parsed=False)
    flush_flag_output()  # deprecation warnings
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
