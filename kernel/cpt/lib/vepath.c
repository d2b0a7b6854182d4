// SPDX-License-Identifier: GPL-2.0
/* VE-relative paths (vepath.h). */
#include <linux/dcache.h>
#include <linux/err.h>
#include <linux/limits.h>
#include <linux/string.h>

#include "lib/vepath.h"

const char *cpt_ve_path(const struct path *ve_root, const struct path *path,
			char *buf, int *len)
{
	char *root, *p;
	int rootlen;

	/* The VE root's host path, then the object's; strip the prefix. */
	root = d_path(ve_root, buf, PATH_MAX);
	if (IS_ERR(root))
		return root;
	rootlen = strlen(root);
	if (rootlen == 1)
		rootlen = 0;	/* the VE's root is the host's */
	memmove(buf + PATH_MAX, root, rootlen);
	p = d_path(path, buf, PATH_MAX);
	if (IS_ERR(p))
		return p;
	if (strncmp(p, buf + PATH_MAX, rootlen) ||
	    (p[rootlen] != '/' && p[rootlen] != '\0'))
		return ERR_PTR(-EXDEV);	/* outside the VE's root */
	p += rootlen;
	if (!*p)
		p = "/";
	*len = strlen(p);
	return p;
}
