/*
 * libiscsi.h: libiscsi, loaded the first time an iSCSI session needs it.
 *
 * libiscsi brings libstdc++, librdmacm, libibverbs and libnl with it:
 * linked, they cost every process that links libstorcat about 1 MiB of
 * memory and part of its start, iSCSI pools or not. So the library is
 * opened with dlopen by scLibiscsiLoad (scIscsiOpen calls it), and the
 * files that call it include this header instead of <iscsi/iscsi.h>: the
 * calls keep libiscsi's names and go through the table.
 */
#ifndef SC_LIBISCSI_H
#define SC_LIBISCSI_H

#include <iscsi/iscsi.h>
#include <iscsi/scsi-lowlevel.h>

/* Every libiscsi function storcat calls. */
#define SC_LIBISCSI_CALLS(X) \
    X(iscsi_connect_async) \
    X(iscsi_create_context) \
    X(iscsi_destroy_context) \
    X(iscsi_disconnect) \
    X(iscsi_discovery_async) \
    X(iscsi_get_error) \
    X(iscsi_get_fd) \
    X(iscsi_inquiry_task) \
    X(iscsi_login_async) \
    X(iscsi_logout_async) \
    X(iscsi_read16_task) \
    X(iscsi_readcapacity16_task) \
    X(iscsi_reportluns_task) \
    X(iscsi_service) \
    X(iscsi_set_header_digest) \
    X(iscsi_set_initiator_username_pwd) \
    X(iscsi_set_log_level) \
    X(iscsi_set_noautoreconnect) \
    X(iscsi_set_session_type) \
    X(iscsi_set_targetname) \
    X(iscsi_unmap_task) \
    X(iscsi_which_events) \
    X(iscsi_write16_task) \
    X(iscsi_writesame16_task) \
    X(scsi_free_scsi_task) \
    X(scsi_sense_ascq_str) \
    X(scsi_sense_key_str)

typedef struct {
#define SC_LIBISCSI_FIELD(name) __typeof__(name) *name;
    SC_LIBISCSI_CALLS(SC_LIBISCSI_FIELD)
#undef SC_LIBISCSI_FIELD
} scLibiscsiCalls;

extern scLibiscsiCalls scLibiscsi;

/* Open libiscsi and find every call, once per process: 0, or -1 with an
 * error that says what is missing (the library, or a call in it). */
int scLibiscsiLoad(void);

#ifndef SC_LIBISCSI_NO_NAMES
#define iscsi_connect_async (scLibiscsi.iscsi_connect_async)
#define iscsi_create_context (scLibiscsi.iscsi_create_context)
#define iscsi_destroy_context (scLibiscsi.iscsi_destroy_context)
#define iscsi_disconnect (scLibiscsi.iscsi_disconnect)
#define iscsi_discovery_async (scLibiscsi.iscsi_discovery_async)
#define iscsi_get_error (scLibiscsi.iscsi_get_error)
#define iscsi_get_fd (scLibiscsi.iscsi_get_fd)
#define iscsi_inquiry_task (scLibiscsi.iscsi_inquiry_task)
#define iscsi_login_async (scLibiscsi.iscsi_login_async)
#define iscsi_logout_async (scLibiscsi.iscsi_logout_async)
#define iscsi_read16_task (scLibiscsi.iscsi_read16_task)
#define iscsi_readcapacity16_task (scLibiscsi.iscsi_readcapacity16_task)
#define iscsi_reportluns_task (scLibiscsi.iscsi_reportluns_task)
#define iscsi_service (scLibiscsi.iscsi_service)
#define iscsi_set_header_digest (scLibiscsi.iscsi_set_header_digest)
#define iscsi_set_initiator_username_pwd (scLibiscsi.iscsi_set_initiator_username_pwd)
#define iscsi_set_log_level (scLibiscsi.iscsi_set_log_level)
#define iscsi_set_noautoreconnect (scLibiscsi.iscsi_set_noautoreconnect)
#define iscsi_set_session_type (scLibiscsi.iscsi_set_session_type)
#define iscsi_set_targetname (scLibiscsi.iscsi_set_targetname)
#define iscsi_unmap_task (scLibiscsi.iscsi_unmap_task)
#define iscsi_which_events (scLibiscsi.iscsi_which_events)
#define iscsi_write16_task (scLibiscsi.iscsi_write16_task)
#define iscsi_writesame16_task (scLibiscsi.iscsi_writesame16_task)
#define scsi_free_scsi_task (scLibiscsi.scsi_free_scsi_task)
#define scsi_sense_ascq_str (scLibiscsi.scsi_sense_ascq_str)
#define scsi_sense_key_str (scLibiscsi.scsi_sense_key_str)
#endif

#endif /* SC_LIBISCSI_H */
