package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"
)

// The test binary doubles as the bootstrap under test: with this variable set it runs a tiny Lambda
// runtime loop against AWS_LAMBDA_RUNTIME_API instead of the tests.
const bootstrapModeVar = "RPK_EMULATOR_TEST_BOOTSTRAP"

func TestMain(m *testing.M) {
	if mode := os.Getenv(bootstrapModeVar); mode != "" {
		os.Exit(runTestBootstrap(mode))
	}
	os.Exit(m.Run())
}

// runTestBootstrap: mode "init-error" reports an init error and exits; otherwise each event's "action"
// decides: "echo" (respond with the event and the invocation headers), "fail" (post an error),
// "exit" (exit 7 without answering), "hang" (never answer).
func runTestBootstrap(mode string) int {
	api := "http://" + os.Getenv("AWS_LAMBDA_RUNTIME_API") + runtimeAPIPrefix
	if mode == "init-error" {
		post(api+"/init/error", `{"errorMessage":"cannot start","errorType":"Test.InitFailed"}`)
		return 1
	}
	for {
		resp, err := http.Get(api + "/invocation/next")
		if err != nil {
			return 2
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		id := resp.Header.Get("Lambda-Runtime-Aws-Request-Id")
		var event map[string]any
		_ = json.Unmarshal(body, &event)
		switch event["action"] {
		case "fail":
			post(api+"/invocation/"+id+"/error", `{"errorMessage":"handler said no","errorType":"Test.HandlerError"}`)
		case "exit":
			return 7
		case "hang":
			time.Sleep(time.Hour)
		default:
			answer, _ := json.Marshal(map[string]any{
				"event":    event,
				"deadline": resp.Header.Get("Lambda-Runtime-Deadline-Ms") != "",
				"arn":      resp.Header.Get("Lambda-Runtime-Invoked-Function-Arn"),
				"trace":    strings.HasPrefix(resp.Header.Get("Lambda-Runtime-Trace-Id"), "Root=1-"),
				"function": os.Getenv("AWS_LAMBDA_FUNCTION_NAME"),
			})
			post(api+"/invocation/"+id+"/response", string(answer))
		}
	}
}

func post(url, body string) {
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err == nil {
		resp.Body.Close()
	}
}

type harness struct {
	invokeURL  string
	runtimeURL string
}

func startHarness(t *testing.T, mode string, timeout time.Duration) harness {
	t.Helper()
	t.Setenv(bootstrapModeVar, mode)
	runtimeServer := httptest.NewUnstartedServer(nil)
	settings := functionSettings{name: "fn-under-test", version: "$LATEST", memoryMB: 128, timeout: timeout,
		region: "us-east-1", accountArn: "arn:aws:lambda:us-east-1:012345678912:function:fn-under-test"}
	fn := newFunction([]string{os.Args[0]}, settings, runtimeServer.Listener.Addr().String())
	runtimeServer.Config.Handler = fn.runtimeAPI()
	runtimeServer.Start()
	invokeServer := httptest.NewServer(fn.invokeAPI())
	t.Cleanup(func() {
		fn.stopRuntime()
		invokeServer.Close()
		runtimeServer.Close()
	})
	return harness{invokeURL: invokeServer.URL + "/2015-03-31/functions/function/invocations", runtimeURL: runtimeServer.URL}
}

type invokeAnswer struct {
	status        int
	functionError string
	body          map[string]any
}

func invoke(t *testing.T, url string, event string) invokeAnswer {
	t.Helper()
	resp, err := http.Post(url, "application/json", bytes.NewBufferString(event))
	if err != nil {
		t.Fatalf("invoke: %v", err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	answer := invokeAnswer{status: resp.StatusCode, functionError: resp.Header.Get("X-Amz-Function-Error")}
	if err := json.Unmarshal(raw, &answer.body); err != nil {
		t.Fatalf("invoke answer is not JSON: %q", raw)
	}
	return answer
}

func TestInvokeReturnsTheFunctionResponse(t *testing.T) {
	h := startHarness(t, "loop", 30*time.Second)
	for i := range 2 { // the second invoke reuses the running bootstrap
		got := invoke(t, h.invokeURL, fmt.Sprintf(`{"action":"echo","n":%d}`, i))
		if got.status != 200 || got.functionError != "" {
			t.Fatalf("status %d, function error %q", got.status, got.functionError)
		}
		event := got.body["event"].(map[string]any)
		if event["n"] != float64(i) || got.body["deadline"] != true || got.body["trace"] != true {
			t.Fatalf("unexpected answer %v", got.body)
		}
		if got.body["function"] != "fn-under-test" || !strings.HasSuffix(got.body["arn"].(string), ":function:fn-under-test") {
			t.Fatalf("function identity not passed to the bootstrap: %v", got.body)
		}
	}
}

func TestHandlerErrorIsAnUnhandledFunctionError(t *testing.T) {
	h := startHarness(t, "loop", 30*time.Second)
	got := invoke(t, h.invokeURL, `{"action":"fail"}`)
	if got.status != 200 || got.functionError != "Unhandled" || got.body["errorType"] != "Test.HandlerError" {
		t.Fatalf("got %+v", got)
	}
}

func TestRuntimeExitIsReportedAndTheNextInvokeRestartsIt(t *testing.T) {
	h := startHarness(t, "loop", 30*time.Second)
	got := invoke(t, h.invokeURL, `{"action":"exit"}`)
	if got.functionError != "Unhandled" || got.body["errorType"] != "Runtime.ExitError" ||
		!strings.Contains(got.body["errorMessage"].(string), "exit status 7") {
		t.Fatalf("got %+v", got)
	}
	again := invoke(t, h.invokeURL, `{"action":"echo"}`)
	if again.functionError != "" {
		t.Fatalf("runtime was not restarted: %+v", again)
	}
}

func TestInitErrorIsTheInvokeAnswer(t *testing.T) {
	h := startHarness(t, "init-error", 30*time.Second)
	got := invoke(t, h.invokeURL, `{}`)
	if got.functionError != "Unhandled" || got.body["errorType"] != "Test.InitFailed" {
		t.Fatalf("got %+v", got)
	}
}

func TestTimeoutKillsTheRuntime(t *testing.T) {
	h := startHarness(t, "loop", time.Second)
	started := time.Now()
	got := invoke(t, h.invokeURL, `{"action":"hang"}`)
	if got.functionError != "Unhandled" || got.body["errorType"] != "Sandbox.Timedout" {
		t.Fatalf("got %+v", got)
	}
	if elapsed := time.Since(started); elapsed > 10*time.Second {
		t.Fatalf("timeout took %v", elapsed)
	}
}

func TestUnknownRequestIDIsRejected(t *testing.T) {
	h := startHarness(t, "loop", 30*time.Second)
	resp, err := http.Post(h.runtimeURL+runtimeAPIPrefix+"/invocation/not-a-request/response", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("status %d, want 400", resp.StatusCode)
	}
}
