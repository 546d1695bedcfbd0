# SPDX-License-Identifier: GPL-2.0
#
# i62608ctl is built by the top Makefile (every userspace/ctl/*.c). Its
# argument parsers and renderers are free of I/O and commands: the unit
# tests (selftests/unit/ctl_*.c) link them.

UNIT_EXTRA_SRCS += userspace/ctl/args.c userspace/ctl/render.c
