// Copyright the walkthrough authors. Licensed under the Apache License, Version 2.0.

// Live-parity harness for kube-apiserver v1.5.2's authorization pieces: the RequestInfo factory
// (pkg/apiserver/request), the union authorizer (pkg/auth/authorizer/union), the mode factory and the
// always-*/privileged-group authorizers (pkg/genericapiserver/authorizer), and the WithRequestInfo and
// WithAuthorization filters (pkg/apiserver/filters). Requests by "op":
//
//	{"op": "request_info", "prefixes": ["apis", "api"], "groupless": ["api"], "method": "GET",
//	 "target": "/api/v1/namespaces/default/pods?watch=1"}
//	  -> {"info": {"is_resource_request", "path", "verb", "api_prefix", "api_group", "api_version", "namespace",
//	               "resource", "subresource", "name", "parts"}, "error": "..." | null}
//	{"op": "union", "authorizers": [spec, ...], "attributes": attributes}   -> decision
//	{"op": "modes", "modes": "ABAC,RBAC", "policy_lines": ["..."] | null, "webhook_config_file": "",
//	 "rbac_super_user": "", "attributes": [attributes, ...]}
//	  -> {"error": "<text, the temporary directory as <DIR>>"} or {"decisions": [decision, ...]}
//	{"op": "filter", "authorizer": spec | null, "method": "GET", "target": "/api/v1/pods", "user": user | null}
//	  -> {"status": 200 | 403 | 500, "body": "...", "attributes": attributes | null (what the authorizer saw)}
//
// spec: {"kind": "allow" | "deny" | "fail"} (the always-* authorizers), {"kind": "privileged", "groups": [...]},
// or {"kind": "func", "allowed": b, "reason": "...", "error": "..." | null}. decision: {"allowed", "reason",
// "error": "..." | null}. attributes and user as in harness/attributes.go. "target" is the request-target of the request
// line (as a server reads it: http.ReadRequest); the handler behind the filters answers 200 "ok". In "modes"
// the policy file is written from policy_lines, RBAC reads from informers that were never started (no roles),
// and Webhook is only given without a configuration file.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/ioutil"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	"k8s.io/kubernetes/pkg/api"
	"k8s.io/kubernetes/pkg/apiserver/filters"
	apirequest "k8s.io/kubernetes/pkg/apiserver/request"
	"k8s.io/kubernetes/pkg/auth/authorizer"
	"k8s.io/kubernetes/pkg/auth/authorizer/union"
	"k8s.io/kubernetes/pkg/controller/informers"
	genericauthorizer "k8s.io/kubernetes/pkg/genericapiserver/authorizer"
	"k8s.io/kubernetes/pkg/util/sets"
)

func attributesOf(a authorizer.Attributes) map[string]interface{} {
	var u interface{}
	if a.GetUser() != nil {
		groups := a.GetUser().GetGroups()
		if groups == nil {
			groups = []string{}
		}
		u = map[string]interface{}{"name": a.GetUser().GetName(), "groups": groups}
	}
	return map[string]interface{}{
		"user": u, "verb": a.GetVerb(), "namespace": a.GetNamespace(), "apiGroup": a.GetAPIGroup(),
		"apiVersion": a.GetAPIVersion(), "resource": a.GetResource(), "subresource": a.GetSubresource(),
		"name": a.GetName(), "resourceRequest": a.IsResourceRequest(), "path": a.GetPath(),
	}
}

type spec struct {
	Kind    string   `json:"kind"`
	Groups  []string `json:"groups"`
	Allowed bool     `json:"allowed"`
	Reason  string   `json:"reason"`
	Error   *string  `json:"error"`
}

func (s spec) authorizer() (authorizer.Authorizer, error) {
	switch s.Kind {
	case "allow":
		return genericauthorizer.NewAlwaysAllowAuthorizer(), nil
	case "deny":
		return genericauthorizer.NewAlwaysDenyAuthorizer(), nil
	case "fail":
		return genericauthorizer.NewAlwaysFailAuthorizer(), nil
	case "privileged":
		return genericauthorizer.NewPrivilegedGroups(s.Groups...), nil
	case "func":
		return authorizer.AuthorizerFunc(func(authorizer.Attributes) (bool, string, error) {
			if s.Error != nil {
				return s.Allowed, s.Reason, errors.New(*s.Error)
			}
			return s.Allowed, s.Reason, nil
		}), nil
	}
	return nil, fmt.Errorf("unknown authorizer kind %q", s.Kind)
}

func decision(allowed bool, reason string, err error) map[string]interface{} {
	var text interface{}
	if err != nil {
		text = err.Error()
	}
	return map[string]interface{}{"allowed": allowed, "reason": reason, "error": text}
}

type request struct {
	Op string `json:"op"`
	// request_info, filter
	Prefixes  []string `json:"prefixes"`
	Groupless []string `json:"groupless"`
	Method    string   `json:"method"`
	Target    string   `json:"target"`
	// union, filter
	Authorizers []spec    `json:"authorizers"`
	Authorizer  *spec     `json:"authorizer"`
	User        *userJSON `json:"user"`
	// union, modes
	Attributes json.RawMessage `json:"attributes"`
	// modes
	Modes             string   `json:"modes"`
	PolicyLines       []string `json:"policy_lines"`
	WebhookConfigFile string   `json:"webhook_config_file"`
	RBACSuperUser     string   `json:"rbac_super_user"`
}

