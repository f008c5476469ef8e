/*
 * CMpg123: libmpg123 (Debian's libmpg123-dev), the MP3 decoder behind the streams' audio
 * levels (silence detection). No logic lives here.
 */
#ifndef CMPG123_SHIM_H
#define CMPG123_SHIM_H
#include <mpg123.h>
#endif
