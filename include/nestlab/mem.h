/*
 * memcpy/memset/memmove/memcmp/strlen for code that builds both freestanding
 * (L1, L2: implemented in lib/freestanding/string.c) and hosted (tests, tools:
 * the C library's). Pure modules include this instead of <string.h>.
 */
#ifndef NESTLAB_MEM_H
#define NESTLAB_MEM_H

#include <stddef.h>

#ifdef NESTLAB_FREESTANDING
void  *memcpy(void *dst, const void *src, size_t n);
void  *memmove(void *dst, const void *src, size_t n);
void  *memset(void *dst, int c, size_t n);
int    memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
#else
#include <string.h>
#endif

#endif
