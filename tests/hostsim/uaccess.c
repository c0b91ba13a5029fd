/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * User memory as the simulated kernel sees it.  The kernel copies ioctl
 * structs and arrays with copy_{from,to}_user and answers EFAULT for a
 * bad pointer; the simulator lives in the same process, so it copies
 * through process_vm_readv/writev on itself, which fail cleanly instead
 * of crashing.  IOAS_MAP's page pinning is stood in for by a look at
 * /proc/self/maps: an unmapped range is EFAULT, a writeable map of
 * read-only memory EPERM (1.8).
 */
#include "hostsim-int.h"

#include <stdio.h>
#include <sys/uio.h>
#include <unistd.h>

static int hs_vm_copy(void *local, uint64_t remote, size_t len, bool write)
{
    struct iovec lv = { .iov_base = local, .iov_len = len };
    struct iovec rv = { .iov_base = (void *)(uintptr_t)remote,
                        .iov_len = len };
    ssize_t n;

    if (len == 0) {
        return 0;
    }
    if (remote == 0 || remote + len < remote) {
        return -EFAULT;
    }
    n = write ? process_vm_writev(getpid(), &lv, 1, &rv, 1, 0)
              : process_vm_readv(getpid(), &lv, 1, &rv, 1, 0);
    return n == (ssize_t)len ? 0 : -EFAULT;
}

int hs_copy_from_user(void *dst, uint64_t uptr, size_t len)
{
    return hs_vm_copy(dst, uptr, len, false);
}

int hs_copy_to_user(uint64_t uptr, const void *src, size_t len)
{
    return hs_vm_copy((void *)src, uptr, len, true);
}

int hs_check_user_range(uint64_t va, uint64_t len, bool write)
{
    uint64_t cur = va, end = va + len;
    bool ro = false;
    char line[512];
    FILE *f;
    int fd;

    if (len == 0 || end < va) {
        return -EFAULT;
    }
    fd = hs_real.open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return -EFAULT;
    }
    f = fdopen(fd, "r");
    if (!f) {
        hs_real.close(fd);
        return -EFAULT;
    }
    /* The lines are sorted by address: walk them while covering. */
    while (cur < end && fgets(line, sizeof(line), f)) {
        unsigned long long lo, hi;
        char perms[5];

        if (sscanf(line, "%llx-%llx %4s", &lo, &hi, perms) != 3) {
            continue;
        }
        if (hi <= cur) {
            continue;
        }
        if (lo > cur) {
            break;                  /* a hole */
        }
        if (perms[0] != 'r' && perms[1] != 'w') {
            break;                  /* PROT_NONE cannot be pinned */
        }
        if (perms[1] != 'w') {
            ro = true;
        }
        cur = hi;
    }
    fclose(f);
    if (cur < end) {
        return -EFAULT;
    }
    return (write && ro) ? -EPERM : 0;
}
