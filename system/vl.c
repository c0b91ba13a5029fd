/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * From argv to a running VM and back.  The command line is parsed into an
 * ordered list of options first (unknown options and missing arguments are
 * reported before anything starts), "help" requests are answered, and then
 * the boot runs as an explicit list of phases.  Each phase that completed
 * has its teardown run in reverse order on failure and at exit, so a
 * failed start and a clean quit release the same things.
 */
#include "qemu/osdep.h"
#include <glib-unix.h>
#include "chardev/char.h"
#include "hw/boards.h"
#include "hw/qdev-core.h"
#include "monitor/monitor.h"
#include "qemu/keyval.h"
#include "qemu/log.h"
#include "qemu/main-loop.h"
#include "qom/object_interfaces.h"
#include "system/accel.h"
#include "system/memory.h"
#include "system/qtest.h"
#include "system/runstate.h"
#include "system/system.h"
#include "trace/control.h"
#include "trace/trace-system.h"

/* ---- the option table ---- */

typedef enum OptId {
    OPT_ACCEL, OPT_CHARDEV, OPT_D, OPT_DEVICE, OPT_DISPLAY, OPT_DLOG,
    OPT_ENABLE_KVM, OPT_GLOBAL, OPT_HELP, OPT_M, OPT_MACHINE, OPT_MON,
    OPT_NAME, OPT_NODEFAULTS, OPT_NOGRAPHIC, OPT_OBJECT, OPT_QMP,
    OPT_QMP_PRETTY, OPT_QTEST, OPT_QTEST_LOG, OPT_S, OPT_SERIAL, OPT_SMP,
    OPT_TRACE,
    OPT_VERSION,
} OptId;

typedef struct OptDesc {
    const char *name;
    OptId id;
    bool has_arg;
    const char *usage;
} OptDesc;

/* Sorted by name; "-M" and "-machine" are the same option. */
static const OptDesc opt_table[] = {
    { "D", OPT_DLOG, true, "-D logfile       write logs (and the log trace "
      "backend) to logfile" },
    { "M", OPT_MACHINE, true, NULL },
    { "S", OPT_S, false, "-S               do not start the VM; wait for "
      "QMP 'cont'" },
    { "accel", OPT_ACCEL, true, "-accel qtest|kvm select an accelerator "
      "(no TCG); 'help' lists them" },
    { "chardev", OPT_CHARDEV, true, "-chardev socket,id=ID,path=PATH|host="
      "H,port=P[,server=on|off][,wait=on|off]\n"
      "                 | stdio,id=ID | null,id=ID" },
    { "d", OPT_D, true, "-d item1,...     enable logging of items "
      "('-d help' lists them)" },
    { "device", OPT_DEVICE, true, "-device DRIVER[,prop=value][,...]  "
      "add a device ('-device help', '-device DRIVER,help')" },
    { "display", OPT_DISPLAY, true, "-display none    no display (the "
      "only kind there is)" },
    { "enable-kvm", OPT_ENABLE_KVM, false, "-enable-kvm      same as "
      "-accel kvm" },
    { "global", OPT_GLOBAL, true, "-global DRIVER.PROP=VALUE  default for "
      "a property of every DRIVER" },
    { "h", OPT_HELP, false, "-h, -help        print this help and exit" },
    { "help", OPT_HELP, false, NULL },
    { "m", OPT_M, true, "-m [size=]N[KMGT]  guest RAM (MiB without a "
      "suffix)" },
    { "machine", OPT_MACHINE, true, "-M, -machine [type=]NAME[,prop=value]"
      "  select the machine ('-machine help')" },
    { "mon", OPT_MON, true, "-mon [chardev=]ID,mode=control[,pretty=on]  "
      "QMP monitor on a chardev" },
    { "name", OPT_NAME, true, "-name [guest=]NAME[,process=NAME]  name the "
      "guest" },
    { "nodefaults", OPT_NODEFAULTS, false, "-nodefaults      create no "
      "default devices" },
    { "nographic", OPT_NOGRAPHIC, false, "-nographic       no display" },
    { "object", OPT_OBJECT, true, "-object TYPE,id=ID[,prop=value][,...]  "
      "create an object ('-object help')" },
    { "qmp", OPT_QMP, true, "-qmp unix:PATH,server=on,wait=off | tcp:HOST:"
      "PORT,server=on,wait=off  QMP monitor" },
    { "qmp-pretty", OPT_QMP_PRETTY, true, "-qmp-pretty SPEC  like -qmp, "
      "pretty-printed" },
    { "qtest", OPT_QTEST, true, "-qtest unix:PATH | chardev:ID  qtest "
      "protocol (implies -accel qtest)" },
    { "qtest-log", OPT_QTEST_LOG, true, "-qtest-log FILE  log the qtest "
      "protocol" },
    { "serial", OPT_SERIAL, true, "-serial stdio|null|none|chardev:ID|"
      "unix:PATH[,server=on,wait=off]|tcp:HOST:PORT[,...]\n"
      "                 connect the next UART (the virt machine has one)" },
    { "smp", OPT_SMP, true, "-smp [cpus=]N[,maxcpus=,sockets=,clusters=,"
      "cores=,threads=]" },
    { "trace", OPT_TRACE, true, "-trace [enable=]PATTERN[,events=FILE]"
      "[,file=FILE]  enable trace events ('-trace help')" },
    { "version", OPT_VERSION, false, "-version         print the version "
      "and exit" },
};

