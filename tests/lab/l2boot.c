/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * l2boot: the smallest KVM VMM that boots a Linux kernel, run inside the
 * lab to show that the lab's KVM really runs a second-level guest (and to
 * time it under TCG).  The guest gets RAM, the in-kernel GICv3, the arch
 * timer and PSCI from KVM, and a transmit-only PL011 emulated here; every
 * other MMIO access reads as zero.  The memory layout must match
 * l2.dts.in:
 *
 *   0x09000000  PL011 (SPI 1)
 *   0x40000000  RAM, 256 MiB
 *     0x40200000  kernel Image (2 MiB aligned; text_offset added)
 *     0x4c000000  device tree
 *     0x4c100000  initrd
 *
 * usage: l2boot IMAGE DTB [INITRD]
 * The guest console is printed with an "L2| " prefix, then one
 * "STEP ... OK|FAIL" line; the exit status is 0 when the guest powered
 * itself off through PSCI.  Built static for aarch64 by setup.sh.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <linux/kvm.h>

#define RAM_BASE        0x40000000ULL
#define RAM_SIZE        0x10000000ULL
#define KERNEL_ADDR     0x40200000ULL
#define DTB_ADDR        0x4c000000ULL
#define INITRD_ADDR     0x4c100000ULL
#define UART_BASE       0x09000000ULL
#define UART_SIZE       0x1000
#define UART_SPI        1
#define GICD_BASE       0x08000000ULL
#define GICR_BASE       0x080a0000ULL
#define RUN_LIMIT_MS    600000.0

/* PL011 registers and bits used here. */
#define UART_DR         0x00
#define UART_FR         0x18
#define UART_CR         0x30
#define UART_IMSC       0x38
#define UART_RIS        0x3c
#define UART_MIS        0x40
#define UART_FR_RXFE    0x10
#define UART_FR_TXFE    0x80
#define UART_INT_TX     0x20

#define CORE_REG(x)                                                     \
    (KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE |              \
     (offsetof(struct kvm_regs, x) / sizeof(uint32_t)))

typedef struct Uart {
    uint32_t cr, imsc;
    int irq_level;
    int at_line_start;
    double first_output_ms;
} Uart;

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void die(const char *what)
{
    perror(what);
    exit(1);
}

/* Read a whole file into dst (at most max bytes); returns its size. */
static size_t load_file(const char *path, uint8_t *dst, size_t max)
{
    struct stat st;
    size_t done = 0;
    int fd = open(path, O_RDONLY);

    if (fd < 0 || fstat(fd, &st) < 0) {
        die(path);
    }
    if ((size_t)st.st_size > max) {
        fprintf(stderr, "l2boot: %s does not fit (%zu bytes max)\n",
                path, max);
        exit(1);
    }
    while (done < (size_t)st.st_size) {
        ssize_t n = read(fd, dst + done, st.st_size - done);
        if (n <= 0) {
            die(path);
        }
        done += n;
    }
    close(fd);
    return done;
}

/* The PL011's PrimeCell identification registers (0xfe0..0xffc). */
static uint32_t uart_id(uint32_t off)
{
    static const uint8_t id[8] = {
        0x11, 0x10, 0x34, 0x00, 0x0d, 0xf0, 0x05, 0xb1
    };

    return id[(off - 0xfe0) / 4];
}

static void uart_update_irq(int vm, Uart *u)
{
    /* The transmit FIFO is always empty: TX raised whenever enabled. */
    int level = (u->imsc & UART_INT_TX) != 0;
    struct kvm_irq_level irq = {
        .irq = (KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT) |
               (32 + UART_SPI),
        .level = level,
    };

    if (level != u->irq_level) {
        ioctl(vm, KVM_IRQ_LINE, &irq);
        u->irq_level = level;
    }
}

