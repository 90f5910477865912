package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
)

// Lambda's synchronous payload limit, for events and responses alike.
const maxPayloadBytes = 6 * 1024 * 1024

const runtimeAPIPrefix = "/2018-06-01/runtime"

// runtimeAPI is the Lambda Runtime API the bootstrap talks to (AWS_LAMBDA_RUNTIME_API).
func (fn *function) runtimeAPI() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+runtimeAPIPrefix+"/invocation/next", fn.handleNext)
	mux.HandleFunc("POST "+runtimeAPIPrefix+"/invocation/{id}/response", fn.handleResponse)
	mux.HandleFunc("POST "+runtimeAPIPrefix+"/invocation/{id}/error", fn.handleInvocationError)
	mux.HandleFunc("POST "+runtimeAPIPrefix+"/init/error", fn.handleInitError)
	return mux
}

// invokeAPI is the emulator's own endpoint: the event in, the function's answer out.
func (fn *function) invokeAPI() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /2015-03-31/functions/function/invocations", fn.handleInvoke)
	return mux
}

func (fn *function) handleInvoke(w http.ResponseWriter, r *http.Request) {
	payload, err := readLimited(r.Body)
	if err != nil {
		writeJSONError(w, http.StatusRequestEntityTooLarge, "RequestEntityTooLargeException", err.Error())
		return
	}
	clientContext := ""
	if encoded := r.Header.Get("X-Amz-Client-Context"); encoded != "" {
		decoded, err := base64.StdEncoding.DecodeString(encoded)
		if err != nil {
			writeJSONError(w, http.StatusBadRequest, "InvalidRequestContentException", "X-Amz-Client-Context is not base64")
			return
		}
		clientContext = string(decoded)
	}
	result := fn.invoke(payload, clientContext)
	if result.contentType != "" {
		w.Header().Set("Content-Type", result.contentType)
	}
	if result.errorType != "" {
		w.Header().Set("X-Amz-Function-Error", "Unhandled")
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(result.body)
}

func (fn *function) handleNext(w http.ResponseWriter, r *http.Request) {
	inv, ok := fn.takeNext(r.Context().Done())
	if !ok {
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Lambda-Runtime-Aws-Request-Id", inv.id)
	h.Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(inv.deadline.UnixMilli(), 10))
	h.Set("Lambda-Runtime-Invoked-Function-Arn", fn.settings.accountArn)
	h.Set("Lambda-Runtime-Trace-Id", inv.traceID)
	if inv.clientContext != "" {
		h.Set("Lambda-Runtime-Client-Context", inv.clientContext)
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(inv.payload)
}

func (fn *function) handleResponse(w http.ResponseWriter, r *http.Request) {
	inv := fn.claim(r.PathValue("id"))
	if inv == nil {
		writeJSONError(w, http.StatusBadRequest, "InvalidRequestID", "Invalid request ID")
		return
	}
	body, err := readLimited(r.Body)
	if err != nil {
		inv.settle(errorOutcome(inv.id, "Function.ResponseSizeTooLarge", err.Error()))
		writeJSONError(w, http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", err.Error())
		return
	}
	contentType := r.Header.Get("Content-Type")
	if contentType == "" {
		contentType = "application/json"
	}
	inv.settle(outcome{body: body, contentType: contentType})
	writeAccepted(w)
}

func (fn *function) handleInvocationError(w http.ResponseWriter, r *http.Request) {
	inv := fn.claim(r.PathValue("id"))
	if inv == nil {
		writeJSONError(w, http.StatusBadRequest, "InvalidRequestID", "Invalid request ID")
		return
	}
	inv.settle(runtimeErrorOutcome(r))
	writeAccepted(w)
}

func (fn *function) handleInitError(w http.ResponseWriter, r *http.Request) {
	fn.reportInitError(runtimeErrorOutcome(r))
	writeAccepted(w)
}

// runtimeErrorOutcome turns an error the runtime posted into the invoke answer: its JSON document as
// sent, or one made from the Lambda-Runtime-Function-Error-Type header when the body is unusable.
func runtimeErrorOutcome(r *http.Request) outcome {
	errorType := r.Header.Get("Lambda-Runtime-Function-Error-Type")
	body, err := readLimited(r.Body)
	var doc map[string]any
	if err == nil && json.Unmarshal(body, &doc) == nil {
		if t, ok := doc["errorType"].(string); ok && t != "" {
			errorType = t
		}
		if errorType == "" {
			errorType = "Runtime.Unknown"
		}
		return outcome{body: body, contentType: "application/json", errorType: errorType}
	}
	if errorType == "" {
		errorType = "Runtime.Unknown"
	}
	fallback, _ := json.Marshal(map[string]string{"errorMessage": string(body), "errorType": errorType})
	return outcome{body: fallback, contentType: "application/json", errorType: errorType}
}

func readLimited(body io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(body, maxPayloadBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxPayloadBytes {
		return nil, fmt.Errorf("Exceeded maximum allowed payload size (%d bytes).", maxPayloadBytes)
	}
	return data, nil
}

func writeAccepted(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusAccepted)
	_, _ = w.Write([]byte(`{"status":"OK"}`))
}

func writeJSONError(w http.ResponseWriter, status int, errorType, message string) {
	body, _ := json.Marshal(map[string]string{"errorMessage": message, "errorType": errorType})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
