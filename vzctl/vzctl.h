/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vzctl/vzlist: shared declarations.
 *
 * Exit codes keep the numbers OpenVZ's vzctl used, so scripts written for
 * it can test them.
 */
#ifndef VZCTL_H
#define VZCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>
#include <netinet/in.h>

#define VZCTL_VERSION		"1.0"

#define VZ_OK				0
#define VZ_SYSTEM_ERROR			3
#define VZ_BAD_KERNEL			5
#define VZ_ENVCREATE_ERROR		7
#define VZ_COMMAND_EXECUTION_ERROR	8
#define VZ_LOCKED			9
#define VZ_NOCONFIG			10
#define VZ_NOVECONFIG			14
#define VZ_CHKPNT_ERROR			16
#define VZ_RESTORE_ERROR		17
#define VZ_INVALID_PARAMETER_SYNTAX	20
#define VZ_INVALID_PARAMETER_VALUE	21
#define VZ_VE_ROOT_NOTSET		22
#define VZ_VE_PRIVATE_NOTSET		23
#define VZ_VE_OSTEMPLATE_NOTSET		29
#define VZ_VE_NOT_RUNNING		31
#define VZ_VE_RUNNING			32
#define VZ_STOP_ERROR			33
#define VZ_CANT_ADDIP			34
#define VZ_FS_NOT_MOUNTED		40
#define VZ_FS_MOUNTED			41
#define VZ_FS_NOPRVT			43
#define VZ_FS_PRVT_AREA_EXIST		44
#define VZ_FS_NEW_VE_PRVT		48
#define VZ_FS_MPOINTCREATE		49
#define VZ_FS_CANTMOUNT			50
#define VZ_FS_CANTUMOUNT		51
#define VZ_FS_DEL_PRVT			52
#define VZ_BADHOSTNAME			70
#define VZ_BADIP			71
#define VZ_BADDNSSRV			72
#define VZ_VE_LCKDIR_NOTSET		77
#define VZ_INVALID_CONFIG		85
#define VZ_PKGSET_NOT_FOUND		91
#define VZ_VETH_ERROR			130

#define VEID_MAX		2147483647u
#define VZ_DEFAULT_CONFDIR	"/etc/vz"
#define VE_PATH_ENV		"PATH=/bin:/sbin:/usr/bin:/usr/sbin:/usr/local/bin"

/* util.c */
void vz_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void vz_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void *xmalloc(size_t n);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int parse_veid(const char *s, unsigned int *veid);
bool valid_hostname(const char *s);
int mkdir_p(const char *path, mode_t mode);
int remove_tree(const char *path);
bool path_exists(const char *path);
bool is_dir(const char *path);
int run_argv(char *const argv[], bool quiet);
int write_file_atomic(const char *path, const char *data, size_t len);
int ve_write_file(const char *ve_root, const char *dir, const char *name,
		  const char *data);
const char *vz_confdir(void);

/* Dynamic array of strings. */
struct strlist {
	char **v;
	size_t n;
};
void strlist_add(struct strlist *l, const char *s);
bool strlist_has(const struct strlist *l, const char *s);
void strlist_del(struct strlist *l, const char *s);
void strlist_free(struct strlist *l);
void strlist_split(struct strlist *l, const char *s);
char *strlist_join(const struct strlist *l, const char *sep);

/* config.c */
struct conf_line {
	char *text;	/* the line as it will be written back */
	char *key;	/* NULL for comments and blank lines */
	char *value;	/* unquoted value */
};

struct conf_file {
	char *path;
	struct conf_line *lines;
	size_t n;
};

int conf_parse(struct conf_file *cf, const char *path, FILE *f);
int conf_load(struct conf_file *cf, const char *path, bool must_exist);
void conf_free(struct conf_file *cf);
const char *conf_get(const struct conf_file *cf, const char *key);
void conf_set(struct conf_file *cf, const char *key, const char *value);
int conf_save(const struct conf_file *cf);
char *conf_subst_veid(const char *value, unsigned int veid);
bool valid_conf_key(const char *key);

