// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/sysptvm and /proc/sysemu switch the way UML drives its processes
 * at run time; the host side (arch/um/os-Linux/ptrace_switch.c) keeps the
 * switches, and the next resume of each process applies them.
 */

#include <linux/init.h>
#include <linux/printk.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>
#include <os.h>

struct sysptvm_switch {
	const char *name;
	int (*get)(void);
	int (*set)(int on);
};

static const struct sysptvm_switch switches[] = {
	{ "sysptvm", os_sysptvm_get, os_sysptvm_set },
	{ "sysemu", os_sysemu_get, os_sysemu_set },
};

static int switch_show(struct seq_file *m, void *v)
{
	const struct sysptvm_switch *sw = m->private;

	seq_printf(m, "%d\n", sw->get());
	return 0;
}

static int switch_open(struct inode *inode, struct file *file)
{
	return single_open(file, switch_show, pde_data(inode));
}

/*
 * "0" or "1", with an optional newline; anything else changes nothing.  An
 * empty write writes nothing, as write(2) of zero bytes does elsewhere.
 */
static ssize_t switch_write(struct file *file, const char __user *buf,
			    size_t count, loff_t *pos)
{
	const struct sysptvm_switch *sw = pde_data(file_inode(file));
	char val[2];
	int err;

	if (!count)
		return 0;
	if (count > sizeof(val))
		return -EINVAL;
	if (copy_from_user(val, buf, count))
		return -EFAULT;
	if ((val[0] != '0' && val[0] != '1') || (count == 2 && val[1] != '\n'))
		return -EINVAL;

	err = sw->set(val[0] == '1');
	return err ? err : count;
}

static const struct proc_ops switch_proc_ops = {
	.proc_open	= switch_open,
	.proc_read	= seq_read,
	.proc_lseek	= seq_lseek,
	.proc_release	= single_release,
	.proc_write	= switch_write,
};

static int __init sysptvm_proc_init(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(switches); i++) {
		if (!proc_create_data(switches[i].name, 0600, NULL,
				      &switch_proc_ops, (void *)&switches[i]))
			pr_warn("sysptvm: cannot create /proc/%s\n",
				switches[i].name);
	}
	return 0;
}
late_initcall(sysptvm_proc_init);
