// Copyright the walkthrough authors. Licensed under the Apache License, Version 2.0.

// Live-parity harness for go-restful 89ef8af (vendored by Kubernetes v1.5.2): a Container with the
// CurlyRouter, web services and routes as requested, then one request through CurlyRouter.SelectRoute
// and through Container.ServeHTTP. The shapes are those of tests/golden/f-restful-curly.json:
//
//	{"web_services": [{"root_path", "consumes"?, "produces"?, "routes": [{"method", "sub_path",
//	  "consumes"?, "produces"?}]}], "request": {"method", "path", "accept", "content_type"}}
//	-> {"url_path", "select_route": {"web_service", "route"} or {"web_service", "error_code",
//	   "error_message"}, "serve_http": {"status", "body", "location"?}}
//
// Building the container may end the program where go-restful calls os.Exit (invalid path template,
// duplicate root path; stderr carries the log line, without a timestamp) or panics (net/http's
// "multiple registrations"); the panic is answered as {"fatal": message}.
package main

import (
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"

	restful "github.com/emicklei/go-restful"
	restfullog "github.com/emicklei/go-restful/log"
)

type route struct {
	Method   string   `json:"method"`
	SubPath  string   `json:"sub_path"`
	Consumes []string `json:"consumes"`
	Produces []string `json:"produces"`
}

type webService struct {
	RootPath string   `json:"root_path"`
	Consumes []string `json:"consumes"`
	Produces []string `json:"produces"`
	Routes   []route  `json:"routes"`
}

type request struct {
	WebServices []webService `json:"web_services"`
	Request     struct {
		Method      string `json:"method"`
		Path        string `json:"path"`
		Accept      string `json:"accept"`
		ContentType string `json:"content_type"`
	} `json:"request"`
}

// echo answers 200 with the selected route and its path parameters.
func echo(req *restful.Request, resp *restful.Response) {
	resp.WriteHeader(http.StatusOK)
	body, _ := json.Marshal(map[string]interface{}{
		"params": req.PathParameters(), "route_method": req.Request.Method, "route_path": req.SelectedRoutePath(),
	})
	resp.Write(body)
}

func build(specs []webService) *restful.Container {
	container := restful.NewContainer()
	container.Router(restful.CurlyRouter{})
	for _, spec := range specs {
		ws := new(restful.WebService).Path(spec.RootPath)
		if len(spec.Consumes) > 0 {
			ws.Consumes(spec.Consumes...)
		}
		if len(spec.Produces) > 0 {
			ws.Produces(spec.Produces...)
		}
		for _, r := range spec.Routes {
			builder := ws.Method(r.Method).Path(r.SubPath).To(echo)
			if len(r.Consumes) > 0 {
				builder.Consumes(r.Consumes...)
			}
			if len(r.Produces) > 0 {
				builder.Produces(r.Produces...)
			}
			ws.Route(builder)
		}
		container.Add(ws)
	}
	return container
}

func newRequest(req request) (*http.Request, error) {
	httpRequest, err := http.NewRequest(req.Request.Method, "http://example.com"+req.Request.Path, nil)
	if err != nil {
		return nil, err
	}
	if req.Request.Accept != "" {
		httpRequest.Header.Set("Accept", req.Request.Accept)
	}
	if req.Request.ContentType != "" {
		httpRequest.Header.Set("Content-Type", req.Request.ContentType)
	}
	return httpRequest, nil
}

func route1(req request) map[string]interface{} {
	var container *restful.Container
	if fatal := func() (msg interface{}) {
		defer func() { msg = recover() }()
		container = build(req.WebServices)
		return nil
	}(); fatal != nil {
		return map[string]interface{}{"fatal": fmt.Sprint(fatal)}
	}
	httpRequest, err := newRequest(req)
	if err != nil {
		return map[string]interface{}{"request_error": err.Error()}
	}
	out := map[string]interface{}{"url_path": httpRequest.URL.Path}

	selected := map[string]interface{}{"web_service": nil}
	ws, r, err := restful.CurlyRouter{}.SelectRoute(container.RegisteredWebServices(), httpRequest)
	if ws != nil {
		selected["web_service"] = ws.RootPath()
	}
	if err != nil {
		serviceError := err.(restful.ServiceError)
		selected["error_code"] = serviceError.Code
		selected["error_message"] = serviceError.Message
	} else {
		selected["route"] = r.Method + " " + r.Path
	}
	out["select_route"] = selected

	httpRequest, _ = newRequest(req)
	recorder := httptest.NewRecorder()
	container.ServeHTTP(recorder, httpRequest)
	served := map[string]interface{}{"status": recorder.Code, "body": recorder.Body.String()}
	if location := recorder.Header().Get("Location"); location != "" {
		served["location"] = location
	}
	out["serve_http"] = served
	return out
}

func main() {
	// go-restful's fatal log lines reach stderr without a timestamp or file name
	restfullog.SetLogger(log.New(os.Stderr, "", 0))
	serve(func(raw json.RawMessage) (interface{}, error) {
		var req request
		if err := json.Unmarshal(raw, &req); err != nil {
			return nil, err
		}
		return route1(req), nil
	})
}