typedef struct Opt {
    OptId id;
    char *name;     /* as written, without dashes */
    char *arg;
} Opt;

/* Everything the phases need, gathered from argv. */
typedef struct VLConfig {
    GPtrArray *opts;            /* Opt *, in command-line order */
    JsonObject *machine_opts;   /* merged -machine options */
    char *machine_loc;
    GPtrArray *accels;          /* accelerator names, in order */
    bool start_paused;
    bool have_qtest;
    const char *qtest_spec;     /* the last -qtest */
    const char *qtest_log;      /* the last -qtest-log */
    bool nographic;
    bool nodefaults;
    GPtrArray *serials;         /* Chardev * or NULL (none), by index */
    bool exit_after_init;       /* dumpdtb: stop once the board is built */
    char *vm_name;
    uint64_t ram_size;
    bool ram_size_set;
    unsigned smp_cpus;
    MachineState *machine;
    GPtrArray *torn_down;       /* phase names, for the trace */
} VLConfig;

static VLConfig cfg;

const char *qemu_get_vm_name(void)
{
    return cfg.vm_name;
}

static void opt_free(gpointer p)
{
    Opt *o = p;

    g_free(o->name);
    g_free(o->arg);
    g_free(o);
}

static const OptDesc *opt_lookup(const char *name)
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(opt_table); i++) {
        if (!strcmp(opt_table[i].name, name)) {
            return &opt_table[i];
        }
    }
    return NULL;
}

static void print_usage(void)
{
    size_t i;

    printf("QEMU emulator version " QEMU_VERSION " (" PROJECT_NAME " "
           PROJECT_VERSION ")\n"
           "usage: " QEMU_PROGNAME " [options]\n\n"
           "An arm64 virtual machine monitor compatible with QEMU's command "
           "line, QMP and qtest\nfor the subset it implements.\n\n"
           "Options:\n");
    for (i = 0; i < ARRAY_SIZE(opt_table); i++) {
        if (opt_table[i].usage) {
            printf("%s\n", opt_table[i].usage);
        }
    }
}

static void print_version(void)
{
    printf("QEMU emulator version " QEMU_VERSION " (" PROJECT_NAME " "
           PROJECT_VERSION ")\n"
           "Copyright (c) 2026 the " PROJECT_NAME " authors\n");
}

/* Fatal command-line error with location, exit 1. */
static void G_GNUC_NORETURN cli_fail(const char *option, const char *arg,
                                     Error *err)
{
    if (option) {
        if (arg) {
            loc_push_cmdline(option, arg);
        } else {
            loc_push_cmdline(option, "");
        }
    }
    error_report_err(err);
    exit(1);
}

static void parse_argv(int argc, char **argv)
{
    int i;

    cfg.opts = g_ptr_array_new_with_free_func(opt_free);
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        const OptDesc *d;
        Opt *o;

        if (a[0] != '-' || !a[1]) {
            error_report("%s: positional arguments (disk images) are not "
                         "supported", a);
            exit(1);
        }
        /* QEMU accepts --option as well as -option. */
        a += (a[1] == '-') ? 2 : 1;
        d = opt_lookup(a);
        if (!d) {
            error_report("%s: invalid option", argv[i]);
            exit(1);
        }
        o = g_new0(Opt, 1);
        o->id = d->id;
        o->name = g_strdup(a);
        if (d->has_arg) {
            if (i + 1 >= argc) {
                error_report("%s: requires an argument", argv[i]);
                exit(1);
            }
            o->arg = g_strdup(argv[++i]);
        }
        g_ptr_array_add(cfg.opts, o);
    }
}

static bool is_help(const char *s)
{
    return !strcmp(s, "help") || !strcmp(s, "?");
}

/* ---- options that take effect before any phase ---- */

