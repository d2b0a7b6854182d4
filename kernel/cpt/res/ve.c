// SPDX-License-Identifier: GPL-2.0
/*
 * The VE as a whole: its VE record (how many tasks follow, when it
 * started) and its UTS namespace (host and domain name); on restore,
 * also whether this CPU offers what the image's tasks may use.
 */
#include <linux/utsname.h>
#include <linux/ve.h>
#include <linux/cpt_image.h>

#include "core/context.h"
#include "core/dump.h"
#include "core/resource.h"
#include "core/restore.h"
#include "lib/cpucaps.h"

struct ve_rst {
	struct cpt_uts	uts;
	bool		has_uts;
};

int ve_dump(struct cpt_dump *d)
{
	struct new_utsname *n = &d->ve->ns->uts_ns->name;
	struct cpt_ve v = {
		.veid = d->ve->veid,
		.nr_tasks = d->nr_tasks,
		.start_boottime_ns = d->ve->start_boottime,
	};
	struct cpt_uts u = {};
	int err;

	err = cpt_write_record(&d->w, CPT_REC_VE, 0, &v, sizeof(v));
	if (err)
		return err;
	/*
	 * No uts_sem (not exported): the VE is frozen, and a torn name from
	 * a concurrent host-side change is fixed by the NUL terminators.
	 */
	memcpy(u.sysname, n->sysname, sizeof(u.sysname) - 1);
	memcpy(u.nodename, n->nodename, sizeof(u.nodename) - 1);
	memcpy(u.release, n->release, sizeof(u.release) - 1);
	memcpy(u.version, n->version, sizeof(u.version) - 1);
	memcpy(u.machine, n->machine, sizeof(u.machine) - 1);
	memcpy(u.domainname, n->domainname, sizeof(u.domainname) - 1);
	return cpt_write_record(&d->w, CPT_REC_UTS, 0, &u, sizeof(u));
}

static int ve_parse(struct rst_image *img, void *state,
		    const struct cpt_rec_view *v)
{
	struct ve_rst *st = state;

	/* The VE record: the checker keeps it (img->rd.ck.ve). */
	if (v->h.type == CPT_REC_UTS) {
		st->uts = v->u.cpt_uts;
		st->has_uts = true;
	}
	return 0;
}

int ve_rst_open(struct rst_image *img)
{
	struct ve_rst *st = rst_state(img, &cpt_res_ve);
	u64 need = img->rd.ck.hdr.cpu_caps, have = cpt_cpu_caps();
	struct new_utsname *u = utsname();

	if (need & ~have) {
		cpt_err(img->ctx, "the image needs CPU features this CPU lacks (CPT_CPU_* %#llx)",
			need & ~have);
		return -EOPNOTSUPP;
	}
	if (!st->has_uts)
		return 0;
	/* Only this task lives in the VE's new UTS namespace so far. */
	strscpy_pad(u->nodename, st->uts.nodename, sizeof(u->nodename));
	strscpy_pad(u->domainname, st->uts.domainname, sizeof(u->domainname));
	return 0;
}

const struct cpt_resource cpt_res_ve = {
	.name		= "ve",
	.rst_size	= sizeof(struct ve_rst),
	.parse		= ve_parse,
};
