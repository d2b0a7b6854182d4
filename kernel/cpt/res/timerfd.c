// SPDX-License-Identifier: GPL-2.0
/*
 * Timerfds: FILE records of kind TIMERFD, which carry the timer in the
 * record itself (its clock, the time to its next expiry, its interval,
 * its settime flags and the expiries not yet read), since a timerfd has
 * no path.  The restore makes a new timerfd with that timer before any
 * task exists; every fd that held the old one holds the new one
 * (files.c shares the FILE).
 *
 * Time goes on as for POSIX timers (timers.c): a timer keeps the time it
 * had left, counted again from the restore, since the monotonic and boot
 * clocks of another node (or of this one after a reboot) are not the
 * ones it was armed on.  An absolute CLOCK_REALTIME timer is the
 * exception: it was armed on the wall clock, which every node shares, so
 * it keeps its expiry there (one that passed while the VE was stopped
 * expires at once) and TFD_TIMER_CANCEL_ON_SET keeps its meaning.
 */
#include <linux/capability.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/timerfd.h>

#include "core/context.h"
#include "core/dump.h"
#include "core/resource.h"
#include "core/restore.h"

/* What fcntl(F_SETFL) may have added that a timerfd keeps. */
#define TIMERFD_FILE_FLAGS	(O_ACCMODE | O_NONBLOCK | O_LARGEFILE)

static bool timerfd_alarm_clock(int clockid)
{
	return clockid == CLOCK_REALTIME_ALARM ||
	       clockid == CLOCK_BOOTTIME_ALARM;
}

int timerfd_dump_file(struct cpt_dump *d, struct file *file,
		      struct cpt_file *f, const char **why)
{
	struct timerfd_state st;

	if (timerfd_get_state(file, &st))
		return 0;
	if (file->f_flags & ~TIMERFD_FILE_FLAGS) {
		*why = "a timerfd with file flags other than O_NONBLOCK";
		return -EOPNOTSUPP;
	}
	/* The restore's twin: it makes alarm timers with the VE's rights. */
	if (timerfd_alarm_clock(st.clockid) &&
	    !cpt_ve_capable(d, CAP_WAKE_ALARM)) {
		*why = "a timerfd on an alarm clock, and the VE lacks CAP_WAKE_ALARM";
		return -EOPNOTSUPP;
	}
	f->kind = CPT_FILE_TIMERFD;
	f->pos = 0;
	f->size = 0;
	f->state = st.ticks;
	f->state_flags = (st.settime_flags & TFD_TIMER_ABSTIME ?
			  CPT_TFD_ABSTIME : 0) |
			 (st.settime_flags & TFD_TIMER_CANCEL_ON_SET ?
			  CPT_TFD_CANCEL_ON_SET : 0) |
			 (st.canceled ? CPT_TFD_CANCELED : 0);
	f->timer_value = st.value;
	f->timer_interval = st.interval;
	f->timer_clock = st.clockid;
	return 1;
}

struct file *timerfd_rst_file(struct rst_image *img, const struct cpt_file *f)
{
	/* The checker let only known clocks, flags and times in. */
	struct timerfd_state st = {
		.clockid = f->timer_clock,
		.settime_flags = (f->state_flags & CPT_TFD_ABSTIME ?
				  TFD_TIMER_ABSTIME : 0) |
				 (f->state_flags & CPT_TFD_CANCEL_ON_SET ?
				  TFD_TIMER_CANCEL_ON_SET : 0),
		.canceled = f->state_flags & CPT_TFD_CANCELED,
		.ticks = f->state,
		.value = f->timer_value,
		.interval = f->timer_interval,
	};
	struct file *file;

	if (timerfd_alarm_clock(st.clockid) &&
	    !rst_ve_capable(img, CAP_WAKE_ALARM)) {
		cpt_err(img->ctx, "a timerfd on alarm clock %d, and the VE lacks CAP_WAKE_ALARM",
			st.clockid);
		return ERR_PTR(-EPERM);
	}
	file = timerfd_file_create(&st, f->flags & O_NONBLOCK);
	if (IS_ERR(file))
		cpt_err(img->ctx, "cannot make a timerfd again: %ld",
			PTR_ERR(file));
	return file;
}