static JsonObject *parse_keyval_or_die(const Opt *o, const char *implied,
                                       bool *help, bool *from_json)
{
    Error *err = NULL;
    JsonObject *obj;
    bool json = false;

    obj = keyval_parse_or_json(o->arg, implied, help, &json, &err);
    if (!obj) {
        g_autofree char *opt = g_strdup_printf("-%s", o->name);

        cli_fail(opt, o->arg, err);
    }
    if (from_json) {
        *from_json = json;
    }
    return obj;
}

/* A string member of the merged -machine options, or NULL. */
static const char *machine_opt(const char *key)
{
    return cfg.machine_opts ? keyval_get_str(cfg.machine_opts, key, false,
                                             NULL)
                            : NULL;
}

static void merge_machine_opts(const Opt *o)
{
    bool help = false;
    JsonObject *m = parse_keyval_or_die(o, "type", &help, NULL);
    GList *members = json_object_get_members(m), *l;

    if (!cfg.machine_opts) {
        cfg.machine_opts = json_object_new();
    }
    for (l = members; l; l = l->next) {
        JsonNode *v = json_object_dup_member(m, l->data);

        json_object_set_member(cfg.machine_opts, l->data, v);
    }
    g_list_free(members);
    json_object_unref(m);
    if (help) {
        json_object_set_boolean_member(cfg.machine_opts, "help", true);
    }
    g_free(cfg.machine_loc);
    cfg.machine_loc = g_strdup_printf("-%s %s", o->name, o->arg);
}

static void handle_device_help(const Opt *o)
{
    bool help = false;
    g_autoptr(JsonObject) d = parse_keyval_or_die(o, "driver", &help, NULL);
    const char *driver = keyval_get_str(d, "driver", false, NULL);
    Error *err = NULL;

    if (!help) {
        return;
    }
    if (!driver || is_help(driver)) {
        qdev_print_device_list();
        exit(0);
    }
    if (!qdev_print_device_help(driver, &err)) {
        cli_fail("-device", o->arg, err);
    }
    exit(0);
}

static void handle_object_help(const Opt *o)
{
    bool help = false;
    g_autoptr(JsonObject) d = parse_keyval_or_die(o, "qom-type", &help,
                                                  NULL);
    const char *type = keyval_get_str(d, "qom-type", false, NULL);
    Error *err = NULL;

    if (!help) {
        return;
    }
    if (!type || is_help(type)) {
        user_creatable_print_types();
        exit(0);
    }
    if (!user_creatable_print_help(type, &err)) {
        cli_fail("-object", o->arg, err);
    }
    exit(0);
}

static void handle_machine_help(void)
{
    const char *type;
    MachineClass *mc;
    Error *err = NULL;
    g_autofree char *header = NULL;

    if (!cfg.machine_opts ||
        !json_object_has_member(cfg.machine_opts, "help")) {
        return;
    }
    type = machine_opt("type");
    if (!type || is_help(type)) {
        machine_print_list();
        exit(0);
    }
    mc = machine_find_class(type, &err);
    if (!mc) {
        error_report_err(err);
        exit(1);
    }
    header = g_strdup_printf("%s options:",
                             object_class_get_name(OBJECT_CLASS(mc)));
    object_class_print_properties(OBJECT_CLASS(mc), header);
    exit(0);
}

static void parse_accel(const Opt *o)
{
    bool help = false;
    g_autoptr(JsonObject) a = parse_keyval_or_die(o, "accel", &help, NULL);
    const char *name = keyval_get_str(a, "accel", false, NULL);
    g_auto(GStrv) names = NULL;
    int i;

    if (help || (name && is_help(name))) {
        accel_print_list();
        exit(0);
    }
    if (!name) {
        Error *err = NULL;

        error_setg(&err, "Parameter 'accel' is missing");
        cli_fail("-accel", o->arg, err);
    }
    /* QEMU's legacy "kvm:qtest" lists alternatives in order. */
    names = g_strsplit(name, ":", -1);
    for (i = 0; names[i]; i++) {
        if (!accel_find(names[i])) {
            Error *err = NULL;

            error_setg(&err, "invalid accelerator %s", names[i]);
            cli_fail(o->name[0] == 'M' || !strcmp(o->name, "machine")
                     ? "-machine" : "-accel", o->arg, err);
        }
        g_ptr_array_add(cfg.accels, g_strdup(names[i]));
    }
}

