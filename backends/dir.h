/*
 * dir.h: what an fs pool (backends/fs.c) shares with a dir pool
 * (backends/dir.c). An fs pool is a dir pool on the file system it mounts
 * on its target directory: the mount is fs.c's, the directory and the
 * files in it dir.c's; scBackendFs (in dir.c) joins the two.
 */
#ifndef SC_DIR_H
#define SC_DIR_H

#include "backends/backend.h"

/* The dir pool's build (the target directory, with the definition's
 * permissions) and start (the target's identity and runtime dir), as the
 * build and start slots. */
int scDirPoolBuild(const scPoolDef *def, unsigned int flags);
int scDirPoolStart(const scPoolDef *def, scPoolRuntime *rt);

/* The fs pool's own slots (backends/fs.c). */
int scFsCheck(const scPoolDef *def, bool *active);
int scFsBuild(const scPoolDef *def, unsigned int flags);
int scFsStart(const scPoolDef *def, scPoolRuntime *rt);
int scFsStop(const scPoolDef *def, const scPoolRuntime *rt);

#endif /* SC_DIR_H */
