// Copyright the walkthrough authors. Licensed under the Apache License, Version 2.0.

// Live-parity harness for how Docker v1.12.3's `docker` client reads a daemon address and dispatches a
// command line. Requests (`op` picks the mechanism):
//
//	{"op": "parse_host", "default_to_tls": true, "val": "tcp://:2375"}     opts.ParseHost
//	{"op": "validate_host", "val": " unix:// "}                             opts.ValidateHost
//	{"op": "parse_tcp_addr", "try_addr": "[::1]:", "default_addr": "tcp://localhost:2375"}
//	                                                                        opts.ParseTCPAddr
//	{"op": "client_parse_host", "host": "tcp://h:1/p"}                      engine-api client.ParseHost
//	{"op": "api_client", "hosts": ["a"], "tls": false, "env": {"DOCKER_HOST": ""}}
//	                                                                        api/client.NewAPIClientFromFlags
//	    -> {"host"|"addr": ..., "error"?: ...}; api_client: {"proto", "addr", "base_path", "version"} or {"error"}
//	{"op": "main", "argv0": "bin/docker", "argv": ["-H", "x", "ps"], "env": {"HOME": "home"},
//	 "dockerd_beside": true, "dockerd_on_path": false}
//	    -> {"exit_code", "stdout", "stderr", "parsed"?: {"args", "flags_set"}, "inits",
//	        "runs": [{"handler", "command", "args", "client": {...}, "flags": {...}}], "exec"?: {"path", "argv"}}
//
// "main" runs a child process (this binary again, in a fresh scratch directory, with exactly the request's
// environment and argv0) that does what cmd/docker's main does, in its order, with the real packages:
// cli/flags.InitCommonFlags, mflag's CommandLine (Merge, Parse, PrintDefaults), cobraadaptor.NewCobraAdaptor,
// client.NewDockerCli, cli.New and Cli.Run, and cmd/docker's own DaemonProxy, stripDaemonArg, findDaemonBinary
// and sortCommands, and cmd/docker's main itself (docker.go, daemon.go, daemon_unix.go and usage.go: a
// package main cannot be imported, so the build compiles them into this package from the verified GOPATH,
// with the `daemon` tag as Docker's release build; nothing of them is in the repository). docker.go gets
// three seams at build time (build.UPSTREAM): its main is renamed dockerMain, afterParse runs after its
// flag.Parse, and cli.New receives recording(...) and recordingCobra(...) around the real handlers.
//
// Seams, so that nothing contacts a daemon: the legacy DockerCli handler and the CobraAdaptor are wrapped.
// The wrappers ask the real handlers `Command(name)`; when the real one has the command, the wrapper
// returns a function that records the call instead of running it. The DockerCli wrapper is an Initializer
// delegating to the real DockerCli.Initialize (so Cli.command initialises it as it would); the cobra
// wrapper initialises a DockerCli built from the same ClientFlags exactly as NewCobraAdaptor builds its
// own (unexported) one, then records the cobra args instead of rootCmd.Execute. DaemonProxy is the real
// one: its syscall.Exec runs this binary again under the name `dockerd`, which only reports its argv. The
// child's events go to fd 3; its stdout, stderr and exit status are the answer's.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/ioutil"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"

	"github.com/docker/docker/api/client"
	"github.com/docker/docker/cli"
	"github.com/docker/docker/cli/cobraadaptor"
	cliflags "github.com/docker/docker/cli/flags"
	"github.com/docker/docker/cliconfig"
	"github.com/docker/docker/opts"
	flag "github.com/docker/docker/pkg/mflag"
	"github.com/docker/docker/pkg/term"
	apiclient "github.com/docker/engine-api/client"
	"github.com/docker/go-connections/tlsconfig"
)

const (
	roleVariable = "WALKTHROUGH_DOCKER_CLI_CHILD"
	fakeDockerd  = "--walkthrough-fake-dockerd"
)

type request struct {
	Op            string            `json:"op"`
	Val           string            `json:"val"`
	DefaultToTLS  bool              `json:"default_to_tls"`
	TryAddr       string            `json:"try_addr"`
	DefaultAddr   string            `json:"default_addr"`
	Host          string            `json:"host"`
	Hosts         []string          `json:"hosts"`
	TLS           bool              `json:"tls"`
	Env           map[string]string `json:"env"`
	Argv0         string            `json:"argv0"`
	Argv          []string          `json:"argv"`
	DockerdBeside bool              `json:"dockerd_beside"`
	DockerdOnPath bool              `json:"dockerd_on_path"`
}

func withError(out map[string]interface{}, err error) map[string]interface{} {
	if err != nil {
		out["error"] = err.Error()
	}
	return out
}