/* The merged view of global and per-VE configuration for one VE. */
struct ve_conf {
	unsigned int veid;
	struct conf_file global;
	struct conf_file ve;		/* per-VE file, maybe empty */
	bool ve_exists;			/* per-VE file was found */
	char *ve_conf_path;
};

int ve_conf_load(struct ve_conf *vc, unsigned int veid);
void ve_conf_free(struct ve_conf *vc);
/* Per-VE value, else global value, with $VEID substituted; malloc'ed. */
char *ve_conf_get(const struct ve_conf *vc, const char *key);
int ve_conf_validate(const struct ve_conf *vc);
int ve_conf_paths(const struct ve_conf *vc, char **root, char **priv);

/* lock.c */
int vz_lock(const char *lockdir, unsigned int veid, char **lockpath);
void vz_unlock(char *lockpath);
int ve_lock(const struct ve_conf *vc, char **lockpath);

/* ve.c */
int vz_open(void);
int ve_ioctl(int fd, unsigned int veid, unsigned int flags);
pid_t ve_init_pid(int fd, unsigned int veid);
struct ve_info {
	unsigned int veid;
	unsigned int nproc;
	char ips[256];
};
int ve_info_parse(FILE *f, struct ve_info **out, size_t *n);
int ve_info_read(struct ve_info **out, size_t *n);
bool ve_is_mounted(const char *ve_root);
int ve_enter(int fd, unsigned int veid);
int setns_pid(pid_t pid, const char *ns, int nstype);

/* net.c */
struct ve_ip {
	struct in_addr addr;
	int prefix;		/* -1 when not given */
};
int ip_parse(const char *s, struct ve_ip *ip);
int choose_prefix(const struct ve_ip *ip, struct in_addr bridge_addr,
		  int bridge_prefix);
int bridge_ipv4(const char *bridge, struct in_addr *addr, int *prefix);
int ve_ip_prefix(const struct ve_ip *ip, const char *bridge);
void veth_host_name(unsigned int veid, char *buf, size_t len);
void ve_mac(unsigned int veid, char *buf, size_t len);
int run_in_netns(pid_t init_pid, char *const argv[], bool quiet);
int veth_create(unsigned int veid, pid_t init_pid, const char *bridge);
void veth_remove(unsigned int veid);
int ve_net_setup(pid_t init_pid, const struct strlist *ips,
		 const char *bridge);
int ve_ip_change(pid_t init_pid, const char *ip, const char *bridge,
		 bool add);
char *resolv_conf_text(const struct strlist *ns);

/* Subcommands: parse_* fill options and return 0 or an exit code. */
struct create_opts {
	unsigned int veid;
	const char *ostemplate;
	const char *config;
	const char *hostname;
	struct strlist ipadd;
};
int parse_create(int argc, char **argv, struct create_opts *o);

struct stop_opts {
	unsigned int veid;
	bool fast;
};
int parse_stop(int argc, char **argv, struct stop_opts *o);

struct exec_opts {
	unsigned int veid;
	char *command;		/* NULL: read commands from stdin */
};
int parse_exec(int argc, char **argv, struct exec_opts *o);

struct set_opts {
	unsigned int veid;
	struct strlist ipadd;
	struct strlist ipdel;
	bool ipdel_all;
	const char *hostname;
	struct strlist nameserver;
	const char *onboot;
	bool save;
};
int parse_set(int argc, char **argv, struct set_opts *o);

/* Checkpoint and restore (cpt.c, cmd_chkpnt.c, cmd_restore.c). */
enum cpt_stage {
	CPT_STAGE_FULL,		/* no stage option: the whole operation */
	CPT_STAGE_SUSPEND,
	CPT_STAGE_DUMP,
	CPT_STAGE_RESUME,
	CPT_STAGE_KILL,
	CPT_STAGE_UNDUMP,
};