static void parse_memory(const Opt *o)
{
    bool help = false;
    g_autoptr(JsonObject) m = parse_keyval_or_die(o, "size", &help, NULL);
    const char *size = keyval_get_str(m, "size", false, NULL);
    Error *err = NULL;
    uint64_t v;

    if (!size) {
        error_setg(&err, "Parameter 'size' is missing");
        cli_fail("-m", o->arg, err);
    }
    if (size[0] == '-') {
        error_setg(&err, "Value '%s' is out of range for parameter 'size'",
                   size);
        cli_fail("-m", o->arg, err);
    }
    if (!qemu_parse_size("size", size, MiB, &v, NULL)) {
        error_setg(&err, "Parameter 'size' expects a non-negative number "
                   "below 2^64");
        error_append_hint(&err, "Optional suffix k, M, G, T, P or E means "
                          "kilo-, mega-, giga-, tera-, peta-\n"
                          "and exabytes, respectively.\n");
        cli_fail("-m", o->arg, err);
    }
    if (v < MiB) {
        error_setg(&err, "ram size %" PRIu64 " is too small: at least "
                   "1 MiB is needed", v);
        cli_fail("-m", o->arg, err);
    }
    cfg.ram_size = v;
    cfg.ram_size_set = true;
}

static void parse_smp(const Opt *o)
{
    static const char *const keys[] = {
        "cpus", "maxcpus", "sockets", "clusters", "cores", "threads", NULL
    };
    bool help = false;
    g_autoptr(JsonObject) s = parse_keyval_or_die(o, "cpus", &help, NULL);
    GList *members = json_object_get_members(s), *l;
    uint64_t topo = 1, cpus = 0;
    bool have_topo = false;
    Error *err = NULL;

    for (l = members; l; l = l->next) {
        const char *key = l->data;
        const char *val = keyval_get_str(s, key, false, NULL);
        uint64_t v;

        if (!g_strv_contains(keys, key)) {
            error_setg(&err, "Invalid parameter '%s'", key);
            break;
        }
        if (!val || !qemu_parse_uint64(key, val, &v, NULL)) {
            error_setg(&err, "Parameter 'smp.%s' expects integer", key);
            break;
        }
        if (v == 0) {
            error_setg(&err, "Invalid CPU topology: CPU topology parameters "
                       "must be greater than zero");
            break;
        }
        if (!strcmp(key, "cpus")) {
            cpus = v;
        } else if (strcmp(key, "maxcpus") != 0) {
            topo *= v;
            have_topo = true;
        }
    }
    g_list_free(members);
    if (err) {
        cli_fail("-smp", o->arg, err);
    }
    if (!cpus && have_topo) {
        cpus = topo;
    }
    if (cpus > UINT_MAX) {
        cpus = UINT_MAX;
    }
    cfg.smp_cpus = cpus;
}

static void parse_name(const Opt *o)
{
    bool help = false;
    g_autoptr(JsonObject) n = parse_keyval_or_die(o, "guest", &help, NULL);
    const char *guest = keyval_get_str(n, "guest", false, NULL);

    g_free(cfg.vm_name);
    cfg.vm_name = g_strdup(guest);
}

static void parse_display(const Opt *o)
{
    bool help = false;
    g_autoptr(JsonObject) d = parse_keyval_or_die(o, "type", &help, NULL);
    const char *type = keyval_get_str(d, "type", false, NULL);
    Error *err = NULL;

    if (help || (type && is_help(type))) {
        printf("Available display backend types:\nnone\n");
        exit(0);
    }
    if (!type || strcmp(type, "none") != 0) {
        error_setg(&err, "Display '%s' is not available: this VMM has no "
                   "graphical output (use -display none)",
                   type ? type : "");
        cli_fail("-display", o->arg, err);
    }
}

/*
 * First pass: options that print and exit, options that set global
 * configuration, and help requests.  Nothing is created yet.
 */
static void process_early_options(void)
{
    guint i;

    cfg.accels = g_ptr_array_new_with_free_func(g_free);
    for (i = 0; i < cfg.opts->len; i++) {
        const Opt *o = cfg.opts->pdata[i];

        switch (o->id) {
        case OPT_HELP:
            print_usage();
            exit(0);
        case OPT_VERSION:
            print_version();
            exit(0);
        case OPT_MACHINE:
            merge_machine_opts(o);
            break;
        case OPT_DEVICE:
            handle_device_help(o);
            break;
        case OPT_OBJECT:
            handle_object_help(o);
            break;
        case OPT_ACCEL:
            parse_accel(o);
            break;
        case OPT_ENABLE_KVM:
            g_ptr_array_add(cfg.accels, g_strdup("kvm"));
            break;
        case OPT_M:
            parse_memory(o);
            break;
        case OPT_SMP:
            parse_smp(o);
            break;
        case OPT_NAME:
            parse_name(o);
            break;
        case OPT_DISPLAY:
            parse_display(o);
            break;
        case OPT_S:
            cfg.start_paused = true;
            break;
        case OPT_QTEST:
            cfg.have_qtest = true;
            cfg.qtest_spec = o->arg;
            break;
        case OPT_QTEST_LOG:
            cfg.qtest_log = o->arg;
            break;
        case OPT_NOGRAPHIC:
            cfg.nographic = true;
            break;
        case OPT_NODEFAULTS:
            cfg.nodefaults = true;
            break;
        case OPT_TRACE:
            if (is_help(o->arg)) {
                trace_list_events(stdout);
                exit(0);
            }
            break;
        case OPT_D:
            if (is_help(o->arg)) {
                qemu_log_print_help();
                exit(0);
            }
            break;
        default:
            break;
        }
    }
    handle_machine_help();
}

