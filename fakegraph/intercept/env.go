package intercept

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// DefaultAddr is the address suggested for the intercept listener.
const DefaultAddr = "127.0.0.1:8443"

// NoProxy keeps loopback traffic (the bot's own webhook, messemu's plain
// listener and control API) away from the proxy.
const NoProxy = "localhost,127.0.0.1,::1"

// Shells EnvLines can render for.
var Shells = []string{"sh", "fish", "powershell"}

// bundleVars are the variables runtimes read a CA bundle from. The first
// three replace the runtime's roots; NODE_EXTRA_CA_CERTS adds to Node's.
var bundleVars = []string{"SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "NODE_EXTRA_CA_CERTS", "CURL_CA_BUNDLE"}

// EnvLines renders, for shell ("sh", "fish" or "powershell"; "" is sh), the
// lines that point a bot at the intercept proxy listening on proxyAddr
// (host:port or http://host:port) and make it trust the CA bundle at
// bundlePath (see CA.WriteBundle): HTTPS_PROXY, NO_PROXY for loopback, the CA
// bundle variables, and comments for the runtimes that need code instead.
func EnvLines(shell, proxyAddr, bundlePath string) ([]string, error) {
	set, comment, err := shellSyntax(shell)
	if err != nil {
		return nil, err
	}
	proxy, err := proxyURL(proxyAddr)
	if err != nil {
		return nil, err
	}
	if bundlePath == "" {
		return nil, fmt.Errorf("intercept: empty CA bundle path")
	}
	host, port, err := net.SplitHostPort(proxy.Host)
	if err != nil {
		return nil, fmt.Errorf("intercept: proxy address %q: %w", proxyAddr, err)
	}
	p := proxy.String()
	lines := []string{
		comment("messemu: send https://graph.facebook.com to messemu's intercept proxy (messemu serve --intercept " + proxy.Host + ")"),
		set("HTTPS_PROXY", p),
		set("https_proxy", p),
		set("NO_PROXY", NoProxy),
		set("no_proxy", NoProxy),
	}
	for _, name := range bundleVars {
		lines = append(lines, set(name, bundlePath))
	}
	lines = append(lines,
		comment("Go, Python requests, curl and Ruby need nothing more."),
		comment("Node: fetch and https use HTTPS_PROXY only with NODE_USE_ENV_PROXY=1 (Node 24.5+, 22.21+); on older Node preload global-agent: GLOBAL_AGENT_ENVIRONMENT_VARIABLE_NAMESPACE= GLOBAL_AGENT_FORCE_GLOBAL_AGENT=false node -r global-agent/bootstrap bot.js"),
		comment(fmt.Sprintf("Erlang/Elixir httpc ignores these variables: httpc:set_options([{https_proxy, {{%q, %s}, [\"localhost\"]}}]) and {ssl, [{cacertfile, %q}]} in the request's HTTPOptions.", host, port, bundlePath)),
	)
	return lines, nil
}

// proxyURL turns a listener address into the proxy URL clients need. A
// listener on all interfaces (":8443", "0.0.0.0:8443") is reached on
// loopback.
func proxyURL(addr string) (*url.URL, error) {
	if addr == "" {
		return nil, fmt.Errorf("intercept: empty proxy address")
	}
	raw := addr
	if !strings.Contains(raw, "://") {
		raw = "http://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("intercept: proxy address %q: %w", addr, err)
	}
	if u.Scheme != "http" {
		return nil, fmt.Errorf("intercept: proxy address %q: the intercept proxy speaks plain http, not %s", addr, u.Scheme)
	}
	host, port, err := net.SplitHostPort(u.Host)
	if err != nil || port == "" {
		return nil, fmt.Errorf("intercept: proxy address %q needs a host and a port, e.g. %s", addr, DefaultAddr)
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
		if ip != nil && ip.To4() == nil {
			host = "::1"
		}
	}
	return &url.URL{Scheme: "http", Host: net.JoinHostPort(host, port)}, nil
}

// shellSyntax returns how shell sets an exported variable and writes a
// comment.
func shellSyntax(shell string) (set func(name, value string) string, comment func(string) string, err error) {
	comment = func(s string) string { return "# " + s }
	switch shell {
	case "", "sh", "bash", "zsh":
		set = func(name, value string) string {
			return "export " + name + "='" + strings.ReplaceAll(value, "'", `'\''`) + "'"
		}
	case "fish":
		set = func(name, value string) string {
			q := strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(value)
			return "set -gx " + name + " '" + q + "'"
		}
	case "powershell", "pwsh":
		set = func(name, value string) string {
			return "$env:" + name + " = '" + strings.ReplaceAll(value, "'", "''") + "'"
		}
	default:
		return nil, nil, fmt.Errorf("intercept: unknown shell %q (want one of %s)", shell, strings.Join(Shells, ", "))
	}
	return set, comment, nil
}
