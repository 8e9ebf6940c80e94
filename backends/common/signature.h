/*
 * signature.h: what libblkid finds on a device a pool is about to be built
 * on (a file system, a partition table, an LVM physical volume, ...), so
 * that a build without overwrite refuses it, naming it.
 */
#ifndef SC_SIGNATURE_H
#define SC_SIGNATURE_H

#include <stddef.h>

/* Room for scDeviceSignature's @found and @type. */
#define SC_SIGNATURE_MAX 128

/*
 * scDeviceSignature:
 * Probes device (or file) @path with libblkid for any signature, as
 * blkid_do_safeprobe sees them. Returns 1 when it finds one, with its
 * TYPE or PTTYPE in @type ("ext4", "gpt"; "" when it has none) and a
 * phrase for a message in @found ("a 'ext4' file system", "a 'gpt'
 * partition table", "several conflicting signatures"); 0 when it finds
 * none; -1 when the device cannot be probed (reported, naming pool
 * @pool and the device).
 */
int scDeviceSignature(const char *pool, const char *path, char type[SC_SIGNATURE_MAX],
                      char found[SC_SIGNATURE_MAX]);

#endif /* SC_SIGNATURE_H */
