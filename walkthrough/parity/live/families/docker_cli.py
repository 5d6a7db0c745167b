"""Docker v1.12.3's `docker` client: daemon addresses, and which handler runs a command line.

Requests name an `op`. Address parsing, called directly: `parse_host` (opts.ParseHost, TLS default
on or off), `validate_host` (the -H validator), `parse_tcp_addr` (with odd defaults too),
`client_parse_host` (engine-api's ParseHost) and `api_client` (NewAPIClientFromFlags: -H values,
DOCKER_HOST, DOCKER_API_VERSION, TLS on or off). And `main`: an argv, an environment and where a
`dockerd` lies, run through cmd/docker's main in a child process (see the harness): exit status,
stdout, stderr, the global flags parsed, how often a DockerCli was initialised, what each handler was
asked to run (with the API client it built and the post-parsed TLS options and trust key) and what
DaemonProxy exec'd. The child runs in a scratch directory holding `home/`, `junk/{ca,cert,key}.pem`
(no PEM inside) and `dockerd` beside argv0 and/or on PATH; the model is given the same file system.

Generated: addresses from schemes (tcp, unix, npipe, fd, bare, bad ones, repeated), hosts (names,
IPv4, IPv6 with and without brackets and zones, empty, spaces, %-escapes, userinfo, non-ASCII),
ports (missing, empty, zero, huge, signed, letters, doubled) and paths/queries/fragments, with
surrounding white space; command lines mixing the global flags (every spelling, `=value`, doubled,
clustered, unknown), `-H` with those addresses, `-v`, `-h`, `--`, legacy and cobra commands, `help`,
`daemon`, unknown words, and arguments after the command; DOCKER_HOST, DOCKER_TLS_VERIFY,
DOCKER_CERT_PATH, DOCKER_CONFIG, DOCKER_API_VERSION and HOME.
Not generated: a HOME that is empty or unset (Go then asks the user database), absolute argv0s and
TLS files holding real certificates (the model has no crypto), config files (HttpHeaders).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from walkthrough.parity import docker_cli as golden
from walkthrough.parity.live import LiveFamily

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

SCHEMES = ["tcp://", "unix://", "npipe://", "fd://", "", "", "http://", "TCP://", "tcp:/", "udp://",
           "tcp://tcp://", "unix://unix://", "npipe://tcp://", "://"]
HOSTS = ["", "localhost", "127.0.0.1", "0.0.0.0", "[::1]", "::1", "[::1", "::1]", "[fe80::1%25eth0]",  # noqa: S104
         "[fe80::1%eth0]", "[fe80::1%25%41]", "a b", "h%41", "h%c3%a9", "h%zz", "h%", "\u00fcn\u00efc\u00f6de",
         "user@h", "u:p@h", "u/x@h", "@", "example.com", "[", "]", "x[y]", "[::1]x", "h\t"]
PORTS = ["", ":", ":2375", ":0", ":65536", ":99999999999999999999", ":-1", ":+5", ":abc", ":2375:1",
         "::", ":1_0", ":\u0663"]
TAILS = ["", "", "/", "/path", "/a%20b", "/a%2Fb", "/%zz", "/a b", "?x", "?", "#frag", "#%zz", "/sock?x#y",
         "/var/run/docker.sock", "./rel"]
SPACES = ["", "", "", " ", "\t", "\n", "\u00a0", "\x1c"]
CERT_PATHS = ["", "junk", "./junk/", "nope", "/nonexistent", "home"]
TLS_FILES = ["junk/ca.pem", "junk/cert.pem", "junk/key.pem", "junk", "", "nope.pem", "/nonexistent/x.pem"]
COMMANDS = ["exec", "info", "inspect", "update", "ps", "run", "images", "network", "version", "volume", "swarm",
            "node", "service", "stack", "deploy", "plugin", "checkpoint", "help", "help", "daemon", "daemon",
            "frobnicate", "PS", "", "help2", "exec2"]
FLAGS = ["-D", "--debug", "-D=false", "--debug=maybe", "-l", "-l=debug", "--log-level=WARN", "--log-level",
         "-l=bogus", "--tls", "--tls=false", "--tlsverify", "--tlsverify=false", "--tlsverify=true", "-tls",
         "--config", "--config=", "--config=cfg", "-v", "--version", "-h", "--help", "-help", "--", "-", "-Dv",
         "-vD", "-x", "--nope", "-debug", "-H", "--host", "-H=", "-D=1"]
ARGS = ["x", "ls", "--help", "-a", "daemon", "help", "ps", "-D", "-H", "tcp://h:1", "--", "debug", "bogus",
        "junk/ca.pem", "cfg"]


def _st() -> Any:
    from hypothesis import strategies as st  # noqa: PLC0415 - hypothesis only for --live

    return st


def addresses() -> SearchStrategy[str]:
    """Daemon addresses from parts (most of them wrong somewhere), and any short text."""
    st = _st()
    built = st.builds(lambda s1, scheme, host, port, tail, s2: s1 + scheme + host + port + tail + s2,
                      st.sampled_from(SPACES), st.sampled_from(SCHEMES), st.sampled_from(HOSTS),
                      st.sampled_from(PORTS), st.sampled_from(TAILS), st.sampled_from(SPACES))
    return st.one_of(built, built, built, st.text(max_size=8))


def _no_nul(text: str) -> bool:
    return "\x00" not in text


def environments() -> SearchStrategy[dict[str, str]]:
    """HOME always (relative or absent from disk), the DOCKER_* variables sometimes."""
    st = _st()
    return st.fixed_dictionaries({"HOME": st.sampled_from(["home", "/nonexistent-home", "junk"])}, optional={
        "DOCKER_HOST": addresses().filter(_no_nul),
        "DOCKER_TLS_VERIFY": st.sampled_from(["", "1", "0"]),
        "DOCKER_CERT_PATH": st.sampled_from(CERT_PATHS),
        "DOCKER_CONFIG": st.sampled_from(["", "cfg", "junk", "home/.docker"]),
        "DOCKER_API_VERSION": st.sampled_from(["", "1.20", "v1.24", "x"]),
    })


def argvs() -> SearchStrategy[list[str]]:
    """Global flags (with -H addresses and TLS file paths), a command or none, then its arguments."""
    st = _st()
    host_flag = st.builds(lambda flag, address: [flag, address] if flag in ("-H", "--host") else [flag + address],
                          st.sampled_from(["-H", "--host", "-H=", "--host="]), addresses().filter(_no_nul))
    file_flag = st.builds(lambda flag, path: [f"{flag}={path}"],
                          st.sampled_from(["--tlscacert", "--tlscert", "--tlskey"]), st.sampled_from(TLS_FILES))
    level = st.builds(lambda flag, value: [flag, value], st.sampled_from(["-l", "--log-level"]),
                      st.sampled_from(["debug", "bogus", "", "PANIC", "warning", "Info"]))
    flag = st.one_of(st.sampled_from(FLAGS).map(lambda f: [f]), host_flag, host_flag, file_flag, level)
    flags = st.lists(flag, max_size=4).map(lambda groups: [word for group in groups for word in group])
    command = st.one_of(st.sampled_from(COMMANDS).map(lambda c: [c]), st.just([]))
    rest = st.lists(st.one_of(st.sampled_from(ARGS), st.sampled_from(FLAGS), st.sampled_from(COMMANDS)),
                    max_size=3)
    return st.builds(lambda f, c, r, after: f + c + r + after, flags, command, rest,
                     st.lists(flag, max_size=1).map(lambda groups: [w for g in groups for w in g]))


def requests() -> SearchStrategy[dict[str, Any]]:
    """One of the six ops, `main` most often."""
    st = _st()
    host_ops = st.one_of(
        st.fixed_dictionaries({"op": st.just("parse_host"), "default_to_tls": st.booleans(), "val": addresses()}),
        st.fixed_dictionaries({"op": st.just("validate_host"), "val": addresses()}),
        st.fixed_dictionaries({"op": st.just("parse_tcp_addr"), "try_addr": addresses(), "default_addr": st.one_of(
            st.sampled_from(["tcp://localhost:2375", "tcp://localhost:2375", "tcp://127.0.0.1:2376", "tcp://[::1]:2375",
                             "localhost", "tcp://h:", ":1", "tcp://a:b:c", "", "[::1]:x", "[::1]", "[a]b:1"]),
            addresses())}),
        st.fixed_dictionaries({"op": st.just("client_parse_host"), "host": addresses()}),
        st.fixed_dictionaries({"op": st.just("api_client"), "hosts": st.lists(addresses(), max_size=2),
                               "tls": st.booleans(), "env": st.fixed_dictionaries({}, optional={
                                   "DOCKER_HOST": addresses().filter(_no_nul),
                                   "DOCKER_API_VERSION": st.sampled_from(["", "1.20", "v1.24"])})}),
    )
    main = st.fixed_dictionaries({
        "op": st.just("main"), "argv0": st.sampled_from(["docker", "bin/docker", "./docker", "bin//docker", ""]),
        "argv": argvs(), "env": environments(), "dockerd_beside": st.booleans(), "dockerd_on_path": st.booleans(),
    })
    return st.one_of(host_ops, main, main)


def vector(request: dict[str, Any], answer: Any) -> dict[str, Any]:
    """A docker-cli vector file (see `walkthrough.parity.docker_cli`): this request as its op's one vector."""
    inputs = {k: v for k, v in request.items() if k != "op"}
    return {"meta": {"functions": "docker cli: opts host parsing, NewAPIClientFromFlags, cmd/docker main "
                                  "(live parity)", "source": "github.com/docker/docker (Docker v1.12.3)"},
            request["op"]: [{"inputs": inputs, "outputs": golden.normalise(answer)}]}


FAMILY = LiveFamily(
    name="docker_cli",
    world="docker",
    what="docker client: opts.ParseHost/ValidateHost/ParseTCPAddr, engine-api ParseHost, NewAPIClientFromFlags, "
         "cmd/docker main with cli.Cli.Run, DockerCli, CobraAdaptor and DaemonProxy",
    requests=requests,
    model=golden.model,
    vector=vector,
    normalise=golden.normalise,
)
