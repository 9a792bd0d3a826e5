/* SPDX-License-Identifier: MIT */
/*
 * vpci-vmm's command line (see usage() below and docs/vmm.md).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "guest_list.h"
#include "vmm.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: vpci-vmm --kernel BZIMAGE --init INIT [options] "
		"CAPTURE\n\n"
		"Boot BZIMAGE with an initramfs holding INIT as /init, in a "
		"KVM VM whose PCI\nbus is libvpci over CAPTURE (what "
		"vpci-harness loads).\n\n"
		"  --guest LIST      the VM is a guest given these functions "
		"(as vpci-harness)\n"
		"  --hide LIST       functions the hypervisor keeps\n"
		"  --vmlinux ELF     boot this uncompressed kernel (BZIMAGE "
		"still gives the\n"
		"                    setup header): for KVMs without nested "
		"paging\n"
		"  --append ARGS     more kernel command line\n"
		"  --mem MIB         guest RAM (default 256)\n"
		"  --events FILE     map/unmap/msi/mmio records and libvpci's "
		"final state\n"
		"  --report FILE     what the guest's init reports (port "
		"0x502)\n"
		"  --timeout SEC     give up after SEC seconds (default 60)\n"
		"  --no-amd-ext      no CF8 extended registers even on AMD\n"
		"  --progress SEC    print the vCPU's rip every SEC seconds of "
		"CPU time (a\n"
		"                    sampling profile, at 0.01)\n");
}

int vmm_parse_args(int argc, char **argv, struct vmm_args *a,
		   struct session_options *opt)
{
	static const struct option longopts[] = {
		{"kernel", required_argument, NULL, 'k'},
		{"init", required_argument, NULL, 'i'},
		{"vmlinux", required_argument, NULL, 'V'},
		{"guest", required_argument, NULL, 'g'},
		{"hide", required_argument, NULL, 'H'},
		{"append", required_argument, NULL, 'a'},
		{"mem", required_argument, NULL, 'm'},
		{"events", required_argument, NULL, 'e'},
		{"report", required_argument, NULL, 'r'},
		{"timeout", required_argument, NULL, 't'},
		{"no-amd-ext", no_argument, NULL, 'A'},
		{"progress", required_argument, NULL, 'P'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	char msg[256];
	int c;

	*a = (struct vmm_args){.mem_mib = 256, .timeout_s = 60, .append = ""};
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		msg[0] = 0;
		switch (c) {
		case 'k':
			a->kernel = optarg;
			break;
		case 'i':
			a->init = optarg;
			break;
		case 'V':
			a->vmlinux = optarg;
			break;
		case 'a':
			a->append = optarg;
			break;
		case 'e':
			a->events = optarg;
			break;
		case 'r':
			a->report = optarg;
			break;
		case 'm':
			a->mem_mib = strtoull(optarg, NULL, 0);
			break;
		case 't':
			a->timeout_s = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'A':
			a->no_amd_ext = true;
			break;
		case 'P':
			a->progress_s = strtod(optarg, NULL);
			break;
		case 'g':
			if (guest_list_parse(&opt->guest, optarg, msg,
					     sizeof(msg)))
				goto bad;
			break;
		case 'H':
			if (sbdf_list_parse(&opt->hide, optarg, msg,
					    sizeof(msg)))
				goto bad;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind + 1 != argc || !a->kernel || !a->init) {
		usage(stderr);
		return -1;
	}
	if (a->mem_mib < 64 || a->mem_mib > 3072) {
		fprintf(stderr, "vpci-vmm: --mem: 64 to 3072 MiB\n");
		return -1;
	}
	a->capture = argv[optind];
	return 0;
bad:
	fprintf(stderr, "vpci-vmm: %s\n", msg);
	return -1;
}