/* ---- phases ---- */

typedef struct Phase {
    const char *name;
    bool (*init)(Error **errp);
    void (*teardown)(void);
} Phase;

/* Run fn(o) for each option with the given id, with its location set. */
static bool foreach_opt(OptId id, bool (*fn)(const Opt *o, Error **errp),
                        Error **errp)
{
    guint i;

    for (i = 0; i < cfg.opts->len; i++) {
        const Opt *o = cfg.opts->pdata[i];
        g_autofree char *opt = NULL;
        bool ok;

        if (o->id != id) {
            continue;
        }
        opt = g_strdup_printf("-%s", o->name);
        loc_push_cmdline(opt, o->arg ? o->arg : "");
        ok = fn(o, errp);
        if (!ok) {
            /* The location stays for the report; vl exits after it. */
            return false;
        }
        loc_pop();
    }
    return true;
}

static bool log_opt(const Opt *o, Error **errp)
{
    switch (o->id) {
    case OPT_DLOG:
        return qemu_set_log_filename(o->arg, errp);
    case OPT_D:
        return qemu_log_parse_items(o->arg, errp);
    case OPT_TRACE:
        return trace_opt_parse(o->arg, errp);
    default:
        return true;
    }
}

static bool phase_logging_init(Error **errp)
{
    /* -D first so that -trace/-d output goes to the file. */
    return foreach_opt(OPT_DLOG, log_opt, errp) &&
           foreach_opt(OPT_D, log_opt, errp) &&
           foreach_opt(OPT_TRACE, log_opt, errp);
}

static void phase_logging_teardown(void)
{
    qemu_log_close();
}

static gboolean on_signal(gpointer data)
{
    int sig = GPOINTER_TO_INT(data);

    error_report("terminating on signal %d", sig);
    qemu_system_shutdown_request(SHUTDOWN_CAUSE_HOST_SIGNAL);
    return G_SOURCE_CONTINUE;
}

static guint signal_sources[3];

static bool phase_main_loop_init(Error **errp)
{
    qemu_init_main_loop();
    signal_sources[0] = g_unix_signal_add(SIGINT, on_signal,
                                          GINT_TO_POINTER(SIGINT));
    signal_sources[1] = g_unix_signal_add(SIGTERM, on_signal,
                                          GINT_TO_POINTER(SIGTERM));
    signal_sources[2] = g_unix_signal_add(SIGHUP, on_signal,
                                          GINT_TO_POINTER(SIGHUP));
    return true;
}

static void phase_main_loop_teardown(void)
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(signal_sources); i++) {
        if (signal_sources[i]) {
            g_source_remove(signal_sources[i]);
            signal_sources[i] = 0;
        }
    }
    qemu_cleanup_main_loop();
}

static bool chardev_opt(const Opt *o, Error **errp)
{
    bool help = false;
    g_autoptr(JsonObject) c = keyval_parse(o->arg, "backend", &help, errp);

    if (!c) {
        return false;
    }
    if (help) {
        printf("Available chardev backend types:\n  null\n  socket\n"
               "  stdio\n");
        exit(0);
    }
    return qemu_chr_new_from_opts(c, true, errp) != NULL;
}

static bool serial_opt(const Opt *o, Error **errp)
{
    g_autofree char *id = g_strdup_printf("serial%u", cfg.serials->len);
    Chardev *chr = NULL;

    if (g_str_has_prefix(o->arg, "chardev:")) {
        chr = qemu_chr_find(o->arg + strlen("chardev:"));
        if (!chr) {
            error_setg(errp, "no chardev with id '%s'",
                       o->arg + strlen("chardev:"));
            return false;
        }
    } else if (strcmp(o->arg, "none")) {
        chr = qemu_chr_new_compat(id, o->arg, errp);
        if (!chr) {
            return false;
        }
    }
    g_ptr_array_add(cfg.serials, chr);
    return true;
}

Chardev *serial_hd(int i)
{
    if (!cfg.serials || i < 0 || (guint)i >= cfg.serials->len) {
        return NULL;
    }
    return cfg.serials->pdata[i];
}