// clientFields reads the engine-api Client's unexported address fields (they decide where requests go).
func clientFields(c apiclient.APIClient) map[string]interface{} {
	v := reflect.ValueOf(c)
	if v.Kind() != reflect.Ptr || v.IsNil() {
		return map[string]interface{}{}
	}
	v = v.Elem()
	return map[string]interface{}{
		"proto": v.FieldByName("proto").String(), "addr": v.FieldByName("addr").String(),
		"base_path": v.FieldByName("basePath").String(), "version": v.FieldByName("version").String(),
	}
}

func apiClient(req request) map[string]interface{} {
	os.Clearenv()
	for k, v := range req.Env {
		os.Setenv(k, v)
	}
	var options *tlsconfig.Options
	if req.TLS {
		options = &tlsconfig.Options{InsecureSkipVerify: true} // no files to read
	}
	flags := &cliflags.ClientFlags{Common: &cliflags.CommonFlags{Hosts: req.Hosts, TLSOptions: options}}
	c, err := client.NewAPIClientFromFlags(flags, cliconfig.NewConfigFile(""))
	if err != nil {
		return map[string]interface{}{"error": err.Error()}
	}
	return clientFields(c)
}

func handle(raw json.RawMessage) (interface{}, error) {
	var req request
	if err := json.Unmarshal(raw, &req); err != nil {
		return nil, err
	}
	switch req.Op {
	case "parse_host":
		host, err := opts.ParseHost(req.DefaultToTLS, req.Val)
		return withError(map[string]interface{}{"host": host}, err), nil
	case "validate_host":
		val, err := opts.ValidateHost(req.Val)
		return withError(map[string]interface{}{"value": val}, err), nil
	case "parse_tcp_addr":
		addr, err := opts.ParseTCPAddr(req.TryAddr, req.DefaultAddr)
		return withError(map[string]interface{}{"addr": addr}, err), nil
	case "client_parse_host":
		proto, addr, base, err := apiclient.ParseHost(req.Host)
		return withError(map[string]interface{}{"proto": proto, "addr": addr, "base_path": base}, err), nil
	case "api_client":
		return apiClient(req), nil
	case "main":
		return runChild(req)
	}
	return nil, fmt.Errorf("unknown op %q", req.Op)
}

// -- the parent side of "main" ------------------------------------------------------------------------

// runChild lays out a scratch directory (HOME-relative paths, junk TLS files, dockerd where asked), runs
// the child there with the request's argv0, argv and environment, and collects its events and output.
func runChild(req request) (interface{}, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	root, err := ioutil.TempDir(os.Getenv("WALKTHROUGH_SCRATCH"), "docker-cli-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(root)
	for _, dir := range []string{"home", "junk", "path-with", "path-without"} {
		if err := os.MkdirAll(filepath.Join(root, dir), 0755); err != nil {
			return nil, err
		}
	}
	for _, name := range []string{"ca.pem", "cert.pem", "key.pem"} {
		if err := ioutil.WriteFile(filepath.Join(root, "junk", name), []byte("junk\n"), 0644); err != nil {
			return nil, err
		}
	}
	// A fake dockerd: a script handing this binary the path it was exec'd as ($0) and its arguments.
	fake := []byte("#!/bin/sh\nexec '" + self + "' " + fakeDockerd + " \"$0\" \"$@\"\n")
	if err := ioutil.WriteFile(filepath.Join(root, "path-with", "dockerd"), fake, 0755); err != nil {
		return nil, err
	}
	if req.DockerdBeside {
		beside := filepath.Join(root, filepath.Dir(req.Argv0), "dockerd")
		if err := os.MkdirAll(filepath.Dir(beside), 0755); err != nil {
			return nil, err
		}
		if err := ioutil.WriteFile(beside, fake, 0755); err != nil {
			return nil, err
		}
	}
	records, writer, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer records.Close()
	pathDir := "path-without"
	if req.DockerdOnPath {
		pathDir = "path-with"
	}
	env := []string{roleVariable + "=1", "PATH=" + filepath.Join(root, pathDir)}
	for k, v := range req.Env {
		env = append(env, k+"="+v)
	}
	var stdout, stderr bytes.Buffer
	cmd := &exec.Cmd{Path: self, Args: append([]string{req.Argv0}, req.Argv...), Env: env, Dir: root,
		Stdout: &stdout, Stderr: &stderr, ExtraFiles: []*os.File{writer}}
	startErr := cmd.Start()
	writer.Close()
	if startErr != nil {
		return nil, startErr
	}
	var events []map[string]json.RawMessage
	decoder := json.NewDecoder(records)
	for {
		var event map[string]json.RawMessage
		if err := decoder.Decode(&event); err != nil {
			break
		}
		events = append(events, event)
	}
	exitCode := 0
	if err := cmd.Wait(); err != nil {
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) {
			return nil, err
		}
		exitCode = exitErr.ExitCode()
	}
	out := map[string]interface{}{"exit_code": exitCode, "stdout": stdout.String(),
		"stderr": strings.Replace(stderr.String(), root, "$ROOT", -1), "inits": 0, "runs": []interface{}{}}
	inits, runs := 0, []json.RawMessage{}
	for _, event := range events {
		for kind, value := range event {
			switch kind {
			case "init":
				inits++
			case "run":
				runs = append(runs, value)
			case "exec":
				out["exec"] = json.RawMessage(strings.Replace(string(value), root, "$ROOT", -1))
			default:
				out[kind] = value
			}
		}
	}
	out["inits"], out["runs"] = inits, runs
	return out, nil
}