static void uart_access(int vm, Uart *u, struct kvm_run *run)
{
    uint32_t off = run->mmio.phys_addr - UART_BASE;
    uint32_t val = 0;
    unsigned len = run->mmio.len < 4 ? run->mmio.len : 4;

    if (run->mmio.is_write) {
        memcpy(&val, run->mmio.data, len);
        if (off == UART_DR) {
            char c = val & 0xff;
            if (!u->first_output_ms) {
                u->first_output_ms = now_ms();
            }
            if (u->at_line_start) {
                fputs("L2| ", stdout);
            }
            if (c != '\r') {
                putchar(c);
            }
            u->at_line_start = c == '\n';
        } else if (off == UART_CR) {
            u->cr = val;
        } else if (off == UART_IMSC) {
            u->imsc = val;
        }
    } else {
        if (off == UART_FR) {
            val = UART_FR_TXFE | UART_FR_RXFE;
        } else if (off == UART_CR) {
            val = u->cr;
        } else if (off == UART_IMSC) {
            val = u->imsc;
        } else if (off == UART_RIS) {
            val = UART_INT_TX;
        } else if (off == UART_MIS) {
            val = UART_INT_TX & u->imsc;
        } else if (off >= 0xfe0 && off <= 0xffc) {
            val = uart_id(off);
        }
        memset(run->mmio.data, 0, sizeof(run->mmio.data));
        memcpy(run->mmio.data, &val, len);
    }
    uart_update_irq(vm, u);
}

static void set_reg(int vcpu, uint64_t id, uint64_t val)
{
    struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)&val };

    if (ioctl(vcpu, KVM_SET_ONE_REG, &reg) < 0) {
        die("KVM_SET_ONE_REG");
    }
}

static void set_attr(int fd, uint32_t group, uint64_t attr, void *val)
{
    struct kvm_device_attr a = {
        .group = group, .attr = attr, .addr = (uintptr_t)val,
    };

    if (ioctl(fd, KVM_SET_DEVICE_ATTR, &a) < 0) {
        die("KVM_SET_DEVICE_ATTR");
    }
}

