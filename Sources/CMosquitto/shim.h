/*
 * CMosquitto: libmosquitto (Debian's libmosquitto-dev) for Swift, for publishing the state to
 * an MQTT broker (StreamMQTT). No logic lives here.
 */
#ifndef CMOSQUITTO_SHIM_H
#define CMOSQUITTO_SHIM_H

#include <mosquitto.h>

#endif
