// Copyright the walkthrough authors. Licensed under the Apache License, Version 2.0.

// Live-parity harness for Kubernetes v1.5.2's ABAC authorizer (pkg/auth/authorizer/abac): a policy
// file written from "lines" (each followed by "\n") is loaded with abac.NewFromFile, then every
// attributes record is authorized. The answer has the shapes of tests/golden/d-abac.json:
//
//	{"lines": ["{\"user\":\"alice\"}", ...],
//	 "attributes": [{"user": {"name": "alice", "groups": ["dev"]} | null, "verb": "get",
//	                 "namespace": "", "apiGroup": "", "apiVersion": "", "resource": "", "subresource": "",
//	                 "name": "", "resourceRequest": true, "path": ""}, ...]}
//	-> {"load": {"error": "<text, the temporary directory as <DIR>>"}}
//	   or {"load": {"panic": "<what NewFromFile panicked with>"}}
//	   or {"load": {"policies": [<encoding/json of each internal api.Policy>]},
//	       "decisions": [{"allowed": b, "reason": "...", "matching_policy_lines": [n, ...]}, ...]}
//
// matching_policy_lines are the 1-based numbers of the lines that, loaded alone as a one-line file,
// allow the request.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io/ioutil"
	"os"
	"path/filepath"
	"strings"

	"k8s.io/kubernetes/pkg/auth/authorizer"
	"k8s.io/kubernetes/pkg/auth/authorizer/abac"
)

type request struct {
	Lines      []string         `json:"lines"`
	Attributes []attributesJSON `json:"attributes"`
}

type decision struct {
	Allowed  bool   `json:"allowed"`
	Reason   string `json:"reason"`
	Error    string `json:"error,omitempty"`
	Matching []int  `json:"matching_policy_lines"`
}

// load writes lines to dir/name and loads it; a panic of NewFromFile (go-yaml has one) is returned as panicked.
func load(dir, name string, lines []string) (auth authorizer.Authorizer, err error, panicked interface{}) {
	defer func() {
		if r := recover(); r != nil {
			panicked = r
		}
	}()
	var b strings.Builder
	for _, line := range lines {
		b.WriteString(line)
		b.WriteString("\n")
	}
	path := filepath.Join(dir, name)
	if err := ioutil.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		return nil, err, nil
	}
	auth, err = abac.NewFromFile(path)
	return auth, err, nil
}

func handle(raw json.RawMessage) (interface{}, error) {
	var req request
	if err := json.Unmarshal(raw, &req); err != nil {
		return nil, err
	}
	dir, err := ioutil.TempDir("", "walkthrough-abac-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)

	policies, err, panicked := load(dir, "policy.jsonl", req.Lines)
	if panicked != nil {
		return map[string]interface{}{"load": map[string]string{"panic": fmt.Sprint(panicked)}}, nil
	}
	if err != nil {
		return map[string]interface{}{"load": map[string]string{"error": strings.Replace(err.Error(), dir, "<DIR>", -1)}}, nil
	}
	// encoding/json of the policy list gives each internal *api.Policy as the golden vectors show it
	encoded, err := json.Marshal(policies)
	if err != nil {
		return nil, err
	}
	var parsed []interface{}
	if err := json.Unmarshal(encoded, &parsed); err != nil {
		return nil, err
	}
	if parsed == nil {
		parsed = []interface{}{}
	}

	type single struct {
		line int
		auth authorizer.Authorizer
	}
	var singles []single
	for i, line := range req.Lines {
		trimmed := strings.TrimSpace(line)
		if len(trimmed) == 0 || strings.HasPrefix(trimmed, "#") {
			continue
		}
		auth, err, panicked := load(dir, "single.jsonl", []string{line})
		if err != nil || panicked != nil {
			return nil, fmt.Errorf("line %d alone: %v %v", i+1, err, panicked) // cannot happen: the file loaded
		}
		singles = append(singles, single{i + 1, auth})
	}

	decisions := []decision{}
	for _, a := range req.Attributes {
		attrs := a.record()
		allowed, reason, err := policies.Authorize(attrs)
		d := decision{Allowed: allowed, Reason: reason, Matching: []int{}}
		if err != nil {
			d.Error = err.Error()
		}
		for _, s := range singles {
			if ok, _, _ := s.auth.Authorize(attrs); ok {
				d.Matching = append(d.Matching, s.line)
			}
		}
		decisions = append(decisions, d)
	}
	return map[string]interface{}{"load": map[string]interface{}{"policies": parsed}, "decisions": decisions}, nil
}

func main() {
	flag.Set("logtostderr", "true") // glog: the unversioned-rules warning goes to stderr, not to files in /tmp
	serve(handle)
}
