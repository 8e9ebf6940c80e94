/*
 * signature.c: the signatures libblkid finds on a device (signature.h).
 */
#include <config.h>

#include <blkid.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "signature.h"
#include "util/internal.h"

int
scDeviceSignature(const char *pool, const char *path, char type[SC_SIGNATURE_MAX],
                  char found[SC_SIGNATURE_MAX])
{
    blkid_probe pr = blkid_new_probe_from_filename(path);
    const char *value = NULL, *usage = NULL;
    int rc;

    type[0] = found[0] = '\0';
    if (!pr) {
        scReportSystemError(SC_FROM_STORAGE, errno ? errno : EIO,
                            "pool '%s': cannot probe device '%s' for signatures", pool, path);
        return -1;
    }
    blkid_probe_enable_superblocks(pr, 1);
    blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE | BLKID_SUBLKS_USAGE);
    blkid_probe_enable_partitions(pr, 1);
    blkid_probe_set_partitions_flags(pr, BLKID_PARTS_MAGIC);
    rc = blkid_do_safeprobe(pr);
    if (rc == 0) {
        if (blkid_probe_lookup_value(pr, "TYPE", &value, NULL) == 0) {
            blkid_probe_lookup_value(pr, "USAGE", &usage, NULL);
            snprintf(found, SC_SIGNATURE_MAX, "a '%s' %s", value,
                     strcmp(value, "LVM2_member") == 0 ? "signature (an LVM physical volume)"
                     : usage && strcmp(usage, "filesystem") == 0 ? "file system"
                                                                 : "signature");
        } else if (blkid_probe_lookup_value(pr, "PTTYPE", &value, NULL) == 0) {
            snprintf(found, SC_SIGNATURE_MAX, "a '%s' partition table", value);
        } else {
            snprintf(found, SC_SIGNATURE_MAX, "a signature");
        }
        if (value)
            snprintf(type, SC_SIGNATURE_MAX, "%s", value);
    } else if (rc == -2) {
        snprintf(found, SC_SIGNATURE_MAX, "several conflicting signatures");
    }
    blkid_free_probe(pr);
    if (rc == -1) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                      "pool '%s': libblkid cannot probe device '%s'", pool, path);
        return -1;
    }
    return rc == 1 ? 0 : 1;
}