static bool phase_chardevs_init(Error **errp)
{
    cfg.serials = g_ptr_array_new();
    if (!foreach_opt(OPT_CHARDEV, chardev_opt, errp) ||
        !foreach_opt(OPT_SERIAL, serial_opt, errp)) {
        return false;
    }
    if (!cfg.serials->len && cfg.nographic && !cfg.nodefaults) {
        /* QEMU puts the first UART on the terminal with -nographic. */
        Chardev *chr = qemu_chr_new_compat("serial0", "stdio", errp);

        if (!chr) {
            return false;
        }
        g_ptr_array_add(cfg.serials, chr);
    }
    return true;
}

static void phase_chardevs_teardown(void)
{
    g_clear_pointer(&cfg.serials, g_ptr_array_unref);
    qemu_chr_cleanup_all();
}

static int compat_monitor_count;

static bool qmp_opt(const Opt *o, Error **errp)
{
    g_autofree char *id = g_strdup_printf("compat_monitor%d",
                                          compat_monitor_count++);
    Chardev *chr = qemu_chr_new_compat(id, o->arg, errp);

    if (!chr) {
        return false;
    }
    return monitor_init_qmp(chr, o->id == OPT_QMP_PRETTY, errp);
}

static bool mon_opt(const Opt *o, Error **errp)
{
    bool help = false, pretty = false;
    g_autoptr(JsonObject) m = keyval_parse(o->arg, "chardev", &help, errp);
    const char *id, *mode, *pretty_s;
    Chardev *chr;

    if (!m) {
        return false;
    }
    id = keyval_get_str(m, "chardev", false, NULL);
    mode = keyval_get_str(m, "mode", false, NULL);
    pretty_s = keyval_get_str(m, "pretty", false, NULL);
    if (!id) {
        error_setg(errp, "Parameter 'chardev' is missing");
        return false;
    }
    chr = qemu_chr_find(id);
    if (!chr) {
        error_setg(errp, "chardev \"%s\" not found", id);
        return false;
    }
    if (mode && strcmp(mode, "control") != 0) {
        error_setg(errp, "mode=%s is not supported: only QMP monitors "
                   "exist here (use mode=control)", mode);
        return false;
    }
    if (!mode) {
        error_setg(errp, "the human monitor is not supported: add "
                   "mode=control for QMP");
        return false;
    }
    if (pretty_s && !qemu_parse_bool("pretty", pretty_s, &pretty, errp)) {
        return false;
    }
    return monitor_init_qmp(chr, pretty, errp);
}

static bool phase_monitors_init(Error **errp)
{
    return foreach_opt(OPT_QMP, qmp_opt, errp) &&
           foreach_opt(OPT_QMP_PRETTY, qmp_opt, errp) &&
           foreach_opt(OPT_MON, mon_opt, errp);
}

static void phase_monitors_teardown(void)
{
    monitor_cleanup();
}

/*
 * The command line names every id once per kind (QEMU checks its option
 * lists before creating anything): the second use is the error.
 */
static bool check_cli_id(JsonObject *opts, Object *container,
                         const char *kind, Error **errp)
{
    const char *id = keyval_get_str(opts, "id", false, NULL);

    if (id && object_get_child(container, id)) {
        error_setg(errp, "Duplicate ID '%s' for %s", id, kind);
        return false;
    }
    return true;
}

static bool object_opt(const Opt *o, Error **errp)
{
    bool help = false, json = false;
    g_autoptr(JsonObject) obj = keyval_parse_or_json(o->arg, "qom-type",
                                                     &help, &json, errp);

    return obj &&
           check_cli_id(obj, object_get_objects_root(), "object", errp) &&
           user_creatable_add(obj, !json, errp) != NULL;
}

static bool phase_objects_init(Error **errp)
{
    /* /objects exists from here on, even when empty (qom-list shows it). */
    object_get_objects_root();
    return foreach_opt(OPT_OBJECT, object_opt, errp);
}

static void phase_objects_teardown(void)
{
    user_creatable_cleanup();
}

static bool global_opt(const Opt *o, Error **errp)
{
    g_autofree char *driver = NULL, *prop = NULL, *value = NULL;

    if (!keyval_parse_global(o->arg, &driver, &prop, &value, errp)) {
        return false;
    }
    qdev_prop_register_global(driver, prop, value);
    return true;
}

