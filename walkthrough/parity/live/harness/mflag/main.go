// Copyright the walkthrough authors. Licensed under the Apache License, Version 2.0.

// Live-parity harness for Docker v1.12.3's pkg/mflag: a FlagSet declared through the real mflag API,
// then FlagSet.Parse(argv). The answer has the shape of tests/golden/c-mflag.json's outputs:
//
//	{"name": "run", "argv0": "docker", "environment": {"HOME": "/root", ...},
//	 "flag_defs": [{"kind": "bool", "names": ["d", "-detach"], "default": "false", "validator": ""}, ...],
//	 "argv": ["-d", "busybox"]}
//	-> {"args", "nflag", "is_set", "output", "values", "error"?}, or {"define_panic", "output"} when
//	   declaring the flags panicked (a name defined twice), or {"parse_panic", "output"} when Parse did.
//
// Each flag's usage string is "usage of <last name>"; uint64/float64 values are printed with fmt.Sprint,
// durations with Duration.String(), lists with GetAll() (nil as []). The process environment is replaced by
// "environment" for each request (ValidateEnv reads it).
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/docker/docker/opts"
	flag "github.com/docker/docker/pkg/mflag"
	runconfigopts "github.com/docker/docker/runconfig/opts"
)

type flagDef struct {
	Kind      string   `json:"kind"`
	Names     []string `json:"names"`
	Default   string   `json:"default"`
	Validator string   `json:"validator"`
}

type request struct {
	Name        string            `json:"name"`
	Argv0       string            `json:"argv0"`
	Environment map[string]string `json:"environment"`
	FlagDefs    []flagDef         `json:"flag_defs"`
	Argv        []string          `json:"argv"`
}

var validators = map[string]opts.ValidatorFctType{
	"ValidateIPAddress": opts.ValidateIPAddress,
	"ValidateLabel":     opts.ValidateLabel,
	"ValidateAttach":    runconfigopts.ValidateAttach,
	"ValidateEnv":       runconfigopts.ValidateEnv,
	"ValidateExtraHost": runconfigopts.ValidateExtraHost,
	"ValidateLink":      runconfigopts.ValidateLink,
}

// declare defines one flag on fs and returns a function reading its value as the answer shows it.
func declare(fs *flag.FlagSet, def flagDef) (func() interface{}, error) {
	usage := "usage of " + def.Names[len(def.Names)-1]
	bad := func(err error) (func() interface{}, error) {
		return nil, fmt.Errorf("default %q of %v: %v", def.Default, def.Names, err)
	}
	switch def.Kind {
	case "bool":
		v := fs.Bool(def.Names, def.Default == "true", usage)
		return func() interface{} { return *v }, nil
	case "string":
		v := fs.String(def.Names, def.Default, usage)
		return func() interface{} { return *v }, nil
	case "int":
		d, err := strconv.Atoi(def.Default)
		if err != nil {
			return bad(err)
		}
		v := fs.Int(def.Names, d, usage)
		return func() interface{} { return *v }, nil
	case "int64":
		d, err := strconv.ParseInt(def.Default, 10, 64)
		if err != nil {
			return bad(err)
		}
		v := fs.Int64(def.Names, d, usage)
		return func() interface{} { return *v }, nil
	case "uint":
		d, err := strconv.ParseUint(def.Default, 10, 0)
		if err != nil {
			return bad(err)
		}
		v := fs.Uint(def.Names, uint(d), usage)
		return func() interface{} { return *v }, nil
	case "uint64":
		d, err := strconv.ParseUint(def.Default, 10, 64)
		if err != nil {
			return bad(err)
		}
		v := fs.Uint64(def.Names, d, usage)
		return func() interface{} { return fmt.Sprint(*v) }, nil
	case "uint16":
		d, err := strconv.ParseUint(def.Default, 10, 16)
		if err != nil {
			return bad(err)
		}
		v := fs.Uint16(def.Names, uint16(d), usage)
		return func() interface{} { return *v }, nil
	case "float64":
		d, err := strconv.ParseFloat(def.Default, 64)
		if err != nil {
			return bad(err)
		}
		v := fs.Float64(def.Names, d, usage)
		return func() interface{} { return fmt.Sprint(*v) }, nil
	case "duration":
		d, err := time.ParseDuration(def.Default)
		if err != nil {
			return bad(err)
		}
		v := fs.Duration(def.Names, d, usage)
		return func() interface{} { return v.String() }, nil
	case "list":
		var validator opts.ValidatorFctType
		if def.Validator != "" {
			validator = validators[def.Validator]
			if validator == nil {
				return nil, fmt.Errorf("unknown validator %q", def.Validator)
			}
		}
		v := opts.NewListOpts(validator)
		fs.Var(&v, def.Names, usage)
		return func() interface{} {
			if all := v.GetAll(); all != nil {
				return all
			}
			return []string{} // an empty list, as the golden vectors record it
		}, nil
	}
	return nil, fmt.Errorf("unknown flag kind %q", def.Kind)
}

func parse(req request) (out map[string]interface{}, err error) {
	os.Clearenv()
	for k, v := range req.Environment {
		os.Setenv(k, v)
	}
	os.Args = []string{req.Argv0}
	var buffer bytes.Buffer
	fs := flag.NewFlagSet(req.Name, flag.ContinueOnError)
	fs.SetOutput(&buffer)
	readers := make([]func() interface{}, len(req.FlagDefs))
	panicked := func() (msg interface{}) {
		defer func() { msg = recover() }()
		for i, def := range req.FlagDefs {
			if readers[i], err = declare(fs, def); err != nil {
				return nil
			}
		}
		return nil
	}()
	if err != nil {
		return nil, err
	}
	if panicked != nil {
		return map[string]interface{}{"define_panic": fmt.Sprint(panicked), "output": buffer.String()}, nil
	}
	var parseErr error
	if panicked := func() (msg interface{}) {
		defer func() { msg = recover() }()
		parseErr = fs.Parse(req.Argv)
		return nil
	}(); panicked != nil {
		return map[string]interface{}{"parse_panic": fmt.Sprint(panicked), "output": buffer.String()}, nil
	}
	isSet := []string{}
	values := map[string]interface{}{}
	for i, def := range req.FlagDefs {
		for _, name := range def.Names {
			name = strings.TrimPrefix(name, "#")
			if fs.IsSet(name) {
				isSet = append(isSet, name)
			}
		}
		values[def.Names[len(def.Names)-1]] = readers[i]()
	}
	args := fs.Args()
	if args == nil {
		args = []string{}
	}
	out = map[string]interface{}{
		"args": args, "nflag": fs.NFlag(), "is_set": isSet, "output": buffer.String(), "values": values,
	}
	if parseErr != nil {
		out["error"] = parseErr.Error()
	}
	return out, nil
}

func main() {
	serve(func(raw json.RawMessage) (interface{}, error) {
		var req request
		if err := json.Unmarshal(raw, &req); err != nil {
			return nil, err
		}
		return parse(req)
	})
}
