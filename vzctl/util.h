/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vzctl/vzlist: exit codes and the small helpers every file uses
 * (util.c): messages, allocation, VEID parsing, files, host commands,
 * string lists.
 *
 * Exit codes keep the numbers OpenVZ's vzctl used, so scripts written for
 * it can test them.
 */
#ifndef VZCTL_UTIL_H
#define VZCTL_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

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
/* ve_write_file() of VE_ROOT/etc/NAME: 0, or VZ_SYSTEM_ERROR said why. */
int ve_write_etc(const char *ve_root, const char *name, const char *data);
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

#endif
