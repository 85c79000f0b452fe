package transport

import "net/http"

// securityHeaders are the headers every response carries, whatever
// answers it: a stored reply (fast path or net/http), a rendered page, a
// redirect, a mounted application. A handler may replace one of them (the
// admin sets a Content-Security-Policy of its own, feeds one that allows
// their stylesheet). A list rather than a map: it is copied into every
// response. Values are built once; net/http never modifies a header's slice.
var securityHeaders = []struct {
	name  string
	value []string
}{
	// Pages load nothing from any other origin and run no script at all;
	// frame-ancestors replaces X-Frame-Options in every browser in use.
	{"Content-Security-Policy", []string{"default-src 'none'; img-src 'self' data:; style-src 'self'; font-src 'self'; " +
		"media-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'self'"}},
	{"X-Content-Type-Options", []string{"nosniff"}},
	{"Referrer-Policy", []string{"strict-origin-when-cross-origin"}},
	// No page needs a device or a powerful browser feature.
	{"Permissions-Policy", []string{"accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), " +
		"microphone=(), payment=(), usb=()"}},
	// A window opened from here, or opening this, gets no handle on it,
	// and no other site may embed its resources.
	{"Cross-Origin-Opener-Policy", []string{"same-origin"}},
	{"Cross-Origin-Resource-Policy", []string{"same-origin"}},
}

// hsts is sent over HTTPS only: over plain HTTP it means nothing, and an
// attacker on the path could strip it anyway.
var hsts = []string{"max-age=31536000; includeSubDomains"}

// setSecurityHeaders puts the security headers in h.
func setSecurityHeaders(h http.Header, https bool) {
	for _, sh := range securityHeaders {
		h[sh.name] = sh.value
	}
	if https {
		h["Strict-Transport-Security"] = hsts
	}
}
