// Copyright the walkthrough authors. Licensed under the Apache License, Version 2.0.

// Live-parity harness for kube-apiserver v1.5.2's authentication: the chain authenticator.New builds
// (pkg/apiserver/authenticator: password file behind HTTP Basic, token file and any-token behind bearer
// tokens, the group adder, the unions, the anonymous fallback) and the WithAuthentication filter with
// the Unauthorized handler (pkg/auth/handlers) in front of a handler that reports what it received.
//
//	{"config": {"anonymous": b, "any_token": b, "basic_auth_file": "<CSV text>" | null,
//	            "token_auth_file": "<CSV text>" | null, "keystone_url": "..."},
//	 "requests": [{"headers": [["Authorization", "Bearer abc"], ...]}, ...]}
//	-> {"error": "<New's error, the temporary directory as <DIR>>"}
//	   or {"authenticator": b (New returned one), "security_definitions": ["BearerToken", ...],
//	       "results": [{"user": {"name", "uid", "groups", "extra"} | null, "ok": b, "error": "..." | null,
//	                    "status": 200 | 401, "body": "...", "www_authenticate": "...",
//	                    "content_type": "...", "seen_authorization": ["..."], "seen_user": "..." | null}, ...]}
//
// A Keystone URL is only ever one nothing listens on (https://127.0.0.1:1/...): a login fails at once.
// The files are written to a temporary directory (basic.csv, tokens.csv) and passed by path. A user's nil
// groups or extra are reported as empty ([] and {}): no code on this path tells nil from empty. The handler
// behind the filter answers 200 "ok" (text/plain) and reports the Authorization header values it saw and the
// user name in the request context. The 401 offers Basic when a password file is configured, as
// genericapiserver's SupportsBasicAuth does.
package main

import (
	"encoding/json"
	"flag"
	"io/ioutil"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"k8s.io/kubernetes/pkg/api"
	apiauthn "k8s.io/kubernetes/pkg/apiserver/authenticator"
	"k8s.io/kubernetes/pkg/auth/authenticator"
	"k8s.io/kubernetes/pkg/auth/handlers"
	"k8s.io/kubernetes/pkg/auth/user"
)

type config struct {
	Anonymous     bool    `json:"anonymous"`
	AnyToken      bool    `json:"any_token"`
	BasicAuthFile *string `json:"basic_auth_file"`
	TokenAuthFile *string `json:"token_auth_file"`
	KeystoneURL   string  `json:"keystone_url"`
}

type httpRequest struct {
	Headers [][2]string `json:"headers"`
}

type request struct {
	Config   config        `json:"config"`
	Requests []httpRequest `json:"requests"`
}

func userJSON(u user.Info) interface{} {
	if u == nil {
		return nil
	}
	groups := u.GetGroups()
	if groups == nil {
		groups = []string{}
	}
	extra := u.GetExtra()
	if extra == nil {
		extra = map[string][]string{}
	}
	return map[string]interface{}{"name": u.GetName(), "uid": u.GetUID(), "groups": groups, "extra": extra}
}

func newRequest(r httpRequest) *http.Request {
	req := httptest.NewRequest("GET", "/api", nil)
	for _, h := range r.Headers {
		req.Header.Add(h[0], h[1])
	}
	return req
}

func handle(raw json.RawMessage) (interface{}, error) {
	var req request
	if err := json.Unmarshal(raw, &req); err != nil {
		return nil, err
	}
	dir, err := ioutil.TempDir("", "walkthrough-authn-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)

	cfg := apiauthn.AuthenticatorConfig{Anonymous: req.Config.Anonymous, AnyToken: req.Config.AnyToken,
		KeystoneURL: req.Config.KeystoneURL}
	if req.Config.BasicAuthFile != nil {
		cfg.BasicAuthFile = filepath.Join(dir, "basic.csv")
		if err := ioutil.WriteFile(cfg.BasicAuthFile, []byte(*req.Config.BasicAuthFile), 0o600); err != nil {
			return nil, err
		}
	}
	if req.Config.TokenAuthFile != nil {
		cfg.TokenAuthFile = filepath.Join(dir, "tokens.csv")
		if err := ioutil.WriteFile(cfg.TokenAuthFile, []byte(*req.Config.TokenAuthFile), 0o600); err != nil {
			return nil, err
		}
	}
	auth, definitions, err := apiauthn.New(cfg)
	if err != nil {
		return map[string]string{"error": strings.Replace(err.Error(), dir, "<DIR>", -1)}, nil
	}
	names := []string{}
	for name := range *definitions {
		names = append(names, name)
	}
	sort.Strings(names)

	results := []interface{}{}
	for _, r := range req.Requests {
		result := map[string]interface{}{"user": nil, "ok": false, "error": nil}
		if auth != nil {
			u, ok, err := auth.AuthenticateRequest(newRequest(r))
			result["user"], result["ok"] = userJSON(u), ok
			if err != nil {
				result["error"] = err.Error()
			}
		}
		filter(result, auth, cfg.BasicAuthFile != "", newRequest(r))
		results = append(results, result)
	}
	return map[string]interface{}{"authenticator": auth != nil, "security_definitions": names, "results": results}, nil
}

// filter serves req through WithAuthentication and records the response and what the inner handler saw.
func filter(result map[string]interface{}, auth authenticator.Request, basic bool, req *http.Request) {
	mapper := api.NewRequestContextMapper()
	var seenAuthorization []string
	var seenUser interface{}
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seenAuthorization = r.Header["Authorization"]
		if ctx, ok := mapper.Get(r); ok {
			if u, ok := api.UserFrom(ctx); ok {
				seenUser = u.GetName()
			}
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok"))
	})
	recorder := httptest.NewRecorder()
	handlers.WithAuthentication(inner, mapper, auth, handlers.Unauthorized(basic)).ServeHTTP(recorder, req)
	if seenAuthorization == nil {
		seenAuthorization = []string{}
	}
	result["status"] = recorder.Code
	result["body"] = recorder.Body.String()
	result["www_authenticate"] = recorder.Header().Get("WWW-Authenticate")
	result["content_type"] = recorder.Header().Get("Content-Type")
	result["seen_authorization"] = seenAuthorization
	result["seen_user"] = seenUser
}

func main() {
	flag.Set("logtostderr", "true") // glog writes to stderr, not to files in /tmp
	serve(handle)
}
