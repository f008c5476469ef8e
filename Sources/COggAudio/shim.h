/*
 * COggAudio: libogg (pages and packets), libvorbis (Vorbis synthesis) and libopus (the Opus
 * decoder), Debian's libogg-dev, libvorbis-dev and libopus-dev, for the audio levels of Ogg
 * streams. No logic lives here. opus.h is included by its path under /usr/include (its
 * pkg-config file points into /usr/include/opus; its own includes are relative).
 */
#ifndef COGGAUDIO_SHIM_H
#define COGGAUDIO_SHIM_H
#include <ogg/ogg.h>
#include <vorbis/codec.h>
#include <opus/opus.h>
#endif
