// Copyright the walkthrough authors. Licensed under the Apache License, Version 2.0.

// The JSON-lines loop every live-parity harness shares: copied beside each harness's main.go at build
// time (package main), so a harness only writes its handler. See walkthrough/parity/live/__init__.py
// for the protocol.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
)

// handler answers one request (the raw JSON object of one input line) with a JSON-encodable value.
// An error means the request itself was malformed for this harness (a bug on the Python side).
type handler func(request json.RawMessage) (interface{}, error)

// serve reads one JSON object per line from stdin and writes one JSON line per request to stdout, in
// order: {"answer": ...}, {"harness_error": "..."} for a request the handler refused, or
// {"harness_panic": "..."} when the handler panicked (the process survives it).
func serve(handle handler) {
	in := bufio.NewReaderSize(os.Stdin, 1<<16)
	out := bufio.NewWriterSize(os.Stdout, 1<<16)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for {
		line, err := in.ReadBytes('\n')
		if len(line) > 0 {
			if encErr := enc.Encode(answer(handle, line)); encErr != nil {
				enc.Encode(map[string]string{"harness_error": "cannot encode the answer: " + encErr.Error()})
			}
			if flushErr := out.Flush(); flushErr != nil {
				os.Exit(1) // the reader went away
			}
		}
		if err == io.EOF {
			return
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "reading stdin:", err)
			os.Exit(1)
		}
	}
}

func answer(handle handler, line []byte) (reply map[string]interface{}) {
	defer func() {
		if r := recover(); r != nil {
			reply = map[string]interface{}{"harness_panic": fmt.Sprint(r)}
		}
	}()
	result, err := handle(json.RawMessage(line))
	if err != nil {
		return map[string]interface{}{"harness_error": err.Error()}
	}
	return map[string]interface{}{"answer": result}
}
