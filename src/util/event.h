/*
 * event.h: what the core needs of the event loop (event.c) beyond the
 * public scEvent* calls.
 */
#ifndef SC_UTIL_EVENT_H
#define SC_UTIL_EVENT_H

#include "internal.h"

/* Is an event loop registered (scEventRegisterImpl or the default one),
 * with the calls the event dispatcher needs (watches and timers)? */
bool scEventHaveImpl(void);

#endif /* SC_UTIL_EVENT_H */
