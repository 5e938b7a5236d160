// Package intercept lets a bot that hard-codes https://graph.facebook.com talk
// to messemu without changing its code, only its environment.
//
// A [Proxy] is an HTTP proxy. A CONNECT to graph.facebook.com is accepted, its
// TLS is terminated with a certificate issued by messemu's own certificate
// authority (a [CA]), and the requests inside are served by the emulator's
// handler, the same one as the plain listener. Absolute-form plain-HTTP proxy
// requests for graph.facebook.com are served the same way. Every other host is
// refused with 403 and nothing is dialled, unless the proxy was built with
// [Options.Passthrough], in which case other hosts are tunnelled unchanged.
//
// The CA is created once and kept on disk (see [DefaultCADir]) so that a trust
// setting made once keeps working. Its certificate is name-constrained to
// graph.facebook.com: even a leaked key cannot be used to impersonate any
// other site. Leaf certificates are short-lived and kept only in memory.
//
// [EnvLines] renders the environment variables (HTTPS_PROXY, NO_PROXY and the
// CA bundle variables) that point common HTTP clients at the proxy.
package intercept
