// Copyright the walkthrough authors. Licensed under the Apache License, Version 2.0.

// Live-parity harness for what `docker load` writes under /var/lib/docker (Docker v1.12.3). Per request
// it makes a fresh root, opens the stores as daemon.NewDaemon does (layer.NewStoreFromOptions with the
// layerdb template image/%s/layerdb, image.NewFSStoreBackend + image.NewImageStore over image/<driver>/
// imagedb, distribution/metadata.NewFSMetadataStore, reference.NewReferenceStore over
// repositories.json), loads the saved-image tar through tarexport's real Load, optionally creates a
// container's RW layer with layer.Store.CreateRWLayer on the loaded image's top layer, and answers
// with every path under the root.
//
//	{"archive": "<base64 tar>", "driver": "vfs", "container": "<name or empty>", "parent": "<chain ID>"}
//	-> {"error": "<Load or CreateRWLayer error>" (absent on success), "output": "<Load's messages>",
//	    "files": {"<path relative to the root>": {"type": "dir"|"file"|"symlink"|"other", "mode": "0755",
//	              "text"|"base64": <file bytes>, "target": <symlink target>, "gunzip": true,
//	              "link": "<first path of the same inode>"}}}
//
// The container's init layer is made by a MountInit of ours that writes nothing: the daemon's own
// (daemon.setupInitLayer) is unexported in a package that cannot build here (it imports every graph
// driver, devicemapper and btrfs need C headers). A gzip file is answered decompressed ("gunzip": true):
// Go's deflate and Python's write different bytes for the same stream.
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io/ioutil"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"unicode/utf8"

	dmetadata "github.com/docker/docker/distribution/metadata"
	"github.com/docker/docker/image"
	"github.com/docker/docker/image/tarexport"
	"github.com/docker/docker/layer"
	"github.com/docker/docker/pkg/reexec"
	"github.com/docker/docker/reference"

	_ "github.com/docker/docker/daemon/graphdriver/vfs"
)

type request struct {
	Archive   []byte `json:"archive"`
	Driver    string `json:"driver"`
	Container string `json:"container"`
	Parent    string `json:"parent"`
}

type events struct{}

func (events) LogImageEvent(imageID, refName, action string) {}

func load(req request, root string) (string, error) {
	ls, err := layer.NewStoreFromOptions(layer.StoreOptions{
		StorePath:                 root,
		MetadataStorePathTemplate: filepath.Join(root, "image", "%s", "layerdb"),
		GraphDriver:               req.Driver,
	})
	if err != nil {
		return "", err
	}
	imageRoot := filepath.Join(root, "image", ls.DriverName())
	backend, err := image.NewFSStoreBackend(filepath.Join(imageRoot, "imagedb"))
	if err != nil {
		return "", err
	}
	is, err := image.NewImageStore(backend, ls)
	if err != nil {
		return "", err
	}
	if _, err := dmetadata.NewFSMetadataStore(filepath.Join(imageRoot, "distribution")); err != nil {
		return "", err
	}
	rs, err := reference.NewReferenceStore(filepath.Join(imageRoot, "repositories.json"))
	if err != nil {
		return "", err
	}
	var out bytes.Buffer
	exporter := tarexport.NewTarExporter(is, ls, rs, events{})
	if err := exporter.Load(ioutil.NopCloser(bytes.NewReader(req.Archive)), &out, true); err != nil {
		return out.String(), err
	}
	if req.Container == "" {
		return out.String(), nil
	}
	_, err = ls.CreateRWLayer(req.Container, layer.ChainID(req.Parent), "", func(string) error { return nil }, nil)
	return out.String(), err
}

func describe(root string) (map[string]interface{}, error) {
	files := map[string]interface{}{}
	inodes := map[uint64]string{}
	err := filepath.Walk(root, func(path string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if path == root {
			return nil
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		entry := map[string]interface{}{"mode": fmt.Sprintf("%04o", uint32(info.Mode().Perm())|setBits(info.Mode()))}
		switch {
		case info.IsDir():
			entry["type"] = "dir"
		case info.Mode()&os.ModeSymlink != 0:
			entry["type"] = "symlink"
			target, err := os.Readlink(path)
			if err != nil {
				return err
			}
			entry["target"] = target
		case info.Mode().IsRegular():
			entry["type"] = "file"
			data, err := ioutil.ReadFile(path)
			if err != nil {
				return err
			}
			if strings.HasSuffix(path, ".gz") {
				if zr, err := gzip.NewReader(bytes.NewReader(data)); err == nil {
					if plain, err := ioutil.ReadAll(zr); err == nil {
						data = plain
						entry["gunzip"] = true
					}
				}
			}
			if utf8.Valid(data) {
				entry["text"] = string(data)
			} else {
				entry["base64"] = base64.StdEncoding.EncodeToString(data)
			}
			if st, ok := info.Sys().(*syscall.Stat_t); ok && st.Nlink > 1 {
				if first, seen := inodes[st.Ino]; seen {
					entry["link"] = first
				} else {
					inodes[st.Ino] = rel
				}
			}
		default:
			entry["type"] = "other"
		}
		files[rel] = entry
		return nil
	})
	return files, err
}

func setBits(mode os.FileMode) uint32 {
	var bits uint32
	if mode&os.ModeSetuid != 0 {
		bits |= 04000
	}
	if mode&os.ModeSetgid != 0 {
		bits |= 02000
	}
	if mode&os.ModeSticky != 0 {
		bits |= 01000
	}
	return bits
}

func handle(raw json.RawMessage) (interface{}, error) {
	var req request
	if err := json.Unmarshal(raw, &req); err != nil {
		return nil, err
	}
	root, err := ioutil.TempDir("", "walkthrough-docker-layout-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(root)
	output, loadErr := load(req, root)
	files, err := describe(root)
	if err != nil {
		return nil, err
	}
	answer := map[string]interface{}{"output": output, "files": files}
	if loadErr != nil {
		answer["error"] = loadErr.Error()
	}
	return answer, nil
}

func main() {
	if reexec.Init() { // chrootarchive re-executes this binary to untar in a chroot
		return
	}
	serve(handle)
}