struct cpt_opts {
	unsigned int veid;
	enum cpt_stage stage;
	const char *dumpfile;		/* NULL: DUMPDIR/Dump.VEID */
	unsigned int context;		/* sticky context id, if context_set */
	bool context_set;
	unsigned int cpu_flags;		/* if flags_set */
	bool flags_set;
	bool skip_arpdetect;
};
int parse_chkpnt(int argc, char **argv, struct cpt_opts *o);
int parse_restore(int argc, char **argv, struct cpt_opts *o);

/* One line of /proc/cpt or /proc/rst. */
struct cpt_ctx_info {
	unsigned int ctxid;
	unsigned int veid;
	int state;			/* enum cpt_context_state */
};
#define CPT_STATE_UNKNOWN	(-100)
int cpt_state_parse(const char *name);
const char *cpt_state_name(int state);
int cpt_ctx_parse(FILE *f, struct cpt_ctx_info **out, size_t *n);
int cpt_ctx_read(const char *path, struct cpt_ctx_info **out, size_t *n);
bool cpt_ve_suspended(unsigned int veid);
char *cpt_dump_path(const struct ve_conf *vc, const char *dumpfile);
int cpt_open(bool restore);
int cpt_ioctl(int fd, unsigned long req, unsigned long arg,
	      const char *what);
int cpt_attach(int fd, const struct cpt_opts *o, bool restore, bool join);
void cpt_detach(int fd);
int ve_restore_locked(struct ve_conf *vc, const struct cpt_opts *o,
		      const char *dump);

/* args.c */
int parse_veid_arg(const char *s, unsigned int *veid);
int parse_veid_only(int argc, char **argv, unsigned int *veid);
int ve_load(unsigned int veid, struct ve_conf *vc, char **root, char **priv);
void usage(FILE *f);
void ve_exec_env(char **envp, size_t max);
int ve_get_state(unsigned int veid, pid_t *pid);

int cmd_create(int argc, char **argv);
int cmd_destroy(int argc, char **argv);
int cmd_mount(int argc, char **argv);
int cmd_umount(int argc, char **argv);
int cmd_start(int argc, char **argv);
int cmd_stop(int argc, char **argv);
int cmd_restart(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_exec(int argc, char **argv);
int cmd_exec2(int argc, char **argv);
int cmd_enter(int argc, char **argv);
int cmd_set(int argc, char **argv);
int cmd_chkpnt(int argc, char **argv);
int cmd_restore(int argc, char **argv);
int cmd_dumpinfo(int argc, char **argv);

/* Cores used by restart, which holds the lock across both. */
int ve_stop_locked(struct ve_conf *vc, bool fast);
int ve_start_locked(struct ve_conf *vc);
int ve_umount_root(const char *ve_root);
int ve_mount_root(const char *ve_private, const char *ve_root);
/* Shared by start, stop, chkpnt and restore. */
bool ve_wait_stopped(int fd, unsigned int veid, int seconds);
int ve_stopped_cleanup(unsigned int veid, const char *root);
int ve_net_start(const struct ve_conf *vc, pid_t init_pid);
void ve_kill_init(int fd, unsigned int veid, pid_t pid);
int ve_start_undump(struct ve_conf *vc, int vzfd, int rstfd, int status_rd,
		    pid_t *init_pid);

/* list.c: vzlist */
enum list_field {
	FIELD_VEID, FIELD_NPROC, FIELD_STATUS, FIELD_IP, FIELD_HOSTNAME,
	FIELD_ONBOOT, FIELD_NAME,
};
#define LIST_MAX_FIELDS	16
struct list_opts {
	bool all;
	bool no_header;
	int fields[LIST_MAX_FIELDS];
	size_t nfields;
	unsigned int *veids;
	size_t nveids;
};
struct list_row {
	unsigned int veid;
	bool running;
	long nproc;		/* -1: unknown */
	char *ip;
	char *hostname;
	char *onboot;
	char *name;
};
int list_parse_fields(const char *spec, int *fields, size_t max, size_t *n);
int parse_list(int argc, char **argv, struct list_opts *o);
void list_print_header(FILE *f, const struct list_opts *o);
void list_print_row(FILE *f, const struct list_opts *o,
		    const struct list_row *r);
int vzlist_run(const struct list_opts *o);

#endif
