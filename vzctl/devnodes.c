// SPDX-License-Identifier: GPL-2.0
/* Device nodes granted to a VE (devnodes.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <linux/vzcalluser.h>

#include "devnodes.h"
#include "util.h"

static bool name_ok(const char *s, size_t len)
{
	/* A name below /dev: no "..", no leading slash. */
	if (!len || len >= sizeof(((struct devnode *)0)->name) || s[0] == '/')
		return false;
	for (size_t i = 0; i + 1 < len; i++)
		if (s[i] == '.' && s[i + 1] == '.')
			return false;
	return true;
}

int devnode_parse(const char *s, struct devnode *d)
{
	const char *colon = strrchr(s, ':');
	size_t len = colon ? (size_t)(colon - s) : 0;
	const char *perm = colon ? colon + 1 : "";
	struct stat st;
	char path[96];

	memset(d, 0, sizeof(*d));
	if (!colon || !name_ok(s, len)) {
		vz_error("Invalid device node: %s (use name:r|w|rw|none)", s);
		return VZ_INVALID_PARAMETER_VALUE;
	}
	if (!strcmp(perm, "r"))
		d->mask = VE_DEV_READ;
	else if (!strcmp(perm, "w"))
		d->mask = VE_DEV_WRITE;
	else if (!strcmp(perm, "rw") || !strcmp(perm, "wr"))
		d->mask = VE_DEV_READ | VE_DEV_WRITE;
	else if (strcmp(perm, "none")) {
		vz_error("Invalid device permission: %s (use r, w, rw or none)",
			 perm);
		return VZ_INVALID_PARAMETER_VALUE;
	}
	memcpy(d->name, s, len);
	snprintf(path, sizeof(path), "/dev/%s", d->name);
	if (stat(path, &st) || (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode))) {
		vz_error("Device %s does not exist on this node or is not a device",
			 path);
		return VZ_INVALID_PARAMETER_VALUE;
	}
	d->mode = st.st_mode & (S_IFMT | 0777);
	d->rdev = st.st_rdev;
	return 0;
}

int ve_devnodes(const struct ve_conf *vc, struct devnode **out, size_t *n)
{
	char *setting = ve_conf_get(vc, "DEVNODES");
	struct strlist l = { 0 };
	int ret = 0;

	strlist_split(&l, setting);
	*out = xmalloc((l.n ? l.n : 1) * sizeof(**out));
	*n = 0;
	for (size_t i = 0; i < l.n && !ret; i++)
		ret = devnode_parse(l.v[i], &(*out)[(*n)++]);
	strlist_free(&l);
	free(setting);
	if (ret) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return ret;
}

/* new_encode_dev(), the kernel's and the image's device numbering. */
static unsigned int encode_dev(dev_t dev)
{
	unsigned int maj = major(dev), min = minor(dev);

	return (min & 0xff) | (maj << 8) | ((min & ~0xffu) << 12);
}

int devnodes_grant(int vzfd, unsigned int veid, const struct devnode *d,
		   size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct vzctl_setdevperms p = {
			.veid = veid,
			.type = (d[i].mode & S_IFMT) | VE_USE_MINOR,
			.dev = encode_dev(d[i].rdev),
			.mask = d[i].mask ? d[i].mask | VE_DEV_MKNOD : 0,
		};

		if (ioctl(vzfd, VZCTL_SETDEVPERMS, &p)) {
			vz_error("Unable to grant /dev/%s to VE %u: %s",
				 d[i].name, veid, strerror(errno));
			return VZ_SYSTEM_ERROR;
		}
	}
	return 0;
}

int devnodes_make(const struct devnode *d, size_t n)
{
	char path[96];

	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/dev/%s", d[i].name);
		unlink(path);
		if (!d[i].mask)
			continue;
		/* Subdirectories of /dev, as net/ of net/tun. */
		for (char *p = strchr(path + 5, '/'); p; p = strchr(p + 1, '/')) {
			*p = '\0';
			mkdir(path, 0755);
			*p = '/';
		}
		if (mknod(path, d[i].mode, d[i].rdev) && errno != EEXIST)
			return -1;
	}
	return 0;
}

char *devnodes_setting_apply(const char *cur, const char *s)
{
	struct strlist l = { 0 };
	const char *colon = strrchr(s, ':');
	size_t len = colon ? (size_t)(colon - s) : strlen(s);
	char *out;

	strlist_split(&l, cur);
	for (size_t i = 0; i < l.n;) {
		if (!strncmp(l.v[i], s, len) && l.v[i][len] == ':') {
			char *gone = xstrdup(l.v[i]);

			strlist_del(&l, gone);
			free(gone);
			continue;
		}
		i++;
	}
	if (strcmp(colon ? colon + 1 : "", "none"))
		strlist_add(&l, s);
	out = strlist_join(&l, " ");
	strlist_free(&l);
	return out;
}
