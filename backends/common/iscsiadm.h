/*
 * iscsiadm.h: open-iscsi's iscsiadm, as libvirt 9.0's viriscsi.c drives it
 * for the kernel's initiator: the argument vectors of each command and
 * the parsers of what it prints, apart from running them so that tests
 * can check them on a host without the kernel's initiator.
 */
#ifndef SC_ISCSIADM_H
#define SC_ISCSIADM_H

#include <stddef.h>

/* Longest argument vector built here, NULL included. */
#define SC_ISCSIADM_ARGV_MAX 16

/* Where the tool and sysfs are (tests point them elsewhere). */
extern const char *scIscsiadmPath;   /* ISCSIADM from configure */
extern const char *scIscsiSysfsRoot; /* "/sys" */

/* iscsiadm --mode node --portal P --targetname T [--interface I] --login
 * (@login) or --logout. */
void scIscsiadmLoginArgv(const char **argv, const char *portal, const char *target,
                         const char *iface, int login);
/* iscsiadm --mode discovery --type sendtargets --portal P --op nonpersistent */
void scIscsiadmDiscoveryArgv(const char **argv, const char *portal);
/* iscsiadm --mode session */
void scIscsiadmSessionsArgv(const char **argv);
/* iscsiadm --mode session -r SID -R */
void scIscsiadmRescanArgv(const char **argv, const char *session);
/* iscsiadm --mode node --portal P --target T --op update --name N --value V */
void scIscsiadmUpdateArgv(const char **argv, const char *portal, const char *target,
                          const char *name, const char *value);
/* iscsiadm --mode iface; --mode iface --interface I --op new; and
 * --mode iface --interface I --op update --name iface.initiatorname --value IQN */
void scIscsiadmIfaceListArgv(const char **argv);
void scIscsiadmIfaceNewArgv(const char **argv, const char *iface);
void scIscsiadmIfaceSetArgv(const char **argv, const char *iface, const char *iqn);

/* The session id of target @target at @portal in "iscsiadm --mode session"
 * output ("tcp: [1] 10.0.0.1:3260,1 iqn... (non-flash)"), into @buf:
 * 1, 0 if none. */
int scIscsiadmFindSession(const char *out, const char *portal, const char *target, char *buf,
                          size_t size);
/* The targets in sendtargets output ("10.0.0.1:3260,1 iqn..."): @cb for
 * each (nonzero stops and is returned). */
int scIscsiadmEachTarget(const char *out, int (*cb)(const char *target, void *opaque),
                         void *opaque);
/* The interface whose initiator name is @iqn in "iscsiadm --mode iface"
 * output ("default tcp,<empty>,<empty>,<empty>,IQN"), into @buf: 1, 0. */
int scIscsiadmFindIface(const char *out, const char *iqn, char *buf, size_t size);

/* Whether the kernel has an iSCSI initiator: 1, or 0 with why in @why. */
int scIscsiKernelHasInitiator(char *why, size_t size);

#endif /* SC_ISCSIADM_H */