// serverRequest reads the request line as a server does, so that URL and RequestURI are a server's.
func serverRequest(method, target string) (*http.Request, error) {
	return http.ReadRequest(bufio.NewReader(strings.NewReader(method + " " + target + " HTTP/1.1\r\nHost: x\r\n\r\n")))
}

func (r request) factory() *apirequest.RequestInfoFactory {
	return &apirequest.RequestInfoFactory{APIPrefixes: sets.NewString(r.Prefixes...),
		GrouplessAPIPrefixes: sets.NewString(r.Groupless...)}
}

func requestInfo(r request) (interface{}, error) {
	req, err := serverRequest(r.Method, r.Target)
	if err != nil {
		return nil, err
	}
	info, err := r.factory().NewRequestInfo(req)
	var text interface{}
	if err != nil {
		text = err.Error()
	}
	parts := info.Parts
	if parts == nil {
		parts = []string{}
	}
	return map[string]interface{}{"error": text, "info": map[string]interface{}{
		"is_resource_request": info.IsResourceRequest, "path": info.Path, "verb": info.Verb,
		"api_prefix": info.APIPrefix, "api_group": info.APIGroup, "api_version": info.APIVersion,
		"namespace": info.Namespace, "resource": info.Resource, "subresource": info.Subresource,
		"name": info.Name, "parts": parts,
	}}, nil
}

func unionOf(r request) (interface{}, error) {
	var authorizers []authorizer.Authorizer
	for _, s := range r.Authorizers {
		a, err := s.authorizer()
		if err != nil {
			return nil, err
		}
		authorizers = append(authorizers, a)
	}
	var attrs attributesJSON
	if err := json.Unmarshal(r.Attributes, &attrs); err != nil {
		return nil, err
	}
	return decision(union.New(authorizers...).Authorize(attrs.record())), nil
}

func modes(r request) (interface{}, error) {
	dir, err := ioutil.TempDir("", "walkthrough-authz-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	config := genericauthorizer.AuthorizationConfig{
		WebhookConfigFile: r.WebhookConfigFile, RBACSuperUser: r.RBACSuperUser,
		InformerFactory: informers.NewSharedInformerFactory(nil, 0),
	}
	if r.PolicyLines != nil {
		config.PolicyFile = filepath.Join(dir, "policy.jsonl")
		content := ""
		for _, line := range r.PolicyLines {
			content += line + "\n"
		}
		if err := ioutil.WriteFile(config.PolicyFile, []byte(content), 0o600); err != nil {
			return nil, err
		}
	}
	var attributes []attributesJSON
	if err := json.Unmarshal(r.Attributes, &attributes); err != nil {
		return nil, err
	}
	auth, err := genericauthorizer.NewAuthorizerFromAuthorizationConfig(strings.Split(r.Modes, ","), config)
	if err != nil {
		return map[string]interface{}{"error": strings.Replace(err.Error(), dir, "<DIR>", -1)}, nil
	}
	decisions := []interface{}{}
	for _, a := range attributes {
		decisions = append(decisions, decision(auth.Authorize(a.record())))
	}
	return map[string]interface{}{"decisions": decisions}, nil
}

func filter(r request) (interface{}, error) {
	var auth authorizer.Authorizer
	var seen interface{}
	if r.Authorizer != nil {
		inner, err := r.Authorizer.authorizer()
		if err != nil {
			return nil, err
		}
		auth = authorizer.AuthorizerFunc(func(a authorizer.Attributes) (bool, string, error) {
			seen = attributesOf(a)
			return inner.Authorize(a)
		})
	}
	mapper := api.NewRequestContextMapper()
	ok := http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) { w.Write([]byte("ok")) })
	handler := filters.WithAuthorization(ok, filters.NewRequestAttributeGetter(mapper), auth)
	handler = filters.WithRequestInfo(handler, r.factory(), mapper)
	// what authentication does before: the user into the request context
	withUser := http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if u := r.User.info(); u != nil {
			ctx, _ := mapper.Get(req)
			mapper.Update(req, api.WithUser(ctx, u))
		}
		handler.ServeHTTP(w, req)
	})
	req, err := serverRequest(r.Method, r.Target)
	if err != nil {
		return nil, err
	}
	recorder := httptest.NewRecorder()
	api.WithRequestContext(withUser, mapper).ServeHTTP(recorder, req)
	return map[string]interface{}{"status": recorder.Code, "body": recorder.Body.String(), "attributes": seen}, nil
}

func handle(raw json.RawMessage) (interface{}, error) {
	var r request
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, err
	}
	switch r.Op {
	case "request_info":
		return requestInfo(r)
	case "union":
		return unionOf(r)
	case "modes":
		return modes(r)
	case "filter":
		return filter(r)
	}
	return nil, fmt.Errorf("unknown op %q", r.Op)
}

func main() {
	flag.Set("logtostderr", "true") // glog writes to stderr, not to files in /tmp
	serve(handle)
}
