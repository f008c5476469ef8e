/*
 * CMalloc: glibc's <malloc.h> for Swift (malloc_trim, which the Glibc module leaves out).
 * No logic lives here.
 */
#ifndef CMALLOC_SHIM_H
#define CMALLOC_SHIM_H

#include <malloc.h>

#endif /* CMALLOC_SHIM_H */
