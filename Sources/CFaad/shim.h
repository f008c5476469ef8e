/*
 * CFaad: FAAD2, the AAC decoder (Debian's libfaad-dev), for the audio levels of AAC streams
 * (ADTS: AAC-LC, HE-AAC v1 and v2). No logic lives here.
 */
#ifndef CFAAD_SHIM_H
#define CFAAD_SHIM_H
#include <neaacdec.h>
#endif
