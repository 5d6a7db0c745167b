// Copyright the walkthrough authors. Licensed under the Apache License, Version 2.0.

// The apiinstaller harness: APIGroupVersion.InstallREST of Kubernetes v1.5.2 on fake storages, for
// the model in walkthrough/reimpl/kubernetes/apiinstaller.py.
//
// Request {"op": "install", ...}: one group version to install.
//
//	{"op": "install", "group_version": "extensions/v1beta1", "root": "/apis",
//	 "options_external_version": "v1" (or null: the group version itself),
//	 "overrides": {"replicationcontrollers/scale": "autoscaling/v1/Scale"},
//	 "storages": [{"key": "pods", "interfaces": ["Getter", "Lister", ...],
//	               "new": "pkg/api.Pod", "list": "pkg/api.PodList",
//	               "get_options": "pkg/api.PodLogOptions", "get_subpath": false,
//	               "connect_options": "pkg/api.PodProxyOptions" (or "" for none), "connect_subpath": true,
//	               "methods": ["GET"], "mime_types": ["text/plain"], "produces_object": null | "string" | TYPE,
//	               "kind": "CustomKind"}]}
//
// Types are named by package path and name ("pkg/api/v1.Pod"), or "main.Unregistered" for a type
// no scheme knows. The storage of a key implements exactly the listed rest interfaces (storages.go
// declares one Go type per combination it offers). The group's RESTMapper and self linker come
// from registered.GroupOrDie; Typer, Creater, Convertor and Copier are api.Scheme; Serializer is
// api.Codecs. Answer:
//
//	{"web_service_root": "/apis/extensions/v1beta1", "install_error": "..." or null,
//	 "routes": [{"method", "path", "operation", "doc", "consumes", "produces",
//	             "params": [{"name", "kind", "data_type", "required"}] or null}],
//	 "discovery": {"status": 200, "body": <the APIResourceList>}}
//
// A panic inside InstallREST is answered as {"install_panic": "..."}.
//
// Request {"op": "master"}: see master.go.
//
// Request {"op": "scheme"}: every type api.Scheme knows, with its kinds in the order ObjectKinds
// returns them, and the registered groups with their enabled versions:
//
//	{"types": {"pkg/api.Pod": ["/__internal, Kind=Pod"], ...}, "groups": {"extensions": ["extensions/v1beta1"]}}
package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/emicklei/go-restful"

	"k8s.io/kubernetes/pkg/api"
	"k8s.io/kubernetes/pkg/api/rest"
	"k8s.io/kubernetes/pkg/api/unversioned"
	"k8s.io/kubernetes/pkg/apimachinery/registered"
	"k8s.io/kubernetes/pkg/apiserver"
	"k8s.io/kubernetes/pkg/runtime"

	// The groups kube-apiserver installs into api.Scheme (pkg/master/import_known_versions.go).
	_ "k8s.io/kubernetes/pkg/master"
)

const k8s = "k8s.io/kubernetes/"

// Unregistered is a runtime.Object no scheme knows.
type Unregistered struct {
	unversioned.TypeMeta
}

// config is what a fake storage answers; the embedded implementations of storages.go read it.
type config struct {
	New            string   `json:"new"`
	List           string   `json:"list"`
	GetOptions     string   `json:"get_options"`
	GetSubpath     bool     `json:"get_subpath"`
	ConnectOptions string   `json:"connect_options"`
	ConnectSubpath bool     `json:"connect_subpath"`
	Methods        []string `json:"methods"`
	MIMETypes      []string `json:"mime_types"`
	ProducesObject *string  `json:"produces_object"`
	Kind           string   `json:"kind"`
}

type base struct{ c *config }

func (x base) New() runtime.Object { return x.c.object(x.c.New) }

var types = map[string]reflect.Type{}

func init() {
	for _, t := range api.Scheme.AllKnownTypes() {
		types[typeID(t)] = t
	}
	types["main.Unregistered"] = reflect.TypeOf(Unregistered{})
}

func typeID(t reflect.Type) string {
	return strings.TrimPrefix(t.PkgPath(), k8s) + "." + t.Name()
}

// object is a new *T for a type id; "" is nil (a storage without connect options).
func (c *config) object(id string) runtime.Object {
	if id == "" {
		return nil
	}
	return reflect.New(types[id]).Interface().(runtime.Object)
}

func (c *config) producedObject() interface{} {
	switch {
	case c.ProducesObject == nil:
		return nil
	case *c.ProducesObject == "string":
		return ""
	}
	return reflect.New(types[*c.ProducesObject]).Elem().Interface()
}

type storageSpec struct {
	config
	Key        string   `json:"key"`
	Interfaces []string `json:"interfaces"`
}

type installRequest struct {
	GroupVersion           string            `json:"group_version"`
	Root                   string            `json:"root"`
	OptionsExternalVersion *string           `json:"options_external_version"`
	Overrides              map[string]string `json:"overrides"`
	Storages               []storageSpec     `json:"storages"`
}

type param struct {
	Name     string `json:"name"`
	Kind     string `json:"kind"`
	DataType string `json:"data_type"`
	Required bool   `json:"required"`
}

type route struct {
	Method    string   `json:"method"`
	Path      string   `json:"path"`
	Operation string   `json:"operation"`
	Doc       string   `json:"doc"`
	Consumes  []string `json:"consumes"`
	Produces  []string `json:"produces"`
	Params    []param  `json:"params"`
}

var kinds = []string{"path", "query", "body", "header", "form"}

