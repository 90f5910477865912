//go:build linux

package main

import (
	"fmt"
	"os"
	"os/exec"
	"sort"
	"syscall"
)

// runtimeProcess is the running bootstrap. exited closes when it is gone; initFailed carries a
// POST .../init/error report to the invoke that is waiting for it.
type runtimeProcess struct {
	cmd        *exec.Cmd
	exited     chan struct{}
	exitErr    error
	initFailed chan outcome
}

func startRuntime(command []string, extraEnv map[string]string) (*runtimeProcess, error) {
	cmd := exec.Command(command[0], command[1:]...)
	cmd.Env = mergeEnv(os.Environ(), extraEnv)
	cmd.Stdin = nil
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	// Own process group so a kill reaches anything the bootstrap spawned; die with the emulator.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("exec %q failed: %v", command[0], err)
	}
	proc := &runtimeProcess{cmd: cmd, exited: make(chan struct{}), initFailed: make(chan outcome, 1)}
	go func() {
		proc.exitErr = cmd.Wait()
		close(proc.exited)
	}()
	return proc, nil
}

func (p *runtimeProcess) kill() {
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	<-p.exited
}

func (p *runtimeProcess) exitDescription() string {
	if p.exitErr == nil {
		return "without providing a reason (exit status 0)"
	}
	return "with error: " + p.exitErr.Error()
}

// mergeEnv overrides entries of base with extra, keeping a stable order for the child.
func mergeEnv(base []string, extra map[string]string) []string {
	merged := map[string]string{}
	for _, kv := range base {
		for i := 0; i < len(kv); i++ {
			if kv[i] == '=' {
				merged[kv[:i]] = kv[i+1:]
				break
			}
		}
	}
	for k, v := range extra {
		merged[k] = v
	}
	keys := make([]string, 0, len(merged))
	for k := range merged {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	env := make([]string, 0, len(keys))
	for _, k := range keys {
		env = append(env, k+"="+merged[k])
	}
	return env
}