static bool machine_set_opts(MachineState *ms, Error **errp)
{
    GList *members = json_object_get_members(cfg.machine_opts), *l;
    bool ok = true;

    for (l = members; l && ok; l = l->next) {
        const char *key = l->data;
        const char *val;

        if (!strcmp(key, "type") || !strcmp(key, "accel")) {
            continue;
        }
        val = keyval_get_str(cfg.machine_opts, key, false, NULL);
        if (!val) {
            ok = object_property_set(OBJECT(ms), key,
                                     json_object_get_member(cfg.machine_opts,
                                                            key), errp);
        } else {
            ok = object_property_find_err(OBJECT(ms), key, errp) &&
                 object_property_parse(OBJECT(ms), key, val, errp);
        }
    }
    g_list_free(members);
    return ok;
}

static bool phase_machine_init(Error **errp)
{
    MachineClass *mc;
    MachineState *ms;
    const char *type = machine_opt("type");

    if (!foreach_opt(OPT_GLOBAL, global_opt, errp)) {
        return false;
    }
    if (!type) {
        error_setg(errp, "No machine specified, and there is no default");
        error_append_hint(errp, "Use -machine help to list supported "
                          "machines\n");
        return false;
    }
    if (cfg.machine_loc) {
        g_auto(GStrv) parts = g_strsplit(cfg.machine_loc, " ", 2);

        loc_push_cmdline(parts[0], parts[1] ? parts[1] : "");
    }
    mc = machine_find_class(type, errp);
    if (!mc) {
        return false;
    }
    if (cfg.smp_cpus > mc->max_cpus) {
        error_setg(errp, "Invalid SMP CPUs %u. The max CPUs supported by "
                   "machine '%s' is %u", cfg.smp_cpus, mc->name,
                   mc->max_cpus);
        return false;
    }
    ms = machine_create(mc, errp);
    if (!ms) {
        return false;
    }
    cfg.machine = ms;
    if (cfg.ram_size_set) {
        ms->ram_size = cfg.ram_size;
    }
    if (cfg.smp_cpus) {
        ms->smp_cpus = cfg.smp_cpus;
    }
    if (!machine_set_opts(ms, errp)) {
        return false;
    }
    if (ms->dumpdtb && !mc->writes_dtb) {
        /* Refused before anything is built, at the -machine option. */
        error_setg(errp, "This machine doesn't have an FDT");
        error_append_hint(errp, "Only machines that describe themselves "
                          "with a device tree (virt) can dump one\n");
        return false;
    }
    if (!object_apply_globals(OBJECT(ms), errp)) {
        return false;
    }
    if (cfg.machine_loc) {
        loc_pop();
    }
    return true;
}

static void phase_machine_teardown(void)
{
    machine_destroy();
    cfg.machine = NULL;
    memory_system_teardown();
}

static bool phase_accel_init(Error **errp)
{
    const char *legacy = machine_opt("accel");
    Error *last = NULL;
    guint i;

    if (legacy) {
        g_auto(GStrv) names = g_strsplit(legacy, ":", -1);

        for (i = 0; names[i]; i++) {
            if (!accel_find(names[i])) {
                error_setg(errp, "invalid accelerator %s", names[i]);
                return false;
            }
            g_ptr_array_add(cfg.accels, g_strdup(names[i]));
        }
    }
    if (cfg.have_qtest && !cfg.accels->len) {
        g_ptr_array_add(cfg.accels, g_strdup("qtest"));
    }
    if (!cfg.accels->len) {
        error_setg(errp, "no accelerator selected: this VMM has no TCG; use "
                   "-accel kvm (arm64 host) or -accel qtest");
        return false;
    }
    for (i = 0; i < cfg.accels->len; i++) {
        const AccelOps *ops = accel_find(cfg.accels->pdata[i]);

        error_free(last);
        last = NULL;
        if (ops->init(&last)) {
            accel_set_current(ops);
            return true;
        }
        if (i + 1 < cfg.accels->len) {
            warn_report("%s accelerator not usable: %s", ops->name,
                        error_get_pretty(last));
        }
    }
    error_prepend(&last, "-accel %s: ",
                  (char *)cfg.accels->pdata[cfg.accels->len - 1]);
    error_propagate(errp, last);
    return false;
}

static void phase_accel_teardown(void)
{
    const AccelOps *ops = current_accel();

    if (ops && ops->teardown) {
        ops->teardown();
    }
    accel_set_current(NULL);
}

static bool phase_qtest_init(Error **errp)
{
    if (!cfg.have_qtest) {
        return true;
    }
    /* Errors are located at -qtest, like every option's (docs/system). */
    loc_push_cmdline("-qtest", cfg.qtest_spec);
    if (!qtest_server_init(cfg.qtest_spec, cfg.qtest_log, errp)) {
        return false;       /* the location stays for the report */
    }
    loc_pop();
    return true;
}

static void phase_qtest_teardown(void)
{
    qtest_server_cleanup();
}