int main(int argc, char **argv)
{
    double t0 = now_ms(), t_end;
    struct kvm_create_device gic = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };
    struct kvm_vcpu_init init;
    struct kvm_run *run;
    Uart uart = { .at_line_start = 1 };
    uint64_t gicd = GICD_BASE, gicr = GICR_BASE, text_offset;
    uint32_t nr_irqs = 64;
    unsigned long exits = 0, mmio_exits = 0;
    const char *why = "unknown";
    size_t ksize, dsize, isize = 0;
    uint8_t *ram, *kernel;
    int kvm, vm, vcpu, ok;

    if (argc < 3) {
        fprintf(stderr, "usage: %s IMAGE DTB [INITRD]\n", argv[0]);
        return 2;
    }
    setvbuf(stdout, NULL, _IONBF, 0);

    kvm = open("/dev/kvm", O_RDWR);
    if (kvm < 0) {
        die("/dev/kvm");
    }
    vm = ioctl(kvm, KVM_CREATE_VM, 0);
    if (vm < 0) {
        die("KVM_CREATE_VM");
    }
    ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE,
               MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (ram == MAP_FAILED) {
        die("mmap");
    }
    struct kvm_userspace_memory_region slot = {
        .slot = 0, .guest_phys_addr = RAM_BASE, .memory_size = RAM_SIZE,
        .userspace_addr = (uintptr_t)ram,
    };
    if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &slot) < 0) {
        die("KVM_SET_USER_MEMORY_REGION");
    }

    /* The arm64 Image header has text_offset at byte 8. */
    kernel = ram + (KERNEL_ADDR - RAM_BASE);
    ksize = load_file(argv[1], kernel, DTB_ADDR - KERNEL_ADDR);
    memcpy(&text_offset, kernel + 8, sizeof(text_offset));
    if (text_offset) {
        memmove(kernel + text_offset, kernel, ksize);
    }
    dsize = load_file(argv[2], ram + (DTB_ADDR - RAM_BASE),
                      INITRD_ADDR - DTB_ADDR);
    if (argc > 3) {
        isize = load_file(argv[3], ram + (INITRD_ADDR - RAM_BASE),
                          RAM_BASE + RAM_SIZE - INITRD_ADDR);
    }
    printf("l2boot: kernel %zu bytes (text_offset 0x%llx), dtb %zu, "
           "initrd %zu\n", ksize, (unsigned long long)text_offset, dsize,
           isize);

    if (ioctl(vm, KVM_CREATE_DEVICE, &gic) < 0) {
        die("KVM_CREATE_DEVICE");
    }
    set_attr(gic.fd, KVM_DEV_ARM_VGIC_GRP_ADDR,
             KVM_VGIC_V3_ADDR_TYPE_DIST, &gicd);
    set_attr(gic.fd, KVM_DEV_ARM_VGIC_GRP_ADDR,
             KVM_VGIC_V3_ADDR_TYPE_REDIST, &gicr);
    vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
    if (vcpu < 0 || ioctl(vm, KVM_ARM_PREFERRED_TARGET, &init) < 0) {
        die("KVM_CREATE_VCPU");
    }
    init.features[0] |= 1u << KVM_ARM_VCPU_PSCI_0_2;
    if (ioctl(vcpu, KVM_ARM_VCPU_INIT, &init) < 0) {
        die("KVM_ARM_VCPU_INIT");
    }
    /* Optional: the default number of interrupts is fine as well. */
    struct kvm_device_attr nr = {
        .group = KVM_DEV_ARM_VGIC_GRP_NR_IRQS, .addr = (uintptr_t)&nr_irqs,
    };
    ioctl(gic.fd, KVM_SET_DEVICE_ATTR, &nr);
    set_attr(gic.fd, KVM_DEV_ARM_VGIC_GRP_CTRL,
             KVM_DEV_ARM_VGIC_CTRL_INIT, NULL);
    set_reg(vcpu, CORE_REG(regs.pc), KERNEL_ADDR + text_offset);
    set_reg(vcpu, CORE_REG(regs.regs[0]), DTB_ADDR);

    run = mmap(NULL, ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0),
               PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
    if (run == MAP_FAILED) {
        die("mmap kvm_run");
    }
    for (;;) {
        if (ioctl(vcpu, KVM_RUN, 0) < 0) {
            if (errno == EINTR) {
                continue;
            }
            perror("KVM_RUN");
            why = "KVM_RUN failed";
            break;
        }
        exits++;
        if (now_ms() - t0 > RUN_LIMIT_MS) {
            why = "time limit";
            break;
        }
        if (run->exit_reason == KVM_EXIT_SYSTEM_EVENT) {
            if (run->system_event.type == KVM_SYSTEM_EVENT_SHUTDOWN) {
                why = "PSCI SYSTEM_OFF";
            } else if (run->system_event.type == KVM_SYSTEM_EVENT_RESET) {
                why = "PSCI SYSTEM_RESET";
            } else {
                why = "system event";
            }
            break;
        }
        if (run->exit_reason != KVM_EXIT_MMIO) {
            printf("\nl2boot: unexpected exit reason %u\n",
                   run->exit_reason);
            why = "unexpected exit";
            break;
        }
        mmio_exits++;
        if (run->mmio.phys_addr >= UART_BASE &&
            run->mmio.phys_addr < UART_BASE + UART_SIZE) {
            uart_access(vm, &uart, run);
        } else if (!run->mmio.is_write) {
            memset(run->mmio.data, 0, sizeof(run->mmio.data));
        }
    }

    t_end = now_ms();
    ok = !strcmp(why, "PSCI SYSTEM_OFF");
    printf("%sSTEP %-34s: %s %s after %.0f ms (first console byte after "
           "%.0f ms), %lu exits (%lu MMIO)\n",
           uart.at_line_start ? "" : "\n", "L2 Linux boot via KVM in L1",
           ok ? "OK" : "FAIL", why, t_end - t0,
           uart.first_output_ms ? uart.first_output_ms - t0 : -1.0,
           exits, mmio_exits);
    return ok ? 0 : 1;
}
