/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The random walk of test-fuzz.c, shared by its two files: the walk's
 * state and random-value helpers (test-fuzz.c) and the operations it
 * picks from (test-fuzz-ops.c).
 */
#ifndef TEST_FUZZ_H
#define TEST_FUZZ_H

#include "hostsim-int.h"

#define PAGE                4096u
#define ARENA_SIZE          (256u * PAGE)
/* [none][arena][none][arg][none][ro][none] */
#define REGION_SIZE         (ARENA_SIZE + 6 * PAGE)
#define MAX_IOMMUFD         2
#define MAX_DEVS            3
#define MAX_EXTRA           16
#define MAX_IDS             8
#define MAX_MAPS            8
#define REGION(i)           ((uint64_t)(i) << HS_VFIO_OFFSET_SHIFT)

/* Object IDs the walk has seen, by what they should be. */
typedef enum IdKind {
    ID_DEV, ID_IOAS, ID_HWPT, ID_VIOMMU, ID_VDEV, ID_QUEUE, ID_KINDS,
} IdKind;

typedef struct Fuzz {
    GRand *rng;
    bool verbose;
    int iommufd[MAX_IOMMUFD];
    int dev[MAX_DEVS];          /* VFIO cdev of function i, or -1 */
    uint32_t devid[MAX_DEVS];   /* its DEVICE ID once bound here */
    int extra[MAX_EXTRA];       /* queue fds and dups, or -1 */
    uint32_t ids[ID_KINDS][MAX_IDS];    /* rings of IDs seen */
    unsigned nids[ID_KINDS];
    uint8_t *region;            /* all of the below, fenced */
    uint8_t *arena;             /* RW memory the IOASes map */
    uint8_t *ro;                /* a read-only page */
    uint8_t *none;              /* a PROT_NONE page */
    uint8_t *arg;               /* an RW page followed by a guard page */
    int memfd;                  /* for MAP_FILE */
    int efd[2];                 /* eventfds for IRQs and REQ */
    int sock;                   /* a connection to the control socket */
    struct { void *p; size_t len; } maps[MAX_MAPS];
    uint64_t ops, ioctls, ioctl_ok;
} Fuzz;

/* Random values (test-fuzz.c). */
uint32_t r32(Fuzz *z);
uint64_t r64(Fuzz *z);
unsigned below(Fuzz *z, unsigned n);
bool chance(Fuzz *z, unsigned one_in);
void note_id(Fuzz *z, IdKind k, uint32_t id);
uint32_t rand_id(Fuzz *z, IdKind k);
uint64_t rand_ptr(Fuzz *z, size_t len);
uint32_t rand_size(Fuzz *z, uint32_t ksize);
int rand_fd(Fuzz *z);
int rand_iommufd(Fuzz *z);
void rand_word(Fuzz *z, GString *s);
/* Keep fd in a free slot (or close it). */
void keep_extra(Fuzz *z, int fd);
/* Trace (HOSTSIM_FUZZ_VERBOSE), ioctl returning -errno, control request. */
void say(Fuzz *z, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
int xioctl(Fuzz *z, int fd, unsigned long req, void *arg);
void ctl(Fuzz *z, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

extern const char *const fuzz_bdfs[3];

/* The operations (test-fuzz-ops.c). */
void op_random_ioctl(Fuzz *z);
void op_open(Fuzz *z);
void op_close(Fuzz *z);
void op_bind(Fuzz *z);
void op_attach(Fuzz *z);
void op_ioas(Fuzz *z);
void op_hwpt(Fuzz *z);
void op_queue(Fuzz *z);
void op_invalidate(Fuzz *z);
void op_destroy(Fuzz *z);
void op_nest_flow(Fuzz *z);
void op_region(Fuzz *z);
void op_read_queue(Fuzz *z);
void op_mmap(Fuzz *z);
void op_edu(Fuzz *z);
void op_irqs(Fuzz *z);
void op_control(Fuzz *z);
void op_socket(Fuzz *z);
void op_misc(Fuzz *z);
void op_fdmisc(Fuzz *z);
void op_path(Fuzz *z);

#endif