func checkTypes(ids ...string) error {
	for _, id := range ids {
		if _, ok := types[id]; id != "" && !ok {
			return fmt.Errorf("unknown type %q", id)
		}
	}
	return nil
}

func install(r installRequest) (interface{}, error) {
	gv, err := unversioned.ParseGroupVersion(r.GroupVersion)
	if err != nil {
		return nil, err
	}
	groupMeta, err := registered.Group(gv.Group)
	if err != nil {
		return nil, err
	}
	storage := map[string]rest.Storage{}
	for i := range r.Storages {
		spec := &r.Storages[i]
		make, ok := combinations[strings.Join(spec.Interfaces, "+")]
		if !ok {
			return nil, fmt.Errorf("no storage type implements exactly %v", spec.Interfaces)
		}
		produced := ""
		if spec.ProducesObject != nil && *spec.ProducesObject != "string" {
			produced = *spec.ProducesObject
		}
		if err := checkTypes(spec.New, spec.List, spec.GetOptions, spec.ConnectOptions, produced); err != nil {
			return nil, err
		}
		cfg := spec.config
		storage[spec.Key] = make(&cfg)
	}
	overrides := map[string]unversioned.GroupVersionKind{}
	for key, text := range r.Overrides {
		slash := strings.LastIndex(text, "/")
		override, err := unversioned.ParseGroupVersion(text[:slash])
		if err != nil {
			return nil, err
		}
		overrides[key] = override.WithKind(text[slash+1:])
	}
	group := &apiserver.APIGroupVersion{
		Storage:                     storage,
		Root:                        r.Root,
		GroupVersion:                gv,
		Mapper:                      groupMeta.RESTMapper,
		Serializer:                  api.Codecs,
		ParameterCodec:              api.ParameterCodec,
		Typer:                       api.Scheme,
		Creater:                     api.Scheme,
		Convertor:                   api.Scheme,
		Copier:                      api.Scheme,
		Linker:                      groupMeta.SelfLinker,
		Context:                     api.NewRequestContextMapper(),
		MinRequestTimeout:           30 * time.Minute,
		SubresourceGroupVersionKind: overrides,
	}
	if r.OptionsExternalVersion != nil {
		options, err := unversioned.ParseGroupVersion(*r.OptionsExternalVersion)
		if err != nil {
			return nil, err
		}
		group.OptionsExternalVersion = &options
	}
	container := restful.NewContainer()
	container.Router(restful.CurlyRouter{})
	var installErr error
	if panicked := catch(func() { installErr = group.InstallREST(container) }); panicked != nil {
		return map[string]interface{}{"install_panic": fmt.Sprint(panicked)}, nil
	}
	answer := map[string]interface{}{}
	if installErr != nil {
		answer["install_error"] = installErr.Error()
	} else {
		answer["install_error"] = nil
	}
	ws := container.RegisteredWebServices()[0]
	answer["web_service_root"] = ws.RootPath()
	answer["routes"] = routesOf(ws.Routes())
	recorder := httptest.NewRecorder()
	request, _ := http.NewRequest("GET", ws.RootPath(), nil)
	request.Header.Set("Accept", "application/json")
	container.ServeHTTP(recorder, request)
	body := decoded(recorder.Body.Bytes())
	answer["discovery"] = map[string]interface{}{"status": recorder.Code, "body": body}
	return answer, nil
}

// routesOf is the route table of a web service, as the model's route_table gives it.
func routesOf(routes []restful.Route) []route {
	out := []route{}
	for _, r := range routes {
		entry := route{Method: r.Method, Path: r.Path, Operation: r.Operation, Doc: r.Doc,
			Consumes: r.Consumes, Produces: r.Produces}
		for _, p := range r.ParameterDocs {
			d := p.Data()
			entry.Params = append(entry.Params, param{d.Name, kinds[d.Kind], d.DataType, d.Required})
		}
		out = append(out, entry)
	}
	return out
}

// decoded is a JSON body, or its text when it is no JSON.
func decoded(data []byte) interface{} {
	var body interface{}
	if err := json.Unmarshal(data, &body); err != nil {
		return string(data)
	}
	return body
}

func catch(f func()) (panicked interface{}) {
	defer func() { panicked = recover() }()
	f()
	return nil
}

func scheme() interface{} {
	out := map[string][]string{}
	seen := map[reflect.Type]bool{}
	for _, t := range api.Scheme.AllKnownTypes() {
		if seen[t] {
			continue
		}
		seen[t] = true
		gvks, _, err := api.Scheme.ObjectKinds(reflect.New(t).Interface().(runtime.Object))
		if err != nil {
			out[typeID(t)] = []string{"error: " + err.Error()}
			continue
		}
		for _, gvk := range gvks {
			out[typeID(t)] = append(out[typeID(t)], gvk.String())
		}
	}
	groups := map[string][]string{}
	for _, gm := range registered.RegisteredGroupVersions() {
		groups[gm.Group] = append(groups[gm.Group], gm.String())
	}
	for _, versions := range groups {
		sort.Strings(versions)
	}
	return map[string]interface{}{"types": out, "groups": groups}
}

func main() {
	serve(func(raw json.RawMessage) (interface{}, error) {
		var op struct {
			Op string `json:"op"`
		}
		if err := json.Unmarshal(raw, &op); err != nil {
			return nil, err
		}
		switch op.Op {
		case "install":
			var r installRequest
			if err := json.Unmarshal(raw, &r); err != nil {
				return nil, err
			}
			return install(r)
		case "scheme":
			return scheme(), nil
		case "master":
			return masterGroupVersions()
		}
		return nil, fmt.Errorf("unknown op %q", op.Op)
	})
}
