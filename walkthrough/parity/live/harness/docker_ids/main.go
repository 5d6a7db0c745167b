// Copyright the walkthrough authors. Licensed under the Apache License, Version 2.0.

// Live-parity harness for Docker v1.12.3's content addressing: layer.CreateChainID, image configs
// through the real image store, reference parsing, and digest parsing. Requests and answers have the
// shape of the lists of tests/golden/b-docker-ids.json, with "op" naming the list:
//
//	{"op": "chain_id", "diff_ids": [...]}  -> {"chain_id", "prefix_chain_ids"}
//	{"op": "image_id", "config_json": "…"} -> digest_of_bytes, NewFromJSON, store Create/Get (or panic)
//	{"op": "reference", "s": "…"}          -> ParseNamed and its accessors, ParseIDOrReference, WithName
//	{"op": "digest", "s": "…"}             -> digest.ParseDigest: {"digest"} or {"error"}
package main

import (
	"encoding/json"
	"fmt"
	"io/ioutil"
	"os"

	"github.com/docker/distribution/digest"
	"github.com/docker/docker/image"
	"github.com/docker/docker/layer"
	"github.com/docker/docker/reference"
)

type request struct {
	Op         string   `json:"op"`
	DiffIDs    []string `json:"diff_ids"`
	ConfigJSON string   `json:"config_json"`
	S          string   `json:"s"`
}

func chainID(diffIDs []string) map[string]interface{} {
	ids := make([]layer.DiffID, len(diffIDs))
	prefixes := make([]string, len(diffIDs))
	for i, d := range diffIDs {
		ids[i] = layer.DiffID(d)
		prefixes[i] = string(layer.CreateChainID(ids[:i+1]))
	}
	return map[string]interface{}{"chain_id": string(layer.CreateChainID(ids)), "prefix_chain_ids": prefixes}
}

// layers stands in for the layer store: every layer exists (Get finds it), nothing is released.
type layers struct{}

func (layers) Get(layer.ChainID) (layer.Layer, error)        { return nil, nil }
func (layers) Release(layer.Layer) ([]layer.Metadata, error) { return nil, nil }

func imageID(config string) (out map[string]interface{}, err error) {
	raw := []byte(config)
	out = map[string]interface{}{"digest_of_bytes": string(digest.FromBytes(raw))}
	if img, err := image.NewFromJSON(raw); err != nil {
		out["new_from_json_error"] = err.Error()
	} else {
		marshalled, err := img.MarshalJSON()
		if err != nil {
			out["marshal_json_error"] = err.Error()
		}
		out["marshal_json"] = string(marshalled)
		out["rootfs_chain_id"] = string(img.RootFS.ChainID())
	}
	root, err := ioutil.TempDir("", "walkthrough-imagedb-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(root)
	backend, err := image.NewFSStoreBackend(root)
	if err != nil {
		return nil, err
	}
	store, err := image.NewImageStore(backend, layers{})
	if err != nil {
		return nil, err
	}
	func() {
		defer func() {
			if r := recover(); r != nil {
				out["store_create_panic"] = fmt.Sprint(r)
			}
		}()
		id, err := store.Create(raw)
		if err != nil {
			out["store_create_error"] = err.Error()
			return
		}
		out["image_id"] = string(id)
		stored, err := store.Get(id)
		if err != nil {
			out["store_get_error"] = err.Error()
			return
		}
		out["stored_image_id"] = string(stored.ImageID())
	}()
	return out, nil
}

func describeReference(s string) map[string]interface{} {
	out := map[string]interface{}{}
	if ref, err := reference.ParseNamed(s); err != nil {
		out["error"] = err.Error()
	} else {
		out["name"] = ref.Name()
		out["string"] = ref.String()
		out["full_name"] = ref.FullName()
		out["hostname"] = ref.Hostname()
		out["remote_name"] = ref.RemoteName()
		out["is_name_only"] = reference.IsNameOnly(ref)
		out["with_default_tag"] = reference.WithDefaultTag(ref).String()
		if tagged, ok := ref.(reference.NamedTagged); ok {
			out["tag"] = tagged.Tag()
		}
		if canonical, ok := ref.(reference.Canonical); ok {
			out["digest"] = string(canonical.Digest())
		}
	}
	if dgst, named, err := reference.ParseIDOrReference(s); err != nil {
		out["parse_id_or_reference"] = map[string]interface{}{"error": err.Error()}
	} else if named == nil {
		out["parse_id_or_reference"] = map[string]interface{}{"digest": string(dgst)}
	} else {
		out["parse_id_or_reference"] = map[string]interface{}{"ref": named.String()}
	}
	if named, err := reference.WithName(s); err != nil {
		out["with_name_error"] = err.Error()
	} else {
		out["with_name"] = named.String()
	}
	return out
}

func parseDigest(s string) map[string]interface{} {
	d, err := digest.ParseDigest(s)
	if err != nil {
		return map[string]interface{}{"error": err.Error()}
	}
	return map[string]interface{}{"digest": string(d)}
}

func main() {
	serve(func(raw json.RawMessage) (interface{}, error) {
		var req request
		if err := json.Unmarshal(raw, &req); err != nil {
			return nil, err
		}
		switch req.Op {
		case "chain_id":
			return chainID(req.DiffIDs), nil
		case "image_id":
			return imageID(req.ConfigJSON)
		case "reference":
			return describeReference(req.S), nil
		case "digest":
			return parseDigest(req.S), nil
		}
		return nil, fmt.Errorf("unknown op %q", req.Op)
	})
}
