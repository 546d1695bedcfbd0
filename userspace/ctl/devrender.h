/* SPDX-License-Identifier: GPL-2.0 */
/*
 * i62608ctl: how i62608d's answers (its control socket's JSON,
 * docs/i62608d.md) are described to the output layer: `device list`,
 * `device show`, `daemon status`. Free of I/O, so that the unit tests
 * (selftests/daemon/ctl_device_test.c) render synthetic answers.
 *
 * JSON output keeps the daemon's members and their order; ages are
 * "..._ms" integers there and durations in text, as everywhere.
 */
#ifndef I62608_CTL_DEVRENDER_H
#define I62608_CTL_DEVRENDER_H

#include <json-c/json.h>

#include "output.h"

/* `device list`: the answer's "devices", a table in text. */
void ctl_print_device_list(struct out *o, json_object *devices);
/* `device show`: the answer's "device". */
void ctl_print_device(struct out *o, json_object *device);
/* `daemon status`: the whole answer but "ok". */
void ctl_print_daemon_status(struct out *o, json_object *status);

#endif /* I62608_CTL_DEVRENDER_H */