// -- the child: cmd/docker's main with recording handlers -----------------------------------------------

var record = os.NewFile(3, "records")

func emit(kind string, value interface{}) {
	line, _ := json.Marshal(map[string]interface{}{kind: value})
	record.Write(append(line, '\n'))
}

func flagState(f *cliflags.ClientFlags) map[string]interface{} {
	c := f.Common
	var options interface{}
	if c.TLSOptions != nil {
		options = map[string]interface{}{"ca": c.TLSOptions.CAFile, "cert": c.TLSOptions.CertFile,
			"key": c.TLSOptions.KeyFile, "insecure_skip_verify": c.TLSOptions.InsecureSkipVerify}
	}
	hosts := c.Hosts
	if hosts == nil {
		hosts = []string{}
	}
	return map[string]interface{}{"tls_options": options, "hosts": hosts, "trust_key": c.TrustKey}
}

func recordRun(handler, name string, args []string, dockerCli *client.DockerCli, flags *cliflags.ClientFlags) {
	if args == nil {
		args = []string{}
	}
	emit("run", map[string]interface{}{"handler": handler, "command": name, "args": args,
		"client": clientFields(dockerCli.Client()), "flags": flagState(flags)}) // after Initialize: post-parsed
}

// legacyHandler is the real DockerCli as Cli sees it (Handler and Initializer), recording instead of running.
type legacyHandler struct {
	real  *client.DockerCli
	flags *cliflags.ClientFlags
}

func (h legacyHandler) Initialize() error {
	emit("init", true) // before: Initialize may end the process (an unknown log level)
	return h.real.Initialize()
}

func (h legacyHandler) Command(name string) func(...string) error {
	if h.real.Command(name) == nil {
		return nil
	}
	return func(args ...string) error {
		recordRun("DockerCli", name, args, h.real, h.flags)
		return nil
	}
}

// cobraHandler is the real CobraAdaptor's lookup; its run initialises the adaptor's DockerCli and records.
type cobraHandler struct {
	real      cobraadaptor.CobraAdaptor
	dockerCli *client.DockerCli
	flags     *cliflags.ClientFlags
}

func (h cobraHandler) Command(name string) func(...string) error {
	if h.real.Command(name) == nil {
		return nil
	}
	return func(args ...string) error {
		emit("init", true)
		if err := h.dockerCli.Initialize(); err != nil {
			return err
		}
		recordRun("CobraAdaptor", name, append([]string{name}, args...), h.dockerCli, h.flags)
		return nil
	}
}

// afterParse runs right after main's flag.Parse (a seam, see build.UPSTREAM): what mflag read.
func afterParse() {
	set := []string{}
	flag.CommandLine.VisitAll(func(f *flag.Flag) {
		for _, name := range f.Names {
			name = strings.TrimPrefix(name, "#")
			if flag.CommandLine.IsSet(name) {
				set = append(set, name)
			}
		}
	})
	sort.Strings(set)
	args := flag.Args()
	if args == nil {
		args = []string{}
	}
	emit("parsed", map[string]interface{}{"args": args, "flags_set": set})
}

// recording is main's DockerCli handed to cli.New as a recording handler (a seam, see build.UPSTREAM).
func recording(clientCli *client.DockerCli, flags *cliflags.ClientFlags) cli.Handler {
	return legacyHandler{clientCli, flags}
}

// recordingCobra is main's CobraAdaptor handed to cli.New as a recording handler (a seam, see
// build.UPSTREAM). NewCobraAdaptor built its own DockerCli from the same flags and streams; it is
// unexported, so the wrapper builds the same one.
func recordingCobra(adaptor cobraadaptor.CobraAdaptor, flags *cliflags.ClientFlags) cli.Handler {
	stdin, stdout, stderr := term.StdStreams()
	return cobraHandler{adaptor, client.NewDockerCli(stdin, stdout, stderr, flags), flags}
}

func main() {
	if os.Getenv(roleVariable) == "" {
		serve(handle)
		return
	}
	if len(os.Args) > 2 && os.Args[1] == fakeDockerd { // DaemonProxy.CmdDaemon exec'd the fake dockerd
		emit("exec", map[string]interface{}{"path": os.Args[2], "args": append([]string{}, os.Args[3:]...)})
		return
	}
	dockerMain()
}
