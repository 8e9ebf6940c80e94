/*
 * lun.h: a SCSI logical unit as a volume record, whatever reached it (a
 * user-space iSCSI session, the kernel's initiator): what INQUIRY
 * (standard, VPD 0x80 and 0x83) and READ CAPACITY(16) said, made into the
 * generic record of backends/backend.h with the same signature, identity,
 * attributes and alias paths, so that one LUN seen through two pools
 * matches.
 */
#ifndef SC_LUN_H
#define SC_LUN_H

#include <stdint.h>

#include "backends/backend.h"

/* What a LUN's inquiries said; strings are NUL-terminated, "" if unknown. */
typedef struct {
    unsigned int lun;
    int device_type; /* peripheral device type (0 disk, 0x0c controller, ...) */
    char vendor[9];  /* standard INQUIRY, trailing blanks cut */
    char product[17];
    char revision[5];
    char serial[256];     /* VPD 0x80 */
    char designator[520]; /* VPD 0x83, the LU's best designator: "naa.HEX",
                                   "eui.HEX", "t10.TEXT", a SCSI name string; "" none */
    char udev_id[528];    /* the same as udev's scsi_id prints it ("3HEX" for NAA) */
    uint64_t blocks;      /* READ CAPACITY(16): last LBA + 1; 0 for no media */
    uint32_t block_size;
    bool thin; /* LBPME: logical block provisioning enabled */
} scLunInfo;

/* Parse a standard INQUIRY answer (@len bytes) into @info. 0, or -1 if it
 * is too short (nothing reported). */
int scLunParseInquiry(const unsigned char *data, size_t len, scLunInfo *info);
/* Parse VPD page 0x80 (unit serial number). 0 or -1 (too short). */
int scLunParseSerial(const unsigned char *data, size_t len, scLunInfo *info);
/* Parse VPD page 0x83 (device identification): the logical unit's best
 * designator (NAA, then EUI-64, then a SCSI name string, then T10 vendor
 * id) into info->designator and info->udev_id. 0 or -1 (malformed). */
int scLunParseDesignators(const unsigned char *data, size_t len, scLunInfo *info);
/* Parse READ CAPACITY(16) (32 bytes). 0 or -1 (too short). */
int scLunParseCapacity16(const unsigned char *data, size_t len, scLunInfo *info);

/* The capacity in bytes (0 when unknown or overflowing). */
unsigned long long scLunCapacity(const scLunInfo *info);

/* The change signature of @info (what a refresh compares without reading
 * the serial number): device type, inquiry strings, designator, size and
 * provisioning, hashed; into @sig (SC_VOL_SIG_MAX bytes), its length. */
size_t scLunSignature(const scLunInfo *info, unsigned char *sig);

/*
 * scLunRecord:
 * Fill @rec (empty on entry) as a volume of type network (@type) named
 * @name with @key and @path: capacity = allocation = the LUN's size; the
 * signature; the designator as identity (a LUN renumbered keeps its
 * volume), as attribute "designator" and as the alias paths udev gives it
 * (/dev/disk/by-id/wwn-0xHEX for NAA, /dev/disk/by-id/scsi-UDEV_ID);
 * attributes lun, device_type, vendor, product, revision, serial,
 * block_size, thin_provisioning. 0 or -1 (OOM).
 */
int scLunRecord(const scLunInfo *info, const char *name, const char *key, const char *path,
                int type, scVolRecord *rec);

/* "unit:0:0:N", libvirt's name of LUN N. */
#define SC_LUN_NAME_PREFIX "unit:0:0:"
/* The LUN of name "unit:0:0:N": 0 with *@lun, -1 if @name is not one
 * (nothing reported). */
int scLunFromName(const char *name, unsigned int *lun);

/* An order-independent digest of (name, signature) pairs: the change
 * token of a target's LUN list. */
typedef struct {
    uint64_t h[2];
    unsigned long long n;
} scLunDigest;
void scLunDigestAdd(scLunDigest *d, const char *name, const unsigned char *sig, size_t len);
/* As text into @buf (64 bytes). */
void scLunDigestFormat(const scLunDigest *d, char *buf, size_t size);

#endif /* SC_LUN_H */
