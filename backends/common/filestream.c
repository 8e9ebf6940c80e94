/*
 * filestream.c: the stream transfers of file volumes (backend.h's
 * vol_upload_stream / vol_download_stream for dir, and fs / netfs once
 * they mount): the volume opened as fileops opens it (relative to the
 * pool directory, O_NOFOLLOW, the file the catalog recorded), then
 * streamio moves the chunks, holes as holes.
 */
#include <config.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileops_priv.h"
#include "streamio.h"

int
scFileUploadStream(const scDir *dir, const scVolRecord *vol, scStreamIn *in,
                   unsigned long long offset)
{
    int fd = scFileOpenVolume(dir, vol, O_RDWR);
    int r;

    if (fd < 0)
        return -1;
    r = scStreamToFd(in, fd, false, offset, vol->name);
    close(fd);
    return r;
}

int
scFileDownloadStream(const scDir *dir, const scVolRecord *vol, scStreamOut *out,
                     unsigned long long offset, unsigned long long length, unsigned int flags)
{
    int fd = scFileOpenVolume(dir, vol, O_RDONLY);
    struct stat st;
    int r = -1;

    if (fd < 0)
        return -1;
    if (fstat(fd, &st) < 0)
        scReportSystemError(SC_FROM_STORAGE, errno, "cannot stat volume '%s'", vol->name);
    else
        r = scStreamFromFd(out, fd, false, flags & SC_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM,
                           (unsigned long long) st.st_size, offset, length, vol->name);
    close(fd);
    return r;
}