static bool phase_board_init(Error **errp)
{
    MachineClass *mc = MACHINE_GET_CLASS(cfg.machine);

    return !mc->init || mc->init(cfg.machine, errp);
}

static bool device_opt(const Opt *o, Error **errp)
{
    bool help = false, json = false;
    g_autoptr(JsonObject) d = keyval_parse_or_json(o->arg, "driver", &help,
                                                   &json, errp);

    return d &&
           check_cli_id(d, container_get(object_get_root(),
                                         "/machine/peripheral"),
                        "device", errp) &&
           qdev_device_add(d, !json, errp) != NULL;
}

static bool phase_devices_init(Error **errp)
{
    return foreach_opt(OPT_DEVICE, device_opt, errp);
}

static int unparent_device(Object *obj, void *opaque)
{
    g_ptr_array_add(opaque, obj);
    return 0;
}

static void phase_devices_teardown(void)
{
    static const char *const containers[] = {
        "/machine/peripheral", "/machine/peripheral-anon",
    };
    size_t c;

    /* User devices go first, newest first; the board's go with it. */
    for (c = 0; c < ARRAY_SIZE(containers); c++) {
        Object *parent = object_resolve_path(containers[c], NULL);
        g_autoptr(GPtrArray) devs = g_ptr_array_new();
        guint i;

        if (!parent) {
            continue;
        }
        object_child_foreach(parent, unparent_device, devs);
        for (i = devs->len; i > 0; i--) {
            object_unparent(devs->pdata[i - 1]);
        }
    }
}

static bool phase_machine_done(Error **errp)
{
    MachineClass *mc = MACHINE_GET_CLASS(cfg.machine);

    if (!qdev_prop_check_globals(errp)) {
        return false;
    }
    if (mc->done && !mc->done(cfg.machine, errp)) {
        return false;
    }
    if (cfg.machine->dumpdtb) {
        /* QEMU stops once the device tree is written. */
        cfg.exit_after_init = true;
        return true;
    }
    qemu_devices_reset();
    qdev_hotplug = true;
    if (!cfg.start_paused) {
        vm_start();
    }
    return true;
}

static void phase_machine_done_teardown(void)
{
    qdev_hotplug = false;
}

static const Phase phases[] = {
    { "logging", phase_logging_init, phase_logging_teardown },
    { "main-loop", phase_main_loop_init, phase_main_loop_teardown },
    { "chardevs", phase_chardevs_init, phase_chardevs_teardown },
    { "monitors", phase_monitors_init, phase_monitors_teardown },
    { "objects", phase_objects_init, phase_objects_teardown },
    { "machine", phase_machine_init, phase_machine_teardown },
    { "accel", phase_accel_init, phase_accel_teardown },
    { "qtest", phase_qtest_init, phase_qtest_teardown },
    { "board", phase_board_init, NULL },
    { "devices", phase_devices_init, phase_devices_teardown },
    { "machine-done", phase_machine_done, phase_machine_done_teardown },
};

static void teardown_phases(size_t done)
{
    while (done > 0) {
        const Phase *p = &phases[--done];

        trace_vl_phase_teardown(p->name);
        if (p->teardown) {
            p->teardown();
        }
    }
}

static void vl_cleanup_config(void)
{
    g_clear_pointer(&cfg.opts, g_ptr_array_unref);
    g_clear_pointer(&cfg.accels, g_ptr_array_unref);
    g_clear_pointer(&cfg.machine_opts, json_object_unref);
    g_clear_pointer(&cfg.machine_loc, g_free);
    g_clear_pointer(&cfg.vm_name, g_free);
}

int qemu_main(int argc, char **argv)
{
    Error *err = NULL;
    size_t done;
    ShutdownCause cause;

    parse_argv(argc, argv);
    process_early_options();

    for (done = 0; done < ARRAY_SIZE(phases); done++) {
        trace_vl_phase_init(phases[done].name);
        if (!phases[done].init(&err)) {
            error_report_err(err);
            teardown_phases(done);
            vl_cleanup_config();
            return 1;
        }
    }

    if (cfg.exit_after_init) {
        teardown_phases(done);
        vl_cleanup_config();
        return 0;
    }

    qemu_main_loop();

    cause = qemu_shutdown_requested();
    runstate_set(RUN_STATE_SHUTDOWN);
    {
        JsonObject *data = json_object_new();

        json_object_set_boolean_member(data, "guest",
                                       cause == SHUTDOWN_CAUSE_GUEST_SHUTDOWN);
        json_object_set_string_member(data, "reason",
                                      shutdown_cause_name(cause));
        qapi_event_send("SHUTDOWN", data);
    }
    teardown_phases(done);
    vl_cleanup_config();
    return 0;
}
