package main

/*
#include <stdint.h>
#include <stddef.h>

// fnv1a32 hashes bytes with 32-bit FNV-1a; it lives in C to make this a real cgo Lambda.
static uint32_t fnv1a32(const unsigned char *p, size_t n) {
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 16777619u;
	}
	return h;
}
*/
import "C"

import "unsafe"

func fnv1a32(s string) uint32 {
	if len(s) == 0 {
		return uint32(C.fnv1a32(nil, 0))
	}
	b := []byte(s)
	return uint32(C.fnv1a32((*C.uchar)(unsafe.Pointer(&b[0])), C.size_t(len(b))))
}
