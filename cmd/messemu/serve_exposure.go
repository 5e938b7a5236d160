package main

import (
	"flag"
	"log/slog"
	"net"

	"github.com/messemu/messemu/fakegraph"
)

// The listener's reach: loopback by default; beyond it, a warning, and the
// control API only for holders of --control-token.

func (c *serveConfig) exposureFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.controlToken, "control-token", env("MESSEMU_CONTROL_TOKEN", ""), "require Authorization: Bearer TOKEN on the control API; the opt-in for using it from other machines when --addr is not loopback [MESSEMU_CONTROL_TOKEN]")
}

// exposureOptions are the emulator options of the control token.
func (c *serveConfig) exposureOptions() []fakegraph.Option {
	if c.controlToken == "" {
		return nil
	}
	return []fakegraph.Option{fakegraph.WithControlToken(c.controlToken)}
}

// warnExposure warns when addr listens beyond this machine.
func (c *serveConfig) warnExposure(log *slog.Logger) {
	if loopbackAddr(c.addr) {
		return
	}
	if c.controlToken == "" {
		log.Warn("messemu listens beyond this machine: anyone who reaches it can call the Graph API with the test tokens; the control API answers this machine only (give --control-token to open it to bearers of the token)", "addr", c.addr)
		return
	}
	log.Warn("messemu listens beyond this machine: anyone who reaches it can call the Graph API with the test tokens; the control API needs the --control-token bearer token", "addr", c.addr)
}

// loopbackAddr reports whether a listen address ("host:port") binds only
// loopback: a loopback IP or localhost. ":8765" and "0.0.0.0:8765" do not.
func loopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
